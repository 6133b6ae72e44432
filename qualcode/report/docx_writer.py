"""Fast paragraph and table writing for python-docx documents, on the XML level.

python-docx's ``add_paragraph(text, style=…)`` costs about a millisecond: it
looks the style up by name (an XPath search over ``styles.xml``) and builds the
paragraph element by element through proxy objects. A 10,000-quote report
written that way takes seconds. :class:`DocWriter` instead

* resolves every style name to its style id **once** (:meth:`DocWriter.style_id`),
  with fallbacks when a template lacks a style (``Quote`` → ``Intense Quote`` …),
  and records a warning saying so;
* renders paragraphs and tables as WordprocessingML text fragments and parses
  them in batches with python-docx's own parser (so the elements are the usual
  ``CT_P``/``CT_Tbl`` classes), inserting them before the body's ``w:sectPr``;
* removes characters Word's XML cannot hold (control characters, via
  :func:`qualcode.corpus.ingest.decode.clean_control_chars`) and counts them
  (:attr:`DocWriter.removed`), so an export never crashes on them.

Everything written uses real Word styles (``Title``, ``Heading 1``, ``Quote``,
``Table Grid``, ``Caption``…): no direct formatting except bold table headers,
so an author's template restyles the whole document.

Mixing with python-docx calls is fine: call :meth:`DocWriter.flush` before using
the python-docx API on the same document (``add_picture`` …) so the order holds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from xml.sax.saxutils import escape as xml_escape

from qualcode.corpus.ingest.decode import clean_control_chars
from qualcode.errors import InputError

if TYPE_CHECKING:
    from docx.opc.phys_pkg import PhysPkgWriter

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OPEN = f'<w:body xmlns:w="{W_NS}">'
_CLOSE = "</w:body>"
_TBL = f"{{{W_NS}}}tbl"
_ROW_OPEN = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
TWIPS_PER_CM = 567
CM_PER_CHAR = 0.21  # average width of a character of running text at 11 pt (Calibri/Arial)
CM_PER_WORD_CHAR = 0.27  # per character of the longest word: wide fonts (DejaVu, Verdana) and bold headers
CELL_PADDING_CM = 0.45  # the table style's cell margins (2 × 0.19 cm) and a little air
TABLE_INDENT_TWIPS = 108  # = Table Grid's left cell margin: the border sits on the page margin, not 0.19 cm left of it
TABLE_INDENT_CM = TABLE_INDENT_TWIPS / TWIPS_PER_CM

# What to use when a template lacks a style (in this order); None means "no style" (Normal / plain table).
FALLBACKS: dict[str, tuple[str | None, ...]] = {
    "Title": ("Heading 1", None),
    "Heading 1": ("Title", None),
    "Heading 2": ("Heading 1", None),
    "Heading 3": ("Heading 2", "Heading 1", None),
    "Quote": ("Intense Quote", "Block Text", "Body Text", None),
    "Caption": ("Body Text", None),
    "Table Grid": ("Light Grid", "Normal Table", None),
}


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    block_cm: float,
    *,
    cap_chars: int = 70,
    whole: Sequence[int] = (),
) -> list[float]:
    """Column widths in cm sized by content, within ``block_cm`` (the text block's width) less the table indent.

    Every column is at least as wide as its longest word (header included), so no word
    breaks mid-word; the room left goes to the columns whose text wraps, in proportion
    to how much more they hold. A table whose text all fits stays narrower than the block.
    Columns in ``whole`` (citations, counts) are never wrapped: their whole text counts as one word.
    Only when even the longest words do not fit are all columns scaled down.
    """
    block_cm -= TABLE_INDENT_CM  # tables are indented by the cell margin so their border sits on the page margin
    n = len(header)
    longest_word = [0] * n
    longest_text = [0] * n
    for r, cells in enumerate([header, *rows]):
        for i, value in enumerate(cells):
            text = "" if value is None else str(value)
            if not text:
                continue
            if r and i in whole:
                longest_word[i] = max(longest_word[i], len(text))
            longest_text[i] = max(longest_text[i], min(len(text), cap_chars))
            longest_word[i] = max(longest_word[i], max((len(w) for w in text.split()), default=0))
    minimum = [w * CM_PER_WORD_CHAR + CELL_PADDING_CM for w in longest_word]
    natural = [max(t * CM_PER_CHAR + CELL_PADDING_CM, m) for t, m in zip(longest_text, minimum)]
    if sum(minimum) >= block_cm:
        return [m * block_cm / sum(minimum) for m in minimum]
    if sum(natural) <= block_cm:
        return natural
    room = block_cm - sum(minimum)
    want = [nat - m for nat, m in zip(natural, minimum)]
    total_want = sum(want) or 1.0
    return [m + room * w / total_want for m, w in zip(minimum, want)]


def open_document(template: str | Path | None = None):
    """A new document: python-docx's default, or the author's template with its body cleared.

    The template's styles, page setup, headers and footers stay; its body text goes.
    ``.dotx`` templates are accepted (their content type is switched to a document's).
    """
    from docx import Document

    if template is None:
        return Document()
    path = Path(template)
    if not path.is_file():
        raise InputError("no such template file", path=path)
    try:
        data = path.read_bytes()
        document = Document(io.BytesIO(_as_docx_package(data)))
    except InputError:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(f"not a Word document or template (.docx/.dotx): {e}", path=path) from None
    except Exception as e:  # python-docx's PackageNotFoundError and lxml errors for damaged files
        raise InputError(f"cannot read the template ({type(e).__name__}: {e})", path=path) from None
    clear_body(document)
    return document


def _as_docx_package(data: bytes) -> bytes:
    """A .dotx differs from a .docx only in its main part's content type: switch it in memory."""
    template_type = b"wordprocessingml.template.main+xml"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml")
            if template_type not in types:
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
                for item in z.infolist():
                    content = z.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        content = content.replace(template_type, b"wordprocessingml.document.main+xml")
                    w.writestr(item, content)
            return out.getvalue()
    except zipfile.BadZipFile:
        raise InputError("not a Word document or template (not a zip package)") from None


def clear_body(document) -> None:
    """Remove every paragraph and table from the body; keep the final section properties."""
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (the standard library's escape: str.replace, in C)."""
    return xml_escape(text)


def _t(text: str) -> str:
    """A ``w:t``; ``xml:space="preserve"`` only where Word would otherwise drop spaces."""
    if text[0] == " " or text[-1] == " " or "  " in text:
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return f"<w:t>{escape(text)}</w:t>"


def escape_attr(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


class DocWriter:
    """Append paragraphs and tables to ``document`` quickly; see the module docstring."""

    batch = 2000  # fragments parsed at a time

    def __init__(self, document) -> None:
        self.document = document
        self.body = document.element.body
        self.removed = 0  # control characters removed from the text written
        self.warnings: list[str] = []
        self.notes: list[str] = []  # decisions worth telling the user (not problems)
        self._pending: list[str] = []
        self._style_ids: dict[str, str | None] = {}
        self._by_name: dict[str, tuple[str, Any]] | None = None
        self._seq: dict[str, int] = {}

    # ------------------------------------------------------------------ styles
    def _styles(self) -> dict[str, tuple[str, Any]]:
        if self._by_name is None:
            self._by_name = {}
            for style in self.document.styles:
                if style.name is not None and style.style_id is not None:
                    # Word stores some built-in names in lower case ("line number"); match case-insensitively
                    self._by_name.setdefault(style.name.casefold(), (style.style_id, style.type))
        return self._by_name

    def has_style(self, name: str) -> bool:
        return name.casefold() in self._styles()

    def style_id(self, name: str) -> str | None:
        """The style id for a style name, cached; falls back (and warns) when the document lacks it."""
        if name in self._style_ids:
            return self._style_ids[name]
        styles = self._styles()
        chosen: str | None = None
        if name.casefold() in styles:
            chosen = styles[name.casefold()][0]
        else:
            for alt in FALLBACKS.get(name, (None,)):
                if alt is None:
                    self.warnings.append(f"the template has no style {name!r}; used the default formatting instead")
                    break
                if alt.casefold() in styles:
                    chosen = styles[alt.casefold()][0]
                    self.warnings.append(f"the template has no style {name!r}; used {alt!r} instead")
                    break
        self._style_ids[name] = chosen
        return chosen

    def invalidate_styles(self) -> None:
        """Call after adding styles to the document."""
        self._by_name = None
        self._style_ids.clear()

    # -------------------------------------------------------------------- text
    def clean(self, text: str | None) -> str:
        if not text:
            return ""
        if not isinstance(text, str):
            text = str(text)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text, removed = clean_control_chars(text)
        if removed:
            self.removed += removed
        return text

    def run(self, text: str | None, rpr: str = "") -> str:
        """One ``w:r`` (tabs become ``w:tab``, line feeds ``w:br``); empty text gives no run."""
        text = self.clean(text)
        if not text:
            return ""
        if "\t" not in text and "\n" not in text:
            return f"<w:r>{rpr}{_t(text)}</w:r>"
        inner = []
        for i, line in enumerate(text.split("\n")):
            if i:
                inner.append("<w:br/>")
            for j, piece in enumerate(line.split("\t")):
                if j:
                    inner.append("<w:tab/>")
                if piece:
                    inner.append(_t(piece))
        return f"<w:r>{rpr}{''.join(inner)}</w:r>"

    def ppr(self, style: str | None = None, extra: str = "") -> str:
        sid = self.style_id(style) if style else None
        if sid is None and not extra:
            return ""
        pstyle = f'<w:pStyle w:val="{escape_attr(sid)}"/>' if sid else ""
        return f"<w:pPr>{pstyle}{extra}</w:pPr>"

    # -------------------------------------------------------------- paragraphs
    def raw(self, xml: str) -> None:
        """Append a ready WordprocessingML fragment (``w:p`` or ``w:tbl``)."""
        self._pending.append(xml)
        if len(self._pending) >= self.batch:
            self.flush()

    def paragraph(
        self, text: str | None = "", style: str | None = None, *, runs: str = "", ppr_extra: str = ""
    ) -> None:
        """A paragraph in ``style`` holding ``text`` (and then any extra ``runs`` XML)."""
        self.raw(f"<w:p>{self.ppr(style, ppr_extra)}{self.run(text)}{runs}</w:p>")

    def heading(self, text: str, level: int = 1, *, page_break_before: bool = False) -> None:
        self.paragraph(text, f"Heading {level}", ppr_extra="<w:pageBreakBefore/>" if page_break_before else "")

    def title(self, text: str) -> None:
        self.paragraph(text, "Title")

    def quote(self, text: str, citation: str) -> None:
        """A quote paragraph in style ``Quote``: the text, a space, then the citation in its own run."""
        self.raw(f"<w:p>{self.ppr('Quote')}{self.run(text)}{self.run(' ' + citation)}</w:p>")

    def field(self, instruction: str, result: str) -> str:
        """Runs of a complex field (e.g. ``SEQ Tabel``) with its current result, so Word can renumber."""
        return (
            f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{self.run(result)}'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )

    def caption(self, word: str, text: str, *, keep_next: bool = True) -> int:
        """``Tabel 3. text`` in style ``Caption`` with a ``SEQ`` field for the number; returns the number.

        ``keep_next`` for captions above a table (Word's habit); False for a caption under a figure.
        """
        n = self._seq[word] = self._seq.get(word, 0) + 1
        runs = self.run(f"{word} ") + self.field(f"SEQ {word} \\* ARABIC", str(n)) + self.run(f". {text}")
        self.raw(f"<w:p>{self.ppr('Caption', '<w:keepNext/>' if keep_next else '')}{runs}</w:p>")
        return n

    def next_number(self, word: str) -> int:
        return self._seq.get(word, 0) + 1

    # ------------------------------------------------------------------ tables
    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        widths_cm: Sequence[float],
        style: str = "Table Grid",
        align: Sequence[str] | None = None,
        bold_last_row: bool = False,
    ) -> None:
        """A table with a repeating, bold header row; ``align`` per column (``left``/``right``)."""
        sid = self.style_id(style)
        twips = [int(w * TWIPS_PER_CM) for w in widths_cm]
        jc = [f'<w:pPr><w:jc w:val="{a}"/></w:pPr>' if a and a != "left" else "" for a in (align or [])]
        jc += [""] * (len(twips) - len(jc))
        parts = ["<w:tbl><w:tblPr>"]
        if sid:
            parts.append(f'<w:tblStyle w:val="{escape_attr(sid)}"/>')
        parts.append(
            f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblInd w:w="{TABLE_INDENT_TWIPS}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        )
        parts.extend(f'<w:gridCol w:w="{t}"/>' for t in twips)
        parts.append("</w:tblGrid>")

        def row(cells: Sequence[Any], bold: bool, is_header: bool = False) -> str:
            rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
            # rows never split across pages; the header row repeats on every page
            out = ["<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if is_header else _ROW_OPEN]
            for i, value in enumerate(cells):
                text = "" if value is None else str(value)
                out.append(f"<w:tc><w:p>{jc[i]}{self.run(text, rpr)}</w:p></w:tc>")
            out.append("</w:tr>")
            return "".join(out)

        parts.append(row(header, True, True))
        rows = list(rows)
        for i, cells in enumerate(rows):
            parts.append(row(cells, bold_last_row and i == len(rows) - 1))
        parts.append("</w:tbl>")
        self.raw("".join(parts))

    def page_break(self) -> None:
        self.raw('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    # ------------------------------------------------------------------- flush
    def flush(self) -> None:
        """Parse the pending fragments and insert them before the body's section properties."""
        if not self._pending:
            return
        from docx.oxml import parse_xml

        container = parse_xml(_OPEN + "".join(self._pending) + _CLOSE)
        self._pending.clear()
        sect = self.body.find(f"{{{W_NS}}}sectPr")
        # Moving a node into another document costs lxml time quadratic in the size of the moved
        # subtree (a 2,000-row table: over a second). So a table moves as an empty shell, then row by row.
        tr = f"{{{W_NS}}}tr"
        for child in list(container):
            rows = child.findall(tr) if child.tag == _TBL else []
            for row in rows:
                child.remove(row)
            if sect is None:
                self.body.append(child)
            else:
                sect.addprevious(child)
            for row in rows:
                child.append(row)

    def save(self, path: str | Path) -> None:
        """Flush, then save the package with fast zip compression (level 1; see :func:`save_package`)."""
        self.flush()
        save_package(self.document, path)


def save_package(document, path: str | Path, compresslevel: int = 1) -> None:
    """``document.save(path)`` with zip compression level 1 instead of 6.

    For a 10,000-quote report (12 MB of XML) level 6 takes 0.4 s, level 1 0.08 s, for a
    file about a third larger. Uses python-docx's package writer steps; falls back to
    ``document.save`` if a future python-docx renames them.
    """
    try:
        from docx.opc.pkgwriter import PackageWriter

        steps = (PackageWriter._write_content_types_stream, PackageWriter._write_pkg_rels, PackageWriter._write_parts)
    except (ImportError, AttributeError):
        document.save(str(path))
        return
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    with zipfile.ZipFile(str(path), "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        writer = _ZipWriter(z)
        steps[0](writer, parts)
        steps[1](writer, package.rels)
        steps[2](cast("PhysPkgWriter", writer), parts)  # duck-typed: write() and close() are all it uses


class _ZipWriter:
    """The two methods python-docx's PackageWriter needs from a physical package writer."""

    def __init__(self, zipf: zipfile.ZipFile):
        self._zipf = zipf

    def write(self, pack_uri, blob: bytes) -> None:
        self._zipf.writestr(pack_uri.membername, blob)

    def close(self) -> None:
        pass
