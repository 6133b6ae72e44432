"""Round trips through the peers themselves, installed in throw-away virtual environments:

* qualitative-coding 1.7.8 (``qc``) in /work/peers-venv (``QUALCODE_PEERS_VENV``): it reads our .qdpx, and we
  read the .qdpx it ships (written by qc);
* Taguette 1.5.2 in /work/peers-venv-taguette (``QUALCODE_TAGUETTE_VENV``): it reads our codebook CSV, and we
  read the CSV its exporter writes.

Each test skips, saying why, when its peer is not installed (they are not dependencies of qualcode).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from qualcode.coding import codings
from qualcode.corpus import lemmas, transcripts
from qualcode.exchange import refi_write
from qualcode.exchange.codebook_csv import export_taguette_csv
from qualcode.exchange.refi_load import import_file
from qualcode.store.project import Project
from tests.test_refi import make_project

QC_VENV = Path(os.environ.get("QUALCODE_PEERS_VENV", "/work/peers-venv"))
TAGUETTE_VENV = Path(os.environ.get("QUALCODE_TAGUETTE_VENV", "/work/peers-venv-taguette"))


@pytest.fixture(autouse=True)
def _no_lemmas(monkeypatch):
    monkeypatch.setattr(lemmas, "ANNOTATE", False)


def _peer_python(venv: Path, module: str) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        pytest.skip(f"{module} is not installed in {venv} (a throw-away venv for peer round trips)")
    found = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True)
    if found.returncode != 0:
        pytest.skip(f"{module} cannot be imported from {venv}")
    return python


def _qc_file(python: Path, name: str) -> Path:
    out = subprocess.run(
        [
            str(python),
            "-c",
            "import qualitative_coding; print(list(qualitative_coding.__path__)[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    path = Path(out.stdout.strip()) / name
    if not path.exists():
        pytest.skip(f"qualitative-coding ships no {name} here")
    return path


def test_qc_reads_our_qdpx(tmp_path):
    python = _peer_python(QC_VENV, "qualitative_coding")
    p = make_project(tmp_path / "p.db")
    refi_write.export_qdpx(p, tmp_path / "ours.qdpx")
    work = tmp_path / "qc"
    work.mkdir()
    env = {**os.environ, "PYTHONBREAKPOINT": "0"}  # qc 1.7.8's importer still holds a breakpoint()
    r = subprocess.run(
        [str(QC_VENV / "bin" / "qc"), "init", "--import", str(tmp_path / "ours.qdpx")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr  # qc validates project.qde against the schema first
    for t in transcripts.all_rows(p):
        raws = [ln["raw"] for ln in transcripts.lines(p, t.id)]
        assert (work / "corpus" / f"{t.name}.txt").read_text(encoding="utf-8") == "\n".join(raws)
    codebook = (work / "codebook.yaml").read_text(encoding="utf-8")
    assert all(name in codebook for name in ("werkwijze", "methodiek", "samenwerking"))
    out = subprocess.run(
        [str(python), "-c", "import sqlite3; print(sqlite3.connect('qualitative_coding.sqlite3')"
         ".execute('select count(*) from coded_line').fetchone()[0])"],
        cwd=work, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(out.stdout) == len(codings.list_codings(p))  # every coding arrives (qc keeps one line each)
    assert "qualcode:" not in (work / "source" / "project.qde").read_text(encoding="utf-8")


def test_we_read_the_qdpx_qc_ships(tmp_path):
    """qc names each selection ``line:N`` (0-based) and writes one per coded line: passages come back whole."""
    import re
    import zipfile
    from xml.etree import ElementTree as ET

    python = _peer_python(QC_VENV, "qualitative_coding")
    demo = _qc_file(python, "demo.qdpx")
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, demo, "anna")
    assert sorted(report.transcripts_added) == ["admin-1", "board_2017"] and not report.mismatches
    covered = {(c.transcript, c.code, n) for c in codings.list_codings(p) for n in c.line_set()}
    ns = "{urn:QDA-XML:project:1.0}"
    root = ET.fromstring(zipfile.ZipFile(demo).read("project.qde"))
    from qualcode.coding import codebook

    code_names = {c.guid: c.name for c in codebook.all_codes(p)}  # qc's GUIDs are kept; "a::b" names for twins
    expected = set()
    for src in root.iter(f"{ns}TextSource"):
        name = Path(src.get("plainTextPath")).stem
        for sel in src.iter(f"{ns}PlainTextSelection"):
            line = int(re.match(r"line:(\d+)", sel.get("name")).group(1)) + 1
            for ref in sel.iter(f"{ns}CodeRef"):
                expected.add((name, code_names[ref.get("targetGUID").upper()], line))
    assert expected and expected <= covered
    assert sum(len(c.line_set()) for c in codings.list_codings(p)) == len(expected)


def test_taguette_reads_our_codebook_csv(tmp_path):
    python = _peer_python(TAGUETTE_VENV, "taguette")
    p = make_project(tmp_path / "p.db")
    export_taguette_csv(p, tmp_path / "codebook.csv")
    script = textwrap.dedent(
        """
        import json, sys
        from taguette.import_codebook import list_tags
        with open(sys.argv[1], "rb") as f:
            print(json.dumps(list_tags(f)))
        """
    )
    r = subprocess.run([str(python), "-c", script, str(tmp_path / "codebook.csv")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    tags = {t["path"]: t["description"] for t in json.loads(r.stdout)}
    assert set(tags) == {"werkwijze", "werkwijze.methodiek", "samenwerking"}
    assert tags["werkwijze"].startswith("Hoe professionals werken.\n\nInclude: Huisbezoeken en intake.")


def test_we_read_the_codebook_csv_taguette_writes(tmp_path):
    python = _peer_python(TAGUETTE_VENV, "taguette")
    script = textwrap.dedent(
        """
        import sys
        from types import SimpleNamespace as T
        from taguette.export import codebook_csv
        tags = [T(path="werk", description="Hoe, met komma", highlights_count=3, documents_count=1),
                T(path="werk.huisbezoek", description="", highlights_count=0, documents_count=0),
                T(path="zorg 😀", description="Zorg.", highlights_count=1, documents_count=1)]
        with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
            codebook_csv(tags, f)
        """
    )
    r = subprocess.run([str(python), "-c", script, str(tmp_path / "tags.csv")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, tmp_path / "tags.csv", "anna")
    assert sorted(report.codes_added) == ["huisbezoek", "werk", "zorg 😀"]
    from qualcode.coding import codebook

    assert codebook.get_code(p, "huisbezoek").parent_id == codebook.get_code(p, "werk").id
    assert codebook.get_code(p, "werk").definition == "Hoe, met komma"
