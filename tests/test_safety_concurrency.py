"""Two processes coding the same transcript at once: no lost write, no "database is locked", undo stays per coder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store import history, integrity
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

pytestmark = pytest.mark.slow

WORKER = """
import sys, time
from pathlib import Path
from qualcode.coding import codings
from qualcode.store.project import Project

path, coder, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
p = Project.open(path)
codes = sorted(r["name"] for r in p.query("SELECT name FROM codes"))
size = p.scalar("SELECT line_count FROM transcripts WHERE name = 'FG1'")
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
for i in range(1000):
    n = i % size + 1
    codings.apply(p, "FG1", [(n, min(size, n + i % 3))], codes[i // size], coder)
    while i == 0 and not p.scalar("SELECT 1 FROM codings WHERE coder != ? AND coder != 'lead'", (coder,)):
        time.sleep(0.005)  # both are writing before either goes on: the runs really overlap
print("finished", flush=True)
"""


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    e["PYTHONPATH"] = str(ROOT)
    return e


@pytest.fixture
def fg1_project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    with Project.create(path) as p:
        codebook.load(p, CODEBOOK, "lead")
        transcripts.import_files(p, [ROOT / "transcripts" / "FG1.txt"], "lead")
    return path


def start_together(commands: list[list[str]], go: Path) -> list[subprocess.Popen]:
    procs = [
        subprocess.Popen(c, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    go.touch()
    return procs


def test_two_processes_1000_codings_each_on_the_same_transcript(fg1_project: Path, tmp_path: Path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    go = tmp_path / "go"
    procs = start_together(
        [[sys.executable, str(script), str(fg1_project), coder, str(go)] for coder in ("anna", "bram")], go
    )
    results = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "finished" in out
        assert "locked" not in (out + err).lower() and "busy" not in (out + err).lower()
    with Project.open(fg1_project) as p:
        assert p.scalar("SELECT count(*) FROM codings") == 2000
        per = dict(p.conn.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())
        assert per == {"anna": 1000, "bram": 1000}
        # both first codings come before either second one (the workers wait for each other once)
        order = [r[0] for r in p.conn.execute("SELECT coder FROM events WHERE action = 'code' ORDER BY id")]
        assert set(order[:2]) == {"anna", "bram"}, order[:4]
        assert integrity.check(p).ok

        anna_last = [c.ranges for c in codings.list_codings(p, coder="anna")]
        last_anna_event = p.scalar("SELECT max(id) FROM events WHERE coder = 'anna'")
        last_bram_event = p.scalar("SELECT max(id) FROM events WHERE coder = 'bram'")
        for _ in range(3):
            undone = history.undo(p, "anna")
            assert undone["coder"] == "anna"
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'anna'") == 997
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'bram'") == 1000
        assert undone["id"] < last_anna_event and last_bram_event != undone["id"]
        history.undo(p, "bram")
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'anna'") == 997
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'bram'") == 999
        history.redo(p, "anna")
        assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'anna'") == 998
        assert len(anna_last) == 1000
        assert integrity.check(p).ok


def test_two_cli_loops_at_once_never_show_locked(fg1_project: Path, tmp_path: Path):
    """The real CLI, two coders, 15 commands each (code and undo) at the same time."""
    loop = (
        "for n in $(seq 1 12); do {py} -m qualcode code FG1 $n werkwijze --coder {coder} --project {db} "
        "|| exit 1; done; for n in 1 2 3; do {py} -m qualcode undo --coder {coder} --project {db} || exit 1; done"
    )
    procs = [
        subprocess.Popen(
            ["bash", "-c", loop.format(py=sys.executable, coder=c, db=fg1_project)],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in ("anna", "bram")
    ]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "locked" not in (out + err).lower() and "error" not in err.lower(), err
    with Project.open(fg1_project, readonly=True) as p:
        per = dict(p.conn.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())
        assert per == {"anna": 9, "bram": 9}
        for coder in ("anna", "bram"):  # each undid their own last three
            lines = sorted(c.ranges[0][0] for c in codings.list_codings(p, coder=coder))
            assert lines == list(range(1, 10))
        assert integrity.check(p).ok


def test_a_long_writer_does_not_make_another_fail(fg1_project: Path, tmp_path: Path):
    """One process holds the write lock for a while (a big import); a coder's write waits, then succeeds."""
    holder = tmp_path / "holder.py"
    holder.write_text(
        "import sys, time\n"
        "from qualcode.store.project import Project\n"
        "p = Project.open(sys.argv[1])\n"
        "with p.transaction('memo', 'lead', 'long write') as tx:\n"
        "    tx.insert('memos', {'scope': 'project', 'code_id': None, 'transcript_id': None, 'coder': 'lead',\n"
        "                        'text': 'x', 'updated_at': 'now', 'guid': 'G1'})\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(2)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(holder), str(fg1_project)], env=env(), stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    with Project.open(fg1_project) as p:
        c = codings.apply(p, "FG1", "5", "werkwijze", "anna")  # waits for the lock instead of failing
        assert c.coder == "anna"
    assert proc.wait(timeout=60) == 0
    with Project.open(fg1_project, readonly=True) as p:
        assert (
            p.scalar("SELECT count(*) FROM memos WHERE scope = 'project'") == 1
            and p.scalar("SELECT count(*) FROM codings") == 1
        )
        first, second = [r[0] for r in p.conn.execute("SELECT action FROM events WHERE id > 2 ORDER BY id")]
        assert (first, second) == ("memo", "code")
