"""Issue 11, class 8: `check` never cries wolf while another process writes.

Found as: 8 of 26 `check` runs reported damage (and advised a restore, which would roll back good
work) while a workbench was writing. Each check read its own moment: the codings of one instant
were compared with the event log of a later one. `check` now reads one snapshot (one read
transaction) for all its checks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from trust_helpers import make_project, run

WRITER = """
import sys
from qualcode.coding import codings
from qualcode.store.project import Project
p = Project.open(sys.argv[1])
for n in range(200):
    line = str(n % 11 + 1)
    try:
        codings.apply(p, "FG9", line, "werkwijze", "bram", memo=str(n))
    except Exception:
        codings.remove(p, "FG9", line, "werkwijze", "bram")
p.close()
"""


def test_check_passes_on_a_live_project_while_another_process_writes(tmp_path: Path):
    project = make_project(tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(project)])
    try:
        results = []
        while writer.poll() is None or not results:
            results.append(run("check", "--json", cwd=tmp_path))
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    bad = [r.stdout[-2000:] + r.stderr for r in results if r.returncode != 0]
    assert bad == [], bad[0] if bad else ""
    assert all("restore" not in r.stdout + r.stderr for r in results)
    assert run("check", cwd=tmp_path).returncode == 0
