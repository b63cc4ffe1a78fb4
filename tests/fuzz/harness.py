"""The fuzz harness: a case is a command of the real CLI entry point on files made for it;
`run_case` runs it in process against a copy of a small database and says what went wrong.

What every case must give (issue 9): exit 0 or 2; on error one `portfolio: error:` line on
stderr (an import adds one `FILE:LINE: FIELD: reason` line per bad cell); no traceback; no
control character reaching the terminal; done within a time bound; the database byte for
byte as it was when the command refused.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import signal
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from helpers.files import db_state
from portfolio_tui.cli import main

TIME_LIMIT = 20  # seconds a case may take (the slowest ones take well under 1 s)
# What must never reach a terminal: C0 controls but tab and newline, DEL, C1 controls.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Case:
    """`args` of `portfolio --db DB …`, where "{f}" stands for the path of the file named
    `f.…` in `files`."""

    name: str
    args: tuple[str, ...]
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    case: Case
    code: int | None
    seconds: float
    problems: tuple[str, ...]
    stderr: str

    @property
    def ok(self) -> bool:
        return not self.problems


class CaseTimeout(Exception):
    pass


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def alarm(*_: object) -> None:
        raise CaseTimeout(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(argv: Sequence[str]) -> tuple[int | None, str, str, str | None]:
    """(exit code, stdout, stderr, traceback of an exception that escaped main)."""
    out, err = io.StringIO(), io.StringIO()
    crash = None
    code: int | None = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse, or a command that exits
            code = exc.code if isinstance(exc.code, int) else 1
        except CaseTimeout:
            raise
        except BaseException:  # what the harness is looking for
            crash = traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), crash


def _stderr_problems(stderr: str, inputs: Sequence[Path]) -> list[str]:
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith("portfolio: error: ")]
    if len(errors) != 1:
        return [f"{len(errors)} 'portfolio: error:' lines on stderr"]
    details = [line for line in lines if not line.startswith("portfolio: error: ")]
    prefixes = tuple(str(p) for p in inputs)
    stray = [d for d in details if not (d.startswith(prefixes) and re.search(r":\d+: ", d))]
    return [f"a stderr line that is not FILE:LINE: …: {stray[0][:120]!r}"] if stray else []


def run_case(case: Case, template: Path, work: Path, time_limit: float = TIME_LIMIT) -> Outcome:
    """Run `case` on a fresh copy of the database `template` in the folder `work`."""
    if work.exists():
        shutil.rmtree(work)
    (work / "in").mkdir(parents=True)
    db = work / "portfolio.db"
    shutil.copy(template, db)
    paths = {}
    for name, data in case.files.items():
        paths[name] = work / "in" / name
        paths[name].write_bytes(data)
    by_stem = {Path(name).stem: str(path) for name, path in paths.items()}
    argv = ["--db", str(db), *(a.format(**by_stem) for a in case.args)]
    before = db_state(db)
    started = time.perf_counter()
    problems: list[str] = []
    try:
        with time_bound(time_limit):
            code, stdout, stderr, crash = _call(argv)
    except CaseTimeout as exc:
        code, stdout, stderr, crash = None, "", "", None
        problems.append(f"hang: {exc}")
    seconds = time.perf_counter() - started
    if crash is not None:
        problems.append("exception escaped main: " + crash.strip().splitlines()[-1][:200])
    if "Traceback" in stderr:
        problems.append("a traceback on stderr")
    if code not in (0, 2) and not problems:
        problems.append(f"exit code {code}")
    if code == 2:
        problems += _stderr_problems(stderr, list(paths.values()))
        if db_state(db) != before:
            problems.append("the database changed although the command was refused")
    raw = _RAW_CONTROL.search(stdout + stderr)
    if raw is not None:
        problems.append(f"a raw control character U+{ord(raw[0]):04X} in the output")
    return Outcome(case, code, seconds, tuple(problems), stderr)
