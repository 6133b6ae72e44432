"""Fixtures for the TUI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import build_project


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "test.db")
