"""Import transcripts from the Transcripts screen: pick a file or folder, watch the progress bar.

The import runs in a worker thread with its own project connection (all or nothing, as
``qualcode import``); the worker posts progress messages and the dialog updates its bar.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, ProgressBar

from qualcode.corpus import transcripts
from qualcode.tui import jobs
from qualcode.tui.base import qualcode_app
from qualcode.tui.messages import JobDone, JobFailed, JobProgress

# a folder import takes every transcript format except .json/.tsv, which other tools' files share (pick those one by one)
SUFFIXES = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".otr")


def transcript_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path]


class ImportScreen(ModalScreen[list[str] | None]):
    """Returns the names of the imported transcripts, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__(id="import-dialog")
        self.start = start or Path.cwd()
        self.import_worker = None  # the running import (tests wait on it; the DirectoryTree has its own worker)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(
                "Import transcripts (.txt, .md, .docx): type a file or folder and press Enter, or pick one below",
                classes="dialog-title",
            )
            yield Input(placeholder="path to a file or a folder", id="import-path")
            yield DirectoryTree(str(self.start), id="import-tree")
            yield Label("", id="import-status")
            yield ProgressBar(id="import-progress", show_eta=False)

    @on(Input.Submitted, "#import-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start_import(Path(event.value.strip()).expanduser())

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.start_import(Path(event.path))

    def start_import(self, path: Path) -> None:
        if not path.exists():
            self.notify(f"{path}: no such file or folder", severity="error")
            return
        files = transcript_files(path)
        if not files:
            self.notify(f"{path}: no transcript files ({', '.join(SUFFIXES)})", severity="error", markup=False)
            return
        self.query_one("#import-status", Label).update(f"importing {len(files)} file(s)…")
        self.import_worker = self.run_import(files)

    def run_import(self, files: list[Path]):
        coder = qualcode_app(self).coder

        def work(project, progress) -> list[str]:
            parsed = transcripts.parse_files(files, progress=progress)
            transcripts.import_parsed(project, parsed, coder, progress=progress)
            return [p.name for p in parsed]

        return jobs.start(self, "import", work, readonly=False)

    @on(JobProgress)
    def show_progress(self, event: JobProgress) -> None:
        self.query_one(ProgressBar).update(total=event.total, progress=event.done or 0)
        self.query_one("#import-status", Label).update(Text(event.what))

    @on(JobFailed)
    def failed(self, event: JobFailed) -> None:
        self.notify(event.error, severity="error", timeout=8, markup=False)
        self.query_one("#import-status", Label).update("nothing was imported")

    @on(JobDone)
    def finished(self, event: JobDone) -> None:
        self.dismiss(event.result)

    def action_cancel(self) -> None:
        self.dismiss(None)
