"""Files from elsewhere: unsafe ZIP members and hostile XML are refused before anything is written."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import archives as safezip
from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.exchange.refi_load import import_file
from qualcode.store.project import Project

QDE = (
    "<?xml version='1.0'?><Project xmlns='urn:QDA-XML:project:1.0' name='x'><Sources>"
    "<TextSource guid='0F6A2C31-7B1D-4E55-9C0A-3D2B1E4F5A61' name='S' "
    "plainTextPath='internal://0F6A2C31-7B1D-4E55-9C0A-3D2B1E4F5A61.txt'/></Sources></Project>"
)
SOURCE = "sources/0F6A2C31-7B1D-4E55-9C0A-3D2B1E4F5A61.txt"

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol4;"/>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


def write_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes | str]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return path


def symlink_member(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3
    return info


def state(folder: Path, project: Project) -> tuple:
    """What could have been written: files anywhere under the folder, and the project's rows."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "qualcode.db" not in p.name)
    rows = tuple(
        project.scalar(f"SELECT count(*) FROM {t}")
        for t in ("transcripts", "lines", "codes", "codings", "memos", "coders")
    )
    events = project.scalar("SELECT count(*) FROM events")
    return files, rows, events


CASES = {
    "zip-slip": [("project.qde", QDE), ("../../evil.txt", "pwned"), (SOURCE, "tekst")],
    "absolute path": [("project.qde", QDE), ("/tmp/qualcode-evil.txt", "pwned"), (SOURCE, "tekst")],
    "windows absolute path": [("project.qde", QDE), ("C:\\evil.txt", "pwned"), (SOURCE, "tekst")],
    "symlink": [
        ("project.qde", QDE),
        (symlink_member("sources/link.txt", "/etc/passwd"), "/etc/passwd"),
        (SOURCE, "tekst"),
    ],
    "XML bomb": [("project.qde", BOMB)],
    "external entity": [("project.qde", XXE)],
}
MESSAGES = {
    "zip-slip": "'..'",
    "absolute path": "absolute path",
    "windows absolute path": "absolute path",
    "symlink": "symbolic link",
    "XML bomb": "declares entities",
    "external entity": "declares entities",
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_qdpx_is_refused_with_nothing_written(tmp_path, case):
    work = tmp_path / "work"
    work.mkdir()
    archive = write_zip(tmp_path / "hostile.qdpx", CASES[case])
    project = Project.create(work / "qualcode.db")
    before = state(work, project)
    with pytest.raises(InputError) as exc:
        import_file(project, archive, "anna")
    assert MESSAGES[case] in str(exc.value)
    assert "\n" not in str(exc.value)
    assert state(work, project) == before
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/qualcode-evil.txt").exists()


def test_hostile_qdc_is_refused(tmp_path):
    for name, xml in (
        ("bomb.qdc", BOMB.replace("Project", "CodeBook")),
        ("xxe.qdc", XXE.replace("Project", "CodeBook")),
    ):
        path = tmp_path / name
        path.write_text(xml, encoding="utf-8")
        project = Project.create(tmp_path / f"{name}.db")
        with pytest.raises(InputError, match="declares entities"):
            import_file(project, path, "anna")
        assert project.scalar("SELECT count(*) FROM codes") == 0


def test_cli_refuses_a_zip_slip_archive_with_one_line_and_no_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_zip(tmp_path / "hostile.qdpx", CASES["zip-slip"])
    from qualcode.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--project", "p.db", "import", "hostile.qdpx"])
    assert exc.value.code == 1
    assert not (tmp_path.parent / "evil.txt").exists()
    # the project is created only after the archive was read and checked
    assert not (tmp_path / "p.db").exists()


def test_too_many_members_and_oversized_members_are_refused(tmp_path):
    many = write_zip(tmp_path / "many.zip", [(f"m{i}.txt", "x") for i in range(30)])
    with pytest.raises(InputError, match="30 members"):
        safezip.open_zip(many, max_members=20)
    big = write_zip(tmp_path / "big.zip", [("big.txt", b"0" * 5_000_000)])  # compresses ~1000:1
    with pytest.raises(InputError, match="zip bomb"):
        safezip.open_zip(big)
    with pytest.raises(InputError, match="unpacks to"):
        safezip.open_zip(write_zip(tmp_path / "b2.zip", [("a.txt", os.urandom(5000))]), max_member_bytes=1000)


def test_a_member_larger_than_its_header_claims_is_refused(tmp_path):
    path = write_zip(tmp_path / "lie.zip", [("a.txt", b"A" * 100)])
    data = bytearray(path.read_bytes())
    # patch the uncompressed size (32-bit, little endian) in the central directory to 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with safezip.open_zip(tmp_path / "lie.zip", data=bytes(data)) as z, pytest.raises(InputError):
        z.read("a.txt")


def test_parse_xml_refuses_entities_and_names_bad_xml(tmp_path):
    with pytest.raises(InputError, match="declares entities"):
        safezip.parse_xml(BOMB.encode(), path="x.qde")
    with pytest.raises(InputError, match="not well-formed"):
        safezip.parse_xml(b"<Project><Users></Project>", path="x.qde")
    root = safezip.parse_xml(b"<a><b/></a>", path="x.qde")
    assert [c.tag for c in root] == ["b"]


def test_not_a_zip_is_a_one_line_error(tmp_path):
    (tmp_path / "x.qdpx").write_text("hello")
    project = Project.create(tmp_path / "p.db")
    with pytest.raises(InputError, match="not a valid .qdpx project"):
        import_file(project, tmp_path / "x.qdpx", "anna")
    r = CliRunner().invoke(cli, ["--project", str(tmp_path / "p.db"), "import", str(tmp_path / "x.qdpx")])
    assert r.exit_code != 0
