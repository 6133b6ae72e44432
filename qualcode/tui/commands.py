"""The command palette: every action of the current screen by name, plus ``screen: …`` to switch screens."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qualcode.tui.base import qualcode_app


class QualcodeCommands(Provider):
    """Names such as ``code: apply werkwijze``, ``coding: undo``, ``screen: quotes``."""

    def commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out: list[tuple[str, Callable[[], Any], str]] = []
        screen = self.screen
        if hasattr(screen, "palette_commands"):
            out.extend(screen.palette_commands())
        app = qualcode_app(self)
        for name in app.screen_names():
            out.append((f"screen: {name}", partial(app.action_open_screen, name), f"open the {name} screen"))
        out.append(("app: help", app.action_help, "the keys of this screen"))
        out.append(("app: quit", self.app.exit, "leave qualcode"))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
