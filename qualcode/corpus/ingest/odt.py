"""OpenDocument text (.odt): paragraphs, headings, lists and tables of ``content.xml``.

The archive is checked (:func:`qualcode.archives.open_zip`) and its XML parsed with
defusedxml (:func:`qualcode.archives.parse_xml`), which refuses entity declarations;
odfpy's own loader uses an unhardened SAX parser, so it is not used on untrusted files.
Notes, comments (``office:annotation``), text boxes and the text of tracked deletions are
left out, each with a notice; headers and footers (in ``styles.xml``) too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from qualcode.archives import open_zip, parse_xml
from qualcode.corpus.ingest.blocks import Block
from qualcode.errors import InputError

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
MIMETYPE = b"application/vnd.oasis.opendocument.text"


class _Counts:
    def __init__(self) -> None:
        self.notes = self.annotations = self.frames = self.changes = 0


def _inline(element, counts: _Counts) -> Iterator[str]:
    """Text of a paragraph in order: spaces (``text:s``), tabs and line breaks expanded; notes left out."""
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if tag == TEXT + "s":
            yield " " * int(child.get(TEXT + "c", "1") or 1)
        elif tag == TEXT + "tab":
            yield "\t"
        elif tag == TEXT + "line-break":
            yield "\n"
        elif tag == TEXT + "note":
            counts.notes += 1
        elif tag == OFFICE + "annotation":
            counts.annotations += 1
        elif tag == OFFICE + "annotation-end":
            pass
        elif tag == DRAW + "frame":
            counts.frames += 1
        elif tag in (TEXT + "change", TEXT + "change-start", TEXT + "change-end"):
            counts.changes += 1
        else:
            yield from _inline(child, counts)
        if child.tail:
            yield child.tail


def _blocks(element, counts: _Counts) -> Iterator[Block]:
    for child in element:
        tag = child.tag
        if tag in (TEXT + "p", TEXT + "h"):
            yield "p", "".join(_inline(child, counts))
        elif tag in (TEXT + "list", TEXT + "list-item", TEXT + "section", TEXT + "list-header"):
            yield from _blocks(child, counts)
        elif tag == TEXT + "tracked-changes":
            counts.changes += len(list(child))
        elif tag == TABLE + "table":
            for row in child.iter(TABLE + "table-row"):
                cells = []
                for cell in row.findall(TABLE + "table-cell"):
                    cells.append(" ".join("".join(_inline(p, counts)) for p in cell.iter(TEXT + "p")))
                yield "row", cells


def read_odt_blocks(path, data: bytes) -> tuple[list[Block], list[str]]:
    """Blocks of an .odt and the notices about what was left out."""
    with open_zip(path, what=".odt file", data=data) as archive:
        member = archive.find("content.xml")
        mimetype = archive.find("mimetype")
        if member is None or (mimetype and archive.read(mimetype).strip() != MIMETYPE):
            raise InputError("not an OpenDocument text file (no content.xml or another mimetype)", path=path)
        root = parse_xml(archive.read(member), path=path, member="content.xml")
        styles_name = archive.find("styles.xml")
        styles = parse_xml(archive.read(styles_name), path=path, member="styles.xml") if styles_name else None
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise InputError("not an OpenDocument text file (no office:text body)", path=path)
    counts = _Counts()
    blocks = list(_blocks(body, counts))
    notices = []
    if counts.annotations:
        notices.append(f"{counts.annotations} comment(s) not imported")
    if counts.notes:
        notices.append(f"{counts.notes} footnote(s)/endnote(s) not imported")
    if counts.frames:
        notices.append(f"{counts.frames} frame(s)/text box(es) not imported")
    if counts.changes:
        notices.append("tracked changes taken as accepted (deleted text left out)")
    if styles is not None:
        parts = [e for tag in ("header", "footer") for e in styles.iter(STYLE + tag) if "".join(e.itertext()).strip()]
        if parts:
            notices.append("text in page headers/footers not imported")
    return blocks, notices


def odt_paragraphs(data: bytes, *, path) -> list[str]:
    """The text of every paragraph and heading of an .odt (tables cell by cell), in order (REFI-QDA sources)."""
    blocks, _notices = read_odt_blocks(path, data)
    out: list[str] = []
    for kind, value in blocks:
        if kind == "p":
            out.append(cast(str, value))
        else:
            out.extend(cast(list[str], value))
    return out
