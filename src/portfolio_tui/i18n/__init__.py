"""The product's languages: gettext with the package's own French catalogue, English as source.

    from portfolio_tui.i18n import N_, _, ngettext, pgettext

    _("Today")                                  # "Aujourd'hui" in French
    ngettext("{n} account", "{n} accounts", n)  # French: 0 and 1 are singular
    pgettext("deal stage", "Lost")              # "Perdue"; the account stage is "Perdu"
    LABEL = N_("Overdue")                       # only marked; translated where used: _(LABEL)

The catalogue is `locale/fr/LC_MESSAGES/portfolio_tui.mo` inside this package, read through
`importlib.resources` (never a system path). Every function looks the current language up at
call time, so `set_language()` takes effect for every later call, in every module and thread.
The language starts as English until a face calls `set_language(resolve_language(...))`.
No `locale.setlocale`: numbers and dates go through `portfolio_tui.i18n.formats` (Babel).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from functools import cache
from importlib import resources

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "field_error",
    "field_label",
    "gettext",
    "language_name",
    "ngettext",
    "npgettext",
    "pgettext",
    "resolve_language",
    "set_language",
]

DOMAIN = "portfolio_tui"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("fr", SOURCE_LANGUAGE)

# The variables a POSIX system names the user's language with, in the order we read them.
_ENVIRONMENT_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
# Settings values that mean "follow the system", like an absent setting.
_FOLLOW_SYSTEM = frozenset({"", "auto", "system"})

_current_language = SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (translate it later with `_`)."""
    return message


def gettext(message: str) -> str:
    """`message` in the current language."""
    return _translations(_current_language).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, by the current language's plural rule."""
    return _translations(_current_language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, told apart from the same words in another context."""
    return _translations(_current_language).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """`ngettext` with a context."""
    return _translations(_current_language).npgettext(context, singular, plural, n)


# The fields a rep types in (forms, CLI flags, spreadsheet columns) as an error names them:
# lower case, like the English source names them ("sold on: must not be empty").
_FIELDS = {
    "account": N_("account"),
    "accessibility": N_("accessibility"),
    "amount": N_("amount"),
    "at": N_("when"),
    "city": N_("city"),
    "close": N_("closes"),
    "contact_email": N_("contact email"),
    "contact_name": N_("contact name"),
    "contact_phone": N_("contact phone"),
    "contact_role": N_("contact role"),
    "due": N_("due"),
    "duration": N_("duration"),
    "email": N_("email"),
    "family": N_("family"),
    "kind": N_("kind"),
    "legal_id": N_("legal id"),
    "lost_reason": N_("lost reason"),
    "margin": N_("margin"),
    "name": N_("name"),
    "next_due": N_("next due"),
    "next_title": N_("next title"),
    "notes": N_("notes"),
    "nps_date": N_("nps date"),
    "nps_score": N_("nps score"),
    "order_ref": N_("order ref"),
    "outcome": N_("outcome"),
    "phone": N_("phone"),
    "potential": N_("potential"),
    "preferred_channel": N_("preferred channel"),
    "probability": N_("probability"),
    "reason": N_("reason"),
    "referred_by": N_("referred by"),
    "region": N_("region"),
    "risk_level": N_("risk level"),
    "role": N_("role"),
    "sector": N_("sector"),
    "size_band": N_("size band"),
    "sold_on": N_("sold on"),
    "source": N_("source"),
    "stage": N_("stage"),
    "summary": N_("summary"),
    "tags": N_("tags"),
    "title": N_("title"),
    "until": N_("until"),
}


def field_label(field: str) -> str:
    """A field's name in an error: "sold_on" → "sold on" / "date de vente"; a field not listed
    keeps its key, underscores read as spaces."""
    name = _FIELDS.get(field)
    return gettext(name) if name else field.replace("_", " ")


def field_error(field: str, message: str) -> str:
    """ "sold on: must not be empty" / "date de vente : ne doit pas être vide"."""
    # TRANSLATORS: a field's name, then what is wrong with it (French: U+202F before ":")
    return gettext("{field}: {message}").format(field=field_label(field), message=message)


def set_language(language: str | None) -> str:
    """Make `language` ("fr", "en", "fr_FR.UTF-8"…) current; unknown → English. Returns it."""
    global _current_language
    _current_language = _supported(language) or SOURCE_LANGUAGE
    return _current_language


def current_language() -> str:
    """ "fr" or "en"."""
    return _current_language


def language_name(language: str) -> str:
    """The name of a supported language, in the current language ("French", "Français")."""
    names = {"fr": N_("French"), "en": N_("English")}
    return gettext(names[_supported(language) or SOURCE_LANGUAGE])


def resolve_language(setting: str | None, cli: str | None, environ: Mapping[str, str]) -> str:
    """The language to speak: `--lang`, then the setting, then the system's locale, then English.

    The system's choice is the first non-empty of LC_ALL, LC_MESSAGES, LANG and LANGUAGE;
    `fr_FR.UTF-8`, `fr`, `fr_CA` mean French, `C` and `POSIX` English, and LANGUAGE may list
    several (`de:fr:en`: the first one we speak). An unknown language means English. A setting
    of "auto" (or "system", or empty) means "follow the system", like no setting.
    """
    for chosen in (cli, setting):
        if chosen is not None and chosen.strip().lower() not in _FOLLOW_SYSTEM:
            return _supported(chosen) or SOURCE_LANGUAGE
    for variable in _ENVIRONMENT_VARIABLES:
        value = environ.get(variable, "").strip()
        if value:
            candidates = value.split(":") if variable == "LANGUAGE" else [value]
            found = (_supported(candidate) for candidate in candidates)
            return next((language for language in found if language), SOURCE_LANGUAGE)
    return SOURCE_LANGUAGE


def _supported(tag: str | None) -> str | None:
    """The supported language a locale name or language tag means, or None.

    "fr_FR.UTF-8", "fr-CA", "FR", "fr_BE@euro" → "fr"; "C", "POSIX", "C.UTF-8" → "en".
    """
    if not tag:
        return None
    base = tag.strip().split(".")[0].split("@")[0]
    if base.upper() in {"C", "POSIX"}:
        return SOURCE_LANGUAGE
    language = base.replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else None


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    """The package's catalogue for `language`; the source strings (English) when it has none."""
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    catalogue = resources.files(__name__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with catalogue.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    except FileNotFoundError:
        # A missing catalogue is a packaging bug (tests/test_i18n.py guards it), not a crash.
        return _gettext.NullTranslations()
