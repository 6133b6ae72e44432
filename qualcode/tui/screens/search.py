"""Search all transcripts (Ctrl+F): a list of matching lines; Enter opens the line in the Coding screen.

The search itself is a plain function ``(project, query) -> list[SearchHit]`` held by the app as
``app.line_search`` (``create_app(..., line_search=...)``), so a lemma/KWIC search can replace
:func:`simple_search` without touching this screen. It runs in a worker thread with its own
project connection.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Static

from ... import transcripts
from ...project import Project
from ..base import QualcodeScreen

MAX_HITS = 2000


@dataclass(frozen=True)
class SearchHit:
    transcript: str
    n: int
    speaker: str | None
    text: str
    start: int = -1  # character offset of the match in text (-1: unknown)
    length: int = 0


def simple_search(project: Project, query: str) -> list[SearchHit]:
    """Case-insensitive substring search over every transcript's lines (through the core's line reader)."""
    folded = query.casefold().strip()
    if not folded:
        return []
    hits: list[SearchHit] = []
    for t in transcripts.all_rows(project):
        for ln in transcripts.lines(project, t.id):
            pos = (ln["text"] or "").casefold().find(folded)
            if pos >= 0:
                hits.append(SearchHit(t.name, ln["n"], ln["speaker"], ln["text"], pos, len(folded)))
                if len(hits) >= MAX_HITS:
                    return hits
    return hits


class SearchScreen(QualcodeScreen):
    """Find a word in every transcript."""

    AREA = "search"
    HELP_TITLE = "Search all transcripts"
    HELP_TEXT = "Type a word and press Enter; Enter on a hit opens that line in the Coding screen."

    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("ctrl+l", "focus_query", "New search", id="search.focus"),
    ]

    class Done(Message):
        def __init__(self, query: str, hits: list[SearchHit]) -> None:
            super().__init__()
            self.query = query
            self.hits = hits

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Static(" Search all transcripts", classes="title-bar")
        yield Input(placeholder="word or phrase, then Enter", id="search-query")
        yield Static("", id="search-status")
        yield DataTable(id="search-results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("transcript", "line", "speaker", "text")
        self.query_one(Input).focus()

    @on(Input.Submitted, "#search-query")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#search-status", Static).update(" searching…")
        self.run_search(event.value)

    @work(thread=True, exclusive=True)
    def run_search(self, query: str) -> None:
        project = Project.open(self.app.project_path, readonly=True)
        try:
            hits = self.app.line_search(project, query)
        finally:
            project.close()
        self.post_message(self.Done(query, hits))

    @on(Done)
    def show_hits(self, event: Done) -> None:
        self.hits = event.hits
        table = self.query_one(DataTable)
        table.clear()
        for i, h in enumerate(event.hits):
            text = Text(h.text)
            if h.start >= 0:
                text.stylize("bold reverse", h.start, h.start + h.length)
            table.add_row(h.transcript, str(h.n), h.speaker or "", text, key=str(i))
        more = " (first hits only)" if len(event.hits) >= MAX_HITS else ""
        self.query_one("#search-status", Static).update(f" {len(event.hits)} lines with “{event.query}”{more}")
        if event.hits:
            table.focus()

    @on(DataTable.RowSelected, "#search-results")
    def open_hit(self, event: DataTable.RowSelected) -> None:
        event.stop()
        hit = self.hits[int(event.row_key.value)]
        self.app.open_transcript(hit.transcript, hit.n)

    def action_focus_query(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
