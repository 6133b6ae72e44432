"""The agreement report end to end: a rich project (three coders, an exclusive theme, an unused code,
a consensus, two rounds) through the CLI into Word (nl and en, with a template), read back, and
rendered by LibreOffice with no table wider than the text block."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_agreement_data import code_vector, parsed

from qualcode.agreement import consensus
from qualcode.cli import cli as cli_group
from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project

CODEBOOK = """
language: en
codes:
  - name: werkwijze
    exclusive: true
    children:
      - name: methodiek
      - name: casusoverleg
  - name: samenwerking
  - name: veiligheid
  - name: ongebruikt
"""
NAMES = ["FG1", "FG2", "FG3", "FG4"]
LINES = 30


def run(path: Path, *args, coder: str = "sara"):
    return CliRunner().invoke(cli_group, ["--project", str(path), "--coder", coder, *map(str, args)])


def bits(rng, p: float) -> str:
    return "".join("1" if x else "0" for x in rng.random(LINES) < p)


def noisy(rng, base: str, flip: float = 0.1) -> str:
    return "".join(("1" if c == "0" else "0") if rng.random() < flip else c for c in base)


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rich") / "rich.db"
    rng = np.random.default_rng(7)
    p = Project.create(path)
    codebook.apply(p, codebook.parse(CODEBOOK), "lead")
    transcripts.import_parsed(
        p, [parsed(n, [f"{n} regel {k} over het wijkteam" for k in range(1, LINES + 1)]) for n in NAMES], "lead"
    )
    for k, name in enumerate(NAMES):
        if k == 2:  # the discussion after round 1: a consensus decision
            assert consensus.copy_agreed(p, "samenwerking", transcript_names=["FG1"]) > 0
            codings.mark_done(p, "FG1", "consensus")
        # methodiek on lines 1-10, casusoverleg on 11-20 (exclusive), anna once both (a conflict)
        for coder in ("anna", "bram", "carl"):
            code_vector(p, name, noisy(rng, "1" * 10 + "0" * 20, 0.1), "methodiek", coder)
            code_vector(p, name, noisy(rng, "0" * 10 + "1" * 10 + "0" * 10, 0.1), "casusoverleg", coder)
        base = bits(rng, 0.3)
        for coder in ("anna", "bram", "carl"):
            code_vector(p, name, noisy(rng, base), "samenwerking", coder)
        if k == 0:
            code_vector(p, name, "1" * 3, "veiligheid", "bram")
        for coder in ("anna", "bram") if k == 3 else ("anna", "bram", "carl"):  # carl did not finish FG4
            codings.mark_done(p, name, coder)
    p.close()
    return path


def test_json_has_rounds_pairs_consensus_and_exclusive(rich):
    data = json.loads(run(rich, "agreement", "--json", "--resamples", "200").output)
    assert data["coders"] == ["anna", "bram", "carl"]
    assert [r for r in data["rounds"]] == ["round 1", "round 2"]
    assert data["rounds"]["round 1"]["transcripts"] == ["FG1", "FG2"]
    assert data["per_transcript"]["FG3"]["round"] == 2
    s = data["codes"]["samenwerking"]
    assert s["kappa_name"] == "Conger" and set(s["pairs"]) == {"anna|bram", "anna|carl", "bram|carl"}
    assert set(s["against_consensus"]) == {"anna", "bram", "carl"}
    assert s["against_consensus"]["anna"]["n_units"] == LINES  # only FG1, where the consensus is marked done
    assert data["consensus"] == {"coder": "consensus", "transcripts_done": 1}
    ex = data["exclusive"]["werkwijze"]
    assert ex["categories"] == ["methodiek", "casusoverleg", "(none)"]
    assert set(ex["confusion"]) == {"anna|bram", "anna|carl", "bram|carl"} and ex["alpha"] > 0.5
    m = np.array(ex["confusion"]["anna|bram"])
    assert m.shape == (3, 3) and m.trace() > m.sum() - m.trace()
    assert data["codes"]["ongebruikt"]["used"] is False
    assert data["codes"]["veiligheid"]["transcripts_with_code"] == 1 and data["codes"]["veiligheid"]["kappa_ci"] is None


def test_round_and_since_narrow_the_transcripts(rich):
    one = json.loads(run(rich, "agreement", "--json", "--round", "1", "--resamples", "0").output)
    assert one["transcripts"] == ["FG1", "FG2"]
    two = json.loads(run(rich, "agreement", "--json", "--round", "2", "--resamples", "0").output)
    assert two["transcripts"] == ["FG3", "FG4"]
    assert (
        json.loads(run(rich, "agreement", "--json", "--since", "1h", "--resamples", "0").output)["transcripts"] == NAMES
    )
    bad = run(rich, "agreement", "--round", "3")
    assert bad.exit_code == 1 and "there is no round 3 (rounds: 1, 2)" in bad.output
    bad = run(rich, "agreement", "--since", "2999-01-01")
    assert bad.exit_code == 1 and "no transcript in scope was completed since" in bad.output


def test_units_csv_recomputes_the_figures(rich, tmp_path):
    out = tmp_path / "units.csv"
    data = json.loads(run(rich, "agreement", "--json", "--resamples", "0", "--units", out).output)
    assert data["units_file"]["written"] == 6 * 4 * LINES  # six codes × four transcripts × 30 lines
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["transcript", "line", "code", "anna", "bram", "carl", "consensus"]
    fg4 = [r for r in rows if r["transcript"] == "FG4"]
    assert {r["carl"] for r in fg4} == {""} and {r["anna"] for r in fg4} <= {"0", "1"}
    # percent agreement of samenwerking, recomputed from the CSV alone (mean over lines of agreeing pairs)
    shares = []
    for r in rows:
        if r["code"] != "samenwerking":
            continue
        vals = [int(r[c]) for c in ("anna", "bram", "carl") if r[c] != ""]
        k1 = sum(vals)
        m = len(vals)
        shares.append((k1 * (k1 - 1) + (m - k1) * (m - k1 - 1)) / (m * (m - 1)))
    assert data["codes"]["samenwerking"]["percent_agreement"] == pytest.approx(np.mean(shares))


def test_text_output_dims_unused_codes_and_shows_pairs(rich):
    result = run(rich, "agreement", "--pairs", "--per-transcript", "--resamples", "100")
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "κ Conger",
        "summary*",
        "anna · consensus",
        "Exclusive theme werkwijze",
        "round 2 (2 transcripts)",
        "Code not used by any coder",
        "marked done on 1 of 4",
    ):
        assert text in out, text
    assert "e-1" not in out and "-0.000" not in out and "nan" not in out.lower()


def _docx_text(path: Path) -> tuple[str, list]:
    from docx import Document

    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs), doc


def _table_widths_cm(doc) -> list[float]:
    from docx.oxml.ns import qn

    out = []
    for t in doc.tables:
        grid = t._tbl.find(qn("w:tblGrid"))
        out.append(sum(int(g.get(qn("w:w"))) for g in grid.findall(qn("w:gridCol"))) / 567)
    return out


def test_word_report_english(rich, tmp_path):
    out = tmp_path / "agreement.docx"
    result = run(rich, "export", "agreement", out, "--lang", "en", "--resamples", "200", "--units", tmp_path / "u.csv")
    assert result.exit_code == 0, result.output
    text, doc = _docx_text(out)
    assert "Inter-coder agreement" in text and "Conger's kappa (Conger, 1980)" in text
    assert "pooled kappa of De Vries et al. (2008)" in text and "u.csv" in text
    assert "De Vries, H., Elliott, M. N." in text and "Gwet, K. L. (2014)" in text
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["Code", "n lines", "% agreement", "κ [95% CI]", "α [95% CI]", "AC1"]
    body = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows[1:]}
    assert list(body) == [
        "werkwijze",
        "methodiek",
        "casusoverleg",
        "samenwerking",
        "veiligheid",
        "ongebruikt",
        "Summary*",
    ]
    assert re.fullmatch(r"-?\.\d{3} \[-?\.\d{3}, -?\.\d{3}\]", body["samenwerking"][3])
    assert body["ongebruikt"][3] == "–" and body["ongebruikt"][5] == "1.000"
    # the unused code is grey
    grey = doc.tables[0].rows[6].cells[0].paragraphs[0].runs[0].font.color.rgb
    assert str(grey) == "808080"
    assert "Code not used by any coder" in text and "ongebruikt." in text
    assert "likely too narrow (†)" in text
    # every table fits the A4 portrait text block (16 cm)
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and section.page_width < section.page_height
    assert max(_table_widths_cm(doc)) <= 16.0 + 1e-6
    assert "(FG1; " in text  # the disagreements with their citations


def test_word_report_dutch_with_template(rich, tmp_path):
    from docx import Document
    from docx.shared import Cm

    template = tmp_path / "huisstijl.docx"
    t = Document()
    s = t.sections[0]
    s.page_width, s.page_height = Cm(21.0), Cm(29.7)
    s.left_margin = s.right_margin = Cm(3.5)  # a narrow text block: 14 cm
    t.add_paragraph("weg ermee")
    t.save(str(template))
    out = tmp_path / "overeenstemming.docx"
    result = run(rich, "export", "agreement", out, "--lang", "nl", "--template", template, "--resamples", "100")
    assert result.exit_code == 0, result.output
    text, doc = _docx_text(out)
    assert "weg ermee" not in text and "Overeenstemming tussen codeurs" in text
    assert "De overeenstemming tussen codeurs is met qualcode berekend" in text
    assert "Door geen enkele codeur gebruikt" in text and "Literatuur" in text
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["Code", "n regels", "% overeenst.", "κ [95%-BI]", "α [95%-BI]", "AC1"]
    assert re.fullmatch(r"-?,\d{3} \[-?,\d{3}; -?,\d{3}\]", doc.tables[0].rows[4].cells[3].text)
    assert max(_table_widths_cm(doc)) <= 14.0 + 1e-6


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="LibreOffice/poppler not installed")
def test_rendered_pdf_keeps_every_table_inside_the_text_block(rich, tmp_path):
    out = tmp_path / "agreement.docx"
    assert run(rich, "export", "agreement", out, "--lang", "en", "--resamples", "100").exit_code == 0
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "agreement.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', html)
    assert pages and all(float(w) < float(h) for w, h in pages)  # portrait
    page_width = float(pages[0][0])
    right_edge = page_width - 2.5 / 2.54 * 72  # the right margin, in points
    xmax = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html))
    assert xmax <= right_edge + 1.0, (xmax, right_edge)
    assert ">Agreement<" in html and ">Summary*<" in html
