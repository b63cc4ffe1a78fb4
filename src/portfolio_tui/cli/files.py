"""The `import` and `export` commands for spreadsheets, vCard and iCalendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui.cli.stdio import (
    InputFile,
    binary_output_folder,
    input_file,
    is_stdout,
    output_target,
)
from portfolio_tui.cli.types import STDIO, CommandGroups, file_or_stdio
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import N_, _, pgettext

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.exports import ImportReport

# Spelled out so that building the parser imports no database code (a test checks they
# match service.exports.IMPORT_KINDS and EXPORT_KINDS).
IMPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "deals")
EXPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "followups", "deals")

# Marked here, translated where the parser is built (after the language is chosen).
DRY_RUN_HELP = N_("show what would change; write nothing")
OUTPUT_HELP = N_("the file to write, or - (the default) for standard output")
SEGMENT_HELP = N_("only the records of the accounts of this saved segment (portfolio segment list)")


def _kind_text(kind: str) -> str:
    """A kind of record as import and export messages name it: "accounts" / "comptes"."""
    names = {
        "accounts": pgettext("records", "accounts"),
        "contacts": pgettext("records", "contacts"),
        "sales": pgettext("records", "sales"),
        "interactions": pgettext("records", "interactions"),
        "followups": pgettext("records", "followups"),
        "deals": pgettext("records", "deals"),
    }
    return names.get(kind, kind)


def register(groups: CommandGroups) -> None:
    """`import KIND FILE`, `import vcf`, and `export csv|vcf|ics`."""
    for kind in IMPORT_KINDS:
        p = groups.imports.add_parser(
            kind,
            help=_("read {kind} from a CSV, .xlsx or .ods file (Excel, LibreOffice…)").format(
                kind=_kind_text(kind)
            ),
        )
        p.add_argument(
            "file",
            type=file_or_stdio,
            help=_("the CSV, .xlsx or .ods file, or - for standard input"),
        )
        p.add_argument(
            "--sheet",
            metavar="NAME",
            help=_("the sheet of a workbook to read (default: the first)"),
        )
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=_("read COLUMN as FIELD (FIELD 'ignore' skips it); repeatable"),
        )
        p.add_argument("--dry-run", action="store_true", help=_(DRY_RUN_HELP))
        p.set_defaults(handler=cmd_import_csv, kind=kind)
    p = groups.imports.add_parser(
        "vcf", help=_("read contacts from vCard files (a file or a folder)")
    )
    p.add_argument(
        "path",
        type=file_or_stdio,
        metavar="FILE|DIR",
        help=_("a .vcf file, a folder of them, or - for standard input"),
    )
    p.add_argument("--dry-run", action="store_true", help=_(DRY_RUN_HELP))
    p.set_defaults(handler=cmd_import_vcf)
    _register_exports(groups)


def _register_exports(groups: CommandGroups) -> None:
    p = groups.exports.add_parser("csv", help=_("write records as CSV (RFC 4180, or French Excel)"))
    p.add_argument("kind", choices=EXPORT_KINDS, help=_("which records"))
    p.add_argument("-o", "--output", type=file_or_stdio, metavar="FILE", help=_(OUTPUT_HELP))
    p.add_argument("--excel", action="store_true", help=_("';', UTF-8 with BOM, decimal commas"))
    p.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help=_("csv, or xlsx: a workbook with typed cells (the default when -o ends in .xlsx)"),
    )
    p.add_argument("--segment", metavar="NAME", help=_(SEGMENT_HELP))
    p.set_defaults(handler=cmd_export_csv)
    p = groups.exports.add_parser("vcf", help=_("write contacts as vCard 3.0"))
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "-o",
        "--output",
        type=file_or_stdio,
        metavar="FILE",
        help=_("one file, every card (default: - for standard output)"),
    )
    where.add_argument(
        "--dir", type=file_or_stdio, metavar="DIR", help=_("one .vcf per card (khard, vdirsyncer)")
    )
    p.add_argument("--segment", metavar="NAME", help=_(SEGMENT_HELP))
    p.set_defaults(handler=cmd_export_vcf)
    p = groups.exports.add_parser("ics", help=_("write open follow-ups as an iCalendar file"))
    p.add_argument("-o", "--output", type=file_or_stdio, metavar="FILE", help=_(OUTPUT_HELP))
    p.set_defaults(handler=cmd_export_ics)


def report_text(report: ImportReport) -> str:
    """The preview (dry run) or the result of an import, for people."""
    delimiter = ""
    if report.delimiter:
        delimiter = _(", delimiter '{delimiter}'").format(delimiter=report.delimiter)
    columns = ", ".join(f"{h} → {f}" for h, f in report.columns)
    lines = [f"{report.source}: {report.encoding}{delimiter}", _("columns: ") + columns]
    if report.ignored_columns:
        lines.append(_("ignored columns: ") + ", ".join(report.ignored_columns))
    for what, names in report.created.items():
        more = _(", … ({count} in all)").format(count=len(names)) if len(names) > 10 else ""
        shown = ", ".join(names[:10]) + more
        lines.append(_("new {what}: {names}").format(what=_kind_text(what), names=shown))
    warning = _("warning: {message}")
    lines += [warning.format(message=w) for w in report.warnings]
    if report.more_warnings:
        more = _("… and {count} more").format(count=report.more_warnings)
        lines.append(warning.format(message=more))
    if report.dry_run:
        for item in report.items:
            detail = f": {item.detail}" if item.detail else ""
            action = _ITEM_ACTIONS.get(item.action, item.action)
            lines.append(
                "  "
                + _("line {line}: {action} {label}").format(
                    line=item.line, action=_(action), label=item.label
                )
                + detail
            )
    lines.append(_summary(report) + (_(" (dry run: nothing written)") if report.dry_run else ""))
    return "\n".join(lines)


_ITEM_ACTIONS = {"insert": N_("insert"), "update": N_("update"), "unchanged": N_("unchanged")}


def _summary(report: ImportReport) -> str:
    """`FILE: 12 accounts rows: 10 inserted, 2 updated, 0 unchanged` (what would be, dry)."""
    if report.dry_run:
        parts = [
            _("{count} would be inserted").format(count=report.inserted),
            _("{count} would be updated").format(count=report.updated),
        ]
    else:
        parts = [
            _("{count} inserted").format(count=report.inserted),
            _("{count} updated").format(count=report.updated),
        ]
    parts.append(_("{count} unchanged").format(count=report.unchanged))
    if report.rejected_rows:
        parts.append(_("{count} rejected").format(count=report.rejected_rows))
    text = _("{source}: {rows} {kind} rows: {parts}").format(
        source=report.source, rows=report.rows, kind=_kind_text(report.kind), parts=", ".join(parts)
    )
    return " ".join(text.split())


def _print_report(report: ImportReport, source: InputFile) -> int:
    from portfolio_tui.service.exports import ImportRejected

    print(source.shown(report_text(report)))
    if report.rejected:
        # A dry run lists what it would reject; a real import raised ImportRejected instead.
        error = ImportRejected(report)
        print(
            _("portfolio: error: {message}").format(message=source.shown(str(error))),
            file=sys.stderr,
        )
        for line in error.details:
            print(source.shown(line), file=sys.stderr)
        return 2
    return 0


def cmd_import_csv(pf: Portfolio, args: argparse.Namespace) -> int:
    from portfolio_tui.service.exports import parse_mapping

    mapping = parse_mapping(args.map)
    with input_file(args.file) as source:
        report = pf.imports.import_csv(
            args.kind, source.path, mapping, dry_run=args.dry_run, sheet=args.sheet
        )
        return _print_report(report, source)


def cmd_import_vcf(pf: Portfolio, args: argparse.Namespace) -> int:
    with input_file(args.path) as source:
        return _print_report(pf.imports.import_vcf(source.path, dry_run=args.dry_run), source)


def cmd_export_csv(pf: Portfolio, args: argparse.Namespace) -> int:
    if args.format == "xlsx" and is_stdout(args.output):
        with binary_output_folder(_("an .xlsx workbook")) as folder:
            pf.exports.export_csv(
                args.kind, folder / f"{args.kind}.xlsx", segment=args.segment, fmt="xlsx"
            )
        return 0
    count = pf.exports.export_csv(
        args.kind,
        output_target(args.output),
        excel=args.excel,
        segment=args.segment,
        fmt=args.format,
    )
    if not is_stdout(args.output):
        print(
            _("{count} {kind} written to {path}").format(
                count=count, kind=_kind_text(args.kind), path=args.output
            ),
            file=sys.stderr,
        )
    return 0


def cmd_export_vcf(pf: Portfolio, args: argparse.Namespace) -> int:
    if args.dir:
        return _export_vcf_dir(pf, args.dir, args.segment)
    count = pf.exports.export_vcf(output_target(args.output), segment=args.segment)
    if not is_stdout(args.output):
        print(
            _("{count} cards written to {path}").format(count=count, path=args.output),
            file=sys.stderr,
        )
    return 0


def _export_vcf_dir(pf: Portfolio, folder: Path | str, segment: str | None = None) -> int:
    if folder == STDIO:
        raise UserError(_("--dir needs a folder; -o - writes every card to standard output"))
    result = pf.exports.export_vcf_dir(Path(folder), segment=segment)
    print(
        _("{written} cards written, {unchanged} unchanged, {removed} removed in {folder}").format(
            written=result.written,
            unchanged=result.unchanged,
            removed=result.removed,
            folder=folder,
        ),
        file=sys.stderr,
    )
    return 0


def cmd_export_ics(pf: Portfolio, args: argparse.Namespace) -> int:
    count = pf.exports.export_ics(output_target(args.output))
    if not is_stdout(args.output):
        print(
            _("{count} follow-ups written to {path}").format(count=count, path=args.output),
            file=sys.stderr,
        )
    return 0
