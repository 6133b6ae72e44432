"""Plain-text transcripts (.txt, .md): one physical line is one numbered line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcode.corpus.ingest.build import build_transcript
from qualcode.corpus.ingest.decode import (
    decode_text,
    line_warnings,
    needs_line_cleaning,
    normalise_line,
    normalise_newlines,
)
from qualcode.corpus.ingest.numbering import detect_numbering
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript


def physical_lines(text: str) -> list[str]:
    """Split on LF; a final newline does not make an extra empty line."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def parse_text(
    text: str,
    *,
    name: str,
    source: str,
    encoding: str = "utf-8",
    path: str | Path | None = None,
    detect_numbers: bool = True,
    rule=None,
    numbers: Sequence[int] | None = None,
    physical: list[str] | None = None,
) -> ParsedTranscript:
    """Already-decoded transcript text → :class:`ParsedTranscript`.

    Line endings are normalised, control characters removed (and reported),
    each line NFC-normalised, then line numbers decided: line N is the Nth
    physical line, unless every non-blank line carries its own increasing number
    (then those numbers are used and blank lines dropped). ``numbers`` are line
    numbers the source states for its physical lines (a REFI-QDA export of a
    numbered transcript); they are used when there is one per line. Errors name
    ``path`` (default: ``source``). ``physical``: the caller's ``physical_lines(normalise_newlines(text))``
    when it has split the text already (the list is cleaned in place).
    """
    where = source if path is None else path
    lines = physical_lines(normalise_newlines(text)) if physical is None else physical
    notes: list[tuple[int, int, int]] = []  # (index, control chars removed, separators replaced)
    if needs_line_cleaning("\n".join(lines)):
        for index, line in enumerate(lines):
            line, removed, separators = normalise_line(line)
            lines[index] = line
            if removed or separators:
                notes.append((index, removed, separators))
    if not any(line.strip() for line in lines):
        raise InputError("the file is empty (only whitespace)" if text.strip() else "the file is empty", path=where)

    numbered = detect_numbering(lines) if detect_numbers else None
    if numbers is not None and len(numbers) == len(lines):
        numbered = [(index, number, line) for index, (number, line) in enumerate(zip(numbers, lines))]
    if numbered is None:
        entries = list(enumerate(lines, start=1))
    else:
        entries = [(number, rest) for _, number, rest in numbered]

    warnings: list[str] = []
    if notes:  # the number each cleaned physical line got (or none: a blank line dropped from a numbered file)
        number_of = (
            {index: index + 1 for index in range(len(lines))}
            if numbered is None
            else {index: number for index, number, _ in numbered}
        )
    for index, removed, separators in notes:
        where_in_file = f"line {number_of[index]}" if index in number_of else f"file line {index + 1} (blank, dropped)"
        warnings.extend(line_warnings(where_in_file, removed, separators))
    return build_transcript(
        entries,
        name=name,
        source=source,
        encoding=encoding,
        numbered=numbered is not None,
        warnings=warnings,
        rule=rule,
    )


def read_txt(path: str | Path, data: bytes, *, name: str, encoding: str | None = None) -> ParsedTranscript:
    """Decode a .txt/.md file's bytes (``encoding``: the user's choice) and parse them.

    How the encoding was decided, when the file was not clean UTF-8, is the first warning.
    """
    decoded = decode_text(data, path=path, encoding=encoding)
    parsed = parse_text(decoded.text, name=name, source=Path(path).name, encoding=decoded.encoding, path=path)
    parsed.warnings[:0] = [f"encoding: {note}" for note in decoded.notes]
    return parsed
