"""Help: the keys of the screen you came from (F1 or ?)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, id) for the screen, its focused widget chain and the app."""
    rows, seen = [], set()
    sources = []
    focused = screen.focused
    node = focused
    while node is not None and node is not screen:
        sources.append(node)
        node = node.parent
    sources.append(screen)
    sources.append(screen.app)
    for source in sources:
        for binding in Binding.make_bindings(getattr(source, "BINDINGS", [])):
            if not binding.description or (binding.id or binding.action) in seen:
                continue
            seen.add(binding.id or binding.action)
            keys = ", ".join(screen.app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
            rows.append((keys, binding.description, binding.id or ""))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close help", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__(id="help-screen")
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        screen = self.for_screen
        table = Table(box=None, show_header=True, header_style="bold", expand=True)
        table.add_column("key", no_wrap=True)
        table.add_column("what it does")
        table.add_column("id", style="dim")
        for keys, description, binding_id in binding_rows(screen):
            table.add_row(Text(keys), Text(description), Text(binding_id))
        title = Text(f"Help: {getattr(screen, 'HELP_TITLE', 'qualcode')}", style="bold")
        with VerticalScroll(classes="dialog help"):
            yield Static(title)
            text = getattr(screen, "HELP_TEXT", "")
            if text:
                yield Static(Text(text), classes="help-text")
            yield Static(table)
            yield Static("Ctrl+P: every action by name.  Esc closes this help.", classes="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
