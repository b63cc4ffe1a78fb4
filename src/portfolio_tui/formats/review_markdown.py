"""A review document as Markdown: headings, figure lists, pipe tables; charts as tables."""

from __future__ import annotations

from portfolio_tui.formats.review_document import BarChart, ReviewDocument, Section, Table


def review_markdown(document: ReviewDocument) -> str:
    lines = [f"# {_inline(document.title)}", "", f"_{_inline(document.subtitle)}_", ""]
    for section in document.sections:
        lines += _section(section)
    return "\n".join(lines).rstrip("\n") + "\n"


def _section(section: Section) -> list[str]:
    lines = [f"## {_inline(section.title)}", ""]
    for note in section.notes:
        lines += [_inline(note), ""]
    if section.figures:
        lines += [f"- **{_inline(f.label)}**: {_inline(f.text)}" for f in section.figures]
        lines.append("")
    for chart in section.charts:
        lines += _chart(chart)
    for table in section.tables:
        lines += _table(table)
    return lines


def _chart(chart: BarChart) -> list[str]:
    rows = tuple((bar.label, bar.text) for bar in chart.bars)
    return _table(Table(chart.key, chart.title, ("", ""), rows))


def _table(table: Table) -> list[str]:
    lines = [f"### {_inline(table.title)}", ""]
    if not table.rows:
        return [*lines, _inline(table.empty or "—"), ""]
    lines.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.headers) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _inline(text: str) -> str:
    """One line of text, with Markdown's own signs escaped."""
    flat = " ".join(text.split())
    for sign in ("\\", "*", "_", "`", "#", "[", "]", "<", ">"):
        flat = flat.replace(sign, "\\" + sign)
    return flat


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|") or " "
