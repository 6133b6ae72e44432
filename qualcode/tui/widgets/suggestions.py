"""Code suggestions on the Coding screen: the side panel, the gutter marks and the keys behind them.

``g`` trains a model on the coder's finished transcripts (:func:`qualcode.language.suggest.train`, in a
worker thread with its own project connection; the model is kept in :data:`MODELS` for the session, per
project file and coder, and trained again only when the coder's finished transcripts or their codings
change) and asks it for
suggestions in the open transcript. The panel lists them per code (line, probability, the words
that weighed most); the transcript view draws the code's marker character dimmed in the gutter's
separator column of each suggested line (distinct from applied codes, which sit in the code slots
on a coloured background). ``s`` jumps to the next suggested line, ``a`` accepts the suggestion on
the cursor line (an ordinary coding), ``r`` dismisses it (remembered: never suggested again;
both undo with ``u``). When training is impossible the panel shows why (:class:`TooLittleData`).

:class:`SuggestionsMixin` holds the behaviour so the Coding screen only composes the panel, lists
the bindings and calls two hooks (``suggestions_reloaded`` after its own reload, and
``check_suggestion`` from ``check_action``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from qualcode.errors import QualcodeError
from qualcode.tui import jobs
from qualcode.tui.messages import JobDone, JobFailed
from qualcode.tui.widgets.code_panel import update_text

if TYPE_CHECKING:
    from qualcode.language.suggest import Suggestion
    from qualcode.model import Code, Coding
    from qualcode.tui.base import QualcodeScreen
    from qualcode.tui.widgets.transcript_view import TranscriptView

    _Host = QualcodeScreen  # the type checker sees the screen the mixin is mixed into
else:
    _Host = object

SUGGESTION_ACTIONS = frozenset({"suggest", "next_suggestion", "accept_suggestion", "dismiss_suggestion"})


class ModelCache:
    """Trained models for the session: (project file, coder) → (fingerprint, model); a few at most."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._models: dict[tuple[Path, str], tuple[tuple, Any]] = {}

    def get(self, path: Path, coder: str) -> tuple[tuple, Any] | None:
        return self._models.get((Path(path).resolve(), coder))

    def put(self, path: Path, coder: str, fingerprint: tuple, model: Any) -> None:
        key = (Path(path).resolve(), coder)
        self._models.pop(key, None)
        self._models[key] = (fingerprint, model)
        while len(self._models) > self.size:
            self._models.pop(next(iter(self._models)))

    def clear(self) -> None:
        self._models.clear()


MODELS = ModelCache()


def suggest_job(project, transcript: str, coder: str, cached: tuple | None, progress) -> tuple:
    """The worker's work: train (unless the cached model still fits), then suggest. No Textual here."""
    from qualcode.language import suggest

    fingerprint = suggest.training_fingerprint(project, coder)
    model = cached[1] if cached is not None and cached[0] == fingerprint else None
    if model is None:
        model = suggest.train(project, coder)
    found = suggest.suggest(project, coder, transcript=transcript, model=model, limit=None)
    return transcript, coder, fingerprint, model, found


class SuggestionsPanel(Static):
    """The suggestions for the open transcript, per code; the cursor line's suggestions highlighted."""

    DEFAULT_CSS = """
    SuggestionsPanel { margin-top: 1; height: auto; min-height: 1; }
    SuggestionsPanel.-busy { min-height: 3; }
    """

    def show_hint(self) -> None:
        if self.has_class("-busy"):
            self.set_class(False, "-busy")
        if self.loading:
            self.loading = False
        update_text(self, Text.assemble(("Suggestions", "bold"), ("  (g: suggest codes)", "dim")))

    def show_busy(self, training: bool) -> None:
        self.set_class(True, "-busy")
        self.update(
            Text("training on your finished transcripts…" if training else "looking for suggestions…", style="dim")
        )
        self.loading = True

    def show_message(self, message: str) -> None:
        self.set_class(False, "-busy")
        self.loading = False
        text = Text.assemble(("Suggestions\n", "bold"))
        text.append(message, style="italic")
        self.update(text)

    def show(
        self,
        suggestions: list[Suggestion],
        chars: dict[int, str],
        colours: dict[int, str],
        cursor_line: int | None,
        skipped: dict[str, str] | None = None,
    ) -> None:
        from qualcode.tui.widgets.code_panel import marker_text

        self.set_class(False, "-busy")
        self.loading = False
        text = Text()
        text.append("Suggestions", style="bold")
        text.append("  (s next, a accept, r dismiss)\n", style="dim")
        if not suggestions:
            text.append("nothing to suggest here\n", style="dim")
        by_code: dict[str, list] = {}
        for s in suggestions:
            by_code.setdefault(s.code, []).append(s)
        for code, items in by_code.items():
            first = items[0]
            text.append_text(marker_text(chars.get(first.code_id, "?"), colours.get(first.code_id, "#888888")))
            text.append(f" {code}  ")
            text.append(f"{len(items)}\n", style="dim")
            for s in sorted(items, key=lambda s: s.line):
                style = "reverse" if s.line == cursor_line else ""
                line = Text(f"  {s.line:>5}  {round(s.probability * 100):>3}%  ", style=style)
                line.append(", ".join(s.words), style=f"italic {style}".strip())
                text.append_text(line)
                text.append("\n")
        if skipped:
            text.append(
                f"no model for {len(skipped)} code{'s' if len(skipped) != 1 else ''} (too few coded lines)\n",
                style="dim",
            )
        self.update(text)


class SuggestionsMixin(_Host):
    """Suggestion keys and state for the Coding screen (put it before ``QualcodeScreen`` in the bases).

    What it reads from the screen it is mixed into is declared below; it writes only its own
    ``suggestions*`` attributes and calls the screen's ``reload``, ``notify`` and ``core``.
    """

    # read from the host screen (the Coding screen sets these)
    if TYPE_CHECKING:

        @property
        def view(self) -> TranscriptView: ...

    codes: list[Code]
    chars: dict[int, str]
    all_codings: list[Coding]
    transcript: Any  # TranscriptRow | None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions: list[Suggestion] = []
        self.suggestions_shown = False
        self.suggesting = False
        self._suggestion_skipped: dict[str, str] = {}
        self._has_suggestion = False

    # ---------------------------------------------------------------- state
    @property
    def suggestions_panel(self) -> SuggestionsPanel:
        return self.query_one(SuggestionsPanel)

    def suggestions_on_cursor(self) -> list[Suggestion]:
        line = self.view.cursor_line
        return [s for s in self.suggestions if s.line == line]

    def _show_suggestions(self) -> None:
        """Redraw the gutter marks and the panel from ``self.suggestions``."""
        view = self.view
        best: dict[int, Suggestion] = {}
        for s in self.suggestions:
            row = view.index_of(s.line)
            if row is not None and (row not in best or s.probability > best[row].probability):
                best[row] = s
        view.suggested = {row: self.chars.get(s.code_id, "?") for row, s in best.items()}
        view.refresh()
        if self.suggestions_shown:
            colours = {c.id: c.colour for c in self.codes}
            self.suggestions_panel.show(
                self.suggestions, self.chars, colours, view.cursor_line, self._suggestion_skipped
            )
        self._suggestion_bindings()

    def _suggestion_bindings(self) -> None:
        has = bool(self.suggestions_on_cursor())
        if has != self._has_suggestion:
            self._has_suggestion = has
            self.refresh_bindings()

    def suggestions_reloaded(self) -> None:
        """Hook for the Coding screen's ``reload``: drop suggestions the coder has coded meanwhile."""
        if not self.is_mounted:
            return
        if self.suggestions:
            mine = {
                (c.code_id, n)
                for c in self.all_codings
                if c.coder == self.coder
                for a, b in c.ranges
                for n in range(a, b + 1)
            }
            self.suggestions = [s for s in self.suggestions if (s.code_id, s.line) not in mine]
        if self.suggestions_shown or self.suggestions:
            self._show_suggestions()
        elif not self.suggesting:
            self.suggestions_panel.show_hint()

    def on_transcript_view_cursor_moved(self, event) -> None:
        if self.suggestions_shown and self.suggestions:
            self._show_suggestions()
        else:
            self._suggestion_bindings()

    def check_suggestion(self, action: str) -> bool | None:
        if action == "suggest":
            return None if self.suggesting else True
        if action == "next_suggestion":
            return True if self.suggestions else None
        return True if self._has_suggestion else None

    # ---------------------------------------------------------------- worker
    def action_suggest(self) -> None:
        if self.transcript is None or self.suggesting:
            return
        cached = MODELS.get(self.qapp.project_path, self.coder)
        self.suggesting = True
        self.suggestions_panel.show_busy(training=cached is None)
        self.refresh_bindings()
        name, coder = self.transcript.name, self.coder
        jobs.start(self, "suggest", lambda project, progress: suggest_job(project, name, coder, cached, progress))

    def on_job_done(self, event: JobDone) -> None:
        if event.job != "suggest":
            return
        transcript, coder, fingerprint, model, found = event.result
        self.suggesting = False
        MODELS.put(self.qapp.project_path, coder, fingerprint, model)
        if self.transcript is None or transcript != self.transcript.name:
            return
        self.suggestions = sorted(
            (s for items in found.values() for s in items), key=lambda s: (s.line, -s.probability)
        )
        self._suggestion_skipped = dict(model.skipped)
        self.suggestions_shown = True
        self._show_suggestions()
        self.refresh_bindings()
        n = len(self.suggestions)
        self.notify(
            f"{n} suggestion{'s' if n != 1 else ''} in {transcript}" + ("; s jumps to the next" if n else ""),
            timeout=3,
        )

    def on_job_failed(self, event: JobFailed) -> None:
        if event.job != "suggest":
            return
        self.suggesting = False
        self.suggestions = []
        self.suggestions_shown = False
        self._show_suggestions()
        self.suggestions_panel.show_message(event.error)
        self.refresh_bindings()
        too_little = event.kind == "TooLittleData"
        self.notify(event.error, severity="warning" if too_little else "error", timeout=6)

    # ---------------------------------------------------------------- keys
    def action_next_suggestion(self) -> None:
        view = self.view
        rows = sorted(set(view.suggested))
        if not rows:
            self.notify("no suggestions here (g asks for them)", severity="information", timeout=3)
            return
        target = next((r for r in rows if r > view.cursor), rows[0])
        view.move_to(target, extend=False, centre=True)

    def _choose_suggestion(self, verb: str, then) -> None:
        here = self.suggestions_on_cursor()
        if not here:
            self.notify(f"no suggestion on line {self.view.cursor_line}", severity="warning")
            return
        if len(here) == 1:
            then(here[0])
            return
        from qualcode.tui.dialogs import ChoiceScreen

        labels = [f"{self.chars.get(s.code_id, '?')}  {s.code}  {round(s.probability * 100)}%" for s in here]

        def chosen(index: int | None) -> None:
            if index is not None:
                then(here[index])

        self.app.push_screen(ChoiceScreen(f"{verb} which suggestion?", labels, id="choose-suggestion"), chosen)

    def action_accept_suggestion(self) -> None:
        from qualcode.language import suggest

        def accept(s: Suggestion) -> None:
            coding = self.core(
                suggest.accept_suggestion, self.project, self.coder, self.transcript.name, s.line, s.code
            )
            if coding is None:
                return
            self.suggestions = [x for x in self.suggestions if x is not s]
            self.notify(f"applied {s.code} {s.line} (suggested)", timeout=2)
            self.reload()

        self._choose_suggestion("Accept", accept)

    def action_dismiss_suggestion(self) -> None:
        from qualcode.language import suggest

        def dismiss(s: Suggestion) -> None:
            try:
                suggest.dismiss_suggestion(self.project, self.coder, self.transcript.name, s.line, s.code)
            except QualcodeError as e:
                self.notify(str(e), severity="error", timeout=6)
                return
            self.suggestions = [x for x in self.suggestions if x is not s]
            self.notify(f"dismissed {s.code} for line {s.line}; it will not be suggested again (u undoes)", timeout=3)
            self._show_suggestions()

        self._choose_suggestion("Dismiss", dismiss)
