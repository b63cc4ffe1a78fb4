"""The files an import may read: regular files only, of a bounded size.

A FIFO or a device (`/dev/zero`) would hang an import or read until memory runs out, and a
folder is not a table: each is refused at once, before a byte is read, by `regular_file`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from portfolio_tui.errors import UserError

MIB = 1 << 20
# Generous for what reps bring (a million sales lines are ~80 MB of CSV), small enough that a
# mistaken file (a disk image, a video) is refused instead of read.
MAX_TABLE_BYTES = 2048 * MIB
MAX_WORKBOOK_BYTES = 512 * MIB
MAX_VCARD_BYTES = 64 * MIB


class SourceError(UserError):
    """A path an import can't read as a file; the message names it."""


def regular_file(path: Path, max_bytes: int) -> Path:
    """`path` when it names a regular file (symbolic links followed) of at most `max_bytes`,
    else SourceError: no such file, is a folder, not a regular file, or too large."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except NotADirectoryError:
        raise SourceError(f"{path}: no such file (a part of the path is not a folder)") from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path}: is a folder; give a file")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path}: not a regular file (a pipe, a device or a socket)")
    if info.st_size > max_bytes:
        raise SourceError(
            f"{path}: {info.st_size // MIB} MB, more than the {max_bytes // MIB} MB an import reads"
        )
    return path


def vcf_files(path: Path) -> list[Path]:
    """The vCard files at `path`: the file itself, or the `*.vcf` of a folder, each a regular
    file of at most MAX_VCARD_BYTES (a FIFO among them is refused, not waited on)."""
    if os.path.isdir(path):
        files = sorted(path.glob("*.vcf"))
        if not files:
            raise SourceError(f"{path}: no .vcf files in this folder")
        return [regular_file(f, MAX_VCARD_BYTES) for f in files]
    if not os.path.lexists(path):
        raise SourceError(f"{path}: no such file or folder")
    return [regular_file(path, MAX_VCARD_BYTES)]
