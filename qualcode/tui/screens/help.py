"""Help (F1 or ?): the keys of the screen you came from, grouped, with the codebook's digits where codes apply.

A screen groups its keys with ``HELP_GROUPS`` (``(("move", (binding ids…)), …)``); keys it does not
group are listed under "keys", and the app's screen keys (F2…, Ctrl+F) under "screens". A screen
may hide repetitive rows with ``HELP_HIDDEN`` (the Coding screen lists 1-9 once) and add a section
with ``help_extra()`` (the codes and their digits). Keys are shown as the user's keymap sets them;
the binding id (dim) is what ``~/.config/qualcode/config.toml`` remaps.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

SCREENS_GROUP = "screens"


def _keys(screen: Screen, binding: Binding) -> str:
    keymap = getattr(screen.app, "_keymap", {})
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    if binding.key_display and keys == binding.key:
        return binding.key_display
    return ", ".join(screen.app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, id) for the focused widget chain, the screen and the app (each binding once)."""
    rows, seen = [], set()
    sources: list[DOMNode] = []
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        sources.append(node)
        node = node.parent
    sources.append(screen)
    sources.append(screen.app)
    hidden: Collection[str] = getattr(screen, "HELP_HIDDEN", frozenset())
    for source in sources:
        for binding in Binding.make_bindings(getattr(source, "BINDINGS", [])):
            key = binding.id or binding.action
            if not binding.description or key in seen or key in hidden:
                continue
            seen.add(key)
            rows.append((_keys(screen, binding), binding.tooltip or binding.description, binding.id or ""))
    return rows


def grouped_rows(screen: Screen) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The rows of :func:`binding_rows` in the screen's groups, then "keys" (the rest), then "screens"."""
    rows = binding_rows(screen)
    by_id = {row[2]: row for row in rows if row[2]}
    used: set[str] = set()
    out: list[tuple[str, list[tuple[str, str, str]]]] = []
    for title, ids in getattr(screen, "HELP_GROUPS", ()):
        group = [by_id[i] for i in ids if i in by_id]
        used.update(i for i in ids if i in by_id)
        if group:
            out.append((title, group))
    rest = [r for r in rows if r[2] not in used and not r[2].startswith("app.")]
    app_rows = [r for r in rows if r[2].startswith("app.")]
    if rest:
        out.append(("keys", rest))
    if app_rows:
        out.append((SCREENS_GROUP, app_rows))
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close help", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__(id="help-screen")
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        screen = self.for_screen
        title = Text(f"Help: {getattr(screen, 'HELP_TITLE', 'qualcode')}", style="bold")
        with VerticalScroll(classes="dialog help"):
            yield Static(title)
            text = getattr(screen, "HELP_TEXT", "")
            if text:
                yield Static(Text(text), classes="help-text")
            extra = screen.help_extra() if hasattr(screen, "help_extra") else None
            if extra is not None:
                yield Static(extra, classes="help-text", id="help-extra")
            for group, rows in grouped_rows(screen):
                table = Table(box=None, show_header=False, expand=True, title=group, title_justify="left")
                table.title_style = "bold"
                table.add_column("key", no_wrap=True, width=14)
                table.add_column("what it does")
                table.add_column("id", style="dim", no_wrap=True)
                for keys, description, binding_id in rows:
                    table.add_row(Text(keys), Text(description), Text(binding_id))
                yield Static(table, classes="help-group")
            yield Static(
                "Ctrl+P: every action by name. Remap keys by id in ~/.config/qualcode/config.toml "
                '([keymap] "coding.undo" = "z"). Esc closes this help.',
                classes="help-text",
            )

    def action_close(self) -> None:
        self.dismiss(None)
