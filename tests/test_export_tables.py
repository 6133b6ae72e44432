"""Quote tables (xlsx via openpyxl, csv with BOM) read back, and the atomic writer every export uses."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from test_export_docx import build_project, run_cli, run_subprocess  # the same known project and CLI helpers

COLUMNS = ["transcript", "ranges", "citation", "code", "coder", "speakers", "text", "memo"]  # keys for the rows
NL_HEADER = ["Transcript", "Regels", "Bron", "Code", "Codeur", "Sprekers", "Citaat", "Memo"]
EN_HEADER = ["Transcript", "Lines", "Source", "Code", "Coder", "Speakers", "Quote", "Memo"]
NB = "\u2011"


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    return build_project(tmp_path / "project.db")


def read_xlsx(path: Path) -> list[list]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Citaten"]
    return [[("" if v is None else v) for v in row] for row in ws.iter_rows(values_only=True)]


def read_csv(path: Path, delimiter: str = ";") -> list[list[str]]:
    """A Dutch-dialect CSV (semicolons) with the lines column back in ASCII."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    return [rows[0]] + [[v.replace(NB, "-") if i == 1 else v for i, v in enumerate(r)] for r in rows[1:]]


def test_xlsx_one_row_per_quote(project_file, tmp_path):
    out = tmp_path / "quotes.xlsx"
    result = run_cli(project_file, "export", "quotes", out, "--coder", "anna")
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    rows = read_xlsx(out)
    assert rows[0] == NL_HEADER
    body = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    assert [(r["transcript"], r["ranges"], r["code"]) for r in body] == [
        ("FG1", "27-29", "werkwijze"),
        ("FG1", "36-37", "veiligheid"),
        ("FG1", "110-113,123-125", "werkwijze"),
        ("FG2", "20-22", "werkwijze"),
        ("FG2", "20-22", "methodiek"),
        ("FG2", "57-64", "samenwerking"),
    ]
    multi = body[2]
    assert multi["citation"] == "(FG1; 110-113; 123-125)"
    assert multi["speakers"] == "R2" and multi["coder"] == "anna"
    assert "gewoon niet. (…) Ja, want dat huisbezoek" in multi["text"]
    assert body[5]["text"].endswith("uit wiens koker moest dat nou komen?")
    assert "én de betrokken partijen" in multi["text"]  # accents survive


def test_csv_has_bom_and_same_rows(project_file, tmp_path):
    out = tmp_path / "quotes.csv"
    run_cli(project_file, "export", "quotes", out, "--coder", "anna")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].startswith(b"Transcript;Regels;Bron")
    assert "27\u201129".encode() in data  # Dutch Excel keeps it as text, not 27 September
    rows = read_csv(out)
    assert rows[0] == NL_HEADER
    xlsx = tmp_path / "quotes.xlsx"
    run_cli(project_file, "export", "quotes", xlsx, "--coder", "anna")
    assert rows[1:] == [[str(v) for v in r] for r in read_xlsx(xlsx)[1:]]
    assert "én de betrokken partijen" in rows[3][6]


def test_filters_and_memo(project_file, tmp_path):
    from qualcode.coding import codings
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        coding = codings.list_codings(project, coder="bram", code="nazorg")[0]
        codings.set_memo(project, coding.id, "Nazorg: niemand voelt zich eigenaar.", "bram")
    out = tmp_path / "bram.csv"
    run_cli(project_file, "export", "quotes", out, "--coder", "bram", "--transcripts", "FG2", "--codes", "nazorg")
    rows = [dict(zip(COLUMNS, r)) for r in read_csv(out)[1:]]
    assert len(rows) == 1
    assert rows[0]["citation"] == "(FG2; 57-64)" and rows[0]["memo"] == "Nazorg: niemand voelt zich eigenaar."


def test_control_characters_and_formula_like_text(project_file, tmp_path):
    from qualcode.coding import codings
    from qualcode.store.project import Project

    with Project.open(project_file) as project:
        coding = codings.list_codings(project, coder="anna", code="samenwerking")[0]
        codings.set_memo(project, coding.id, "=SUM(A1)\x07", "anna")
    out = tmp_path / "q.xlsx"
    result = run_cli(project_file, "export", "quotes", out, "--coder", "anna", "--codes", "samenwerking")
    assert result.exit_code == 0
    assert "warning: removed 1 control character that Word/Excel cannot hold" in result.stderr
    from openpyxl import load_workbook

    cell = load_workbook(out)["Citaten"]["H2"]
    assert (cell.value, cell.data_type) == ("=SUM(A1)", "s")  # text, not a formula
    csv_out = tmp_path / "q.csv"
    run_cli(project_file, "export", "quotes", csv_out, "--coder", "anna", "--codes", "samenwerking")
    assert read_csv(csv_out)[1][7] == "'=SUM(A1)"  # OWASP: never a formula in a spreadsheet


def test_default_path_and_bad_suffix(project_file, tmp_path):
    result = run_cli(project_file, "export", "quotes", "--coder", "anna", cwd=tmp_path)
    assert result.stdout.strip() == str(Path("exports") / "qualcode-quotes.xlsx")
    assert len(read_xlsx(tmp_path / "exports" / "qualcode-quotes.xlsx")) == 7
    bad = run_subprocess(project_file, "export", "quotes", tmp_path / "q.ods", cwd=tmp_path)
    assert bad.returncode == 1 and "unsupported file type .ods; use .xlsx or .csv" in bad.stderr
    assert "Traceback" not in bad.stderr


# ------------------------------------------------------------ atomic writes
def test_atomic_open_replaces_only_on_success(tmp_path):
    from qualcode.store.files import atomic_open

    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with atomic_open(target, "w") as f:
            f.write("half")
            1 / 0
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    with atomic_open(target, "w", encoding="utf-8") as f:
        f.write("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # usual permissions, not a temp file's 0600


def test_atomic_refuses_bad_targets(tmp_path):
    from qualcode.errors import InputError
    from qualcode.store.files import atomic_path

    with pytest.raises(InputError, match="does not exist"):
        with atomic_path(tmp_path / "missing" / "x.docx"):
            pass
    with pytest.raises(InputError, match="is a folder"):
        with atomic_path(tmp_path):
            pass


def test_xlsx_filter_frozen_header_and_citations_as_text(project_file, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "q.xlsx"
    assert run_cli(project_file, "export", "quotes", out, "--coder", "anna", "--lang", "en").exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Quotes"]
    ws = wb["Quotes"]
    assert [c.value for c in ws[1]] == EN_HEADER
    assert ws.auto_filter.ref == "A1:H7"
    assert ws.freeze_panes == "A2"
    for row in ws.iter_rows(min_row=2, max_col=3):
        for cell in row:
            assert cell.data_type == "s" and cell.number_format == "@", cell.coordinate
    assert ws["B2"].value == "27-29"


def test_csv_dialects(project_file, tmp_path):
    en = tmp_path / "en.csv"
    assert run_cli(project_file, "export", "quotes", en, "--coder", "anna", "--csv-dialect", "en").exit_code == 0
    data = en.read_bytes()
    assert data[3:].startswith(b"Transcript,Regels,Bron")  # labels follow --lang (nl), separators the dialect
    with open(en, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][1] == "27-29" and rows[1][2] == "(FG1; 27-29)"
    nl = tmp_path / "nl.csv"
    run_cli(project_file, "export", "quotes", nl, "--coder", "anna", "--lang", "en", "--csv-dialect", "nl")
    with open(nl, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == EN_HEADER and rows[1][1] == f"27{NB}29"
