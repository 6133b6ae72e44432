"""Word (.docx) beyond plain paragraphs: speaker tables and tool layouts (Teams, Amberscript),
and notices for what a transcript's Word file holds that the lines do not.

Notices: comments, footnotes/endnotes, headers/footers with text, text boxes (none of
them imported), tracked changes (taken as accepted: insertions in, deletions out).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from qualcode.corpus.ingest.blocks import Block
from qualcode.corpus.ingest.docx import _W, _paragraph_text

_COMMENT_RE = re.compile(rb"<w:comment\b")
_NOTE_RE = re.compile(
    rb"<w:(footnote|endnote)\b(?![^>]*w:type=\"(?:separator|continuationSeparator|continuationNotice)\")"
)
_TEXT_RE = re.compile(rb"<w:t(?:\s[^>]*)?>[^<]*\S")
_TXBX_RE = re.compile(rb"<w:txbxContent\b")
_INS_RE = re.compile(rb"<w:(ins|moveTo)\b")
_DEL_RE = re.compile(rb"<w:(del|moveFrom)\b")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def docx_notices(data: bytes) -> list[str]:
    """One line for each kind of content the import leaves out or decides on (archive checked already)."""
    notices: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()

        def read(name: str) -> bytes:
            return archive.read(name) if name in names else b""

        comments = len(_COMMENT_RE.findall(read("word/comments.xml")))
        if comments:
            notices.append(f"{_plural(comments, 'Word comment')} not imported")
        notes = len(_NOTE_RE.findall(read("word/footnotes.xml"))) + len(_NOTE_RE.findall(read("word/endnotes.xml")))
        if notes:
            notices.append(f"{_plural(notes, 'footnote')}/endnotes not imported")
        parts = [n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
        with_text = sorted({n[5:11] for n in parts if _TEXT_RE.search(read(n))})
        if with_text:
            notices.append(f"text in the page {' and '.join(with_text)}s not imported")
        body = read("word/document.xml")
        boxes = len(_TXBX_RE.findall(body))
        if boxes:
            notices.append(f"{_plural(boxes, 'text box')} not imported")
        inserted, deleted = len(_INS_RE.findall(body)), len(_DEL_RE.findall(body))
        if inserted or deleted:
            notices.append(
                f"tracked changes taken as accepted ({_plural(inserted, 'insertion')} kept, "
                f"{_plural(deleted, 'deletion')} left out)"
            )
    return notices


def docx_blocks(body) -> Iterator[Block]:
    """Paragraphs and table rows of a document body, in order (a cell's paragraphs joined by spaces)."""
    for child in body:
        tag = child.tag
        if tag == _W + "p":
            yield "p", "".join(_paragraph_text(child))
        elif tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                cells = []
                for cell in row.iterchildren(_W + "tc"):
                    cells.append(" ".join("".join(_paragraph_text(p)) for p in cell.iterchildren(_W + "p")))
                yield "row", cells
        elif tag in (_W + "sdt", _W + "customXml"):
            for content in child.iterchildren(_W + "sdtContent"):
                yield from docx_blocks(content)
            if tag == _W + "customXml":
                yield from docx_blocks(child)


def read_blocks(data: bytes) -> list[Block]:
    import docx  # python-docx, lazily

    document = docx.Document(io.BytesIO(data))
    return list(docx_blocks(document.element.body))
