"""The demo project: built from the shipped codebook, transcripts and codings; replaced whole."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.demo import DATA, build_demo
from qualcode.store.project import Project


def shipped_rows():
    with open(DATA / "transcripts" / "demo_codings.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_build_demo_has_codebook_transcripts_and_both_coders(tmp_path):
    project = build_demo(tmp_path / "demo.db")
    try:
        names = [t.name for t in transcripts.all_rows(project)]
        shipped = sorted(p.stem for p in (DATA / "transcripts").glob("*.txt"))
        assert sorted(names) == shipped
        assert {"werkwijze", "samenwerking", "veiligheid", "nazorg", "verbeterpunten"} <= {
            c.name for c in codebook.all_codes(project)
        }
        rows = shipped_rows()
        for coder in ("anna", "bram"):
            stored = {(c.transcript, c.code, c.ranges) for c in codings.list_codings(project, coder=coder)}
            from qualcode.ranges import parse_ranges

            expected = {(r["transcript"], r["code"], parse_ranges(r["ranges"])) for r in rows if r["coder"] == coder}
            assert stored == expected
            for name in ("FG1", "FG2"):
                assert codings.is_done(project, transcripts.get(project, name).id, coder)
        memo = [c for c in codings.list_codings(project, coder="anna", transcript="FG1") if c.memo]
        assert memo
    finally:
        project.close()


def test_build_demo_replaces_an_existing_project(tmp_path):
    path = tmp_path / "demo.db"
    project = build_demo(path)
    codings.apply(project, "FG1", "1", "werkwijze", "carla")
    project.close()
    build_demo(path).close()
    with Project.open(path) as project:
        assert codings.list_codings(project, coder="carla") == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".demo.db.")] == []  # no temporary left


def test_cli_demo_no_open_prints_a_summary(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--path", str(tmp_path), "--no-open"])
    assert result.exit_code == 0, result.output
    assert "FG1: 289 lines" in result.output
    assert (tmp_path / "qualcode-demo.db").exists()
