"""The Coding screen: one transcript, the keyboard, and the codebook beside it.

Every key that changes something calls one core function (``codings.toggle``,
``history.undo``, …), which commits at once; the screen then re-reads this
transcript's codings from the project and redraws only the rows whose markers
changed. Other coders' codings are hidden unless "show other coders" is on (blind
coding is the default); then each coder gets a lane in the gutter (an initial on
the colour of a code they put there) and ``≠`` marks lines where the coders differ.

The selection stays after a code is applied (a second code on the same passage needs
no reselecting; Esc clears it). ``+`` adds a range to the coding under the cursor (select the
lines, Enter confirms): two-range quotes such as ``(FG1; 110-113; 123-125)``; ``-`` takes the
selected lines out of it (a whole range goes, lines inside a range split it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, SupportsInt, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import QualcodeError
from qualcode.model import Code, Coding
from qualcode.ranges import format_ranges, from_lines
from qualcode.store import history
from qualcode.tui.base import QualcodeScreen
from qualcode.tui.dialogs import ChoiceScreen, CodePickerScreen, MemoScreen, PromptScreen
from qualcode.tui.widgets.code_panel import CodebookPanel, LinePanel, marker_chars, marker_text
from qualcode.tui.widgets.suggestions import SUGGESTION_ACTIONS, SuggestionsMixin, SuggestionsPanel
from qualcode.tui.widgets.transcript_view import Lane, Marker, TranscriptView

if TYPE_CHECKING:
    from qualcode.corpus.media import Player

MAX_SLOTS = 12
MAX_LANES = 4


def coder_initials(coders: list[str]) -> dict[str, str]:
    """One distinct character per coder: the first letter of the name that is still free (upper case)."""
    out: dict[str, str] = {}
    for coder in coders:
        used = set(out.values())
        out[coder] = next((ch.upper() for ch in coder if ch.isalnum() and ch.upper() not in used), "?")
    return out


class CodingScreen(SuggestionsMixin, QualcodeScreen):
    """Code one transcript."""

    AREA = "coding"
    HELP_TITLE = "Coding"
    HELP_TEXT = (
        "Move with the arrows or j/k; v starts a selection (or Shift+arrows, or drag with the mouse), t selects "
        "the speaker turn. 1-9 apply the code with that digit (listed below) to the selection or the cursor "
        "line, and remove it when the same lines already carry it; the selection stays, so a second code needs "
        "no reselecting (Esc clears it). + adds a range to your coding under the cursor (select, then Enter), "
        "- takes the selected lines out of it (splitting a range). Everything is saved at once. Markers carry "
        "the code's digit; with other coders shown (o) each coder has a lane and ≠ marks lines where coders "
        "differ. Counts such as 4j are not supported: digits apply codes (use : to go to a line, PageDown to "
        "move a screen). For transcripts with time codes, T shows a time column and l plays the line or "
        "selection from the linked recording (`qualcode media`) through mpv or ffplay; the next key stops it."
    )
    HELP_GROUPS = (
        (
            "move",
            (
                "coding.down",
                "coding.up",
                "coding.page_down",
                "coding.page_up",
                "coding.home",
                "coding.end",
                "coding.goto",
                "coding.next",
                "coding.previous",
                "coding.search",
                "coding.wrap",
                "coding.left",
                "coding.right",
            ),
        ),
        ("select", ("coding.select", "coding.extend_down", "coding.extend_up", "coding.select_turn", "coding.cancel")),
        (
            "code",
            (
                "coding.code_1",
                "coding.pick",
                "coding.remove",
                "coding.add_range",
                "coding.remove_range",
                "coding.confirm",
                "coding.memo",
                "coding.undo",
                "coding.redo",
            ),
        ),
        (
            "review",
            (
                "coding.done",
                "coding.others",
                "coding.panel",
                "coding.suggest",
                "coding.next_suggestion",
                "coding.accept_suggestion",
                "coding.dismiss_suggestion",
                "coding.refresh",
            ),
        ),
    )
    HELP_HIDDEN = frozenset(f"coding.code_{k}" for k in range(2, 10))

    # The footer shows the keys used most (in this order); the rest are in F1/? help and the palette.
    BINDINGS = [
        *[
            Binding(
                str(k),
                f"toggle_code({k})",
                "Code" if k == 1 else f"Code {k}",
                id=f"coding.code_{k}",
                tooltip="Code 1-9: apply the code with that digit (listed below)" if k == 1 else f"Code {k}",
                show=k == 1,
                key_display="1-9" if k == 1 else None,
            )
            for k in range(1, 10)
        ],
        Binding("x", "remove", "Remove", id="coding.remove", tooltip="Remove coding"),
        Binding("u", "undo", "Undo", id="coding.undo"),
        Binding("m", "memo", "Memo", id="coding.memo", tooltip="Memo on a coding"),
        Binding("d", "done", "Done", id="coding.done", tooltip="Mark done"),
        Binding("colon", "goto", "Go to", id="coding.goto", key_display=":", tooltip="Go to line"),
        Binding("t", "select_turn", "Select turn", show=False, id="coding.select_turn"),
        Binding("plus", "add_range", "Add a range to the coding", show=False, id="coding.add_range", key_display="+"),
        Binding(
            "minus",
            "remove_range",
            "Take lines out of the coding",
            show=False,
            id="coding.remove_range",
            key_display="-",
        ),
        Binding("enter", "confirm_range", "Confirm the added range", show=False, id="coding.confirm"),
        Binding("w", "toggle_wrap", "Wrap long lines on/off", show=False, id="coding.wrap"),
        Binding("p", "toggle_panel", "Side panel", show=False, id="coding.panel"),
        Binding("n", "next", "Next uncoded turn", show=False, id="coding.next"),
        Binding("N", "previous", "Previous uncoded turn", show=False, id="coding.previous"),
        Binding("escape", "cancel", "Cancel selection", show=False, id="coding.cancel"),
        Binding("c", "pick_code", "Pick code by name", show=False, id="coding.pick"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="coding.redo"),
        Binding("slash", "search", "Search this transcript", show=False, id="coding.search", key_display="/"),
        Binding("o", "toggle_others", "Show other coders", show=False, id="coding.others"),
        Binding("g", "suggest", "Suggest codes", show=False, id="coding.suggest"),
        Binding("s", "next_suggestion", "Next suggestion", show=False, id="coding.next_suggestion"),
        Binding("a", "accept_suggestion", "Accept suggestion", show=False, id="coding.accept_suggestion"),
        Binding("r", "dismiss_suggestion", "Dismiss suggestion", show=False, id="coding.dismiss_suggestion"),
        Binding("T", "toggle_times", "Time column", show=False, id="coding.times"),
        Binding("l", "play", "Listen", show=False, id="coding.play"),
        Binding("f5", "refresh", "Refresh", show=False, id="coding.refresh"),
        Binding("q", "back", "Back", show=False, id="coding.back"),
    ]

    def __init__(self, transcript: str, *, line: int | None = None, select_to: int | None = None) -> None:
        super().__init__()
        self.transcript_name = transcript
        self.start_line = line
        self.select_to = select_to
        self.show_others = False
        self.transcript = None
        self.codes: list[Code] = []
        self.codes_by_id: dict[int, Code] = {}
        self.chars: dict[int, str] = {}
        self.all_codings: list[Coding] = []
        self.by_row: dict[int, list[Coding]] = {}
        self.mine_rows: set[int] = set()
        self.done = False
        self.search_term = ""
        self.last_code: Code | None = None
        self._has_own = False
        self._panel_key: tuple[int, tuple[int, ...], tuple[str, ...], int | None] | None = None
        self.player: Player | None = None  # qualcode.corpus.media.Player once l is pressed
        self._load_pending = False
        self.range_target: Coding | None = None  # the coding a range is being added to (+ … Enter)
        self.lane_coders: list[str] = []

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(id="coding-title", classes="title-bar")
        with Horizontal():
            yield TranscriptView(id="transcript", wrap=getattr(self.app, "wrap", True))
            with VerticalScroll(id="side"):
                yield CodebookPanel(id="codebook-panel")
                yield LinePanel(id="line-panel")
                yield SuggestionsPanel(id="suggestions-panel")
        yield Footer()

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def on_mount(self) -> None:
        # Paint the frame first (title, empty view, panels), then read the transcript: a long one takes
        # a moment, and the screen shows something at once (issue 19).
        self.query_one("#coding-title", Static).update(Text(f" {self.transcript_name} · loading the transcript…"))
        self.view.focus()
        self._load_pending = True
        self.qapp.after_first_frame(self, self._load)

    def on_key(self, event) -> None:
        """Before a key's binding runs: load a deferred transcript first; stop playback (l restarts it)."""
        if self._load_pending:
            self._load()
        if self.player is not None and event.key != "l" and self.player.playing:
            self.player.stop()

    def _load(self) -> None:
        if not self._load_pending:
            return
        self._load_pending = False
        self.transcript = self.core(transcripts.get, self.project, self.transcript_name)
        if self.transcript is None:
            self.app.pop_screen()
            return
        self.view.set_lines(transcripts.lines(self.project, self.transcript.id))
        self.reload()
        self.refresh_bindings()  # the code keys exist now that the codes are read
        if self.start_line is not None:
            self.jump(self.start_line, self.select_to)

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        """Re-read codes and this transcript's codings (all coders) and redraw markers and panels."""
        if self.transcript is None:
            return
        self.codes = codebook.all_codes(self.project)
        self.codes_by_id = {c.id: c for c in self.codes}
        self.chars = marker_chars(self.codes)
        self.all_codings = codings.list_codings(self.project, transcript=self.transcript.name)
        self.done = codings.is_done(self.project, self.transcript.id, self.coder)
        self._rebuild_markers()
        self.suggestions_reloaded()

    def visible_codings(self) -> Iterable[Coding]:
        return (c for c in self.all_codings if self.show_others or c.coder == self.coder)

    def _rebuild_markers(self) -> None:
        view = self.view
        slot_of = {c.id: i for i, c in enumerate(self.codes)}
        packed = len(self.codes) > MAX_SLOTS
        markers: dict[int, dict[int, Marker]] = {}
        by_row: dict[int, list[Coding]] = {}
        mine_rows: set[int] = set()
        per_coder: dict[int, dict[str, set[int]]] = {}  # row → coder → code ids (for lanes and ≠)
        for c in self.visible_codings():
            code = self.codes_by_id.get(c.code_id)
            if code is None:
                continue
            mine = c.coder == self.coder
            for a, b in c.ranges:
                first, last = view.index_of(a), view.index_of(b)
                if first is None or last is None:
                    continue
                for row in range(first, last + 1):
                    by_row.setdefault(row, []).append(c)
                    per_coder.setdefault(row, {}).setdefault(c.coder, set()).add(code.id)
                    if mine:
                        mine_rows.add(row)
                    here = markers.setdefault(row, {})
                    old = here.get(code.id)
                    if old is None or (mine and not old.mine):
                        here[code.id] = Marker(slot_of[code.id], self.chars[code.id], code.colour, mine)
        if packed:
            final = {
                row: [
                    Marker(i, m.char, m.colour, m.mine)
                    for i, m in enumerate(sorted(ms.values(), key=lambda m: m.slot)[:MAX_SLOTS])
                ]
                for row, ms in markers.items()
            }
        else:
            final = {row: list(ms.values()) for row, ms in markers.items()}
        self.by_row = by_row
        self.mine_rows = mine_rows
        lanes, differ = self._lanes(per_coder)
        view.set_markers(final, min(len(self.codes), MAX_SLOTS), lanes, len(self.lane_coders), differ)
        counts: dict[int, int] = {}
        for c in self.all_codings:
            if c.coder == self.coder:
                counts[c.code_id] = counts.get(c.code_id, 0) + 1
        self.query_one(CodebookPanel).show(codebook.tree_order(self.codes), self.chars, counts)
        self._update_title()
        self._panel_key = None
        self._update_line_panel()

    def _lanes(self, per_coder: dict[int, dict[str, set[int]]]) -> tuple[dict[int, list[Lane | None]], set[int]]:
        """With other coders shown: one lane per coder (you first) and the rows where their codes differ."""
        if not self.show_others:
            self.lane_coders = []
            return {}, set()
        others = sorted({c.coder for c in self.all_codings} - {self.coder})
        coders = ([self.coder] if any(c.coder == self.coder for c in self.all_codings) else []) + others
        self.lane_coders = coders[:MAX_LANES]
        initials = coder_initials(self.lane_coders)
        position = {c.id: i for i, c in enumerate(self.codes)}
        lanes: dict[int, list[Lane | None]] = {}
        differ: set[int] = set()
        for row, by_coder in per_coder.items():
            cells: list[Lane | None] = []
            for coder in self.lane_coders:
                ids = by_coder.get(coder)
                if ids:
                    code = self.codes_by_id[min(ids, key=position.__getitem__)]
                    cells.append(Lane(initials[coder], code.colour))
                else:
                    cells.append(None)
            lanes[row] = cells
            if len(coders) > 1 and len({frozenset(by_coder.get(c, ())) for c in coders}) > 1:
                differ.add(row)
        return lanes, differ

    def shown_coders(self) -> str:
        """Whose codings are on screen, in words (the title says it: the demo opens as one of its coders)."""
        if not self.show_others:
            return f"codings shown: {self.coder} (blind)"
        initials = coder_initials(self.lane_coders)
        lanes = " ".join(f"{initials[c]}={c}" for c in self.lane_coders)
        return f"codings shown: all coders (lanes {lanes or 'none yet'}; ≠ where they differ)"

    def _update_title(self) -> None:
        t = self.transcript
        state = " · done ✓" if self.done else ""
        search = f" · search “{self.search_term}” ({len(self.view.hits)} hits)" if self.search_term else ""
        mode = ""
        if self.range_target is not None:
            mode = (
                f" · ADD A RANGE to {self.range_target.code} {format_ranges(self.range_target.ranges)}: "
                "select lines, Enter adds, Esc cancels"
            )
        self.query_one("#coding-title", Static).update(
            Text(f" {t.name} · {t.line_count} lines · coder {self.coder} · {self.shown_coders()}{state}{search}{mode}"),
            layout=False,
        )  # one line, fixed height: no need to re-arrange the screen

    def codings_under_cursor(self, *, own: bool = False) -> list[Coding]:
        rows = self.by_row.get(self.view.cursor, [])
        return [c for c in rows if c.coder == self.coder] if own else list(rows)

    def _update_line_panel(self) -> None:
        here = self.codings_under_cursor()
        highlighted = self.codes_by_id.get(here[0].code_id) if here else self.last_code
        key = (
            self.view.cursor,
            tuple(c.id for c in here),
            tuple(c.memo for c in here),
            highlighted.id if highlighted else None,
        )
        if key != self._panel_key:
            self._panel_key = key
            view = self.view
            self.query_one(LinePanel).show(
                view.cursor_line,
                here,
                self.codes_by_id,
                self.chars,
                self.coder,
                highlighted,
                view.texts[view.cursor] if view.texts else "",
                speaker=view.full_speakers[view.cursor] if view.texts else "",
            )
        has_own = any(c.coder == self.coder for c in here)
        if has_own != self._has_own:
            self._has_own = has_own
            self.refresh_bindings()

    @on(TranscriptView.CursorMoved)
    def cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        self._update_line_panel()

    # ------------------------------------------------------------ navigation
    def jump(self, line: int, select_to: int | None = None) -> bool:
        view = self.view
        index = view.index_of(line)
        if index is None:
            self.notify(
                f"line {line} is outside {self.transcript.name} (lines {view.numbers[0]}-{view.numbers[-1]})"
                if view.numbers
                else "the transcript has no lines",
                severity="error",
            )
            return False
        view.move_to(index, extend=False, centre=True)
        if select_to is not None and (end := view.index_of(select_to)) is not None and end != index:
            view.select_anchor = end  # the passage is selected, the cursor stays on its first line
            view.refresh()
        return True

    def action_goto(self) -> None:
        def done(value: str | None) -> None:
            if value and value.strip().isdigit():
                self.jump(int(value))

        self.app.push_screen(
            PromptScreen("Go to line", placeholder="line number", restrict=r"[0-9]*", id="goto-dialog"), done
        )

    def action_search(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            self.set_search(value.strip())

        self.app.push_screen(PromptScreen("Search this transcript", self.search_term, id="search-dialog"), done)

    def set_search(self, term: str) -> None:
        view = self.view
        self.search_term = term
        if not term:
            view.set_hits("", [])
            self._update_title()
            return
        folded = term.casefold()
        hits = [i for i, t in enumerate(view.texts) if folded in t.casefold()]
        view.set_hits(term, hits)
        self._update_title()
        if not hits:
            self.notify(f"“{term}” does not occur in {self.transcript.name}", severity="warning")
            return
        after = next((i for i in hits if i >= view.cursor), hits[0])
        view.move_to(after, extend=False, centre=True)
        self.notify(f"{len(hits)} lines with “{term}”; n/N move between them, Esc ends the search", timeout=3)

    def _turn_starts(self) -> list[int]:
        view = self.view
        return [i for i in range(len(view.turns)) if view.turns[i] and (i == 0 or view.turns[i] != view.turns[i - 1])]

    def _uncoded_turn(self, forward: bool) -> int | None:
        view = self.view
        starts = self._turn_starts()
        ends = starts[1:] + [len(view.turns)]
        spans = list(zip(starts, ends))
        if not forward:
            spans.reverse()
        for start, end in spans:
            if (forward and start <= view.cursor) or (not forward and start >= view.cursor):
                continue
            if not any(row in self.mine_rows for row in range(start, end) if view.texts[row].strip()):
                return start
        return None

    def _move_hit(self, forward: bool) -> None:
        view = self.view
        hits = view.hits
        if forward:
            target = next((i for i in hits if i > view.cursor), hits[0])
        else:
            target = next((i for i in reversed(hits) if i < view.cursor), hits[-1])
        view.move_to(target, centre=True)

    def action_next(self) -> None:
        if self.search_term and self.view.hits:
            self._move_hit(True)
            return
        row = self._uncoded_turn(True)
        if row is None:
            self.notify("no uncoded turn after this line", severity="information", timeout=3)
        else:
            self.view.move_to(row, centre=True)

    def action_previous(self) -> None:
        if self.search_term and self.view.hits:
            self._move_hit(False)
            return
        row = self._uncoded_turn(False)
        if row is None:
            self.notify("no uncoded turn before this line", severity="information", timeout=3)
        else:
            self.view.move_to(row, centre=True)

    def action_cancel(self) -> None:
        if self.range_target is not None:
            self.range_target = None
            self.view.clear_selection()
            self._update_title()
            self.refresh_bindings()
            self.notify("no range added", timeout=2)
            return
        if not self.view.clear_selection() and self.search_term:
            self.set_search("")

    def turn_span(self, row: int) -> tuple[int, int]:
        """First and last non-blank row of the speaker turn holding ``row`` (just ``row`` outside a turn)."""
        view = self.view
        turn = view.turns[row]
        if not turn:
            return row, row
        first = row
        while first > 0 and view.turns[first - 1] == turn:
            first -= 1
        last = row
        while last + 1 < len(view.turns) and view.turns[last + 1] == turn:
            last += 1
        while last > first and not view.texts[last].strip():
            last -= 1
        while first < last and not view.texts[first].strip():
            first += 1
        return first, last

    def action_select_turn(self) -> None:
        view = self.view
        if not view.numbers:
            return
        first, last = self.turn_span(view.cursor)
        view.select_span(first, last)

    # ---------------------------------------------------------------- coding
    def code_for_hotkey(self, key: int) -> Code | None:
        return next((c for c in self.codes if c.hotkey == key), None)

    def toggle(self, code: Code) -> None:
        """Apply (or remove) ``code`` on the selection or cursor line; the selection stays (Esc clears it)."""
        lines = self.view.selected_lines()
        if not lines:
            return
        ranges = from_lines(lines)
        try:
            result = codings.toggle(self.project, self.transcript.name, ranges, code.name, self.coder)
        except QualcodeError as e:
            self.notify(str(e), severity="error", timeout=6)
            return
        self.last_code = code
        verb = "applied" if result is not None else "removed"
        self.notify(f"{verb} {code.name} {format_ranges(ranges)}", timeout=2)
        self.reload()

    def action_toggle_code(self, key: int) -> None:
        code = self.code_for_hotkey(int(key))
        if code is None:
            self.notify(f"no code has hotkey {key}", severity="warning")
            return
        self.toggle(code)

    def action_pick_code(self) -> None:
        labels = {c.name: f"{self.chars[c.id]}  {c.name}" for c in self.codes}

        def done(name: str | None) -> None:
            if name and (code := next((c for c in self.codes if c.name == name), None)):
                self.toggle(code)

        self.app.push_screen(CodePickerScreen([c.name for c in self.codes], labels, id="code-picker"), done)

    def _choose_own(self, verb: str, then) -> None:
        own = self.codings_under_cursor(own=True)
        if not own:
            self.notify(f"none of your codings is on line {self.view.cursor_line}", severity="warning")
            return
        if len(own) == 1:
            then(own[0])
            return
        labels = [f"{self.chars.get(c.code_id, '?')}  {c.code} {format_ranges(c.ranges)}" for c in own]

        def chosen(index: int | None) -> None:
            if index is not None:
                then(own[index])

        self.app.push_screen(ChoiceScreen(f"{verb} which coding?", labels, id="choose-coding"), chosen)

    def action_memo(self) -> None:
        def edit(coding: Coding) -> None:
            def saved(value: str | None) -> None:
                if (
                    value is not None
                    and self.core(codings.set_memo, self.project, coding.id, value.strip(), self.coder) is not None
                ):
                    self.notify(f"memo saved on {coding.code} {format_ranges(coding.ranges)}", timeout=2)
                    self.reload()

            self.app.push_screen(
                MemoScreen(f"Memo on {coding.code} {format_ranges(coding.ranges)}", coding.memo, id="memo-dialog"),
                saved,
            )

        self._choose_own("Memo on", edit)

    # ------------------------------------------------------- ranges of a coding
    def action_add_range(self) -> None:
        def chosen(coding: Coding) -> None:
            self.range_target = coding
            self.view.clear_selection()
            self._update_title()
            self.refresh_bindings()
            self.notify(
                f"select the lines to add to {coding.code} {format_ranges(coding.ranges)} (v, then move), "
                "then Enter; Esc cancels",
                timeout=4,
            )

        self._choose_own("Add a range to", chosen)

    def action_confirm_range(self) -> None:
        target = self.range_target
        if target is None:
            return
        lines = self.view.selected_lines()
        self.range_target = None
        self.refresh_bindings()
        made = self.core(codings.add_range, self.project, target.id, from_lines(lines), self.coder)
        self.view.clear_selection()
        if made is not None:
            self.notify(f"{made.code} now {format_ranges(made.ranges)}", timeout=3)
            self.reload()
        else:
            self._update_title()

    def action_remove_range(self) -> None:
        lines = self.view.selected_lines()

        def take_out(coding: Coding) -> None:
            made = self.core(codings.remove_range, self.project, coding.id, from_lines(lines), self.coder)
            if made is not None:
                self.view.clear_selection()
                self.notify(f"{made.code} now {format_ranges(made.ranges)}", timeout=3)
                self.reload()

        self._choose_own("Take lines out of", take_out)

    def action_toggle_wrap(self) -> None:
        view = self.view
        view.wrap = not view.wrap
        self.notify("long lines wrapped" if view.wrap else "long lines cropped (←/→ scroll)", timeout=2)

    def action_remove(self) -> None:
        def remove(coding: Coding) -> None:
            try:
                codings.delete(self.project, coding.id, self.coder)
            except QualcodeError as e:
                self.notify(str(e), severity="error", timeout=6)
                return
            self.notify(f"removed {coding.code} {format_ranges(coding.ranges)}", timeout=2)
            self.reload()

        self._choose_own("Remove", remove)

    def action_undo(self) -> None:
        event = self.core(history.undo, self.project, self.coder)
        if event:
            self.notify(f"undone: {event['summary']}", timeout=3)
            self.reload()

    def action_redo(self) -> None:
        event = self.core(history.redo, self.project, self.coder)
        if event:
            self.notify(f"redone: {event['summary']}", timeout=3)
            self.reload()

    def action_done(self) -> None:
        changed = self.core(codings.mark_done, self.project, self.transcript.name, self.coder, not self.done)
        if changed is None:
            return
        self.done = not self.done
        self.notify(f"{self.transcript.name} marked {'done' if self.done else 'not done'} for {self.coder}", timeout=3)
        self._update_title()

    def action_toggle_others(self) -> None:
        self.show_others = not self.show_others
        self.notify("showing other coders' codings" if self.show_others else "blind: only your codings", timeout=2)
        self.reload()

    def action_refresh(self) -> None:
        self.reload()
        self.notify("reloaded", timeout=1)

    def action_toggle_panel(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_back(self) -> None:
        self.app.pop_screen()

    # ----------------------------------------------------------- time, audio
    def action_toggle_times(self) -> None:
        view = self.view
        if not view.has_times:
            self.notify(f"{self.transcript.name} has no time codes", severity="warning")
            return
        view.set_show_times(not view.show_times)

    def action_play(self) -> None:
        """Play the selection (or cursor line) from its start time through mpv or ffplay."""
        from qualcode.corpus import media

        view = self.view
        first, last = view.selection or (view.cursor, view.cursor)
        starts = [s for s in view.starts[first : last + 1] if s is not None]
        if not starts:
            self.notify("this line has no time code to play from", severity="warning")
            return
        ends = [e for e in view.ends[first : last + 1] if e is not None]
        path = media.path_of(self.project, self.transcript.id)
        if path is None:
            self.notify(f"no recording linked: run `qualcode media {self.transcript.name} FILE`", severity="warning")
            return
        if self.player is None:
            self.player = media.Player()
        try:
            self.player.play(path, starts[0], max(ends) if ends else None)
        except QualcodeError as e:
            self.notify(str(e), severity="error", timeout=6)
            return
        self.notify(f"playing from {view.times[first] or starts[0]} (any key stops)", timeout=3)

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.stop()

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Notifications here quote user text (code names, memos, search terms): plain text, not markup."""
        super().notify(message, markup=markup, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SUGGESTION_ACTIONS:
            return self.check_suggestion(action)
        if action == "toggle_code" and parameters:
            return self.code_for_hotkey(int(cast(SupportsInt, parameters[0]))) is not None
        if action in ("memo", "remove", "add_range", "remove_range"):
            return True if self._has_own else None
        if action == "confirm_range":
            return self.range_target is not None
        if action in ("toggle_times", "play"):
            views = self.query(TranscriptView)
            return True if views and views.first().has_times else None
        return True

    def help_extra(self) -> Text:
        """The codes and their digits (for F1 help)."""
        out = Text("codes", style="bold")
        out.append("  (digit: apply; letters are drawn for codes without a digit, use c to pick them)\n", style="dim")
        for code in codebook.tree_order(self.codes):
            indent = "  " if code.parent_id else ""
            out.append(indent)
            out.append_text(marker_text(self.chars.get(code.id, "?"), code.colour))
            out.append(f" {code.name}\n")
        return out

    def palette_commands(self):
        yield from super().palette_commands()
        for code in self.codes:
            yield (
                f"code: apply {code.name}",
                (lambda c=code: self.toggle(c)),
                f"apply (or remove) {code.name} on the selection or cursor line",
            )
