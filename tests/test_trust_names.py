"""Issue 11, class 3: transcript names must never lead a file out of its folder.

Found: ``import --name ../x`` and a .qdpx source named ``../x`` were accepted, and
``export transcript NAME`` without OUT then wrote outside ``exports/``.
One rule (:mod:`qualcode.names`) at every entry point, one path check wherever a
path is built from a name.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from core_helpers import run_qualcode

from qualcode.errors import InputError
from qualcode.names import check_transcript_name, path_inside, safe_transcript_name

BAD_NAMES = [
    "../evil",
    "..",
    "a/b",
    "a\\b",
    "/etc/x",
    "C:evil",
    "x;y",
    "FG(1)",
    " FG1",
    "FG1 ",
    ".hidden",
    "FG\x1b[31m1",
]
BAD_NAMES += ["a\nb", "x" * 101, "NUL", "con.txt", 'a"b', "a*b", "a?b", "a<b", "a>b", "a|b", "FG\u202e1"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_one_rule_refuses_names_that_are_not_usable_as_file_names(name):
    with pytest.raises(InputError, match="unusable transcript name"):
        check_transcript_name(name, path="x.txt")
    safe = safe_transcript_name(name)
    assert check_transcript_name(safe) == safe  # the conversion always gives a usable name


@pytest.mark.parametrize("name", ["FG1", "Interview 3", "Focusgroep-Zuid", "café é", "FG 2, deel 1", "a.b"])
def test_ordinary_names_pass(name):
    assert check_transcript_name(name) == name


def test_path_inside_refuses_anything_that_leaves_the_folder(tmp_path):
    assert path_inside(tmp_path, "FG1.docx") == tmp_path / "FG1.docx"
    for filename in ("../x.docx", "a/../../x.docx", "/tmp/x.docx", "sub/x.docx"):
        with pytest.raises(InputError, match="outside"):
            path_inside(tmp_path, filename)


def test_import_name_with_dotdot_is_refused_before_anything_is_written(tmp_path, small_txt):
    result = run_qualcode("import", str(small_txt), "--name", "../../evil", cwd=tmp_path)
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert "unusable transcript name '../../evil'" in result.stderr and "FG9.txt" in result.stderr
    assert not (tmp_path / "qualcode.db").exists()


def test_export_transcript_of_a_stored_bad_name_stays_in_exports(tmp_path, project_path):
    """A name stored by an older version (or by hand) is still no path: export refuses it."""
    import sqlite3

    conn = sqlite3.connect(project_path)
    conn.execute("UPDATE transcripts SET name = '../escaped'")
    conn.commit()
    conn.close()
    victim = tmp_path / "escaped.docx"
    victim.write_bytes(b"precious")
    work = tmp_path / "work"
    work.mkdir()
    result = run_qualcode("--project", str(project_path), "export", "transcript", "../escaped", cwd=work)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "outside exports/" in result.stderr and result.stderr.count("\n") == 1
    assert victim.read_bytes() == b"precious"
    assert not (work / "exports").exists()  # the default folder is removed again when nothing was written


def _qdpx_with_source_name(project_path: Path, out: Path, name: str) -> Path:
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.store.project import Project

    plain = out.with_name("plain.qdpx")
    with Project.open(project_path, readonly=True) as project:
        export_qdpx(project, plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".qde"):
                data = re.sub(rb'(<TextSource[^>]*?) name="FG9"', rb'\1 name="' + name.encode() + b'"', data)
                assert name.encode() in data
            dst.writestr(item, data)
    return out


def test_a_qdpx_source_named_dotdot_is_imported_under_a_safe_name_and_reported(tmp_path, project_path):
    qdpx = _qdpx_with_source_name(project_path, tmp_path / "from-colleague.qdpx", "../../evil")
    work = tmp_path / "work"
    work.mkdir()
    result = run_qualcode("import", str(qdpx), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "'../../evil' imported as 'evil'" in result.stdout
    listed = run_qualcode("transcripts", "--json", cwd=work)
    assert "evil" in [t["name"] for t in json.loads(listed.stdout)]
    exported = run_qualcode("export", "transcript", "evil", cwd=work)
    assert exported.returncode == 0, exported.stderr
    assert (work / "exports" / "evil.docx").is_file()
    assert not (tmp_path / "evil.docx").exists()


def test_merge_refuses_a_colleagues_transcript_with_a_path_for_a_name(tmp_path, project_path):
    import sqlite3

    other = tmp_path / "other"
    other.mkdir()
    source = other / "FG7.txt"
    source.write_text("M: Een ander gesprek.\nR1: Ja.\n", encoding="utf-8")
    assert run_qualcode("--project", "other.db", "import", str(source), cwd=other).returncode == 0
    conn = sqlite3.connect(other / "other.db")
    conn.execute("UPDATE transcripts SET name = '../../evil'")
    conn.commit()
    conn.close()
    before = project_path.read_bytes()
    result = run_qualcode("--project", str(project_path), "merge", str(other / "other.db"), cwd=tmp_path)
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert "unusable transcript name '../../evil'" in result.stderr and "other.db" in result.stderr
    assert project_path.read_bytes() == before
