"""The Export screen: the same exports and options as ``qualcode export …``, run in a worker with a progress bar.

A form: the kind of export, the output path (default ``exports/…`` as in the CLI,
relative to the folder qualcode was started in) and the options that belong to the
kind. Ctrl+S (or Enter in a field) runs the export in a worker thread that opens its
own read-only project connection and posts progress; the screen shows the written
path, and any warnings (removed control characters, missing template styles, open
privacy findings in quotes that go out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Label, ProgressBar, Select, Static

from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError
from qualcode.exports import ExportJob, ExportOutcome, run
from qualcode.names import path_inside
from qualcode.tui import jobs
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.messages import JobDone, JobFailed, JobProgress

DEFAULT_FOLDER = Path("exports")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default_name: str  # file name in exports/; {name} is the transcript
    suffixes: tuple[str, ...]
    options: tuple[str, ...]  # ids of the option rows shown for this kind


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "docx",
            "Word report (themes, quotes, tables, chart)",
            "qualcode-report.docx",
            (".docx",),
            ("coder", "codes", "transcripts", "layout", "lang", "template", "appendix"),
        ),
        Kind(
            "quotes",
            "Quote table (.xlsx or .csv)",
            "qualcode-quotes.xlsx",
            (".xlsx", ".csv"),
            ("coder", "codes", "transcripts"),
        ),
        Kind(
            "transcript", "Numbered transcript (.docx)", "{name}.docx", (".docx",), ("transcript", "lang", "template")
        ),
        Kind("agreement", "Agreement report (.docx)", "qualcode-agreement.docx", (".docx",), ("coders", "transcripts")),
        Kind("qdpx", "REFI-QDA project (.qdpx)", "qualcode-project.qdpx", (".qdpx",), ()),
        Kind("qdc", "REFI-QDA codebook (.qdc)", "qualcode-codebook.qdc", (".qdc",), ()),
    )
}
OPTION_ROWS = ("coder", "coders", "transcript", "codes", "transcripts", "layout", "lang", "template", "appendix")


class ExportScreen(QualcodeScreen):
    """Export to Word, Excel/CSV and REFI-QDA with the CLI's options."""

    AREA = "export"
    HELP_TITLE = "Export"
    HELP_TEXT = (
        "Choose what to export, check the output path (a relative path is relative to the folder qualcode was "
        "started in; exports/ is created when missing) and the options, then press Ctrl+S or Enter in a field. "
        "Coder: you by default; each choice shows how many quotes it exports (empty: the consensus coder if it has codings, else you). Codes and transcripts: comma-separated "
        "names, empty for all. The progress bar follows the export; the written path is shown when it is done."
    )

    BINDINGS = [
        Binding("ctrl+s", "run_export", "Export", id="export.run", key_display="^s"),
        Binding("f5", "refresh", "Refresh lists", show=False, id="export.refresh"),
        Binding("escape", "back", "Back", id="export.back"),
    ]

    DEFAULT_CSS = """
    ExportScreen #export-form { height: 1fr; padding: 0 1; }
    ExportScreen .export-row { height: auto; margin-bottom: 0; }
    ExportScreen .export-row > Label { width: 16; padding: 1 1 0 0; }
    ExportScreen .export-row > Input, ExportScreen .export-row > Select { width: 1fr; }
    ExportScreen #export-status { height: auto; min-height: 2; padding: 0 1; }
    ExportScreen #export-progress { padding: 0 1; }
    """

    def __init__(self, kind: str = "docx") -> None:
        super().__init__()
        self.kind = kind
        self.running = False
        self.last: ExportOutcome | None = None
        self._auto_path = ""

    # ---------------------------------------------------------------- layout
    def _row(self, key: str, label: str, widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="export-row", id=f"row-{key}")

    def compose(self) -> ComposeResult:
        yield Static(" Export", classes="title-bar", id="export-title")
        with VerticalScroll(id="export-form"):
            yield self._row(
                "kind",
                "Export",
                Select(
                    [(k.label, k.key) for k in KINDS.values()], value=self.kind, allow_blank=False, id="export-kind"
                ),
            )
            yield self._row("out", "Output file", Input(id="export-out"))
            yield self._row("coder", "Coder", Select([], prompt="default (consensus, else you)", id="export-coder"))
            yield Static("", id="export-counts")
            yield self._row(
                "coders", "Coders", Input(placeholder="all who finished (e.g. anna,bram)", id="export-coders")
            )
            yield self._row("transcript", "Transcript", Select([], prompt="choose", id="export-transcript"))
            yield self._row("codes", "Codes", Input(placeholder="all (e.g. werkwijze,samenwerking)", id="export-codes"))
            yield self._row(
                "transcripts", "Transcripts", Input(placeholder="all (e.g. FG1,FG2)", id="export-transcripts")
            )
            yield self._row(
                "layout",
                "Layout",
                Select(
                    [("quotes", "quotes"), ("quotes + quote table section", "both"), ("table", "table")],
                    value="quotes",
                    allow_blank=False,
                    id="export-layout",
                ),
            )
            yield self._row(
                "lang",
                "Language",
                Select([("Nederlands", "nl"), ("English", "en")], prompt="project setting", id="export-lang"),
            )
            yield self._row(
                "template",
                "Template",
                Input(placeholder="your .docx/.dotx with your styles (optional)", id="export-template"),
            )
            yield self._row(
                "appendix", "", Checkbox("Appendix: every transcript with line numbers", id="export-appendix")
            )
            yield Button("Export (Ctrl+S)", variant="primary", id="export-run")
        yield ProgressBar(id="export-progress", show_eta=False)
        yield Static("", id="export-status")
        yield Footer()

    AUTO_FOCUS = "#export-kind"  # focused as the screen shows: one restyle of the form, not two

    def on_mount(self) -> None:
        self._kind_changed()  # the lists come with reload(), when the screen is shown

    def reload(self) -> None:
        if not self.is_mounted:
            return
        counts = codings.count_by_coder(self.project)
        coder = self.query_one("#export-coder", Select)
        value = coder.value
        coder.set_options([(f"{c} ({n} quotes)", c) for c, n in counts.items()])  # by name, as counted
        if isinstance(value, str) and value in counts:
            coder.value = value
        elif self.coder in counts:  # the default is you, not the consensus coder (issue 18)
            coder.value = self.coder
        self._show_counts(counts)
        names = [t.name for t in transcripts.all_rows(self.project)]
        select = self.query_one("#export-transcript", Select)
        value = select.value
        select.set_options([(n, n) for n in names])
        if isinstance(value, str) and value in names:
            select.value = value
        elif names and not isinstance(value, str):
            select.value = names[0]

    def _show_counts(self, counts: dict[str, int]) -> None:
        """How many quotes each coder choice exports (all codes and transcripts)."""
        parts = [f"{c}: {n}" for c, n in sorted(counts.items())]
        line = "quotes per coder: " + (", ".join(parts) if parts else "no codings yet")
        if self.coder not in counts:
            line += f" · you ({self.coder}) have none"
        self.query_one("#export-counts", Static).update(Text(line, style="dim"))

    # ------------------------------------------------------------------ form
    def default_path(self) -> str:
        kind = KINDS[self.kind]
        name = self.query_one("#export-transcript", Select).value
        filename = kind.default_name.format(name=name if isinstance(name, str) else "transcript")
        try:
            return str(path_inside(DEFAULT_FOLDER, filename))  # a transcript name is user text
        except InputError:
            return str(DEFAULT_FOLDER / kind.default_name.format(name="transcript"))

    def _kind_changed(self) -> None:
        kind = KINDS[self.kind]
        for key in OPTION_ROWS:
            self.query_one(f"#row-{key}").display = key in kind.options
        out = self.query_one("#export-out", Input)
        if not out.value or out.value == self._auto_path:
            self._auto_path = out.value = self.default_path()
        self.query_one("#export-title", Static).update(Text(f" Export · {kind.label}"))

    @on(Select.Changed, "#export-kind")
    def kind_selected(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.kind = event.value
            self._kind_changed()

    @on(Select.Changed, "#export-transcript")
    def transcript_selected(self) -> None:
        if self.kind == "transcript":
            self._kind_changed()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run_export()

    @on(Button.Pressed, "#export-run")
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run_export()

    def job(self) -> ExportJob:
        def text(key: str) -> str | None:
            value = self.query_one(f"#export-{key}", Input).value.strip()
            return value or None

        def choice(key: str) -> str | None:
            value = self.query_one(f"#export-{key}", Select).value
            return value if isinstance(value, str) else None

        out = text("out")
        if out is None:
            raise InputError("give the output file")
        template = text("template")
        return ExportJob(
            kind=self.kind,
            out=Path(out).expanduser(),
            current_coder=self.coder,
            coder=choice("coder"),
            coders=text("coders"),
            transcript=choice("transcript"),
            codes=text("codes"),
            transcripts=text("transcripts"),
            layout=choice("layout") or "quotes",
            lang=choice("lang"),
            template=Path(template).expanduser() if template else None,
            appendix=self.query_one("#export-appendix", Checkbox).value,
        )

    # ------------------------------------------------------------- running
    def action_run_export(self) -> None:
        if self.running:
            self.notify("an export is already running", severity="warning")
            return
        job = self.core(self.job)
        if job is None:
            return
        self.running = True
        self.refresh_bindings()
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one("#export-status", Static).update(Text(f"exporting to {job.out}…"))
        self.export(self.qapp.project_path, job)

    def export(self, path: Path, job: ExportJob) -> None:
        if job.out.parent == DEFAULT_FOLDER:
            DEFAULT_FOLDER.mkdir(exist_ok=True)
        jobs.start(self, "export", lambda project, progress: run(project, job, progress))

    @on(JobProgress)
    def show_progress(self, event: JobProgress) -> None:
        jobs.show_progress(self.query_one(ProgressBar), self.query_one("#export-status", Static), event)

    @on(JobFailed)
    def failed(self, event: JobFailed) -> None:
        self.running = False
        self.refresh_bindings()
        jobs.finish_bar(self.query_one(ProgressBar), False)
        self.query_one("#export-status", Static).update(Text(f"not exported: {event.error}"))
        self.notify(event.error, severity="error", timeout=8, markup=False)

    @on(JobDone)
    def finished(self, event: JobDone) -> None:
        self.running = False
        self.refresh_bindings()
        outcome = self.last = event.result
        jobs.finish_bar(self.query_one(ProgressBar), True)
        where = outcome.path.resolve()
        warnings = outcome.warnings + ([outcome.privacy] if outcome.privacy else [])
        lines = [f"wrote {where} ({outcome.summary})"] + [f"warning: {w}" for w in warnings]
        self.query_one("#export-status", Static).update(Text("\n".join(lines)))
        self.notify(f"wrote {where}", timeout=6, markup=False)
        for w in warnings:
            self.notify(w, severity="warning", timeout=8, markup=False)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_export" and self.running:
            return None
        return True
