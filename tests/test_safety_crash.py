"""SIGKILL at random points: the project still opens, passes `qualcode check`, and holds each action whole or not at all.

Kill points come from two sources, so the tests are not only lucky timing:
* calibrated random times over a full run of the real CLI (``qualcode import``,
  ``qualcode init``, ``qualcode export``), and
* progress markers printed by an in-process script *inside* the transaction
  (after the k-th transcript is stored, after the k-th coding), so kills land
  mid-action. Each test counts the outcomes and asserts that the interesting
  ones (a kill in the middle) really happened.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store import integrity
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"
N_FILES = 50

pytestmark = pytest.mark.slow


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    e["QUALCODE_CODER"] = "anna"
    e["PYTHONPATH"] = str(ROOT)
    return e


def qualcode(*args: str) -> list[str]:
    return [sys.executable, "-m", "qualcode", *args]


def verify(path: Path, cwd: Path) -> Project:
    """The user's next step after a crash: open the project, run `qualcode check` (CLI and in-process)."""
    p = Project.open(path)
    report = integrity.check(p)
    assert report.ok, report.as_dict()
    r = subprocess.run(
        qualcode("check", "--project", str(path)), cwd=cwd, env=env(), capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return p


def kill_at(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL ``proc`` after ``delay`` seconds; True when it was still running (really killed)."""
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def wait_for_line(proc: subprocess.Popen, wanted: str) -> bool:
    for line in proc.stdout:
        if line.strip() == wanted:
            return True
    return False


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    """A project with the codebook, FG1 and FG2 and some codings by two coders; 50 new transcript files."""
    root = tmp_path_factory.mktemp("crash")
    path = root / "template.db"
    with Project.create(path) as p:
        codebook.load(p, CODEBOOK, "anna")
        transcripts.import_files(p, [ROOT / "transcripts" / "FG1.txt", ROOT / "transcripts" / "FG2.txt"], "anna")
        rng = random.Random(1)
        codes = [c.name for c in codebook.all_codes(p)]
        for coder in ("anna", "bram"):
            for n in range(1, 280, 9):
                codings.apply(p, "FG1", f"{n}-{n + rng.randint(0, 5)}", rng.choice(codes), coder)
    files = root / "files"
    files.mkdir()
    words = (
        "wij plannen een huisbezoek samen met de school het wijkteam ouders jongere zorg regie "
        "veiligheid nazorg casusoverleg gemeente"
    ).split()
    for i in range(N_FILES):
        rng = random.Random(100 + i)
        text = "\n".join(
            f"R{rng.randint(1, 5)}: " + " ".join(rng.choice(words) for _ in range(rng.randint(4, 20)))
            for _ in range(100)
        )
        (files / f"NEW{i:02d}.txt").write_text(f"Focusgroep {i}\n{text}\n", encoding="utf-8")
    return {"root": root, "template": path, "files": sorted(files.iterdir())}


def fresh(base: dict, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(base["template"], folder / "project.db")
    return folder / "project.db"


def check_import_outcome(path: Path, cwd: Path) -> str:
    with verify(path, cwd) as p:
        names = {r["name"] for r in p.query("SELECT name FROM transcripts")}
        imports = p.scalar("SELECT count(*) FROM events WHERE action = 'import'")
        assert p.scalar("SELECT count(*) FROM codings") == 62  # earlier work untouched
        if names == {"FG1", "FG2"}:
            assert imports == 1
            assert p.scalar("SELECT count(*) FROM lines WHERE transcript_id > 2") == 0
            return "none"
        assert names == {"FG1", "FG2"} | {f"NEW{i:02d}" for i in range(N_FILES)}, sorted(names)
        assert imports == 2
        assert p.scalar("SELECT count(*) FROM lines WHERE transcript_id > 2") == N_FILES * 101
        return "all"


def test_kill_during_cli_import_of_50_files(base, tmp_path):
    files = [str(f) for f in base["files"]]
    path = fresh(base, tmp_path, "calibrate")
    started = time.monotonic()
    r = subprocess.run(
        qualcode("import", *files, "--project", str(path)), env=env(), capture_output=True, text=True, timeout=300
    )
    duration = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    assert check_import_outcome(path, tmp_path) == "all"
    outcomes = []
    for seed in range(4):
        rng = random.Random(seed)
        path = fresh(base, tmp_path, f"seed{seed}")
        proc = subprocess.Popen(
            qualcode("import", *files, "--project", str(path)),
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        killed = kill_at(proc, rng.uniform(0.3, 1.0) * duration)
        outcomes.append((killed, check_import_outcome(path, tmp_path)))
    assert any(killed for killed, _ in outcomes), outcomes


def test_kill_inside_the_import_transaction(base, tmp_path):
    script = tmp_path / "import_script.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from qualcode.corpus import transcripts\n"
        "from qualcode.store.project import Project\n"
        "p = Project.open(sys.argv[1])\n"
        "def progress(done, total, what):\n"
        "    print(what.split()[0], done, flush=True)\n"
        "transcripts.import_files(p, [Path(f) for f in sys.argv[2:]], 'anna', progress=progress)\n"
        "print('committed', flush=True)\n"
    )
    outcomes = []
    for seed in range(5):
        rng = random.Random(seed)
        path = fresh(base, tmp_path, f"seed{seed}")
        k = rng.randint(1, N_FILES)
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path), *map(str, base["files"])],
            env=env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert wait_for_line(proc, f"stored {k}")
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        outcomes.append((k, "committed" in rest, check_import_outcome(path, tmp_path)))
    for k, committed, outcome in outcomes:
        assert outcome == ("all" if committed else outcome)  # never a partial import
        if outcome == "none":
            assert not committed
    assert any(o == "none" for _, _, o in outcomes), outcomes  # kills really landed inside the transaction


CODING_SCRIPT = """
import random, sys
from qualcode.coding import codings
from qualcode.store import history
from qualcode.errors import ConflictError
from qualcode.store.project import Project

path, seed, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
p = Project.open(path)
codes = sorted(r["name"] for r in p.query("SELECT name FROM codes"))
sizes = {r["name"]: r["line_count"] for r in p.query("SELECT name, line_count FROM transcripts")}
names = sorted(sizes)
print("ready", flush=True)
for i in range(total):
    t = rng.choice(names)
    a = rng.randint(1, sizes[t])
    ranges = [(a, min(sizes[t], a + rng.randint(0, 8)))]
    if rng.random() < 0.2 and a + 20 < sizes[t]:
        ranges.append((a + 12, a + 14 + rng.randint(0, 5)))
    try:
        c = codings.apply(p, t, ranges, rng.choice(codes), "anna")
    except ConflictError:
        continue
    if i % 7 == 3:
        history.undo(p, "anna")
    elif i % 11 == 5:
        codings.set_memo(p, c.id, f"memo {i}", "anna")
    elif i % 13 == 6:
        codings.mark_done(p, t, "anna", done=not codings.is_done(p, p.scalar("SELECT id FROM transcripts WHERE name = ?", (t,)), "anna"))
    if i % 50 == 0:
        print(i, flush=True)
print("done", flush=True)
"""


def test_kill_during_a_2000_coding_script(base, tmp_path):
    script = tmp_path / "coding_script.py"
    script.write_text(CODING_SCRIPT)
    outcomes = []
    for seed in range(5):
        rng = random.Random(1000 + seed)
        path = fresh(base, tmp_path, f"seed{seed}")
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path), str(seed), "2000"], env=env(), stdout=subprocess.PIPE, text=True
        )
        assert wait_for_line(proc, "ready")
        marker = rng.randrange(0, 2000, 50)
        assert wait_for_line(proc, str(marker))
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        with verify(path, tmp_path) as p:
            n = p.scalar("SELECT count(*) FROM codings WHERE coder = 'anna'")
            done = p.scalar("SELECT count(*) FROM events WHERE coder = 'anna' AND action = 'code' AND kind = 'do'")
            undone = p.scalar("SELECT count(*) FROM events WHERE coder = 'anna' AND action = 'code' AND kind = 'undo'")
            assert n == done - undone  # every coding has its event, every event its coding
            assert p.scalar("SELECT count(*) FROM codings WHERE coder = 'bram'") == 31
            memos = p.scalar("SELECT count(*) FROM codings WHERE memo LIKE 'memo %'")
            assert memos <= p.scalar("SELECT count(*) FROM events WHERE action = 'memo'")
        outcomes.append(("done" in rest.split(), done))
    assert sum(not finished for finished, _ in outcomes) >= 4, outcomes
    assert len({done for _, done in outcomes}) > 2, outcomes  # killed at many different points


def test_kill_while_creating_a_project(tmp_path):
    started = time.monotonic()
    r = subprocess.run(
        qualcode("init", "--codebook", str(CODEBOOK), "--project", str(tmp_path / "cal.db")),
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    duration = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    outcomes = []
    for seed in range(6):
        rng = random.Random(seed)
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        path = folder / "new.db"
        proc = subprocess.Popen(
            qualcode("init", "--codebook", str(CODEBOOK), "--project", str(path)),
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        kill_at(proc, rng.uniform(0.5, 1.0) * duration)
        if not path.exists():
            outcomes.append("none")
            continue
        with verify(path, folder) as p:  # complete: it opens and checks; the codebook is whole or absent
            assert p.scalar("SELECT count(*) FROM codes") in (0, 7)
            outcomes.append("codebook" if p.scalar("SELECT count(*) FROM codes") else "empty project")
    assert len(outcomes) == 6


def test_kill_during_a_word_export_never_replaces_a_good_file(base, tmp_path):
    from docx import Document

    command = "docx"
    out = tmp_path / "report.docx"
    args = qualcode("export", command, str(out), "--project", str(base["template"]))
    started = time.monotonic()
    r = subprocess.run(args, env=env(), capture_output=True, text=True, timeout=300)
    duration = time.monotonic() - started
    assert r.returncode == 0, r.stdout + r.stderr
    good = out.read_bytes()
    Document(str(out))
    killed = 0
    for seed in range(5):
        rng = random.Random(seed)
        proc = subprocess.Popen(args, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed += kill_at(proc, rng.uniform(0.5, 1.0) * duration)
        Document(str(out))  # whatever happened, the report opens
        assert out.read_bytes() == good or out.stat().st_size > 0
    assert killed >= 1
