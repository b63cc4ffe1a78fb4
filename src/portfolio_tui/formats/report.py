"""What an import did, or would do (`--dry-run`): plain values for the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field

from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _, ngettext

# An import of a badly shaped million-line file would otherwise print a million lines.
MAX_LISTED_ERRORS = 1000
MAX_LISTED_ITEMS = 200


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell (or row) of a file: printed as `FILE:LINE: FIELD: reason`."""

    source: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One record of the file and what the import does with it."""

    line: int
    action: str  # "insert", "update" or "unchanged"
    label: str
    detail: str = ""


@dataclass
class ImportReport:
    kind: str
    source: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, field)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    rejected_rows: int = 0
    more_errors: int = 0  # errors past the first MAX_LISTED_ERRORS, counted only
    created: dict[str, list[str]] = field(default_factory=dict)  # {"accounts": [names]}
    items: list[ReportItem] = field(default_factory=list)  # the first MAX_LISTED_ITEMS
    # What the import read differently from the file, as FILE:LINE: FIELD: what (a SIRET
    # whose leading zero a spreadsheet ate, restored); the first MAX_LISTED_ERRORS.
    warnings: list[RowError] = field(default_factory=list)
    more_warnings: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, error: RowError) -> None:
        if len(self.rejected) < MAX_LISTED_ERRORS:
            self.rejected.append(error)
        else:
            self.more_errors += 1

    def warn(self, warning: RowError) -> None:
        if len(self.warnings) < MAX_LISTED_ERRORS:
            self.warnings.append(warning)
        else:
            self.more_warnings += 1

    def add_item(self, item: ReportItem) -> None:
        if item.action == "insert":
            self.inserted += 1
        elif item.action == "update":
            self.updated += 1
        else:
            self.unchanged += 1
        if len(self.items) < MAX_LISTED_ITEMS and item.action != "unchanged":
            self.items.append(item)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else ""
        parts = [
            f"{self.inserted} {verb} inserted",
            f"{self.updated} {verb} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.rejected_rows:
            parts.append(f"{self.rejected_rows} rejected")
        text = f"{self.source}: {self.rows} {self.kind} rows: " + ", ".join(parts)
        return " ".join(text.split())


class ImportRejected(UserError):
    """Rows of a file were rejected, so nothing was imported. `details` holds one
    `FILE:LINE: FIELD: reason` line per bad cell (the CLI prints each on its own line)."""

    def __init__(self, report: ImportReport) -> None:
        rows = report.rejected_rows
        message = ngettext(
            "{source}: {count} row was rejected; nothing was imported",
            "{source}: {count} rows were rejected; nothing was imported",
            rows,
        )
        super().__init__(message.format(source=report.source, count=rows))
        self.report = report
        self.errors = report.rejected

    @property
    def details(self) -> list[str]:
        lines = [str(e) for e in self.errors]
        more = self.report.more_errors
        if more:
            more_text = _("… and {count} more").format(count=more)
            lines.append(
                _("{field}: {message}").format(field=self.report.source, message=more_text)
            )
        return lines
