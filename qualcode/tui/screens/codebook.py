"""The Codebook screen: browse and edit codes through the same core functions as ``qualcode codebook load``."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from qualcode.coding import codebook
from qualcode.errors import QualcodeError
from qualcode.model import Code
from qualcode.tui.base import QualcodeScreen

FIELDS = ("name", "hotkey", "colour", "parent", "definition", "include", "exclude", "example")


class CodeEditScreen(ModalScreen[dict | None]):
    """Edit one code's fields; returns the changed fields (or all, for a new code), or None.

    The name field has the focus; Enter moves to the next field (Ctrl+S saves from anywhere). With
    ``save``, the dialog stores the fields itself: a validation error is shown and the dialog stays
    open with everything typed, so nothing is lost.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="code_edit.cancel"),
        Binding("ctrl+s", "save", "Save", id="code_edit.save"),
    ]

    def __init__(self, values: dict[str, str], *, title: str, save: Callable[[dict], str | None] | None = None) -> None:
        super().__init__(id="code-edit")
        self.values = values
        self.title_text = title
        self.save = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Label(Text(self.title_text), classes="dialog-title")
            for field in FIELDS:
                yield Label(field)
                yield Input(self.values.get(field, ""), id=f"field-{field}")
            yield Static("", id="code-edit-error")
            with Horizontal():
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#field-name", Input).focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        new = {f: self.query_one(f"#field-{f}", Input).value.strip() for f in FIELDS}
        changed = {f: v for f, v in new.items() if v != self.values.get(f, "")}
        if self.save is not None:
            error = self.save(changed)
            if error:
                self.query_one("#code-edit-error", Static).update(Text(f"not saved: {error}", style="bold red"))
                self.notify(error, severity="error", timeout=6, markup=False)
                field = next((f for f in FIELDS if f in error.split()), None)
                if field:
                    self.query_one(f"#field-{field}", Input).focus()
                return
        self.dismiss(changed)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def spec_changes(values: dict[str, str]) -> dict:
    """Dialog text → :class:`qualcode.coding.codebook.CodeSpec` fields (empty hotkey/colour/parent → None)."""
    out: dict = {}
    for field, value in values.items():
        if field == "hotkey":
            if value and (not value.isdigit() or not 1 <= int(value) <= 9):
                from qualcode.errors import InputError

                raise InputError(f"hotkey must be a digit 1-9, not {value!r}")
            out["hotkey"] = int(value) if value else None
        elif field in ("colour", "parent"):
            out[field] = value or None
        else:
            out[field] = value
    return out


class CodebookScreen(QualcodeScreen):
    """All codes with their number of codings; e edits, a adds."""

    AREA = "codebook"
    HELP_TITLE = "Codebook"
    HELP_TEXT = (
        "Every code with its hotkey, colour, parent and number of codings (all coders). e edits the "
        "highlighted code, a adds one; changes are checked and stored like `qualcode codebook load`."
    )

    BINDINGS = [
        Binding("e,enter", "edit", "Edit code", id="codebook.edit"),
        Binding("a", "add", "Add code", id="codebook.add"),
        Binding("f5", "refresh", "Refresh", show=False, id="codebook.refresh"),
        Binding("q,escape", "back", "Back", id="codebook.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[Code] = []

    def compose(self) -> ComposeResult:
        yield Static(" Codebook", classes="title-bar", id="codebook-title")
        yield DataTable(id="codebook-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="codebook-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("key", "code", "parent", "colour", "codings"):
            table.add_column(col, key=col)
        table.focus()

    def reload(self) -> None:
        if not self.is_mounted:
            return
        self.codes = codebook.tree_order(codebook.all_codes(self.project))  # children under their parent
        counts = codebook.coding_counts(self.project)
        names: dict[int | None, str] = {c.id: c.name for c in self.codes}
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for c in self.codes:
            table.add_row(
                str(c.hotkey or ""),
                Text(("  " if c.parent_id else "") + c.name),
                Text(names.get(c.parent_id, "")),
                Text.assemble(("■", c.colour or ""), f" {c.colour or ''}"),
                str(counts.get(c.id, 0)),
                key=c.name,
            )
        if self.codes:
            table.move_cursor(row=min(keep, len(self.codes) - 1))
        self.query_one("#codebook-title", Static).update(f" Codebook · {len(self.codes)} codes")
        self._show_detail()

    def current(self) -> Code | None:
        table = self.query_one(DataTable)
        return self.codes[table.cursor_row] if table.row_count and self.codes else None

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        c = self.current()
        detail = self.query_one("#codebook-detail", Static)
        if c is None:
            detail.update("no codes; press a to add one")
            return
        text = Text(c.name, style="bold")
        if c.definition:
            text.append("\n" + c.definition)
        for label, value in (("include", c.include), ("exclude", c.exclude), ("example", c.example)):
            if value:
                text.append(f"\n{label}:", style="bold")
                text.append(f" {value}")
        detail.update(text)

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        c = self.current()
        if c is None:
            return
        parent = next((p.name for p in self.codes if p.id == c.parent_id), "")
        values = {
            "name": c.name,
            "hotkey": str(c.hotkey or ""),
            "colour": c.colour or "",
            "parent": parent,
            "definition": c.definition,
            "include": c.include,
            "exclude": c.exclude,
            "example": c.example,
        }

        def save(changed: dict) -> str | None:
            if not changed:
                return None
            try:
                fields = spec_changes(changed)
                codebook.edit_code(self.project, c.name, self.coder, **fields)
            except QualcodeError as e:
                return str(e)
            self.notify(f"saved {fields.get('name', c.name)}", timeout=2, markup=False)
            return None

        self.app.push_screen(CodeEditScreen(values, title=f"Edit code {c.name}", save=save), lambda _: self.reload())

    def action_add(self) -> None:
        def save(values: dict) -> str | None:
            if not values.get("name"):
                return "give the new code a name"
            try:
                fields = spec_changes(values)
                codebook.add_code(self.project, codebook.CodeSpec(**fields), self.coder)
            except QualcodeError as e:
                return str(e)
            self.notify(f"added {fields['name']}", timeout=2, markup=False)
            return None

        self.app.push_screen(CodeEditScreen({}, title="New code", save=save), lambda _: self.reload())

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
