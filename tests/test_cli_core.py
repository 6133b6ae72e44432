"""The core walk-through as a user runs it: real subprocesses, real files, one-line errors."""

import json
import sqlite3

from core_helpers import CODEBOOK, ROOT, run_qualcode


def test_walk_through_import_code_list(tmp_path):
    r = run_qualcode("init", "--codebook", str(CODEBOOK), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "qualcode.db").exists()
    r = run_qualcode(
        "import", str(ROOT / "transcripts" / "FG1.txt"), str(ROOT / "transcripts" / "FG2.txt"), cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert "Imported FG1" in r.stdout and "Imported FG2" in r.stdout
    assert run_qualcode("code", "FG2", "57-64", "samenwerking", "--coder", "anna", cwd=tmp_path).returncode == 0
    r = run_qualcode("--coder", "anna", "code", "FG1", "110-113,123-125", "werkwijze", "--memo", "kern", cwd=tmp_path)
    assert r.returncode == 0 and "(FG1; 110-113; 123-125)" in r.stdout
    r = run_qualcode("codings", "--json", cwd=tmp_path)
    rows = json.loads(r.stdout)
    assert [(x["transcript"], x["citation"], x["code"], x["coder"]) for x in rows] == [
        ("FG1", "(FG1; 110-113; 123-125)", "werkwijze", "anna"),
        ("FG2", "(FG2; 57-64)", "samenwerking", "anna"),
    ]
    assert rows[0]["ranges"] == [[110, 113], [123, 125]] and " (…) " in rows[0]["text"] and rows[0]["memo"] == "kern"
    assert rows[1]["text"].endswith("uit wiens koker moest dat nou komen?")
    assert not rows[1]["text"].startswith("R3:") and rows[1]["speakers"] == ["R3"]
    r = run_qualcode("transcripts", "--json", cwd=tmp_path)
    listing = {t["name"]: t for t in json.loads(r.stdout)}
    assert listing["FG2"]["lines"] == 287 and "[REGISSEUR 2]" in listing["FG2"]["speakers"]
    assert listing["FG1"]["coders"]["anna"]["codings"] == 1
    r = run_qualcode("codings", "--coder", "nobody", "--json", cwd=tmp_path)
    assert json.loads(r.stdout) == []


def test_env_project_and_coder(tmp_path):
    env = {"QUALCODE_PROJECT": str(tmp_path / "elders.db")}
    r = run_qualcode("init", cwd=tmp_path, env=env)
    assert r.returncode == 0 and (tmp_path / "elders.db").exists()


def test_missing_project_is_a_clear_error_and_creates_nothing(tmp_path):
    r = run_qualcode("codings", cwd=tmp_path)
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0 and "qualcode init" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "qualcode.db").exists()


def test_bad_imports_are_one_line_errors_and_all_or_nothing(tmp_path):
    good = tmp_path / "FG1.txt"
    good.write_text("M: hallo\nR1: dag\n", encoding="utf-8")
    (tmp_path / "leeg.txt").write_bytes(b"")
    (tmp_path / "foto.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (tmp_path / "kapot.docx").write_bytes(b"not a zip at all")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert run_qualcode("import", str(good), cwd=tmp_path).returncode == 0
    db = tmp_path / "qualcode.db"
    before = sqlite3.connect(db).execute("SELECT count(*) FROM transcripts").fetchone()[0]
    second = tmp_path / "FG2.txt"
    second.write_text("M: nog een\n", encoding="utf-8")
    for bad in ("leeg.txt", "foto.txt", "kapot.docx", "notes.pdf", "missing.txt"):
        r = run_qualcode("import", str(second), str(tmp_path / bad), cwd=tmp_path)
        assert r.returncode != 0, bad
        assert bad in r.stderr and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run_qualcode("import", str(good), "--name", "FG1b", cwd=tmp_path)
    assert r.returncode != 0 and "imported already as 'FG1'" in r.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM transcripts").fetchone()[0] == before


def test_coding_errors_exit_non_zero_with_suggestions(tmp_path):
    run_qualcode("init", "--codebook", str(CODEBOOK), cwd=tmp_path)
    run_qualcode("import", str(ROOT / "transcripts" / "FG2.txt"), cwd=tmp_path)
    cases = [
        (("code", "FG2", "280-400", "nazorg"), "outside FG2"),
        (("code", "FG3", "1", "nazorg"), "did you mean FG2"),
        (("code", "FG2", "1", "nazrog"), "did you mean nazorg"),
        (("code", "FG2", "5-a", "nazorg"), "malformed line range"),
        (("uncode", "FG2", "5", "nazorg"), "has no coding"),
    ]
    for args, message in cases:
        r = run_qualcode(*args, cwd=tmp_path)
        assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    assert json.loads(run_qualcode("codings", "--json", cwd=tmp_path).stdout) == []


def test_undo_redo_commands(cli, tmp_path):
    assert cli("init", "--codebook", CODEBOOK).exit_code == 0
    assert cli("import", ROOT / "transcripts" / "FG1.txt").exit_code == 0
    assert cli("code", "FG1", "20-22", "nazorg").exit_code == 0
    r = cli("undo")
    assert r.exit_code == 0 and "Undone: code FG1 20-22 nazorg" in r.output
    assert cli("codings", "--json").output.strip() == "[]"
    assert cli("redo").exit_code == 0
    assert len(json.loads(cli("codings", "--json").output)) == 1
    r = cli("undo", "--coder", "someone-else")
    assert r.exit_code == 1 and "nothing to undo" in r.output


def test_done_and_memo_commands(cli):
    cli("init", "--codebook", CODEBOOK)
    cli("import", ROOT / "transcripts" / "FG1.txt")
    assert cli("done", "FG1").exit_code == 0
    listing = json.loads(cli("transcripts", "--json").output)
    assert listing[0]["coders"]["tester"]["done"] is True
    assert cli("memo", "code", "werkwijze", "Samenvatting van het thema").exit_code == 0
    assert cli("memo", "code", "werkwijze").output.strip() == "Samenvatting van het thema"


def test_python_dash_m_and_help(tmp_path):
    r = run_qualcode("--help", cwd=tmp_path)
    assert r.returncode == 0 and "import" in r.stdout and "codings" in r.stdout


def test_export_warns_about_open_privacy_findings(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_NO_DEDUCE", "1")
    (tmp_path / "FG5.txt").write_text("M: hallo\nR1: mail me op jan@example.nl\nR2: prima\n", encoding="utf-8")
    cli("init", "--codebook", CODEBOOK)
    cli("import", tmp_path / "FG5.txt")
    cli("code", "FG5", "3", "nazorg")
    r = cli("export", "docx", "clean.docx")
    assert r.exit_code == 0 and "privacy" not in r.output
    cli("code", "FG5", "2", "nazorg")
    r = cli("export", "docx", "leak.docx")
    assert r.exit_code == 0 and "1 exported quote contains" in r.output and "jan@example.nl" in r.output
