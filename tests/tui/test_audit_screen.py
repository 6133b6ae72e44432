"""Pilot tests of the Audit screen: run the audit, accept a false positive, jump to the line."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static
from tui_helpers import CODER, SIZE

from qualcode.corpus import privacy, transcripts
from qualcode.corpus.ingest import parse_text
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.screens.audit import AuditScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

PLANTED = (
    "M: Welkom. Alles wordt geanonimiseerd.\n"  # 1
    "R1: Ik werk samen met [NAAM COLLEGA] van [ORGANISATIE].\n"  # 2: placeholders only
    "R1: Bel me gerust op 06-12345678, dat is mijn werknummer.\n"  # 3: a phone number
    "R3: Of mail naar petra.jansen@wijkteam-zuid.nl voor het verslag.\n"  # 4: an e-mail address
    "R2: Dat was op [DATUM], bij [NAAM JEUGDIGE] thuis.\n"  # 5: placeholders only
)


@pytest.fixture(autouse=True)
def no_deduce(monkeypatch):
    monkeypatch.setenv("QUALCODE_NO_DEDUCE", "1")


@pytest.fixture
def audit_project(project_path):
    with Project.open(project_path) as project:
        transcripts.import_parsed(project, [parse_text(PLANTED, name="FG7", source="FG7.txt")], CODER)
    return project_path


def stored(path) -> dict[tuple[int, str], str]:
    with Project.open(path) as project:
        return {(f["line"], f["text"]): f["status"] for f in privacy.list_findings(project, ["FG7"])}


async def open_and_run(app, pilot) -> AuditScreen:
    await pilot.press("f8")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, AuditScreen)
    await pilot.press("r")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_run_accept_reopen_and_jump_to_the_line(audit_project):
    app = create_app(audit_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_and_run(app, pilot)
        assert "qualcode[privacy]" in str(screen.query_one("#audit-notice", Static).render())
        fg7 = [(f["citation"], f["kind"], f["text"]) for f in screen.findings if f["transcript"] == "FG7"]
        assert fg7 == [("(FG7; 3)", "phone", "06-12345678"), ("(FG7; 4)", "email", "petra.jansen@wijkteam-zuid.nl")]
        table = screen.query_one(DataTable)
        assert table.row_count == len(screen.findings)
        assert stored(audit_project) == {(3, "06-12345678"): "open", (4, "petra.jansen@wijkteam-zuid.nl"): "open"}
        # accept the e-mail address as a false positive: stored in the project
        table.move_cursor(row=next(i for i, f in enumerate(screen.findings) if f["kind"] == "email"))
        await pilot.press("a")
        await pilot.pause()
        assert stored(audit_project) == {(3, "06-12345678"): "open", (4, "petra.jansen@wijkteam-zuid.nl"): "accepted"}
        assert screen.check_action("accept", ()) is None and screen.check_action("reopen", ()) is True
        # it stays accepted when the audit runs again
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert stored(audit_project)[(4, "petra.jansen@wijkteam-zuid.nl")] == "accepted"
        # f: only open findings
        await pilot.press("f")
        await pilot.pause()
        assert all(f["status"] == "open" for f in screen.findings)
        assert "petra.jansen@wijkteam-zuid.nl" not in [f["text"] for f in screen.findings]
        await pilot.press("f")
        await pilot.pause()
        table.move_cursor(row=next(i for i, f in enumerate(screen.findings) if f["kind"] == "email"))
        await pilot.press("o")
        await pilot.pause()
        assert stored(audit_project)[(4, "petra.jansen@wijkteam-zuid.nl")] == "open"
        # Enter opens the Coding screen at the line of the finding
        table.move_cursor(row=next(i for i, f in enumerate(screen.findings) if f["kind"] == "phone"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript.name == "FG7"
        assert app.screen.query_one(TranscriptView).cursor_line == 3


async def test_stored_findings_show_on_open_and_keys_hidden_without_findings(project_path):
    app = create_app(project_path, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert screen.findings == []
        assert "press r" in str(screen.query_one("#audit-status", Static).render())
        assert screen.check_action("accept", ()) is None and screen.check_action("open", ()) is None
        await pilot.press("a", "o", "enter")
        await pilot.pause()
        assert app.screen is screen


async def test_deduce_is_loaded_in_the_worker_with_a_progress_notice(audit_project, monkeypatch):
    """With the extra present, the worker loads deduce before scanning and its names are listed."""
    monkeypatch.delenv("QUALCODE_NO_DEDUCE")
    loaded = []

    class Annotation:
        def __init__(self, start, end):
            self.start_char, self.end_char, self.tag = start, end, "persoon"

    class FakeDeduce:
        def deidentify(self, text):
            start = text.find("petra")
            return type("Doc", (), {"annotations": [Annotation(start, start + 5)] if start >= 0 else []})()

    def fake_load():
        loaded.append(True)
        return FakeDeduce()

    monkeypatch.setattr(privacy, "deduce_available", lambda: True)
    monkeypatch.setattr(privacy, "load_deduce", fake_load)
    app = create_app(audit_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_and_run(app, pilot)
        assert not screen.query_one("#audit-notice").display
        assert loaded
        assert ("name", "petra") in [(f["kind"], f["text"]) for f in screen.findings]
        assert "deduce" in str(screen.query_one("#audit-status", Static).render())


async def test_a_deduce_that_fails_to_load_is_a_notification(audit_project, monkeypatch):
    def broken():
        raise ImportError("No module named 'deduce'")

    monkeypatch.setattr(privacy, "deduce_available", lambda: True)
    monkeypatch.setattr(privacy, "load_deduce", broken)
    app = create_app(audit_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_and_run(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        assert any("qualcode[privacy]" in n.message for n in app._notifications)
        assert "did not run" in str(screen.query_one("#audit-status", Static).render())
        assert not screen.running and screen.check_action("run_audit", ()) is True
    assert stored(audit_project) == {}


async def test_my_screens_are_in_the_palette_help_lists_their_keys(audit_project):
    from textual.binding import Binding

    from qualcode.tui.commands import QualcodeCommands
    from qualcode.tui.screens.agreement import AgreementScreen
    from qualcode.tui.screens.export import ExportScreen
    from qualcode.tui.screens.help import HelpScreen, binding_rows

    for owner in (AgreementScreen, ExportScreen, AuditScreen):
        for b in Binding.make_bindings(owner.BINDINGS):
            assert b.id and b.description, (owner.__name__, b.key)
    app = create_app(audit_project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = {name: cb for name, cb, _ in QualcodeCommands(app.screen).commands()}
        assert {"screen: agreement", "screen: export", "screen: audit"} <= set(names)
        names["screen: audit"]()
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        names = {name for name, _, _ in QualcodeCommands(app.screen).commands()}
        assert "audit: run audit" in names
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {r[2] for r in binding_rows(app.screen.for_screen)}
        assert {"audit.run", "audit.accept", "audit.open", "app.audit", "app.export", "app.agreement"} <= ids
        await pilot.press("escape", "f7")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
