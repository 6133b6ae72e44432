"""The Agreement screen (supervisor mode): per-code agreement, the disagreements behind it, consensus decisions.

The statistics (with their bootstrap intervals) are computed in a worker that opens its
own project connection; the table is coloured by Krippendorff's bands for alpha and by
Landis & Koch for the kappa-like figures. Enter on a code lists its disagreements; each
decision (accept a coder, union, edited range, not coded) is one core call
(:mod:`qualcode.agreement.consensus`) written as the consensus coder's coding, and ``z`` undoes
the last decision. The original coders' codings are never touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, SupportsInt, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from qualcode.agreement import consensus
from qualcode.agreement import units as agreement_data
from qualcode.agreement.results import UNUSED
from qualcode.agreement.stats import AgreementReport, CodeAgreement, Interval, Stat, alpha_band
from qualcode.ranges import format_ranges
from qualcode.store import history
from qualcode.tui import jobs
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.dialogs import ChoiceScreen, PromptScreen
from qualcode.tui.messages import JobDone, JobFailed

if TYPE_CHECKING:
    from qualcode.tui.screens.coding import CodingScreen

OVERALL = "__overall__"  # the summary row: De Vries' pooled kappa and means over codes
RESAMPLES = 1000

BAND_STYLE = {"reliable": "green", "tentative": "yellow", "unreliable": "red"}
# One colour scale for every statistic: green where that statistic's literature accepts the value, yellow
# where it allows tentative conclusions, red below. The bands differ per statistic (explained in F1 help):
ACCEPTED: dict[str, tuple[float, float]] = {
    "alpha": (0.800, 0.667),  # Krippendorff (2004): reliable from .800, tentative from .667
    "kappa": (0.800, 0.600),  # Landis & Koch (1977): almost perfect above .80, substantial above .60
    "ac1": (0.800, 0.600),  # Gwet benchmarks AC1 on the Landis & Koch scale
    "pabak": (0.800, 0.600),  # as kappa (Byrt, Bishop & Carlin 1993)
    "percent": (0.900, 0.800),  # percent agreement: the usual 90% / 80% rule of thumb
}


def stat_style(statistic: str, value: float | None) -> str:
    """The colour of ``value`` on ``statistic``'s accepted bands: green, yellow or red ("" when undefined)."""
    if value is None or statistic not in ACCEPTED:
        return ""
    accepted, tentative = ACCEPTED[statistic]
    if statistic in ("kappa", "ac1", "pabak"):  # Landis & Koch's bounds are inclusive above
        return "green" if value > accepted else "yellow" if value > tentative else "red"
    return "green" if value >= accepted else "yellow" if value >= tentative else "red"


def stat_cell(stat: Stat, style: str | None = None) -> Text:
    """A right-aligned number, or a dim dash when undefined (the reason is in the detail line)."""
    if not stat.defined:
        return Text("–", style="dim", justify="right")
    return Text(stat.format(), style=style or "", justify="right")


def alpha_cell(stat: Stat) -> Text:
    return stat_cell(stat, stat_style("alpha", stat.value if stat.defined else None))


def kappa_cell(stat: Stat, statistic: str = "kappa") -> Text:
    return stat_cell(stat, stat_style(statistic, stat.value if stat.defined else None))


def pct(stat: Stat) -> Text:
    if not stat.defined or stat.value is None:
        return Text("–", style="dim", justify="right")
    return Text(f"{stat.value * 100:.1f}%", justify="right")


def ci_cell(interval: Interval) -> Text:
    """The interval, with a trailing ! when it rests on fewer than 10 transcripts that carry the code."""
    return Text(interval.format() + (" !" if interval.defined and interval.caveat else ""))


def dimmed(cells: list) -> list:
    """The row of a code nobody used: every cell dim, colours dropped (its 1.000s say nothing)."""
    return [Text(cell.plain, style="dim", justify=cell.justify) for cell in cells]


class AgreementScreen(QualcodeScreen):
    """Inter-coder agreement per code, disagreements side by side, and consensus decisions."""

    AREA = "agreement"
    HELP_TITLE = "Agreement (supervisor)"
    HELP_TEXT = (
        "The table shows, per code, line-unit agreement between the coders who finished the transcripts: "
        "n lines, percent and positive agreement, kappa (Cohen's for two coders, Conger's for more) and "
        "Krippendorff's alpha with 95% bootstrap intervals over transcripts, Gwet's AC1, PABAK, Fleiss' kappa, "
        "the AC1 and PABAK intervals and T, the number of transcripts in which the code occurs (! marks an "
        "interval resting on fewer than 10: likely too narrow). The summary row is De Vries' pooled kappa; "
        "its other figures are means over the codes. Codes no coder used are dimmed. Alpha "
        "is green from .800, yellow from .667, red below (Krippendorff); kappa-like figures follow Landis & "
        "Koch: one colour scale for every statistic, each on its own accepted bands (green = accepted, yellow = "
        "tentative, red = below), so the same number can be yellow as kappa and red as alpha: alpha asks more. "
        "A dash is undefined; the line below the table says why. Enter on a code lists its "
        "disagreements; on a disagreement, a/b accept the first/second coder, c picks any coder, u takes "
        "the union, e edits the range, Delete decides 'not coded'. Decisions are saved as the consensus "
        "coder's codings; z undoes the last one. Enter on a disagreement opens its lines."
    )

    BINDINGS = [
        Binding("a", "accept(0)", "Accept 1st", id="agreement.accept_first"),
        Binding("b", "accept(1)", "Accept 2nd", id="agreement.accept_second"),
        Binding("c", "accept_choose", "Accept coder…", show=False, id="agreement.accept_coder"),
        Binding("u", "union", "Union", id="agreement.union"),
        Binding("e", "edit", "Edit range", id="agreement.edit"),
        Binding("delete", "clear", "Not coded", id="agreement.clear", key_display="Del"),
        Binding("z,ctrl+z", "undo", "Undo decision", id="agreement.undo", key_display="z"),
        Binding("o", "open_lines", "Open lines", show=False, id="agreement.open"),
        Binding("f5", "refresh", "Recompute", show=False, id="agreement.refresh"),
        Binding("q,escape", "back", "Back", id="agreement.back"),
    ]

    DEFAULT_CSS = """
    AgreementScreen #agreement-table { height: 1fr; }
    AgreementScreen #agreement-note { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    AgreementScreen #disagreement-table { height: 1fr; }
    AgreementScreen #disagreement-detail { height: 10; border-top: hkey $panel-lighten-2; padding: 0 1; }
    """

    def __init__(self, coders: list[str] | None = None) -> None:
        super().__init__()
        self.wanted_coders = coders
        self.report: AgreementReport | None = None
        self.coders: list[str] = []
        self.code: str | None = None
        self.items: list[agreement_data.Disagreement] = []
        self.computing = False

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(" Agreement · computing…", classes="title-bar", id="agreement-title")
        yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="agreement-note")
        yield Static(" Disagreements · Enter on a code lists them", classes="title-bar", id="disagreement-title")
        yield DataTable(id="disagreement-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="disagreement-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#agreement-table", DataTable)
        for label, key in (
            ("code", "code"),
            ("n", "n"),
            ("a/b/c/d", "counts"),
            ("% agr", "pa"),
            ("pos agr", "pos"),
            ("kappa", "kappa"),
            ("kappa 95% CI", "kappa_ci"),
            ("alpha", "alpha"),
            ("alpha 95% CI", "alpha_ci"),
            ("band", "band"),
            ("AC1", "ac1"),
            ("PABAK", "pabak"),
            ("Fleiss", "fleiss"),
            ("AC1 95% CI", "ac1_ci"),
            ("PABAK 95% CI", "pabak_ci"),
            ("T", "transcripts"),
        ):
            table.add_column(label, key=key)
        dis = self.query_one("#disagreement-table", DataTable)
        for label, key in (("#", "n"), ("citation", "citation"), ("parts", "parts"), ("consensus", "consensus")):
            dis.add_column(label, key=key)
        table.focus()
        self.start_compute()

    # ------------------------------------------------------------- computing
    def start_compute(self) -> None:
        self.computing = True
        self.query_one("#agreement-title", Static).update(" Agreement · computing…")
        self.query_one("#agreement-table", DataTable).loading = True  # something on screen at once (issue 19)
        self.compute(self.qapp.project_path, self.wanted_coders)

    def compute(self, path, coders: list[str] | None) -> None:
        def work(project, progress) -> AgreementReport:
            return agreement_data.compute_report(project, coders=coders, resamples=RESAMPLES)[2]

        jobs.start(self, "agreement", work)

    @on(JobFailed)
    def failed(self, event: JobFailed) -> None:
        self.computing = False
        self.query_one("#agreement-table", DataTable).loading = False
        self.query_one("#agreement-title", Static).update(" Agreement · not available")
        self.query_one("#agreement-note", Static).update(Text(event.error))
        self.notify(event.error, severity="error", timeout=8, markup=False)

    @on(JobDone)
    def computed(self, event: JobDone) -> None:
        self.computing = False
        table = self.query_one("#agreement-table", DataTable)
        table.loading = False
        report = self.report = event.result
        self.coders = list(report.coders)
        self.query_one("#agreement-title", Static).update(
            Text(
                f" Agreement · coders {', '.join(self.coders)} · {len(report.transcripts)} transcripts "
                f"· unit: line · consensus coder: {self.project.consensus_coder}"
            )
        )
        table.clear()
        for name, ca in report.codes.items():
            table.add_row(*self._row(name, ca), key=name)
        if len(report.codes) > 1:
            table.add_row(*self._summary_row(report), key=OVERALL)
        if self.code is not None and self.code in report.codes:
            table.move_cursor(row=table.get_row_index(self.code))
        self._show_note()
        self.refresh_bindings()

    def _row(self, name: str, ca: CodeAgreement) -> list:
        counts = "/".join(str(x) for x in ca.counts) if ca.counts is not None else "–"
        band = alpha_band(ca.alpha.value)
        cells = [
            Text(name),
            Text(str(ca.n_units), justify="right"),
            Text(counts),
            pct(ca.percent_agreement),
            pct(ca.positive_agreement),
            kappa_cell(ca.kappa),
            ci_cell(ca.kappa_ci),
            alpha_cell(ca.alpha),
            ci_cell(ca.alpha_ci),
            Text(band or "–", style=BAND_STYLE.get(band or "", "dim")),
            kappa_cell(ca.ac1, "ac1"),
            kappa_cell(ca.pabak, "pabak"),
            kappa_cell(ca.fleiss),
            ci_cell(ca.intervals["ac1"]),
            ci_cell(ca.intervals["pabak"]),
            Text(str(ca.transcripts_with_code), justify="right"),
        ]
        return cells if ca.used else dimmed(cells)

    def _summary_row(self, report: AgreementReport) -> list:
        s = report.summary
        m = s.means
        band = alpha_band(m["alpha"].value)
        cells = [
            Text("summary"),
            Text(str(s.n_units), justify="right"),
            Text("–"),
            pct(m["percent_agreement"]),
            pct(m["positive_agreement"]),
            kappa_cell(s.pooled_kappa),
            ci_cell(s.pooled_kappa_ci),
            alpha_cell(m["alpha"]),
            Text("–"),
            Text(band or "–", style=BAND_STYLE.get(band or "", "dim")),
            kappa_cell(m["ac1"], "ac1"),
            kappa_cell(m["pabak"], "pabak"),
            kappa_cell(m["fleiss"]),
            Text("–"),
            Text("–"),
            Text(""),
        ]
        for cell in cells:
            cell.stylize("bold")
        return cells

    def current_code(self) -> str | None:
        table = self.query_one("#agreement-table", DataTable)
        if self.report is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key == OVERALL else key

    def _show_note(self) -> None:
        if self.report is None:
            return
        table = self.query_one("#agreement-table", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        note = self.query_one("#agreement-note", Static)
        if key == OVERALL:
            counts = self.report.summary.mean_counts
            note.update(
                Text(
                    "summary: kappa is De Vries' pooled kappa (mean p_o and mean p_e over the codes); the other "
                    f"figures are means over the codes where they are defined (alpha over {counts.get('alpha', 0)}, "
                    f"AC1 over {counts.get('ac1', 0)} of {len(self.report.codes)} codes)"
                )
            )
            return
        ca = self.report.codes.get(key) if key is not None else None
        if ca is None:
            note.update("")
            return
        if not ca.used:
            note.update(Text(f"{UNUSED}: its agreement, AC1 and PABAK of 1.000 say nothing", style="dim"))
            return
        parts = [f"kappa: {ca.kappa_name}'s"]
        if len(self.coders) > 2 and ca.pairwise_kappa:
            parts.append("pairwise kappa: " + ", ".join(f"{k} {v.format()}" for k, v in ca.pairwise_kappa.items()))
        prevalence = ", ".join(f"{c} {v.value * 100:.1f}%" for c, v in ca.prevalence.items() if v.value is not None)
        if prevalence:
            parts.append(f"prevalence: {prevalence}")
        parts.extend(n.text for n in ca.notes if n.kind != "coders")
        note.update(Text(" · ".join(parts)))

    @on(DataTable.RowHighlighted, "#agreement-table")
    def code_highlighted(self) -> None:
        self._show_note()

    @on(DataTable.RowSelected, "#agreement-table")
    def code_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        code = self.current_code()
        if code is None:
            self.notify("choose a code (the overall row has no disagreements of its own)", severity="warning")
            return
        self.show_code(code)
        if self.items:
            self.query_one("#disagreement-table", DataTable).focus()

    # --------------------------------------------------------- disagreements
    def show_code(self, code: str) -> None:
        self.code = code
        self.load_disagreements()

    def load_disagreements(self, keep: int | None = None) -> None:
        if self.code is None:
            return
        found = self.core(agreement_data.disagreements, self.project, self.code, coders=self.coders or None)
        self.items = found or []
        table = self.query_one("#disagreement-table", DataTable)
        table.clear()
        for i, d in enumerate(self.items):
            parts = "; ".join(f"{p.label} {format_ranges(p.ranges)}" for p in d.parts)
            cons = ", ".join(format_ranges(c.ranges) for c in d.consensus) if d.consensus else "–"
            table.add_row(str(i + 1), Text(d.citation), Text(parts), Text(cons), key=str(i))
        if keep is not None and self.items:
            table.move_cursor(row=min(keep, len(self.items) - 1))
        self.query_one("#disagreement-title", Static).update(
            Text(
                f" Disagreements · {self.code} · {len(self.items)}"
                + ("" if self.items else " (the coders agree everywhere on this code)")
            )
        )
        self._show_detail()
        self.refresh_bindings()

    def current(self) -> agreement_data.Disagreement | None:
        table = self.query_one("#disagreement-table", DataTable)
        if not self.items or not table.row_count:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def _show_detail(self) -> None:
        d = self.current()
        detail = self.query_one("#disagreement-detail", Static)
        if d is None:
            detail.update("")
            return
        out = Text()
        out.append(f"{d.citation} · {d.code} · speakers {', '.join(d.speakers) or '–'}\n", style="bold")
        for k, coder in enumerate(d.coders):
            mine = d.codings.get(coder, [])
            ranges = ", ".join(format_ranges(c.ranges) for c in mine) or "not coded"
            key = "ab"[k] if k < 2 else " "
            out.append(f"[{key}] {coder}: {ranges}")
            memos = [c.memo for c in mine if c.memo.strip()]
            if memos:
                out.append(f"  memo: {' | '.join(memos)}", style="italic")
            out.append("\n")
        for p in d.parts:
            out.append(f"  {p.label:<14} {format_ranges(p.ranges)}\n", style="dim")
        cons = ", ".join(format_ranges(c.ranges) for c in d.consensus)
        out.append(f"consensus: {cons or '–'}\n", style="cyan")
        out.append(d.text)
        detail.update(out)

    @on(DataTable.RowHighlighted, "#disagreement-table")
    def disagreement_highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#disagreement-table")
    def disagreement_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_lines()

    # -------------------------------------------------------------- decisions
    def _decide(self, what: str, fn, *args, **kwargs) -> None:
        d = self.current()
        if d is None:
            return
        table = self.query_one("#disagreement-table", DataTable)
        row = table.cursor_row
        made = self.core(fn, self.project, d, *args, by=self.coder, **kwargs)
        if made is None:
            return
        ranges = ", ".join(format_ranges(c.ranges) for c in made) or "not coded"
        self.notify(f"{self.project.consensus_coder}: {d.code} {d.transcript} → {ranges} ({what})", timeout=3)
        self.load_disagreements(keep=row)

    def action_accept(self, index: int) -> None:
        d = self.current()
        if d is None or index >= len(d.coders):
            return
        coder = d.coders[index]
        self._decide(f"accepted {coder}", consensus.accept, coder)

    def action_accept_choose(self) -> None:
        d = self.current()
        if d is None:
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._decide(f"accepted {d.coders[index]}", consensus.accept, d.coders[index])

        self.app.push_screen(
            ChoiceScreen(f"Accept whose coding of {d.citation}?", list(d.coders), id="agreement-choose"), chosen
        )

    def action_union(self) -> None:
        self._decide("union", consensus.union)

    def action_clear(self) -> None:
        self._decide("not coded", consensus.clear)

    def action_edit(self) -> None:
        d = self.current()
        if d is None:
            return
        start = d.consensus[0].ranges if d.consensus else d.ranges

        def entered(value: str | None) -> None:
            if value and value.strip():
                self._decide(f"set {value.strip()}", consensus.set_ranges, value.strip())

        self.app.push_screen(
            PromptScreen(
                f"Consensus lines for {d.code} in {d.transcript} (e.g. 57-64 or 57-60,63)",
                format_ranges(start),
                "57-64",
                id="agreement-edit",
            ),
            entered,
        )

    def action_undo(self) -> None:
        event = self.core(history.undo, self.project, self.project.consensus_coder)
        if event is None:
            return
        self.notify(f"undone: {event['summary']}", timeout=3)
        table = self.query_one("#disagreement-table", DataTable)
        self.load_disagreements(keep=table.cursor_row)

    def action_open_lines(self) -> None:
        d = self.current()
        if d is None:
            return
        first, last = d.ranges[0][0], d.ranges[-1][1]
        self.qapp.open_transcript(d.transcript, first, last)
        coding = cast("CodingScreen", self.app.screen)  # the screen open_transcript just pushed
        coding.show_others = True  # set before the Coding screen mounts: the supervisor sees all coders

    def action_refresh(self) -> None:
        self.start_compute()
        if self.code:
            self.load_disagreements()

    def action_back(self) -> None:
        self.app.pop_screen()

    def reload(self) -> None:
        if self.is_mounted and self.code:
            table = self.query_one("#disagreement-table", DataTable)
            self.load_disagreements(keep=table.cursor_row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "accept_choose", "union", "edit", "clear", "open_lines"):
            d = self.current() if self.is_mounted else None
            if d is None:
                return None
            if action == "accept" and parameters and int(cast(SupportsInt, parameters[0])) >= len(d.coders):
                return None
            if action == "accept_choose" and len(d.coders) <= 2:
                return None
        if action == "refresh" and self.computing:
            return None
        return True
