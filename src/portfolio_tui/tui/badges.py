"""Coloured badges for ABC classes, RFM scores and stages, as Rich Text for tables and cards."""

from __future__ import annotations

from rich.text import Text

from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.i18n import current_language
from portfolio_tui.i18n.terms import segment_label, stage_label

ABC_STYLES = {
    "A": "bold black on #3fb950",
    "B": "bold black on #d29922",
    "C": "bold white on #6e7681",
}
# Score 1 (worst) to 5 (best).
SCORE_STYLES = {
    1: "bold #f85149",
    2: "bold #db6d28",
    3: "bold #d29922",
    4: "bold #7ee787",
    5: "bold #3fb950",
}
SEGMENT_STYLES = {
    "Champions": "#3fb950",
    "Loyal": "#56d364",
    "Potential Loyalists": "#7ee787",
    "New Customers": "#58a6ff",
    "Promising": "#79c0ff",
    "Need Attention": "#d29922",
    "About to Sleep": "#db6d28",
    "At Risk": "#f85149",
    "Can't Lose Them": "bold #ff7b72",
    "Hibernating": "#8b949e",
}
STAGE_STYLES = {
    "suspect": "#8b949e",
    "cold": "#79c0ff",
    "warm": "#d29922",
    "hot": "bold #f85149",
    "client": "bold #3fb950",
    "lost": "strike #6e7681",
}


def abc_badge(abc_class: str | None) -> Text:
    if not abc_class:
        return Text(" · ", style="dim")
    return Text(f" {abc_class} ", style=ABC_STYLES.get(abc_class, ""))


def rfm_digits(score: RfmScore | None) -> Text:
    if score is None:
        return Text("···", style="dim")
    text = Text()
    for digit in (score.r, score.f, score.m):
        text.append(str(digit), style=SCORE_STYLES[digit])
    return text


def rfm_badge(score: RfmScore | None, *, with_segment: bool = True) -> Text:
    """`545 Champions`, digits coloured by score, segment by its meaning."""
    text = rfm_digits(score)
    if score is not None and with_segment:
        text.append(" ")
        text.append(_segment(score.segment), style=SEGMENT_STYLES.get(score.segment, ""))
    return text


def stage_badge(stage: str) -> Text:
    return Text(_stage(stage), style=STAGE_STYLES.get(stage, ""))


def _stage(stage: str) -> str:
    """English shows the stage's key (`warm`), as always; French its name (`tiède`)."""
    if current_language() == "en" or stage not in STAGE_STYLES:
        return stage
    return stage_label(stage).lower()


def _segment(segment: str) -> str:
    return segment if current_language() == "en" else segment_label(segment)
