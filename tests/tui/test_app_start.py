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
