"""Theme variables as colours Rich can draw with.

Some theme variables are not plain colours ("auto 60%", "#E0E0E099"); Rich styles need
"#rrggbb". Translucent colours are blended over the theme's surface.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import Color, ColorParseError


def theme_colour(variables: Mapping[str, str], name: str) -> str:
    """`name`'s colour as "#RRGGBB", or "" when it is not a colour (Rich then uses the default)."""
    try:
        colour = Color.parse(variables.get(name, ""))
    except ColorParseError:
        return ""
    if colour.a < 1:
        try:
            colour = Color.parse(variables.get("surface", "")) + colour
        except ColorParseError:
            colour = colour.with_alpha(1)
    return colour.hex6


def theme_colours(variables: Mapping[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """{key: colour} for a {key: variable name} map."""
    return {key: theme_colour(variables, name) for key, name in names.items()}
