"""The transcript as one ``ScrollView``: only visible lines are rendered (``render_line`` → ``Strip``).

A row is ``  57 │12   │R1  │text…``: line number, one marker slot per code
(the code's hotkey digit, or a letter for codes without one, on the code's
colour), the speaker at the start of each turn, and the text, cropped and
scrolled horizontally (the gutter stays put). The cursor line and the selection
are highlighted. The widget knows nothing about the project: the Coding screen
gives it lines and markers and listens to its messages.

Speed (a 20,000-line transcript, a key press every few milliseconds): the lines are kept in plain
lists; each drawn row (gutter, markers, speaker, text) is cached as a ``Strip`` without the cursor and
selection highlight, which are laid over it when the row is drawn. The cache is dropped as a whole
when the horizontal scroll, the width or the styles change, and per row when that row's markers,
suggestion or search hit change. Moving the cursor refreshes only the rows whose highlight changed
(the old and new cursor rows and the rows entering or leaving the selection), unless it scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Marker:
    """One code on one line: ``char`` is the hotkey digit (or a letter), ``mine`` False for other coders."""

    slot: int
    char: str
    colour: str
    mine: bool = True


def contrast(colour: str) -> str:
    """Black or white text on a ``#RRGGBB`` background."""
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#000000"
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#FFFFFF"


class TranscriptView(ScrollView, can_focus=True):
    """Numbered transcript lines with code markers, a cursor and a selection."""

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
    }
    """

    COMPONENT_CLASSES = {
        "transcript--gutter",
        "transcript--speaker",
        "transcript--cursor",
        "transcript--selection",
        "transcript--hit",
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
        Binding("left", "scroll_text(-8)", "Scroll text left", show=False, id="coding.left"),
        Binding("right", "scroll_text(8)", "Scroll text right", show=False, id="coding.right"),
    ]

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)

    class CursorMoved(Message):
        """The cursor moved to line index ``index`` (0-based row)."""

        def __init__(self, view: TranscriptView, index: int) -> None:
            super().__init__()
            self.view = view
            self.index = index

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.numbers: list[int] = []
        self.speakers: list[str] = []  # "" unless the line starts a turn
        self.texts: list[str] = []
        self.turns: list[int] = []
        self.times: list[str] = []  # "hh:mm:ss" per line ("" without a time code), shown when show_times
        self.starts: list[float | None] = []
        self.ends: list[float | None] = []
        self.show_times = False
        self.markers: dict[int, list[Marker]] = {}  # row index → markers
        # hook for code suggestions (widgets/suggestions.py): row index → the suggested code's marker char,
        # drawn dimmed in the gutter's separator column (a property: setting it redraws the changed rows)
        self._suggested: dict[int, str] = {}
        self.slots = 0
        self.anchor: int | None = None
        self.hits: list[int] = []
        self.hit_term = ""
        self._hit_set: set[int] = set()
        self._number_width = 4
        self._speaker_width = 0
        self._text_cache: dict[int, Strip] = {}
        self._row_cache: dict[int, Strip] = {}  # row index → the drawn row without cursor/selection
        self._row_cache_key: tuple = ()
        self._styles: dict[str, Style] | None = None
        self._longest = 0
        self._drag_from: int | None = None

    # ----------------------------------------------------------------- data in
    def set_lines(self, lines: list) -> None:
        """``lines`` as from :func:`qualcode.corpus.transcripts.lines` (``n, speaker, turn, text``; dicts or rows)."""
        self.numbers = [ln["n"] for ln in lines]
        self.texts = [ln["text"] or "" for ln in lines]
        self.turns = [ln["turn"] for ln in lines]
        self._set_times(lines)
        speakers, previous = [], None
        for ln in lines:
            speaker, turn = ln["speaker"], ln["turn"]
            starts = speaker and (turn, speaker) != previous
            speakers.append(speaker if starts else "")
            previous = (turn, speaker)
        self.speakers = speakers
        self._number_width = max(4, len(str(self.numbers[-1])) if self.numbers else 1)
        self._speaker_width = min(10, max(map(len, speakers), default=0))
        self._longest = max(map(len, self.texts), default=0)
        self._text_cache.clear()
        self._row_cache.clear()
        self.anchor = None
        self.set_reactive(TranscriptView.cursor, 0)
        self._update_virtual_size()
        self.refresh()

    def _set_times(self, lines: list) -> None:
        from qualcode.corpus.ingest.timecode import format_clock

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

    def set_markers(self, markers: dict[int, list[Marker]], slots: int) -> None:
        """New markers; only the rows whose markers changed are drawn again (all when ``slots`` changes)."""
        old, self.markers = self.markers, markers
        if slots != self.slots:
            self.slots = slots
            self._row_cache.clear()
            self._update_virtual_size()
            self.refresh()
            return
        changed = [row for row in old.keys() | markers.keys() if old.get(row) != markers.get(row)]
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
        """Forget the cached drawing of ``rows`` (indexes) and repaint those that are visible."""
        top = round(self.scroll_y)
        bottom = top + self.size.height
        for row in rows:
            self._row_cache.pop(row, None)
            if top <= row < bottom:
                self.refresh_line(row)

    @property
    def gutter_width(self) -> int:
        width = self._number_width + 1 + (self.slots + 1 if self.slots else 0) + 1 + (9 if self.show_times else 0)
        if self._speaker_width:
            width += self._speaker_width + 1
        return width

    def _update_virtual_size(self) -> None:
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
        if self.anchor is None:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

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
        if extend is True and self.anchor is None:
            self.anchor = self.cursor
        elif extend is False:
            self.anchor = None
        self.cursor = index
        self.scroll_cursor_visible(centre=centre)
        if self.scroll_y == old_top:  # scrolling repaints everything anyway
            self._refresh_highlight(old_cursor, old_selection)

    def _refresh_highlight(self, old_cursor: int, old_selection: tuple[int, int] | None) -> None:
        """Repaint the rows whose cursor or selection highlight changed (visible ones only)."""
        top = round(self.scroll_y)
        bottom = top + self.size.height
        rows = {old_cursor, self.cursor}
        new_selection = self.selection
        if old_selection != new_selection:
            in_old = range(old_selection[0], old_selection[1] + 1) if old_selection else range(0)
            in_new = range(new_selection[0], new_selection[1] + 1) if new_selection else range(0)
            for row in range(top, bottom):
                if (row in in_old) != (row in in_new):
                    rows.add(row)
        for row in rows:
            if top <= row < bottom:
                self.refresh_line(row)

    def watch_cursor(self, old: int, new: int) -> None:
        self.post_message(self.CursorMoved(self, new))

    def scroll_cursor_visible(self, *, centre: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if centre and not (top <= self.cursor < top + height):
            self.scroll_to(y=max(0, self.cursor - height // 3), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

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
        self.anchor = self.cursor
        self._refresh_highlight(self.cursor, old)

    def set_anchor(self, anchor: int | None) -> None:
        old = self.selection
        self.anchor = anchor
        self._refresh_highlight(self.cursor, old)

    def clear_selection(self) -> bool:
        if self.anchor is None:
            return False
        self.set_anchor(None)
        return True

    def action_scroll_text(self, delta: int) -> None:
        self.scroll_to(x=max(0, self.scroll_x + delta), animate=False, immediate=True)

    # ----------------------------------------------------------------- mouse
    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or not self.numbers:
            return None
        return max(0, min(len(self.numbers) - 1, round(self.scroll_y) + offset.y))

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
        if row != self._drag_from and self.anchor is None:
            self.anchor = self._drag_from
        if row != self.cursor:
            self.move_to(row)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        row = self._row_at(event)
        if row is not None and row != self._drag_from:
            if self.anchor is None:
                self.anchor = self._drag_from
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

    def _row_strip(self, index: int, width: int) -> Strip:
        """Row ``index`` drawn at ``width`` cells, without the cursor and selection highlight."""
        scroll_x = round(self.scroll_x)
        key = (width, scroll_x, self.slots, self._speaker_width, self._number_width, self.show_times)
        if key != self._row_cache_key:
            self._row_cache.clear()
            self._row_cache_key = key
        strip = self._row_cache.get(index)
        if strip is not None:
            return strip
        gutter_style = self._style("transcript--gutter")
        segments = [Segment(f"{self.numbers[index]:>{self._number_width}} ", gutter_style)]
        if self.show_times:
            segments.append(Segment(f"{self.times[index]:>8} ", gutter_style))
        if self.slots:
            cells = [Segment(" ")] * self.slots
            for m in self.markers.get(index, ()):
                if m.slot < self.slots:
                    if m.mine:
                        style = Style(bgcolor=m.colour, color=contrast(m.colour), bold=True)
                    else:
                        style = Style(color=m.colour, underline=True, italic=True)
                    cells[m.slot] = Segment(m.char, style)
            segments.extend(cells)
            suggested = self._suggested.get(index)  # suggestion hook: a dim marker char, no background
            segments.append(Segment(suggested, Style(dim=True, italic=True)) if suggested else Segment(" "))
        segments.append(Segment("│", gutter_style))
        if self._speaker_width:
            speaker = self.speakers[index][: self._speaker_width]
            segments.append(Segment(f"{speaker:<{self._speaker_width}} ", self._style("transcript--speaker")))
        gutter = Strip(segments)
        text_width = max(0, width - gutter.cell_length)
        text = self._text_strip(index).crop(scroll_x, scroll_x + text_width)
        strip = Strip.join([gutter, text]).extend_cell_length(width)
        if len(self._row_cache) > 1000:
            self._row_cache.clear()
        self._row_cache[index] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self._style("base")
        if index >= len(self.numbers) or index < 0:
            return Strip.blank(width, base)
        strip = self._row_strip(index, width)
        selection = self.selection
        if selection and selection[0] <= index <= selection[1]:
            strip = strip.apply_style(self._style("transcript--selection"))
        if index == self.cursor:
            strip = strip.apply_style(self._style("transcript--cursor"))
        return strip.apply_style(base)

    def refresh_visible(self) -> None:
        self.refresh(Region(0, 0, self.size.width, self.size.height))
