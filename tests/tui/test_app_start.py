"""Starting straight in a transcript: the Transcripts screen is underneath when you go back."""

from tui_helpers import CODER, SIZE

from qualcode.tui.app import create_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.transcripts import TranscriptsScreen


async def test_open_in_transcript_then_back_to_transcripts_then_quit(project_path):
    app = create_app(project_path, CODER, "FGT")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert not any(isinstance(s, TranscriptsScreen) for s in app.screen_stack)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)


async def test_unknown_transcript_falls_back_to_the_transcripts_screen(project_path):
    app = create_app(project_path, CODER, "NOPE")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)


def test_a_slow_open_says_what_it_is_doing_before_the_workbench_appears(capsys, monkeypatch):
    """The first open of a day of a large project checks the file and copies the backup (over a second on
    1,000 transcripts): the terminal gets a line saying so instead of staying blank; a quick open prints nothing."""
    import time
    from pathlib import Path

    from qualcode.cli import tui as cli_tui

    class SlowSession:
        project_path = Path("groot.db")

        def __init__(self, seconds):
            self.seconds = seconds

        def open(self):
            time.sleep(self.seconds)
            return "project"

    monkeypatch.setattr(cli_tui, "SLOW_OPEN_S", 0.05)
    assert cli_tui._open_saying_so(SlowSession(0.4)) == "project"
    assert "Opening groot.db: checking the file and making today's backup" in capsys.readouterr().err
    assert cli_tui._open_saying_so(SlowSession(0)) == "project"
    time.sleep(0.1)
    assert capsys.readouterr().err == ""
