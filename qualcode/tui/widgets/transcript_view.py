"""The transcript as one ``ScrollView``: only visible lines are rendered (``render_line`` → ``Strip``).

A row is ``  57 │12   │R1  │text…``: line number, one marker slot per code
(the code's hotkey digit, or a letter for codes without one, on the code's
colour), optional coder lanes (one cell per other coder, their initial on the
colour of the code they put there) and a difference mark, the speaker at the
start of each turn, and the text. Long lines are wrapped at word boundaries
(the line number, speaker and lanes only on the first visual row; the code
markers continue on every row), or, with wrapping off (``w``), cropped and
scrolled horizontally while the gutter stays put. The cursor and the selection
are per stored line: every visual row of a line is highlighted together. The
widget knows nothing about the project: the Coding screen gives it lines and
markers and listens to its messages.

Speed (a 20,000-line transcript, a key press every few milliseconds): the lines are kept in plain
lists; each drawn visual row (gutter, markers, speaker, text) is cached as a ``Strip`` without the cursor and
selection highlight, which are laid over it when the row is drawn. The cache is dropped as a whole
when the horizontal scroll, the width or the styles change, and per row when that row's markers,
suggestion or search hit change. Wrapping keeps one list of prefix sums (stored line → first visual
row), rebuilt only when the text width changes; a visual row finds its line by bisection. Moving the cursor refreshes only the rows whose highlight changed
(the old and new cursor rows and the rows entering or leaving the selection), unless it scrolls.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

SPEAKER_CAP = 16  # the speaker column is as wide as the longest label, at most this
DIFFER_MARK = "≠"


@dataclass(frozen=True)
class Marker:
    """One code on one line: ``char`` is the hotkey digit (or a letter), ``mine`` False for other coders."""

    slot: int
    char: str
    colour: str
    mine: bool = True


@dataclass(frozen=True)
class Lane:
    """One coder's cell on one line: the coder's initial on the colour of (one of) the codes there."""

    char: str
    colour: str


def contrast(colour: str) -> str:
    """Black or white text on a ``#RRGGBB`` background."""
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#000000"
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#FFFFFF"


def wrap_starts(text: str, width: int) -> list[int]:
    """Offsets in ``text`` where each visual row starts when wrapped at word boundaries to ``width`` cells."""
    if width <= 0:
        return [0]
    if text.isascii():
        if len(text) <= width:
            return [0]
    elif cell_len(text) <= width:
        return [0]
    starts, start, n = [0], 0, len(text)
    while True:
        end = start + width
        if not text.isascii():  # keep wide characters inside the width
            while end > start + 1 and cell_len(text[start:end]) > width:
                end -= 1
        if end >= n:
            return starts
        space = text.rfind(" ", start, end + 1)
        start = space + 1 if space > start else end
        starts.append(start)


class TranscriptView(ScrollView, can_focus=True):
    """Numbered transcript lines with code markers, coder lanes, a cursor and a selection."""

    DEFAULT_CSS = """
    TranscriptView {
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
        & > .transcript--gutter { color: $text-muted; }
        & > .transcript--speaker { color: $text-primary; text-style: bold; }
        & > .transcript--cursor { background: $accent 35%; }
        & > .transcript--selection { background: $primary 30%; }
        & > .transcript--hit { background: $warning 50%; text-style: bold underline; }
        & > .transcript--differ { color: $error; text-style: bold; }
    }
    """

    COMPONENT_CLASSES = {
        "transcript--gutter",
        "transcript--speaker",
        "transcript--cursor",
        "transcript--selection",
        "transcript--hit",
        "transcript--differ",
    }

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="coding.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="coding.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="coding.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="coding.page_up"),
        Binding("home", "first", "First line", show=False, id="coding.home"),
        Binding("end", "last", "Last line", show=False, id="coding.end"),
        Binding("shift+down", "extend_down", "Extend selection down", show=False, id="coding.extend_down"),
        Binding("shift+up", "extend_up", "Extend selection up", show=False, id="coding.extend_up"),
        Binding("v", "start_selection", "Select", id="coding.select"),
        Binding("left", "scroll_text(-8)", "Scroll text left (wrap off)", show=False, id="coding.left"),
        Binding("right", "scroll_text(8)", "Scroll text right (wrap off)", show=False, id="coding.right"),
    ]

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)

    class CursorMoved(Message):
        """The cursor moved to line index ``index`` (0-based stored line)."""

        def __init__(self, view: TranscriptView, index: int) -> None:
            super().__init__()
            self.view = view
            self.index = index

    def __init__(
        self, *, wrap: bool = True, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.numbers: list[int] = []
        self.speakers: list[str] = []  # "" unless the line starts a turn
        self.texts: list[str] = []
        self.turns: list[int] = []
        self.times: list[str] = []  # "hh:mm:ss" per line ("" without a time code), shown when show_times
        self.starts: list[float | None] = []
        self.ends: list[float | None] = []
        self.show_times = False
        self.markers: dict[int, list[Marker]] = {}  # line index → markers
        self.lanes: dict[int, list[Lane | None]] = {}  # line index → one cell per lane
        self.differ: set[int] = set()  # line indexes where the shown coders differ
        self.lane_count = 0
        # hook for code suggestions (widgets/suggestions.py): line index → the suggested code's marker char,
        # drawn dimmed in the gutter's separator column (a property: setting it redraws the changed rows)
        self._suggested: dict[int, str] = {}
        self.slots = 0
        self.select_anchor: int | None = None
        self.hits: list[int] = []
        self.hit_term = ""
        self._hit_set: set[int] = set()
        self._number_width = 4
        self._speaker_width = 0
        self._text_cache: dict[int, Strip] = {}
        self._row_cache: dict[tuple[int, int], Strip] = {}  # (line, part) → the row without cursor/selection
        self._row_cache_key: tuple = ()
        self._styles: dict[str, Style] | None = None
        self._longest = 0
        self._drag_from: int | None = None
        self._wrap = wrap
        self._wrap_width = -1  # the text width the wrap below was made for
        self._starts: dict[int, list[int]] = {}  # line index → wrap offsets (only lines of 2+ rows)
        self._row_start: list[int] | None = None  # line index → first visual row (None: one row per line)
        self._pending_scroll: bool | None = None  # a scroll to the cursor waiting for the size (centre?)

    # ----------------------------------------------------------------- data in
    def set_lines(self, lines: list) -> None:
        """``lines`` as from :func:`qualcode.corpus.transcripts.lines` (``n, speaker, turn, text``; dicts or rows)."""
        self.numbers = [ln["n"] for ln in lines]
        self.texts = [ln["text"] or "" for ln in lines]
        self.turns = [ln["turn"] for ln in lines]
        self._set_times(lines)
        self.full_speakers = [ln["speaker"] or "" for ln in lines]
        speakers, previous = [], None
        for ln in lines:
            speaker, turn = ln["speaker"], ln["turn"]
            starts = speaker and (turn, speaker) != previous
            speakers.append(speaker if starts else "")
            previous = (turn, speaker)
        self.speakers = speakers
        self._number_width = max(4, len(str(self.numbers[-1])) if self.numbers else 1)
        self._speaker_width = min(SPEAKER_CAP, max(map(cell_len, speakers), default=0))
        self._longest = max(map(len, self.texts), default=0)
        self._text_cache.clear()
        self._row_cache.clear()
        self.select_anchor = None
        self._wrap_width = -1
        self.set_reactive(TranscriptView.cursor, 0)
        self._update_virtual_size()
        self.refresh()

    def _set_times(self, lines: list) -> None:
        from qualcode.timecode import format_clock

        def value(ln, key: str):
            try:
                return ln[key]
            except (KeyError, IndexError):
                return None

        self.starts = [value(ln, "start") for ln in lines]
        self.ends = [value(ln, "end") for ln in lines]
        self.times = [format_clock(start) for start in self.starts]

    @property
    def has_times(self) -> bool:
        return any(start is not None for start in self.starts)

    def set_show_times(self, show: bool) -> None:
        """Show or hide the time column (``hh:mm:ss`` of each line's start) in the gutter."""
        self.show_times = show
        self._row_cache.clear()
        self._update_virtual_size()
        self.refresh()

    def set_markers(
        self,
        markers: dict[int, list[Marker]],
        slots: int,
        lanes: dict[int, list[Lane | None]] | None = None,
        lane_count: int = 0,
        differ: set[int] | None = None,
    ) -> None:
        """New markers (and coder lanes); only the changed rows are drawn again (all when the gutter changes)."""
        old, self.markers = self.markers, markers
        old_lanes, self.lanes = self.lanes, lanes or {}
        old_differ, self.differ = self.differ, differ or set()
        if slots != self.slots or lane_count != self.lane_count:
            self.slots = slots
            self.lane_count = lane_count
            self._row_cache.clear()
            self._wrap_width = -1
            self._update_virtual_size()
            self.refresh()
            return
        changed = {row for row in old.keys() | markers.keys() if old.get(row) != markers.get(row)}
        changed.update(row for row in old_lanes.keys() | self.lanes.keys() if old_lanes.get(row) != self.lanes.get(row))
        changed.update(old_differ.symmetric_difference(self.differ))
        self.redraw_rows(changed)

    @property
    def suggested(self) -> dict[int, str]:
        return self._suggested

    @suggested.setter
    def suggested(self, value: dict[int, str]) -> None:
        old, self._suggested = self._suggested, value
        self.redraw_rows([row for row in old.keys() | value.keys() if old.get(row) != value.get(row)])

    def set_hits(self, term: str, hits: list[int]) -> None:
        changed = self._hit_set.symmetric_difference(hits) if term == self.hit_term else self._hit_set.union(hits)
        self.hit_term = term
        self.hits = hits
        self._hit_set = set(hits)
        for row in changed:
            self._text_cache.pop(row, None)
        self.redraw_rows(changed)

    def redraw_rows(self, rows) -> None:
        """Forget the cached drawing of lines ``rows`` (indexes) and repaint those that are visible."""
        for row in rows:
            for part in range(self.row_count(row)):
                self._row_cache.pop((row, part), None)
        self._refresh_lines(rows)

    def _refresh_lines(self, rows) -> None:
        top = round(self.scroll_y)
        bottom = top + self.size.height
        for row in rows:
            if not 0 <= row < len(self.numbers):
                continue
            first = self.first_row(row)
            count = self.row_count(row)
            if first < bottom and first + count > top:
                self.refresh_lines(first, count)

    # ------------------------------------------------------------------ wrap
    @property
    def wrap(self) -> bool:
        return self._wrap

    @wrap.setter
    def wrap(self, value: bool) -> None:
        if value == self._wrap:
            return
        line = self.cursor
        self._wrap = value
        self._wrap_width = -1
        self._row_cache.clear()
        self.scroll_to(x=0, animate=False, immediate=True)
        self._update_virtual_size()
        self.refresh()
        self.cursor = line
        self.call_after_refresh(self.scroll_cursor_visible, centre=True)

    @property
    def text_width(self) -> int:
        return max(1, self.scrollable_content_region.width - self.gutter_width)

    def _ensure_wrap(self) -> None:
        """Recompute the visual rows when wrapping and the text width changed."""
        if not self._wrap:
            if self._row_start is not None:
                self._row_start = None
                self._starts = {}
            return
        width = self.text_width
        if width == self._wrap_width and self._row_start is not None:
            return
        self._wrap_width = width
        starts: dict[int, list[int]] = {}
        row_start = [0] * (len(self.texts) + 1)
        total = 0
        for i, text in enumerate(self.texts):
            row_start[i] = total
            if len(text) > width or not text.isascii():
                offsets = wrap_starts(text, width)
                if len(offsets) > 1:
                    starts[i] = offsets
                total += len(offsets)
            else:
                total += 1
        row_start[len(self.texts)] = total
        self._starts = starts
        self._row_start = row_start
        self._row_cache.clear()

    def first_row(self, index: int) -> int:
        """The first visual row of stored line ``index``."""
        return index if self._row_start is None else self._row_start[index]

    def row_count(self, index: int) -> int:
        starts = self._starts.get(index) if self._row_start is not None else None
        return len(starts) if starts else 1

    def line_at_row(self, row: int) -> tuple[int, int]:
        """(stored line index, part) of visual row ``row``."""
        if self._row_start is None:
            return row, 0
        index = bisect_right(self._row_start, row) - 1
        index = max(0, min(len(self.texts) - 1, index))
        return index, row - self._row_start[index]

    @property
    def total_rows(self) -> int:
        return len(self.texts) if self._row_start is None else self._row_start[-1]

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        centre, self._pending_scroll = self._pending_scroll, None
        if centre is not None:
            self.call_after_refresh(self.scroll_cursor_visible, centre=centre)
        elif self._wrap:
            self.scroll_cursor_visible()

    @property
    def gutter_width(self) -> int:
        width = self._number_width + 1 + (self.slots + 1 if self.slots else 0) + 1 + (9 if self.show_times else 0)
        if self.lane_count:
            width += self.lane_count + 1
        if self._speaker_width:
            width += self._speaker_width + 1
        return width

    def _update_virtual_size(self) -> None:
        if self._wrap:
            if self.scrollable_content_region.width <= 0:
                self.virtual_size = Size(0, len(self.texts))
                return
            self._ensure_wrap()
            self.virtual_size = Size(self.scrollable_content_region.width, self.total_rows)
        else:
            self._ensure_wrap()
            self.virtual_size = Size(self.gutter_width + self._longest + 1, len(self.texts))

    # --------------------------------------------------------------- geometry
    def index_of(self, n: int) -> int | None:
        """Row index of line number ``n`` (lines are numbered 1… without gaps, but do not rely on it)."""
        if not self.numbers:
            return None
        guess = n - self.numbers[0]
        if 0 <= guess < len(self.numbers) and self.numbers[guess] == n:
            return guess
        try:
            return self.numbers.index(n)
        except ValueError:
            return None

    @property
    def cursor_line(self) -> int | None:
        return self.numbers[self.cursor] if self.numbers else None

    @property
    def selection(self) -> tuple[int, int] | None:
        """(first, last) row indexes of the selection, or None."""
        if self.select_anchor is None:
            return None
        return min(self.select_anchor, self.cursor), max(self.select_anchor, self.cursor)

    def selected_lines(self) -> list[int]:
        """Line numbers to code: the selection, or the cursor line."""
        if not self.numbers:
            return []
        first, last = self.selection or (self.cursor, self.cursor)
        return self.numbers[first : last + 1]

    # ---------------------------------------------------------------- cursor
    def move_to(self, index: int, *, extend: bool | None = None, centre: bool = False) -> None:
        """Move the cursor; ``extend=True`` starts/extends a selection, False clears it, None keeps it."""
        if not self.numbers:
            return
        index = max(0, min(len(self.numbers) - 1, index))
        old_cursor, old_selection, old_top = self.cursor, self.selection, self.scroll_y
        if extend is True and self.select_anchor is None:
            self.select_anchor = self.cursor
        elif extend is False:
            self.select_anchor = None
        self.cursor = index
        if self.size.height == 0:  # not laid out yet: scroll when the size is known (on_resize)
            self._pending_scroll = centre
            return
        self.scroll_cursor_visible(centre=centre)
        if self.scroll_y == old_top:  # scrolling repaints everything anyway
            self._refresh_highlight(old_cursor, old_selection)

    def _refresh_highlight(self, old_cursor: int, old_selection: tuple[int, int] | None) -> None:
        """Repaint the lines whose cursor or selection highlight changed (visible ones only)."""
        rows = {old_cursor, self.cursor}
        new_selection = self.selection
        if old_selection != new_selection:
            top, _ = self.line_at_row(round(self.scroll_y))
            bottom, _ = self.line_at_row(round(self.scroll_y) + self.size.height)
            in_old = range(old_selection[0], old_selection[1] + 1) if old_selection else range(0)
            in_new = range(new_selection[0], new_selection[1] + 1) if new_selection else range(0)
            for row in range(top, bottom + 1):
                if (row in in_old) != (row in in_new):
                    rows.add(row)
        self._refresh_lines(rows)

    def watch_cursor(self, old: int, new: int) -> None:
        self.post_message(self.CursorMoved(self, new))

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        centre, self._pending_scroll = self._pending_scroll, None
        if shown and centre is not None:
            self.call_after_refresh(self.scroll_cursor_visible, centre=centre)

    def scroll_cursor_visible(self, *, centre: bool = False) -> None:
        if not self.numbers:
            return
        if not self.allow_vertical_scroll and self.virtual_size.height > self.size.height:
            # new lines arrived after the last layout: scrolling exists once the scrollbar does (the watcher)
            self._pending_scroll = centre
            return
        if self._wrap and (self._row_start is None or self.text_width != self._wrap_width):
            self._update_virtual_size()
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        first = self.first_row(self.cursor)
        last = first + self.row_count(self.cursor) - 1
        if centre and not (top <= first and last < top + height):
            self.scroll_to(y=max(0, first - height // 3), animate=False, immediate=True)
        elif first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=min(first, last - height + 1), animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def _page_lines(self, forward: bool) -> int:
        """How many stored lines one screen holds from the cursor on (wrapped lines take several rows)."""
        height = max(1, self.scrollable_content_region.height - 1)
        if self._row_start is None:
            return height
        target_row = self.first_row(self.cursor) + (height if forward else -height)
        index, _ = self.line_at_row(max(0, min(self.total_rows - 1, target_row)))
        return max(1, abs(index - self.cursor))

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._page_lines(True))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._page_lines(False))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.numbers) - 1)

    def action_extend_down(self) -> None:
        self.move_to(self.cursor + 1, extend=True)

    def action_extend_up(self) -> None:
        self.move_to(self.cursor - 1, extend=True)

    def action_start_selection(self) -> None:
        old = self.selection
        self.select_anchor = self.cursor
        self._refresh_highlight(self.cursor, old)

    def set_anchor(self, anchor: int | None) -> None:
        old = self.selection
        self.select_anchor = anchor
        self._refresh_highlight(self.cursor, old)

    def select_span(self, first: int, last: int) -> None:
        """Select stored lines ``first``..``last`` with the cursor on ``last``."""
        old_cursor, old = self.cursor, self.selection
        self.select_anchor = first
        self.cursor = last
        self.scroll_cursor_visible()
        self._refresh_highlight(old_cursor, old)

    def clear_selection(self) -> bool:
        if self.select_anchor is None:
            return False
        self.set_anchor(None)
        return True

    def action_scroll_text(self, delta: int) -> None:
        if not self._wrap:
            self.scroll_to(x=max(0, self.scroll_x + delta), animate=False, immediate=True)

    # ----------------------------------------------------------------- mouse
    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or not self.numbers:
            return None
        row = max(0, min(self.total_rows - 1, round(self.scroll_y) + offset.y))
        return self.line_at_row(row)[0]

    def on_mouse_down(self, event: events.MouseDown) -> None:
        row = self._row_at(event)
        if row is None or event.button != 1:
            return
        self.focus()
        self._drag_from = row
        self.capture_mouse()
        self.move_to(row, extend=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None:
            return
        row = self._row_at(event)
        if row is None:
            return
        if row != self._drag_from and self.select_anchor is None:
            self.select_anchor = self._drag_from
        if row != self.cursor:
            self.move_to(row)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        row = self._row_at(event)
        if row is not None and row != self._drag_from:
            if self.select_anchor is None:
                self.select_anchor = self._drag_from
            self.move_to(row)
        self._drag_from = None
        self.release_mouse()

    # ---------------------------------------------------------------- render
    def _text_strip(self, index: int) -> Strip:
        strip = self._text_cache.get(index)
        if strip is None:
            text = self.texts[index]
            if index in self._hit_set and self.hit_term:
                hit_style = self._style("transcript--hit")
                segments, lower, term, pos = [], text.casefold(), self.hit_term.casefold(), 0
                while term and (found := lower.find(term, pos)) >= 0:
                    segments.append(Segment(text[pos:found]))
                    segments.append(Segment(text[found : found + len(term)], hit_style))
                    pos = found + len(term)
                segments.append(Segment(text[pos:]))
                strip = Strip([s for s in segments if s.text])
            else:
                strip = Strip([Segment(text)])
            if len(self._text_cache) > 2000:
                self._text_cache.clear()
            self._text_cache[index] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._text_cache.clear()
        self._row_cache.clear()

    def _style(self, name: str) -> Style:
        styles = self._styles
        if styles is None:
            styles = self._styles = {"base": self.rich_style}
            for component in self.COMPONENT_CLASSES:
                styles[component] = self.get_component_rich_style(component, partial=True)
        return styles[name]

    def _gutter(self, index: int, part: int) -> Strip:
        gutter_style = self._style("transcript--gutter")
        number = f"{self.numbers[index]:>{self._number_width}} " if part == 0 else " " * (self._number_width + 1)
        segments = [Segment(number, gutter_style)]
        if self.show_times:
            segments.append(Segment(f"{self.times[index]:>8} " if part == 0 else " " * 9, gutter_style))
        if self.slots:
            cells = [Segment(" ")] * self.slots
            for m in self.markers.get(index, ()):
                if m.slot < self.slots:
                    if m.mine:
                        style = Style(bgcolor=m.colour, color=contrast(m.colour), bold=True)
                    else:
                        style = Style(color=m.colour, underline=True, italic=True)
                    cells[m.slot] = Segment(m.char if part == 0 else " ", style)
            segments.extend(cells)
            suggested = self._suggested.get(index) if part == 0 else None  # suggestion hook: a dim marker char
            segments.append(Segment(suggested, Style(dim=True, italic=True)) if suggested else Segment(" "))
        if self.lane_count:
            cells = [Segment(" ")] * self.lane_count
            for i, lane in enumerate(self.lanes.get(index, ())[: self.lane_count]):
                if lane is not None:
                    style = Style(bgcolor=lane.colour, color=contrast(lane.colour), bold=True)
                    cells[i] = Segment(lane.char if part == 0 else " ", style)
            segments.extend(cells)
            mark = DIFFER_MARK if index in self.differ and part == 0 else " "
            segments.append(Segment(mark, self._style("transcript--differ")))
        segments.append(Segment("│", gutter_style))
        if self._speaker_width:
            speaker = self.speakers[index] if part == 0 else ""
            if cell_len(speaker) > self._speaker_width:
                speaker = speaker[: self._speaker_width - 1] + "…"
            segments.append(Segment(f"{speaker:<{self._speaker_width}} ", self._style("transcript--speaker")))
        return Strip(segments)

    def _row_strip(self, index: int, part: int, width: int) -> Strip:
        """Visual row ``part`` of line ``index`` drawn at ``width`` cells, without the cursor and selection."""
        scroll_x = 0 if self._wrap else round(self.scroll_x)
        key = (
            width,
            scroll_x,
            self.slots,
            self.lane_count,
            self._speaker_width,
            self._number_width,
            self._wrap,
            self.show_times,
        )
        if key != self._row_cache_key:
            self._row_cache.clear()
            self._row_cache_key = key
        strip = self._row_cache.get((index, part))
        if strip is not None:
            return strip
        gutter = self._gutter(index, part)
        text_width = max(0, width - gutter.cell_length)
        full = self._text_strip(index)
        starts = self._starts.get(index) if self._wrap else None
        if starts:
            text = self.texts[index]
            begin = cell_len(text[: starts[part]]) if not text.isascii() else starts[part]
            end_offset = starts[part + 1] if part + 1 < len(starts) else len(text)
            end = cell_len(text[:end_offset]) if not text.isascii() else end_offset
            text_strip = full.crop(begin, end)
        else:
            text_strip = full.crop(scroll_x, scroll_x + text_width)
        strip = Strip.join([gutter, text_strip.crop(0, text_width)]).extend_cell_length(width)
        if len(self._row_cache) > 1000:
            self._row_cache.clear()
        self._row_cache[(index, part)] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._style("base")
        if self._wrap:
            self._ensure_wrap()
        row = round(self.scroll_y) + y
        if row >= self.total_rows or row < 0 or not self.numbers:
            return Strip.blank(width, base)
        index, part = self.line_at_row(row)
        strip = self._row_strip(index, part, width)
        selection = self.selection
        if selection and selection[0] <= index <= selection[1]:
            strip = strip.apply_style(self._style("transcript--selection"))
        if index == self.cursor:
            strip = strip.apply_style(self._style("transcript--cursor"))
        return strip.apply_style(base)

    def refresh_visible(self) -> None:
        self.refresh(Region(0, 0, self.size.width, self.size.height))
