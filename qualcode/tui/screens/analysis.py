"""The Analysis screen: crosstab, co-occurrence and participants, with every cell opening its quotes.

Tabs Crosstab / Co-occurrence / Participants (keys 1, 2, 3). The tables are heat maps: a
cell's background darkens with its value. Enter on a cell lists the codings behind it
(citation, coder, speakers, quote) below; Enter on a quote opens its lines in the Coding
screen. ``b`` cycles the grouping (speaker, transcript, each attribute), ``n`` the unit
(codings, lines, speakers), ``c`` the coder, ``p`` column percentages, ``w`` same lines /
same turn, ``j`` Jaccard. Tables are computed in a worker (its own project connection) that
posts :class:`AnalysisScreen.Computed` — the crosstab as soon as it is counted, co-occurrence after
it — while each table shows a loading indicator; quotes likewise (:class:`AnalysisScreen.QuotesReady`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from qualcode.analysis import cooccurrence as co
from qualcode.analysis import crosstab as ct
from qualcode.analysis import participants as pt
from qualcode.errors import QualcodeError
from qualcode.store.project import Project
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.widgets import chunked

UNITS = list(ct.UNITS)
WITHIN = list(co.WITHIN)
LOW, HIGH = (235, 242, 250), (8, 69, 148)  # heat map: pale blue → dark blue
MAX_QUOTES = 500
TRANSPOSE_AT = 40  # more groups than this: groups become rows (t switches)


LEVELS = 16


def _heat_style(level: int) -> Style:
    t = 0.15 + 0.85 * level / (LEVELS - 1)
    rgb = tuple(int(lo + (hi - lo) * t) for lo, hi in zip(LOW, HIGH))
    return Style(color="white" if t > 0.5 else "black", bgcolor=f"rgb({rgb[0]},{rgb[1]},{rgb[2]})")


HEAT_STYLES = [_heat_style(level) for level in range(LEVELS)]


def heat(value: float, top: float, text: str) -> Text:
    """A right-aligned cell whose background darkens with ``value / top`` (16 shades)."""
    if not value or top <= 0:
        return Text(text, style="dim", justify="right")
    level = round(min(max(value / top, 0.0), 1.0) * (LEVELS - 1))
    return Text(text, style=HEAT_STYLES[level], justify="right")


@dataclass
class Settings:
    by: str | None = None  # None: the first participant attribute, else speaker
    unit: str = "codings"
    coder: str | None = None
    percent: bool = False
    within: str = "lines"
    jaccard: bool = False
    transpose: bool | None = None  # None: automatic (groups as rows when there are many)


def _import_statistics() -> None:
    """Import scipy's statistics (the crosstab's chi-squared test) in a thread of its own: it takes a second."""
    try:
        import scipy.stats  # noqa: F401
    except ImportError:  # the crosstab reports it when it needs the test
        return


def quote_rows_for(project: Project, ids: list[int]) -> list[dict]:
    """Quote rows (citation, coder, speakers, text, ranges) for coding ids, at most :data:`MAX_QUOTES`."""
    from qualcode.coding import codings, quotes

    return quotes.quote_rows(project, [codings.get(project, i) for i in ids[:MAX_QUOTES]])


class AnalysisScreen(QualcodeScreen):
    """Who said what: codes by group, codes together, participants — drill down to the quotes."""

    AREA = "analysis"
    HELP_TITLE = "Analysis"
    HELP_TEXT = (
        "Crosstab: codes (rows, theme subtotals in bold) by group (columns), counting codings, coded lines or "
        "distinct speakers; the moderator (a non-participant) is not counted. Co-occurrence: pairs of codings "
        "by the same coder that share a line or a turn; the diagonal is the number of codings. With many "
        "groups they run down the side (t transposes). Participants: "
        "speakers with their attributes (e edits them). Darker cells hold more. Enter on a cell lists its "
        "quotes below; Enter on a quote opens its lines."
    )

    BINDINGS = [
        Binding("1", "tab('crosstab')", "Crosstab", id="analysis.crosstab"),
        Binding("2", "tab('cooccurrence')", "Co-occurrence", id="analysis.cooccurrence"),
        Binding("3", "tab('participants')", "Participants", id="analysis.participants"),
        Binding("b", "cycle_by", "Group by", id="analysis.by"),
        Binding("n", "cycle_unit", "Unit", id="analysis.unit"),
        Binding("c", "cycle_coder", "Coder", id="analysis.coder"),
        Binding("p", "toggle_percent", "Percent", id="analysis.percent"),
        Binding("t", "transpose", "Transpose", id="analysis.transpose"),
        Binding("w", "cycle_within", "Within", id="analysis.within"),
        Binding("j", "toggle_jaccard", "Jaccard", id="analysis.jaccard"),
        Binding("e", "edit_participants", "Edit participants", id="analysis.edit_participants"),
        Binding("f5", "refresh", "Recompute", show=False, id="analysis.refresh"),
        Binding("q,escape", "back", "Back", id="analysis.back"),
    ]

    DEFAULT_CSS = """
    AnalysisScreen TabbedContent { height: 2fr; }
    AnalysisScreen TabPane { padding: 0; }
    AnalysisScreen .analysis-table { height: 1fr; }
    AnalysisScreen .analysis-note { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    AnalysisScreen #analysis-quotes { height: 1fr; }
    AnalysisScreen #analysis-quote-detail { height: 4; border-top: hkey $panel-lighten-2; padding: 0 1; }
    """

    class Computed(Message):
        def __init__(self, kind: str, table, error: str | None = None, bys=None, coders=None) -> None:
            super().__init__()
            self.kind, self.table, self.error = kind, table, error
            self.bys, self.coders = bys, coders

    class QuotesReady(Message):
        def __init__(self, title: str, rows: list[dict], total: int) -> None:
            super().__init__()
            self.title, self.rows, self.total = title, rows, total

    def __init__(self) -> None:
        super().__init__()
        self.settings = Settings()
        self.crosstab: ct.Crosstab | None = None
        self.cooc: co.Cooccurrence | None = None
        self.quotes: list[dict] = []
        self.bys: list[str] = ["speaker", "transcript"]
        self.coders: list[str | None] = [None]
        self.participants_stale = True

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(" Analysis", classes="title-bar", id="analysis-title")
        with TabbedContent(id="analysis-tabs", initial="crosstab"):
            with TabPane("Crosstab", id="crosstab"):
                yield DataTable(id="crosstab-table", cursor_type="cell", classes="analysis-table")
                yield Static("", id="crosstab-note", classes="analysis-note")
            with TabPane("Co-occurrence", id="cooccurrence"):
                yield DataTable(id="cooc-table", cursor_type="cell", classes="analysis-table")
                yield Static("", id="cooc-note", classes="analysis-note")
            with TabPane("Participants", id="participants"):
                yield DataTable(
                    id="participants-table", cursor_type="row", zebra_stripes=True, classes="analysis-table"
                )
        yield Static(" Quotes · Enter on a cell lists them", classes="title-bar", id="analysis-quotes-title")
        yield DataTable(id="analysis-quotes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="analysis-quote-detail")
        yield Footer()

    def on_mount(self) -> None:
        quotes = self.query_one("#analysis-quotes", DataTable)
        for label in ("citation", "code", "coder", "speakers", "quote"):
            quotes.add_column(label, key=label)
        people = self.query_one("#participants-table", DataTable)
        for label in ("transcript", "speaker", "participant", "attributes"):
            people.add_column(label, key=label)
        self.query_one("#crosstab-table", DataTable).focus()  # reload() runs when the screen is shown

    def reload(self) -> None:
        """Recompute the tables (groupings and coders come back with them); participants when shown."""
        self.participants_stale = True
        if self.query_one(TabbedContent).active == "participants":
            self._fill_participants()
        self.start_compute()

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "participants" and self.participants_stale:
            self._fill_participants()
        self.refresh_bindings()

    TAB_ACTIONS = {
        "cycle_by": "crosstab",
        "cycle_unit": "crosstab",
        "toggle_percent": "crosstab",
        "transpose": "crosstab",
        "cycle_within": "cooccurrence",
        "toggle_jaccard": "cooccurrence",
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys of another tab are greyed out (None), not hidden."""
        tab = self.TAB_ACTIONS.get(action)
        if tab is None or not self.is_mounted:
            return True
        return True if self.query_one(TabbedContent).active == tab else None

    def _fill_participants(self) -> None:
        self.participants_stale = False
        table = self.query_one("#participants-table", DataTable)
        table.clear()
        rows = [
            (
                (
                    Text(p.transcript),
                    Text(p.speaker),
                    Text("yes" if p.participant else "no", style="" if p.participant else "dim"),
                    Text(", ".join(f"{k}={v}" for k, v in p.attributes.items())),
                ),
                f"{p.transcript}\x00{p.speaker}",
            )
            for p in pt.participants(self.project)
        ]
        chunked.add_rows(table, rows)  # a chunk per frame: thousands of speakers on a large project

    # ------------------------------------------------------------- computing
    def start_compute(self) -> None:
        """Recompute in a worker; both tables show a loading indicator at once until their result is in."""
        self._title("computing…")
        for name in ("#crosstab-table", "#cooc-table"):
            self.query_one(name, DataTable).loading = True
        self.compute(self.qapp.project_path, Settings(**vars(self.settings)))

    @work(thread=True, exclusive=True, group="analysis-compute")
    def compute(self, path, settings: Settings) -> None:
        """The crosstab first (the tab that shows), posted as soon as it is counted; co-occurrence after it."""
        from qualcode.analysis import coded

        worker = get_current_worker()
        wanted = [settings.coder] if settings.coder else None
        warm = threading.Thread(target=_import_statistics, daemon=True)  # scipy loads while the turns are read
        warm.start()
        try:
            project = Project.open(path, readonly=True)
            try:
                coders = [None, *coded.load(project).coders]  # cached: no query over the codings
                p_names, t_names = coded.load(project, wanted).attribute_names()
                bys = ["speaker", "transcript", *p_names, *[n for n in t_names if n not in p_names]]
                by = settings.by if settings.by in bys else (p_names[0] if p_names else "speaker")
                cross = ct.crosstab(project, by, unit=settings.unit, coders=wanted)
                if worker.is_cancelled:  # newer settings: their worker posts
                    return
                self.post_message(self.Computed("crosstab", cross, bys=bys, coders=coders))
                cooc = co.cooccurrence(project, within=settings.within, coders=wanted, jaccard=settings.jaccard)
            finally:
                project.close()
        except QualcodeError as e:
            self.post_message(self.Computed("both", None, str(e)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Computed("cooccurrence", cooc))

    @on(Computed)
    def computed(self, event: Computed) -> None:
        if event.error:
            for name in ("#crosstab-table", "#cooc-table"):
                self.query_one(name, DataTable).loading = False
            self._title("not available")
            self.notify(event.error, severity="error", timeout=8, markup=False)
            return
        if event.bys is not None:
            self.bys, self.coders = event.bys, event.coders
            self.settings.by = event.table.by
        if event.kind == "crosstab":
            self.crosstab = event.table
            self._fill_crosstab()
            self.query_one("#crosstab-table", DataTable).loading = False
            self._title("counting co-occurrence…")
        else:
            self.cooc = event.table
            self._fill_cooc()
            self.query_one("#cooc-table", DataTable).loading = False
            self._title()
        self._refocus()

    TAB_TABLES = {"crosstab": "#crosstab-table", "cooccurrence": "#cooc-table", "participants": "#participants-table"}

    def _refocus(self) -> None:
        """A loading table cannot hold the focus (Textual moves it on): give it back once the table is filled."""
        if isinstance(self.focused, DataTable):
            return
        table = self.query_one(self.TAB_TABLES[self.query_one(TabbedContent).active or "crosstab"], DataTable)
        if table.focusable:
            table.focus()

    def _title(self, status: str = "") -> None:
        s = self.settings
        text = (
            f" Analysis · by {s.by or '…'} · {s.unit}{' %' if s.percent else ''} · coder {s.coder or 'all'} "
            f"· within {s.within}{' · Jaccard' if s.jaccard else ''}"
        )
        self.query_one("#analysis-title", Static).update(Text(text + (f" · {status}" if status else "")))

    def transposed(self) -> bool:
        """Groups down the side when there are many (a DataTable scrolls rows cheaply, not columns)."""
        data = self.crosstab
        auto = data is not None and len(data.columns) > TRANSPOSE_AT
        return auto if self.settings.transpose is None else self.settings.transpose

    def _crosstab_lines(self) -> list[tuple[str, str, list[Text], Text]]:
        """(kind, name, cells per group, total) for every code row and theme subtotal row."""
        data = self.crosstab
        assert data is not None  # filled only once the crosstab came back
        counts = data.counts
        pct = data.percentages() if self.settings.percent else None
        if pct:  # None where a group's base is 0 (a speaker or transcript without codings)
            top = max(max((p for r in pct for p in r if p is not None), default=0), 1)
        else:
            top = max(int(counts.max(initial=0)), 1)
        themes = {t.codes[-1]: t for t in data.themes if t.codes}
        out = []
        for r, name in enumerate(data.rows):
            cells = [self._cell(v, pct[r][i] if pct else None, top) for i, v in enumerate(counts[r].tolist())]
            out.append(("code", name, cells, Text(str(data.row_totals[r]), justify="right")))
            theme = themes.get(name)
            if theme is not None:
                theme_top = max(max(theme.counts, default=0), 1)
                cells = [self._cell(v, None, theme_top) for v in theme.counts]
                out.append(("theme", theme.name, cells, Text("")))
        return out

    def _fill_crosstab(self) -> None:
        table, data = self.query_one("#crosstab-table", DataTable), self.crosstab
        assert data is not None  # filled only once the crosstab came back
        keep = table.cursor_coordinate
        table.clear(columns=True)
        lines = self._crosstab_lines()
        if not self.transposed():
            table.add_column("code", key="code")
            for i, name in enumerate(data.columns):
                table.add_column(Text(name), key=f"g{i}")
            table.add_column("total", key="total")
            for kind, name, cells, total in lines:
                label = Text(f"Σ {name}", style="bold") if kind == "theme" else Text(name)
                table.add_row(label, *cells, total, key=f"{kind}\x00{name}")
        else:
            table.add_column(data.by, key="group")
            for kind, name, _, _ in lines:
                label = Text(f"Σ {name}", style="bold") if kind == "theme" else Text(name)
                table.add_column(label, key=f"{kind}\x00{name}")
            rows = [
                ((Text(group), *[cells[i] for _, _, cells, _ in lines]), f"g{i}")
                for i, group in enumerate(data.columns)
            ]
            chunked.add_rows(table, rows)  # a chunk per frame: 5,000 speakers took seconds to measure at once
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(keep)
        note = []
        if data.chi2:
            c = data.chi2
            note.append(f"chi²({c['dof']}) = {c['chi2']:.2f}, p = {c['p']:.3f}, Cramér's V = {c['cramers_v']:.2f}")
        note += data.notes
        self.query_one("#crosstab-note", Static).update(Text(" · ".join(note)))

    def _cell(self, value: int, percent: float | None, top: float) -> Text:
        if percent is None and self.settings.percent:
            return Text(str(value), style="dim", justify="right")
        if percent is not None:
            return heat(percent, top, f"{value} ({percent:.0f}%)")
        return heat(value, top, str(value))

    def _fill_cooc(self) -> None:
        table, data = self.query_one("#cooc-table", DataTable), self.cooc
        assert data is not None  # filled only once the co-occurrence table came back
        keep = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("code", key="code")
        for name in data.codes:
            table.add_column(Text(name), key=f"c\x00{name}")
        jac = self.settings.jaccard and data.jaccard is not None
        values = data.jaccard if jac and data.jaccard is not None else data.counts
        off = values.copy()
        if len(off):
            off[range(len(off)), range(len(off))] = 0
        top = float(off.max(initial=0)) or 1.0
        for r, name in enumerate(data.codes):
            cells = []
            for c in range(len(data.codes)):
                v = float(values[r, c])
                text = f"{v:.2f}" if jac else str(int(v))
                cells.append(Text(text, style="bold", justify="right") if r == c else heat(v, top, text))
            table.add_row(Text(name), *cells, key=f"c\x00{name}")
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(keep)
        self.query_one("#cooc-note", Static).update(Text(" · ".join(data.notes) or "diagonal: codings of the code"))

    # ------------------------------------------------------------- drill-down
    @on(DataTable.CellSelected, "#crosstab-table")
    def crosstab_cell(self, event: DataTable.CellSelected) -> None:
        event.stop()
        data = self.crosstab
        row_key, col_key = event.cell_key.row_key.value, event.cell_key.column_key.value
        if self.transposed():
            row_key, col_key = col_key, row_key
        if data is None or col_key is None or row_key is None or not col_key.startswith("g") or "\x00" not in row_key:
            return
        kind, name = row_key.split("\x00", 1)
        column = data.columns[int(col_key[1:])]
        ids = data.cell_coding_ids(name, column, theme=kind == "theme")
        self.load_quotes(f"{name} × {column}", ids)

    @on(DataTable.CellSelected, "#cooc-table")
    def cooc_cell(self, event: DataTable.CellSelected) -> None:
        event.stop()
        data = self.cooc
        col_key, row_key = event.cell_key.column_key.value, event.cell_key.row_key.value
        if data is None or col_key == "code" or col_key is None or row_key is None:
            return
        a = row_key.split("\x00", 1)[1]
        b = col_key.split("\x00", 1)[1]
        self.load_quotes(f"{a} × {b}", data.cell_coding_ids(a, b))

    def load_quotes(self, title: str, ids: list[int]) -> None:
        self.query_one("#analysis-quotes-title", Static).update(Text(f" Quotes · {title} · loading…"))
        self.fetch_quotes(self.qapp.project_path, title, ids)

    @work(thread=True, exclusive=True, group="analysis-quotes")
    def fetch_quotes(self, path, title: str, ids: list[int]) -> None:
        project = Project.open(path, readonly=True)
        try:
            rows = quote_rows_for(project, ids)
        finally:
            project.close()
        self.post_message(self.QuotesReady(title, rows, len(ids)))

    @on(QuotesReady)
    def quotes_ready(self, event: QuotesReady) -> None:
        self.quotes = event.rows
        table = self.query_one("#analysis-quotes", DataTable)
        table.clear()
        for i, r in enumerate(event.rows):
            text = r["text"] if len(r["text"]) <= 200 else r["text"][:199] + "…"
            table.add_row(
                Text(r["citation"]),
                Text(r["code"]),
                Text(r["coder"]),
                Text(", ".join(r["speakers"])),
                Text(text),
                key=str(i),
            )
        shown = f" (first {len(event.rows)})" if event.total > len(event.rows) else ""
        n = event.total
        self.query_one("#analysis-quotes-title", Static).update(
            Text(f" Quotes · {event.title} · {n} coding{'s' if n != 1 else ''}{shown} · Enter opens the lines")
        )
        self._show_quote()
        if event.rows:
            table.focus()

    @on(DataTable.RowHighlighted, "#analysis-quotes")
    def quote_highlighted(self) -> None:
        self._show_quote()

    def current_quote(self) -> dict | None:
        table = self.query_one("#analysis-quotes", DataTable)
        if not table.row_count or not self.quotes:
            return None
        return self.quotes[table.cursor_row]

    def _show_quote(self) -> None:
        row = self.current_quote()
        detail = self.query_one("#analysis-quote-detail", Static)
        detail.update(Text(f"{row['citation']} · {row['coder']}\n{row['text']}") if row else "")

    @on(DataTable.RowSelected, "#analysis-quotes")
    def quote_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current_quote()
        if row is not None:
            first, last = row["ranges"][0]
            self.qapp.open_transcript(row["transcript"], first, last)

    @on(DataTable.RowSelected, "#participants-table")
    def participant_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_participants()

    # ---------------------------------------------------------------- actions
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "participants" and self.participants_stale:
            self._fill_participants()
        self.query_one(self.TAB_TABLES[tab], DataTable).focus()

    def _cycle(self, values: list, current):
        return values[(values.index(current) + 1) % len(values)] if current in values else values[0]

    def action_cycle_by(self) -> None:
        self.settings.by = self._cycle(self.bys, self.settings.by)
        self.start_compute()

    def action_cycle_unit(self) -> None:
        self.settings.unit = self._cycle(UNITS, self.settings.unit)
        self.start_compute()

    def action_cycle_coder(self) -> None:
        self.settings.coder = self._cycle(self.coders, self.settings.coder)
        self.start_compute()

    def action_toggle_percent(self) -> None:
        self.settings.percent = not self.settings.percent
        if self.crosstab is not None:
            self._fill_crosstab()
            self._title()

    def action_transpose(self) -> None:
        self.settings.transpose = not self.transposed()
        if self.crosstab is not None:
            self._fill_crosstab()

    def action_cycle_within(self) -> None:
        self.settings.within = self._cycle(WITHIN, self.settings.within)
        self.start_compute()

    def action_toggle_jaccard(self) -> None:
        self.settings.jaccard = not self.settings.jaccard
        self.start_compute()

    def action_edit_participants(self) -> None:
        from qualcode.tui.screens.participants import ParticipantsScreen

        self.app.push_screen(ParticipantsScreen())

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
