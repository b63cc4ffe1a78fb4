"""What the app does with an error: a user's mistake is shown, anything else is logged.

A user error (bad phrase, unknown account, value out of range) is expected: it is shown where
the user is (inline in a form, or as a warning). Anything else is a bug: the traceback goes to
the log file and the user gets a notification naming that file, and the app keeps running.

Every worker of the app is started with `exit_on_error=False`; its failure reaches the node
that started it as a `Worker.StateChanged` event, and the app, the base screen and the base
form pass that event to `report_failed_worker`. A bug no handler caught makes Textual exit,
printing the traceback on `App.error_console`: `crash_console()` records it so that
`save_crash_log()` can keep it in the log file too.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from textual.worker import Worker, WorkerState

from portfolio_tui import paths
from portfolio_tui.errors import USER_ERRORS
from portfolio_tui.i18n import _

if TYPE_CHECKING:
    from textual.app import App


def is_user_error(error: BaseException) -> bool:
    return isinstance(error, USER_ERRORS)


def append_to_log(text: str, context: str = "") -> Path:
    """Append `text` to the log file under a stamped header; returns the file's path."""
    target = paths.log_file()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    # Tracebacks quote customer data: the file is private from its first byte, whatever the
    # umask, and a symlink planted in its place is refused rather than followed.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(target, flags, 0o600)
    os.fchmod(descriptor, 0o600)  # a log left 0644 by an older version is narrowed too
    with open(descriptor, "a", encoding="utf-8") as log:
        log.write(f"--- {stamp} {context}\n{text}\n")
    return target


def log_failure(error: BaseException, context: str = "") -> Path:
    """Append the traceback of `error` to the log file; returns the file's path."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return append_to_log("".join(lines), context)


def report(app: App[Any], error: BaseException, context: str = "") -> None:
    """Show `error` to the user; log it first when it is a bug. Call on the UI thread."""
    if is_user_error(error):
        app.notify(str(error), title=_("Can't do that"), severity="warning", markup=False)
        return
    try:
        where = _("details in {file}").format(file=log_failure(error, context))
    except OSError as exc:
        where = _("and the log file can't be written ({error})").format(error=exc)
    app.notify(
        f"{type(error).__name__}: {error}\n{where}",
        title=_("Something went wrong"),
        severity="error",
        timeout=15,
        markup=False,
    )


def report_failed_worker(app: App[Any], event: Worker.StateChanged) -> None:
    """Report the error of a worker that failed without stopping the app
    (`exit_on_error=False`). Call from the `on_worker_state_changed` of its node."""
    worker = event.worker
    if event.state != WorkerState.ERROR or worker.exit_on_error or worker.error is None:
        return
    # A worker still running when the app quits fails to reach it: that is no error.
    if app.is_running:
        report(app, worker.error, f"worker {worker.name}")


def crash_console() -> Console:
    """The console for `App.error_console`: Textual's own (stderr, no markup), recording."""
    return Console(markup=False, highlight=False, stderr=True, record=True)


def save_crash_log(console: Console) -> Path | None:
    """Append to the log file what Textual printed on `console` (made by `crash_console`)
    as it exited after a bug no handler caught; None when it printed nothing."""
    printed = console.export_text(clear=True)
    if not printed.strip():
        return None
    return append_to_log(printed, "unhandled")
