"""The command palette (ctrl+p): every action of the current screen and of the app, the
screen switches, and "Open account…", which searches accounts by name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import N_, _
from portfolio_tui.tui.context import portfolio_app

SCREEN_SWITCH_ACTIONS = "app.show_screen"
PALETTE_ACTIONS = {"command_palette", "app.command_palette"}
ACCOUNT_HITS = 12


Command = tuple[str, Callable[[], Any], str]


class PortfolioCommands(Provider):
    """Screen switches first, then "Open account…", then the keys of the screen and the app."""

    def _commands(self) -> list[Command]:
        app = portfolio_app(self.app)
        commands: list[Command] = [
            (
                _("Go to {screen}").format(screen=_(title)),
                partial(app.show_screen, mode),
                _("key {key}").format(key=key),
            )
            for mode, key, title in app.screen_switches()
        ]
        commands.append((_("Open account…"), app.action_pick_account, _("search accounts by name")))
        where = _("an HTML file in your documents folder, else next to the database")
        for cadence, name in app.review_commands():
            commands.append((_(name), partial(app.write_review, cadence), where))
        seen = {name for name, _, _ in commands}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            action = binding.action
            if (
                not binding.description
                or action in PALETTE_ACTIONS
                or action.startswith(SCREEN_SWITCH_ACTIONS)
                or action == "show_screen"
                or binding.description in seen
            ):
                continue
            seen.add(binding.description)
            key = app.get_key_display(binding)
            run = partial(app.run_action, action, active.node)
            help_text = binding.tooltip or _("key {key}").format(key=key)
            commands.append((binding.description, run, help_text))
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(Content(name), run, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), run, text=name,
                          help=escape(help_text))  # fmt: skip
        if len(query.strip()) >= 2:
            async for hit in _account_hits(self, query, prefix=_("Open account: ")):
                yield hit


class AccountSearch(Provider):
    """The palette behind "Open account…": account names containing what is typed."""

    async def discover(self) -> Hits:
        async for hit in _account_hits(self, "", prefix=""):
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in _account_hits(self, query, prefix=""):
            yield hit


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as typed (Textual's `Matcher.highlight` reads it as markup: `[/]` crashed, and
    `[Centre]` vanished), with the letters the query matched highlighted."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if not score:
        return content
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


async def _account_hits(provider: Provider, query: str, prefix: str) -> Hits:
    app = portfolio_app(provider.app)
    found = await asyncio.to_thread(app.portfolio.search_accounts, query.strip(), ACCOUNT_HITS)
    matcher = provider.matcher(query)
    for account_id, name in found:
        text = prefix + visible(name)
        run = partial(app.open_account, account_id)
        if not query.strip():
            yield DiscoveryHit(Content(text), run, help=_("open the account"))
            continue
        # The database matched the name; the fuzzy score only orders the hits.
        score = max(matcher.match(name), 0.5)
        yield Hit(score, highlighted(matcher, text), run, text=text, help=_("open the account"))


# Textual's system commands by their English title: (title, help) in the rep's language.
_SYSTEM_COMMANDS = {
    "Theme": (N_("Theme"), N_("Change the current theme")),
    "Quit": (N_("Quit"), N_("Quit the application as soon as possible")),
    "Minimize": (N_("Minimize"), N_("Minimize the widget and restore to normal size")),
    "Maximize": (N_("Maximize"), N_("Maximize the focused widget")),
    "Screenshot": (N_("Screenshot"), N_("Save an SVG screenshot of the current screen")),
}
KEYS_COMMAND = "Keys"


def system_commands(
    textual_commands: Iterable[SystemCommand], show_keys: Callable[[], Any]
) -> Iterator[SystemCommand]:
    """Textual's system commands with their titles and help translated; "Keys" opens our own
    list of keys (`?`), whose labels are translated, instead of Textual's panel, whose
    generic ones (cursor moves, copy) are not. A command Textual adds later passes as it is."""
    for command in textual_commands:
        if command.title == KEYS_COMMAND:
            yield SystemCommand(_("Keys"), _("The keys of the current screen"), show_keys)
            continue
        names = _SYSTEM_COMMANDS.get(command.title)
        if names is None:
            yield command
            continue
        title, help_text = names
        yield SystemCommand(_(title), _(help_text), command.callback, command.discover)
