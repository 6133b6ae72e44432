"""Issue 11, class 4: a project with a damaged page opens for reading at most and stays byte-identical.

Found as: with one corrupt page (`check` fails, reads say "malformed"), `code`, `import` and `undo`
still succeeded and modified the file.
"""

from __future__ import annotations

from pathlib import Path

from trust_helpers import corrupt_index_page, digest, make_project, ok, one_error_line, run


def test_every_write_to_a_damaged_project_is_refused_and_the_file_stays_byte_identical(tmp_path: Path):
    project = make_project(tmp_path)
    cwd = tmp_path
    for n in range(1, 10):  # enough codings for the index to have its own page
        for code in ("werkwijze", "samenwerking", "veiligheid"):
            ok(run("code", "FG9", str(n), code, cwd=cwd))
    corrupt_index_page(project)
    (tmp_path / "more.txt").write_text("M: Nog een transcript.\nR1: Ja.\n", encoding="utf-8")
    before = digest(project, Path(f"{project}-wal"), Path(f"{project}-shm"))

    for args in (
        ("code", "FG9", "2", "werkwijze", "--coder", "bram"),
        ("import", "more.txt"),
        ("undo",),
        ("memo", "project", "Een memo"),
        ("done", "FG9"),
    ):
        line = one_error_line(run(*args, cwd=cwd))
        assert "damaged" in line and "qualcode restore" in line, (args, line)
        assert "nothing was changed" in line
        assert digest(project, Path(f"{project}-wal"), Path(f"{project}-shm")) == before, args

    check = run("check", cwd=cwd)
    assert check.returncode == 1 and "FAIL integrity" in check.stdout, check.stdout + check.stderr
    assert "Traceback" not in check.stderr
    assert digest(project, Path(f"{project}-wal"), Path(f"{project}-shm")) == before


def test_a_damaged_project_can_be_restored(tmp_path: Path):
    project = make_project(tmp_path)
    ok(run("code", "FG9", "2", "werkwijze", cwd=tmp_path))  # a session backup exists now (gap 0)
    for n in range(3, 10):
        ok(run("code", "FG9", str(n), "veiligheid", cwd=tmp_path))
    corrupt_index_page(project)
    ok(run("restore", "1", "--yes", cwd=tmp_path))
    assert ok(run("check", cwd=tmp_path)).returncode == 0
    ok(run("code", "FG9", "3", "werkwijze", cwd=tmp_path))
