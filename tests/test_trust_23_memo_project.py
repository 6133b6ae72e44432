"""Issue 11, class 23: `qualcode memo project "TEXT"` works as documented.

Found as: it always failed with "the project is open read-only": the command decided read-only
from the argument layout of `memo code NAME TEXT` before it knew the project memo has no name.
"""

from __future__ import annotations

from pathlib import Path

from trust_helpers import make_project, ok, run


def test_memo_project_text_is_saved_and_shown(tmp_path: Path):
    make_project(tmp_path)
    assert (
        "Memo saved (project)"
        in ok(run("memo", "project", "Eerste indruk: veel over samenwerking", cwd=tmp_path)).stdout
    )
    assert ok(run("memo", "project", cwd=tmp_path)).stdout.strip() == "Eerste indruk: veel over samenwerking"
    ok(run("memo", "project", "Twee", "woorden", cwd=tmp_path))
    assert ok(run("memo", "project", cwd=tmp_path)).stdout.strip() == "Twee woorden"
