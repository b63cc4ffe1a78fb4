"""The `import` and `export` commands for spreadsheets, vCard and iCalendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Spelled out so that building the parser imports no database code (a test checks they
# match portfolio_files.IMPORT_KINDS and EXPORT_KINDS).
IMPORT_KINDS = ("accounts", "contacts", "sales", "interactions")
EXPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "followups")
Subparsers = argparse._SubParsersAction


DRY_RUN_HELP = "show what would change; write nothing"


def register(import_sub: Subparsers, export_sub: Subparsers) -> None:
    """Add `import KIND FILE` and `export csv|vcf|ics` to the `portfolio` parser."""
    for kind in IMPORT_KINDS:
        p = import_sub.add_parser(kind, help=f"read {kind} from a CSV file (Excel, LibreOffice…)")
        p.add_argument("file", type=Path)
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="read COLUMN as FIELD (FIELD 'ignore' skips it); repeatable",
        )
        p.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
        p.set_defaults(handler=cmd_import_csv, kind=kind)
    p = import_sub.add_parser("vcf", help="read contacts from vCard files (a file or a folder)")
    p.add_argument("path", type=Path, metavar="FILE|DIR")
    p.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)
    p.set_defaults(handler=cmd_import_vcf)

    p = export_sub.add_parser("csv", help="write records as CSV (RFC 4180, or French Excel)")
    p.add_argument("kind", choices=EXPORT_KINDS)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: standard output")
    p.add_argument("--excel", action="store_true", help="';', UTF-8 with BOM, decimal commas")
    p.set_defaults(handler=cmd_export_csv)
    p = export_sub.add_parser("vcf", help="write contacts as vCard 3.0")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, metavar="FILE", help="one file, every card")
    where.add_argument(
        "--dir", type=Path, metavar="DIR", help="one .vcf per card (khard, vdirsyncer)"
    )
    p.set_defaults(handler=cmd_export_vcf)
    p = export_sub.add_parser("ics", help="write open follow-ups as an iCalendar file")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: standard output")
    p.set_defaults(handler=cmd_export_ics)


def report_text(report) -> str:
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


def _print_report(report) -> int:
    from portfolio_tui.service.exports import ImportRejected

    print(report_text(report))
    if report.rejected:
        # A dry run lists what it would reject; a real import raised ImportRejected instead.
        error = ImportRejected(report)
        print(f"portfolio: error: {error}", file=sys.stderr)
        for line in error.details:
            print(line, file=sys.stderr)
        return 2
    return 0


def cmd_import_csv(pf, args) -> int:
    from portfolio_tui.service.exports import parse_mapping

    mapping = parse_mapping(args.map)
    return _print_report(pf.imports.import_csv(args.kind, args.file, mapping, dry_run=args.dry_run))


def cmd_import_vcf(pf, args) -> int:
    return _print_report(pf.imports.import_vcf(args.path, dry_run=args.dry_run))


def cmd_export_csv(pf, args) -> int:
    count = pf.exports.export_csv(args.kind, args.output or sys.stdout, excel=args.excel)
    if args.output:
        print(f"{count} {args.kind} written to {args.output}", file=sys.stderr)
    return 0


def cmd_export_vcf(pf, args) -> int:
    if args.dir:
        result = pf.exports.export_vcf_dir(args.dir)
        print(
            f"{result.written} cards written, {result.unchanged} unchanged, "
            f"{result.removed} removed in {args.dir}",
            file=sys.stderr,
        )
        return 0
    count = pf.exports.export_vcf(args.output or sys.stdout)
    if args.output:
        print(f"{count} cards written to {args.output}", file=sys.stderr)
    return 0


def cmd_export_ics(pf, args) -> int:
    count = pf.exports.export_ics(args.output or sys.stdout)
    if args.output:
        print(f"{count} follow-ups written to {args.output}", file=sys.stderr)
    return 0
