"""Helpers for the TUI tests: a small real project (fixture codebook, two transcripts, one coding by bram)."""

from __future__ import annotations

from pathlib import Path

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project

FIXTURES = Path(__file__).parent / "fixtures"
CODER = "tester"
OTHER = "bram"
SIZE = (120, 40)


def build_project(path: Path) -> Path:
    project = Project.create(path)
    try:
        codebook.load(project, FIXTURES / "codebook.yaml", CODER)
        parsed = transcripts.parse_files([FIXTURES / "FGT.txt", FIXTURES / "FGU.txt"])
        transcripts.import_parsed(project, parsed, CODER)
        codings.apply(project, "FGT", "10-12", "samenwerking", OTHER, memo="van bram")
    finally:
        project.close()
    return path


def my_codings(path: Path, coder: str = CODER):
    with Project.open(path) as project:
        return codings.list_codings(project, coder=coder)


async def settle(pilot) -> None:
    """Let every worker finish and its messages be handled (screens read large listings in workers)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
