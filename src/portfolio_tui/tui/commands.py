"""The command palette (ctrl+p): every action of the current screen and of the app, the
screen switches, and "Open account…", which searches accounts by name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

SCREEN_SWITCH_ACTIONS = "app.show_screen"
PALETTE_ACTIONS = {"command_palette", "app.command_palette"}
ACCOUNT_HITS = 12


Command = tuple[str, Callable[[], Any], str]


class PortfolioCommands(Provider):
    """Screen switches first, then "Open account…", then the keys of the screen and the app."""

    def _commands(self) -> list[Command]:
        app: Any = self.app
        commands: list[Command] = [
            (f"Go to {title}", partial(app.show_screen, mode), f"key {key}")
            for mode, key, title in app.screen_switches()
        ]
        commands.append(("Open account…", app.action_pick_account, "search accounts by name"))
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
            commands.append((binding.description, run, binding.tooltip or f"key {key}"))
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
        if len(query.strip()) >= 2:
            async for hit in _account_hits(self, query, prefix="Open account: "):
                yield hit


class AccountSearch(Provider):
    """The palette behind "Open account…": account names containing what is typed."""

    async def discover(self) -> Hits:
        async for hit in _account_hits(self, "", prefix=""):
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in _account_hits(self, query, prefix=""):
            yield hit


async def _account_hits(provider: Provider, query: str, prefix: str) -> Hits:
    app: Any = provider.app
    found = await asyncio.to_thread(app.portfolio.search_accounts, query.strip(), ACCOUNT_HITS)
    matcher = provider.matcher(query)
    for account_id, name in found:
        text = prefix + name
        run = partial(app.open_account, account_id)
        if not query.strip():
            yield DiscoveryHit(text, run, help="open the account")
            continue
        # The database matched the name; the fuzzy score only orders the hits.
        score = max(matcher.match(name), 0.5)
        yield Hit(score, matcher.highlight(text), run, text=text, help="open the account")
