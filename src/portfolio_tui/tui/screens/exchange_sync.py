"""The sync half of the Import/Export screen: the bundles field, its preview (each bundle's
header read and checked by the service, nothing written), the confirmation and the sync in a
thread worker feeding a progress bar. `ExchangeScreen` builds on it and holds the keys; the
report pane and the busy flag are shared with the import."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, ProgressBar, Static

from portfolio_tui.errors import USER_ERRORS, UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.sync import BundleSummary, SyncReport
from portfolio_tui.tui.screens.base import ModeScreen
from portfolio_tui.tui.screens.sync_view import (
    BundlesSuggester,
    bundle_paths,
    preview_text,
    sync_text,
)


class SyncPart(ModeScreen):
    """Not a screen of its own: the part of `ExchangeScreen` that syncs bundles."""

    def __init__(self) -> None:
        super().__init__()
        self.busy = False  # an import or a sync is under way
        self._sync_previewed: tuple | None = None  # files (and their stat) of a clean preview
        self.previewed_bundles: list[BundleSummary] | None = None  # that preview's bundles

    def compose_sync(self) -> ComposeResult:
        yield Label(_("Sync with other laptops"), classes="exchange-heading")
        yield Input(
            placeholder=_("Bundles: ~/Sync/portfolio/*.pfbundle; …"),
            suggester=BundlesSuggester((".pfbundle",)),
            id="sync-paths",
        )
        with Horizontal(classes="exchange-buttons"):
            yield Button(_("Preview (ctrl+l)"), id="sync-preview")
            yield Button(_("Sync… (ctrl+y)"), id="sync-run", variant="primary")
        yield ProgressBar(id="sync-progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one("#sync-progress", ProgressBar).display = False

    def forget_sync_preview(self) -> None:
        self._sync_previewed = None

    # --- shown in the report pane -----------------------------------------------------------

    def _failed(self, error: BaseException | None) -> None:
        self.busy = False
        for bar in self.query(ProgressBar):
            bar.display = False
        if error is not None:
            self._show_error(error)

    def _show_error(self, error: BaseException) -> None:
        self._show(Text(str(error), style="bold red"))

    def _show(self, text: Text | str) -> None:
        self.query_one("#exchange-report", Static).update(text)

    # --- sync -------------------------------------------------------------------------------

    def sync_request(self) -> tuple[list[Path], list[str], tuple] | None:
        """The bundles the sync field names, the parts naming none, and what a preview of
        them is good for: the files with their size and time."""
        field = self.query_one("#sync-paths", Input)
        field.scroll_visible()
        if not field.value.strip():
            self.notify(_("Give the bundles to sync."), severity="warning")
            field.focus()
            return None
        paths, unmatched = bundle_paths(field.value)
        key = (tuple(_stat_key(p) for p in paths), tuple(unmatched))
        return paths, unmatched, key

    def action_preview_sync(self) -> None:
        request = self.sync_request()
        if request is not None and self._free():
            self._start_sync_preview(*request, confirm=False)

    def action_run_sync(self) -> None:
        request = self.sync_request()
        if request is None or not self._free():
            return
        paths, unmatched, key = request
        if self._sync_previewed == key and self.previewed_bundles is not None:
            self._confirm_sync(paths, self.previewed_bundles)
        else:
            self._start_sync_preview(paths, unmatched, key, confirm=True)

    @on(Button.Pressed, "#sync-preview")
    @on(Input.Submitted, "#sync-paths")
    def _sync_preview_pressed(self) -> None:
        self.action_preview_sync()

    @on(Button.Pressed, "#sync-run")
    def _sync_pressed(self) -> None:
        self.action_run_sync()

    @on(Input.Changed, "#sync-paths")
    def _sync_paths_changed(self) -> None:
        self._sync_previewed = None

    def _free(self) -> bool:
        if self.busy:
            self.notify(_("Wait for the import or sync under way to end."), severity="warning")
        return not self.busy

    def _start_sync_preview(
        self, paths: list[Path], unmatched: list[str], key: tuple, *, confirm: bool
    ) -> None:
        self.busy = True
        self._sync_previewed = None
        self._show(Text(_("Reading {count} bundle(s)…").format(count=len(paths)), style="italic"))
        self._run_sync_preview(paths, unmatched, key, confirm)

    @work(thread=True, exclusive=True, exit_on_error=False, group="exchange-sync")
    def _run_sync_preview(
        self, paths: list[Path], unmatched: list[str], key: tuple, confirm: bool
    ) -> None:
        app = self.app
        pf = self.portfolio
        checked: list[tuple[Path, BundleSummary | str]] = []
        try:
            for path in paths:
                try:
                    checked.append((path, pf.bundles.inspect_bundle(path)))
                except USER_ERRORS as exc:
                    checked.append((path, str(exc)))
        except BaseException:
            app.call_from_thread(self._failed, None)
            raise
        app.call_from_thread(self._sync_preview_done, checked, unmatched, key, confirm)

    def _sync_preview_done(
        self,
        checked: list[tuple[Path, BundleSummary | str]],
        unmatched: list[str],
        key: tuple,
        confirm: bool,
    ) -> None:
        self.busy = False
        pf = self.portfolio
        self._show(preview_text(checked, unmatched, pf.device_id, pf.tz))
        summaries = [found for _, found in checked if not isinstance(found, str)]
        ok = bool(checked) and not unmatched and len(summaries) == len(checked)
        self.previewed_bundles = summaries if ok else None
        self._sync_previewed = key if ok else None
        if confirm and ok:
            self._confirm_sync([s.path for s in summaries], summaries)
        elif confirm:
            self.notify(
                _("A bundle can't be synced (see the preview): nothing written."),
                severity="warning",
                markup=False,
            )

    def _confirm_sync(self, paths: list[Path], summaries: list[BundleSummary]) -> None:
        from portfolio_tui.tui.modals.confirm import ConfirmModal

        rows = sum(s.rows for s in summaries)
        devices = ", ".join(sorted({s.device_id for s in summaries}))
        question = _(
            "Sync {count} bundle(s), {rows} rows from {devices}? The database is backed up first."
        ).format(count=len(paths), rows=rows, devices=devices)

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_sync(paths)

        self.app.push_screen(ConfirmModal(question), answered)

    def _start_sync(self, paths: list[Path]) -> None:
        self.busy = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#import-progress", ProgressBar).display = False
        self._show(Text(_("Syncing {count} bundle(s)…").format(count=len(paths)), style="italic"))
        self._run_sync(paths)

    @work(thread=True, exclusive=True, exit_on_error=False, group="exchange-sync")
    def _run_sync(self, paths: list[Path]) -> None:
        app = self.app
        pf = self.portfolio

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._sync_progress, done, total)

        try:
            report = pf.bundles.sync(paths, progress=progress)
        except USER_ERRORS as exc:
            app.call_from_thread(self._failed, exc)
        except OSError as exc:
            app.call_from_thread(self._failed, UserError(f"{exc.filename}: {exc.strerror}"))
        except BaseException:
            app.call_from_thread(self._failed, None)
            raise
        else:
            app.call_from_thread(self._synced, report)

    def _sync_progress(self, done: int, total: int) -> None:
        self.query_one("#sync-progress", ProgressBar).update(total=total, progress=done)

    def _synced(self, report: SyncReport) -> None:
        self.busy = False
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        pf = self.portfolio
        self._show(sync_text(report, pf.tz))
        self._sync_previewed = None
        if not report.changed:
            self.notify(_("Sync done: nothing to change."))
            return
        inserted = sum(t.inserted for f in report.files for t in f.tallies.values())
        updated = sum(t.updated for f in report.files for t in f.tallies.values())
        conflicts = sum(len(f.conflicts) for f in report.files)
        self.notify(
            _("{inserted} inserted, {updated} updated, {conflicts} conflict(s) resolved").format(
                inserted=inserted, updated=updated, conflicts=conflicts
            ),
            title=_("Sync done"),
            markup=False,
        )
        self.portfolio_app.refresh_screen()


def _stat_key(path: Path) -> tuple[str, int, int] | tuple[str]:
    """A file as a preview saw it: a changed or replaced bundle needs a new preview."""
    try:
        stat = path.stat()
    except OSError:
        return (str(path),)
    return str(path), stat.st_size, stat.st_mtime_ns
