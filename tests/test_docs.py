"""The documentation is tested: the Python API page's examples run, the CLI reference matches the commands."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "python-api.md"
CLI_DOC = ROOT / "docs" / "cli-reference.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_api_page_has_examples():
    assert len(python_blocks(API_DOC.read_text(encoding="utf-8"))) >= 4


def test_api_examples_run_in_order(tmp_path):
    shutil.copytree(ROOT / "qualcode" / "demo" / "data" / "transcripts", tmp_path / "transcripts")
    shutil.copytree(ROOT / "qualcode" / "demo" / "data" / "codebooks", tmp_path / "codebooks")
    env = {"QUALCODE_LEMMAS": "0", "PATH": "/usr/bin:/bin"}
    import os

    env.update({k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "HOME")})
    for i, block in enumerate(python_blocks(API_DOC.read_text(encoding="utf-8")), 1):
        r = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"example {i} failed:\n{block}\n{r.stderr}"
    assert (tmp_path / "rapport.docx").stat().st_size > 0
    assert (tmp_path / "study.qdpx").stat().st_size > 0


def test_cli_reference_is_up_to_date():
    from qualcode.cli.reference import render

    if not CLI_DOC.exists():
        pytest.fail("docs/cli-reference.md is missing: python -m qualcode.cli.reference > docs/cli-reference.md")
    assert CLI_DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli-reference.md is out of date: run python -m qualcode.cli.reference > docs/cli-reference.md"
    )
