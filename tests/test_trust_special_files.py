"""Issue 11, class 19: only regular files are read, and never more than a limit.

Found: a ``.txt`` symlink to ``/dev/zero`` gave MemoryError; a FIFO given to
``import``, ``codebook load`` or ``merge`` blocked forever.
"""

from __future__ import annotations

import os

import pytest
from core_helpers import run_qualcode

from qualcode.archives import read_regular_file
from qualcode.errors import InputError


def fifo(path):
    os.mkfifo(path)
    return path


def zero(path):
    path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize(
    ("argv", "filename", "make"),
    [
        (("import",), "fifo.txt", fifo),
        (("import",), "zero.txt", zero),
        (("import",), "fifo.docx", fifo),
        (("import",), "fifo.qdpx", fifo),
        (("import",), "zero.qdc", zero),
        (("codebook", "load"), "fifo.yaml", fifo),
        (("codebook", "load"), "zero.yaml", zero),
        (("merge",), "fifo.db", fifo),
        (("merge",), "zero.db", zero),
    ],
)
def test_special_files_fail_fast_in_one_line(tmp_path, project_path, argv, filename, make):
    path = make(tmp_path / filename)
    before = project_path.read_bytes()
    result = run_qualcode("--project", str(project_path), *argv, str(path), cwd=tmp_path)  # 120 s timeout: a hang fails
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and filename in result.stderr
    assert "not a regular file" in result.stderr
    assert project_path.read_bytes() == before


def test_init_with_a_fifo_codebook_creates_nothing(tmp_path):
    path = fifo(tmp_path / "codebook.yaml")
    result = run_qualcode("--project", "new.db", "init", "--codebook", str(path), cwd=tmp_path)
    assert result.returncode != 0 and "not a regular file" in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_read_regular_file_refuses_too_large_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(10 * 1024 * 1024)  # sparse: large, but costs nothing
    with pytest.raises(InputError, match=r"refusing a transcript of 10 MB \(limit 1 MB\)"):
        read_regular_file(path, limit=1024 * 1024, what="transcript")
    assert read_regular_file(path, limit=10 * 1024 * 1024) == b"\0" * (10 * 1024 * 1024)


def test_read_regular_file_follows_a_symlink_to_a_regular_file(tmp_path):
    (tmp_path / "real.txt").write_bytes(b"M: hallo\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_regular_file(tmp_path / "link.txt", limit=100) == b"M: hallo\n"


def test_a_directory_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_regular_file(tmp_path, limit=100, what="codebook")
    with pytest.raises(InputError, match="no such file"):
        read_regular_file(tmp_path / "nope.yaml", limit=100)
