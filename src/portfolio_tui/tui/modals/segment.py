"""Save the Portfolio's filter as a segment: the modal asks only for its name.

The filter is given as segment terms (`abc = A and p_alive < 0.5`, see domain/segments.py);
the text typed after `/` has no segment field, so it is said to be left out, never guessed.
Saving a name that exists replaces that segment (`pf.segments.save`), as the CLI does.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from portfolio_tui.i18n import N_, _, ngettext
from portfolio_tui.tui.modals.form import FormModal


class SaveSegmentForm(FormModal):
    """Name the segment made of `terms`; dismissed with what was saved, and how many accounts
    it holds today."""

    TITLE = N_("Save the filter as a segment")

    def __init__(self, terms: str, *, name: str = "", left_out: str = "") -> None:
        super().__init__()
        self.terms = terms
        self.suggested_name = name
        self.left_out = left_out

    def subtitle(self) -> str:
        text = self.terms
        if self.left_out:
            left_out = _("The text “{text}” is left out: a segment has no field for it.")
            text += "\n" + left_out.format(text=self.left_out)
        return text

    def fields(self) -> ComposeResult:
        name = Input(
            self.suggested_name,
            placeholder=_("e.g. BTP Lyon à risque"),
            id="f-name",
            compact=True,
        )
        yield from self.row(_("Name"), name)

    def collect(self) -> dict[str, Any]:
        return {"name": self.required("name")}

    def save(self, values: dict[str, Any]) -> str | None:
        segments = self.portfolio.segments
        segment, replaced = segments.save(values["name"], self.terms)
        count = len(segments.members(segment.name))
        accounts = ngettext("{n} account", "{n} accounts", count).format(n=count)
        verb = _("Segment replaced") if replaced else _("Segment saved")
        return f"{verb}: {segment.name} · {segment.filter_text} · {accounts}"
