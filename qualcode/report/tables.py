"""Quote tables for Excel and scripts (``qualcode export quotes OUT.xlsx|OUT.csv``).

One row per quote, in transcript order then line order: transcript, ranges,
citation, code, coder, speakers, text, memo. ``.xlsx`` is written with openpyxl
(write-only mode: fast and low on memory); ``.csv`` is UTF-8 **with** a byte
order mark so Excel opens Dutch text (é, ë, …) correctly, and a
cell that starts like a formula (= + - @ tab CR) gets a leading ``'`` (OWASP's advice
against CSV injection; counted in the warnings). Control characters are removed
(openpyxl refuses them; Excel would show garbage) and counted.
"""

from __future__ import annotations

import csv
from pathlib import Path

from qualcode.corpus.ingest.decode import clean_control_chars
from qualcode.ranges import format_ranges
from qualcode.report.selection import ExportResult, Progress, check_suffix, select

COLUMNS = ("transcript", "ranges", "citation", "code", "coder", "speakers", "text", "memo")
WIDTHS = (12, 16, 22, 18, 12, 18, 80, 40)


def quote_table(quotes: list[dict]) -> tuple[list[list[str]], int]:
    """Rows (header first) for ``quotes`` and how many control characters were removed."""
    removed = 0
    rows: list[list[str]] = [list(COLUMNS)]
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
    progress: Progress | None = None,
) -> ExportResult:
    """Write the selected quotes to ``out`` (.xlsx or .csv), atomically."""
    from qualcode.store.files import atomic_open, atomic_path, check_target

    out = Path(out)
    suffix = check_suffix(out, (".xlsx", ".csv"))
    check_target(out)
    selection = select(project, coder=coder, current_coder=current_coder, codes=codes, transcripts=transcripts)
    if progress:
        progress(0, 2, "quotes")
    rows, removed = quote_table(selection.quotes)
    if progress:
        progress(1, 2, "saving")
    warnings = list(selection.warnings)
    if suffix == ".csv":
        rows, neutralised = csv_safe_rows(rows)
        with atomic_open(out, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)  # fields with , " or line breaks are quoted
        if neutralised:
            warnings.append(
                f"{neutralised} cell{'s' if neutralised != 1 else ''} starting with = + - @ tab or CR "
                "got a leading ' so that spreadsheets show them as text, not formulas"
            )
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("quotes")
        for i, width in enumerate(WIDTHS):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for name in rows[0]:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        wrap = Alignment(wrap_text=True, vertical="top")
        text_col = COLUMNS.index("text")
        for row in rows[1:]:
            cells: list = list(row)
            for i, value in enumerate(row):
                if value.startswith("="):  # text, never a formula
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"
                    cells[i] = cell
            cell = WriteOnlyCell(ws, value=row[text_col])
            cell.alignment = wrap
            if row[text_col].startswith("="):
                cell.data_type = "s"
            cells[text_col] = cell
            ws.append(cells)
        with atomic_path(out) as tmp:
            wb.save(tmp)
    if progress:
        progress(2, 2, "done")
    return ExportResult(
        path=out,
        coder=selection.coder,
        quotes=len(selection.quotes),
        removed_chars=removed,
        warnings=warnings,
    )
