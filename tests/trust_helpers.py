"""Helpers for the issue-11 attack tests: real projects made by the real CLI, damage made with real bytes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from core_helpers import CODEBOOK, SMALL_TRANSCRIPT


def run(*args: str, cwd: Path, coder: str = "anna", env: dict | None = None, timeout: float = 120):
    """``python -m qualcode ARGS`` in a real process, as a user runs it."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    full.update({"QUALCODE_CODER": coder, "QUALCODE_BACKUP_GAP_S": "0", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single ``error: …`` line of a refused command (no traceback, non-zero exit)."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def make_project(folder: Path, name: str = "qualcode.db", transcripts: int = 1) -> Path:
    """``qualcode init --codebook`` + ``qualcode import`` in real processes; FG9 (and FG10…) imported."""
    folder.mkdir(parents=True, exist_ok=True)
    ok(run("init", "--codebook", str(CODEBOOK), "--project", name, cwd=folder))
    files = []
    for i in range(transcripts):
        f = folder / f"FG{9 + i}.txt"
        f.write_text(SMALL_TRANSCRIPT + f"R{i}: Nog een regel {uuid.uuid4().hex}.\n", encoding="utf-8")
        files.append(str(f))
    ok(run("import", *files, "--project", name, cwd=folder))
    return folder / name


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"<absent>")
    return h.hexdigest()


def corrupt_index_page(path: Path, index: str = "codings_by_code") -> None:
    """Scramble the cells of one index page (header kept): SQLite reads the file, `check` finds the damage."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = os.urandom(page_size - 8)
    path.write_bytes(bytes(data))


def codings_of(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT coder, ranges, code_id FROM codings ORDER BY id").fetchall()
    finally:
        conn.close()


@contextlib.contextmanager
def tmpfs(mountpoint: Path, size: str = "4m") -> Iterator[Path]:
    """A real small file system (root only): read-only media and full disks as users meet them."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)], capture_output=True)
    if r.returncode != 0:
        import pytest

        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def remount_readonly(mountpoint: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mountpoint)], check=True)
