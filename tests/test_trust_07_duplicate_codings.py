"""Issue 11, class 7: two processes applying the identical coding at once store it once.

Found as: two simultaneous `qualcode --coder anna code FG3 10 werkwijze` both succeeded (7 of 20
pairs). The "no identical coding twice" check ran before the write transaction; it now runs
inside it (under SQLite's write lock), and schema 4 adds triggers that refuse an identical coding
from any path (undo, redo, merge, import).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from trust_helpers import codings_of, make_project

# each racer opens the project, waits for the same start moment, then applies the same coding
RACER = """
import sys, time
from qualcode.coding import codings
from qualcode.errors import ConflictError
from qualcode.store.project import Project
p = Project.open(sys.argv[1])
line, start = sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
try:
    codings.apply(p, "FG9", line, "werkwijze", "anna")
    print("coded")
except ConflictError as e:
    print("refused", e)
p.close()
"""


def test_simultaneous_identical_codings_are_stored_once(tmp_path: Path):
    project = make_project(tmp_path)
    pairs = 8
    outcomes = []
    for line in range(1, pairs + 1):
        start = time.time() + 2.5  # both racers are up and waiting by then
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(project), str(line), str(start)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outcomes.append(sorted(r.communicate(timeout=120)[0].split(" ")[0].strip() for r in racers))
    assert outcomes == [["coded", "refused"]] * pairs
    stored = [(coder, ranges) for coder, ranges, _ in codings_of(project)]
    assert sorted(stored) == sorted(("anna", str(n)) for n in range(1, pairs + 1))


def test_no_path_can_add_an_identical_coding(tmp_path: Path):
    from qualcode.coding import codings
    from qualcode.errors import ConflictError
    from qualcode.store.project import Project

    project = make_project(tmp_path)
    with Project.open(project) as p:
        c = codings.apply(p, "FG9", "2", "werkwijze", "anna")
        with pytest.raises(ConflictError, match="has this coding already"), p.transaction("code", "anna") as tx:
            codings.insert(tx, c.transcript_id, c.code_id, "anna", c.ranges)  # bypasses every Python check
        other = codings.apply(p, "FG9", "3", "werkwijze", "anna")
        with pytest.raises(ConflictError, match="has this coding already"):
            codings.set_ranges(p, other.id, "2", "anna")
        assert len(codings.list_codings(p, coder="anna")) == 2
