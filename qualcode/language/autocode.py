"""Auto-coding: code every line (or speaker turn) that matches a pattern, as one undoable action.

A pattern is written like a search query (:mod:`qualcode.language.search`): words and
"phrases in quotes", all of which must occur in the unit; with ``lemma=True``
any word form of their lemmas counts. A pattern that starts with ``[`` is a
spaCy ``Matcher`` token pattern in JSON (``[{"LEMMA": "plannen"}, {"LOWER":
"we"}]``) for anything a word list cannot say.

Matching runs spaCy's ``PhraseMatcher`` (or ``Matcher``) over documents rebuilt
from the *stored* tokens and lemmas, never over re-processed text. Punctuation
tokens are left out of those documents for word patterns, so a phrase matches
across a comma, as in search. With ``scope="turn"`` the unit is the whole
speaker turn (its lines joined), so a phrase broken over two lines is found and
the coding covers the turn's first to last non-blank line.

Units that the coder already coded with the code (any overlap) are skipped. The
codings of one run are written in one transaction: one event, undone in one step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from qualcode.errors import InputError
from qualcode.model import Coding, Range
from qualcode.store.project import Project

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher

SCOPES = ("line", "turn")


@dataclass
class Unit:
    transcript_id: int
    transcript: str
    lines: list[tuple[int, list[str], list[str]]]  # (n, tokens, lemmas) of its non-blank lines

    @property
    def ranges(self) -> tuple[Range, ...]:
        ns = [n for n, _, _ in self.lines]
        return ((min(ns), max(ns)),)


def _units(project: Project, line_ids: Sequence[int] | None, scope: str, transcript_id: int | None) -> list[Unit]:
    """Units holding the given lines (all lines when None), in transcript and line order."""
    base = (
        "SELECT l.transcript_id, t.name, l.n, l.turn, x.tokens, x.lemmas FROM lines l "
        "JOIN line_nlp x ON x.line_id = l.id JOIN transcripts t ON t.id = l.transcript_id"
    )
    where, params = [], []
    if transcript_id is not None:
        where.append("l.transcript_id = ?")
        params.append(transcript_id)
    if line_ids is not None:
        project.conn.execute("CREATE TEMP TABLE IF NOT EXISTS autocode_ids (id INTEGER PRIMARY KEY)")
        project.conn.execute("DELETE FROM autocode_ids")
        project.conn.executemany("INSERT OR IGNORE INTO autocode_ids VALUES (?)", [(i,) for i in line_ids])
        if scope == "line":
            where.append("l.id IN (SELECT id FROM autocode_ids)")
        else:
            where.append(
                "(l.transcript_id, l.turn) IN (SELECT transcript_id, turn FROM lines "
                "WHERE id IN (SELECT id FROM autocode_ids))"
            )
    sql = base + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.transcript_id, l.n"
    units: list[Unit] = []
    key = None
    for tid, name, n, turn, tokens, lemmas in project.conn.execute(sql, params):
        k = (tid, n if scope == "line" else turn)
        if k != key:
            units.append(Unit(tid, name, []))
            key = k
        units[-1].lines.append((n, tokens.split(" "), lemmas.split(" ")))
    return units


class _Pattern:
    """A compiled pattern: ``matches(unit)`` says whether the unit holds it."""

    def __init__(self, pattern: str, lemma: bool):
        from qualcode.corpus import lemmas as nlp

        self.nlp = nlp.pipeline()
        self.vocab = self.nlp.vocab
        self.lemma = lemma
        text = (pattern or "").strip()
        self.token_pattern = text.startswith("[")
        if self.token_pattern:
            from spacy.matcher import Matcher

            try:
                spec = json.loads(text)
                if spec and isinstance(spec[0], dict):
                    spec = [spec]
                matcher = Matcher(self.vocab)
                matcher.add("P", spec)
                self.matcher: Matcher | PhraseMatcher = matcher
            except (ValueError, TypeError, KeyError) as e:
                raise InputError(
                    f'not a spaCy token pattern ({str(e).splitlines()[0]}); write e.g. [{{"LEMMA": "plannen"}}]'
                ) from None
            self.terms: list[tuple[str, ...]] = []
            return
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        from qualcode.language.search import parse_query

        self.terms = parse_query(text, lemma=lemma)
        phrases = PhraseMatcher(self.vocab, attr="LEMMA" if lemma else "LOWER")
        for i, term in enumerate(self.terms):
            words = list(term)
            phrases.add(str(i), [Doc(self.vocab, words=words, lemmas=words if lemma else None)])
        self.matcher = phrases

    def doc(self, unit: Unit):
        from spacy.tokens import Doc

        from qualcode.language.search import is_word

        words, lemmas = [], []
        for _, tokens, lems in unit.lines:
            for tok, lem in zip(tokens, lems):
                if self.token_pattern or is_word(tok):
                    words.append(tok)
                    lemmas.append(lem)
        if not words:
            return None
        return Doc(self.vocab, words=words, lemmas=lemmas)

    def matches(self, unit: Unit) -> bool:
        doc = self.doc(unit)
        if doc is None:
            return False
        found = self.matcher(doc)
        if self.token_pattern:
            return bool(found)
        return len({match_id for match_id, _, _ in found}) == len(self.terms)

    def candidate_lines(self, project: Project, transcript_id: int | None) -> list[int] | None:
        """Line ids holding any word of the pattern (FTS5), or None for token patterns (every line)."""
        if self.token_pattern:
            return None
        words = sorted({w for term in self.terms for w in term})
        column = "lemmas" if self.lemma else "tokens"
        expr = " OR ".join(f'{column} : "{w.replace(chr(34), chr(34) * 2)}"' for w in words)
        sql = "SELECT f.rowid FROM line_nlp_fts f"
        params: list = [expr]
        if transcript_id is not None:
            sql += " JOIN lines l ON l.id = f.rowid WHERE line_nlp_fts MATCH ? AND l.transcript_id = ?"
            params.append(transcript_id)
        else:
            sql += " WHERE line_nlp_fts MATCH ?"
        return [r[0] for r in project.conn.execute(sql, params)]


def plan(
    project: Project,
    code: str,
    pattern: str,
    coder: str,
    *,
    lemma: bool = False,
    scope: str = "line",
    transcript: str | None = None,
) -> list[Coding]:
    """The codings a run would make (not stored: ``id`` is None), in transcript and line order."""
    from qualcode.coding import codebook
    from qualcode.corpus import transcripts
    from qualcode.language.search import coded_lines

    if scope not in SCOPES:
        raise InputError(f"unknown scope {scope!r} (use line or turn)")
    k = codebook.get_code(project, code)
    tid = transcripts.get(project, transcript).id if transcript is not None else None
    compiled = _Pattern(pattern, lemma)
    candidates = compiled.candidate_lines(project, tid)
    if candidates is not None and not candidates:
        return []
    done = coded_lines(project, k.name, coder)
    out = []
    for unit in _units(project, candidates, scope, tid):
        if any((unit.transcript_id, n) in done for n, _, _ in unit.lines):
            continue
        if compiled.matches(unit):
            out.append(
                Coding(
                    id=cast(int, None),  # a proposal, not stored: it has no id (Coding.id is int)
                    transcript=unit.transcript,
                    transcript_id=unit.transcript_id,
                    ranges=unit.ranges,
                    code=k.name,
                    code_id=k.id,
                    coder=coder,
                    memo="",
                    created_at="",
                    updated_at="",
                    guid="",
                )
            )
    return out


def autocode(
    project: Project,
    code: str,
    pattern: str,
    coder: str,
    *,
    lemma: bool = False,
    scope: str = "line",
    transcript: str | None = None,
    dry_run: bool = False,
) -> list[Coding]:
    """Code every matching unit for ``coder`` in one transaction; with ``dry_run`` only return the plan."""
    from qualcode.coding import codings

    planned = plan(project, code, pattern, coder, lemma=lemma, scope=scope, transcript=transcript)
    if dry_run or not planned:
        return planned
    summary = f"autocode {planned[0].code} {pattern!r}{' (lemmas)' if lemma else ''}, {scope}s: {len(planned)} codings"
    ids = []
    with project.transaction("autocode", coder, summary) as tx:
        for c in planned:
            ids.append(codings.insert(tx, c.transcript_id, c.code_id, coder, c.ranges))
    return [codings.get(project, i) for i in ids]
