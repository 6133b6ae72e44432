"""Issue 11, class 13: editing a code validates everything before writing, and names the code in the way.

Found as: `codebook.edit_code` committed a rename, then failed validation (naming the wrong code);
the code stayed renamed. The edit is now checked first and applied in one transaction.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trust_helpers import make_project

from qualcode.coding import codebook
from qualcode.errors import ConflictError, NotFoundError
from qualcode.store.project import Project


def state(p: Project) -> tuple:
    return [(c.name, c.hotkey, c.parent_id) for c in codebook.all_codes(p)], p.scalar("SELECT count(*) FROM events")


def test_a_rename_with_a_taken_hotkey_changes_nothing_and_names_the_holder(tmp_path: Path):
    with Project.open(make_project(tmp_path)) as p:
        before = state(p)
        holder = next(c for c in codebook.all_codes(p) if c.hotkey == 1)
        with pytest.raises(ConflictError) as e:
            codebook.edit_code(p, "samenwerking", "anna", name="teamwerk", hotkey=1)
        assert f"hotkey 1 is used by {holder.name!r}" in str(e.value) and "'samenwerking' was not changed" in str(
            e.value
        )
        with pytest.raises(NotFoundError, match="no code 'bestaat-niet'"):
            codebook.edit_code(p, "samenwerking", "anna", name="teamwerk", parent="bestaat-niet")
        with pytest.raises(ConflictError, match="'veiligheid' exists already"):
            codebook.edit_code(p, "samenwerking", "anna", name="veiligheid")
        assert state(p) == before


def test_a_valid_rename_is_one_action_and_keeps_the_codings(tmp_path: Path):
    from qualcode.coding import codings

    with Project.open(make_project(tmp_path)) as p:
        codings.apply(p, "FG9", "2", "samenwerking", "anna")
        events = p.scalar("SELECT count(*) FROM events")
        codebook.edit_code(p, "samenwerking", "anna", name="teamwerk", hotkey=9)
        assert p.scalar("SELECT count(*) FROM events") == events + 1
        assert [c.code for c in codings.list_codings(p)] == ["teamwerk"]
        assert codebook.get_code(p, "teamwerk").hotkey == 9
