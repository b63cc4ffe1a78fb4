"""The review documents: well formed, self-contained, and with the numbers of the use cases
the CLI prints (activity_report, kpi_report, abc)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.errors import UserError
from portfolio_tui.formats.review_document import (
    Bar,
    BarChart,
    Figure,
    ReviewDocument,
    Section,
    Table,
)
from portfolio_tui.formats.review_html import review_html
from portfolio_tui.formats.review_markdown import review_markdown
from portfolio_tui.i18n import set_language
from portfolio_tui.service import Portfolio

from conftest import PARIS, open_portfolio

AS_OF = date(2026, 11, 20)


def parse(html: str) -> ET.Element:
    """The page as XML: it must be well formed (the doctype line aside)."""
    doctype, body = html.split("\n", 1)
    assert doctype == "<!DOCTYPE html>"
    return ET.fromstring(body)


def figures(root: ET.Element) -> dict[str, str]:
    return {tr.get("data-key", ""): tr.get("data-value", "") for tr in root.iter("tr")
            if tr.get("data-key")}  # fmt: skip


def svgs(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.tag in ("svg", "{http://www.w3.org/2000/svg}svg")]


class TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)


@pytest.fixture
def language() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize("cadence", ["week", "month", "quarter"])
def test_html_is_well_formed_and_self_contained(portfolio: Portfolio, cadence: str) -> None:
    document = portfolio.reviews.review(cadence, AS_OF)
    html = portfolio.reviews.review_text(cadence, AS_OF, html=True)
    root = parse(html)
    charts = svgs(root)
    assert len(charts) == len(document.charts()) >= 1  # one <svg> per chart
    assert [c.get("data-chart") for c in charts] == [c.key for c in document.charts()]
    counter = TagCounter()
    counter.feed(html)
    assert counter.tags.count("svg") == len(document.charts())
    assert not {"script", "link", "img", "iframe"} & set(counter.tags)
    assert html.count("http") == html.count('xmlns="http://www.w3.org/2000/svg"')  # no network
    assert "@media print" in html


def test_the_week_has_the_activity_numbers(portfolio: Portfolio) -> None:
    data = portfolio.activity.activity_report("week", AS_OF).to_json()
    shown = figures(parse(portfolio.reviews.review_text("week", AS_OF, html=True)))
    assert float(shown["activity.index"]) == data["index"]
    assert float(shown["activity.what_if"]) == data["what_if"]
    assert shown["activity.lever"] == data["lever"]
    for factor in ("quantity", "orientation", "efficiency"):
        assert float(shown[f"activity.{factor}"]) == data[factor]["score"]
    assert int(shown["activity.overdue"]) == data["overdue"]
    assert float(shown["activity.a_clients_in_cadence"]) == data["a_clients_in_cadence"]


def test_the_month_has_the_kpis_of_report_kpis(portfolio: Portfolio) -> None:
    kpis = portfolio.reports.kpi_report(AS_OF, "month").to_dict()
    activity = portfolio.activity.activity_report("month", AS_OF).to_json()
    shown = figures(parse(portfolio.reviews.review_text("month", AS_OF, html=True)))
    assert float(shown["activity.index"]) == activity["index"]
    for key in ("revenue_now", "revenue_before", "active_now", "active_before"):
        assert int(shown[f"kpis_month.{key}"]) == kpis[key]
    assert int(shown["kpis_month.new_clients"]) == kpis["new_clients"]["count"]
    assert int(shown["kpis_month.lost_clients"]) == kpis["lost_clients"]["count"]
    assert float(shown["kpis_month.retention_rate"]) == kpis["retention_rate"]


def test_the_quarter_has_abc_concentration_and_the_year(portfolio: Portfolio) -> None:
    abc = portfolio.reports.abc(portfolio.reports.window(AS_OF))
    year = portfolio.reports.kpi_report(AS_OF, "year").to_dict()
    quarter = portfolio.reports.kpi_report(AS_OF, "quarter").to_dict()
    html = portfolio.reviews.review_text("quarter", AS_OF, html=True)
    shown = figures(parse(html))
    assert float(shown["abc.pareto_share"]) == abc.pareto_share
    assert int(shown["abc.pareto_count"]) == abc.pareto_count
    assert int(shown["kpis_year.revenue_now"]) == year["revenue_now"]
    assert int(shown["kpis_year.revenue_before"]) == year["revenue_before"]
    assert float(shown["concentration.top10_share"]) == quarter["top10_share"]
    assert int(shown["concentration.alert"]) == int(quarter["concentration_alert"])
    risk = portfolio.churn.weighted_churn_risk(AS_OF)
    assert risk is not None and int(shown["churn.weighted_risk"]) == risk.total
    projection = portfolio.churn.projection(AS_OF)
    assert projection is not None
    assert float(shown["projection.churn_rate"]) == projection.churn_rate


def test_markdown_shows_the_same_figures(portfolio: Portfolio) -> None:
    data = portfolio.activity.activity_report("week", AS_OF).to_json()
    text = portfolio.reviews.review_text("week", AS_OF)
    assert text.startswith("# Weekly review\n")
    assert f"- **Activity index**: {data['index']:,.1f}\n" in text
    assert "## Stage moves" in text and "### Overdue follow-ups" in text


def test_a_segment_narrows_the_review(portfolio: Portfolio) -> None:
    portfolio.segments.save("Clients A", "abc = A")
    ids = portfolio.segments.account_ids("Clients A", AS_OF)
    narrowed = portfolio.activity.activity_report("week", AS_OF, accounts=ids).to_json()
    html = portfolio.reviews.review_text("month", AS_OF, segment="Clients A", html=True)
    shown = figures(parse(html))
    month = portfolio.activity.activity_report("month", AS_OF, accounts=ids).to_json()
    assert float(shown["activity.index"]) == month["index"]
    kpis = portfolio.reports.kpi_report(AS_OF, "month", segment="Clients A").to_dict()
    assert int(shown["kpis_month.revenue_now"]) == kpis["revenue_now"]
    assert kpis["revenue_now"] < portfolio.reports.kpi_report(AS_OF, "month").revenue_now
    assert narrowed["quantity"]["value"] <= month["quantity"]["value"]
    assert "segment Clients A" in html


def test_write_review_picks_the_format_from_the_name(portfolio: Portfolio, tmp_path: Path) -> None:
    html = portfolio.reviews.write_review(tmp_path / "q.html", "quarter", AS_OF)
    parse(html.read_text(encoding="utf-8"))
    md = portfolio.reviews.write_review(tmp_path / "w.md", "week", AS_OF)
    assert md.read_text(encoding="utf-8").startswith("# Weekly review")
    with pytest.raises(UserError, match="does not exist"):
        portfolio.reviews.write_review(tmp_path / "nope" / "w.md", "week", AS_OF)
    written = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.db"))
    assert written == ["q.html", "w.md"]  # no temporary file left behind


def test_errors(portfolio: Portfolio) -> None:
    with pytest.raises(UserError, match="year"):
        portfolio.reviews.review("year", AS_OF)
    with pytest.raises(UserError, match="no segment named"):
        portfolio.reviews.review("week", AS_OF, segment="Nope")


def test_in_french_numbers_follow_the_locale(portfolio: Portfolio, language: None) -> None:
    set_language("fr")
    html = portfolio.reviews.review_text("month", AS_OF, html=True)
    root = parse(html)
    assert root.get("lang") == "fr"
    assert "\u00a0€" in html  # 12 345,67 €


def test_an_empty_portfolio_reviews_without_error(tmp_path: Path) -> None:
    with open_portfolio(tmp_path / "empty.db") as pf:
        for cadence in ("week", "month", "quarter"):
            root = parse(pf.reviews.review_text(cadence, AS_OF, html=True))
            assert figures(root)["activity.index"] == "0.0"


# --- the writers, on any text -------------------------------------------------------------------

any_text = st.text(max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    title=any_text, label=any_text, cell=any_text, values=st.lists(st.floats(0, 1e9), max_size=4)
)
def test_html_stays_well_formed_whatever_the_text(
    title: str, label: str, cell: str, values: list[float]
) -> None:
    bars = tuple(Bar(label, v, cell) for v in values)
    document = ReviewDocument(
        title,
        label,
        "fr",
        (
            Section(
                "s",
                title,
                (cell,),
                (Figure("k", label, cell, cell),),
                (BarChart("c", title, bars),),
                (Table("t", label, (cell, label), ((label, cell),)),),
            ),
        ),
    )
    root = parse(review_html(document))
    assert len(svgs(root)) == 1
    assert len(list(root.iter("rect"))) + len(
        list(root.iter("{http://www.w3.org/2000/svg}rect"))
    ) == len(values)
    text = review_markdown(document)
    assert text.startswith("# ") and text.endswith("\n")


# --- the week of test_activity.py, by hand --------------------------------------------------------


def test_the_hand_week_review(tmp_path: Path) -> None:
    from test_activity_cases import AS_OF as WEEK_END
    from test_activity_cases import MovableClock, _fill

    clock = MovableClock(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))
    with open_portfolio(tmp_path / "week.db", clock) as pf:
        _fill(pf, clock)
        text = pf.reviews.review_text("week", WEEK_END)
        shown = figures(parse(pf.reviews.review_text("week", WEEK_END, html=True)))
    assert shown["activity.index"] == "330.0" and shown["activity.lever"] == "quantity"
    assert shown["done.total"] == "8"  # 5 counted, Alpha's note, the notes of 2 follow-ups done
    assert shown["stage_moves.count"] == "1"
    assert "| 2026-11-19 | Warm | warm | hot |" in text
    assert "| 2026-11-19 | Beta | overdue one |" in text  # due on as_of itself is not overdue
    assert "due on as\\_of" not in text
    assert "| A | 2 |" in text and "| B | 1 |" in text and "| — | 2 |" in text
