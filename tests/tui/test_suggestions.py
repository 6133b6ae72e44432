"""Pilot tests of the Coding screen's suggestions: train in a worker, gutter marks, accept, dismiss, too little data."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tui_helpers import CODER, FIXTURES, SIZE

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project
from qualcode.tui.app import create_app
from qualcode.tui.widgets.suggestions import MODELS, SuggestionsPanel
from qualcode.tui.widgets.transcript_view import TranscriptView

SAFE = [
    "Het kind voelt zich thuis niet veilig.",
    "Is het gezin wel veilig genoeg?",
    "We maken een veiligheidsplan met de ouders.",
    "De veiligheid van de kinderen gaat voor alles.",
    "Dan is het thuis echt onveilig geworden.",
    "Hoe veilig is de situatie nu eigenlijk?",
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
    "We bellen de school en de huisarts.",
    "De wijkagent schuift aan bij het overleg.",
]
PLANTED = "Is het kind thuis wel veilig, en hoe zit het met de veiligheid van het gezin?"
SECOND = "De veiligheid van het kind thuis: is het daar wel veilig?"


def finished_transcript(seed: int) -> tuple[str, list[int]]:
    rnd = random.Random(seed)
    lines, safe = [], []
    for i in range(36):
        if rnd.random() < 0.3:
            lines.append(f"R{i % 3 + 1}: {rnd.choice(SAFE)}")
            safe.append(i + 1)
        else:
            lines.append(f"R{i % 3 + 1}: {rnd.choice(NEUTRAL)}")
    return "\n".join(lines) + "\n", safe


def build(tmp_path: Path, *, finish: bool = True) -> Path:
    """FG1 and FG2 coded (veiligheid) and finished by the coder; FG3 open, with obvious lines 7 and 11."""
    path = tmp_path / "suggest.db"
    with Project.create(path) as p:
        codebook.load(p, FIXTURES / "codebook.yaml", CODER)
        coded = {}
        for seed in (1, 2):
            text, safe = finished_transcript(seed)
            (tmp_path / f"FG{seed}.txt").write_text(text, encoding="utf-8")
            coded[f"FG{seed}"] = safe
        third = (
            [f"R1: {t}" for t in NEUTRAL[:6]]
            + [f"R2: {PLANTED}"]
            + [f"R3: {t}" for t in NEUTRAL[6:9]]
            + [f"R1: {SECOND}"]
            + [f"R2: {t}" for t in NEUTRAL[9:]]
        )
        (tmp_path / "FG3.txt").write_text("\n".join(third) + "\n", encoding="utf-8")
        transcripts.import_files(p, [tmp_path / f"FG{i}.txt" for i in (1, 2, 3)], CODER)
        for name, safe in coded.items():
            for n in safe:
                codings.apply(p, name, str(n), "veiligheid", CODER)
            if finish:
                codings.mark_done(p, name, CODER)
    return path


@pytest.fixture
def suggest_project(tmp_path: Path) -> Path:
    return build(tmp_path)


async def ask(app, pilot) -> None:
    await pilot.press("g")
    await app.workers.wait_for_complete()
    await pilot.pause()


def suggested(screen) -> set[tuple[int, str]]:
    return {(s.line, s.code) for s in screen.suggestions}


async def test_suggest_marks_the_planted_line_and_accept_codes_it(suggest_project):
    app = create_app(suggest_project, CODER, "FG3")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.check_action("accept_suggestion", ()) is None  # greyed before any suggestion
        await ask(app, pilot)
        assert (7, "veiligheid") in suggested(screen)
        view = screen.query_one(TranscriptView)
        assert view.suggested[view.index_of(7)] == "3"  # veiligheid's hotkey, drawn dimmed in the gutter
        panel_text = str(screen.query_one(SuggestionsPanel).render())
        assert "veiligheid" in panel_text and "7" in panel_text
        # s jumps to a suggested line; a accepts the one on the cursor line
        await pilot.press("colon", "7", "enter", "a")
        await pilot.pause()
        with Project.open(suggest_project) as p:
            mine = [(c.ranges, c.code) for c in codings.list_codings(p, coder=CODER, transcript="FG3")]
        assert mine == [(((7, 7),), "veiligheid")]
        assert (7, "veiligheid") not in suggested(screen)
        assert view.index_of(7) not in view.suggested
        # the accepted suggestion is an ordinary coding: u undoes it
        await pilot.press("u")
        await pilot.pause()
        with Project.open(suggest_project) as p:
            assert codings.list_codings(p, coder=CODER, transcript="FG3") == []


async def test_dismissed_suggestion_is_remembered_and_not_suggested_again(suggest_project):
    app = create_app(suggest_project, CODER, "FG3")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await ask(app, pilot)
        assert {(7, "veiligheid"), (11, "veiligheid")} <= suggested(screen)
        model = MODELS.get(app.project_path, CODER)[1]
        await pilot.press("colon", "1", "1", "enter", "r")
        await pilot.pause()
        assert (11, "veiligheid") not in suggested(screen)
        with Project.open(suggest_project) as p:
            rows = p.query(
                "SELECT d.coder, d.ranges, k.name FROM dismissed_suggestions d JOIN codes k ON k.id = d.code_id"
            )
        assert [(r["coder"], r["ranges"], r["name"]) for r in rows] == [(CODER, "11", "veiligheid")]
        # asking again uses the session's model (no retraining) and leaves the dismissed line out
        await ask(app, pilot)
        assert MODELS.get(app.project_path, CODER)[1] is model
        assert (7, "veiligheid") in suggested(screen)
        assert (11, "veiligheid") not in suggested(screen)


async def test_too_little_data_is_shown_instead_of_suggestions(tmp_path):
    path = build(tmp_path, finish=False)
    app = create_app(path, CODER, "FG3")
    async with app.run_test(size=SIZE) as pilot:
        await ask(app, pilot)
        screen = app.screen
        assert screen.suggestions == []
        assert "too little data" in str(screen.query_one(SuggestionsPanel).render())
        assert any("too little data" in n.message for n in app._notifications)


def test_core_with_a_single_trainable_code_ranks_positives_not_negatives(suggest_project):
    """Regression: with one code OneVsRestClassifier returns [P(no), P(yes)]; suggest/evaluate must use P(yes)."""
    from qualcode.language import suggest

    with Project.open(suggest_project) as p:
        found = suggest.suggest(p, CODER, transcript="FG3")
        assert list(found) == ["veiligheid"]
        assert {s.line for s in found["veiligheid"]} == {7, 11}
        report = suggest.evaluate(p, CODER)
        entry = next(e for e in report["codes"] if e["code"] == "veiligheid")
        assert entry["f1"] > 0.5
