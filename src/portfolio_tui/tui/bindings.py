"""Key labels in the current language: the keys stay, their descriptions are translated.

Textual merges a class's BINDINGS once, when the class is created (at import, before the app
chose its language), so they are written with `N_()` and translated here, per node, as it is
built: the footer, the palette and `?` then read them in the rep's language. Keys and ids are
the same in both languages (muscle memory, the keymap and the documentation stay one).
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from portfolio_tui.i18n import N_, SOURCE_LANGUAGE, current_language, gettext

__all__ = ["TEXTUAL_DESCRIPTIONS", "translate_bindings", "translated"]

# Textual's own binding descriptions (ScrollableContainer, DataTable, Input, Select, Button,
# App, Screen, CommandPalette in Textual 8), marked so the catalogue holds them: a node of ours
# that inherits them ("Scroll Left" on a table) shows them translated like its own.
TEXTUAL_DESCRIPTIONS: tuple[str, ...] = (
    N_("Bottom"),
    N_("Copy selected text"),
    N_("Cursor down"),
    N_("Cursor left"),
    N_("Cursor right"),
    N_("Cursor up"),
    N_("Cut selected text"),
    N_("Delete all to the left"),
    N_("Delete all to the right"),
    N_("Delete character left"),
    N_("Delete character right"),
    N_("Delete left to start of word"),
    N_("Delete right to start of word"),
    N_("Dismiss menu"),
    N_("Down"),
    N_("End"),
    N_("Exit the command palette"),
    N_("First"),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Go to bottom"),
    N_("Go to end"),
    N_("Go to start"),
    N_("Go to top"),
    N_("Home"),
    N_("Last"),
    N_("Move cursor left"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor left and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Move cursor right and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Next command"),
    N_("Next page"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Page Up"),
    N_("Page down"),
    N_("Page up"),
    N_("Paste text from the clipboard"),
    N_("Press button"),
    N_("Previous command"),
    N_("Previous page"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Scroll Down"),
    N_("Scroll End"),
    N_("Scroll Home"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Up"),
    N_("Select"),
    N_("Select all"),
    N_("Select line end"),
    N_("Select line start"),
    N_("Show menu"),
    N_("Submit"),
    N_("Toggle"),
    N_("Top"),
    N_("Up"),
)


def _text(message: str) -> str:
    # gettext("") is the catalogue's header, not an empty label.
    return gettext(message) if message else message


def translated(binding: Binding) -> Binding:
    """`binding` with its description, tooltip and group label in the current language."""
    group = binding.group
    if group is not None and group.description:
        group = Binding.Group(_text(group.description), compact=group.compact)
    return dataclasses.replace(
        binding,
        description=_text(binding.description),
        tooltip=_text(binding.tooltip),
        group=group,
    )


def translate_bindings(node: DOMNode) -> None:
    """Give `node` (just built) its bindings in the current language; English is as written."""
    if current_language() == SOURCE_LANGUAGE:
        return
    # Textual has no public setter for a node's bindings; `_bindings` is what every node reads.
    node._bindings = BindingsMap.from_keys(
        {
            key: [translated(binding) for binding in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )
