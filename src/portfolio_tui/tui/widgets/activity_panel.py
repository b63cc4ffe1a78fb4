"""The rep's own effort of the week, month or quarter ("Mon activité"): the three scores out of
10 with their figures, the index (their product), the lever to pull, in words, and what the
index would be with the lever raised to the best score."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from portfolio_tui.domain.activity import ActivityReport, Measure
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt

BAR_WIDTH = 10  # one cell a point of score


def factor_names() -> dict[str, str]:
    """The three factors, in the rep's language."""
    return {
        "quantity": _("Quantity"),
        "orientation": _("Orientation"),
        "efficiency": _("Efficiency"),
    }


def score_text(score: Decimal) -> str:
    return fmt.number(score, 1)


def _share(value: int | Decimal | None) -> str:
    return "—" if value is None else fmt.percent(value, 0)


def _figure(name: str, measure: Measure) -> str:
    """ "104 / 60" contacts, or "57 % / 60 %" for a share."""
    if name == "quantity":
        return f"{measure.value} / {measure.target}"
    return f"{_share(measure.value)} / {_share(measure.target)}"


def _bar(score: Decimal, colour: str) -> Text:
    """A cell a point, a half cell for the half point: 9.5 is not drawn as 10."""
    whole = int(score)
    half = "▌" if score - whole >= Decimal("0.5") else ""
    rest = BAR_WIDTH - whole - len(half)
    return Text.assemble(("█" * whole + half, colour), ("·" * rest, "dim"))


def scores_table(report: ActivityReport, lever_colour: str = "") -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, min_width=12)
    table.add_column(no_wrap=True, width=BAR_WIDTH)
    table.add_column(justify="right", no_wrap=True, width=4)
    table.add_column(justify="right", no_wrap=True)
    lever = report.figures.lever
    for name, label in factor_names().items():
        measure: Measure = getattr(report, name)
        style = f"bold {lever_colour}" if name == lever else ""
        table.add_row(
            Text(label, style=style),
            _bar(measure.score, lever_colour if name == lever else ""),
            Text(score_text(measure.score), style="bold"),
            Text(_figure(name, measure), style="dim"),
        )
    return table


def gain_text(gain: Decimal | None) -> str:
    """ "+5.3%", or "—" when the index is 0 (no gain can be told then)."""
    if gain is None:
        return "—"
    return ("+" if gain > 0 else "") + fmt.percent(gain, 1)


def index_text(report: ActivityReport, lever_words: str) -> Text:
    """The index, the lever and its words, the index with the lever raised and the gain."""
    figures = report.figures
    lever = factor_names()[figures.lever].lower()
    text = Text()
    text.append(_("Index") + " ", style="dim")
    text.append(fmt.number(figures.index, 1), style="bold")
    text.append(" = " + " × ".join(
        score_text(getattr(report, name).score) for name in factor_names()),
        style="dim")  # fmt: skip
    text.append("\n" + _("Lever") + " ", style="dim")
    text.append(lever, style="bold")
    # TRANSLATORS: after the lever's name ("efficiency: more contacts…"); French U+202F before ":"
    text.append(_(": {words}").format(words=lever_words))
    text.append("\n" + _("What if") + " ", style="dim")
    text.append(_("{lever} at {best}: index {what_if}").format(
        lever=lever,
        best=score_text(max(getattr(report, name).score for name in factor_names())),
        what_if=fmt.number(figures.what_if, 1),
    ))  # fmt: skip
    text.append(" (" + _("gain") + " ", style="dim")
    text.append(gain_text(figures.gain), style="bold")
    text.append(")", style="dim")
    return text


def activity_table(report: ActivityReport, lever_words: str, lever_colour: str = "") -> Table:
    """The scores on the left, the index, lever and what-if on the right."""
    table = Table.grid(padding=(0, 3), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_row(scores_table(report, lever_colour), index_text(report, lever_words))
    return table


def period_title(report: ActivityReport) -> str:
    span = report.period
    kinds = {"week": _("week"), "month": _("month"), "quarter": _("quarter")}
    return _("My activity · {period} from {start} to {end}").format(
        period=kinds.get(span.kind, span.kind),
        start=fmt.day_short(span.start),
        end=fmt.day_short(span.end),
    )


class ActivityPanel(Static):
    """Shows an `ActivityReport` with the words of its lever (`service.activity.lever_words`)."""

    DEFAULT_CSS = """
    ActivityPanel {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: ActivityReport | None = None

    def show(self, report: ActivityReport, lever_words: str, lever_colour: str = "") -> None:
        self.report = report
        self.update(activity_table(report, lever_words, lever_colour))
