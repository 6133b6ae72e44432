"""Small dialogs: each is a ``ModalScreen[T]`` that returns its value with ``dismiss()``."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class PromptScreen(ModalScreen[str | None]):
    """One line of input (goto line, search term, memo). Enter returns it, Esc returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self, title: str, value: str = "", placeholder: str = "", *, restrict: str | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.restrict = restrict

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, restrict=self.restrict, id="prompt")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[int | None]):
    """Pick one of several labelled items; returns its index, or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, labels: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield OptionList(*[Option(Text(label), id=str(i)) for i, label in enumerate(self.labels)], id="choices")

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert event.option.id is not None  # every option has its index as id
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


def fuzzy_score(query: str, name: str) -> float:
    """0 when ``query``'s letters do not appear in order in ``name``; higher for earlier, tighter matches."""
    query, name = query.casefold(), name.casefold()
    if not query:
        return 1.0
    if query in name:
        return 3.0 - name.index(query) / (len(name) + 1)
    pos, gaps = -1, 0
    for ch in query:
        found = name.find(ch, pos + 1)
        if found < 0:
            return 0.0
        gaps += found - pos - 1
        pos = found
    return 1.0 / (1 + gaps)


class CodePickerScreen(ModalScreen[str | None]):
    """Type a few letters of a code's name; Enter applies the best (or highlighted) match."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.previous"),
    ]

    def __init__(self, names: list[str], labels: dict[str, str] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names
        self.labels = labels or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Apply code (type to filter, Enter to apply)", classes="dialog-title")
            yield Input(placeholder="code name", id="filter")
            yield OptionList(id="codes")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        scored = sorted(((fuzzy_score(query, n), i, n) for i, n in enumerate(self.names)), key=lambda t: (-t[0], t[1]))
        options = self.query_one("#codes", OptionList)
        options.clear_options()
        options.add_options([Option(Text(self.labels.get(n, n)), id=n) for s, _, n in scored if s > 0])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#filter")
    def changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#codes", OptionList)
        if options.highlighted is None:
            self.notify("no code matches", severity="warning")
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        options = self.query_one("#codes", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoScreen(ModalScreen[str | None]):
    """A multi-line memo (or summary) in a ``TextArea``: Ctrl+S saves, Esc cancels (Enter is a new line)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="memo.save"),
        Binding("escape", "cancel", "Cancel", id="memo.cancel"),
    ]

    DEFAULT_CSS = """
    MemoScreen > Vertical { height: auto; max-height: 80%; }
    MemoScreen TextArea { height: 12; }
    MemoScreen .dialog-hint { color: $text-muted; }
    """

    def __init__(self, title: str, value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield TextArea(self.value, id="memo-text", soft_wrap=True, tab_behavior="focus")
            yield Label("Ctrl+S saves · Esc cancels · Enter starts a new line", classes="dialog-hint")

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from textual.widgets import TextArea

        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
