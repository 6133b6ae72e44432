"""The themes report in Word (``qualcode export docx``): what an author pastes into a results chapter.

In this order:

1. the project title (``Title``) and a table of contents (a ``TOC`` field Word fills on open);
2. **Methode** — one paragraph from the project: transcripts, lines, coders by their
   display names (never login names or file paths), whose coding is shown;
3. **Resultaten** — one section per theme (``Heading 2``, subthemes ``Heading 3``) under its
   display title (codebook ``title:``, else the name with a capital): the author's theme
   summary (paragraphs stay paragraphs), then the quotes — short ones (under
   ``inline_under`` words) inline in running text in quotation marks with their citation,
   longer ones as indented ``Quote`` paragraphs; "…" where a quote starts or ends inside a
   sentence (decided from the line text). ``--layout table`` puts a quote table there instead;
4. **Codeboek** and **Frequenties** (table and bar chart) in their own sections;
5. optionally the summary grid (``--summary-grid``), the quote table as its own section
   (``--layout both``) and the numbered transcripts (``--appendix``), each transcript in its
   own page section with a header naming it and its coded lines shaded.

Decisions where the issue was silent: counts describe the export's selection (one coder,
the chosen codes and transcripts), so the numbers match the quotes shown. A theme with
neither quotes nor a summary nor a shown subtheme is left out, and the result's notes say
which. Without a template: A4, 2.5 cm margins, page numbers in the footer. Only summaries
the author wrote (``qualcode summary``, the Summaries screen) appear as theme summaries —
never the codebook's descriptions or code memos.

The TUI calls :func:`export_docx` in a worker with a ``progress(done, total, what)`` callback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qualcode.model import Code
from qualcode.report.docx_writer import DocWriter, column_widths, open_document
from qualcode.report.labels import labels
from qualcode.report.selection import CHARTS, LAYOUTS, ExportResult, Progress, Selection, select

INLINE_UNDER = 25  # words: shorter quotes go inline
CHART_WIDTH_CM = 16.0


@dataclass
class ReportOptions:
    """What ``qualcode export docx`` and the TUI Export screen can choose."""

    coder: str | None = None  # None: the consensus coder if it has codings, else current_coder
    current_coder: str | None = None  # the author: whose picks, whose display name is the document's author
    codes: str | list[str] | None = None  # names; None = all
    transcripts: str | list[str] | None = None  # names; None = all
    layout: str = "quotes"  # quotes | table | both (quotes under the themes + the quote table as a section)
    lang: str | None = None  # nl | en; None = the project's language setting
    template: str | Path | None = None
    appendix: bool = False
    picked: bool = False  # only the author's picked quotes, in her order
    inline_under: int = INLINE_UNDER
    speaker: bool = False  # add the speakers to the citation: (FG2; 57-64, R4)
    summary_grid: bool = False
    chart: str = "bar"  # none | bar | native (native falls back to the picture, with a warning)
    author: str | None = None  # None: the author's display name
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
        notes=writer.notes,
        exported=selection.quotes,
    )


def _check(options: ReportOptions) -> None:
    from qualcode.errors import InputError

    if options.layout not in LAYOUTS:
        raise InputError(f"unknown layout {options.layout!r} (choose {', '.join(LAYOUTS)})")
    if options.chart not in CHARTS:
        raise InputError(f"unknown chart {options.chart!r} (choose {', '.join(CHARTS)})")
    if options.inline_under < 0:
        raise InputError("--inline-under must be 0 or more words")
    if options.picked and not options.current_coder:
        raise InputError("--picked needs to know whose picks: give --coder before the command")


def build_report(project, options: ReportOptions, progress: Progress | None = None) -> tuple[DocWriter, Selection, int]:
    """Build the report in memory; returns the writer (``writer.document``), the selection and the step count."""
    from qualcode.coding.summaries import all_summaries, display_names, project_title
    from qualcode.report import docx_setup

    _check(options)
    lang = options.lang or project.setting("language") or "nl"
    words = labels(lang)
    selection = select(
        project,
        coder=options.coder,
        current_coder=options.current_coder,
        codes=options.codes,
        transcripts=options.transcripts,
        picked_by=options.current_coder if options.picked else None,
    )
    summaries = all_summaries(project)
    names = display_names(project)
    title = project_title(project)
    outline, left_out = theme_outline(selection, summaries)
    steps = 4 + len(outline) + (len(selection.transcripts) if options.appendix else 0) + 2
    done = 0
    _tick(progress, done, steps, "starting")
    from_template = options.template is not None
    document = open_document(options.template)
    writer = DocWriter(document)
    writer.notes = []
    if not from_template:
        docx_setup.setup_page(document)
    docx_setup.set_language(document, lang)
    writer.notes += docx_setup.ensure_report_styles(writer, from_template=from_template)
    author = options.author if options.author is not None else names.get(options.current_coder or "", "")
    if options.author is None and not author:
        writer.notes.append(
            "the document's author is empty: give --author or set your display name (qualcode display-name NAME …)"
        )
    docx_setup.set_properties(
        document, title=title or words["title"], author=author, lang=lang, from_template=from_template
    )
    block = docx_setup.text_width_cm(document)
    if left_out:
        writer.notes.append(
            f"left out {len(left_out)} theme{'s' if len(left_out) != 1 else ''} without quotes or summary: "
            + ", ".join(left_out)
        )

    writer.title(title or words["title"])
    docx_setup.toc_paragraph(writer, words["toc_heading"], words["toc_placeholder"])
    _method(writer, project, selection, words, names, title, options.picked)
    done += 1
    _tick(progress, done, steps, "results")
    writer.heading(words["results_heading"], 1)
    by_code: dict[str, list[dict]] = {}
    for q in selection.quotes:
        by_code.setdefault(q["code"], []).append(q)
    for code, level in outline:
        _tick(progress, done, steps, f"theme {code.name}")
        _theme(
            writer, code, level, summaries.get((code.id, None), ""), by_code.get(code.name, []), options, words, block
        )
        done += 1
    _codebook_table(writer, selection, words, block)
    done += 1
    _tick(progress, done, steps, "frequencies")
    _frequencies(writer, selection, words, block, options, lang)
    done += 1
    if options.summary_grid:
        _summary_grid(writer, selection, summaries, words, block)
    if options.layout == "both":
        _quote_table_section(writer, selection, outline, by_code, options, words, block)
    done += 1
    if not from_template or not any(p.text.strip() for s in document.sections for p in s.footer.paragraphs):
        docx_setup.add_page_numbers(writer)
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
        _appendix(writer, project, selection, words, lang, progress, done, steps)
        done += len(selection.transcripts)
    writer.flush()
    return writer, selection, steps


def _tick(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


# --------------------------------------------------------------------- outline
def theme_outline(selection: Selection, summaries: dict) -> tuple[list[tuple[Code, int]], list[str]]:
    """(code, heading level) in codebook order, parents before subcodes; and the names left out.

    A theme is shown when it has quotes in the selection, an author's summary, or a shown
    subtheme. Levels: themes 2, subthemes 3 (deeper ones stay 3), under "Resultaten" (level 1).
    """
    by_id = {c.id: c for c in selection.all_codes}
    selected = {c.id for c in selection.codes}
    with_quotes = {q["code_id"] for q in selection.quotes}
    children: dict[int | None, list] = {}
    for c in selection.all_codes:
        parent = c.parent_id if c.parent_id in by_id else None
        children.setdefault(parent, []).append(c)
    shown: set[int] = set()

    def visit(c) -> bool:
        kids = [visit(k) for k in children.get(c.id, [])]
        own = c.id in selected and (c.id in with_quotes or summaries.get((c.id, None), "").strip() != "")
        if own or any(kids):
            shown.add(c.id)
            return True
        return False

    for root in children.get(None, []):
        visit(root)
    out: list[tuple[Code, int]] = []

    def walk(parent: int | None, level: int) -> None:
        for c in children.get(parent, []):
            if c.id in shown:
                out.append((c, min(level, 3)))
                walk(c.id, level + 1)

    walk(None, 2)
    left_out = [c.name for c in selection.codes if c.id not in shown]
    return out, left_out


# --------------------------------------------------------------------- parts
def _method(writer: DocWriter, project, selection: Selection, words: dict, names: dict, title, picked: bool) -> None:
    from qualcode.coding import codings

    writer.heading(words["method_heading"], 1)
    n_t = len(selection.transcripts)
    consensus = project.consensus_coder
    coders = [c for c in codings.coders(project) if c != consensus]
    named = [names[c] for c in coders if names.get(c)]
    unnamed = len(coders) - len(named)
    if named:
        parts = list(named)
        if unnamed:
            parts.append(
                words["others"].format(n=unnamed, coders_word=words["coder_one" if unnamed == 1 else "coder_many"])
            )
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {words['and']} {parts[-1]}"
        coded_by = words["coded_by"].format(names=joined)
    elif coders:
        coded_by = words["coded_by_count"].format(
            n=len(coders), coders_word=words["coder_one" if len(coders) == 1 else "coder_many"]
        )
    else:
        coded_by = ""
    if unnamed:
        writer.notes.append(
            f"{unnamed} coder{'s are' if unnamed != 1 else ' is'} counted, not named, in the method paragraph "
            '(set a display name: qualcode display-name NAME "Full Name")'
        )
    if selection.coder == consensus:
        whose = words["whose_consensus"]
    elif names.get(selection.coder):
        whose = words["whose_named"].format(name=names[selection.coder])
    else:
        whose = words["whose_one"]
    subcodes = sum(1 for c in selection.all_codes if c.parent_id is not None)
    example = selection.quotes[0]["citation"] if selection.quotes else words["example_citation"]
    intro = words["method_project"].format(title=title) if title else words["method_plain"]
    text = intro + words["method"].format(
        n_transcripts=n_t,
        transcripts_word=words["transcript_one" if n_t == 1 else "transcript_many"],
        transcripts=", ".join(t.name for t in selection.transcripts),
        n_lines=sum(t.line_count for t in selection.transcripts),
        coded_by=coded_by,
        whose=whose,
        n_quotes=len(selection.quotes),
        quotes_word=words["quote_one" if len(selection.quotes) == 1 else "quote_many"],
        n_codes=len(selection.all_codes),
        n_themes=len(selection.all_codes) - subcodes,
        n_subcodes=subcodes,
        example=example,
    )
    writer.paragraph(re.sub(r"  +", " ", text) + (words["method_picked"] if picked else ""))


def paragraphs(text: str) -> list[str]:
    """An author's text as paragraphs: blank lines separate them; single line breaks stay inside."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip()) if p.strip()]


def citation_of(q: dict, speaker: bool) -> str:
    """``(FG2; 57-64)``, or with ``speaker`` ``(FG2; 57-64, R4)``."""
    citation = q["citation"]
    if not speaker or not q["speakers"]:
        return citation
    who = ", ".join(q["speakers"])
    return citation[:-1] + f", {who})" if citation.endswith(")") else f"{citation} ({who})"


def quote_text(q: dict) -> str:
    """The quote with "…" where it starts or ends inside a sentence."""
    text = q["text"]
    if q.get("starts_mid"):
        text = "… " + text
    if q.get("ends_mid"):
        text = text + " …"
    return text


def _theme(
    writer: DocWriter,
    code,
    level: int,
    summary: str,
    quotes: list[dict],
    options: ReportOptions,
    words: dict,
    block: float,
) -> None:
    writer.heading(code.display_title, level)
    for paragraph in paragraphs(summary):
        writer.paragraph(paragraph)
    if not quotes:
        return
    if options.layout == "table":
        header = [words["col_quote"], words["col_source"]]
        rows = [[quote_text(q), citation_of(q, options.speaker)] for q in quotes]
        writer.caption(words["table_word"], words["quote_table_caption"].format(theme=code.display_title))
        writer.table(header, rows, widths_cm=column_widths(header, rows, block))
        return
    inline: list[dict] = []
    for q in quotes:
        if q["words"] < options.inline_under:
            inline.append(q)
            continue
        _inline(writer, inline, options, words)
        inline = []
        writer.quote(quote_text(q), citation_of(q, options.speaker))
    _inline(writer, inline, options, words)


def _inline(writer: DocWriter, quotes: list[dict], options: ReportOptions, words: dict) -> None:
    """Short quotes in running text: “…” (FG2; 521), several in one paragraph."""
    if not quotes:
        return
    pieces = [
        f"{words['open_quote']}{quote_text(q)}{words['close_quote']} {citation_of(q, options.speaker)}" for q in quotes
    ]
    writer.paragraph(" ".join(pieces))


def _codebook_table(writer: DocWriter, selection: Selection, words: dict, block: float) -> None:
    writer.heading(words["codebook_heading"], 1, page_break_before=True)
    writer.caption(words["table_word"], words["codebook_caption"])
    per_code: dict[str, int] = {}
    where: dict[str, set[str]] = {}
    for q in selection.quotes:
        per_code[q["code"]] = per_code.get(q["code"], 0) + 1
        where.setdefault(q["code"], set()).add(q["transcript"])
    header = [words["col_code"], words["col_definition"], words["col_count"]]
    rows = [
        [c.name, _code_description(c, words), f"{per_code.get(c.name, 0)} ({len(where.get(c.name, ()))})"]
        for c in selection.codes
    ]
    writer.table(
        header, rows, widths_cm=column_widths(header, rows, block, whole=(2,)), align=("left", "left", "right")
    )


def _code_description(code, words: dict) -> str:
    """Definition, when to use, when not to use — one cell, one line each, so the table stays three columns."""
    parts = [code.definition.strip()]
    if code.include.strip():
        parts.append(f"{words['col_include']}: {code.include.strip()}")
    if code.exclude.strip():
        parts.append(f"{words['col_exclude']}: {code.exclude.strip()}")
    return "\n".join(p for p in parts if p)


def frequency_rows(selection: Selection, total_label: str) -> tuple[list[str], list[list]]:
    """The frequency table: header and rows (codes × transcripts, a total column and a total row)."""
    counts = selection.counts()
    names = [t.name for t in selection.transcripts]
    rows: list[list] = []
    col_totals = [0] * len(names)
    for c in selection.codes:
        values = [counts.get((c.name, t), 0) for t in names]
        col_totals = [a + b for a, b in zip(col_totals, values)]
        rows.append([c.display_title, *values, sum(values)])
    rows.append([total_label, *col_totals, sum(col_totals)])
    return names, rows


def _frequencies(
    writer: DocWriter, selection: Selection, words: dict, block: float, options: ReportOptions, lang: str
) -> None:
    writer.heading(words["frequency_heading"], 1)
    writer.caption(words["table_word"], words["frequency_caption"])
    names, rows = frequency_rows(selection, words["total"])
    header = [words["col_code"], *names, words["total"]]
    writer.table(
        header,
        rows,
        widths_cm=column_widths(header, rows, block),
        align=["left"] + ["right"] * (len(header) - 1),
        bold_last_row=True,
    )
    if options.chart == "none":
        return
    if options.chart == "native":
        writer.warnings.append(
            "--chart native: no well-kept Python library writes native Word charts (python-docx cannot), "
            "so the chart is a picture"
        )
    from qualcode.report import chart
    from qualcode.report.docx_setup import body_font

    titles = {c.name: c.display_title for c in selection.codes}
    counts = {(titles[c], t): n for (c, t), n in selection.counts().items() if c in titles}
    code_titles = [c.display_title for c in selection.codes]
    width = min(CHART_WIDTH_CM, block)
    png = chart.frequency_chart_png(
        code_titles,
        names,
        counts,
        xlabel=words["chart_xlabel"],
        total_label=words["total"],
        font=body_font(writer.document),
        width_cm=width,
    )
    _picture(writer, png, width, chart.alt_text(code_titles, names, counts, lang), words["chart_caption"])
    if len(names) > chart.MAX_SERIES:
        caption = words["chart_caption_totals"].format(n=len(names))
    else:
        caption = words["chart_caption"]
    writer.caption(words["figure_word"], caption, keep_next=False)


def _picture(writer: DocWriter, png: bytes, width_cm: float, description: str, title: str) -> None:
    """An inline picture in its own paragraph with alt text (``descr``); python-docx's picture API."""
    import io

    from docx.shared import Cm

    writer.flush()
    paragraph = writer.document.add_paragraph()
    shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", writer.clean(description))
    doc_pr.set("title", writer.clean(title))
    paragraph.paragraph_format.keep_with_next = True


def _summary_grid(writer: DocWriter, selection: Selection, summaries: dict, words: dict, block: float) -> None:
    """Themes down, transcripts across: each cell the author's summary and the number of quotes."""
    writer.heading(words["summary_grid_heading"], 1, page_break_before=True)
    writer.caption(words["table_word"], words["summary_grid_caption"])
    counts: dict[tuple[int, int], int] = {}
    for q in selection.quotes:
        key = (q["code_id"], q["transcript_id"])
        counts[key] = counts.get(key, 0) + 1
    header = [words["col_theme"], *(t.name for t in selection.transcripts)]
    rows = []
    for c in selection.codes:
        row = [c.display_title]
        for t in selection.transcripts:
            text = summaries.get((c.id, t.id), "")
            n = counts.get((c.id, t.id), 0)
            row.append(f"({n}) {text}".strip() if text or n else "")
        rows.append(row)
    writer.table(header, rows, widths_cm=column_widths(header, rows, block))


def _quote_table_section(
    writer: DocWriter, selection: Selection, outline, by_code: dict, options: ReportOptions, words: dict, block: float
) -> None:
    """Every quote once more in one table, in its own section (``--layout both``)."""
    writer.heading(words["quote_table_heading"], 1, page_break_before=True)
    writer.caption(words["table_word"], words["quote_table_all_caption"])
    header = [words["col_theme"], words["col_quote"], words["col_source"], words["col_speaker"]]
    rows = [
        [code.display_title, quote_text(q), q["citation"], ", ".join(q["speakers"])]
        for code, _level in outline
        for q in by_code.get(code.name, [])
    ]
    writer.table(header, rows, widths_cm=column_widths(header, rows, block))


def _appendix(writer: DocWriter, project, selection: Selection, words: dict, lang: str, progress, done, steps) -> None:
    """Each transcript in its own section: a header naming it, its lines numbered, coded lines shaded."""
    from qualcode.report.docx_setup import new_section_with_header
    from qualcode.report.transcript import lines_of, write_transcript

    marked: dict[int, set[int]] = {}
    for q in selection.quotes:
        target = marked.setdefault(q["transcript_id"], set())
        for a, b in q["ranges"]:
            target.update(range(a, b + 1))
    all_lines = lines_of(project, [t.id for t in selection.transcripts])
    for i, transcript in enumerate(selection.transcripts):
        _tick(progress, done + i, steps, f"appendix {transcript.name}")
        new_section_with_header(writer, words["appendix_header"].format(name=transcript.name))
        write_transcript(
            writer,
            project,
            transcript,
            lang,
            heading_level=1,
            lines=all_lines.get(transcript.id, []),
            marked=marked.get(transcript.id, set()),
        )
