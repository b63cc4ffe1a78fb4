"""The fuzz suite at any size (issue 9): mutated copies of the real sample files, each through
the real CLI entry point in process, checked as tests/fuzz checks them (exit 0 or 2, one error
line, no traceback, no hang, the database unchanged on refusal).

    python bench/bench_fuzz.py --cases 5000        # 5,000 cases per family
    python bench/bench_fuzz.py --smoke             # a few cases, for CI
    python bench/bench_fuzz.py --families csv,vcard --seed 7

Prints, per family, the cases run, how many were imported (exit 0) and refused (exit 2), the
failures (each with its case name, to replay with the same seed), and the median and slowest
case times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from fuzz.corpus import MUTATIONS  # noqa: E402
from fuzz.harness import run_case  # noqa: E402

from conftest import open_portfolio  # noqa: E402


def _template(folder: Path) -> Path:
    path = folder / "template.db"
    with open_portfolio(path) as pf:
        pf.load_demo(accounts=6, years=1, seed=3)
        with pf.db.raw() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def run_family(family: str, seed: int, cases: int, template: Path, work: Path) -> int:
    """Run one family's cases, print its line of figures; returns the number of failures."""
    started = time.perf_counter()
    codes = {0: 0, 2: 0}
    times: list[float] = []
    failures = []
    for case in MUTATIONS[family](seed, cases):
        outcome = run_case(case, template, work)
        times.append(outcome.seconds)
        if outcome.code in codes:
            codes[outcome.code] += 1
        if not outcome.ok:
            failures.append(outcome)
    total = time.perf_counter() - started
    print(f"| {family} | {len(times)} | {codes[0]} | {codes[2]} | {len(failures)} | "
          f"{statistics.median(times) * 1000:.0f} ms | {max(times):.2f} s | {total:.1f} s |")  # fmt: skip
    for outcome in failures[:20]:
        print(f"    {outcome.case.name}: {'; '.join(outcome.problems)}")
    return len(failures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases per family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--families", default=",".join(MUTATIONS))
    parser.add_argument("--smoke", action="store_true", help="5 cases per family")
    args = parser.parse_args()
    cases = 5 if args.smoke else args.cases
    with tempfile.TemporaryDirectory(prefix="bench-fuzz-") as folder:
        template = _template(Path(folder))
        print(
            "| family | cases | imported (0) | refused (2) | failures | median | slowest | total |"
        )
        print("|---|---|---|---|---|---|---|---|")
        failed = sum(
            run_family(family, args.seed, cases, template, Path(folder) / "case")
            for family in args.families.split(",")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
