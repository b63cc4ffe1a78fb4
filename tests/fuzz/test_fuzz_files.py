"""Fuzzing the ways files come in (issue 9, point 16): mutated copies of the real sample files
and hypothesis-made tables, each through the real CLI entry point, in process. Small here (a
few hundred cases); `python bench/bench_fuzz.py --cases N` runs as many as wanted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz.corpus import MUTATIONS, csv_tables
from fuzz.harness import Case, Outcome, run_case

from conftest import open_portfolio

# Cases per family in CI, and the seed each family's cases come from.
SIZES = {"csv": 90, "workbook": 40, "vcard": 70, "bundle": 40}
SEED = 20261123


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small portfolio (6 accounts, a year of sales), checkpointed: the case's database."""
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    with open_portfolio(path) as pf:
        pf.load_demo(accounts=6, years=1, seed=3)
        with pf.db.raw() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _report(failures: list[Outcome]) -> str:
    return "\n".join(
        f"{o.case.name}: {'; '.join(o.problems)} (exit {o.code}) {o.stderr[:300]!r}"
        for o in failures[:10]
    )


@pytest.mark.parametrize("family", list(SIZES))
def test_mutated_files_are_imported_or_refused_cleanly(family, template, tmp_path):
    outcomes = [run_case(case, template, tmp_path / "case")
                for case in MUTATIONS[family](SEED, SIZES[family])]  # fmt: skip
    failures = [o for o in outcomes if not o.ok]
    assert not failures, f"{len(failures)} of {len(outcomes)} cases failed:\n{_report(failures)}"
    # The mutations reach past the first check: some files are still imported.
    assert {o.code for o in outcomes} >= ({2} if family == "bundle" else {0, 2})


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=csv_tables())
def test_made_up_tables_are_imported_or_refused_cleanly(table, template, tmp_path):  # fmt: skip
    kind, data = table
    outcome = run_case(Case("hypothesis", ("import", kind, "{f}"), {"f.csv": data}), template,
                       tmp_path / "case")  # fmt: skip
    assert outcome.ok, _report([outcome])
