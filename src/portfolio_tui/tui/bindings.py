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

from portfolio_tui.i18n import SOURCE_LANGUAGE, current_language, gettext

__all__ = ["translate_bindings", "translated"]


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
