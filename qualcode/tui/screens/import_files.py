"""Import transcripts from the Transcripts screen: pick a file or folder, watch the progress bar.

The import runs in a worker thread with its own project connection (all or nothing, as
``qualcode import``); the worker posts progress messages and the dialog updates its bar.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, ProgressBar

from qualcode.corpus import transcripts
from qualcode.errors import QualcodeError
from qualcode.store.project import Project

# a folder import takes every transcript format except .json/.tsv, which other tools' files share (pick those one by one)
SUFFIXES = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".otr")


def transcript_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path]


class ImportScreen(ModalScreen[list[str] | None]):
    """Returns the names of the imported transcripts, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    class Progress(Message):
        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

    class Finished(Message):
        def __init__(self, names: list[str] | None, error: str | None = None) -> None:
            super().__init__()
            self.names, self.error = names, error

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

    @work(thread=True, exclusive=True)
    def run_import(self, files: list[Path]) -> None:
        def progress(done: int, total: int, what: str) -> None:
            self.post_message(self.Progress(done, total, what))

        try:
            parsed = transcripts.parse_files(files, progress=progress)
            project = Project.open(self.app.project_path)
            try:
                transcripts.import_parsed(project, parsed, self.app.coder, progress=progress)
            finally:
                project.close()
        except QualcodeError as e:
            self.post_message(self.Finished(None, str(e)))
            return
        self.post_message(self.Finished([p.name for p in parsed]))

    @on(Progress)
    def show_progress(self, event: Progress) -> None:
        self.query_one(ProgressBar).update(total=event.total, progress=event.done)
        self.query_one("#import-status", Label).update(event.what)

    @on(Finished)
    def finished(self, event: Finished) -> None:
        if event.error:
            self.notify(event.error, severity="error", timeout=8)
            self.query_one("#import-status", Label).update("nothing was imported")
            return
        self.dismiss(event.names)

    def action_cancel(self) -> None:
        self.dismiss(None)
