"""The import's decisions are pinned: every committed transcript and a set of tricky texts parse exactly as before.

Line numbers are the citation contract, so a speed-up of the readers must not move a line,
a speaker, a turn or a report field. ``fixtures/ingest_golden.json`` holds one SHA-256 per
input over everything :func:`read_transcript` decides (lines with numbers, raw and display
text, speakers, turns and times; checksum, encoding, reader, placeholders, warnings,
notices) — written by the code before the speed-up, under three speaker rules. Regenerate it
only on purpose, with ``python tests/test_ingest_equivalence.py --write``, and say why.

The seal written at import (computed from the parsed lines, without reading them back) is
checked against :func:`qualcode.store.seals.lines_hash` over the stored lines.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "fixtures" / "ingest_golden.json"
FILE_DIRS = [
    "tests/fixtures/transcripts",
    "tests/fixtures/refi/atlas_style/Sources",
    "tests/tui/fixtures",
    "tests/attacks/transcripts",
    "qualcode/demo/data/transcripts",
]
RULES = [None, "none", r"(?P<speaker>[A-Z]\w*)"]
WORDS = "ja nou eh het gezin de school plannen casus overleg veiligheid om 10:30 uur **echt** [NAAM] kind".split()


def _synthetic(seed: int, n: int) -> str:
    """Focus-group text like the import benchmark's, with clocks, bold and brackets inside sentences."""
    rng = random.Random(seed)
    labels = ["M", "R1", "R2", "[REGISSEUR 2]", "Interviewer", "Jan", "Deelnemer 3"]
    out = [f"Focusgroep {seed} — [GEMEENTE]"]
    while len(out) < n:
        label = rng.choice(labels)
        for i in range(rng.randint(1, 4)):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            out.append(f"{label}: {words}" if i == 0 else words)
        if rng.random() < 0.3:
            out.append("")
    return "\n".join(out) + "\n"


TEXTS: dict[str, str] = {
    "plain": "M: welkom\nR1: dank je\n\nnog een regel\nR1: http://x.nl is geen label\nNou: ja\nNou: nee\n",
    "numbered": "1 M: welkom\n2 R1: dank\n\n3 R2: ja\n5. M: verder\n",
    "numbered-not": "3 mensen kwamen\nM: ja\n",
    "crlf-controls": "M: a\x07b\r\nR1: c\u2028d\r\n\r\nR2: cafe\u0301\rM: eind",
    "otter": "Emma  0:34\nWelkom allemaal.\n\nBram  1:02\nDank je.\nnog meer\n\nEmma  1:30\nOke.\n",
    "amber": "Speaker 1 [00:00:01]\nHallo daar.\n\nSpeaker 2 [00:00:05]\nHoi.\n00:00:09 Speaker 1\nEn verder.\n",
    "arrows": "0:0:0.0 --> 0:0:5.12\nAnna\nWelkom allemaal.\n\n0:0:5.12 --> 0:0:9.0\nBram\nDank je wel.\n",
    "timed": "[00:01:23] INT: vraag\nvervolg\n\n(00:01:30) R1: antwoord\n[00:02:00] INT:\nlos\n",
    "bold": "**Anna** [0:00]\nWelkom &#39;allemaal&#39;.\n\n**Bram:** ja **echt**\n**Anna**: verder\n",
    "bold-headings": "**Inleiding**\ntekst\n**Methode**\nmeer\n",
    "qualcoder": "[id1] hallo\n[id2]: daar\n[id1] weer\nzonder\n",
    "clock-in-text": "M: we beginnen om 10:30 uur\nR1: en om 11:45 stoppen we\nR2: prima\n" * 3,
    "few-clocks": "M: tekst\n" * 30 + "Emma  0:34\nBram  1:02\n",
    "brackets": "[NAAM]: ja\n[REGISSEUR 2]: nee\n[x] klein\n[GEMEENTE] is groot\n",
    "only-labels": "M:\nR1:\nM:\n",
    "nfd": "M: e\u0301e\u0301n\nR1: twee\n",
    "bench-like": _synthetic(1, 400),
    "bench-like-2": _synthetic(2, 250),
}


def _vtt(seed: int, n: int) -> str:
    """WebVTT of the same kind of talk: voices, ``Name: text`` labels, cues without a speaker, long turns that wrap."""
    rng = random.Random(seed)
    out, t = ["WEBVTT", "", "NOTE made for a test", ""], 0
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
        kind = rng.random()
        text = (
            f"<v {rng.choice(['Anna', 'Bram de Vries'])}>{words}</v>"
            if kind < 0.5
            else f"{rng.choice(['M', 'R1', 'Interviewer'])}: {words}"
            if kind < 0.8
            else words
        )
        start, t = t, t + rng.randint(1, 4)
        out += [
            str(i + 1) if rng.random() < 0.5 else "",
            f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{t // 60:02d}:{t % 60:02d}.000",
            text,
            "",
        ]
    return "\n".join(line for line in out if line is not None)


CUE = "00:00:0{0}.000 --> 00:00:0{1}.000"
VTT_TEXTS = {
    "two-arrows": f"WEBVTT\n\n{CUE.format(1, 2)}\nM: a\n{CUE.format(2, 3)}\nR1: b\n",
    "blank-runs": f"WEBVTT\nKind: captions\n\n\n\nNOTE x\n\n1\n{CUE.format(1, 2)}\nM: a\n\n\n\n\n{CUE.format(2, 3)}\nb\n\n\n",
    "crlf": f"WEBVTT\r\n\r\n{CUE.format(1, 2)}\r\n<v Anna>a &amp; b</v>\r\n\r\n{CUE.format(2, 3)}\r\n<v Anna>c</v>\r\n",
    "id-arrow": f"WEBVTT\n\nx --> y\n{CUE.format(1, 2)}\nM: a\n",
}


def _canonical(parsed) -> str:
    body = dataclasses.asdict(parsed)
    body["lines"] = [list(line) for line in parsed.lines]
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _inputs(tmp: Path) -> dict[str, Path]:
    out = {}
    for folder in FILE_DIRS:
        for path in sorted((ROOT / folder).iterdir()):
            if path.is_file():
                out[f"{folder}/{path.name}"] = path
    for key, text in TEXTS.items():
        path = tmp / f"{key}.txt"
        path.write_bytes(text.encode("utf-8"))
        out[f"text:{key}"] = path
    for seed in (1, 2):
        path = tmp / f"generated-{seed}.vtt"
        path.write_bytes(_vtt(seed, 300).encode("utf-8"))
        out[f"vtt:generated-{seed}"] = path
    for key, text in VTT_TEXTS.items():
        path = tmp / f"{key}.vtt"
        path.write_bytes(text.encode("utf-8"))
        out[f"vtt:{key}"] = path
    return out


def _digests(tmp: Path) -> dict[str, str]:
    from qualcode.corpus.ingest import read_transcript
    from qualcode.errors import QualcodeError

    out = {}
    for key, path in _inputs(tmp).items():
        for rule in RULES:
            try:
                value = _canonical(read_transcript(path, name="T", speakers=rule))
            except QualcodeError as exc:
                value = f"error: {exc}".replace(str(tmp), "TMP").replace(str(ROOT), "ROOT")
            out[f"{key} | speakers={rule}"] = value
    return out


def test_every_input_parses_exactly_as_pinned(tmp_path: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = _digests(tmp_path)
    assert sorted(got) == sorted(expected)
    changed = [key for key in expected if got[key] != expected[key]]
    assert changed == []


@pytest.mark.parametrize("key", ["bench-like", "crlf-controls", "bold", "otter", "nfd", "brackets"])
def test_import_seal_equals_the_seal_of_the_stored_lines(tmp_path: Path, key: str) -> None:
    from qualcode.corpus import transcripts
    from qualcode.store import seals
    from qualcode.store.project import Project

    path = tmp_path / f"{key}.txt"
    path.write_text(TEXTS[key] + 'M: "quotes" \\ backslash \t tab \u00e9 \U0001f600\n', encoding="utf-8")
    with Project.create(tmp_path / "p.qc") as project:
        (tid,) = transcripts.import_parsed(project, transcripts.parse_files([path]), "ann", annotate=False)
        stored = project.conn.execute("SELECT sha256 FROM line_seals WHERE transcript_id = ?", (tid,)).fetchone()[0]
        assert stored == seals.lines_hash(project.conn, tid)


def _reference_hash(rows) -> str:
    """The seal as schema 4 defines it: ``json.dumps`` of each row, compact, one per line."""
    body = "".join(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 10**12), st.none() | _TEXT, st.integers(0, 10**6), _TEXT, _TEXT), max_size=8))
def test_fast_seal_is_byte_for_byte_the_json_seal(rows) -> None:
    from qualcode.store import seals

    assert seals.rows_hash(rows) == _reference_hash(rows)


def test_seal_of_lines_with_other_types_falls_back_to_the_json_seal(tmp_path: Path) -> None:
    from qualcode.corpus import transcripts
    from qualcode.store import seals
    from qualcode.store.project import Project

    path = tmp_path / "t.txt"
    path.write_text(TEXTS["plain"], encoding="utf-8")
    with Project.create(tmp_path / "p.qc") as project:
        (tid,) = transcripts.import_parsed(project, transcripts.parse_files([path]), "ann", annotate=False)
        project.conn.execute("UPDATE lines SET n = n + 0.5, turn = 'x' WHERE transcript_id = ? AND n = 2", (tid,))
        rows = project.conn.execute(
            "SELECT n, speaker, turn, raw, text FROM lines WHERE transcript_id = ? ORDER BY n", (tid,)
        ).fetchall()
        assert any(isinstance(row[0], float) for row in rows)
        assert seals.lines_hash(project.conn, tid) == _reference_hash(rows)


def _greedy_wrap(words, width, first_indent):
    """The wrap rule word by word (how turns were wrapped before bisection)."""
    lines, start, length = [], 0, first_indent - 1
    for i, size in enumerate(map(len, words)):
        if length + 1 + size > width and i > start:
            lines.append((start, i))
            start, length = i, size
        else:
            length += 1 + size
    if start < len(words):
        lines.append((start, len(words)))
    return lines


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=15), max_size=40), st.integers(1, 90), st.integers(0, 40))
def test_wrap_by_bisection_is_the_greedy_wrap(words, width, first_indent) -> None:
    from qualcode.corpus.ingest.turns import wrap_words

    assert wrap_words(words, width, first_indent) == _greedy_wrap(words, width, first_indent)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["WEBVTT", "a", "\n", " ", "-->", "\r", "x y"]), max_size=30))
def test_webvtt_blocks_split_in_c_are_the_blocks_line_by_line(parts) -> None:
    from qualcode.corpus.ingest.vtt import _block_lines, blocks

    text = "".join(parts)
    assert _block_lines(text) == [block for _, block in blocks(text.split("\n"))]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    sys.path.append(str(ROOT))  # after PYTHONPATH: the code whose decisions are pinned
    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(json.dumps(_digests(Path(tmp)), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    import qualcode

    print(f"wrote {GOLDEN} from {Path(qualcode.__file__).parent}")
