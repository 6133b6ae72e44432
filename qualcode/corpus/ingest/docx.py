"""Word transcripts (.docx): paragraphs wrapped at a fixed width into numbered lines.

The archive is checked by :mod:`qualcode.archives` before python-docx sees it (member
paths, member count, member and total size, compression ratio; then DOCTYPE/ENTITY
declarations), and the text it holds is limited like a plain-text transcript's. python-docx is
imported only when a .docx is read, to keep start-up fast.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qualcode.corpus.ingest.build import build_transcript
from qualcode.corpus.ingest.decode import MAX_TEXT_CHARS, line_warnings, normalise_line, normalise_newlines
from qualcode.corpus.ingest.speakers import match_label
from qualcode.errors import InputError
from qualcode.model import ParsedTranscript

_XML_DECLARATIONS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_archive(data: bytes, *, path: str | Path) -> None:
    """Refuse a .docx that is not a safe, plausible Word archive (raises InputError).

    The ZIP checks and size limits are :mod:`qualcode.archives`' policy
    (:data:`~qualcode.archives.DOCX_LIMITS`), decided from the archive's directory
    before anything is unpacked; then no XML part may declare a DOCTYPE or ENTITY.
    """
    from qualcode.archives import DOCX_LIMITS, open_zip

    with open_zip(path, what=".docx file", data=data, **DOCX_LIMITS) as archive:
        if archive.find("word/document.xml", ignore_case=False) is None:
            raise InputError("damaged .docx file (no word/document.xml)", path=path)
        for name in archive.names():
            if not name.lower().endswith((".xml", ".rels")):
                continue
            content = archive.read(name)
            if any(marker in content for marker in _XML_DECLARATIONS):
                raise InputError(f"refusing .docx whose {name} declares a DOCTYPE or ENTITY", path=path)


def _run_text(run) -> Iterator[str]:
    for child in run:
        tag = child.tag
        if tag == _W + "t":
            yield child.text or ""
        elif tag in (_W + "tab", _W + "ptab"):
            yield "\t"
        elif tag == _W + "br":
            # a line break splits the line; page and column breaks do not
            if child.get(_W + "type") in (None, "textWrapping"):
                yield "\n"
        elif tag == _W + "cr":
            yield "\n"
        elif tag == _W + "noBreakHyphen":
            yield "-"


_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "del", _W + "moveFrom", _W + "sdtPr", _W + "sdtEndPr"}


def _paragraph_text(element) -> Iterator[str]:
    """Text of a ``w:p`` in document order, tracked insertions in, deletions out."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _SKIP_IN_PARAGRAPH:
            continue
        if child.tag == _W + "r":
            yield from _run_text(child)
        else:  # w:hyperlink, w:ins, w:moveTo, w:smartTag, w:sdt, w:fldSimple, w:customXml, …
            yield from _paragraph_text(child)


def _block_paragraphs(element) -> Iterator[str]:
    """Paragraph texts of a body or table cell: paragraphs, tables (row by row, cell by cell), content controls."""
    for child in element:
        tag = child.tag
        if tag == _W + "p":
            yield "".join(_paragraph_text(child))
        elif tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):  # nested tables are read through their cell
                for cell in row.iterchildren(_W + "tc"):
                    yield from _block_paragraphs(cell)
        elif tag in (_W + "sdt", _W + "customXml"):
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _block_paragraphs(content)
            if tag == _W + "customXml":
                yield from _block_paragraphs(child)


def wrap_segment(segment: str, width: int) -> list[str]:
    """Wrap one line of a paragraph at ``width`` columns; a speaker label stays whole on the first line."""
    if not segment.strip():
        return [""]
    options: dict[str, Any] = dict(
        width=width, break_long_words=True, break_on_hyphens=False, expand_tabs=False, replace_whitespace=False
    )
    label = match_label(segment)
    if label is not None:
        prefix, body = segment[: label[1]], segment[label[1] :]
        if not body.strip():
            return [segment.rstrip()]
        return textwrap.TextWrapper(initial_indent=prefix, **options).wrap(body)
    return textwrap.TextWrapper(**options).wrap(segment)


def docx_paragraphs(data: bytes, *, path: str | Path) -> list[str]:
    """The text of every body paragraph of a checked .docx (tables cell by cell), in order."""
    check_archive(data, path=path)
    import docx  # python-docx: imported lazily, it is slow to import

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_block_paragraphs(document.element.body))
    except Exception as exc:  # python-docx raises many kinds on damaged parts
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"damaged .docx file ({detail})", path=path) from None
    size = sum(len(paragraph) for paragraph in paragraphs)
    if size > MAX_TEXT_CHARS:
        raise InputError(
            f"refusing a .docx with {size:,} characters of text (limit {MAX_TEXT_CHARS:,}; "
            "a long transcript has 5 million)",
            path=path,
        )
    return paragraphs


def read_docx(path: str | Path, data: bytes, *, name: str, wrap: int = 80, rule=None) -> ParsedTranscript:
    """A .docx file's bytes → transcript; each body paragraph wrapped at ``wrap`` columns."""
    if wrap < 1:
        raise InputError(f"wrap width must be at least 1 column, not {wrap}", path=path)
    paragraphs = docx_paragraphs(data, path=path)
    return paragraphs_transcript(paragraphs, path=path, name=name, wrap=wrap, encoding="docx", rule=rule)


def paragraphs_transcript(
    paragraphs: list[str], *, path: str | Path, name: str, wrap: int, encoding: str, rule=None
) -> ParsedTranscript:
    """Paragraph texts (.docx, .odt) → transcript; each paragraph wrapped at ``wrap`` columns."""
    lines: list[str] = []
    warnings: list[str] = []
    for paragraph in paragraphs:
        for segment in normalise_newlines(paragraph).split("\n"):
            segment, removed, separators = normalise_line(segment)
            warnings.extend(line_warnings(f"line {len(lines) + 1}", removed, separators))
            lines.extend(wrap_segment(segment, wrap))
    if not any(line.strip() for line in lines):
        raise InputError("the file is empty (no text in the document body)", path=path)
    return build_transcript(
        [(index + 1, line) for index, line in enumerate(lines)],
        name=name,
        source=Path(path).name,
        encoding=encoding,
        warnings=warnings,
        rule=rule,
    )
