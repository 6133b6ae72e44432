"""The Participants screen: every speaker of every transcript, their attributes and whether they count.

Reached from the Transcripts screen (``p``) and from the Analysis screen (``e``). Enter edits a
participant's attributes (``rol=regisseur, organisatie=gemeente``; ``NAME=`` removes one), ``x``
marks a speaker as (not) a participant — the moderator is left out of analysis counts — ``l``
loads a participants or transcript-attributes CSV, ``u`` undoes the last change. Each change is
one core call (:mod:`qualcode.analysis.participants`) and one undoable event.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Static

from qualcode.analysis import participants as pt
from qualcode.store import history
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.dialogs import PromptScreen
from qualcode.tui.widgets import chunked


def parse_edit(text: str) -> dict[str, str]:
    """``"rol=regisseur, organisatie=gemeente"`` (comma or semicolon separated) → dict."""
    items = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    return pt.parse_assignments(items)


class ParticipantsScreen(QualcodeScreen):
    """Who is who in each focus group."""

    AREA = "participants"
    HELP_TITLE = "Participants"
    HELP_TEXT = (
        "Every speaker of every transcript (a label such as R3 is local to its transcript) with their "
        "attributes. Enter edits the attributes (rol=regisseur, organisatie=gemeente; NAME= removes one), "
        "x marks a speaker as not a participant (the moderator; not counted in analysis) or back, l loads "
        "a CSV (transcript,speaker,rol,… or transcript,datum,…), u undoes your last change."
    )

    BINDINGS = [
        Binding("enter", "edit", "Edit attributes", id="participants.edit"),
        Binding("x", "toggle", "Participant yes/no", id="participants.toggle"),
        Binding("l", "load", "Load CSV", id="participants.load"),
        Binding("u", "undo", "Undo", id="participants.undo"),
        Binding("f5", "refresh", "Refresh", show=False, id="participants.refresh"),
        Binding("q,escape", "back", "Back", id="participants.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: list[pt.Participant] = []

    def compose(self) -> ComposeResult:
        yield Static(" Participants", classes="title-bar", id="participants-title")
        yield DataTable(id="participants-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("transcript", "speaker", "participant", "attributes"):
            table.add_column(label, key=label)
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        pending = chunked.pending_cursor(table)  # a fill under way still has the cursor's row to add
        keep = pending.row if pending is not None else table.cursor_row
        table.clear()
        self.people = pt.participants(self.project)
        rows = self.people

        def make(i: int, p: pt.Participant) -> tuple[tuple[Text, ...], None]:
            participant = Text("yes" if p.participant else "no", style="" if p.participant else "dim")
            attributes = Text(", ".join(f"{k}={v}" for k, v in p.attributes.items()))
            return (Text(p.transcript), Text(p.speaker), participant, attributes), None

        row = min(keep, len(rows) - 1)
        chunked.add_rows(table, rows, make=make, cursor=Coordinate(row, 0) if row >= 0 else None)
        n_out = sum(1 for p in self.people if not p.participant)
        self.query_one("#participants-title", Static).update(
            Text(f" Participants · {len(self.people)} speakers · {n_out} not counted (moderator)")
        )

    def current(self) -> pt.Participant | None:
        table = self.query_one(DataTable)
        return self.people[table.cursor_row] if self.people and table.row_count else None

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        p = self.current()
        if p is None:
            return
        current = ", ".join(f"{k}={v}" for k, v in p.attributes.items())

        def done(text: str | None) -> None:
            if text is None:
                return
            values = self.core(parse_edit, text)
            if values is None:
                return
            removed = {k: "" for k in p.attributes if k not in values}
            if self.core(
                pt.set_participant, self.project, p.transcript, p.speaker, self.coder, attributes={**removed, **values}
            ):
                self.reload()

        self.app.push_screen(PromptScreen(f"Attributes of {p.transcript} {p.speaker}", current, "rol=regisseur"), done)

    def action_toggle(self) -> None:  # type: ignore[override]  # replaces Textual's generic toggle action on purpose
        p = self.current()
        if (
            p is not None
            and self.core(
                pt.set_participant, self.project, p.transcript, p.speaker, self.coder, participant=not p.participant
            )
            is not None
        ):
            self.reload()

    def action_load(self) -> None:
        def done(path: str | None) -> None:
            if not path:
                return
            report = self.core(pt.load_file, self.project, path.strip(), self.coder)
            if report is not None:
                self.notify(
                    f"loaded {report.kind}: {report.added} added, {report.updated} updated", timeout=4, markup=False
                )
                self.reload()

        self.app.push_screen(
            PromptScreen("Load participants or transcript attributes (CSV)", "", "deelnemers.csv"), done
        )

    def action_undo(self) -> None:
        event = self.core(history.undo, self.project, self.coder)
        if event:
            self.notify(f"undone: {event['summary']}", timeout=3, markup=False)
            self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
