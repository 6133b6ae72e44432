"""Analysis tables in Word and Excel: crosstabs and co-occurrence.

* :func:`write_docx_tables` adds them to the themes report (``export docx --crosstab ATTRIBUTE
  --cooccurrence``): a ``Heading 1``, per table a ``Caption``, real Word tables with the report's
  table style, split into several tables of at most :data:`MAX_COLUMNS` group columns so they fit
  the page (16 cm), and a one-line reading aid under each.
* :func:`export_analysis` writes every table on its own sheet (``export analysis F.xlsx``):
  a crosstab per grouping (speaker, transcript, every attribute), the co-occurrence table, and
  the participants with their attributes. :func:`write_xlsx` writes any list of sheets
  (``crosstab --xlsx``, ``cooccurrence --xlsx``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualcode.analysis.cooccurrence import Cooccurrence
from qualcode.analysis.crosstab import Crosstab
from qualcode.report.selection import ExportResult, Progress

MAX_COLUMNS = 9  # group columns per Word table: code column 3.7 cm + 9 x 1.37 cm = 16 cm
PAGE_CM, CODE_CM = 16.0, 3.7

WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "heading": "Analyse",
        "code": "Code",
        "total": "Totaal",
        "base": "Basis (n)",
        "subtotal": "{theme} (totaal)",
        "crosstab_caption": "{unit} per code en {by}{part}",
        "cooc_caption": "Codes die samen voorkomen ({within}){part}",
        "units": {"codings": "Coderingen", "lines": "Gecodeerde regels", "speakers": "Sprekers"},
        "by": {"speaker": "spreker", "transcript": "transcript"},
        "within": {"lines": "zelfde regels", "turn": "zelfde beurt"},
        "part": " (deel {i} van {n})",
        "aid_crosstab": {
            "codings": "Lees: een cel telt de coderingen van de code (rij) met minstens één regel van een "
            "deelnemer in de kolom; een codering over twee groepen telt in beide.",
            "lines": "Lees: een cel telt de gecodeerde regels van de code (rij) die deelnemers in de kolom uitspraken.",
            "speakers": "Lees: een cel telt de deelnemers in de kolom die iets zeiden dat met de code (rij) "
            "is gecodeerd; de basis is het aantal deelnemers in de kolom.",
        },
        "aid_moderator": " Niet-deelnemers (moderator) tellen niet mee.",
        "aid_chi2": " χ²({dof}) = {chi2:.2f}, p = {p:.3f}, Cramér's V = {v:.2f}{warn}.",
        "aid_small": " (verwachte aantallen te klein: p onbetrouwbaar)",
        "aid_cooc": "Lees: een cel telt de paren coderingen van dezelfde codeur met beide codes die {within}; "
        "de diagonaal is het aantal coderingen van de code.",
        "aid_within": {"lines": "minstens één regel delen", "turn": "in dezelfde beurt vallen"},
        "coder": " Codeur: {coders}.",
    },
    "en": {
        "heading": "Analysis",
        "code": "Code",
        "total": "Total",
        "base": "Base (n)",
        "subtotal": "{theme} (total)",
        "crosstab_caption": "{unit} per code and {by}{part}",
        "cooc_caption": "Codes that occur together ({within}){part}",
        "units": {"codings": "Codings", "lines": "Coded lines", "speakers": "Speakers"},
        "by": {"speaker": "speaker", "transcript": "transcript"},
        "within": {"lines": "same lines", "turn": "same turn"},
        "part": " (part {i} of {n})",
        "aid_crosstab": {
            "codings": "Reading: a cell counts the codings of the code (row) with at least one line of a "
            "participant in the column; a coding across two groups counts in both.",
            "lines": "Reading: a cell counts the coded lines of the code (row) spoken by participants in the column.",
            "speakers": "Reading: a cell counts the participants in the column who said something coded with "
            "the code (row); the base is the number of participants in the column.",
        },
        "aid_moderator": " Non-participants (the moderator) are not counted.",
        "aid_chi2": " χ²({dof}) = {chi2:.2f}, p = {p:.3f}, Cramér's V = {v:.2f}{warn}.",
        "aid_small": " (expected counts too small: p unreliable)",
        "aid_cooc": "Reading: a cell counts the pairs of codings by the same coder with both codes that {within}; "
        "the diagonal is the number of codings of the code.",
        "aid_within": {"lines": "share at least one line", "turn": "fall in the same turn"},
        "coder": " Coder: {coders}.",
    },
}


# ----------------------------------------------------------------- rows
def crosstab_rows(table: Crosstab, *, subtotal: str = "{theme} (total)", total: str = "Total", base: str = "Base (n)"):
    """(header columns after the code column, rows) with theme subtotal rows after each theme's codes."""
    last_of_theme = {t.codes[-1]: t for t in table.themes if t.codes}
    rows: list[list] = []
    for name, counts, row_total in zip(table.rows, table.counts.tolist(), table.row_totals):
        rows.append([name, *counts, row_total])
        theme = last_of_theme.get(name)
        if theme is not None:
            rows.append([subtotal.format(theme=theme.name), *theme.counts, ""])
    rows.append([base, *table.column_bases, ""])
    return [*table.columns, total], rows


def cooccurrence_rows(table: Cooccurrence, *, jaccard: bool = False):
    values = table.jaccard if jaccard and table.jaccard is not None else table.counts
    rows = [[name, *[round(float(v), 3) if jaccard else int(v) for v in row]] for name, row in zip(table.codes, values)]
    return list(table.codes), rows


# ----------------------------------------------------------------- Word
def crosstab_aid(table: Crosstab, words: dict) -> str:
    text = words["aid_crosstab"][table.unit] + words["aid_moderator"]
    if table.chi2:
        c = table.chi2
        warn = words["aid_small"] if c["warning"] else ""
        text += words["aid_chi2"].format(dof=c["dof"], chi2=c["chi2"], p=c["p"], v=c["cramers_v"], warn=warn)
    return text + words["coder"].format(coders=", ".join(table.coders))


def cooccurrence_aid(table: Cooccurrence, words: dict) -> str:
    return words["aid_cooc"].format(within=words["aid_within"][table.within]) + words["coder"].format(
        coders=", ".join(table.coders)
    )


def _table_parts(writer, word: str, caption: str, header: Sequence[str], rows: list[list], words: dict) -> None:
    """``header``/``rows`` (first column = names) as one or more Word tables of ≤ MAX_COLUMNS value columns."""
    values = len(header)
    chunks = [(i, min(i + MAX_COLUMNS, values)) for i in range(0, max(values, 1), MAX_COLUMNS)]
    for k, (a, b) in enumerate(chunks, 1):
        part = words["part"].format(i=k, n=len(chunks)) if len(chunks) > 1 else ""
        writer.caption(word, caption.format(part=part))
        width = min((PAGE_CM - CODE_CM) / max(b - a, 1), 2.5)
        writer.table(
            [words["code"], *header[a:b]],
            [[row[0], *row[1 + a : 1 + b]] for row in rows],
            widths_cm=[CODE_CM] + [width] * (b - a),
            align=["left"] + ["right"] * (b - a),
        )


def write_docx_tables(
    writer, project, *, coder: str, by: str | None, cooccurrence: bool, lang: str = "nl", table_word: str = "Tabel"
) -> list[str]:
    """Add the analysis section to a report being written; returns notes (e.g. unreliable chi-squared)."""
    from qualcode.analysis import cooccurrence as co
    from qualcode.analysis import crosstab as ct

    words = WORDS.get(lang, WORDS["en"])
    notes: list[str] = []
    writer.heading(words["heading"], 1)
    if by is not None:
        table = ct.crosstab(project, by, coders=[coder])
        header, rows = crosstab_rows(table, subtotal=words["subtotal"], total=words["total"], base=words["base"])
        caption = words["crosstab_caption"].format(
            unit=words["units"][table.unit], by=words["by"].get(by, by), part="{part}"
        )
        _table_parts(writer, table_word, caption, header, rows, words)
        writer.paragraph(crosstab_aid(table, words))
        notes += [f"crosstab: {n}" for n in table.notes]
    if cooccurrence:
        cotable = co.cooccurrence(project, coders=[coder])
        header, rows = cooccurrence_rows(cotable)
        caption = words["cooc_caption"].format(within=words["within"][cotable.within], part="{part}")
        _table_parts(writer, table_word, caption, header, rows, words)
        writer.paragraph(cooccurrence_aid(cotable, words))
    return notes


# ----------------------------------------------------------------- Excel
Sheet = tuple[str, list[str], list[list]]  # (name, header, rows)


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\, at most 31 characters, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "sheet"
    out, i = base, 2
    while out.casefold() in used:
        suffix = f" ({i})"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(out.casefold())
    return out


def crosstab_sheet(table: Crosstab, title: str) -> Sheet:
    header, rows = crosstab_rows(table)
    aid = crosstab_aid(table, WORDS["en"])
    return title, ["code", *header], [*rows, [], [aid]]


def cooccurrence_sheet(table: Cooccurrence, title: str, *, jaccard: bool = False) -> Sheet:
    header, rows = cooccurrence_rows(table, jaccard=jaccard)
    return title, ["code", *header], [*rows, [], [cooccurrence_aid(table, WORDS["en"])]]


def write_xlsx(out: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Every sheet on its own tab, header bold and frozen; text never becomes a formula. Atomic."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from qualcode.corpus.ingest.decode import clean_control_chars
    from qualcode.store.files import atomic_path, check_target

    out = check_target(out)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for name, header, rows in sheets:
        ws = wb.create_sheet(sheet_name(name, used))
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 28
        bold = []
        for h in header:
            cell = WriteOnlyCell(ws, value=clean_control_chars(str(h))[0])
            cell.font = Font(bold=True)
            bold.append(cell)
        ws.append(bold)
        for row in rows:
            cells = []
            for v in row:
                if isinstance(v, str):
                    cell = WriteOnlyCell(ws, value=clean_control_chars(v)[0])
                    cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                else:
                    cells.append(v)
            ws.append(cells)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


def export_analysis(
    project,
    out: str | Path,
    *,
    coders: list[str] | None = None,
    unit: str = "codings",
    within: str = "lines",
    progress: Progress | None = None,
) -> ExportResult:
    """``export analysis F.xlsx``: crosstabs by speaker, transcript and every attribute, co-occurrence, participants."""
    from qualcode.analysis import cooccurrence as co
    from qualcode.analysis import crosstab as ct
    from qualcode.analysis import participants as pt
    from qualcode.report.selection import check_suffix
    from qualcode.store.files import check_target

    out = Path(out)
    check_suffix(out, (".xlsx",))
    check_target(out)
    p_names, t_names = pt.attribute_names(project)
    bys = ["speaker", "transcript", *p_names, *[n for n in t_names if n not in p_names]]
    sheets: list[Sheet] = []
    warnings: list[str] = []
    steps = len(bys) + 3
    for i, by in enumerate(bys):
        if progress:
            progress(i, steps, f"crosstab {by}")
        table = ct.crosstab(project, by, unit=unit, coders=coders)
        sheets.append(crosstab_sheet(table, f"crosstab {by}"))
        warnings += [f"crosstab {by}: {n}" for n in table.notes]
    if progress:
        progress(len(bys), steps, "co-occurrence")
    cotable = co.cooccurrence(project, within=within, coders=coders, jaccard=True)
    sheets.append(cooccurrence_sheet(cotable, "co-occurrence"))
    sheets.append(cooccurrence_sheet(cotable, "co-occurrence jaccard", jaccard=True))
    people = pt.participants(project)
    names = sorted({k for p in people for k in p.attributes})
    sheets.append(
        (
            "participants",
            ["transcript", "speaker", "participant", *names],
            [
                [p.transcript, p.speaker, "yes" if p.participant else "no", *[p.attributes.get(n, "") for n in names]]
                for p in people
            ],
        )
    )
    if progress:
        progress(steps - 1, steps, "saving")
    write_xlsx(out, sheets)
    if progress:
        progress(steps, steps, "done")
    return ExportResult(path=out, coder=", ".join(coders) if coders else None, warnings=warnings)
