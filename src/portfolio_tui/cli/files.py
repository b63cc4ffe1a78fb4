"""The `import` and `export` commands for spreadsheets, vCard and iCalendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui.cli.stdio import InputFile, input_file, is_stdout, output_target
from portfolio_tui.cli.types import STDIO, CommandGroups, file_or_stdio
from portfolio_tui.errors import UserError

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.exports import ImportReport

# Spelled out so that building the parser imports no database code (a test checks they
# match service.exports.IMPORT_KINDS and EXPORT_KINDS).
IMPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "deals")
EXPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "followups", "deals")

DRY_RUN_HELP = "show what would change; write nothing"
OUTPUT_HELP = "the file to write, or - (the default) for standard output"


def register(groups: CommandGroups) -> None:
    """`import KIND FILE`, `import vcf`, and `export csv|vcf|ics`."""
    for kind in IMPORT_KINDS:
        p = groups.imports.add_parser(
            kind, help=f"read {kind} from a CSV file (Excel, LibreOffice…)"
        )
        p.add_argument("file", type=file_or_stdio, help="the CSV file, or - for standard input")
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="read COLUMN as FIELD (FIELD 'ignore' skips it); repeatable",
        )
        p.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
        p.set_defaults(handler=cmd_import_csv, kind=kind)
    p = groups.imports.add_parser("vcf", help="read contacts from vCard files (a file or a folder)")
    p.add_argument(
        "path",
        type=file_or_stdio,
        metavar="FILE|DIR",
        help="a .vcf file, a folder of them, or - for standard input",
    )
    p.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    p.set_defaults(handler=cmd_import_vcf)
    _register_exports(groups)


def _register_exports(groups: CommandGroups) -> None:
    p = groups.exports.add_parser("csv", help="write records as CSV (RFC 4180, or French Excel)")
    p.add_argument("kind", choices=EXPORT_KINDS, help="which records")
    p.add_argument("-o", "--output", type=file_or_stdio, metavar="FILE", help=OUTPUT_HELP)
    p.add_argument("--excel", action="store_true", help="';', UTF-8 with BOM, decimal commas")
    p.set_defaults(handler=cmd_export_csv)
    p = groups.exports.add_parser("vcf", help="write contacts as vCard 3.0")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "-o",
        "--output",
        type=file_or_stdio,
        metavar="FILE",
        help="one file, every card (default: - for standard output)",
    )
    where.add_argument(
        "--dir", type=file_or_stdio, metavar="DIR", help="one .vcf per card (khard, vdirsyncer)"
    )
    p.set_defaults(handler=cmd_export_vcf)
    p = groups.exports.add_parser("ics", help="write open follow-ups as an iCalendar file")
    p.add_argument("-o", "--output", type=file_or_stdio, metavar="FILE", help=OUTPUT_HELP)
    p.set_defaults(handler=cmd_export_ics)


def report_text(report: ImportReport) -> str:
    """The preview (dry run) or the result of an import, for people."""
    lines = [
        f"{report.source}: {report.encoding}, delimiter '{report.delimiter}'",
        "columns: " + ", ".join(f"{h} → {f}" for h, f in report.columns),
    ]
    if report.ignored_columns:
        lines.append("ignored columns: " + ", ".join(report.ignored_columns))
    for what, names in report.created.items():
        shown = ", ".join(names[:10]) + (f", … ({len(names)} in all)" if len(names) > 10 else "")
        lines.append(f"new {what}: {shown}")
    if report.dry_run:
        for item in report.items:
            detail = f": {item.detail}" if item.detail else ""
            lines.append(f"  line {item.line}: {item.action} {item.label}{detail}")
    lines.append(report.summary() + (" (dry run: nothing written)" if report.dry_run else ""))
    return "\n".join(lines)


def _print_report(report: ImportReport, source: InputFile) -> int:
    from portfolio_tui.service.exports import ImportRejected

    print(source.shown(report_text(report)))
    if report.rejected:
        # A dry run lists what it would reject; a real import raised ImportRejected instead.
        error = ImportRejected(report)
        print(f"portfolio: error: {source.shown(str(error))}", file=sys.stderr)
        for line in error.details:
            print(source.shown(line), file=sys.stderr)
        return 2
    return 0


def cmd_import_csv(pf: Portfolio, args: argparse.Namespace) -> int:
    from portfolio_tui.service.exports import parse_mapping

    mapping = parse_mapping(args.map)
    with input_file(args.file) as source:
        report = pf.imports.import_csv(args.kind, source.path, mapping, dry_run=args.dry_run)
        return _print_report(report, source)


def cmd_import_vcf(pf: Portfolio, args: argparse.Namespace) -> int:
    with input_file(args.path) as source:
        return _print_report(pf.imports.import_vcf(source.path, dry_run=args.dry_run), source)


def cmd_export_csv(pf: Portfolio, args: argparse.Namespace) -> int:
    count = pf.exports.export_csv(args.kind, output_target(args.output), excel=args.excel)
    if not is_stdout(args.output):
        print(f"{count} {args.kind} written to {args.output}", file=sys.stderr)
    return 0


def cmd_export_vcf(pf: Portfolio, args: argparse.Namespace) -> int:
    if args.dir:
        return _export_vcf_dir(pf, args.dir)
    count = pf.exports.export_vcf(output_target(args.output))
    if not is_stdout(args.output):
        print(f"{count} cards written to {args.output}", file=sys.stderr)
    return 0


def _export_vcf_dir(pf: Portfolio, folder: Path | str) -> int:
    if folder == STDIO:
        raise UserError("--dir needs a folder; -o - writes every card to standard output")
    result = pf.exports.export_vcf_dir(Path(folder))
    print(
        f"{result.written} cards written, {result.unchanged} unchanged, "
        f"{result.removed} removed in {folder}",
        file=sys.stderr,
    )
    return 0


def cmd_export_ics(pf: Portfolio, args: argparse.Namespace) -> int:
    count = pf.exports.export_ics(output_target(args.output))
    if not is_stdout(args.output):
        print(f"{count} follow-ups written to {args.output}", file=sys.stderr)
    return 0
