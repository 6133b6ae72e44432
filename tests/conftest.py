"""Shared fixtures: real project files in tmp_path, the shipped codebook, a small transcript, a CLI runner."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner
from core_helpers import CODEBOOK, SMALL_TRANSCRIPT
from hypothesis import HealthCheck, settings

# One Hypothesis profile for the suite: no per-example deadline and no "too slow" health
# check, so load on a shared 2-core CI machine cannot fail a property.
settings.register_profile("qualcode", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("qualcode")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session) -> None:
    """End the run cleanly (issue 11, class 24): collect now, then freeze what is left.

    After an xdist worker reports "finished", pytest's cleanup runs ``gc.collect()`` five
    times over the worker's whole heap (hundreds of Textual apps, spaCy, sqlite objects).
    On a loaded machine that can take over 5 s; execnet then sends the still-busy worker SIGINT,
    the KeyboardInterrupt lands in the garbage-collection callback Hypothesis installs, and
    pytest prints it as an "unraisable" traceback after the last ``[100%]`` line. Collecting
    here, before the worker reports, and freezing the survivors makes those last
    collections walk almost nothing.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture
def small_txt(tmp_path: Path) -> Path:
    path = tmp_path / "FG9.txt"
    path.write_text(SMALL_TRANSCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def project_path(tmp_path: Path, small_txt: Path) -> Path:
    """A real project file with the shipped codebook and the small transcript FG9."""
    from qualcode.coding import codebook
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    path = tmp_path / "project.db"
    with Project.create(path) as project:
        codebook.load(project, CODEBOOK, "tester")
        transcripts.import_files(project, [small_txt], "tester")
    return path


@pytest.fixture
def project(project_path: Path):
    from qualcode.store.project import Project

    with Project.open(project_path) as p:
        yield p


@pytest.fixture
def cli(tmp_path: Path, monkeypatch):
    """Run the real CLI in-process: ``cli("code", "FG9", "2-3", "werkwijze")`` → click Result.

    Uses ``qualcode.cli.main`` semantics (one-line errors, exit codes) through CliRunner.
    """
    from qualcode.cli import cli as group

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    monkeypatch.setenv("QUALCODE_CODER", "tester")
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(group, [str(a) for a in args], input=input, catch_exceptions=True)

    return run
