"""The core never imports Textual; start-up does not import spaCy or scikit-learn.

The core is every module outside the two faces: ``qualcode/tui/`` (the TUI) and
``qualcode/cli/`` (the CLI, which may open the TUI lazily).
"""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "qualcode"


def is_core(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] not in ("tui", "cli", "__main__.py")


CORE_FILES = sorted(p for p in PACKAGE.rglob("*.py") if is_core(p))
CORE_MODULES = [".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts) for p in CORE_FILES]


def test_core_modules_exist():
    assert "qualcode.store.project" in CORE_MODULES and "qualcode.coding.codings" in CORE_MODULES


def test_no_core_module_imports_textual_statically():
    offenders = []
    for path in CORE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif (
                isinstance(node, ast.ImportFrom) and node.level > 0 and node.module and "tui" in node.module.split(".")
            ):
                names = ["textual (via qualcode.tui)"]
            offenders += [
                f"{path.relative_to(PACKAGE.parent)}: {n}"
                for n in names
                if n.split(".")[0] == "textual" or n.startswith("textual")
            ]
    assert offenders == []


def test_importing_every_core_module_loads_no_textual():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE_MODULES!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_cli_start_up_loads_no_heavy_libraries():
    code = (
        "import sys, qualcode.cli.base\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'textual', 'docx', 'matplotlib', 'openpyxl') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


HEAVY = ("numpy", "pandas", "spacy", "sklearn", "docx", "openpyxl", "matplotlib", "textual")
LOOP_COMMANDS = [
    ["code", "FG1", "3", "nazorg"],
    ["uncode", "FG1", "3", "nazorg"],
    ["done", "FG1"],
    ["memo", "transcript", "FG1", "Eerste ronde."],
    ["codings", "--json"],
    ["transcripts", "--json"],
    ["search", "plannen", "--lemma"],
]


def _project_with_fg1(folder) -> None:
    from core_helpers import CODEBOOK, run_qualcode

    from qualcode.demo import DATA

    assert run_qualcode("init", "--codebook", str(CODEBOOK), cwd=folder).returncode == 0
    assert run_qualcode("import", str(DATA / "transcripts" / "FG1.txt"), cwd=folder).returncode == 0


def _assert_not_loaded(args: list[str], modules: tuple[str, ...], folder) -> None:
    """Run ``qualcode ARGS`` in a fresh interpreter; none of ``modules`` may have been imported by its end."""
    code = (
        "import sys\n"
        "from qualcode.cli import main\n"
        f"sys.argv = ['qualcode', '--coder', 'anna', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"loaded = [m for m in {modules!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True)
    assert r.returncode == 0, (args, r.stderr[-2000:])


def test_commands_scripts_call_in_a_loop_import_nothing_heavy(tmp_path):
    """`code`, `uncode`, `done`, `memo`, `codings`, `transcripts` (and a lemma search) start instantly."""
    _project_with_fg1(tmp_path)
    for args in LOOP_COMMANDS:
        _assert_not_loaded(args, HEAVY, tmp_path)


def test_reading_commands_leave_out_what_only_writing_needs(tmp_path):
    """`codings`, `transcripts` and `search` open the project for reading: no logging, no temporary
    files, no hashing (OpenSSL) at their start-up; a project that needs lemmas or an upgrade is the exception."""
    _project_with_fg1(tmp_path)
    for args in (["codings", "--json"], ["transcripts", "--json"], ["search", "plannen", "--lemma"]):
        _assert_not_loaded(args, ("logging", "tempfile", "shutil", "hashlib"), tmp_path)
