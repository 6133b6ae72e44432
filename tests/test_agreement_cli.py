"""End to end: published tables as real codings in a project file, read back through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_agreement_data import code_lines, code_table, code_vector, make_project

from qualcode.agreement.stats import gwet_ac1, kappa_from_counts
from qualcode.cli import cli as cli_group
from qualcode.cli import main
from qualcode.coding import codings
from qualcode.store.project import Project

CODE_KEYS = {
    "used",
    "n_units",
    "transcripts_with_code",
    "ci_transcripts",
    "a",
    "b",
    "c",
    "d",
    "prevalence",
    "percent_agreement",
    "positive_agreement",
    "negative_agreement",
    "kappa",
    "kappa_name",
    "kappa_ci",
    "fleiss_kappa",
    "fleiss_kappa_ci",
    "alpha",
    "alpha_ci",
    "ac1",
    "ac1_ci",
    "pabak",
    "pabak_ci",
    "percent_agreement_ci",
    "pairs",
    "pairwise_kappa",
    "against_consensus",
    "notes",
    "note_kinds",
}
REPORT_KEYS = {
    "unit",
    "coders",
    "transcripts",
    "resamples",
    "seed",
    "codes",
    "summary",
    "per_transcript",
    "rounds",
    "exclusive",
    "consensus",
}


def run(path: Path, *args, coder: str = "sara"):
    result = CliRunner().invoke(
        cli_group, ["--project", str(path), "--coder", coder, *map(str, args)], catch_exceptions=False
    )
    return result


def run_json(path: Path, *args):
    result = run(path, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def run_main(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(map(str, args)))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def finish(p: Project, *names: str, coders=("anna", "bram")) -> None:
    for t in names:
        for c in coders:
            codings.mark_done(p, t, c)


@pytest.fixture
def published(tmp_path) -> Path:
    """Krippendorff's binary example (K10), kappa .400 (T50) and the prevalence paradox over four transcripts."""
    path = tmp_path / "published.db"
    p = make_project(
        path,
        {"K10": 10, "T50": 50, "P1": 25, "P2": 25, "P3": 25, "P4": 25},
        codes=["kripp", "tabel", "paradox", "ongebruikt"],
    )
    code_vector(p, "K10", "0100000010", "kripp", "anna")
    code_vector(p, "K10", "1110010000", "kripp", "bram")
    code_table(p, "T50", 20, 5, 10, 15, "tabel")
    for name, (a, b, c, d) in zip(
        ["P1", "P2", "P3", "P4"], [(20, 3, 2, 0), (20, 3, 1, 1), (20, 2, 1, 2), (20, 2, 1, 2)]
    ):
        code_table(p, name, a, b, c, d, "paradox")
    finish(p, "K10", "T50", "P1", "P2", "P3", "P4")
    p.close()
    return path


def test_krippendorff_binary_example_end_to_end(published):
    data = run_json(published, "agreement", "--transcript", "K10", "--code", "kripp")
    assert set(data) == REPORT_KEYS
    assert data["unit"] == "line" and data["coders"] == ["anna", "bram"] and data["transcripts"] == ["K10"]
    k = data["codes"]["kripp"]
    assert set(k) == CODE_KEYS
    assert (k["a"], k["b"], k["c"], k["d"], k["n_units"]) == (1, 1, 3, 5, 10)
    assert round(k["alpha"], 3) == 0.095 and round(k["kappa"], 3) == 0.091
    assert list(k["pairwise_kappa"]) == ["anna|bram"] and round(k["pairwise_kappa"]["anna|bram"], 3) == 0.091
    assert k["prevalence"] == {"anna": pytest.approx(0.2), "bram": pytest.approx(0.4)}
    assert k["kappa_ci"] is None and any("no intervals" in n for n in k["notes"])  # one transcript: no bootstrap


def test_kappa_0_400_end_to_end(published):
    t = run_json(published, "agreement", "--transcript", "T50", "--code", "tabel")["codes"]["tabel"]
    assert (t["a"], t["b"], t["c"], t["d"]) == (20, 5, 10, 15)
    assert round(t["kappa"], 3) == 0.400
    assert t["percent_agreement"] == pytest.approx(0.7)


def test_prevalence_paradox_end_to_end_with_bootstrap(published):
    args = [
        "agreement",
        "--code",
        "paradox",
        "--transcript",
        "P1",
        "--transcript",
        "P2",
        "--transcript",
        "P3",
        "--transcript",
        "P4",
        "--seed",
        "7",
        "--resamples",
        "500",
    ]
    data = run_json(published, *args)
    p = data["codes"]["paradox"]
    assert (p["a"], p["b"], p["c"], p["d"]) == (80, 10, 5, 5)
    assert (round(p["kappa"], 3), round(p["ac1"], 3), round(p["pabak"], 3)) == (0.318, 0.808, 0.700)
    lo, hi = p["kappa_ci"]
    assert lo <= p["kappa"] <= hi and 0 <= lo < hi
    assert p["alpha_ci"][0] <= p["alpha"] <= p["alpha_ci"][1]
    assert run_json(published, *args)["codes"]["paradox"]["kappa_ci"] == p["kappa_ci"]  # seeded: reproducible


def test_unused_code_is_null_with_a_reason(published):
    data = run_json(published, "agreement", "--resamples", "0")
    u = data["codes"]["ongebruikt"]
    assert u["kappa"] is None and u["alpha"] is None and u["positive_agreement"] is None
    assert u["pairwise_kappa"] == {"anna|bram": None}
    assert u["notes"] == ["code not used by any coder"] and u["used"] is False
    assert u["ac1"] == 1.0 and u["ac1_ci"] is None  # true, but says nothing: dimmed in the table
    assert u["d"] == u["n_units"] == 10 + 50 + 100
    # the summary row: De Vries' pooled kappa, the same with or without the unused code
    s = data["summary"]
    assert s["n_units"] == 160 and s["n_codes"] == 4
    without = run_json(published, "agreement", "--resamples", "0", "--transcript", "K10")
    assert without["summary"]["pooled_kappa"] == pytest.approx(without["codes"]["kripp"]["kappa"])
    assert s["mean_over_codes"]["alpha"] == 3 and s["means"]["ac1"] is not None
    assert data["transcripts"] == ["K10", "T50", "P1", "P2", "P3", "P4"]


def test_text_table(published):
    result = run(published, "agreement", "--resamples", "0")
    assert result.exit_code == 0
    for word in ("kripp", "tabel", "paradox", "ongebruikt", "summary", "κ", "alpha", "not used by any coder"):
        assert word in result.output
    assert "De Vries' pooled kappa" in result.output
    assert "nan" not in result.output.lower() and "e-1" not in result.output


def test_missing_data_end_to_end(tmp_path):
    path = tmp_path / "m.db"
    p = make_project(path, {"FG1": 10, "FG2": 10}, codes=["werkwijze"])
    code_lines(p, "FG1", [1, 2, 3], "werkwijze", "anna")
    code_lines(p, "FG1", [2, 3, 4], "werkwijze", "bram")
    code_lines(p, "FG2", [1, 2, 3, 4, 5], "werkwijze", "anna")
    code_lines(p, "FG2", [6], "werkwijze", "bram")  # bram has not finished FG2
    finish(p, "FG1")
    codings.mark_done(p, "FG2", "anna")
    p.close()
    w = run_json(path, "agreement")["codes"]["werkwijze"]
    assert w["n_units"] == 10 and (w["a"], w["b"], w["c"], w["d"]) == (2, 1, 1, 6)
    assert w["prevalence"]["anna"] == pytest.approx(8 / 20)
    assert w["prevalence"]["bram"] == pytest.approx(3 / 10)


def test_three_coders_end_to_end(tmp_path):
    path = tmp_path / "three.db"
    p = make_project(path, {"FG1": 10}, codes=["werkwijze"])
    code_vector(p, "FG1", "1100101000", "werkwijze", "anna")
    code_vector(p, "FG1", "1100100000", "werkwijze", "bram")
    code_vector(p, "FG1", "0100101100", "werkwijze", "carl")
    finish(p, "FG1", coders=("anna", "bram", "carl"))
    p.close()
    data = run_json(path, "agreement", "--resamples", "0")
    assert data["coders"] == ["anna", "bram", "carl"]
    w = data["codes"]["werkwijze"]
    assert w["a"] is None and w["kappa_name"] == "Conger" and w["kappa"] is not None
    assert set(w["pairwise_kappa"]) == {"anna|bram", "anna|carl", "bram|carl"}
    # anna vs bram: a=3 b=1 c=0 d=6, p_e = .4·.3 + .6·.7 = .54 → kappa = (.9 - .54) / .46
    assert w["pairwise_kappa"]["anna|bram"] == pytest.approx((0.9 - 0.54) / 0.46)
    from qualcode.agreement.stats import krippendorff_alpha_nominal

    rows = [[int(c) for c in s] for s in ("1100101000", "1100100000", "0100101100")]
    assert w["alpha"] == pytest.approx(krippendorff_alpha_nominal(rows).value)
    # --coders picks a pair
    two = run_json(path, "agreement", "--coders", "carl,anna", "--resamples", "0")
    assert two["coders"] == ["carl", "anna"] and list(two["codes"]["werkwijze"]["pairwise_kappa"]) == ["anna|carl"]


def test_segments_view(tmp_path):
    path = tmp_path / "s.db"
    p = make_project(path, {"FG1": 30}, codes=["werkwijze"])
    code_lines(p, "FG1", range(1, 11), "werkwijze", "anna")
    code_lines(p, "FG1", range(2, 11), "werkwijze", "bram")
    code_lines(p, "FG1", range(20, 24), "werkwijze", "anna")
    code_lines(p, "FG1", range(23, 31), "werkwijze", "bram")
    finish(p, "FG1")
    p.close()
    data = run_json(path, "agreement", "--segments")
    seg = data["codes"]["werkwijze"]["anna|bram"]
    assert seg["anna"] == {"matched": 1, "partial": 1, "unmatched": 0}
    assert seg["bram"] == {"matched": 1, "partial": 1, "unmatched": 0}
    strict = run_json(path, "agreement", "--segments", "--threshold", "0.95")
    assert strict["codes"]["werkwijze"]["anna|bram"]["anna"] == {"matched": 0, "partial": 2, "unmatched": 0}


def test_disagreements_and_consensus_cli(tmp_path, capsys):
    path = tmp_path / "d.db"
    p = make_project(path, {"FG1": 12}, codes=["werkwijze"])
    code_lines(p, "FG1", [2, 3, 4], "werkwijze", "anna", memo="huisbezoek")
    code_lines(p, "FG1", [3, 4, 5], "werkwijze", "bram")
    code_lines(p, "FG1", [9, 10], "werkwijze", "anna")
    code_lines(p, "FG1", [9, 10], "werkwijze", "bram")
    finish(p, "FG1")
    p.close()
    items = run_json(path, "disagreements", "werkwijze")
    assert [d["id"] for d in items] == ["FG1:2-5"]
    assert [(pt["label"], pt["ranges"]) for pt in items[0]["parts"]] == [
        ("anna only", [[2, 2]]),
        ("both", [[3, 4]]),
        ("bram only", [[5, 5]]),
    ]
    assert items[0]["codings"]["anna"][0]["memo"] == "huisbezoek" and items[0]["citation"] == "(FG1; 2-5)"
    text = run(path, "disagreements", "werkwijze").output
    assert "FG1:2-5" in text and "anna only" in text and "huisbezoek" in text

    out = run_json(path, "consensus", "werkwijze", "1", "--accept", "bram")
    assert out["coder"] == "consensus" and out["codings"][0]["ranges"] == [[3, 5]]
    out = run_json(path, "consensus", "werkwijze", "FG1:3", "--union")
    assert out["codings"][0]["ranges"] == [[2, 5]]
    assert run_json(path, "consensus", "all", "--agreed")["added"] == 1
    with Project.open(path) as p:
        cons = [(c.code, c.ranges) for c in codings.list_codings(p, coder="consensus")]
    assert cons == [("werkwijze", ((2, 5),)), ("werkwijze", ((9, 10),))]
    # the consensus is excluded from default coders, but can be compared like any coder
    # (once the consensus coder marks the transcript done)
    with Project.open(path) as p:
        codings.mark_done(p, "FG1", "consensus")
    assert run_json(path, "agreement", "--resamples", "0")["coders"] == ["anna", "bram"]
    w = run_json(path, "agreement", "--coders", "anna,consensus", "--resamples", "0")["codes"]["werkwijze"]
    assert (w["a"], w["b"], w["c"], w["d"]) == (5, 0, 1, 6)

    code, _, err = run_main(capsys, "--project", path, "consensus", "werkwijze", "1", "--accept", "bram", "--union")
    assert code == 1 and err.startswith("error: give exactly one of") and "Traceback" not in err
    code, _, err = run_main(capsys, "--project", path, "consensus", "werkwijze", "7", "--union")
    assert code == 1 and "no disagreement number 7" in err


def test_errors_are_one_line(published, capsys):
    code, _, err = run_main(capsys, "--project", published, "agreement", "--code", "onbekend")
    assert code == 1 and err.strip().count("\n") == 0 and "unknown code 'onbekend'" in err
    code, _, err = run_main(capsys, "--project", published, "agreement", "--coders", "anna")
    assert code == 1 and "at least two coders" in err
    code, _, err = run_main(capsys, "--project", published, "agreement", "--transcript", "FG99")
    assert code == 1 and "unknown transcript" in err


def test_export_agreement_docx(published, tmp_path):
    from docx import Document

    with Project.open(published) as p:
        code_lines(p, "T50", [46], "tabel", "anna", memo="twijfel over regel 46")
    out = tmp_path / "rapport.docx"
    result = run(published, "export", "agreement", str(out), "--resamples", "200", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert out.exists() and not list(tmp_path.glob(".rapport.docx.*"))
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "the value is 1 when the coder applied the code" in text
    assert "Coders: anna, bram" in text
    assert "K10, T50, P1, P2, P3, P4" in text
    assert "6 of 6 transcripts" in text and "100% of the corpus" in text
    assert "Krippendorff, K. (2011)" in text and "Gwet, K. L. (2008)" in text
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Code", "n lines", "% agreement", "κ [95% CI]", "α [95% CI]", "AC1"]
    body = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert set(body) == {"kripp", "tabel", "paradox", "ongebruikt", "Summary*"}
    # pooled over all six transcripts, with anna's extra coding on line 46: a=20, b=6, c=10, d=14+10+100
    # tabel occurs in one transcript: no interval; paradox in four: an interval (marked † in table 2)
    assert body["tabel"][3] == kappa_from_counts(20, 6, 10, 124).format().lstrip("0")
    assert re.fullmatch(r"\.\d{3} \[-?\.\d{3}, \.\d{3}\]", body["paradox"][3])
    others = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[1].rows[1:]}
    assert others["paradox"][-1] == "4 †" and others["tabel"][-1] == "1"
    assert body["ongebruikt"][3] == "–"
    assert body["paradox"][5] == gwet_ac1(80, 10, 5, 5 + 10 + 50).format().lstrip("0")
    counts = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[2].rows[1:]}
    assert counts["tabel"][1:5] == ["20", "6", "10", "124"]
    # disagreements with citations, parts and memos
    for citation in ("(K10; 1-3)", "(K10; 6)", "(K10; 9)", "(T50; 1-35)", "(T50; 46)"):
        assert citation in text
    assert "1-20: both; 21-25: anna only; 26-35: bram only" in text
    assert "twijfel over regel 46" in text
    assert "Code not used by any coder" in text and "ongebruikt" in text


def test_export_agreement_refuses_other_suffix(published, capsys):
    code, _, err = run_main(capsys, "--project", published, "export", "agreement", "rapport.txt")
    assert code == 1 and ".docx" in err


def test_import_hygiene():
    """Agreement modules never import Textual; the CLI start-up imports neither scikit-learn nor python-docx."""
    import subprocess
    import sys

    code = (
        "import sys, qualcode.cli.base, qualcode.cli.agreement; "
        "assert 'sklearn' not in sys.modules and 'docx' not in sys.modules, 'heavy import at start-up'; "
        "import qualcode.agreement.stats, qualcode.agreement.units, qualcode.agreement.consensus, qualcode.report.agreement; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), 'textual imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_agreement_never_imports_scikit_learn(published):
    """Kappa is numpy (tested against scikit-learn elsewhere): computing a full report loads no sklearn."""
    import subprocess
    import sys

    code = (
        "import sys; from qualcode.store.project import Project; from qualcode.agreement import units; "
        f"p = Project.open({str(published)!r}, readonly=True); units.compute_report(p, resamples=50); "
        "assert 'sklearn' not in sys.modules, 'scikit-learn imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_export_three_coders_with_consensus(tmp_path):
    from docx import Document

    path = tmp_path / "three.db"
    p = make_project(path, {"FG1": 10}, codes=["werkwijze"])
    code_vector(p, "FG1", "1100101000", "werkwijze", "anna")
    code_vector(p, "FG1", "1100100000", "werkwijze", "bram")
    code_vector(p, "FG1", "0100101100", "werkwijze", "carl")
    finish(p, "FG1", coders=("anna", "bram", "carl"))
    p.close()
    assert run_json(path, "consensus", "werkwijze", "FG1:7", "--accept", "carl")["codings"][0]["ranges"] == [[7, 8]]
    out = tmp_path / "drie.docx"
    assert run(path, "export", "agreement", str(out), "--resamples", "0", "--lang", "en").exit_code == 0
    doc = Document(str(out))
    pairs = [[c.text for c in r.cells] for r in doc.tables[3].rows]
    assert pairs[0][:2] == ["Code", "Coders"]
    assert [r[1] for r in pairs[1:]] == ["anna – bram", "anna – carl", "bram – carl"]
    text = "\n".join(par.text for par in doc.paragraphs)
    assert "Coders: anna, bram, carl" in text and "Conger's kappa (Conger, 1980)" in text
    assert "1: bram + anna" not in text and "1: anna + bram" in text and "7: anna + carl" in text
    assert "Consensus: 7-8" in text


def test_intervals_do_not_depend_on_the_order_of_transcript_options(published):
    names = ["P1", "P2", "P3", "P4"]
    args = ["agreement", "--code", "paradox", "--seed", "3", "--resamples", "300"]
    forward = run_json(published, *args, *[x for n in names for x in ("--transcript", n)])
    backward = run_json(published, *args, *[x for n in reversed(names) for x in ("--transcript", n)])
    for key in ("kappa_ci", "alpha_ci", "ac1_ci", "pabak_ci", "percent_agreement_ci"):
        assert forward["codes"]["paradox"][key] == backward["codes"]["paradox"][key], key
    assert forward["codes"]["paradox"]["ci_transcripts"] == 4
