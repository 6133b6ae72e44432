import pytest
from core_helpers import CODEBOOK

from qualcode.coding import codebook, codings
from qualcode.errors import ConflictError, InputError


def test_shipped_codebook_has_five_themes_with_hotkeys_in_order():
    spec = codebook.load_file(CODEBOOK)
    top = [c for c in spec.codes if c.parent is None]
    assert [c.name for c in top] == ["werkwijze", "samenwerking", "veiligheid", "nazorg", "verbeterpunten"]
    assert [c.hotkey for c in top] == [1, 2, 3, 4, 5]
    for c in top:
        assert c.definition and c.include and c.exclude and c.example and c.colour.startswith("#")
    assert spec.language == "nl"


def test_load_into_project(project):
    codes = codebook.all_codes(project)
    names = [c.name for c in codes]
    assert names[:1] == ["werkwijze"] and "verbeterpunten" in names
    assert codebook.get_code(project, "samenwerking").hotkey == 2
    child = [c for c in codes if c.parent_id is not None]
    assert child and all(codebook.get_code(project, "werkwijze").id == c.parent_id for c in child)


def write(tmp_path, text):
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("codes:\n  - name: a\n    colr: '#FFFFFF'\n", 3, "unknown field 'colr'"),
        ("codes:\n  - name: a\n    hotkey: 1\n  - name: b\n    hotkey: 1\n", 4, "duplicate hotkey 1"),
        ("codes:\n  - name: a\n  - name: a\n", 3, "duplicate code name 'a'"),
        ("codes:\n  - name: a\n  - definition: zonder naam\n", 3, "without a name"),
        ("codes:\n  - name: a\n    colour: red\n", 3, "#RRGGBB"),
        ("codes:\n  - name: a\n    hotkey: 12\n", 3, "digit 1-9"),
        ("codes:\n  - name: a\n   bad: [\n", None, "invalid YAML"),
    ],
)
def test_validation_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as e:
        codebook.load_file(path)
    assert message in str(e.value)
    assert str(path) in str(e.value)
    if line is not None:
        assert e.value.line == line
        assert f"{path}:{line}:" in str(e.value)


def test_reload_updates_by_name_and_keeps_codings(project, tmp_path):
    c = codings.apply(project, "FG9", "2-3", "werkwijze", "tester")
    text = CODEBOOK.read_text(encoding="utf-8").replace("hotkey: 1", "hotkey: 7")
    report = codebook.load(project, write(tmp_path, text), "tester")
    assert "werkwijze" in report["updated"]
    assert codebook.get_code(project, "werkwijze").hotkey == 7
    assert codings.get(project, c.id).code == "werkwijze"


def test_removing_a_code_with_codings_needs_force(project, tmp_path):
    codings.apply(project, "FG9", "2-3", "nazorg", "tester")
    path = write(tmp_path, "codes:\n  - name: werkwijze\n    hotkey: 1\n")
    with pytest.raises(ConflictError, match=r"nazorg \(1 codings\)"):
        codebook.load(project, path, "tester")
    assert codebook.get_code(project, "nazorg")
    report = codebook.load(project, path, "tester", force=True)
    assert report["removed_codings"] == 1 and "nazorg" in report["removed"]
    assert [c.name for c in codebook.all_codes(project)] == ["werkwijze"]
    assert project.scalar("PRAGMA foreign_key_check") is None


def test_yaml_round_trip(project, tmp_path):
    spec = codebook.parse(codebook.to_yaml(project), "dump")
    assert [c.name for c in spec.codes] == [c.name for c in codebook.current_spec(project).codes]
    assert codebook.load(project, write(tmp_path, codebook.to_yaml(project)), "tester")["updated"] == []


def test_edit_code_renames_keeping_codings(project):
    c = codings.apply(project, "FG9", "5", "samenwerking", "tester")
    codebook.edit_code(project, "samenwerking", "tester", name="samenwerken", definition="Nieuw")
    assert codings.get(project, c.id).code == "samenwerken"
    assert codebook.get_code(project, "samenwerken").definition == "Nieuw"
