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
