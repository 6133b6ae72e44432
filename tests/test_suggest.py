"""qualcode.language.suggest on a real project file: a planted line ranks first, grouped folds, too little data, dismiss/accept."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from qualcode.coding import codings
from qualcode.corpus import transcripts
from qualcode.language import suggest
from qualcode.store import history
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "default.yaml"

SAFE = [
    "Het kind voelt zich thuis niet veilig.",
    "Is het gezin wel veilig genoeg?",
    "We maken een veiligheidsplan met de ouders.",
    "De veiligheid van de kinderen gaat voor alles.",
    "Dan is het thuis echt onveilig geworden.",
    "Hoe veilig is de situatie nu eigenlijk?",
]
TOGETHER = [
    "We bellen de school en de huisarts.",
    "Met de politie is de samenwerking goed.",
    "De wijkagent schuift aan bij het overleg.",
    "De school belt ons meestal als eerste.",
    "Samen met de huisarts kijken we wat nodig is.",
    "De politie deelt niet alles met ons.",
]
NEUTRAL = [
    "Ja, dat herken ik wel.",
    "Nou, dat verschilt per week.",
    "Het is een drukke tijd geweest.",
    "Dat vind ik een goede vraag.",
    "Eerlijk gezegd weet ik het niet precies.",
    "Oké, dan gaan we verder.",
    "Ik werk hier nu drie jaar.",
    "Dat was vorig jaar anders.",
    "We hebben koffie gedronken.",
    "Soms duurt het gewoon lang.",
    "Mijn collega zegt dat ook.",
    "Daar kom ik zo op terug.",
]
PLANTED = "Is het kind thuis wel veilig, en hoe zit het met de veiligheid van het gezin?"


def transcript_text(seed: int) -> tuple[str, list[int], list[int]]:
    rnd = random.Random(seed)
    lines, safe, together = [], [], []
    for i in range(30):
        kind = rnd.choice("sstnnnnn")
        text = rnd.choice({"s": SAFE, "t": TOGETHER, "n": NEUTRAL}[kind])
        lines.append(f"R{i % 3 + 1}: {text} ({seed}.{i})")
        (safe if kind == "s" else together if kind == "t" else []).append(i + 1)
    return "\n".join(lines) + "\n", safe, together


@pytest.fixture
def proj(tmp_path: Path):
    from qualcode.coding import codebook

    path = tmp_path / "suggest.db"
    with Project.create(path) as p:
        codebook.load(p, CODEBOOK, "anna")
        files = []
        for seed in (1, 2, 3):
            text, safe, together = transcript_text(seed)
            (tmp_path / f"FG{seed}.txt").write_text(text, encoding="utf-8")
            files.append((f"FG{seed}", safe, together))
        new = (
            "\n".join(f"R1: {t}" for t in NEUTRAL[:6])
            + f"\nR2: {PLANTED}\n"
            + "\n".join(f"R3: {t}" for t in NEUTRAL[6:])
            + "\n"
        )
        (tmp_path / "FG4.txt").write_text(new, encoding="utf-8")
        transcripts.import_files(p, [tmp_path / f"FG{i}.txt" for i in (1, 2, 3, 4)], "anna")
        for name, safe, together in files:
            for n in safe:
                codings.apply(p, name, str(n), "veiligheid", "anna")
            for n in together:
                codings.apply(p, name, str(n), "samenwerking", "anna")
            codings.mark_done(p, name, "anna")
    with Project.open(path) as p:
        yield p


def test_planted_obvious_line_ranks_first(proj):
    found = suggest.suggest(proj, "anna", transcript="FG4")
    top = found["veiligheid"][0]
    assert (top.transcript, top.line) == ("FG4", 7)
    assert top.probability > 0.5
    assert {"veilig", "veiligheid"} & set(top.words)
    # the model was trained on the finished transcripts only, and FG4's neutral lines are not suggested
    assert all(s.line == 7 for s in found["veiligheid"])


def test_coded_lines_are_not_suggested_again(proj):
    found = suggest.suggest(proj, "anna", code="veiligheid", limit=None, min_probability=0.0)
    coded = {(c.transcript, c.first_line) for c in codings.list_codings(proj, coder="anna", code="veiligheid")}
    assert coded and not coded & {(s.transcript, s.line) for s in found["veiligheid"]}


def test_dismissed_suggestions_stay_away_until_undone(proj):
    suggest.dismiss_suggestion(proj, "anna", "FG4", 7, "veiligheid")
    assert all(s.line != 7 for s in suggest.suggest(proj, "anna", transcript="FG4")["veiligheid"])
    history.undo(proj, "anna")
    assert suggest.suggest(proj, "anna", transcript="FG4")["veiligheid"][0].line == 7


def test_accepting_makes_an_ordinary_coding(proj):
    c = suggest.accept_suggestion(proj, "anna", "FG4", 7, "veiligheid")
    assert (c.transcript, c.ranges, c.code, c.coder) == ("FG4", ((7, 7),), "veiligheid", "anna")
    assert all(s.line != 7 for s in suggest.suggest(proj, "anna", transcript="FG4")["veiligheid"])


def test_folds_never_share_a_transcript(proj):
    done = suggest.finished_transcripts(proj, "anna")
    corpus = suggest.load_corpus(proj, done, "anna")
    splits = suggest.folds(corpus)
    assert len(splits) == 3
    tested = []
    for train, test in splits:
        train_t = {corpus.transcript_ids[i] for i in train}
        test_t = {corpus.transcript_ids[i] for i in test}
        assert train_t and test_t and not train_t & test_t
        assert sorted(train + test) == list(range(len(corpus.line_ids)))
        tested += sorted(test_t)
    assert sorted(tested) == sorted(done)  # every transcript is tested exactly once
    report = suggest.evaluate(proj, "anna")
    for fold in report["folds"]:
        assert not set(fold["train"]) & set(fold["test"])


def test_evaluate_reports_numbers_baseline_and_too_little_data(proj):
    report = suggest.evaluate(proj, "anna")
    by_code = {e["code"]: e for e in report["codes"]}
    safe = by_code["veiligheid"]
    assert safe["positives"] == len(codings.list_codings(proj, coder="anna", code="veiligheid"))
    assert safe["f1"] > 0.8  # the safety lines share their words across transcripts
    assert set(safe["baseline"]) == {"precision", "recall", "f1"}
    assert by_code["nazorg"]["note"].startswith("too little data") and "f1" not in by_code["nazorg"]


def test_too_little_data_is_said(proj):
    with pytest.raises(suggest.TooLittleData, match="finished 0 transcripts"):
        suggest.suggest(proj, "bram")
    codings.mark_done(proj, "FG1", "bram")
    with pytest.raises(suggest.TooLittleData, match="finished 1 transcript;"):
        suggest.evaluate(proj, "bram")
    with pytest.raises(suggest.TooLittleData, match="too little data for nazorg"):
        suggest.suggest(proj, "anna", code="nazorg")


def test_cli_suggest_evaluate_and_dismiss(proj, cli):
    path = str(proj.path)
    res = cli("suggest", "--transcript", "FG4", "--code", "veiligheid", "--json", "--project", path, "--coder", "anna")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["veiligheid"]
    assert rows[0]["citation"] == "(FG4; 7)" and rows[0]["text"] == PLANTED
    res = cli("dismiss", "FG4", "7", "veiligheid", "--project", path, "--coder", "anna")
    assert res.exit_code == 0, res.output
    res = cli("suggest", "--transcript", "FG4", "--code", "veiligheid", "--json", "--project", path, "--coder", "anna")
    assert all(r["line"] != 7 for r in json.loads(res.output)["veiligheid"])
    res = cli("suggest", "--evaluate", "--project", path, "--coder", "anna")
    assert res.exit_code == 0 and "veiligheid" in res.output and "3-fold" in res.output
    res = cli("suggest", "--evaluate", "--json", "--project", path, "--coder", "anna")
    notes = {e["code"]: e.get("note", "") for e in json.loads(res.output)["codes"]}
    assert notes["veiligheid"] == "" and notes["nazorg"].startswith("too little data")
    res = cli("suggest", "--project", path, "--coder", "bram")
    assert res.exit_code != 0 and "too little data" in res.output
