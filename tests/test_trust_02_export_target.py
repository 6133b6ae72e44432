"""Issue 11, class 2: no export ever writes onto the project, its -wal/-shm, a backup or a transcript source.

Found as: `qualcode export qdpx PROJECT.db` (and `qdc`) overwrote the project with a ZIP and exited 0.
The check lives in the one atomic writer (`qualcode.store.files.check_target`), so every exporter has it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trust_helpers import digest, make_project, ok, one_error_line, run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = make_project(tmp_path)
    ok(run("code", "FG9", "2-3", "werkwijze", cwd=tmp_path))
    return path


def _files(tmp_path: Path) -> list[Path]:
    """Every file but SQLite's own -wal/-shm (which any opening makes and removes)."""
    return sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm")))


def test_exports_refuse_every_file_of_the_project(project: Path, tmp_path: Path):
    import docx

    document = docx.Document()
    for text in ("M: Welkom.", "R1: Dank je.", "R2: Graag gedaan."):
        document.add_paragraph(text)
    document.save(tmp_path / "INTERVIEW.docx")
    ok(run("import", "INTERVIEW.docx", cwd=tmp_path))
    backups = sorted((tmp_path / "backups").glob("*.db"))
    assert backups, "opening for writing made a backup"
    targets = [
        (("qdpx", "qualcode.db"), "open project file"),
        (("qdc", "qualcode.db"), "open project file"),
        (("qdpx", "qualcode.db-wal"), "-wal file"),
        (("qdc", "qualcode.db-shm"), "-shm file"),
        (("qdpx", str(backups[0].relative_to(tmp_path))), "backups folder"),
        (("transcript", "INTERVIEW", "INTERVIEW.docx"), "source file of a transcript"),
    ]
    before = {p: digest(p) for p in _files(tmp_path)}
    for args, reason in targets:
        line = one_error_line(run("export", *args, cwd=tmp_path))
        assert reason in line and "never writes over it" in line, (args, line)
        assert {p: digest(p) for p in _files(tmp_path)} == before, args
    ok(run("check", cwd=tmp_path))


def test_another_project_or_a_copied_backup_is_refused_too(project: Path, tmp_path: Path):
    other = make_project(tmp_path / "other")
    copy = tmp_path / "old.db"
    copy.write_bytes(next((tmp_path / "backups").glob("*.db")).read_bytes())
    for target in (other, copy):
        before = digest(target)
        line = one_error_line(run("export", "qdpx", str(target), cwd=tmp_path))
        assert "is a qualcode project" in line
        assert digest(target) == before


def test_an_ordinary_export_still_works(project: Path, tmp_path: Path):
    ok(run("export", "qdpx", "uit.qdpx", cwd=tmp_path))
    assert (tmp_path / "uit.qdpx").read_bytes()[:2] == b"PK"
