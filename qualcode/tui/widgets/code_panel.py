"""The Coding screen's side panel: the codebook (marker, name, count) and what is on the cursor line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.visual import visualize
from textual.widgets import Static

from qualcode.model import Code, Coding
from qualcode.ranges import format_ranges
from qualcode.tui.widgets.transcript_view import contrast

if TYPE_CHECKING:
    from textual.timer import Timer


def marker_chars(codes: list[Code]) -> dict[int, str]:
    """Code id → the character drawn in the gutter: the hotkey digit, else a letter (a, b, …)."""
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    out = {}
    for c in codes:
        out[c.id] = str(c.hotkey) if c.hotkey is not None else next(letters, "*")
    return out


def marker_text(char: str, colour: str, mine: bool = True) -> Text:
    if mine:
        return Text(f" {char} ", style=f"bold {contrast(colour)} on {colour}")
    return Text(f" {char} ", style=f"italic underline {colour}")


def update_text(widget: Static, text: Text) -> None:
    """Show ``text`` in ``widget``: nothing when it is unchanged, and a layout pass (which re-arranges and
    repaints the whole screen) only when the widget's height changes."""
    if getattr(widget, "_shown_text", None) == text:
        return
    cast(Any, widget)._shown_text = text  # remembered on the widget itself
    width = widget.size.width
    same_height = (
        width > 0
        # (the ignore: Textual passes widget.styles to get_height itself; its RulesMap annotation is too narrow)
        and visualize(widget, text, markup=False).get_height(widget.styles, width)  # type: ignore[arg-type]
        == widget.size.height
    )
    widget.update(text, layout=not same_height)


class CodebookPanel(Static):
    """Every code with its marker and the number of this coder's codings in this transcript."""

    def show(self, codes: list[Code], chars: dict[int, str], counts: dict[int, int]) -> None:
        text = Text()
        text.append("Codes", style="bold")
        text.append("  (1-9 apply, c pick)\n", style="dim")
        parents = {c.id: c.parent_id for c in codes}
        for c in codes:
            indent = "  " if parents.get(c.id) else ""
            text.append(indent)
            text.append_text(marker_text(chars[c.id], c.colour))
            text.append(f" {c.name}")
            n = counts.get(c.id, 0)
            if n:
                text.append(f"  {n}", style="dim")
            text.append("\n")
        update_text(self, text)


class LinePanel(Static):
    """The codings on the cursor line (with memos) and the definition of the highlighted code.

    The cursor moves faster than a layout pass takes (key repeat), so :meth:`show` only remembers the
    newest content and draws it ``DELAY`` seconds after the first change: a burst of moves costs one
    redraw. :attr:`pending` is True while a redraw is waiting. The panel keeps the tallest height it
    has needed (blank lines below shorter content), so the panels under it stay put and moving the
    cursor does not re-arrange the screen each time.
    """

    DELAY = 0.05

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending: Text | None = None
        self._timer: Timer | None = None
        self._reserved = (0, 0)  # (width, lines) the panel keeps

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def _flush(self) -> None:
        self._timer = None
        text, self._pending = self._pending, None
        if text is None:
            return
        width = self.size.width
        if width:  # measured once per burst of moves, not per move
            height = visualize(self, text, markup=False).get_height(self.styles, width)  # type: ignore[arg-type]  # as above
            reserved = self._reserved[1] if self._reserved[0] == width else 0
            if height < reserved:
                text = text + "\n" * (reserved - height)
            self._reserved = (width, max(height, reserved))
        update_text(self, text)

    def _later(self, text: Text) -> None:
        self._pending = text
        if self._timer is None:
            self._timer = self.set_timer(self.DELAY, self._flush)

    def show(
        self,
        line: int | None,
        codings: list[Coding],
        codes: dict[int, Code],
        chars: dict[int, str],
        coder: str,
        highlighted: Code | None,
        line_text: str = "",
        speaker: str = "",
    ) -> None:
        text = Text()
        text.append(f"Line {line}" if line is not None else "No lines", style="bold")
        if speaker:
            text.append(f"  {speaker}", style="bold")  # the full label (the gutter column may cut it)
        text.append("\n")
        if line_text.strip():
            text.append(line_text.strip() + "\n", style="italic")
        if not codings:
            text.append("not coded\n", style="dim")
        for c in codings:
            code = codes.get(c.code_id)
            colour = code.colour if code else "#888888"
            text.append_text(marker_text(chars.get(c.code_id, "?"), colour, c.coder == coder))
            text.append(f" {c.code} {format_ranges(c.ranges)}")
            if c.coder != coder:
                text.append(f" ({c.coder})", style="italic")
            text.append("\n")
            if c.memo:
                text.append(f"   memo: {c.memo}\n", style="italic")
        if highlighted is not None:
            text.append("\n")
            text.append(highlighted.name, style="bold")
            text.append("\n")
            if highlighted.definition:
                text.append(highlighted.definition + "\n")
            if highlighted.include:
                text.append("+ ", style="bold green")
                text.append(highlighted.include + "\n", style="dim")
            if highlighted.exclude:
                text.append("- ", style="bold red")
                text.append(highlighted.exclude + "\n", style="dim")
        self._later(text)
