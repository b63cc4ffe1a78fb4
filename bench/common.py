"""What every benchmark shares: the reference portfolio, timing helpers, and the rows of
figures each script prints and hands to `bench_all.py` (`--json FILE`)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

OUT = Path(__file__).resolve().parent / "out"
REFERENCE_ACCOUNTS = 20_000
PORTFOLIO = [sys.executable, "-m", "portfolio_tui"]
T = TypeVar("T")

# Commands are timed as a user runs them: with their bytecode cached. This shell may forbid
# writing bytecode (PYTHONDONTWRITEBYTECODE), which would recompile every module of the project
# at every start (~1 s); the children write theirs under bench/out instead of the source tree.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(OUT / "pycache"))


@dataclass(frozen=True)
class Figure:
    """One row of a benchmark table. `key` names the row of issue 14's table it belongs to
    (bench_all.py orders and groups by it); `value` and `baseline` are already formatted."""

    key: str
    measure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}x" if baseline > 0 else ""


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages: the machine is shared, say how busy it was."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def print_table(title: str, figures: Sequence[Figure]) -> None:
    print(title)
    print()
    print("| measure | portfolio-tui | baseline, same run | ratio | target |")
    print("|---|---|---|---|---|")
    for f in figures:
        print(f"| {f.measure} | {f.value} | {f.baseline} | {f.ratio} | {f.target} |")


def write_json(path: Path | None, title: str, figures: Sequence[Figure]) -> None:
    """Hand the figures to bench_all.py; nothing when run alone."""
    if path is None:
        return
    payload = {"title": title, "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(payload, indent=1) + "\n")


def read_json(path: Path) -> tuple[str, list[Figure]]:
    payload = json.loads(path.read_text())
    return payload["title"], [Figure(**f) for f in payload["figures"]]


def demo_command(path: Path, accounts: int) -> list[str]:
    """The command that writes the demo portfolio (3 years, seed 1) to `path`."""
    return [*PORTFOLIO, "--db", str(path), "demo", "--accounts", str(accounts),
            "--years", "3", "--seed", "1"]  # fmt: skip


def generate_demo_measured(path: Path, accounts: int) -> tuple[float, float]:
    """Write the demo portfolio to `path`, replacing it; returns (seconds, peak MB)."""
    OUT.mkdir(exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    return measured_run(demo_command(path, accounts))


def generate_demo(path: Path, accounts: int) -> float:
    """Write the demo portfolio to `path`, replacing it; returns seconds."""
    return generate_demo_measured(path, accounts)[0]


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


def command_seconds(args: list[str], repeat: int) -> float:
    """Median wall time of a command (after one warm-up run), its output thrown away."""

    def run() -> None:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return median_time(run, repeat)[0]


_PROBE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measured_run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process, run by a fresh wrapper so no other
    child counts in the peak."""
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True)
    if out.returncode != 0:  # say why: the command's own error is the end of the probe's
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-2000:]}")
    seconds, kilobytes = out.stdout.split()
    return float(seconds), int(kilobytes) / 1024


def peak_memory_mb(args: list[str]) -> float:
    """Peak RSS of one child process."""
    return measured_run(args)[1]


def measured_runs(args: list[str], repeat: int, warm_up: bool = True) -> tuple[float, float]:
    """(median seconds, largest peak MB) of `repeat` runs of a command, after an untimed
    warm-up run (bytecode written, file in the page cache) unless `warm_up` is False."""
    if warm_up:
        measured_run(args)
    runs = [measured_run(args) for _ in range(max(repeat, 1))]
    return statistics.median(s for s, _ in runs), max(mb for _, mb in runs)


def sales_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT count(*) FROM sale WHERE deleted_at IS NULL").fetchone()[0]
    conn.close()
    return int(found)


def remove(*patterns: str) -> None:
    """Delete the scratch files of bench/out matching `patterns` (with their -wal, -shm)."""
    for pattern in patterns:
        for path in OUT.glob(pattern):
            path.unlink(missing_ok=True)
