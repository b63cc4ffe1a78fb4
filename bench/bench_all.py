"""Every speed benchmark in one run, and issue 14's table from their figures: each row with its
baseline measured in the same run on the same file.

    python bench/bench_all.py            # the reference portfolio; writes bench/out/figures.md
    python bench/bench_all.py --smoke    # a tiny portfolio, for CI (each script at its smoke size)

Runs bench_core, bench_import, bench_sync, bench_tui, bench_bulk and bench_levers (figures
gathered as JSON), then
bench_deals and bench_clv (their tables kept as printed), one after the other so none of them
competes with another for the CPU. The load average is noted before each script: the machine
may be shared, so read the ratios first."""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import OUT, Figure, load_average, read_json, remove

HERE = Path(__file__).resolve().parent
GATHERED = ("bench_core", "bench_import", "bench_sync", "bench_tui", "bench_bulk", "bench_levers")
PRINTED = ("bench_deals", "bench_clv")
# Issue 14's rows, in its order: (key of the figures, the issue's wording).
ISSUE_ROWS = (
    ("today_screen", "Today painted with its agenda rows"),
    ("dashboard", "Dashboard open / period switch"),
    ("portfolio", "Portfolio open"),
    ("switch", "screen switch once loaded"),
    ("save", "row updated after a save"),
    ("filter", "filter keystroke"),
    ("report_clients", "`portfolio report clients --format csv`"),
    ("today", "`today`"),
    ("show", "`show ACCOUNT`"),
    ("import", "`import sales`, 1,000,000 lines into an empty portfolio"),
    ("demo", "`demo --accounts 20000`"),
    ("memory", "peak memory, any command or the TUI"),
    ("pipeline", "`report pipeline` (deals)"),
    ("clv", "`report clv`"),
)
# After the issue's rows: the other figures, under these headings.
OTHER_ROWS = (
    ("sync", "sync between laptops"),
    ("export", "exports"),
    ("bulk", "store/bulk.py: bulk loads, before / after"),
    ("lever_import", "lever: read paths without the ORM"),
    ("lever_kept", "lever: per-account figures kept up to date"),
    ("lever_uuid7", "lever: UUIDv7 ids"),
    ("lever_one_pass", "lever: one pass for ABC and RFM; the working set the TUI reloads"),
)


def run_script(name: str, smoke: bool, json_path: Path | None) -> tuple[str, float, str]:
    """Run one benchmark script; returns (its output, seconds, the load average before)."""
    load = load_average()
    args = [sys.executable, str(HERE / f"{name}.py")]
    args += ["--smoke"] if smoke else []
    args += ["--json", str(json_path)] if json_path else []
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=HERE)
    seconds = time.perf_counter() - started
    output = done.stdout
    if done.returncode != 0:
        output += f"\n{name} FAILED (exit {done.returncode}):\n{done.stderr[-3000:]}"
    return output, seconds, load


def issue_table(figures: list[Figure], headings: tuple[tuple[str, str], ...]) -> list[str]:
    lines = ["| row | measure | portfolio-tui | baseline, same run | ratio | target |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for key, wording in headings:
        rows = [f for f in figures if f.key == key] or [Figure(key, "", "not measured")]
        for n, f in enumerate(rows):
            label = wording if n == 0 else ""
            lines.append(f"| {label} | {f.measure} | {f.value} | {f.baseline} | {f.ratio} | "
                         f"{f.target} |")  # fmt: skip
    return lines


def run_all(names: list[str], smoke: bool, kept: str) -> bool:
    """Run the scripts named; each one's output and figures are kept as bench/out/<kept>-NAME
    .txt and .json, so a table can be made again after re-running only some. True if all ran."""
    ok = True
    for name in names:
        json_path = OUT / f"{kept}-{name}.json" if name in GATHERED else None
        remove(f"{kept}-{name}.json", f"{kept}-{name}.txt")
        output, seconds, load = run_script(name, smoke, json_path)
        print(output, flush=True)
        ok &= "FAILED" not in output
        heading = (
            f"### {name} ({seconds:.0f} s, ended {datetime.now(UTC):%H:%M} UTC; {load} before it)"
        )
        (OUT / f"{kept}-{name}.txt").write_text(f"{heading}\n\n{output.strip()}\n")
    return ok


def kept_results(kept: str) -> tuple[list[Figure], list[str]]:
    """The figures and the output sections kept by the last run of each script."""
    figures: list[Figure] = []
    sections: list[str] = []
    for name in (*GATHERED, *PRINTED):
        text, json_path = OUT / f"{kept}-{name}.txt", OUT / f"{kept}-{name}.json"
        if text.exists():
            sections += [text.read_text().strip(), ""]
        if json_path.exists():
            figures += read_json(json_path)[1]
    return figures, sections


def write_figures(target: Path, smoke: bool, figures: list[Figure], sections: list[str]) -> None:
    head = [
        f"# Speed figures, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`python bench/bench_all.py{' --smoke' if smoke else ''}` on {platform.node()}, Python "
        f"{platform.python_version()}, {load_average()} at the end. Every ratio compares two "
        "figures measured in the same run of a script on the same file; the load average "
        "before each script is in its heading below.",
        "",
        "## Issue 14's table",
        "",
    ]
    body = [*issue_table(figures, ISSUE_ROWS), "", "## Other figures", "",
            *issue_table(figures, OTHER_ROWS), "", "## Each script", "", *sections]  # fmt: skip
    target.write_text("\n".join([*head, *body]) + "\n")
    print(f"\nwritten: {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every script at its smoke size")
    parser.add_argument("--only", help="comma-separated scripts to run again (e.g. bench_tui); "
                        "the others' figures are those kept from their last run")  # fmt: skip
    parser.add_argument("--figures", type=Path, help="markdown file to write (default: "
                        "bench/out/figures.md for a full run, none for --smoke)")  # fmt: skip
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    names = args.only.split(",") if args.only else [*GATHERED, *PRINTED]
    unknown = set(names) - {*GATHERED, *PRINTED}
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
    kept = "smoke" if args.smoke else "full"
    ok = run_all(names, args.smoke, kept)
    figures, sections = kept_results(kept)
    print("\n".join([*issue_table(figures, ISSUE_ROWS), "", *issue_table(figures, OTHER_ROWS)]))
    target = args.figures or (None if args.smoke else OUT / "figures.md")
    if target is not None:
        write_figures(target, args.smoke, figures, sections)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
