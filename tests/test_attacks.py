"""The attack corpus: every bad input a hurried colleague or a hostile file can give, run as a user would.

Each case runs ``python -m qualcode`` in a real subprocess on a copy of a small
real project and must end the same way: exit code not 0, exactly one line on
stderr that names the file (or argument) at fault, no traceback anywhere, and the
project unchanged (byte-identical, or equal by ``iterdump`` when SQLite merely
rewrote a page) — within a timeout, so a hang fails the case instead of blocking CI.

Where the cases come from:

* ``tests/attacks/transcripts/*`` → ``qualcode import FILE``
* ``tests/attacks/codebooks/*``   → ``qualcode codebook load FILE``
* ``tests/attacks/archives/*``    → ``qualcode import FILE`` (.qdpx, .qdc)
* ``tests/attacks/arguments/*.json`` → ``{"argv": [...], "names": "what stderr must name"}``
  (``{here}`` is that folder, ``{attacks}`` the corpus)
* :data:`GENERATED`: inputs made at test time because they are large, special
  (FIFOs, a symlink to ``/dev/zero``) or binary (zip and docx bombs).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from core_helpers import CODEBOOK, SMALL_TRANSCRIPT

ATTACKS = Path(__file__).resolve().parent / "attacks"
TIMEOUT = 90  # seconds per case; the slowest honest refusal takes a few


# ------------------------------------------------------------------ generated inputs
def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        os.mkfifo(path)
        return path

    return make


def _zero_symlink(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to("/dev/zero")
        return path

    return make


def _too_big_txt(folder: Path) -> Path:
    path = folder / "too-big.txt"
    line = "R1: " + "ja, dat klopt wel zo ongeveer " * 10 + "\n"
    with path.open("w", encoding="utf-8") as f:
        for _ in range(17 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    return path


def _docx(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


_DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_bomb(folder: Path) -> Path:
    """Paragraphs that expand to about 190 MB from a small file (the attack as it was found)."""
    paragraph = b"<w:p><w:r><w:t>" + b"ja " * 3000 + b"</w:t></w:r></w:p>"
    body = (
        b"<w:document "
        + _W
        + b"><w:body>"
        + paragraph * (190 * 1024 * 1024 // len(paragraph))
        + b"</w:body></w:document>"
    )
    return _docx({"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": body}, folder / "expands.docx")


def _docx_doctype(folder: Path) -> Path:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<w:document " + _W + b"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _docx({"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": body}, folder / "doctype.docx")


def _docx_escape(folder: Path) -> Path:
    body = b"<w:document " + _W + b"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"
    return _docx(
        {"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": body, "../../escape.txt": b"x"},
        folder / "zip-slip.docx",
    )


def _deep_codes_qdc(folder: Path) -> Path:
    path = folder / "deep-codes.qdc"
    guid = "{:08d}-0000-0000-0000-000000000000"
    opening = "".join(f'<Code guid="{guid.format(i)}" name="c{i}" isCodable="true">' for i in range(3000))
    path.write_text(
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + opening
        + "</Code>" * 3000
        + "</Codes></CodeBook>",
        encoding="utf-8",
    )
    return path


def _zip_bomb_qdpx(folder: Path) -> Path:
    path = folder / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0"/>')
        z.writestr("sources/big.txt", b"\0" * (20 * 1024 * 1024))  # 1000:1
    return path


def _project_with_name(name: str, filename: str) -> Callable[[Path], Path]:
    """Another project whose transcript has a name no import would accept (stored by hand)."""

    def make(folder: Path) -> Path:
        from qualcode.corpus import transcripts
        from qualcode.store.project import Project

        source = folder / "FG7.txt"
        source.write_text("M: Een ander gesprek.\nR1: Met andere woorden.\n", encoding="utf-8")
        path = folder / filename
        with Project.create(path) as project:
            transcripts.import_files(project, [source], "bram")
            project.conn.execute("UPDATE transcripts SET name = ?", (name,))
            project.conn.commit()
        return path

    return make


# (file name in the case id, how to make it, the command before the file)
GENERATED: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "fifo.txt": (_fifo("fifo.txt"), ("import",)),
    "zero.txt": (_zero_symlink("zero.txt"), ("import",)),
    "fifo.docx": (_fifo("fifo.docx"), ("import",)),
    "fifo.yaml": (_fifo("fifo.yaml"), ("codebook", "load")),
    "zero.yaml": (_zero_symlink("zero.yaml"), ("codebook", "load")),
    "fifo-init.yaml": (_fifo("fifo-init.yaml"), ("init", "--project", "new.db", "--codebook")),
    "fifo.qdpx": (_fifo("fifo.qdpx"), ("import",)),
    "zero.qdc": (_zero_symlink("zero.qdc"), ("import",)),
    "fifo.db": (_fifo("fifo.db"), ("merge",)),
    "too-big.txt": (_too_big_txt, ("import",)),
    "expands.docx": (_docx_bomb, ("import",)),
    "doctype.docx": (_docx_doctype, ("import",)),
    "zip-slip.docx": (_docx_escape, ("import",)),
    "deep-codes.qdc": (_deep_codes_qdc, ("import",)),
    "bomb.qdpx": (_zip_bomb_qdpx, ("import",)),
    "merge-dotdot.db": (_project_with_name("../../evil", "merge-dotdot.db"), ("merge",)),
    "merge-escape.db": (_project_with_name("FG7\x1b]0;pwned\x07", "merge-escape.db"), ("merge",)),
}

FOLDER_COMMANDS = {"transcripts": ("import",), "codebooks": ("codebook", "load"), "archives": ("import",)}


def _cases() -> list:
    cases = []
    for folder, command in FOLDER_COMMANDS.items():
        for path in sorted((ATTACKS / folder).iterdir()):
            cases.append(pytest.param("file", (*command, str(path)), path.name, id=f"{folder}/{path.name}"))
    for path in sorted((ATTACKS / "arguments").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        here, attacks = str(path.parent), str(ATTACKS)
        argv = tuple(a.replace("{here}", here).replace("{attacks}", attacks) for a in spec["argv"])
        cases.append(pytest.param("arguments", argv, spec["names"], id=f"arguments/{path.stem}"))
    for name in GENERATED:
        cases.append(pytest.param("generated", (name,), name, id=f"generated/{name}"))
    return cases


# ------------------------------------------------------------------ the project under attack
@pytest.fixture(scope="module")
def base_project(tmp_path_factory) -> Path:
    """A real project: the shipped codebook, one transcript, one coding; closed and checkpointed."""
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    folder = tmp_path_factory.mktemp("base")
    source = folder / "FG9.txt"
    source.write_text(SMALL_TRANSCRIPT, encoding="utf-8")
    path = folder / "project.db"
    with Project.create(path) as project:
        codebook.load(project, CODEBOOK, "tester")
        transcripts.import_files(project, [source], "tester")
        codings.apply(project, "FG9", "2-3", "werkwijze", "tester")
    source.unlink()
    return folder


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def project_state(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name.startswith("project.db")}
    return files, dump(folder / "project.db")


@pytest.mark.parametrize(("kind", "argv", "names"), _cases())
def test_attack_is_refused_in_one_line_and_changes_nothing(base_project, tmp_path, kind, argv, names):
    work = tmp_path / "work"
    shutil.copytree(base_project, work)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    if kind == "generated":
        make, command = GENERATED[argv[0]]
        argv = (*command, str(make(inputs)))
    files_before, dump_before = project_state(work)

    env = {k: v for k, v in os.environ.items() if k != "QUALCODE_PROJECT"}
    env["QUALCODE_CODER"] = "tester"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "qualcode", "--project", "project.db", *argv],
            cwd=work,
            env=env,
            capture_output=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"qualcode {' '.join(argv)} did not end within {TIMEOUT} s (a hang)")
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")

    assert result.returncode != 0, f"accepted: {stdout}{stderr}"
    assert "Traceback" not in stdout + stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"stderr is not one line: {stderr!r}"
    assert names in lines[0], f"stderr does not name {names!r}: {lines[0]!r}"
    assert "\x1b" not in stderr and "\x07" not in stderr, f"raw control characters on the terminal: {stderr!r}"
    files_after, dump_after = project_state(work)
    assert files_after == files_before or dump_after == dump_before, "the project changed"
    assert not (work / "new.db").exists(), "a project was created"
    assert not any(p.name == "evil" or p.name.startswith("evil") for p in tmp_path.rglob("*")), "a file escaped"


def test_the_corpus_covers_every_kind_of_input():
    """Guard against an empty folder silently skipping a whole kind of attack."""
    kinds = {p.id.split("/")[0] for p in _cases()}
    assert kinds == {"transcripts", "codebooks", "archives", "arguments", "generated"}
    assert len(_cases()) >= 40
