"""The Quotes screen: all codings of one code across transcripts, with citations; Enter opens the lines.

``p`` marks a quote "in report" (a pick of the current coder, :mod:`qualcode.coding.picks`);
``ctrl+up``/``ctrl+down`` (or ``K``/``J``) move a picked quote within its theme. Picked quotes
are listed first, in report order, numbered in the ``#`` column.

The listing is read in a worker (:func:`quote_listing`, posting ``JobDone``) behind a loading
indicator and added to the table a chunk per frame: a code with 14,000 codings shows at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Input, Select, Static

from qualcode.coding import codebook, codings, picks, quotes
from qualcode.corpus import transcripts
from qualcode.tui import jobs
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.messages import JobDone, JobFailed
from qualcode.tui.widgets import chunked

if TYPE_CHECKING:
    from qualcode.store.project import Project

ALL = "__all__"


class Request(NamedTuple):
    """What the Quotes table lists: a code's codings, filtered."""

    code: str
    transcript: str | None
    coder: str | None
    speaker: str  # casefolded; "" for every speaker
    me: str  # whose picks come first


def quote_listing(project: Project, request: Request) -> list[dict]:
    """The quote rows of ``request`` (core calls only; run in a worker): picks first, in report order."""
    found = codings.list_codings(project, code=request.code, transcript=request.transcript, coder=request.coder)
    rows = quotes.quote_rows(project, found)
    guid = {c.id: c.guid for c in found}
    order = picks.picked_guids(project, request.me)
    for r in rows:
        r["pick"] = order.get(guid[r["id"]])
    rows.sort(key=lambda r: (r["pick"] is None, r["pick"] or 0))
    if request.speaker:
        rows = [r for r in rows if any(request.speaker == s.casefold() for s in r["speakers"])]
    return rows


class QuotesScreen(QualcodeScreen):
    """Quotes per code, filterable by transcript, speaker and coder."""

    AREA = "quotes"
    HELP_TITLE = "Quotes"
    HELP_TEXT = (
        "Pick a code; the table lists every coding of it with its citation and text. Filter by "
        "transcript, coder and speaker. Enter opens the quoted lines in the Coding screen. p puts a quote "
        "in your report (or takes it out); ctrl+up / ctrl+down (K / J) move a picked quote up or down; "
        "`qualcode export docx --picked` then writes only your picks, in this order."
    )

    BINDINGS = [
        Binding("enter", "open", "Open lines", id="quotes.open"),
        Binding("p", "pick", "In report", id="quotes.pick"),
        Binding("ctrl+up,K", "move(-1)", "Move up", id="quotes.move_up", key_display="^↑"),
        Binding("ctrl+down,J", "move(1)", "Move down", id="quotes.move_down", key_display="^↓"),
        Binding("f5", "refresh", "Refresh", show=False, id="quotes.refresh"),
        Binding("q,escape", "back", "Back", id="quotes.back"),
    ]

    def __init__(self, code: str | None = None) -> None:
        super().__init__()
        self.code = code
        self.rows: list[dict] = []
        self._pending: Request | None = None  # the request a worker is answering
        self._generation = 0  # of the newest request; older answers are dropped
        self._focus_table = True  # give the table the focus once it is filled

    def compose(self) -> ComposeResult:
        yield Static(" Quotes", classes="title-bar", id="quotes-title")
        with Horizontal(id="quotes-filters"):
            yield Select([], prompt="code", id="quotes-code", allow_blank=True)
            yield Select([], prompt="all transcripts", id="quotes-transcript")
            yield Select([], prompt="all coders", id="quotes-coder")
            yield Input(placeholder="speaker (e.g. R2)", id="quotes-speaker")
        yield DataTable(id="quotes-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="quote-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="pick")
        table.add_column("citation", key="citation")
        table.add_column("coder", key="coder")
        table.add_column("speakers", key="speakers")
        table.add_column("quote", key="quote")
        codes = codebook.all_codes(self.project)
        select = self.query_one("#quotes-code", Select)
        select.set_options([(Text(c.name), c.name) for c in codes])
        self.query_one("#quotes-transcript", Select).set_options(
            [(Text(t.name), t.name) for t in transcripts.all_rows(self.project)]
        )
        self.query_one("#quotes-coder", Select).set_options([(Text(c), c) for c in codings.coders(self.project)])
        if self.code is None and codes:
            self.code = codes[0].name
        if self.code:
            select.value = self.code
        table.focus()

    def reload(self, *, force: bool = False) -> None:
        """List the code's quotes again, in a worker (a code can have thousands); the table shows a loading
        indicator meanwhile. A request the worker is already answering is not asked twice unless ``force``."""
        if not self.is_mounted or not self.code:
            return
        transcript = self.query_one("#quotes-transcript", Select).value
        coder = self.query_one("#quotes-coder", Select).value
        request = Request(
            self.code,
            transcript if isinstance(transcript, str) else None,
            coder if isinstance(coder, str) else None,
            self.query_one("#quotes-speaker", Input).value.strip().casefold(),
            self.coder,
        )
        if request == self._pending and not force:
            return
        self._pending = request
        self._generation += 1
        generation = self._generation
        table = self.query_one(DataTable)
        self._focus_table = self._focus_table or self.focused is table  # a loading table loses the focus
        table.loading = True
        self.query_one("#quotes-title", Static).update(Text(f" Quotes · {self.code} · loading…"))
        jobs.start(self, "quotes", lambda project, progress: (generation, quote_listing(project, request)))

    @on(JobDone)
    def listed(self, event: JobDone) -> None:
        if event.job != "quotes":
            return
        event.stop()
        generation, rows = event.result
        if generation != self._generation:  # a newer request is under way
            return
        self._pending = None
        keep = self.current()
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        table.loading = False
        self._add_rows(keep["id"] if keep else None)
        self.query_one("#quotes-title", Static).update(Text(f" Quotes · {self.code} · {len(rows)} codings"))
        self._show_detail()
        if self._focus_table:
            self._focus_table = False
            table.focus()

    @on(JobFailed)
    def listing_failed(self, event: JobFailed) -> None:
        if event.job != "quotes":
            return
        event.stop()
        self._pending = None
        self.query_one(DataTable).loading = False
        if self._focus_table:
            self._focus_table = False
            self.query_one(DataTable).focus()
        self.notify(event.error, severity="error", timeout=6)

    def _add_rows(self, keep: int | None) -> None:
        """Fill the table a chunk per frame (thousands of quotes); the cursor goes back to the ``keep`` coding."""
        table = self.query_one(DataTable)
        ranks, rank = [], 0
        for r in self.rows:
            rank += r["pick"] is not None
            ranks.append(rank if r["pick"] is not None else None)

        def make(i: int, r: dict) -> tuple[tuple[Text, ...], str]:
            text = r["text"] if len(r["text"]) <= 200 else r["text"][:199] + "…"
            number = Text("" if ranks[i] is None else str(ranks[i]))
            return (number, Text(r["citation"]), Text(r["coder"]), Text(", ".join(r["speakers"])), Text(text)), str(i)

        at = next((i for i, r in enumerate(self.rows) if r["id"] == keep), None)
        chunked.add_rows(table, self.rows, make=make, cursor=None if at is None else Coordinate(at, 0))

    @on(Select.Changed)
    def filter_changed(self, event: Select.Changed) -> None:
        if event.select.id == "quotes-code":
            self.code = event.value if isinstance(event.value, str) else None
        self.reload()

    @on(Input.Changed, "#quotes-speaker")
    def speaker_changed(self) -> None:
        self.reload()

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_detail(self) -> None:
        row = self.current()
        detail = self.query_one("#quote-detail", Static)
        if row is None:
            detail.update("no codings" if self.code else "choose a code")
            return
        memo = f"\nmemo: {row['memo']}" if row["memo"] else ""
        detail.update(Text(f"{row['citation']} · {row['coder']}\n{row['text']}{memo}"))

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current()
        if row is None:
            return
        first, last = row["ranges"][0]
        self.qapp.open_transcript(row["transcript"], first, last)

    def action_pick(self) -> None:
        """Put the quote in the report, or take it out."""
        row = self.current()
        if row is None:
            return
        now = self.core(picks.toggle, self.project, row["id"], self.coder)
        if now is not None:
            self.notify(f"{row['citation']} {'in' if now else 'out of'} your report", timeout=2, markup=False)
        self.reload(force=True)

    def action_move(self, delta: int) -> None:
        """Move a picked quote up or down among the picks of this theme."""
        row = self.current()
        if row is None or row.get("pick") is None:
            return
        if self.core(picks.move, self.project, row["id"], self.coder, delta):
            self.reload(force=True)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "move" and self.is_mounted:
            row = self.current()
            return None if row is None or row.get("pick") is None else True
        return True

    def action_refresh(self) -> None:
        self.reload(force=True)

    def action_back(self) -> None:
        self.app.pop_screen()
