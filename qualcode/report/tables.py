"""Quote tables for Excel and scripts (``qualcode export quotes OUT.xlsx|OUT.csv``).

One row per quote, in transcript order then line order: transcript, lines, source
(the citation), code, coder, speakers, quote, memo — headers and sheet name in Dutch
or English (``--lang``, default the project's language).

``.xlsx`` (openpyxl, write-only: fast and low on memory): an autofilter on the header,
the header row frozen, and every cell that Excel could read as a date, number or
formula ("5-11", "=…") stored as text with the text number format ``@``.

``.csv`` has two dialects (``--csv-dialect``, default from the language):

* ``nl`` — for Dutch Excel: semicolons (Dutch Excel splits on ``;``), UTF-8 with a byte
  order mark, and the lines column with a non-breaking hyphen (U+2011: "5‑11" looks the
  same, but Excel no longer turns it into 5 November);
* ``en`` — commas, UTF-8 with a byte order mark, the lines column in plain ASCII (for scripts).

In both, a cell that starts like a formula (= + - @ tab CR) gets a leading ``'`` (OWASP's advice
against CSV injection; counted in the warnings). Control characters are removed (openpyxl refuses them; Excel would show garbage) and counted.
"""

from __future__ import annotations

import csv
from pathlib import Path

from qualcode.corpus.ingest.decode import clean_control_chars
from qualcode.ranges import format_ranges
from qualcode.report.selection import ExportResult, Progress, check_suffix, select

COLUMNS = ("transcript", "ranges", "citation", "code", "coder", "speakers", "text", "memo")
WIDTHS = (12, 16, 22, 18, 12, 18, 80, 40)
TEXT_COLUMNS = ("transcript", "ranges", "citation", "code", "coder", "speakers")  # never numbers or dates
DIALECTS = ("nl", "en")
NB_HYPHEN = "\u2011"


def quote_table(quotes: list[dict], lang: str = "en") -> tuple[list[list[str]], int]:
    """Rows (header first, labelled in ``lang``) for ``quotes`` and how many control characters were removed."""
    from qualcode.report.labels import SHEET_LABELS

    names = SHEET_LABELS[lang]
    removed = 0
    rows: list[list[str]] = [[names[c] for c in COLUMNS]]
    for q in quotes:
        row = []
        for value in (
            q["transcript"],
            format_ranges([tuple(r) for r in q["ranges"]]),
            q["citation"],
            q["code"],
            q["coder"],
            ", ".join(q["speakers"]),
            q["text"],
            q["memo"] or "",
        ):
            clean, n = clean_control_chars(str(value))
            removed += n
            row.append(clean)
        rows.append(row)
    return rows, removed


# Cells a spreadsheet would read as a formula (OWASP "CSV Injection"): = + - @ tab CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> tuple[str, bool]:
    """``value`` as a CSV cell that no spreadsheet evaluates: a leading ``'`` when it starts like a formula.

    The OWASP recommendation: prefix such cells with a single quote; the csv writer
    quotes any field holding a comma, a double quote (doubled) or a line break.
    """
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value, True
    return value, False


def csv_safe_rows(rows: list[list[str]]) -> tuple[list[list[str]], int]:
    """Every body cell through :func:`csv_safe` (the header is ours); how many changed."""
    changed = 0
    out = [rows[0]]
    for row in rows[1:]:
        safe_row = []
        for value in row:
            safe, was = csv_safe(value)
            changed += was
            safe_row.append(safe)
        out.append(safe_row)
    return out, changed


def export_quotes(
    project,
    out: str | Path,
    *,
    coder: str | None = None,
    current_coder: str | None = None,
    codes=None,
    transcripts=None,
    lang: str | None = None,
    csv_dialect: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the selected quotes to ``out`` (.xlsx or .csv), atomically."""
    from qualcode.errors import InputError
    from qualcode.report.labels import labels
    from qualcode.store.files import atomic_path, check_target

    out = Path(out)
    suffix = check_suffix(out, (".xlsx", ".csv"))
    check_target(out)
    lang = lang or project.setting("language") or "nl"
    labels(lang)  # refuse unknown languages
    dialect = csv_dialect or lang
    if dialect not in DIALECTS:
        raise InputError(f"unknown CSV dialect {dialect!r} (choose nl or en)")
    selection = select(project, coder=coder, current_coder=current_coder, codes=codes, transcripts=transcripts)
    if progress:
        progress(0, 2, "quotes")
    rows, removed = quote_table(selection.quotes, lang)
    if progress:
        progress(1, 2, "saving")
    warnings = list(selection.warnings)
    if suffix == ".csv":
        rows, neutralised = csv_safe_rows(rows)
        _write_csv(out, rows, dialect)
        if neutralised:
            warnings.append(
                f"{neutralised} cell{'s' if neutralised != 1 else ''} starting with = + - @ tab or CR "
                "got a leading ' so that spreadsheets show them as text, not formulas"
            )
    else:
        with atomic_path(out) as tmp:
            _write_xlsx(tmp, rows, lang)
    if progress:
        progress(2, 2, "done")
    return ExportResult(
        path=out,
        coder=selection.coder,
        quotes=len(selection.quotes),
        removed_chars=removed,
        warnings=warnings,
        exported=selection.quotes,
    )


def _write_csv(out: Path, rows: list[list[str]], dialect: str) -> None:
    from qualcode.store.files import atomic_open

    ranges_col = COLUMNS.index("ranges")
    if dialect == "nl":
        rows = [rows[0]] + [
            [*r[:ranges_col], r[ranges_col].replace("-", NB_HYPHEN), *r[ranges_col + 1 :]] for r in rows[1:]
        ]
    with atomic_open(out, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";" if dialect == "nl" else ",").writerows(rows)


def _write_xlsx(path, rows: list[list[str]], lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from qualcode.report.labels import SHEET_LABELS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_LABELS[lang]["sheet"])
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows), 2)}"
    bold = Font(bold=True)
    header = []
    for name in rows[0]:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    text_cols = [COLUMNS.index(c) for c in TEXT_COLUMNS]
    long_cols = (COLUMNS.index("text"), COLUMNS.index("memo"))
    for row in rows[1:]:
        cells: list = list(row)
        for i in text_cols:  # "5-11" and "(FG1; 5-11)" stay text: never a date or a number
            cell = WriteOnlyCell(ws, value=row[i])
            cell.data_type = "s"
            cell.number_format = "@"
            cells[i] = cell
        for i in long_cols:
            cell = WriteOnlyCell(ws, value=row[i])
            cell.alignment = wrap
            if row[i].startswith("="):  # text, never a formula
                cell.data_type = "s"
            cells[i] = cell
        ws.append(cells)
    wb.save(path)
