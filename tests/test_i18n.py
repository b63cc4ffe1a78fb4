"""The French foundation: language choice, gettext at call time, CLDR formats, the catalogue."""

from __future__ import annotations

import decimal
import importlib.util
import io
import locale
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from fnmatch import fnmatch
from functools import partial
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from portfolio_tui import i18n
from portfolio_tui.domain.account_fields import INTERACTION_KINDS
from portfolio_tui.domain.deals import DEFAULT_LOST_REASONS, DealStage
from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.domain.stages import Stage
from portfolio_tui.i18n import (
    N_,
    _,
    current_language,
    language_name,
    ngettext,
    npgettext,
    pgettext,
    resolve_language,
    set_language,
    terms,
)
from portfolio_tui.i18n import formats as f

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "i18n.py"
SHIPPED_LOCALE_DIR = ROOT / "src" / "portfolio_tui" / "i18n" / "locale"
NNBSP = "\u202f"  # narrow no-break space: CLDR's French group separator
NBSP = "\u00a0"  # no-break space: before € and % in French


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """The language is process-wide: every test leaves it as it starts, English."""
    set_language("en")
    yield
    set_language("en")


# --- which language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "cli", "environ", "expected"),
    [
        # --lang first, then the setting
        ("en", "fr", {"LANG": "en_US.UTF-8"}, "fr"),
        ("fr", "en", {"LANG": "fr_FR.UTF-8"}, "en"),
        ("fr", None, {"LANG": "en_US.UTF-8"}, "fr"),
        ("en", None, {"LC_ALL": "fr_FR.UTF-8"}, "en"),
        (None, "FR", {}, "fr"),
        (None, "fr-FR", {}, "fr"),
        (None, "de", {"LANG": "fr_FR.UTF-8"}, "en"),  # unknown --lang: English, not the system
        # "auto", empty or no setting: the system
        ("auto", None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        ("", None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        (None, None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        # the variables, first non-empty of LC_ALL, LC_MESSAGES, LANG, LANGUAGE
        (None, None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        (None, None, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, None, {"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, "fr"),
        (None, None, {"LC_ALL": "  ", "LANG": "fr_FR.UTF-8"}, "fr"),
        (None, None, {"LC_MESSAGES": "fr_CA", "LANG": "en_US.UTF-8"}, "fr"),
        (None, None, {"LC_MESSAGES": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, None, {"LANG": "en_US.UTF-8", "LANGUAGE": "fr"}, "en"),
        (None, None, {"LANG": "", "LANGUAGE": "fr:en"}, "fr"),
        (None, None, {"LANGUAGE": "de:fr:en"}, "fr"),  # the first one we speak
        (None, None, {"LANGUAGE": "en_GB:fr"}, "en"),
        (None, None, {"LANGUAGE": "de:es"}, "en"),
        (None, None, {"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, None, {"LANG": "fr"}, "fr"),
        (None, None, {"LANG": "fr_BE@euro"}, "fr"),
        (None, None, {"LANG": "C"}, "en"),
        (None, None, {"LANG": "POSIX"}, "en"),
        (None, None, {"LANG": "C.UTF-8"}, "en"),
        (None, None, {"LANG": "french"}, "en"),
        (None, None, {}, "en"),
    ],
)
def test_resolve_language(
    setting: str | None, cli: str | None, environ: dict[str, str], expected: str
) -> None:
    assert resolve_language(setting, cli, environ) == expected


@pytest.mark.parametrize(
    ("asked", "current"),
    [("fr", "fr"), ("fr_FR.UTF-8", "fr"), ("FR", "fr"), ("en", "en"), ("de", "en"), (None, "en")],
)
def test_set_language_keeps_a_supported_one_or_english(asked: str | None, current: str) -> None:
    set_language("fr" if current == "en" else "en")
    assert set_language(asked) == current
    assert current_language() == current


def test_the_language_starts_as_english_in_a_fresh_process() -> None:
    code = "from portfolio_tui.i18n import _, current_language as c; print(c(), _('French'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "en French"


def test_nothing_touches_the_process_locale() -> None:
    before = locale.setlocale(locale.LC_ALL)
    set_language("fr")
    assert (_("French"), f.money(100)) == ("Français", f"1,00{NBSP}€")
    assert locale.setlocale(locale.LC_ALL) == before


# --- gettext at call time -------------------------------------------------------------------


def test_switching_language_applies_to_later_calls() -> None:
    label = N_("French")  # marked only: translated where used
    assert (label, _(label)) == ("French", "French")
    set_language("fr")
    assert (label, _(label), i18n.gettext("English")) == ("French", "Français", "Anglais")
    assert (language_name("fr_FR"), language_name("en")) == ("Français", "Anglais")
    set_language("en")
    assert (_("French"), language_name("en")) == ("French", "English")


def test_a_switch_reaches_other_modules_and_threads() -> None:
    seen: list[str] = []
    set_language("fr")
    worker = threading.Thread(target=lambda: seen.append(terms.stage_label(Stage.WARM)))
    worker.start()
    worker.join()
    assert seen == ["Tiède"]


def test_pgettext_tells_the_same_word_apart() -> None:
    set_language("fr")
    assert pgettext("account stage", "Lost") == "Perdu"
    assert pgettext("deal stage", "Lost") == "Perdue"
    set_language("en")
    assert pgettext("account stage", "Lost") == "Lost"


def test_an_untranslated_message_comes_back_in_english() -> None:
    set_language("fr")
    assert (_("No such message"), pgettext("nowhere", "Lost")) == ("No such message", "Lost")
    assert npgettext("ctx", "{n} day", "{n} days", 1) == "{n} day"
    assert npgettext("ctx", "{n} day", "{n} days", 2) == "{n} days"


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [
        (0, "0 compte", "0 accounts"),  # French: 0 is singular
        (1, "1 compte", "1 account"),
        (2, "2 comptes", "2 accounts"),
        (1_000_000, f"1{NNBSP}000{NNBSP}000 comptes", "1,000,000 accounts"),
    ],
)
def test_ngettext_follows_each_languages_plural_rule(count: int, french: str, english: str) -> None:
    assert terms.accounts_count(count) == english
    set_language("fr")
    assert terms.accounts_count(count) == french
    plural = "{count} comptes" if count > 1 else "{count} compte"
    assert ngettext("{count} account", "{count} accounts", count) == plural


# --- the domain's vocabulary ----------------------------------------------------------------


VOCABULARY: list[tuple[Callable[[str], str], str, str, str]] = [
    (terms.stage_label, "suspect", "Suspect", "Suspect"),
    (terms.stage_label, "cold", "Froid", "Cold"),
    (terms.stage_label, "warm", "Tiède", "Warm"),
    (terms.stage_label, "hot", "Chaud", "Hot"),
    (terms.stage_label, "client", "Client", "Client"),
    (terms.stage_label, "lost", "Perdu", "Lost"),
    (terms.deal_stage_label, "qualification", "Qualification", "Qualification"),
    (terms.deal_stage_label, "proposal", "Proposition", "Proposal"),
    (terms.deal_stage_label, "negotiation", "Négociation", "Negotiation"),
    (terms.deal_stage_label, "won", "Gagnée", "Won"),
    (terms.deal_stage_label, "lost", "Perdue", "Lost"),
    (terms.lost_reason_label, "price", "Prix", "Price"),
    (terms.lost_reason_label, "competitor", "Concurrent", "Competitor"),
    (terms.lost_reason_label, "timing", "Calendrier", "Timing"),
    (terms.lost_reason_label, "no_budget", "Pas de budget", "No budget"),
    (terms.lost_reason_label, "no_decision", "Pas de décision", "No decision"),
    (terms.lost_reason_label, "other", "Autre", "Other"),
    (terms.interaction_kind_label, "call", "Appel", "Call"),
    (terms.interaction_kind_label, "meeting", "Rendez-vous", "Meeting"),
    (terms.interaction_kind_label, "email", "E-mail", "Email"),
    (terms.interaction_kind_label, "visit", "Visite", "Visit"),
    (terms.interaction_kind_label, "note", "Note", "Note"),
    (terms.segment_label, "Champions", "Champions", "Champions"),
    (terms.segment_label, "Loyal", "Fidèles", "Loyal"),
    (terms.segment_label, "Potential Loyalists", "Fidèles potentiels", "Potential Loyalists"),
    (terms.segment_label, "New Customers", "Nouveaux clients", "New Customers"),
    (terms.segment_label, "Promising", "Prometteurs", "Promising"),
    (terms.segment_label, "Need Attention", "À surveiller", "Need Attention"),
    (terms.segment_label, "About to Sleep", "Bientôt endormis", "About to Sleep"),
    (terms.segment_label, "At Risk", "À risque", "At Risk"),
    (terms.segment_label, "Can't Lose Them", "À ne pas perdre", "Can't Lose Them"),
    (terms.segment_label, "Hibernating", "En hibernation", "Hibernating"),
]


@pytest.mark.parametrize(("label", "key", "french", "english"), VOCABULARY)
def test_the_glossarys_words(
    label: Callable[[str], str], key: str, french: str, english: str
) -> None:
    assert label(key) == english
    set_language("fr")
    assert label(key) == french


@pytest.mark.parametrize(
    ("label", "keys"),
    [
        (terms.stage_label, Stage),
        (terms.deal_stage_label, DealStage),
        (terms.lost_reason_label, DEFAULT_LOST_REASONS),
        (terms.interaction_kind_label, INTERACTION_KINDS),
        (terms.segment_label, SEGMENTS),
    ],
)
def test_every_domain_value_has_a_french_label(
    label: Callable[[str], str], keys: Iterable[str]
) -> None:
    assert {row[1] for row in VOCABULARY if row[0] is label} == set(map(str, keys))


def test_a_reason_the_rep_defined_is_their_own_text_and_unknown_values_a_bug() -> None:
    set_language("fr")
    assert terms.lost_reason_label("Fusion annulée") == "Fusion annulée"
    with pytest.raises(KeyError):
        terms.stage_label("tepid")


# --- formats --------------------------------------------------------------------------------


FORMATS: list[tuple[Callable[..., str], tuple[object, ...], str, str]] = [
    (f.money, (1_234_567,), f"12{NNBSP}345,67{NBSP}€", "€12,345.67"),
    (f.money, (-5,), f"-0,05{NBSP}€", "-€0.05"),
    (f.money, (0,), f"0,00{NBSP}€", "€0.00"),
    (f.money, (10_000_000_000,), f"100{NNBSP}000{NNBSP}000,00{NBSP}€", "€100,000,000.00"),
    (f.money, (1999, "USD"), f"19,99{NBSP}$US", "$19.99"),
    (f.money_compact, (123_456_789,), f"1,2{NBSP}M€", "€1.2M"),
    (f.money_compact, (1_234_567,), f"12,3{NBSP}k€", "€12.3K"),
    (f.money_compact, (1_200_000,), f"12{NBSP}k€", "€12K"),
    (f.money_compact, (99_950,), f"1{NBSP}k€", "€1K"),  # 999,50 € rounds up to a thousand
    (f.money_compact, (125_000,), f"1,3{NBSP}k€", "€1.3K"),  # half up
    (f.money_compact, (-125_000,), f"-1,3{NBSP}k€", "-€1.3K"),
    (f.money_compact, (-40,), f"0{NBSP}€", "€0"),  # never "-0"
    (f.money_compact, (120_000_000_000,), f"1,2{NBSP}Md€", "€1.2B"),
    (f.money_compact, (123_456_789, "USD"), f"1,2{NBSP}M{NBSP}$US", "$1.2M"),  # CLDR's spaces
    (f.number, (12_345.678, 1), f"12{NNBSP}345,7", "12,345.7"),
    (f.number, (1_234_567,), f"1{NNBSP}234{NNBSP}567", "1,234,567"),
    (f.number, (2.5,), "3", "3"),  # half up, not to even
    (f.number, (2.675, 2), "2,68", "2.68"),  # the decimal written, not the binary float
    (f.number, (Decimal("0.125"), 2), "0,13", "0.13"),
    (f.number, (-0.4,), "0", "0"),
    (f.number, (-1234.5,), f"-1{NNBSP}235", "-1,235"),
    (f.percent, (0.125,), f"12,5{NBSP}%", "12.5%"),
    (f.percent, (0.1225,), f"12,3{NBSP}%", "12.3%"),
    (f.percent, (1, 0), f"100{NBSP}%", "100%"),
    (f.percent, (12.5,), f"1{NNBSP}250,0{NBSP}%", "1,250.0%"),  # a fraction, not a percentage
    (f.percent, (-0.0001,), f"0,0{NBSP}%", "0.0%"),
    (f.day_short, (date(2026, 12, 2),), "mer. 2 déc.", "Wed 2 Dec"),
    (f.day_short, (date(2026, 6, 1),), "lun. 1 juin", "Mon 1 Jun"),
    (f.day_short, (date(2027, 2, 14),), "dim. 14 févr.", "Sun 14 Feb"),
    (f.date_numeric, (date(2026, 12, 2),), "02/12/2026", "2026-12-02"),
    (f.date_numeric, (date(987, 1, 5),), "05/01/0987", "0987-01-05"),
    (f.date_long, (date(2026, 12, 2),), "2 décembre 2026", "2 December 2026"),
    (f.date_long, (date(2026, 12, 1),), "1er décembre 2026", "1 December 2026"),
    (f.time_short, (time(14, 30),), "14:30", "14:30"),
    (f.time_short, (datetime(2026, 12, 2, 9, 5, 59),), "09:05", "09:05"),
    (f.weekday, (date(2026, 12, 2),), "mercredi", "Wednesday"),
    (partial(f.weekday, abbreviated=True), (date(2026, 12, 2),), "mer.", "Wed"),
    (f.month_name, (12,), "décembre", "December"),
    (partial(f.month_name, abbreviated=True), (2,), "févr.", "Feb"),
    (partial(f.month_name, abbreviated=True), (7,), "juil.", "Jul"),
]


@pytest.mark.parametrize(("function", "args", "french", "english"), FORMATS)
def test_formats_in_both_languages(
    function: Callable[..., str], args: tuple[object, ...], french: str, english: str
) -> None:
    assert function(*args, lang="fr") == french
    assert function(*args, lang="en") == english


@pytest.mark.parametrize(("function", "args", "french", "english"), FORMATS)
def test_formats_take_the_current_language(
    function: Callable[..., str], args: tuple[object, ...], french: str, english: str
) -> None:
    assert function(*args) == english
    set_language("fr")
    assert function(*args) == french


def test_formats_leave_the_callers_decimal_context_alone() -> None:
    rounding = decimal.getcontext().rounding
    assert (f.money_compact(125_000), f.percent(0.1225)) == ("€1.3K", "12.3%")
    assert decimal.getcontext().rounding == rounding


def test_format_arguments_out_of_range() -> None:
    with pytest.raises(ValueError, match="no month 13"):
        f.month_name(13)
    with pytest.raises(ValueError, match="decimals"):
        f.number(1, -1)


# --- the catalogue --------------------------------------------------------------------------


def _shipped_catalog() -> Catalog:
    return tool.read_catalog(tool.po_path(SHIPPED_LOCALE_DIR), locale="fr")


def test_every_marked_string_has_a_french_translation(tmp_path: Path) -> None:
    assert tool.main(["extract", "--locale-dir", str(tmp_path)]) == 0  # the real source tree
    with (tmp_path / "portfolio_tui.pot").open("rb") as handle:
        template = read_po(handle)
    keys = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    assert ("Warm", "account stage") in keys  # the extractor did read the source
    assert ("{count} account", None) in keys
    assert tool.problems(template, _shipped_catalog()) == []


def test_the_shipped_mo_is_the_compiled_po() -> None:
    with tool.mo_path(SHIPPED_LOCALE_DIR).open("rb") as handle:
        shipped = tool.translations(read_mo(handle))
    expected = tool.translations(read_mo(io.BytesIO(tool.compiled(_shipped_catalog()))))
    assert shipped == expected
    assert shipped[("Warm", "account stage")] == "Tiède"
    assert _shipped_catalog().plural_forms == "nplurals=2; plural=(n > 1);"


def test_the_catalogue_ships_with_the_package() -> None:
    mo = resources.files("portfolio_tui.i18n") / "locale/fr/LC_MESSAGES/portfolio_tui.mo"
    assert mo.is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["portfolio_tui"]
    shipped = "i18n/locale/fr/LC_MESSAGES/portfolio_tui.mo"
    assert any(fnmatch(shipped, pattern) for pattern in patterns)
    assert any(dep.startswith("babel") for dep in project["project"]["dependencies"])


def test_check_passes_on_the_shipped_catalogue() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "check"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert "all translated into French" in done.stdout


# --- the workflow, on a tree of our own -----------------------------------------------------

_SOURCE = """\
from portfolio_tui.i18n import _, ngettext, pgettext

_("Hello")
_("Untranslated")
_("Fuzzy one")
_("Hi {name}")
pgettext("greeting", "Word")
ngettext("{n} file", "{n} files", 2)
"""
_FRENCH = {
    "Hello": "Bonjour",
    "Fuzzy one": "Un flou",
    "Hi {name}": "Salut {nom}",
    "Word": "Mot",
    ("{n} file", "{n} files"): ("{n} fichier", "{n} fichiers"),
}


def _run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = tool.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _translate(po: Path, french: Mapping[object, object], fuzzy: set[str]) -> None:
    """Write `french` into the .po, as a translator would, flagging the `fuzzy` msgids."""
    catalog = tool.read_catalog(po, locale="fr")
    for message in catalog:
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        if key in french:
            message.string = french[key]
            if key in fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po.write_bytes(buffer.getvalue())


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A package of our own, extracted, merged and translated but for "Untranslated"."""
    source, locale_dir = tmp_path / "pkg", tmp_path / "locale"
    source.mkdir()
    (source / "mod.py").write_text(_SOURCE, encoding="utf-8")
    where = ["--src", str(source), "--locale-dir", str(locale_dir)]
    assert tool.main(["extract", *where]) == tool.main(["update", *where]) == 0
    _translate(tool.po_path(locale_dir), _FRENCH, fuzzy={"Fuzzy one"})
    return source, locale_dir, where


def test_compile_and_check(
    project: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, locale_dir, where = project
    assert _run("compile", *where, capsys=capsys)[0] == 0
    with tool.mo_path(locale_dir).open("rb") as handle:  # the fuzzy entry is left out
        assert tool.translations(read_mo(handle)) == {
            ("Hello", None): "Bonjour",
            ("Hi {name}", None): "Salut {nom}",
            ("Word", "greeting"): "Mot",
            (("{n} file", "{n} files"), None): ("{n} fichier", "{n} fichiers"),
        }
    code, out = _run("check", *where, capsys=capsys)
    assert code == 1
    assert sorted(out.strip().splitlines()) == [
        "pkg/mod.py: 'Fuzzy one': fuzzy (review the translation, then remove the fuzzy flag)",
        "pkg/mod.py: 'Hi {name}': placeholders ['nom'] instead of ['name']",
        "pkg/mod.py: 'Untranslated': no French translation",
    ]

    fixed = {"Untranslated": "Traduit", "Fuzzy one": "Un net", "Hi {name}": "Salut {name}"}
    _translate(tool.po_path(locale_dir), fixed, fuzzy=set())
    stale = f"{tool.mo_path(locale_dir)}: not the compiled portfolio_tui.po (run compile)\n"
    assert _run("check", *where, capsys=capsys) == (1, stale)
    assert _run("compile", *where, capsys=capsys)[0] == 0
    assert _run("check", *where, capsys=capsys) == (0, "6 messages, all translated into French\n")


def test_update_keeps_translations_and_adds_new_msgids(
    project: tuple[Path, Path, list[str]],
) -> None:
    source, locale_dir, where = project
    (source / "more.py").write_text('from x import _\n_("Goodbye")\n', encoding="utf-8")
    (source / "mod.py").write_text(_SOURCE.replace('_("Untranslated")\n', ""), encoding="utf-8")
    assert tool.main(["extract", *where]) == tool.main(["update", *where]) == 0
    catalog = tool.read_catalog(tool.po_path(locale_dir), locale="fr")
    strings = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}
    assert strings == {
        "Hello": "Bonjour",
        "Fuzzy one": "Un flou",
        "Hi {name}": "Salut {nom}",
        "Word": "Mot",
        "{n} file": ("{n} fichier", "{n} fichiers"),
        "Goodbye": "",  # new, to translate
    }  # "Untranslated" left the source and the catalogue
    assert catalog.get("Fuzzy one").fuzzy
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"


def test_extract_rewrites_the_pot_only_when_the_messages_change(
    project: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, locale_dir, where = project
    pot = tool.template_path(locale_dir)
    first = pot.read_bytes()
    assert _run("extract", *where, capsys=capsys) == (0, f"{pot}: unchanged, 6 messages\n")
    assert pot.read_bytes() == first
    assert b"mod.py:" not in first  # locations carry no line numbers
    assert b"#: pkg/mod.py\n" in first
