"""argparse's own words ("usage: ", "options", "invalid choice: …") in the product's language.

argparse looks its messages up through its module-level `_` and `ngettext`, bound to the
standard library's gettext (the "messages" domain of the system). `use_our_catalogue()` binds
them to ours instead: it is the one place the project reassigns them, called by `main()` before
any parser is built. The msgids below are argparse's own, copied from Python 3.11's argparse.py
so that the extractor puts them in our catalogue; those an end user can meet are listed (the
ones for programming errors, such as "dest= is required", are not).
"""

from __future__ import annotations

import argparse

from portfolio_tui.i18n import N_, gettext, ngettext, pgettext

__all__ = ["ARGPARSE_MESSAGES", "use_our_catalogue"]

ARGPARSE_MESSAGES: tuple[str, ...] = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unexpected option string: %s"),
)


def _plural_marks() -> None:
    # Never called: marks argparse's plural message for the extractor.
    ngettext("expected %s argument", "expected %s arguments", 2)


def _gettext(message: str | None) -> str | None:
    # argparse also asks for a None description (`_(kwargs.pop("description", None))`).
    return None if message is None else gettext(message)


def _metavar_marks() -> tuple[str, ...]:
    # Never called: marks the metavars the help shows (`FILE`, the positional `account`) for
    # the extractor; `_metavar` translates them when the help is written. A new metavar with
    # no entry here is shown as written.
    return (
        pgettext("metavar", "ACCOUNT"),
        pgettext("metavar", "ACCOUNTS"),
        pgettext("metavar", "ACTION"),
        pgettext("metavar", "AMOUNT"),
        pgettext("metavar", "AS_OF"),
        pgettext("metavar", "AT"),
        pgettext("metavar", "BY"),
        pgettext("metavar", "COLUMN=FIELD"),
        pgettext("metavar", "COMMAND"),
        pgettext("metavar", "CONTACT"),
        pgettext("metavar", "DATE"),
        pgettext("metavar", "DB"),
        pgettext("metavar", "DIR"),
        pgettext("metavar", "DURATION"),
        pgettext("metavar", "EMAIL"),
        pgettext("metavar", "FAMILY"),
        pgettext("metavar", "FILE"),
        pgettext("metavar", "FILE|DIR"),
        pgettext("metavar", "NAME"),
        pgettext("metavar", "NOTES"),
        pgettext("metavar", "OUTCOME"),
        pgettext("metavar", "P"),
        pgettext("metavar", "PENALIZER"),
        pgettext("metavar", "PHONE"),
        pgettext("metavar", "PHRASE"),
        pgettext("metavar", "PREFERRED_CHANNEL"),
        pgettext("metavar", "REASON"),
        pgettext("metavar", "REPEAT"),
        pgettext("metavar", "ROLE"),
        pgettext("metavar", "ROWS"),
        pgettext("metavar", "SEED"),
        pgettext("metavar", "STAGE"),
        pgettext("metavar", "TERM"),
        pgettext("metavar", "TEXT"),
        pgettext("metavar", "TITLE"),
        pgettext("metavar", "WHAT"),
        pgettext("metavar", "WINDOW"),
        pgettext("metavar", "YEARS"),
        pgettext("metavar", "account"),
        pgettext("metavar", "deal"),
        pgettext("metavar", "file"),
        pgettext("metavar", "id"),
        pgettext("metavar", "name"),
        pgettext("metavar", "phrase"),
        pgettext("metavar", "stage"),
        pgettext("metavar", "summary"),
        pgettext("metavar", "title"),
    )


def _metavar(name: str) -> str:
    return pgettext("metavar", name)


_ORIGINAL_METAVAR_FORMATTER = argparse.HelpFormatter._metavar_formatter


def _translated_metavar_formatter(self, action, default_metavar):  # type: ignore[no-untyped-def]
    """argparse's metavars (`FILE`, the positional `account`) in the current language; a set of
    choices (`{table,csv,json}`) and a command's name (`account`) stay as typed."""
    command = isinstance(action, argparse._SubParsersAction._ChoicesPseudoAction)
    if command or (action.metavar is None and action.choices is not None):
        return _ORIGINAL_METAVAR_FORMATTER(self, action, default_metavar)
    result = action.metavar if action.metavar is not None else default_metavar
    names = tuple(map(_metavar, result)) if isinstance(result, tuple) else _metavar(result)

    def format(size: int) -> tuple[str, ...]:
        return names if isinstance(names, tuple) else (names,) * size

    return format


def use_our_catalogue() -> None:
    """Make argparse speak the current language of `portfolio_tui.i18n`, looked up per call."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    argparse.HelpFormatter._metavar_formatter = _translated_metavar_formatter  # type: ignore[method-assign]
