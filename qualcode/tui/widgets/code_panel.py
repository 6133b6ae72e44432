"""The Coding screen's side panel: the codebook (marker, name, count) and what is on the cursor line."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Code, Coding
from ...ranges import format_ranges
from .transcript_view import contrast


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
        self.update(text)


class LinePanel(Static):
    """The codings on the cursor line (with memos) and the definition of the highlighted code."""

    def show(self, line: int | None, codings: list[Coding], codes: dict[int, Code], chars: dict[int, str],
             coder: str, highlighted: Code | None, line_text: str = "") -> None:
        text = Text()
        text.append(f"Line {line}" if line is not None else "No lines", style="bold")
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
        self.update(text)
