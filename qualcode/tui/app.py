"""The workbench app and its one factory, :func:`create_app`, used by the CLI, the tests and the benchmark.

Screens live in :mod:`qualcode.tui.screens`; register a new one in :data:`SCREENS`
(see :mod:`qualcode.tui.base` for the recipe).

The user's config file (:mod:`qualcode.tui.config`) sets the theme, the wrap default and a keymap
(binding id → keys, as posting does): every binding of every screen registered in :data:`SCREENS`
(and of the widgets and dialogs) can be remapped by its id; an entry that cannot be used is one
notification at start-up naming it, and its default stays. Tests build the app without a config.

After the first paint the app reads the lemma lookup table in a worker (``preload_language=True``, as
the CLI does), so the first Ctrl+F search is as fast as the next; the Search screen, when it opens,
has spaCy's pipeline built in a worker too (only queries with punctuation need it), while the query
is typed — a session that never searches never loads spaCy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from qualcode.store.project import Project
from qualcode.tui import config as user_config
from qualcode.tui.commands import QualcodeCommands

# modules whose classes declare bindings besides the screens in SCREENS (for checking keymap ids)
BINDING_MODULES = (
    "qualcode.tui.dialogs",
    "qualcode.tui.screens.help",
    "qualcode.tui.screens.import_files",
    "qualcode.tui.screens.coding",
    "qualcode.tui.widgets.transcript_view",
)

# name → "module:Class" (relative to qualcode.tui.screens); the palette offers "screen: <name>".
SCREENS: dict[str, str] = {
    "transcripts": "transcripts:TranscriptsScreen",
    "codebook": "codebook:CodebookScreen",
    "quotes": "quotes:QuotesScreen",
    "search": "search:SearchScreen",
    "agreement": "agreement:AgreementScreen",
    "export": "export:ExportScreen",
    "audit": "audit:AuditScreen",
    "summaries": "summaries:SummariesScreen",
    "analysis": "analysis:AnalysisScreen",
    "participants": "participants:ParticipantsScreen",
}


class QualcodeApp(App):
    CSS_PATH = "qualcode.tcss"
    TITLE = "qualcode"
    COMMANDS = App.COMMANDS | {QualcodeCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1,question_mark", "help", "All keys", id="app.help", key_display="?"),
        Binding("ctrl+f", "open_screen('search')", "Search all", show=False, id="app.search_all"),
        Binding("f2", "open_screen('transcripts')", "Transcripts", show=False, id="app.transcripts"),
        Binding("f3", "open_screen('codebook')", "Codebook", show=False, id="app.codebook"),
        Binding("f4", "open_screen('quotes')", "Quotes", show=False, id="app.quotes"),
        Binding("f6", "open_screen('agreement')", "Agreement", show=False, id="app.agreement"),
        Binding("f7", "open_screen('export')", "Export", show=False, id="app.export"),
        Binding("f8", "open_screen('audit')", "Privacy audit", show=False, id="app.audit"),
        Binding("f9", "open_screen('analysis')", "Analysis", show=False, id="app.analysis"),
        Binding("f10", "open_screen('summaries')", "Summaries", show=False, id="app.summaries"),
    ]

    def __init__(
        self,
        project_path: Path,
        coder: str,
        transcript: str | None = None,
        *,
        line: int | None = None,
        line_search: Callable | None = None,
        show_others: bool = False,
        config: user_config.Config | None = None,
        preload_language: bool = False,
    ) -> None:
        super().__init__()
        self.config = config or user_config.Config()
        self.wrap = self.config.wrap
        self.preload_language = preload_language
        self.project_path = Path(project_path)
        self.coder = coder
        self.start_transcript = transcript
        self.start_line = line
        self.start_show_others = show_others
        self.project = Project.open(self.project_path)
        self._ready_for_frames = False
        self._after_first_frame: list[tuple[Any, Callable[[], None]]] = []
        if line_search is None:
            from qualcode.tui.screens.search import lemma_line_search  # spaCy loads in the worker

            line_search = lemma_line_search
        self.line_search = line_search

    def on_ready(self) -> None:
        """The first frame can be drawn now (Textual holds every frame back while the app starts up)."""
        self._ready_for_frames = True
        waiting, self._after_first_frame = self._after_first_frame, []
        for screen, callback in waiting:
            screen.call_after_refresh(callback)

    def after_first_frame(self, screen, callback: Callable[[], None]) -> None:
        """Run ``callback`` once ``screen`` has been drawn: heavy reads wait until their screen shows a frame.

        ``call_after_refresh`` alone is not enough for the first screen: Textual batches the updates while the
        app starts, so a callback after the screen's first refresh ran before that frame reached the terminal
        (the Coding screen's "loading the transcript…" frame was never seen; the terminal stayed blank).
        """
        if self._ready_for_frames:
            screen.call_after_refresh(callback)
        else:
            self._after_first_frame.append((screen, callback))

    def on_mount(self) -> None:
        self._apply_config()
        if self.preload_language:
            self.call_after_refresh(self.set_timer, 0.3, self._preload_language)
        if self.start_transcript:  # straight to the transcript; the Transcripts screen is made when needed
            self.open_transcript(self.start_transcript, self.start_line)
        else:
            self._push_transcripts()

    # ------------------------------------------------------------- config
    def _apply_config(self) -> None:
        cfg = self.config
        problems = list(cfg.problems)
        ids = set(known_binding_ids(self)) if cfg.keymap else set()
        problems += user_config.check_against(cfg, set(self.available_themes), ids)
        if cfg.theme:
            self.theme = cfg.theme
        if cfg.keymap:
            self.set_keymap(cfg.keymap)
        for line in problems:
            self.notify(line, severity="warning", timeout=10, markup=False)

    def _preload_language(self) -> None:
        """After the first paint: read the lemma lookup table in a worker (0.3 s), all a plain query needs,
        so the first Ctrl+F search is as fast as the next."""
        from qualcode.tui import jobs

        def warm(progress) -> None:
            from qualcode.corpus import lemmas
            from qualcode.language import search  # noqa: F401 - the search's own imports

            lemmas.lookup_table()

        jobs.start(self, "language", warm, project=False)

    def warm_pipeline(self) -> None:
        """Build spaCy's pipeline in a worker (2-3 s, 150 MB): the Search screen asks for it when it opens, for
        queries with punctuation (``auto's``, ``e-mail``), while the query is typed. Only with preloading on."""
        if not self.preload_language:
            return
        from qualcode.tui import jobs

        def warm(progress) -> None:
            from qualcode.corpus import lemmas

            lemmas.pipeline()

        jobs.start(self, "pipeline", warm, project=False)

    def _push_transcripts(self) -> None:
        from qualcode.tui.screens.transcripts import TranscriptsScreen

        self.push_screen(TranscriptsScreen())

    def pop_screen(self):
        """Go back; the Transcripts screen is always underneath (made on first need)."""
        result = super().pop_screen()
        if len(self.screen_stack) == 1:  # only Textual's default screen is left
            self._push_transcripts()
        return result

    def on_unmount(self) -> None:
        self.project.close()

    def screen_names(self) -> list[str]:
        return list(SCREENS)

    def make_screen(self, name: str):
        module, cls = SCREENS[name].split(":")
        return getattr(importlib.import_module(f"qualcode.tui.screens.{module}"), cls)()

    def action_open_screen(self, name: str) -> None:
        """Bring up a named screen; when it is already on the stack, go back to it."""
        for depth, screen in enumerate(reversed(self.screen_stack)):
            if type(screen).__name__ == SCREENS[name].split(":")[1]:
                for _ in range(depth):
                    self.pop_screen()
                return
        self.push_screen(self.make_screen(name))

    def open_transcript(self, name: str, line: int | None = None, select_to: int | None = None) -> None:
        from qualcode.tui.screens.coding import CodingScreen

        screen = CodingScreen(name, line=line, select_to=select_to)
        screen.show_others = self.start_show_others
        self.push_screen(screen)

    def action_help(self) -> None:
        from qualcode.tui.screens.help import HelpScreen

        if type(self.screen).__name__ == "HelpScreen":
            return
        self.push_screen(HelpScreen(self.screen))


def create_app(
    project_path: str | Path,
    coder: str,
    transcript: str | None = None,
    *,
    line: int | None = None,
    line_search: Callable | None = None,
    show_others: bool = False,
    config: user_config.Config | None = None,
    preload_language: bool = False,
) -> QualcodeApp:
    """The one way to build the workbench (CLI, tests, benchmark); tests leave ``config`` at the defaults."""
    return QualcodeApp(
        Path(project_path),
        coder,
        transcript,
        line=line,
        line_search=line_search,
        show_others=show_others,
        config=config,
        preload_language=preload_language,
    )


def known_binding_ids(app: App) -> Iterator[str]:
    """Every binding id the workbench declares: the app's, each registered screen's, widgets' and dialogs'."""
    modules = [f"qualcode.tui.screens.{spec.split(':')[0]}" for spec in SCREENS.values()] + list(BINDING_MODULES)
    sources: list = [type(app)]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        sources.extend(v for v in vars(module).values() if isinstance(v, type) and "BINDINGS" in vars(v))
    for source in sources:
        for binding in Binding.make_bindings(getattr(source, "BINDINGS", [])):
            if binding.id:
                yield binding.id


if TYPE_CHECKING:
    from qualcode.tui.base import QualcodeAppAPI

    def _implements_the_screens_api(app: QualcodeApp) -> QualcodeAppAPI:
        return app  # mypy checks that QualcodeApp provides what screens read through qualcode_app()
