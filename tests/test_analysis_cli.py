"""The analysis commands as a user runs them (real subprocesses): JSON contracts, filters, files."""

from __future__ import annotations

import json

import pytest
from analysis_helpers import ANNA, CODES, ROLES, SPEAKERS, build
from core_helpers import run_qualcode
from test_analysis import BY_ROLE, BY_SPEAKER


@pytest.fixture
def fx(tmp_path):
    path, ids = build(tmp_path)
    return tmp_path, path, ids


def qc(folder, path, *args):
    return run_qualcode(*args, "--project", str(path), cwd=folder, env={"QUALCODE_CODER": ANNA})


def test_crosstab_json_contract(fx):
    folder, path, _ = fx
    r = qc(folder, path, "crosstab", "--by", "speaker", "--unit", "lines", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {k: data[k] for k in ("by", "unit", "rows", "columns", "counts")} == {
        "by": "speaker",
        "unit": "lines",
        "rows": CODES,
        "columns": SPEAKERS,
        "counts": BY_SPEAKER["lines"],
    }
    r = qc(folder, path, "crosstab", "--by", "rol", "--unit", "speakers", "--json", "--percent")
    data = json.loads(r.stdout)
    assert data["columns"] == ROLES and data["counts"] == BY_ROLE["speakers"]
    assert data["column_percentages"][2] == [100.0, 0.0, 66.7]
    assert "expected counts too small" in r.stderr


def test_crosstab_text_and_xlsx(fx):
    from openpyxl import load_workbook

    folder, path, _ = fx
    r = qc(folder, path, "crosstab", "--by", "rol", "--xlsx", "rol.xlsx")
    assert r.returncode == 0, r.stderr
    assert "werkwijze (total)" in r.stdout and "chi²(" in r.stdout
    ws = load_workbook(folder / "rol.xlsx").active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["code", *ROLES, "Total"]
    assert rows[1] == ["werkwijze", *BY_ROLE["codings"][0], 2]


def test_cooccurrence_json_contract(fx):
    folder, path, _ = fx
    r = qc(folder, path, "cooccurrence", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["codes"] == CODES
    assert data["counts"][3] == [0, 1, 1, 3, 2]
    assert all(data["counts"][i][j] == data["counts"][j][i] for i in range(5) for j in range(5))


def test_codings_filters_by_speaker_and_attribute(fx):
    folder, path, _ = fx
    r = qc(folder, path, "codings", "--speaker", "R3", "--transcript", "FG1", "--json")
    assert r.returncode == 0, r.stderr
    assert sorted(q["citation"] for q in json.loads(r.stdout)) == ["(FG1; 4-7)", "(FG1; 5-6)"]
    r = qc(folder, path, "codings", "--attribute", "rol=jeugdarts", "--json")
    assert sorted(q["citation"] for q in json.loads(r.stdout)) == ["(FG2; 2-3)", "(FG2; 7-8)"]
    r = qc(folder, path, "codings", "--attribute", "rol")
    assert r.returncode != 0 and r.stderr.strip().startswith("error:") and "NAME=VALUE" in r.stderr


def test_participants_load_show_and_bad_file(fx):
    folder, path, _ = fx
    r = qc(folder, path, "participants", "show", "--json")
    data = json.loads(r.stdout)
    assert len(data["participants"]) == 7 and data["transcripts"][0]["attributes"]["groep"] == "projectgroep"
    bad = folder / "bad.csv"
    bad.write_text("transcript,speaker,rol\nFG1,R1,politie\nFG3,R1,x\nFG1,R1,y\nFG2,Q,z\n", encoding="utf-8")
    before = qc(folder, path, "participants", "show", "--json").stdout
    r = qc(folder, path, "participants", "load", str(bad))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert [ln.split(": ", 2)[1] for ln in lines[:3]] == [f"{bad}:3", f"{bad}:4", f"{bad}:5"]
    assert all(ln.startswith("error: ") for ln in lines) and "nothing was loaded" in lines[-1]
    assert "Traceback" not in r.stderr
    assert qc(folder, path, "participants", "show", "--json").stdout == before
    r = qc(folder, path, "participants", "set", "FG1", "R1", "rol")
    assert r.returncode != 0 and "NAME=VALUE" in r.stderr
    r = qc(folder, path, "participants", "set", "FG1", "R1", "rol=politie", "--json")
    assert json.loads(r.stdout)["attributes"]["rol"] == "politie"
    r = qc(folder, path, "undo")
    assert r.returncode == 0 and "edit participant FG1 R1" in r.stdout


def test_export_analysis_workbook_and_docx_tables(fx):
    from docx import Document
    from openpyxl import load_workbook

    folder, path, _ = fx
    r = qc(folder, path, "export", "analysis", "analyse.xlsx")
    assert r.returncode == 0, r.stderr
    wb = load_workbook(folder / "analyse.xlsx")
    assert wb.sheetnames == [
        "crosstab speaker",
        "crosstab transcript",
        "crosstab organisatie",
        "crosstab rol",
        "crosstab datum",
        "crosstab groep",
        "co-occurrence",
        "co-occurrence jaccard",
        "participants",
    ]
    r = qc(folder, path, "export", "docx", "rapport.docx", "--coder", ANNA, "--crosstab", "rol", "--cooccurrence")
    assert r.returncode == 0, r.stderr
    doc = Document(str(folder / "rapport.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert "Analyse" in texts
    aid = next(t for t in texts if t.startswith("Lees: een cel telt de coderingen"))
    assert "χ²(" in aid and "Codeur: anna." in aid
    assert any(t.startswith("Lees: een cel telt de paren") for t in texts)
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == ROLES[0])
    assert [c.text for c in table.rows[0].cells] == ["Code", *ROLES, "Totaal"]
    # anna's codings by role: the hand counts without bram's c10, c11, c12
    assert [c.text for c in table.rows[4].cells] == ["samenwerking", "2", "0", "2", "3"]
    widths = sum(
        int(g.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for g in table._tbl.tblGrid
    )
    assert widths <= 16 * 567 + 10  # fits the page (16 cm)
