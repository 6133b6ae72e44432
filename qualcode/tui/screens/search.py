"""Search all transcripts (Ctrl+F): key words in context, Enter to the line, code a hit's line or turn.

The search itself is a plain function ``(project, query[, lemma=…]) -> list[hit]`` held by the app
as ``app.line_search`` (``create_app(..., line_search=...)``). The default,
:func:`lemma_line_search`, is :func:`qualcode.language.search.line_search` imported inside the worker, so
start-up never imports spaCy. A plain query needs only the lemma lookup table, which the app reads in
a worker after its first paint; a query with punctuation needs spaCy's pipeline, which the app builds in
a worker when this screen opens (the results table shows a loading indicator while a search waits). A hit needs ``transcript, n, speaker, text, start, length``;
``left, match, right, citation`` are used when it has them (the KWIC columns), otherwise they are
cut from ``text``. :func:`simple_search` (SQL-free substring search) stays for tests and fallbacks.

Keys on the results: Enter opens the hit in the Coding screen; 1-9 code the hit's line with the
code that has that hotkey, ``c`` picks the code by name; ``t`` then a digit (or ``c``) codes the
hit's whole speaker turn instead (its first to last non-blank line). Ctrl+T switches between all
word forms (lemma) and exact word forms.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import SupportsInt, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.model import Code
from qualcode.store.project import Project
from qualcode.tui import jobs
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.dialogs import CodePickerScreen
from qualcode.tui.messages import JobDone, JobFailed

MAX_HITS = 2000
CONTEXT = 40


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


def lemma_line_search(project: Project, query: str, *, lemma: bool = True):
    """The app's default: :func:`qualcode.language.search.line_search`, imported here (in the worker thread)."""
    from qualcode.language.search import line_search

    return line_search(project, query, lemma=lemma, limit=MAX_HITS)


def _takes_lemma(fn) -> bool:
    try:
        return "lemma" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def kwic_of(hit) -> tuple[str, str, str]:
    """(left, match, right) of a hit: its own KWIC fields, or cut from its text."""
    left = getattr(hit, "left", None)
    if left is not None:
        return left, hit.match, hit.right
    text = hit.text or ""
    if hit.start < 0:
        return "", "", text[:CONTEXT]
    end = hit.start + hit.length
    left, match, right = text[: hit.start], text[hit.start : end], text[end:]
    if len(left) > CONTEXT:
        left = "…" + left[-CONTEXT + 1 :]
    if len(right) > CONTEXT:
        right = right[: CONTEXT - 1] + "…"
    return left, match, right


def turn_range(project: Project, transcript: str, n: int) -> tuple[int, int]:
    """First and last non-blank line of the speaker turn holding line ``n`` (just ``n`` outside a turn)."""
    t = transcripts.get(project, transcript)
    rows = transcripts.lines(project, t.id)
    turn = next((r["turn"] for r in rows if r["n"] == n), None)
    if not turn:
        return n, n
    ns = [r["n"] for r in rows if r["turn"] == turn and (r["text"] or "").strip()]
    return (min(ns), max(ns)) if ns else (n, n)


class SearchScreen(QualcodeScreen):
    """Find a word (in all its forms) in every transcript, and code what you find."""

    AREA = "search"
    HELP_TITLE = "Search all transcripts"
    HELP_TEXT = (
        'Type a word or a "phrase in quotes" and press Enter. By default every word form counts '
        "(plannen also finds gepland); Ctrl+T switches to exact word forms. The list shows each hit in "
        "context. Enter opens the hit's line in the Coding screen; 1-9 code the hit's line with that "
        "code, c picks a code by name; t followed by 1-9 (or c) codes the hit's whole speaker turn. "
        "Ctrl+L starts a new search (the field is emptied and takes the focus)."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("ctrl+l", "focus_query", "New search", id="search.focus"),
        Binding("ctrl+t", "toggle_lemma", "Word forms / exact", id="search.lemma"),
        Binding("enter", "open_hit", "Open line", id="search.open"),
        *[
            Binding(
                str(k),
                f"code_line({k})",
                "Code line 1-9" if k == 1 else f"Code line {k}",
                id=f"search.code_{k}",
                show=k == 1,
                key_display="1-9" if k == 1 else None,
            )
            for k in range(1, 10)
        ],
        Binding("c", "pick_code", "Pick code", id="search.pick"),
        Binding("t", "turn", "Code whole turn (t, then 1-9 or c)", id="search.turn"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list = []
        self.lemma = True
        self.turn_pending = False
        self.codes: list[Code] = []
        self.searching = False
        self._status = ""

    def compose(self) -> ComposeResult:
        yield Static(" Search all transcripts", classes="title-bar")
        yield Input(placeholder='word or "phrase", then Enter', id="search-query")
        yield Static("", id="search-status")
        yield DataTable(id="search-results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("citation", key="citation")
        table.add_column("speaker", key="speaker")
        table.add_column(Text("left context", justify="right"), key="left", width=CONTEXT)
        table.add_column("match", key="match")
        table.add_column("right context", key="right", width=CONTEXT)
        self.reload()
        self._show_status()
        self.query_one(Input).focus()
        self.qapp.warm_pipeline()  # spaCy for queries with punctuation, while this one is typed

    def reload(self) -> None:
        self.codes = codebook.all_codes(self.project)

    # ---------------------------------------------------------------- search
    @property
    def mode(self) -> str:
        return "all word forms" if self.lemma else "exact word forms"

    def _show_status(self, text: str | None = None) -> None:
        """The line under the query: ``text`` (kept until the next text), else the search mode; the turn hint."""
        if text is not None:
            self._status = text
        status = Text(" " + (self._status or f"{self.mode} (Ctrl+T switches)"))
        if self.turn_pending:
            status.append("  ·  turn: press 1-9 or c (Esc cancels)", style="bold")
        self.query_one("#search-status", Static).update(status)

    @on(Input.Submitted, "#search-query")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start_search(event.value)

    def start_search(self, query: str) -> None:
        self.searching = True
        self.query_one(DataTable).loading = True
        self._show_status(f"searching ({self.mode})…")
        self.run_search(query, self.lemma)

    def run_search(self, query: str, lemma: bool) -> None:
        fn = self.qapp.line_search

        def work(project, progress) -> tuple[str, list, bool]:
            hits = fn(project, query, lemma=lemma) if _takes_lemma(fn) else fn(project, query)
            return query, list(hits), lemma

        jobs.start(self, "search", work)

    @on(JobFailed)
    def show_failure(self, event: JobFailed) -> None:
        self.searching = False
        self.query_one(DataTable).loading = False
        self._show_status(f"search failed: {event.error}")
        self.notify(event.error, severity="error", timeout=6, markup=False)

    @on(JobDone)
    def show_hits(self, event: JobDone) -> None:
        query, hits, lemma = event.result
        self.searching = False
        self.hits = hits
        table = self.query_one(DataTable)
        table.loading = False
        table.clear()
        for i, h in enumerate(hits):
            left, match, right = kwic_of(h)
            citation = getattr(h, "citation", None) or f"{h.transcript} {h.n}"
            table.add_row(
                Text(citation),
                Text(h.speaker or ""),
                Text(left, justify="right", no_wrap=True),
                Text(match, style="bold reverse"),
                Text(right, no_wrap=True),
                key=str(i),
            )
        more = " (first hits only)" if len(hits) >= MAX_HITS else ""
        lines = len({(h.transcript, h.n) for h in hits})
        mode = "all word forms" if lemma else "exact word forms"
        self._show_status(f"{len(hits)} hits in {lines} lines for “{query}” ({mode}){more}")
        if hits:
            table.focus()
        self.refresh_bindings()

    def current_hit(self):
        table = self.query_one(DataTable)
        if not self.hits or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.hits[row] if 0 <= row < len(self.hits) else None

    @on(DataTable.RowSelected, "#search-results")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        assert event.row_key.value is not None  # rows are keyed by their index
        hit = self.hits[int(event.row_key.value)]
        self.qapp.open_transcript(hit.transcript, hit.n)

    def action_open_hit(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.qapp.open_transcript(hit.transcript, hit.n)

    def action_focus_query(self) -> None:
        """A new search: the old text goes (it was appended to before), the field takes the focus."""
        field = self.query_one(Input)
        field.value = ""
        field.focus()

    def action_toggle_lemma(self) -> None:
        self.lemma = not self.lemma
        query = self.query_one(Input).value
        if query.strip():
            self.start_search(query)
        else:
            self._status = ""
            self._show_status()
            self.notify(f"search: {self.mode}", timeout=2)

    # ---------------------------------------------------------------- coding
    def code_for_hotkey(self, key: int) -> Code | None:
        return next((c for c in self.codes if c.hotkey == key), None)

    def code_hit(self, code: Code, *, turn: bool | None = None) -> None:
        """Code the current hit's line (or its whole turn) with ``code`` for this coder."""
        hit = self.current_hit()
        whole_turn = self.turn_pending if turn is None else turn
        self.turn_pending = False
        self._show_status()
        if hit is None:
            return
        first = last = hit.n
        if whole_turn:
            span = self.core(turn_range, self.project, hit.transcript, hit.n)
            if span is None:
                return
            first, last = span
        coding = self.core(codings.apply, self.project, hit.transcript, [(first, last)], code.name, self.coder)
        if coding is not None:
            where = f"{first}" if first == last else f"{first}-{last}"
            self.notify(
                f"coded {code.name}: {hit.transcript} {where}" + (" (whole turn)" if whole_turn else ""), timeout=3
            )

    def action_code_line(self, key: int) -> None:
        code = self.code_for_hotkey(int(key))
        if code is None:
            self.notify(f"no code has hotkey {key}", severity="warning")
            return
        self.code_hit(code)

    def action_pick_code(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        turn = self.turn_pending
        labels = {c.name: f"{c.hotkey or ' '}  {c.name}" for c in self.codes}

        def done(name: str | None) -> None:
            code = next((c for c in self.codes if c.name == name), None) if name else None
            if code is None:
                self.turn_pending = False
                self._show_status()
                return
            self.code_hit(code, turn=turn)

        self.app.push_screen(CodePickerScreen([c.name for c in self.codes], labels, id="code-picker"), done)

    def action_turn(self) -> None:
        self.turn_pending = not self.turn_pending
        self._show_status()

    def action_back(self) -> None:
        if self.turn_pending:
            self.turn_pending = False
            self._show_status()
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("code_line", "pick_code", "turn", "open_hit"):
            if not self.hits or self.searching:
                return False
            if action == "code_line" and parameters:
                return self.code_for_hotkey(int(cast(SupportsInt, parameters[0]))) is not None
        return True
