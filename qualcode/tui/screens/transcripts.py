"""The Transcripts screen: every transcript with lines, speakers, this coder's codings and done-status."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from qualcode.corpus import transcripts
from qualcode.tui.base import QualcodeScreen


class TranscriptsScreen(QualcodeScreen):
    """Pick a transcript to code; import new ones."""

    AREA = "transcripts"
    HELP_TITLE = "Transcripts"
    HELP_TEXT = (
        "Every transcript in the project with its line count, speakers, your codings and whether you "
        "marked it done. Enter opens it in the Coding screen; i imports files; p shows the participants; "
        "R re-imports a corrected version of the selected transcript, showing where every coding goes "
        "before anything changes."
    )

    BINDINGS = [
        Binding("enter", "open", "Open", id="transcripts.open"),
        Binding("i", "import", "Import", id="transcripts.import"),
        Binding("R", "reimport", "Re-import corrected", show=False, id="transcripts.reimport"),
        Binding("p", "app.open_screen('participants')", "Participants", show=False, id="transcripts.participants"),
        Binding("f5", "refresh", "Refresh", show=False, id="transcripts.refresh"),
        Binding("q", "app.quit", "Quit", id="transcripts.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="transcripts-title", classes="title-bar")
        yield DataTable(id="transcripts-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("transcript", key="name")
        table.add_column("lines", key="lines")
        table.add_column("speakers", key="speakers")
        table.add_column("my codings", key="codings")
        table.add_column("done", key="done")
        table.add_column("other coders", key="others")
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        rows = transcripts.overview(self.project)
        for r in rows:
            mine = r["coders"].get(self.coder, {"codings": 0, "done": False})
            others = sum(1 for c in r["coders"] if c != self.coder)
            speakers = r["speakers"]
            table.add_row(
                Text(r["name"]),
                str(r["lines"]),
                Text(f"{len(speakers)}: {', '.join(speakers[:6])}{'…' if len(speakers) > 6 else ''}"),
                str(mine["codings"]),
                "✓ done" if mine["done"] else "",
                str(others) if others else "",
                key=r["name"],
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self.query_one("#transcripts-title", Static).update(
            Text(
                f" {self.qapp.project_path.name} · coder {self.coder} · {len(rows)} transcripts"
                + ("" if rows else " · press i to import")
            )
        )

    def selected_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        name = self.selected_name()
        if name:
            self.qapp.open_transcript(name)

    def action_import(self) -> None:
        from qualcode.tui.screens.import_files import ImportScreen

        def done(names: list[str] | None) -> None:
            if names:
                self.notify(f"imported {', '.join(names)}", timeout=4, markup=False)
                self.reload()

        self.app.push_screen(ImportScreen(), done)

    def action_refresh(self) -> None:
        self.reload()

    def action_reimport(self) -> None:
        """Ask for the corrected file, show the dry run, apply on ``a``."""
        from qualcode.coding import reimport
        from qualcode.tui.dialogs import PromptScreen
        from qualcode.tui.screens.reimport import ReimportReviewScreen

        name = self.selected_name()
        if not name:
            return

        def chosen(path: str | None) -> None:
            if not path or not path.strip():
                return
            planned = self.core(reimport.plan, self.project, name, path.strip())
            if planned is None:
                return
            result, parsed = planned
            current = self.core(transcripts.get, self.project, name)
            if current is None:  # gone meanwhile: core() has said so
                return
            if parsed.sha256 == current.sha256:
                self.notify(f"{path.strip()} holds the same text as {name}; nothing to do", markup=False)
                return

            def decided(apply: bool | None) -> None:
                if apply and self.core(reimport.apply, self.project, result, parsed, self.coder) is not None:
                    counts = result.counts()
                    self.notify(
                        f"re-imported {name}: {counts['moved']} moved, {counts['changed']} to review, "
                        f"{counts['lost']} lost (u in the Coding screen or `qualcode undo` restores the old text)",
                        timeout=6,
                        markup=False,
                    )
                    self.reload()

            self.app.push_screen(ReimportReviewScreen(result), decided)

        self.app.push_screen(
            PromptScreen(f"Corrected file for {name}", placeholder="path/to/corrected.docx", id="reimport-path"), chosen
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "reimport"):
            return True if self.is_mounted and self.query_one(DataTable).row_count else None
        return True
