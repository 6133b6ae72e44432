"""The Audit screen: what anonymisation missed, line by line; Enter jumps to the line, a accepts a false positive.

The audit runs in a worker with its own project connection: first it loads deduce (the
optional extra; its first start builds lookup tables for over a minute, so the progress
bar pulses meanwhile), then it scans the transcripts and stores the findings
(:func:`qualcode.corpus.privacy.audit`). Without deduce a notice says that name and place
detection needs ``qualcode[privacy]``; our own patterns still run.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, ProgressBar, Static

from qualcode.corpus import privacy, transcripts
from qualcode.errors import QualcodeError
from qualcode.tui import jobs
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.messages import JobDone, JobFailed, JobProgress

STATUS_STYLE = {"open": "bold red", "accepted": "dim green"}


def audit_job(project, coder: str, progress) -> dict:
    """The worker's work: load deduce when it is installed (slow the first time), then audit every transcript."""
    if privacy.deduce_available():
        progress(
            None, None, "loading deduce for names and places (the first start builds lookup tables: over a minute)…"
        )
        try:
            privacy.load_deduce()
        except ImportError as e:
            raise QualcodeError(f"cannot load deduce ({e}); {privacy.NEEDS_EXTRA}") from None
        except Exception as e:  # deduce is third-party code: its failure must not take the workbench down
            raise QualcodeError(f"the audit failed: {type(e).__name__}: {e}") from None
    else:
        progress(None, None, "scanning with our patterns…")
    return privacy.audit(project, None, coder=coder, progress=lambda d, t, what: progress(d, t, f"scanned {what}"))


class AuditScreen(QualcodeScreen):
    """Privacy findings in the transcripts: review, accept false positives, jump to the line."""

    AREA = "audit"
    HELP_TITLE = "Privacy audit"
    HELP_TEXT = (
        "r scans every transcript for e-mail addresses, phone numbers, BSN numbers, postcodes, URLs, dates and "
        "ages (our patterns) and, with the optional extra qualcode[privacy] (deduce), person names, places and "
        "institutions. Bracketed placeholders such as [NAAM COLLEGA] count as anonymised. Findings are stored: "
        "a marks the highlighted one as accepted (a false positive; remembered across runs), A accepts every "
        "finding with the same text, o reopens it, f shows only open findings or all. Enter opens the line in "
        "the Coding screen. Exports warn about open findings in quotes that go out."
    )

    BINDINGS = [
        Binding("r", "run_audit", "Run audit", id="audit.run"),
        Binding("enter", "open", "Go to line", id="audit.open"),
        Binding("a", "accept", "Accept (false positive)", id="audit.accept"),
        Binding("A", "accept(True)", "Accept same text everywhere", show=False, id="audit.accept_same"),
        Binding("o", "reopen", "Reopen", id="audit.reopen"),
        Binding("f", "toggle_filter", "Open only / all", id="audit.filter"),
        Binding("f5", "refresh", "Refresh", show=False, id="audit.refresh"),
        Binding("q,escape", "back", "Back", id="audit.back"),
    ]

    DEFAULT_CSS = """
    AuditScreen #audit-notice { height: auto; color: $warning; padding: 0 1; }
    AuditScreen #audit-status { height: auto; padding: 0 1; }
    AuditScreen #audit-progress { padding: 0 1; }
    AuditScreen #audit-table { height: 1fr; }
    AuditScreen #audit-detail { height: 5; border-top: hkey $panel-lighten-2; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[dict] = []
        self.open_only = False
        self.running = False

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(" Privacy audit", classes="title-bar", id="audit-title")
        yield Static("", id="audit-notice")
        yield ProgressBar(id="audit-progress", show_eta=False)
        yield Static("", id="audit-status")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (
            ("citation", "citation"),
            ("kind", "kind"),
            ("text", "text"),
            ("status", "status"),
            ("found by", "detector"),
        ):
            table.add_column(label, key=key)
        if not privacy.deduce_available():
            self.query_one("#audit-notice", Static).update(Text(f"note: {privacy.NEEDS_EXTRA}"))
        else:
            self.query_one("#audit-notice", Static).display = False
        audited = privacy.has_audited(self.project)
        self.query_one("#audit-status", Static).update(
            "press r to run the audit" if not audited else "stored findings of the last audit; r runs it again"
        )
        table.focus()
        self.reload()

    # ------------------------------------------------------------------ data
    def reload(self, keep: int | None = None) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        if keep is None:
            keep = table.cursor_row if table.row_count else 0
        found = self.core(privacy.list_findings, self.project, status="open" if self.open_only else None)
        self.findings = found or []
        table.clear()
        for f in self.findings:
            table.add_row(
                Text(f["citation"]),
                Text(f["kind"]),
                Text(f["text"]),
                Text(f["status"], style=STATUS_STYLE.get(f["status"], "")),
                Text(f["detector"]),
                key=str(f["id"]),
            )
        if self.findings:
            table.move_cursor(row=min(keep, len(self.findings) - 1))
        n_open = sum(f["status"] == "open" for f in self.findings)
        shown = "open findings" if self.open_only else f"{len(self.findings)} findings, {n_open} open"
        self.query_one("#audit-title", Static).update(Text(f" Privacy audit · {shown}"))
        self._show_detail()
        self.refresh_bindings()

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.findings or not table.row_count:
            return None
        return self.findings[min(table.cursor_row, len(self.findings) - 1)]

    def _show_detail(self) -> None:
        f = self.current()
        detail = self.query_one("#audit-detail", Static)
        if f is None:
            detail.update("no findings" if not self.open_only else "no open findings")
            return
        raw = transcripts.raw_line(self.project, f["transcript"], f["line"]) or ""
        line = Text(f"{f['citation']} {f['kind']}: ")
        if raw and 0 <= f["start"] < f["end"] <= len(raw):
            line.append(raw[: f["start"]])
            line.append(raw[f["start"] : f["end"]], style="reverse")
            line.append(raw[f["end"] :])
        else:
            line.append(f["text"])
        if f["status"] == "accepted" and f.get("decided_by"):
            line.append(f"\naccepted by {f['decided_by']}", style="dim")
        detail.update(line)

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # --------------------------------------------------------------- running
    def action_run_audit(self) -> None:
        if self.running:
            return
        self.running = True
        self.refresh_bindings()
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.run_audit(self.qapp.project_path, self.coder)

    def run_audit(self, path, coder: str) -> None:
        jobs.start(self, "audit", lambda project, progress: audit_job(project, coder, progress), readonly=False)

    @on(JobProgress)
    def show_progress(self, event: JobProgress) -> None:
        jobs.show_progress(self.query_one(ProgressBar), self.query_one("#audit-status", Static), event)

    @on(JobFailed)
    def failed(self, event: JobFailed) -> None:
        self.running = False
        jobs.finish_bar(self.query_one(ProgressBar), False)
        self.query_one("#audit-status", Static).update(Text(f"the audit did not run: {event.error}"))
        self.notify(event.error, severity="error", timeout=8, markup=False)
        self.refresh_bindings()

    @on(JobDone)
    def finished(self, event: JobDone) -> None:
        self.running = False
        result = event.result
        jobs.finish_bar(self.query_one(ProgressBar), True)
        n = len(result["findings"])
        n_open = sum(f["status"] == "open" for f in result["findings"])
        self.query_one("#audit-status", Static).update(
            Text(
                f"audited {len(result['transcripts'])} transcripts with {', '.join(result['detectors'])}: "
                f"{n} findings, {n_open} open"
            )
        )
        for note in result["notes"]:
            self.notify(note, severity="warning", timeout=6, markup=False)
        self.reload(keep=0)

    # ------------------------------------------------------------- decisions
    def _decide(self, fn, verb: str, same_text: bool = False) -> None:
        f = self.current()
        if f is None:
            return
        row = self.query_one(DataTable).cursor_row
        changed = self.core(fn, self.project, [f["id"]], self.coder, same_text=same_text)
        if changed is None:
            return
        what = f"{len(changed)} findings" if len(changed) > 1 else f"{f['citation']} {f['text']!r}"
        self.notify(f"{verb} {what}", timeout=2)
        self.reload(keep=row)

    def action_accept(self, same_text: bool = False) -> None:
        self._decide(privacy.accept, "accepted", same_text)

    def action_reopen(self) -> None:
        self._decide(privacy.reopen, "reopened")

    def action_open(self) -> None:
        f = self.current()
        if f is not None:
            self.qapp.open_transcript(f["transcript"], f["line"])

    def action_toggle_filter(self) -> None:
        self.open_only = not self.open_only
        self.reload(keep=0)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "reopen", "open"):
            f = self.current() if self.is_mounted else None
            if f is None:
                return None
            if action == "accept" and not parameters and f["status"] == "accepted":
                return None
            if action == "reopen" and f["status"] != "accepted":
                return None
        if action == "run_audit" and self.running:
            return None
        return True
