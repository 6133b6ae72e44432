"""OpenDocument text (.odt): paragraphs and headings wrapped into numbered lines, like .docx.

A minimal reader (odfpy, imported lazily) so REFI-QDA sources stored as .odt go
through the same ingest as a Word transcript.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from qualcode.errors import InputError
from qualcode.model import ParsedTranscript


def _walk(node) -> Iterator:
    for child in node.childNodes:
        if getattr(child, "qname", None) is None:
            continue
        if child.qname[1] in ("p", "h"):
            yield child
        else:
            yield from _walk(child)


def odt_paragraphs(data: bytes, *, path: str | Path) -> list[str]:
    """The text of every paragraph and heading of an .odt, in document order."""
    from odf import teletype
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
        return [teletype.extractText(p) for p in _walk(document.text)]
    except Exception as exc:  # odfpy raises many kinds on damaged files
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"damaged .odt file ({detail})", path=path) from None


def read_odt(path: str | Path, data: bytes, *, name: str, wrap: int = 80) -> ParsedTranscript:
    """An .odt file's bytes → transcript; each paragraph wrapped at ``wrap`` columns."""
    from qualcode.corpus.ingest.docx import paragraphs_transcript

    return paragraphs_transcript(odt_paragraphs(data, path=path), path=path, name=name, wrap=wrap, encoding="odt")
