"""The sales window the per-account figures are taken over: `12m`, `24m`, `<N>m` or `all`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from portfolio_tui.i18n import _

_MONTHS = re.compile(r"([0-9]+)m")


class WindowError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Window:
    """Sales with `start < date <= as_of`; `months=None` means every sale up to `as_of`."""

    as_of: date
    months: int | None

    def __post_init__(self) -> None:
        if self.months is not None and self.months < 1:
            raise WindowError(
                _("window must be at least 1 month, not {months}").format(months=self.months)
            )

    @property
    def start(self) -> date | None:
        """Exclusive lower bound; month ends clamp (2024-02-29 - 12m = 2023-02-28)."""
        if self.months is None:
            return None
        return self.as_of - relativedelta(months=self.months)

    def contains(self, d: date) -> bool:
        start = self.start
        return d <= self.as_of and (start is None or start < d)

    def previous(self) -> Window:
        start = self.start
        if start is None:
            raise WindowError(_("the 'all' window has no previous window"))
        return Window(as_of=start, months=self.months)

    @property
    def label(self) -> str:
        return "all" if self.months is None else f"{self.months}m"


def parse_window(text: str, as_of: date) -> Window:
    cleaned = text.strip().lower()
    if cleaned == "all":
        return Window(as_of=as_of, months=None)
    match = _MONTHS.fullmatch(cleaned)
    if match is None or int(match.group(1)) < 1:
        raise WindowError(
            _("unknown window {text!r} (expected 12m, 24m, Nm or all)").format(text=text)
        )
    return Window(as_of=as_of, months=int(match.group(1)))
