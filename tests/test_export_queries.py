"""Every exporter reads its data in a constant number of queries, whatever the number of quotes and transcripts.

Counted with sqlite3's trace callback on the project's connection: an export of a project
with 2 transcripts and one with 6 (three times the codings) issue the same number of SELECTs.
The privacy warning is one pass over the stored findings plus one over unaudited coded lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_project(folder: Path, n: int) -> Path:
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    text = (ROOT / "transcripts" / "FG1.txt").read_text(encoding="utf-8")
    files = []
    for i in range(n):
        path = folder / f"T{i}.txt"
        path.write_text(f"Focusgroep T{i}\n\n{text}", encoding="utf-8")
        files.append(path)
    path = folder / "p.db"
    with Project.create(path) as project:
        codebook.load(project, ROOT / "codebooks" / "default.yaml", "anna")
        transcripts.import_files(project, files, "anna")
        for i in range(n):
            for ranges, code in (("5-6", "werkwijze"), ("12-14", "samenwerking"), ("30-31", "veiligheid")):
                codings.apply(project, f"T{i}", ranges, code, "anna")
    return path


def count_selects(path: Path, run) -> int:
    from qualcode.store.project import Project

    with Project.open(path, readonly=True) as project:
        seen: list[str] = []
        project.conn.set_trace_callback(seen.append)
        run(project)
        project.conn.set_trace_callback(None)
    return sum(1 for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH")))


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    small = tmp_path_factory.mktemp("small")
    large = tmp_path_factory.mktemp("large")
    return make_project(small, 2), make_project(large, 6)


def _docx(project, out):
    from qualcode.report.themes import ReportOptions, export_docx

    export_docx(project, out / "r.docx", ReportOptions(coder="anna", appendix=True, summary_grid=True, layout="both"))


def _xlsx(project, out):
    from qualcode.report.tables import export_quotes

    export_quotes(project, out / "q.xlsx", coder="anna")


def _csv(project, out):
    from qualcode.report.tables import export_quotes

    export_quotes(project, out / "q.csv", coder="anna")


def _qdpx(project, out):
    from qualcode.exchange.refi_write import export_qdpx

    export_qdpx(project, out / "p.qdpx")


def _qdc(project, out):
    from qualcode.exchange.refi_write import export_qdc

    export_qdc(project, out / "c.qdc")


def _transcript(project, out):
    from qualcode.report.transcript import export_transcript

    export_transcript(project, "T1", out / "t.docx")


def _privacy(project, out):
    from qualcode.coding import codings
    from qualcode.corpus.privacy import export_warning

    export_warning(project, codings.list_codings(project, coder="anna"))


def assert_same_queries(small: Path, large: Path, run, tmp_path: Path, *, fewer_than: int) -> None:
    """``run`` (an export into a folder) issues as many SELECTs on the large project as on the small one,
    and fewer than ``fewer_than`` of them."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    n_small = count_selects(small, lambda p: run(p, tmp_path / "a"))
    n_large = count_selects(large, lambda p: run(p, tmp_path / "b"))
    assert n_small == n_large, (n_small, n_large)
    assert n_small < fewer_than


@pytest.mark.parametrize("run", [_docx, _xlsx, _csv, _qdpx, _qdc, _transcript, _privacy], ids=lambda f: f.__name__)
def test_constant_number_of_queries(projects, tmp_path, run):
    small, large = projects
    assert_same_queries(small, large, run, tmp_path, fewer_than=40)


def make_codebook_project(folder: Path, n: int) -> Path:
    """``n`` main codes, each with a subcode, a definition and a theme memo, coded once each."""
    from qualcode.coding import codebook, codings
    from qualcode.corpus import transcripts
    from qualcode.store.project import Project

    entries = "".join(
        f"  - name: thema{i}\n    definition: Over {i}.\n    memo: Samenvatting {i}.\n"
        f"    children:\n      - name: sub{i}\n        colour: '#17BECF'\n"
        for i in range(n)
    )
    (folder / "cb.yaml").write_text("codes:\n" + entries, encoding="utf-8")
    (folder / "T.txt").write_text((ROOT / "transcripts" / "FG1.txt").read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "p.db"
    with Project.create(path) as project:
        codebook.load(project, folder / "cb.yaml", "anna")
        transcripts.import_files(project, [folder / "T.txt"], "anna")
        for i in range(n):
            codings.apply(project, "T", f"{i + 1}", f"sub{i}", "anna", memo=f"memo {i}")
    return path


def _codebook_csv(project, out):
    from qualcode.exchange.codebook_csv import export_taguette_csv

    export_taguette_csv(project, out / "c.csv")


@pytest.mark.parametrize("run", [_qdpx, _qdc, _codebook_csv], ids=lambda f: f.__name__)
def test_codebook_exports_read_every_code_in_a_constant_number_of_queries(tmp_path_factory, tmp_path, run):
    small = make_codebook_project(tmp_path_factory.mktemp("codes2"), 2)
    large = make_codebook_project(tmp_path_factory.mktemp("codes12"), 12)
    assert_same_queries(small, large, run, tmp_path, fewer_than=20)
