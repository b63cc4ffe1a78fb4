"""A review document as one self-contained HTML page: inline CSS (with print styles) and one
inline SVG per chart; no script, no font, no link to anything outside the file.

The output is well-formed XML as well as HTML (every element closed, every text escaped), and
each figure row carries `data-key` and `data-value` so its raw number can be read back."""

from __future__ import annotations

import re
from html import escape

from portfolio_tui.formats.review_document import (
    BarChart,
    Figure,
    RawValue,
    ReviewDocument,
    Section,
    Table,
)

BAR_HEIGHT = 22
LABEL_WIDTH = 220
BAR_WIDTH = 360
TEXT_WIDTH = 120

_STYLE = """
body { font-family: system-ui, sans-serif; color: #1d2430; margin: 2rem auto; max-width: 60rem;
       line-height: 1.4; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0; }
.subtitle { color: #5a6270; margin-top: 0.2rem; }
section { margin: 1.5rem 0; page-break-inside: avoid; break-inside: avoid; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #3b6ea8; padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; margin: 0.3rem 0 0.8rem; }
th, td { border: 1px solid #c9ced6; padding: 0.2rem 0.5rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.figures th { background: #f2f4f7; font-weight: normal; }
table.figures td { font-weight: bold; }
.note { color: #5a6270; font-style: italic; }
svg { display: block; margin: 0.3rem 0 0.8rem; }
svg rect { fill: #3b6ea8; }
svg text { font-size: 12px; fill: #1d2430; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { border-color: #000; }
  svg rect { fill: #555; }
  a { color: inherit; text-decoration: none; }
}
"""


def review_html(document: ReviewDocument) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(document.language)}">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{_text(document.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(document.title)}</h1>",
        f'<p class="subtitle">{_text(document.subtitle)}</p>',
        *(_section(section) for section in document.sections),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _section(section: Section) -> str:
    parts = [f'<section id="{_attr(section.key)}">', f"<h2>{_text(section.title)}</h2>"]
    parts += [f'<p class="note">{_text(note)}</p>' for note in section.notes]
    if section.figures:
        parts.append('<table class="figures"><tbody>')
        parts += [_figure(f) for f in section.figures]
        parts.append("</tbody></table>")
    parts += [_chart(chart) for chart in section.charts]
    parts += [_table(table) for table in section.tables]
    parts.append("</section>")
    return "\n".join(parts)


def _figure(figure: Figure) -> str:
    return (
        f'<tr data-key="{_attr(figure.key)}" data-value="{_attr(_raw(figure.value))}">'
        f"<th>{_text(figure.label)}</th><td>{_text(figure.text)}</td></tr>"
    )


def _table(table: Table) -> str:
    head = f"<h3>{_text(table.title)}</h3>"
    if not table.rows:
        return f'{head}\n<p class="note" data-table="{_attr(table.key)}">{_text(table.empty)}</p>'
    header = "".join(f"<th>{_text(h)}</th>" for h in table.headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td{_numeric(c)}>{_text(c)}</td>" for c in row) + "</tr>"
        for row in table.rows
    )
    return (
        f'{head}\n<table data-table="{_attr(table.key)}"><thead><tr>{header}</tr></thead>'
        f"<tbody>\n{body}\n</tbody></table>"
    )


def _chart(chart: BarChart) -> str:
    """A horizontal bar chart: label, bar (scaled to the largest value), the bar's text."""
    height = BAR_HEIGHT * max(1, len(chart.bars)) + 8
    width = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
    top = max((bar.value for bar in chart.bars), default=0) or 1
    parts = [
        f"<h3>{_text(chart.title)}</h3>",
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" data-chart="{_attr(chart.key)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{_text(chart.title)}</title>",
    ]
    for i, bar in enumerate(chart.bars):
        y = 4 + i * BAR_HEIGHT
        length = round(BAR_WIDTH * max(0.0, bar.value) / top, 1)
        parts += [
            f'<text x="0" y="{y + 15}">{_text(bar.label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{BAR_HEIGHT - 6}" />',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{_text(bar.text)}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _numeric(cell: str) -> str:
    digits = sum(c.isdigit() for c in cell)
    return ' class="n"' if digits and digits * 2 >= len(cell.replace(" ", "")) else ""


def _raw(value: RawValue) -> str:
    return "" if value is None else str(value)


# Characters XML forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=False)


def _attr(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=True)
