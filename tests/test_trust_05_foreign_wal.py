"""Issue 11, class 5: a -wal left beside the project from another copy is refused, never merged silently.

Found as: a `-wal` from another copy of the project, placed beside it, was applied: the other copy's
codings appeared and `check` passed. SQLite's salts and checksums only prove that the WAL's frames
belong to the WAL, not that the WAL belongs to this database file; this WAL is self-consistent, so
SQLite replays it. qualcode now compares the newest event of the file alone with the same event as
seen through the WAL (events are append-only: a WAL that belongs can only add to them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from trust_helpers import codings_of, digest, make_project, ok, one_error_line, run

# code in a copy and stop without closing (as a crash or a still-open window leaves it): its -wal keeps the frames
WRITE_AND_VANISH = """
import os, sys
from qualcode.coding import codings
from qualcode.store.project import Project
p = Project.open(sys.argv[1])
for n in range(5, 9):
    codings.apply(p, "FG9", str(n), "veiligheid", "bram")
os._exit(0)
"""


def test_a_wal_from_another_copy_is_refused_and_nothing_changes(tmp_path: Path):
    a = make_project(tmp_path / "a")
    b_folder = tmp_path / "b"
    b_folder.mkdir()
    b = b_folder / a.name
    shutil.copyfile(a, b)  # a closed project: one self-contained file
    ok(run("code", "FG9", "2", "werkwijze", cwd=a.parent))  # a moves on (checkpointed into a's file)
    subprocess.run([sys.executable, "-c", WRITE_AND_VANISH, str(b)], check=True, timeout=120)
    assert Path(f"{b}-wal").stat().st_size > 32
    assert not Path(f"{a}-wal").exists() or Path(f"{a}-wal").stat().st_size == 0
    shutil.copyfile(f"{b}-wal", f"{a}-wal")  # the other copy's -wal lands beside a (no -shm)
    Path(f"{a}-shm").unlink(missing_ok=True)
    before = digest(a, Path(f"{a}-wal"))

    for args in (("codings",), ("code", "FG9", "3", "werkwijze"), ("check",), ("export", "qdpx", "x.qdpx")):
        line = one_error_line(run(*args, cwd=a.parent))
        assert "-wal file beside the project does not belong to it" in line, (args, line)
        assert digest(a, Path(f"{a}-wal")) == before, args

    Path(f"{a}-wal").rename(tmp_path / "foreign-wal")  # what the message says to do
    Path(f"{a}-shm").unlink(missing_ok=True)
    assert [(coder, ranges) for coder, ranges, _ in codings_of(a)] == [("anna", "2")]
    ok(run("check", cwd=a.parent))


def test_the_projects_own_wal_after_a_crash_is_kept(tmp_path: Path):
    a = make_project(tmp_path)
    subprocess.run([sys.executable, "-c", WRITE_AND_VANISH, str(a)], check=True, timeout=120)
    assert Path(f"{a}-wal").stat().st_size > 32
    Path(f"{a}-shm").unlink(missing_ok=True)  # even without its -shm
    out = ok(run("codings", "--json", cwd=tmp_path)).stdout
    assert [c["coder"] for c in json.loads(out)].count("bram") == 4
    ok(run("check", cwd=tmp_path))
