"""Issue 11, class 12: an undo that can never succeed is explained in one line and set aside.

Found as: undoing a merge after someone coded a merged transcript gave a raw "FOREIGN KEY
constraint failed"; after `codebook load --force` deleted what a coder's undo needed, that coder's
undo failed the same way forever. Now the step is explained, recorded as set aside (a `log` event
`undo.skip`), and the next undo goes past it.
"""

from __future__ import annotations

from pathlib import Path

from core_helpers import CODEBOOK
from trust_helpers import codings_of, make_project, ok, one_error_line, run


def test_undo_past_a_step_whose_code_was_removed(tmp_path: Path):
    make_project(tmp_path)
    ok(run("code", "FG9", "2", "werkwijze", cwd=tmp_path))
    ok(run("code", "FG9", "3", "nazorg", cwd=tmp_path))
    ok(run("uncode", "FG9", "3", "nazorg", cwd=tmp_path))
    smaller = tmp_path / "smaller.yaml"
    text = CODEBOOK.read_text(encoding="utf-8")
    assert "nazorg" in text
    ok(run("codebook", "show", "--yaml", cwd=tmp_path))
    yaml_text = run("codebook", "show", "--yaml", cwd=tmp_path).stdout
    kept = [block for block in yaml_text.split("\n- ") if "name: nazorg" not in block]
    smaller.write_text("\n- ".join(kept), encoding="utf-8")
    ok(run("codebook", "load", "smaller.yaml", "--force", cwd=tmp_path, coder="lead"))

    line = one_error_line(run("undo", cwd=tmp_path))  # would re-add a coding of the removed code
    assert "cannot undo" in line and "set aside" in line and "FOREIGN KEY" not in line
    second = run("undo", cwd=tmp_path)  # "code 3 nazorg": its coding is gone as well
    if second.returncode != 0:
        assert "set aside" in one_error_line(second)
    ok(run("undo", cwd=tmp_path))  # and past both: "code 2 werkwijze" is undone
    assert codings_of(tmp_path / "qualcode.db") == []
    assert "undo.skip" in ok(run("log", cwd=tmp_path)).stdout
    ok(run("check", cwd=tmp_path))


def test_undo_of_a_merge_after_someone_coded_the_merged_transcript(tmp_path: Path):
    mine = make_project(tmp_path / "mine")
    make_project(tmp_path / "theirs", transcripts=2)  # FG9 (different text) and FG10
    ok(run("merge", str(tmp_path / "theirs" / "qualcode.db"), cwd=mine.parent))
    ok(run("code", "FG10", "2", "werkwijze", cwd=mine.parent, coder="bram"))
    line = one_error_line(run("undo", cwd=mine.parent))
    assert "cannot undo" in line and "set aside" in line and "FOREIGN KEY" not in line
    assert len(codings_of(mine)) == 1  # bram's coding stays
    assert "nothing to undo" in one_error_line(run("undo", cwd=mine.parent))
    ok(run("check", cwd=mine.parent))
