"""`Portfolio.inspect_bundle`: a bundle's header, checked as sync checks it, nothing written."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portfolio_tui.formats.bundle import BundleError, BundleHeader, write_bundle
from portfolio_tui.service import Portfolio

from conftest import FIXED_NOW, PARIS, db_dump


def test_a_full_and_a_since_bundle(portfolio: Portfolio, tmp_path: Path) -> None:
    before = db_dump(portfolio.path)
    written = portfolio.bundles.export_bundle(tmp_path / "all.pfbundle")
    summary = portfolio.bundles.inspect_bundle(written.path)
    assert summary == written
    assert summary.exported_at == FIXED_NOW and summary.since is None
    assert summary.size == written.path.stat().st_size
    since = portfolio.bundles.export_bundle(tmp_path / "since.pfbundle", date(2026, 11, 20))
    seen = portfolio.bundles.inspect_bundle(since.path)
    assert seen.since == datetime(2026, 11, 20, tzinfo=PARIS).astimezone(UTC)
    assert seen.counts == since.counts
    assert db_dump(portfolio.path) == before


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p, data: p.write_bytes(data[: len(data) // 2]), "truncated"),
        (lambda p, data: p.write_bytes(gzip.compress(b"Nom;Ville\nDupont;Lyon\n")),
         "not a portfolio-tui bundle"),
        (lambda p, data: p.write_text("hello"), r"not a portfolio-tui bundle \(not gzip"),
        (lambda p, data: p.write_bytes(b""), "not a portfolio-tui bundle"),
    ],
    ids=["truncated", "foreign", "text", "empty"],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_it(portfolio: Portfolio, tmp_path: Path, make, reason):
    data = portfolio.bundles.export_bundle(tmp_path / "good.pfbundle").path.read_bytes()
    bad = tmp_path / "bad.pfbundle"
    make(bad, data)
    before = db_dump(portfolio.path)
    with pytest.raises(BundleError, match=reason) as caught:
        portfolio.bundles.inspect_bundle(bad)
    assert str(caught.value).startswith(str(bad))
    assert db_dump(portfolio.path) == before


def test_a_missing_file_and_other_columns(portfolio: Portfolio, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"nowhere\.pfbundle: No such file"):
        portfolio.bundles.inspect_bundle(tmp_path / "nowhere.pfbundle")
    header = BundleHeader("zzzz", FIXED_NOW.isoformat(), None, 1, {"gadget": ("id",)}, {})
    other = tmp_path / "other.pfbundle"
    write_bundle(other, header, [])
    with pytest.raises(BundleError, match="unknown table 'gadget'"):
        portfolio.bundles.inspect_bundle(other)
