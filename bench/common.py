"""What every benchmark shares: the reference portfolio and a timing helper."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

OUT = Path(__file__).resolve().parent / "out"
REFERENCE_ACCOUNTS = 20_000
T = TypeVar("T")


def generate_demo(path: Path, accounts: int) -> float:
    """Write the demo portfolio (3 years, seed 1) to `path`, replacing it; returns seconds."""
    OUT.mkdir(exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--db", str(path), "demo",
         "--accounts", str(accounts), "--years", "3", "--seed", "1"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def reference_db(accounts: int, refresh: bool = False) -> tuple[Path, float | None]:
    """The benchmark portfolio (20,000 accounts → bench/out/reference.db), generated when
    missing or asked for; returns (path, generation seconds or None when it was there)."""
    name = "reference.db" if accounts == REFERENCE_ACCOUNTS else f"reference-{accounts}.db"
    path = OUT / name
    if path.exists() and not refresh:
        return path, None
    return path, generate_demo(path, accounts)


def median_time(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median seconds of `repeat` runs after one untimed warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def peak_memory_mb(args: list[str]) -> float:
    """Peak RSS of one child process, measured by a fresh wrapper so no other child counts."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *args], check=True, capture_output=True)
    return int(out.stdout) / 1024
