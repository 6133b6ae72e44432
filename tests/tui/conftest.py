"""Fixtures for the TUI tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import build_project


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "test.db")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def pytest_collection_modifyitems(items) -> None:
    """Run this folder's ``async def`` tests on asyncio (through the anyio plugin)."""
    import inspect

    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent and inspect.iscoroutinefunction(
                getattr(item, "function", None)):
            item.add_marker(pytest.mark.anyio)
