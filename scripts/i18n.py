"""Translations: extract the marked strings, merge them into French, compile, check.

    python scripts/i18n.py extract   # src/portfolio_tui → i18n/locale/portfolio_tui.pot
    python scripts/i18n.py update    # .pot → i18n/locale/fr/LC_MESSAGES/portfolio_tui.po
    python scripts/i18n.py compile   # .po → .mo, the file the app reads
    python scripts/i18n.py check     # exit 1 listing what is not translated

After wrapping strings in `_()`, `N_()`, `ngettext()`, `pgettext()` or `npgettext()`: run
`extract` then `update`, translate the new (empty or fuzzy) entries of the .po following
docs/glossary.md, run `compile`, then `check`; commit the .pot, .po and .mo together.

- `extract` reads every .py under the source tree (Babel's Python extractor); a comment
  starting `TRANSLATORS:` right above the call goes to the translator. Locations are written
  without line numbers, so the catalogues change only when the strings do. The .pot is only
  rewritten when its messages change (no churn on the creation date).
- `update` keeps every translation, adds the new msgids empty, marks near matches of a changed
  msgid fuzzy (with the old translation, to be reviewed), and drops msgids no longer in the
  source (git keeps them).
- `compile` leaves fuzzy entries out: an unreviewed translation never reaches the screen.
- `check` extracts from the source itself (not the .pot) and lists every msgid whose French
  is missing, fuzzy, or whose `{placeholders}` or `%` formats differ from the English; and
  says when the .mo is not the compiled .po. tests/test_i18n.py runs the same check.

`--src DIR` and `--locale-dir DIR` point the commands at another tree (the tests use them).
"""

from __future__ import annotations

import argparse
import io
import string
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "src" / "portfolio_tui"
LOCALE_DIR = SOURCE_DIR / "i18n" / "locale"
DOMAIN = "portfolio_tui"
LANGUAGE = "fr"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
FRENCH_PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
_FRENCH_HEADER = (
    "# French translations of portfolio-tui.\n"
    "# The vocabulary and the typography follow docs/glossary.md.\n"
    "#"
)
_PO_OPTIONS = {"width": 100, "sort_output": True, "include_lineno": False}

MessageKey = tuple[str | tuple[str, ...], str | None]


# --- the catalogues ---------------------------------------------------------------------------


def template_path(locale_dir: Path) -> Path:
    return locale_dir / f"{DOMAIN}.pot"


def po_path(locale_dir: Path) -> Path:
    return locale_dir / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale_dir: Path) -> Path:
    return po_path(locale_dir).with_suffix(".mo")


def extract_catalog(source_dir: Path) -> Catalog:
    """Every marked string under `source_dir`, located as `<dir name>/<path>`."""
    catalog = Catalog(project="portfolio-tui", domain=DOMAIN, fuzzy=False)
    found = extract_from_dir(
        source_dir,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"{source_dir.name}/{Path(filename).as_posix()}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def new_french_catalog() -> Catalog:
    """An empty French catalogue with the gettext plural rule translators expect."""
    catalog = Catalog(
        locale=LANGUAGE,
        domain=DOMAIN,
        project="portfolio-tui",
        header_comment=_FRENCH_HEADER,
        last_translator="portfolio-tui team",
        language_team="French",
        fuzzy=False,
    )
    # Babel's CLDR rule has a third form for millions ("1 million de comptes"); the numbers
    # on screen are digits ("1 000 000 comptes"), so the classic two forms are right.
    catalog.mime_headers = [("Plural-Forms", FRENCH_PLURAL_FORMS)]
    return catalog


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def catalog_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, ignore_obsolete=True, **_PO_OPTIONS)
    return buffer.getvalue()


def compiled(catalog: Catalog) -> bytes:
    """The .mo of `catalog`, fuzzy entries left out."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def translations(catalog: Catalog) -> dict[MessageKey, str | tuple[str, ...]]:
    """What a .mo built from `catalog` holds: translated, non-fuzzy entries, header aside."""
    return {
        (_key_id(m.id), m.context): _key_id(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy and all(_forms(m.string))
    }


def _key_id(value: str | Sequence[str]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def _forms(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _entries(catalog: Catalog) -> list[tuple[object, ...]]:
    """A catalogue's messages as comparable values (headers, dates and line numbers aside)."""
    return sorted(
        (repr(m.id), m.context or "", sorted({f for f, _ in m.locations}), list(m.auto_comments))
        for m in catalog
        if m.id
    )


# --- the commands -----------------------------------------------------------------------------


def extract(source_dir: Path, locale_dir: Path) -> str:
    catalog = extract_catalog(source_dir)
    target = template_path(locale_dir)
    if target.exists() and _entries(read_catalog(target)) == _entries(catalog):
        return f"{target}: unchanged, {_count(catalog)} messages"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(catalog_bytes(catalog))
    return f"{target}: {_count(catalog)} messages"


def update(locale_dir: Path) -> str:
    template = read_catalog(template_path(locale_dir))
    target = po_path(locale_dir)
    catalog = read_catalog(target, locale=LANGUAGE) if target.exists() else new_french_catalog()
    catalog.update(template)
    content = catalog_bytes(catalog)
    if not target.exists() or target.read_bytes() != content:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    todo = sum(1 for m in catalog if m.id and (m.fuzzy or not all(_forms(m.string or ""))))
    return f"{target}: {_count(catalog)} messages, {todo} to translate or review"


def compile_catalog(locale_dir: Path) -> str:
    catalog = read_catalog(po_path(locale_dir), locale=LANGUAGE)
    target = mo_path(locale_dir)
    target.write_bytes(compiled(catalog))
    return f"{target}: {len(translations(catalog))} translations"


def problems(template: Catalog, catalog: Catalog) -> list[str]:
    """One line per msgid of `template` that `catalog` does not translate, or translates wrong."""
    found: list[str] = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        issue = _issue(message, translated, catalog)
        if issue:
            where = message.locations[0][0] if message.locations else "?"
            context = f" [{message.context}]" if message.context else ""
            found.append(f"{where}: {_forms(message.id)[0]!r}{context}: {issue}")
    return found


def _issue(source: Message, translated: Message | None, catalog: Catalog) -> str | None:
    if translated is None or not all(_forms(translated.string or "")):
        return "no French translation"
    if translated.fuzzy:
        return "fuzzy (review the translation, then remove the fuzzy flag)"
    placeholders = _placeholder_issue(_forms(source.id), _forms(translated.string))
    if placeholders:
        return placeholders
    errors = translated.check(catalog)
    return "; ".join(str(error) for error in errors) or None


def _placeholder_issue(english: Sequence[str], french: Sequence[str]) -> str | None:
    """`{name}` fields: a translation keeps the English ones; plural forms add none."""
    try:
        wanted = set().union(*(_fields(text) for text in english))
        used = [_fields(text) for text in french]
    except ValueError as error:
        return f"bad {{placeholder}}: {error}"
    if len(english) == 1 and used[0] != wanted:
        return f"placeholders {sorted(used[0])} instead of {sorted(wanted)}"
    unknown = set().union(*used) - wanted
    return f"unknown placeholders {sorted(unknown)}" if unknown else None


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def check(source_dir: Path, locale_dir: Path) -> tuple[bool, list[str]]:
    template = extract_catalog(source_dir)
    target = po_path(locale_dir)
    if not target.exists():
        return False, [f"{target}: missing (run extract, then update)"]
    catalog = read_catalog(target, locale=LANGUAGE)
    lines = problems(template, catalog)
    binary = mo_path(locale_dir)
    if not binary.exists() or _mo_translations(binary.read_bytes()) != translations(catalog):
        lines.append(f"{binary}: not the compiled {target.name} (run compile)")
    if lines:
        return False, lines
    return True, [f"{_count(template)} messages, all translated into French"]


def _mo_translations(content: bytes) -> dict[MessageKey, str | tuple[str, ...]]:
    return translations(read_mo(io.BytesIO(content)))


def _count(catalog: Catalog) -> int:
    return sum(1 for message in catalog if message.id)


# --- command line -----------------------------------------------------------------------------


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("command", choices=("extract", "update", "compile", "check"))
    parser.add_argument("--src", type=Path, default=SOURCE_DIR, help="the package to read")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR, help="the catalogues")
    args = parser.parse_args(None if argv is None else list(argv))
    if args.command == "extract":
        print(extract(args.src, args.locale_dir))
    elif args.command == "update":
        print(update(args.locale_dir))
    elif args.command == "compile":
        print(compile_catalog(args.locale_dir))
    else:
        ok, lines = check(args.src, args.locale_dir)
        print("\n".join(lines), file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
