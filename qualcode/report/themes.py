"""The themes report in Word (``qualcode export docx``): what authors paste into a results chapter.

In this order:

1. ``Title`` and a method paragraph generated from the project (transcripts,
   number of lines, coders, codebook, whose coding is shown);
2. the codebook as a table (code, definition, when to use, when not to use,
   number of codings, number of transcripts where the code occurs);
3. a frequency table codes × transcripts with totals, and the same as a bar
   chart (PNG, matplotlib Agg) with a ``Caption``;
4. one section per theme: ``Heading 1`` with the code name (subcodes ``Heading 2``
   under their parent), the theme summary (the code memo), each quote as a
   ``Quote`` paragraph ending in its citation ``(FG2; 57-64)``, and for the
   ``table`` layout a quote table (Thema, Citaat, Bron, Spreker);
5. with ``appendix=True`` every selected transcript with its stored line numbers.

Decisions where the issue was silent: all counts (codebook table, frequency
table, chart) describe the export's selection — one coder, the chosen codes and
transcripts — so the numbers match the quotes shown. Counts are per code, not
rolled up into parents. Selecting a subcode without its parent still writes the
parent's heading (without its quotes) so the outline stays intact.

The TUI calls :func:`export_docx` in a worker with a ``progress(done, total, what)`` callback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.report.docx_writer import DocWriter, open_document
from qualcode.report.labels import labels
from qualcode.report.selection import LAYOUTS, ExportResult, Progress, Selection, select

CODEBOOK_WIDTHS = (2.2, 3.6, 2.7, 2.7, 2.4, 2.4)  # 16 cm: fits A4 and Letter with 2.5 cm margins
QUOTE_WIDTHS = (2.4, 8.6, 2.8, 2.2)


@dataclass
class ReportOptions:
    """What ``qualcode export docx`` and the TUI Export screen can choose."""

    coder: str | None = None  # None: the consensus coder if it has codings, else current_coder
    current_coder: str | None = None
    codes: str | list[str] | None = None  # names; None = all
    transcripts: str | list[str] | None = None  # names; None = all
    layout: str = "both"  # quotes | table | both
    lang: str | None = None  # nl | en; None = the project's language setting
    template: str | Path | None = None
    appendix: bool = False
    # analysis tables (qualcode.report.analysis): a crosstab by this attribute, the co-occurrence table
    crosstab: str | None = None
    cooccurrence: bool = False


def export_docx(
    project, out: str | Path, options: ReportOptions | None = None, progress: Progress | None = None
) -> ExportResult:
    """Write the themes report to ``out`` atomically; returns where, how many quotes, what was cleaned."""
    from qualcode.store.files import atomic_path, check_target

    out = check_target(out)
    options = options or ReportOptions()
    writer, selection, steps = build_report(project, options, progress)
    _tick(progress, steps - 1, steps, "saving")
    with atomic_path(out) as tmp:
        writer.save(tmp)
    _tick(progress, steps, steps, "done")
    return ExportResult(
        path=out,
        coder=selection.coder,
        quotes=len(selection.quotes),
        removed_chars=writer.removed,
        warnings=selection.warnings + writer.warnings,
    )


def build_report(project, options: ReportOptions, progress: Progress | None = None) -> tuple[DocWriter, Selection, int]:
    """Build the report in memory; returns the writer (``writer.document``), the selection and the step count."""
    from qualcode.coding.codebook import code_memos

    if options.layout not in LAYOUTS:
        from qualcode.errors import InputError

        raise InputError(f"unknown layout {options.layout!r} (choose {', '.join(LAYOUTS)})")
    lang = options.lang or project.setting("language") or "nl"
    words = labels(lang)
    selection = select(
        project,
        coder=options.coder,
        current_coder=options.current_coder,
        codes=options.codes,
        transcripts=options.transcripts,
    )
    outline = _outline(selection)
    steps = 3 + len(outline) + (len(selection.transcripts) if options.appendix else 0) + 2
    done = 0
    _tick(progress, done, steps, "starting")
    document = open_document(options.template)
    writer = DocWriter(document)
    document.core_properties.title = words["title"]

    _method(writer, project, selection, words)
    done += 1
    _tick(progress, done, steps, "codebook")
    _codebook_table(writer, selection, words)
    done += 1
    _tick(progress, done, steps, "frequencies")
    _frequencies(writer, selection, words)
    done += 1
    memos = code_memos(project)
    for code, level, with_quotes in outline:
        _tick(progress, done, steps, f"theme {code.name}")
        _theme(writer, memos, selection, code, level, with_quotes, options.layout, words)
        done += 1
    if options.crosstab or options.cooccurrence:  # analysis tables, built in qualcode.report.analysis
        from qualcode.report.analysis import write_docx_tables

        selection.warnings += write_docx_tables(
            writer,
            project,
            coder=selection.coder,
            by=options.crosstab,
            cooccurrence=options.cooccurrence,
            lang=lang,
            table_word=words["table_word"],
        )
    if options.appendix:
        from qualcode.report.transcript import write_transcript

        for transcript in selection.transcripts:
            _tick(progress, done, steps, f"appendix {transcript.name}")
            write_transcript(writer, project, transcript, lang, heading_level=1, page_break_before=True)
            done += 1
    writer.flush()
    return writer, selection, steps


def _tick(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


# --------------------------------------------------------------------- parts
def _method(writer: DocWriter, project, selection: Selection, words: dict) -> None:
    from qualcode.coding import codings

    writer.title(words["title"])
    writer.heading(words["method_heading"], 1)
    n_t = len(selection.transcripts)
    coders = codings.coders(project)
    subcodes = sum(1 for c in selection.all_codes if c.parent_id is not None)
    example = selection.quotes[0]["citation"] if selection.quotes else words["example_citation"]
    writer.paragraph(
        words["method"].format(
            project=Path(project.path).name,
            n_transcripts=n_t,
            transcripts_word=words["transcript_one" if n_t == 1 else "transcript_many"],
            transcripts=", ".join(t.name for t in selection.transcripts),
            n_lines=sum(t.line_count for t in selection.transcripts),
            coders=", ".join(coders) if coders else words["nobody"],
            coder=selection.coder,
            n_quotes=len(selection.quotes),
            quotes_word=words["quote_one" if len(selection.quotes) == 1 else "quote_many"],
            n_codes=len(selection.all_codes),
            n_themes=len(selection.all_codes) - subcodes,
            n_subcodes=subcodes,
            example=example,
        )
    )


def _codebook_table(writer: DocWriter, selection: Selection, words: dict) -> None:
    writer.heading(words["codebook_heading"], 1)
    writer.caption(words["table_word"], words["codebook_caption"])
    per_code: dict[str, int] = {}
    where: dict[str, set[str]] = {}
    for q in selection.quotes:
        per_code[q["code"]] = per_code.get(q["code"], 0) + 1
        where.setdefault(q["code"], set()).add(q["transcript"])
    rows = [
        (c.name, c.definition, c.include, c.exclude, per_code.get(c.name, 0), len(where.get(c.name, ())))
        for c in selection.codes
    ]
    writer.table(
        [
            words["col_code"],
            words["col_definition"],
            words["col_include"],
            words["col_exclude"],
            words["col_codings"],
            words["col_transcripts"],
        ],
        rows,
        widths_cm=CODEBOOK_WIDTHS,
        align=("left", "left", "left", "left", "right", "right"),
    )


def frequency_rows(selection: Selection, total_label: str) -> tuple[list[str], list[list]]:
    """The frequency table: header and rows (codes × transcripts, a total column and a total row)."""
    counts = selection.counts()
    names = [t.name for t in selection.transcripts]
    rows: list[list] = []
    col_totals = [0] * len(names)
    for c in selection.codes:
        values = [counts.get((c.name, t), 0) for t in names]
        col_totals = [a + b for a, b in zip(col_totals, values)]
        rows.append([c.name, *values, sum(values)])
    rows.append([total_label, *col_totals, sum(col_totals)])
    return names, rows


def _frequencies(writer: DocWriter, selection: Selection, words: dict) -> None:
    from qualcode.report.chart import frequency_chart_png

    writer.heading(words["frequency_heading"], 1)
    writer.caption(words["table_word"], words["frequency_caption"])
    names, rows = frequency_rows(selection, words["total"])
    n_cols = len(names) + 2
    first = 4.0
    rest = max(min((16.0 - first) / max(n_cols - 1, 1), 2.5), 1.0)
    writer.table(
        [words["col_code"], *names, words["total"]],
        rows,
        widths_cm=[first] + [rest] * (n_cols - 1),
        align=["left"] + ["right"] * (n_cols - 1),
        bold_last_row=True,
    )
    png = frequency_chart_png(
        [c.name for c in selection.codes], names, selection.counts(), ylabel=words["chart_ylabel"]
    )
    _picture(writer, png, width_cm=16.0)
    writer.caption(words["figure_word"], words["chart_caption"], keep_next=False)


def _picture(writer: DocWriter, png: bytes, width_cm: float) -> None:
    """An inline picture in its own paragraph (python-docx's picture API; a few calls, not a hot path)."""
    import io

    from docx.shared import Cm

    writer.flush()
    paragraph = writer.document.add_paragraph()
    paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    paragraph.paragraph_format.keep_with_next = True


def _outline(selection: Selection) -> list[tuple[object, int, bool]]:
    """(code, heading level, show its quotes) in codebook order, parents before their subcodes."""
    by_id = {c.id: c for c in selection.all_codes}
    selected = {c.id for c in selection.codes}
    children: dict[int | None, list] = {}
    for c in selection.all_codes:
        parent = c.parent_id if c.parent_id in by_id else None
        children.setdefault(parent, []).append(c)
    needed = set()
    for c in selection.codes:  # a selected subcode keeps its ancestors' headings
        node = c
        while node is not None:
            needed.add(node.id)
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
    out: list[tuple[object, int, bool]] = []

    def walk(parent: int | None, level: int) -> None:
        for c in children.get(parent, []):
            if c.id in needed:
                out.append((c, min(level, 3), c.id in selected))
                walk(c.id, level + 1)

    walk(None, 1)
    return out


def _theme(
    writer: DocWriter,
    memos: dict[int, str],
    selection: Selection,
    code,
    level: int,
    with_quotes: bool,
    layout: str,
    words: dict,
) -> None:
    writer.heading(code.name, level)
    if not with_quotes:
        return
    memo = memos.get(code.id, "")
    if memo.strip():
        writer.paragraph(memo)
    quotes = selection.quotes_of(code.name)
    if not quotes:
        writer.paragraph(words["no_quotes"])
        return
    if layout in ("quotes", "both"):
        for q in quotes:
            writer.quote(q["text"], q["citation"])
    if layout in ("table", "both"):
        writer.caption(words["table_word"], words["quote_table_caption"].format(theme=code.name))
        writer.table(
            [words["col_theme"], words["col_quote"], words["col_source"], words["col_speaker"]],
            ((code.name, q["text"], q["citation"], ", ".join(q["speakers"])) for q in quotes),
            widths_cm=QUOTE_WIDTHS,
        )
