"""What the app does with an error: a user's mistake is shown, anything else is logged.

A user error (bad phrase, unknown account, value out of range) is expected: it is shown where
the user is (inline in a form, or as a warning). Anything else is a bug: the traceback goes to
the log file and the user gets a notification naming that file, and the app keeps running.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

from portfolio_tui import paths
from portfolio_tui.errors import USER_ERRORS

if TYPE_CHECKING:
    from textual.app import App


def is_user_error(error: BaseException) -> bool:
    return isinstance(error, USER_ERRORS)


def log_failure(error: BaseException, context: str = "") -> Path:
    """Append the traceback of `error` to the log file; returns the file's path."""
    target = paths.log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    with target.open("a", encoding="utf-8") as log:
        log.write(f"--- {stamp} {context}\n{''.join(lines)}\n")
    return target


def report(app: App, error: BaseException, context: str = "") -> None:
    """Show `error` to the user; log it first when it is a bug. Call on the UI thread."""
    if is_user_error(error):
        app.notify(str(error), title="Can't do that", severity="warning", markup=False)
        return
    try:
        where = f"details in {log_failure(error, context)}"
    except OSError as exc:
        where = f"and the log file can't be written ({exc})"
    app.notify(
        f"{type(error).__name__}: {error}\n{where}",
        title="Something went wrong",
        severity="error",
        timeout=15,
        markup=False,
    )


class ReportingWorkerManager(WorkerManager):
    """Reports the error of every worker that fails without stopping the app
    (`exit_on_error=False`), whichever screen started it."""

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        failed = worker.state == WorkerState.ERROR and not worker.exit_on_error
        # A worker still running when the app quits fails to reach it: that is no error.
        if failed and worker.error is not None and self._app.is_running:
            report(self._app, worker.error, f"worker {worker.name}")
