"""The Summaries screen: the summary grid — themes down, transcripts across — and an editor per cell.

Each row is a theme (subthemes indented); the "theme" column holds the theme's own
summary, each transcript column the count of the coder's quotes in that cell and the
start of the author's summary for theme × transcript. Enter opens :class:`SummaryEditor`:
a multi-line ``TextArea`` with the cell's quotes beside it; ctrl+s saves (one undoable
event, :func:`qualcode.coding.summaries.set_by_id`), Esc cancels. An empty text removes
the summary. The Word export opens each theme with its summary (``--summary-grid`` adds the grid).
With more than :data:`TRANSPOSE_AT` transcripts the grid is transposed (transcripts down the side,
a first row with the themes' own summaries): a DataTable draws every column of each row it shows,
and 1,000 transcript columns took seconds to draw.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static, TextArea

from qualcode.coding import codings, quotes, summaries
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.widgets import chunked

THEME_COLUMN = "theme-summary"
TRANSPOSE_AT = 40  # more transcripts than this: transcripts become rows, themes columns


def _short(text: str, width: int = 28) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class SummaryEditor(ModalScreen[str | None]):
    """Edit one summary: a TextArea, the cell's quotes beside it; returns the text (ctrl+s) or None (Esc)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="summary.save", key_display="^s"),
        Binding("escape", "cancel", "Cancel", id="summary.cancel"),
    ]

    def __init__(self, title: str, text: str, quote_rows: list[dict]) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.quote_rows = quote_rows

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-dialog"):
            yield Static(Text(self.title_text), id="summary-title", classes="title-bar")
            with Horizontal(id="summary-body"):
                yield TextArea(self.text, id="summary-text", soft_wrap=True, show_line_numbers=False)
                with VerticalScroll(id="summary-quotes"):
                    if not self.quote_rows:
                        yield Static("no quotes in this cell")
                    for q in self.quote_rows:
                        yield Static(Text(f"{q['citation']}  {q['text']}"), classes="summary-quote")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SummariesScreen(QualcodeScreen):
    """Themes × transcripts: quote counts and the author's summaries; Enter edits a cell."""

    AREA = "summaries"
    HELP_TITLE = "Summaries"
    HELP_TEXT = (
        "The summary grid: one row per theme, the theme's own summary in the first column and one "
        "column per transcript with the number of your quotes there and your summary of them. "
        "Enter edits the summary of the cell under the cursor (ctrl+s saves, Esc cancels); "
        "an empty text removes it. With many transcripts they run down the side, themes across, and the "
        "first row holds each theme's own summary. The Word report opens each theme with its summary."
    )

    BINDINGS = [
        Binding("enter", "edit", "Edit summary", id="summaries.edit"),
        Binding("f5", "refresh", "Refresh", show=False, id="summaries.refresh"),
        Binding("q,escape", "back", "Back", id="summaries.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grid: dict = {}

    def compose(self) -> ComposeResult:
        yield Static(" Summaries", classes="title-bar", id="summaries-title")
        yield DataTable(id="summaries-table", cursor_type="cell", zebra_stripes=True)
        yield Static(id="summaries-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()  # reload() runs when the screen is shown

    def transposed(self) -> bool:
        """Transcripts down the side when there are many (a DataTable draws every column of a row it shows)."""
        return len(self.grid.get("transcripts", ())) > TRANSPOSE_AT

    def _cell_text(self, code: dict, transcript: dict) -> Text:
        n = self.grid["counts"].get((code["id"], transcript["id"]), 0)
        text = self.grid["summaries"].get((code["id"], transcript["id"]), "")
        return Text(f"{n} · {_short(text, 18)}" if text else (str(n) if n else ""))

    def reload(self) -> None:
        if not self.is_mounted:
            return
        grid = self.core(summaries.grid, self.project, self.coder)
        if grid is None:
            return
        self.grid = grid
        table = self.query_one(DataTable)
        cursor = chunked.pending_cursor(table) or table.cursor_coordinate  # a fill under way keeps its cursor
        chunked.stop(table)  # a transposed fill under way must not go on adding its rows to a plain grid
        table.clear(columns=True)
        if self.transposed():
            self._fill_transposed(table, cursor)
        else:
            table.add_column("theme", key="theme")
            table.add_column("summary", key=THEME_COLUMN)
            for t in grid["transcripts"]:
                table.add_column(t["name"], key=str(t["id"]))
            for c in grid["codes"]:
                cells = [Text("  " * c["depth"] + c["title"]), Text(_short(grid["summaries"].get((c["id"], None), "")))]
                cells += [self._cell_text(c, t) for t in grid["transcripts"]]
                table.add_row(*cells, key=str(c["id"]))
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        self._show_detail()

    def _fill_transposed(self, table: DataTable, cursor: Coordinate) -> None:
        """Themes across, a first row with each theme's own summary, then one row per transcript (a chunk of
        rows per frame: a thousand transcripts)."""
        grid = self.grid
        table.add_column("transcript", key="transcript")
        for c in grid["codes"]:
            table.add_column(Text("  " * c["depth"] + c["title"]), key=str(c["id"]))
        own = [Text(_short(grid["summaries"].get((c["id"], None), ""), 18)) for c in grid["codes"]]
        table.add_row(Text("summary", style="bold"), *own, key=THEME_COLUMN)

        def make(i: int, t: dict) -> tuple[list[Text], str]:
            return [Text(t["name"]), *[self._cell_text(c, t) for c in grid["codes"]]], str(t["id"])

        chunked.add_rows(table, grid["transcripts"], make=make, cursor=cursor)

    def cell(self) -> tuple[dict, dict | None] | None:
        """(code, transcript or None for the theme's own summary) under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count or not self.grid:
            return None
        row, column = table.cursor_coordinate
        if self.transposed():
            if not self.grid["codes"]:
                return None
            code = self.grid["codes"][max(column, 1) - 1]
            return code, None if row == 0 else self.grid["transcripts"][row - 1]
        code = self.grid["codes"][row]
        if column <= 1:
            return code, None
        return code, self.grid["transcripts"][column - 2]

    @on(DataTable.CellHighlighted)
    def highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        where = self.cell()
        detail = self.query_one("#summaries-detail", Static)
        if where is None:
            detail.update("no themes yet: load a codebook")
            return
        code, transcript = where
        key = (code["id"], transcript["id"] if transcript else None)
        text = self.grid["summaries"].get(key, "")
        label = code["title"] + (f" × {transcript['name']}" if transcript else "")
        detail.update(Text(f"{label}\n{text or '(no summary yet: Enter to write one)'}"))

    @on(DataTable.CellSelected)
    def selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        where = self.cell()
        if where is None:
            return
        code, transcript = where
        key = (code["id"], transcript["id"] if transcript else None)
        found = self.core(
            codings.list_codings,
            self.project,
            coder=self.coder,
            code=code["name"],
            transcript=transcript["name"] if transcript else None,
        )
        rows = quotes.quote_rows(self.project, found or [])
        label = code["title"] + (f" × {transcript['name']}" if transcript else "")

        def done(text: str | None) -> None:
            if text is None:
                return
            if self.core(summaries.set_by_id, self.project, key[0], key[1], text, self.coder, label):
                self.notify(f"summary of {label} saved", timeout=2, markup=False)
            self.reload()

        self.app.push_screen(SummaryEditor(f" Summary · {label}", self.grid["summaries"].get(key, ""), rows), done)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
