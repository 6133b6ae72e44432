"""The demo project: the shipped codebook, transcripts and two coders' codings in a fresh project file.

``qualcode demo`` calls :func:`build_demo`. The project is built under a
temporary name beside the target and renamed into place only when complete, so
an existing demo project is replaced whole or not at all.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError
from qualcode.store.project import Project

DEMO_CODERS = ("anna", "bram")
DEMO_DONE = ("FG1", "FG2")
IMPORTER = "demo"


DATA = Path(__file__).resolve().parent / "data"  # package data: installed with qualcode, wheel included


def shipped_files(root: Path | None = None) -> tuple[Path, list[Path], Path]:
    """(codebook, transcripts, codings CSV) shipped with qualcode (in ``qualcode/demo/data``)."""
    root = root or DATA
    book = root / "codebooks" / "default.yaml"
    texts = sorted((root / "transcripts").glob("*.txt"))
    csv_path = root / "transcripts" / "demo_codings.csv"
    if not book.is_file() or not texts:
        raise InputError("the shipped demo codebook and transcripts are missing", path=root)
    return book, texts, csv_path


def read_demo_codings(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.DictReader(f) if row.get("coder") and row.get("ranges")]


def build_demo(path: str | os.PathLike, *, progress: Callable[[int, int, str], None] | None = None) -> Project:
    """Create a fresh demo project at ``path`` (replacing one that is there) and return it opened."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    book, texts, csv_path = shipped_files()
    rows = read_demo_codings(csv_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".demo", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        project = Project.create(tmp)
        try:
            total = len(rows) + 2
            codebook.load(project, book, IMPORTER)
            parsed = transcripts.parse_files(texts)
            transcripts.import_parsed(project, parsed, IMPORTER)
            if progress:
                progress(2, total, "imported transcripts")
            names = {p.name for p in parsed}
            for i, row in enumerate(rows, start=3):
                if row["transcript"] in names:
                    codings.apply(
                        project, row["transcript"], row["ranges"], row["code"], row["coder"], memo=row.get("memo") or ""
                    )
                if progress:
                    progress(i, total, "codings")
            for coder in DEMO_CODERS:
                for name in DEMO_DONE:
                    if name in names:
                        codings.mark_done(project, name, coder)
            project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            project.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        os.replace(tmp, path)
    finally:
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    return Project.open(path)


def summary(project: Project) -> list[str]:
    """Lines for ``qualcode demo --no-open``."""
    out = [f"Demo project {project.path}"]
    out.append(f"  codes: {len(codebook.all_codes(project))}")
    for row in transcripts.overview(project):
        coders = ", ".join(
            f"{c} {v['codings']}{' done' if v['done'] else ''}" for c, v in sorted(row["coders"].items())
        )
        out.append(f"  {row['name']}: {row['lines']} lines" + (f"; {coders}" if coders else ""))
    return out
