"""Issue 11, class 6: on read-only media, committed work still in the -wal is shown, never hidden.

Found as: a project copied to a read-only stick with committed work in its `-wal` and no `-shm`:
qualcode opened the file `immutable` (which ignores the WAL), so 30 codings were invisible to
`codings` and `export` and `check` passed. Now such a project is read from a private copy of the
file and its -wal in a temporary folder; writes are refused in one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from trust_helpers import make_project, ok, one_error_line, remount_readonly, run, tmpfs

WRITE_AND_VANISH = """
import os, sys
from qualcode.coding import codings
from qualcode.store.project import Project
p = Project.open(sys.argv[1])
for n in range(1, 12):
    for code in ("werkwijze", "veiligheid", "nazorg"):
        codings.apply(p, "FG9", str(n), code, "bram")
os._exit(0)
"""


def _leftover_copies() -> set[Path]:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("qualcode-readonly-*"))


def test_committed_work_in_the_wal_on_a_read_only_mount_is_all_there(tmp_path: Path):
    with tmpfs(tmp_path / "stick") as stick:
        project = make_project(stick)
        subprocess.run([sys.executable, "-c", WRITE_AND_VANISH, str(project)], check=True, timeout=120)
        Path(f"{project}-shm").unlink()
        assert Path(f"{project}-wal").stat().st_size > 32
        remount_readonly(stick)
        copies = _leftover_copies()

        out = ok(run("codings", "--json", cwd=stick)).stdout
        assert [c["coder"] for c in json.loads(out)].count("bram") == 33
        check = ok(run("check", cwd=stick))
        assert "all checks passed" in check.stdout
        export = ok(run("export", "quotes", str(tmp_path / "quotes.csv"), cwd=stick, coder="bram"))
        assert export.returncode == 0 and (tmp_path / "quotes.csv").read_text(encoding="utf-8-sig").count("bram") == 33

        line = one_error_line(run("code", "FG9", "2", "samenwerking", cwd=stick))
        assert "read-only" in line and "nothing was changed" in line
        assert _leftover_copies() == copies  # the private copies are removed again


def test_a_clean_project_on_a_read_only_mount_opens_directly(tmp_path: Path):
    with tmpfs(tmp_path / "stick") as stick:
        make_project(stick)
        ok(run("code", "FG9", "2", "werkwijze", cwd=stick))
        remount_readonly(stick)
        out = ok(run("codings", "--json", cwd=stick)).stdout
        assert [c["coder"] for c in json.loads(out)].count("anna") == 1
