"""Shared fixtures: real project files in tmp_path, the shipped codebook, a small transcript, a CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

SMALL_TRANSCRIPT = """Focusgroep test — [GEMEENTE]
M: Welkom allemaal. Hoe ziet jullie werkwijze eruit?
R1: Nou, wij plannen eerst een huisbezoek met [NAAM COLLEGA].
Daarna kijken we samen wat nodig is.

R2: Bij ons gaat de samenwerking met de school niet altijd goed.
[REGISSEUR 2]: Dat herken ik, uit wiens koker moest dat nou komen?
M: En hoe zit het met de veiligheid?
R1: Het veiligheidsplan wordt gepland in het casusoverleg.
R2: Nazorg schiet er vaak bij in.
"""


@pytest.fixture
def small_txt(tmp_path: Path) -> Path:
    path = tmp_path / "FG9.txt"
    path.write_text(SMALL_TRANSCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def project_path(tmp_path: Path, small_txt: Path) -> Path:
    """A real project file with the shipped codebook and the small transcript FG9."""
    from qualcode import codebook, transcripts
    from qualcode.project import Project

    path = tmp_path / "project.db"
    with Project.create(path) as project:
        codebook.load(project, CODEBOOK, "tester")
        transcripts.import_files(project, [small_txt], "tester")
    return path


@pytest.fixture
def project(project_path: Path):
    from qualcode.project import Project

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


def run_qualcode(*args: str, cwd: Path, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m qualcode`` as a real subprocess (as a user would)."""
    full_env = {k: v for k, v in os.environ.items() if k != "QUALCODE_PROJECT"}
    full_env.update({"QUALCODE_CODER": "tester", **(env or {})})
    return subprocess.run([sys.executable, "-m", "qualcode", *args], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=120)
