"""Numbered transcripts in Word: the report's appendix and ``qualcode export transcript``.

Decision: line numbers are **text**, not Word's automatic line numbering. Each
stored line becomes one paragraph: the number, a tab, then the line exactly as
stored (``raw``, speaker label included). The paragraph style ``Transcript Line``
puts the number in a fixed left column (a tab stop with a hanging indent), so a
long line wraps under its text and never gets a second number. Word's own line
numbering (``w:lnNumType``) counts *printed* lines — wrapped lines included, and
it restarts or skips depending on page setup — so it would not match the
citations. The number's run has the character style ``Line Number`` (Word's
built-in name for exactly this), so a template can restyle the numbers.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.report.docx_writer import DocWriter, escape_attr, open_document
from qualcode.report.labels import labels
from qualcode.report.selection import ExportResult, Progress

LINE_STYLE = "Transcript Line"
NUMBER_STYLE = "Line Number"
NUMBER_COLUMN_CM = 1.25


def ensure_styles(writer: DocWriter) -> None:
    """Add ``Transcript Line`` (paragraph) and ``Line Number`` (character) when the document lacks them."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    styles = writer.document.styles
    added = False
    if not writer.has_style(LINE_STYLE):
        style = styles.add_style(LINE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        fmt = style.paragraph_format
        fmt.left_indent = Cm(NUMBER_COLUMN_CM)
        fmt.first_line_indent = Cm(-NUMBER_COLUMN_CM)
        fmt.tab_stops.add_tab_stop(Cm(NUMBER_COLUMN_CM))
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        added = True
    if not writer.has_style(NUMBER_STYLE):
        style = styles.add_style(NUMBER_STYLE, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        style.font.size = Pt(8)
        added = True
    if added:
        writer.invalidate_styles()


MARK_SHADING = '<w:shd w:val="clear" w:color="auto" w:fill="E4E4E4"/>'


def write_lines(writer: DocWriter, lines: list[dict], marked: set[int] | frozenset[int] = frozenset()) -> None:
    """One ``Transcript Line`` paragraph per stored line: number, tab, [time,] the line as stored.

    A line with a time code (``start``) shows it as ``hh:mm:ss`` in the ``Line Number`` style
    before its text, so a reader can find the passage in the recording. Lines in ``marked``
    (coded in the report's selection) are shaded light grey.
    """
    from qualcode.timecode import format_clock

    ensure_styles(writer)
    ppr = writer.ppr(LINE_STYLE)
    ppr_marked = writer.ppr(LINE_STYLE, MARK_SHADING)
    number_id = writer.style_id(NUMBER_STYLE)
    number_rpr = f'<w:rPr><w:rStyle w:val="{escape_attr(number_id)}"/></w:rPr>' if number_id else ""
    for line in lines:
        number = f"<w:r>{number_rpr}<w:t>{line['n']}</w:t><w:tab/></w:r>"
        start = line.get("start") if hasattr(line, "get") else None
        if start is not None:
            number += f'<w:r>{number_rpr}<w:t xml:space="preserve">{format_clock(start)}  </w:t></w:r>'
        writer.raw(f"<w:p>{ppr_marked if line['n'] in marked else ppr}{number}{writer.run(line['raw'])}</w:p>")


def lines_of(project, transcript_ids: list[int]) -> dict[int, list[dict]]:
    """The stored lines of several transcripts in one query: id → ``[{"n", "raw", "start"}]``."""
    out: dict[int, list[dict]] = {}
    if not transcript_ids:
        return out
    marks = ", ".join("?" for _ in transcript_ids)
    for tid, n, raw, start in project.conn.execute(
        f"SELECT transcript_id, n, raw, start FROM lines WHERE transcript_id IN ({marks}) ORDER BY transcript_id, n",
        list(transcript_ids),
    ):
        out.setdefault(tid, []).append({"n": n, "raw": raw, "start": start})
    return out


def write_transcript(
    writer: DocWriter,
    project,
    transcript,
    lang: str,
    *,
    heading_level: int = 1,
    page_break_before: bool = False,
    appendix: bool = True,
    lines: list[dict] | None = None,
    marked: set[int] | None = None,
) -> int:
    """A heading, one intro sentence and the numbered lines of ``transcript`` (a TranscriptRow).

    ``lines`` as from :func:`lines_of` (read here when None); ``marked``: line numbers to shade.
    """
    words = labels(lang)
    if lines is None:
        lines = lines_of(project, [transcript.id]).get(transcript.id, [])
    heading = words["appendix_heading" if appendix else "transcript_title"].format(name=transcript.name)
    if appendix:
        writer.heading(heading, heading_level, page_break_before=page_break_before)
    else:
        writer.title(heading)
    intro = words["appendix_intro"].format(name=transcript.name, n_lines=len(lines))
    writer.paragraph(intro + (words["appendix_marked"] if marked else ""))
    write_lines(writer, lines, marked or frozenset())
    return len(lines)


def export_transcript(
    project,
    name: str,
    out: str | Path,
    *,
    lang: str | None = None,
    template: str | Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """``qualcode export transcript NAME OUT.docx``: one numbered transcript on its own."""
    from qualcode.corpus import transcripts
    from qualcode.store.files import atomic_path, check_target

    out = check_target(out)
    lang = lang or project.setting("language") or "nl"
    labels(lang)  # refuse unknown languages before any work
    transcript = transcripts.get(project, name)
    if progress:
        progress(0, 2, f"writing {transcript.name}")
    from qualcode.report import docx_setup

    document = open_document(template)
    writer = DocWriter(document)
    if template is None:
        docx_setup.setup_page(document)
        docx_setup.add_page_numbers(writer)
    docx_setup.set_language(document, lang)
    docx_setup.set_properties(
        document,
        title=labels(lang)["transcript_title"].format(name=transcript.name),
        author="",
        lang=lang,
        from_template=template is not None,
    )
    write_transcript(writer, project, transcript, lang, appendix=False)
    if progress:
        progress(1, 2, "saving")
    with atomic_path(out) as tmp:
        writer.save(tmp)
    if progress:
        progress(2, 2, "done")
    return ExportResult(path=out, removed_chars=writer.removed, warnings=writer.warnings)
