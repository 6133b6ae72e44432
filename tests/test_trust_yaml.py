"""Issue 11, class 17: a hostile YAML codebook gives one line, not MemoryError or RecursionError.

Found with ``codebook load`` and ``init --codebook``: an alias bomb, a
self-referencing alias and very deep nesting gave tracebacks.
"""

from __future__ import annotations

import pytest
from core_helpers import run_qualcode

from qualcode.coding.codebook import MAX_YAML_DEPTH, parse
from qualcode.errors import InputError

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
    + "codes:\n  - name: werkwijze\n    definition: *i\n"
)
SELF = "codes: &codes\n  - name: werkwijze\n    children: *codes\n"
DEEP = "codes: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_CHILDREN = (
    "codes:\n"
    + "".join("  " * i + f"- name: c{i}\n" + "  " * i + "  children:\n" for i in range(MAX_YAML_DEPTH))
    + "  " * MAX_YAML_DEPTH
    + "- name: last\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "aliases expand to more than"),
        (SELF, "alias *codes refers to a node that contains it"),
        (DEEP, "nested deeper than"),
        (DEEP_CHILDREN, "nested deeper than"),
    ],
    ids=["alias-bomb", "self-alias", "deep-lists", "deep-children"],
)
def test_hostile_yaml_is_refused_in_one_line(text, message):
    with pytest.raises(InputError, match="refusing the codebook") as info:
        parse(text, source="hostile.yaml")
    assert message in str(info.value) and "\n" not in str(info.value)
    assert info.value.line is not None


@pytest.mark.parametrize("command", [("codebook", "load"), ("init", "--codebook")])
@pytest.mark.parametrize("text", [BOMB, SELF, DEEP], ids=["alias-bomb", "self-alias", "deep"])
def test_cli_refuses_hostile_codebooks_without_traceback(tmp_path, project_path, command, text):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    target = str(project_path) if command[0] == "codebook" else str(tmp_path / "new.db")
    before = project_path.read_bytes()
    result = run_qualcode("--project", target, *command, str(path), cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "hostile.yaml" in result.stderr
    assert project_path.read_bytes() == before and not (tmp_path / "new.db").exists()


def test_ordinary_anchors_and_aliases_still_work():
    text = (
        "codes:\n  - name: werkwijze\n    definition: &def Hoe professionals hun werk inrichten.\n"
        "  - name: aanpak\n    definition: *def\n"
    )
    spec = parse(text, source="ok.yaml")
    assert [c.definition for c in spec.codes] == ["Hoe professionals hun werk inrichten."] * 2


def test_a_large_but_honest_codebook_loads():
    text = "codes:\n" + "".join(f"  - name: code{i}\n    definition: {'woord ' * 40}\n" for i in range(2000))
    assert len(parse(text, source="big.yaml").codes) == 2000
