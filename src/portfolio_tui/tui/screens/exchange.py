"""Import / Export: spreadsheets (CSV), address books (vCard) and calendars (iCalendar).

Import: pick what the file holds and the file (the path completes as you type: right arrow
accepts), optionally map other column names (`Kunde=account, Datum=date`), then preview: a dry
run that lists what would be inserted, updated and rejected, with the reason for each rejected
row. Import runs that preview first when it is missing or stale, then asks for confirmation;
a file with a rejected row is never imported. Long imports show a progress bar.

Export: every format to a folder, under fixed file names, so the next export replaces the
last one (calendars and address books then update instead of duplicating). A sync bundle (all
rows, or those written since a date) is named after the device and the time instead.

Sync: bundles from the rep's other laptops (one file, a folder, a pattern such as
`~/Sync/portfolio/*.pfbundle`, several separated by ";"). The preview reads and checks each
bundle's header, writing nothing; a bad file is named with its error and blocks the sync. Sync
asks for confirmation, then merges in a worker with a progress bar and lists what each bundle
brought, the conflicts resolved and the rows left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select, Static

from portfolio_tui.errors import USER_ERRORS, UserError
from portfolio_tui.i18n import N_, _
from portfolio_tui.paths import shown_folder
from portfolio_tui.service.exports import ImportRejected, ImportReport, parse_mapping
from portfolio_tui.tui.screens.exchange_sync import SyncPart
from portfolio_tui.tui.screens.sync_view import bundle_written_text
from portfolio_tui.tui.suggesters import PathSuggester
from portfolio_tui.tui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service import Portfolio

IMPORT_KINDS: tuple[tuple[str, str], ...] = (
    (N_("Accounts (CSV)"), "accounts"),
    (N_("Contacts (CSV)"), "contacts"),
    (N_("Sales (CSV)"), "sales"),
    (N_("Interactions (CSV)"), "interactions"),
    (N_("Contacts (vCard file or folder)"), "vcf"),
)
CSV_EXPORTS: tuple[tuple[str, str], ...] = (
    (N_("Accounts"), "accounts"),
    (N_("Contacts"), "contacts"),
    (N_("Sales"), "sales"),
    (N_("Interactions"), "interactions"),
    (N_("Follow-ups"), "followups"),
)
# What an export wrote, in "{count} {what} written to {target}" (the English keeps the keys).
WRITTEN_WHAT = {
    "accounts": N_("accounts"),
    "contacts": N_("contacts"),
    "sales": N_("sales"),
    "interactions": N_("interactions"),
    "followups": N_("followups"),
    "cards": N_("cards"),
    "follow-ups": N_("follow-ups"),
}


def _options(choices: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A Select's options, their labels in the current language."""
    return [(_(label), value) for label, value in choices]


EXPORT_NAMES = {
    **{kind: f"portfolio-{kind}.csv" for _, kind in CSV_EXPORTS},
    "followups": "portfolio-follow-ups.csv",
    "vcf": "portfolio-contacts.vcf",
    "vdir": "portfolio-contacts",
    "ics": "portfolio-follow-ups.ics",
}
SHOWN_ERRORS = 200


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    path: str
    mapping: dict[str, str]

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return self.kind, self.path, tuple(sorted(self.mapping.items()))


def report_lines(report: ImportReport) -> Text:
    """The preview or result of an import, as the screen shows it."""
    text = Text()
    verb = _("Preview of {source}") if report.dry_run else _("Imported {source}")
    text.append(verb.format(source=report.source) + "\n", style="bold")
    if report.encoding:
        encoding = _("{encoding}, delimiter {delimiter}").format(
            encoding=report.encoding, delimiter=f"'{report.delimiter}'"
        )
        text.append(encoding + "\n", style="dim")
    if report.columns:
        columns = ", ".join(f"{h} → {f}" for h, f in report.columns)
        text.append(_("Columns: {columns}").format(columns=columns) + "\n")
    if report.ignored_columns:
        ignored = _("Ignored columns: {columns}").format(columns=", ".join(report.ignored_columns))
        text.append(ignored + "\n", style="dim")
    for what, names in report.created.items():
        in_all = _(", … ({count} in all)").format(count=len(names)) if len(names) > 8 else ""
        shown = ", ".join(names[:8]) + in_all
        new = _("New {what}: {names}").format(what=_(WRITTEN_WHAT.get(what, what)), names=shown)
        text.append(new + "\n", style="italic")
    text.append("\n" + report.summary() + "\n", style="bold")
    if report.rejected:
        rejected = _("{count} rejected row(s): nothing will be imported until they are fixed")
        text.append(
            "\n" + rejected.format(count=report.rejected_rows) + "\n",
            style="bold red",
        )
        for error in report.rejected[:SHOWN_ERRORS]:
            text.append(f"  {error}\n", style="red")
        hidden = len(report.rejected) - SHOWN_ERRORS + report.more_errors
        if hidden > 0:
            text.append("  " + _("… and {count} more").format(count=hidden) + "\n", style="red")
    if report.items:
        text.append("\n")
        styles = {"insert": "green", "update": "yellow"}
        for item in report.items:
            detail = f": {item.detail}" if item.detail else ""
            text.append("  " + _("line {line}: ").format(line=item.line), style="dim")
            text.append(item.action, style=styles.get(item.action, ""))
            text.append(f" {item.label}{detail}\n")
    return text


class ExchangeScreen(SyncPart):
    TITLE = N_("Import/Export")
    # Not an Input: it would take the number keys that switch screens.
    AUTO_FOCUS = "#preview"
    BINDINGS = [
        Binding("ctrl+r,f5", "preview", N_("Preview import"), id="exchange.preview"),
        Binding("ctrl+o,f6", "run_import", N_("Import…"), id="exchange.import"),
        Binding("f7", "export('csv')", N_("Export CSV"), id="exchange.export_csv"),
        Binding("f8", "export('vcf')", N_("Export vCard"), id="exchange.export_vcf"),
        Binding(
            "shift+f8",
            "export('vdir')",
            N_("Export vCard folder"),
            id="exchange.export_vdir",
            show=False,
        ),
        Binding("f9", "export('ics')", N_("Export calendar"), id="exchange.export_ics"),
        Binding("f10", "export('bundle')", N_("Export sync bundle"), id="exchange.export_bundle"),
        Binding("ctrl+l,f11", "preview_sync", N_("Preview sync"), id="exchange.preview_sync"),
        Binding("ctrl+y,f12", "run_sync", N_("Sync…"), id="exchange.sync"),
        # Escape leaves a field: the number keys, q and ? work again.
        Binding("escape", "leave_field", N_("Leave the field"), id="exchange.leave", show=False),
    ]

    def action_leave_field(self) -> None:
        self.query_one("#preview").focus()

    def __init__(self) -> None:
        super().__init__()
        self.report: ImportReport | None = None
        self._previewed: tuple | None = None  # request key of the last clean preview

    def compose(self) -> ComposeResult:
        yield Static(_("Import / Export"), id="exchange-title")
        with Horizontal(id="exchange-body"):
            with VerticalScroll(id="exchange-forms"):
                yield Label(_("Import"), classes="exchange-heading")
                yield Select(
                    _options(IMPORT_KINDS), value="sales", allow_blank=False, id="import-kind"
                )
                yield Input(
                    placeholder=_("File, e.g. ~/Downloads/ventes.csv"),
                    suggester=PathSuggester((".csv", ".txt", ".tsv", ".vcf")),
                    id="import-path",
                )
                yield Input(
                    placeholder=_("Map columns: Kunde=account, Datum=date"), id="import-map"
                )
                with Horizontal(classes="exchange-buttons"):
                    yield Button(_("Preview (ctrl+r)"), id="preview")
                    yield Button(_("Import… (ctrl+o)"), id="import", variant="primary")
                yield ProgressBar(id="import-progress", show_eta=False)
                yield Label(_("Export"), classes="exchange-heading")
                yield Input(
                    value=shown_folder(Path.cwd()),
                    placeholder=_("Folder to export to"),
                    suggester=PathSuggester((".none",)),
                    id="export-dir",
                )
                with Horizontal(classes="exchange-buttons"):
                    yield Select(
                        _options(CSV_EXPORTS), value="accounts", allow_blank=False, id="export-kind"
                    )
                    yield Checkbox(_("French Excel"), id="excel")
                with Grid(id="export-buttons"):
                    yield Button(_("CSV (F7)"), id="export-csv")
                    yield Button(_("vCard (F8)"), id="export-vcf")
                    yield Button(_("vCard folder"), id="export-vdir")
                    yield Button(_("Calendar (F9)"), id="export-ics")
                    yield Button(_("Bundle (F10)"), id="export-bundle")
                    yield Input(
                        placeholder=_("since: all"),
                        tooltip=_(
                            "Only the rows written since (2026-11-01, 1/11, -7d, last mon); "
                            "blank: every row"
                        ),
                        id="bundle-since",
                    )
                yield from self.compose_sync()
            with VerticalScroll(id="exchange-output"):
                yield Static(
                    _("Pick a file and preview it: nothing is written until you confirm."),
                    id="exchange-report",
                )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False

    # --- screen protocol --------------------------------------------------------------------

    def refresh_data(self) -> None:
        """The data changed elsewhere (undo, another screen): a preview may be stale."""
        self._previewed = None
        self.forget_sync_preview()

    # --- reading the form -------------------------------------------------------------------

    def request(self) -> ImportRequest | None:
        kind = self.query_one("#import-kind", Select).value
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.notify(_("Give the file to import."), severity="warning")
            self.query_one("#import-path", Input).focus()
            return None
        text = self.query_one("#import-map", Input).value
        pairs = [p.strip() for p in text.split(",") if p.strip()]
        try:
            mapping = parse_mapping(pairs)
        except USER_ERRORS as exc:
            self._show_error(exc)
            return None
        return ImportRequest(str(kind), str(Path(path).expanduser()), mapping)

    # --- import -----------------------------------------------------------------------------

    def action_preview(self) -> None:
        request = self.request()
        if request is not None and not self.busy:
            self._start(request, dry_run=True, confirm=False)

    def action_run_import(self) -> None:
        request = self.request()
        if request is None or self.busy:
            return
        if self._previewed == request.key and self.report is not None:
            self._confirm(request, self.report)
        else:
            self._start(request, dry_run=True, confirm=True)

    @on(Button.Pressed, "#preview")
    def _preview_pressed(self) -> None:
        self.action_preview()

    @on(Button.Pressed, "#import")
    def _import_pressed(self) -> None:
        self.action_run_import()

    @on(Input.Submitted, "#import-path")
    @on(Input.Submitted, "#import-map")
    def _submitted(self) -> None:
        self.action_preview()

    @on(Select.Changed, "#import-kind")
    @on(Input.Changed, "#import-path")
    @on(Input.Changed, "#import-map")
    def _form_changed(self) -> None:
        self._previewed = None

    def _start(self, request: ImportRequest, *, dry_run: bool, confirm: bool) -> None:
        self.busy = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#sync-progress", ProgressBar).display = False
        what = _("Previewing {path}…") if dry_run else _("Importing {path}…")
        self._show(Text(what.format(path=request.path), style="italic"))
        self._run_import(request, dry_run, confirm)

    @work(thread=True, exclusive=True, exit_on_error=False, group="exchange-import")
    def _run_import(self, request: ImportRequest, dry_run: bool, confirm: bool) -> None:
        app = self.app
        pf = self.portfolio

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        try:
            if request.kind == "vcf":
                report = pf.imports.import_vcf(request.path, dry_run=dry_run)
            else:
                report = pf.imports.import_csv(
                    request.kind, request.path, request.mapping, dry_run=dry_run,
                    progress=progress,
                )  # fmt: skip
        except ImportRejected as exc:
            app.call_from_thread(self._imported, request, exc.report, False)
        except USER_ERRORS as exc:
            app.call_from_thread(self._failed, exc)
        except BaseException:
            app.call_from_thread(self._failed, None)
            raise
        else:
            app.call_from_thread(self._imported, request, report, confirm)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)

    def _imported(self, request: ImportRequest, report: ImportReport, confirm: bool) -> None:
        self.busy = False
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(report.rows, 1), progress=max(report.rows, 1))
        self.report = report
        self._show(report_lines(report))
        if not report.dry_run:
            self._previewed = None
            self.notify(report.summary(), title=_("Import done"), markup=False)
            self.portfolio_app.refresh_screen()
            return
        self._previewed = request.key if report.ok else None
        if confirm and report.ok:
            self._confirm(request, report)
        elif confirm:
            self.notify(
                _("{count} rejected row(s): fix the file, then import again.").format(
                    count=report.rejected_rows
                ),
                severity="warning",
                markup=False,
            )

    def _confirm(self, request: ImportRequest, report: ImportReport) -> None:
        from portfolio_tui.tui.modals.confirm import ConfirmModal

        if not report.inserted and not report.updated:
            self.notify(_("Nothing to import: everything in the file is already here."))
            return
        question = _(
            "Import {file}? {new} new, {updated} updated, {unchanged} already here."
        ).format(
            file=Path(request.path).name,
            new=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(request, dry_run=False, confirm=False)

        self.app.push_screen(ConfirmModal(question), answered)

    # --- export -----------------------------------------------------------------------------

    @on(Button.Pressed, "#export-csv")
    def _export_csv(self) -> None:
        self.action_export("csv")

    @on(Button.Pressed, "#export-vcf")
    def _export_vcf(self) -> None:
        self.action_export("vcf")

    @on(Button.Pressed, "#export-vdir")
    def _export_vdir(self) -> None:
        self.action_export("vdir")

    @on(Button.Pressed, "#export-ics")
    def _export_ics(self) -> None:
        self.action_export("ics")

    @on(Button.Pressed, "#export-bundle")
    @on(Input.Submitted, "#bundle-since")
    def _export_bundle(self) -> None:
        self.action_export("bundle")

    def action_export(self, what: str) -> None:
        folder = Path(self.query_one("#export-dir", Input).value.strip() or ".").expanduser()
        kind = str(self.query_one("#export-kind", Select).value)
        excel = self.query_one("#excel", Checkbox).value
        since = self.query_one("#bundle-since", Input).value.strip()
        self._show(Text(_("Exporting to {folder}…").format(folder=folder), style="italic"))
        self._run_export(what, kind, folder, excel, since)

    @work(thread=True, exclusive=True, exit_on_error=False, group="exchange-export")
    def _run_export(self, what: str, kind: str, folder: Path, excel: bool, since: str) -> None:
        pf = self.portfolio
        jobs: dict[str, Callable[[], str]] = {
            "csv": lambda: self._export_file(folder / EXPORT_NAMES[kind], kind,
                                             lambda p: pf.exports.export_csv(kind, p, excel=excel)),
            "vcf": lambda: self._export_file(folder / EXPORT_NAMES["vcf"], "cards",
                                             pf.exports.export_vcf),
            "ics": lambda: self._export_file(folder / EXPORT_NAMES["ics"], "follow-ups",
                                             pf.exports.export_ics),
            "vdir": lambda: self._write_vcard_folder(pf, folder / EXPORT_NAMES["vdir"]),
            "bundle": lambda: self._export_bundle_file(pf, folder, since),
        }  # fmt: skip
        if not folder.is_dir():
            missing = _("{folder}: no such folder").format(folder=folder)
            self.app.call_from_thread(self._exported, missing, True)
            return
        try:
            message = jobs[what]()
        except USER_ERRORS as exc:
            self.app.call_from_thread(self._exported, str(exc), True)
        except OSError as exc:
            self.app.call_from_thread(self._exported, f"{exc.strerror or exc}: {folder}", True)
        else:
            self.app.call_from_thread(self._exported, message, False)

    @staticmethod
    def _export_file(target: Path, what: str, export: Callable[[Path], int]) -> str:
        written = _("{count} {what} written to {target}")
        return written.format(count=export(target), what=_(WRITTEN_WHAT[what]), target=target)

    @staticmethod
    def _write_vcard_folder(pf: Portfolio, target: Path) -> str:
        result = pf.exports.export_vcf_dir(target)
        return _(
            "{written} cards written, {unchanged} unchanged, {removed} removed in {target}"
        ).format(
            written=result.written,
            unchanged=result.unchanged,
            removed=result.removed,
            target=target,
        )

    @staticmethod
    def _export_bundle_file(pf: Portfolio, folder: Path, since_text: str) -> str:
        since = None
        if since_text:
            try:
                when = pf.parse_when(since_text)
            except USER_ERRORS as exc:
                raise UserError(_("bundle since: {error}").format(error=exc)) from None
            since = when.at(pf.tz) or when.day
        return bundle_written_text(pf.bundles.export_bundle(folder, since), pf.tz)

    def _exported(self, message: str, failed: bool) -> None:
        self._show(Text(message, style="bold red" if failed else "bold"))
        self.notify(message, severity="warning" if failed else "information", markup=False)
