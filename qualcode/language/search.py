"""Search across transcripts: word forms or lemmas, phrases, key words in context (KWIC).

A query holds one or more *terms*: single words, or phrases in double quotes
(``"eerste gesprek"``). A line matches when it contains every term (AND); each
occurrence of each term in a matching line is one hit. Matching compares whole
tokens, case-insensitively: with ``lemma=True`` the lemmas of the query's words
against the stored lemmas (``gepland`` finds ``plannen``, ``plant`` and
``gepland``), otherwise the lower-cased word forms. Punctuation is ignored on
both sides, so a phrase also matches across a comma.

The query is lemmatised with the same pipeline as the corpus; the corpus itself
is never processed again: the FTS5 index narrows the lines, then the stored
tokens decide the exact spans.

``--code`` restricts to lines coded with that code by *any* coder, unless a
coder is given (``code_coder``; the CLI's ``--mine``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from qualcode.errors import InputError
from qualcode.ranges import line_citation
from qualcode.store.project import Project

KWIC_WIDTH = 40
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_ALNUM = re.compile(r"[^\W_]")  # exactly the characters for which str.isalnum() is true


def is_word(token: str) -> bool:
    """Whether a token holds a letter or digit (punctuation is not a word)."""
    return _ALNUM.search(token) is not None


class Hit(NamedTuple):
    """One occurrence of a term (a tuple: a search may return tens of thousands)."""

    transcript: str
    transcript_id: int
    line: int
    speaker: str | None
    turn: int
    citation: str
    left: str
    match: str
    right: str
    start: int  # character offsets of the match in the line's text
    end: int
    term: str

    def as_dict(self) -> dict:
        d = self._asdict()
        d.pop("transcript_id")
        return d


class SearchResult(NamedTuple):
    """What :func:`search` found (a named tuple, like its hits: a dataclass costs the CLI's start-up)."""

    query: str
    lemma: bool
    terms: list[tuple[str, ...]]
    hits: list[Hit]
    lines: int  # matching lines (seen so far when not complete)
    total: int  # hits (seen so far when not complete)
    complete: bool = True  # False: the limit stopped the search early; more hits may exist


def parse_query(query: str, *, lemma: bool, known: Callable[[str], str | None] | None = None) -> list[tuple[str, ...]]:
    """Terms of a query as tuples of lower-cased keys (lemmas or word forms), punctuation dropped.

    ``known(word)``: the lemma the corpus stored for a word form, if any (see :func:`stored_lemma`).
    """
    from qualcode.corpus import lemmas as nlp

    terms: list[tuple[str, ...]] = []
    for m in _TERM.finditer(query or ""):
        text = m.group(1) if m.group(1) is not None else m.group(2)
        if not text.strip():
            continue
        tokens, lemmas = nlp.tokenize_query(text, known if lemma else None, lemmatise=lemma)
        keys = tuple(k for t, k in zip(tokens, lemmas if lemma else tokens) if is_word(t))
        if keys and keys not in terms:
            terms.append(keys)
    if not terms:
        raise InputError(f'nothing to search for in {query!r} (give a word or a "phrase in quotes")')
    return terms


def stored_lemma(project: Project, word: str) -> str | None:
    """The lemma stored with a lower-cased word form in the corpus, or None when it does not occur.

    Stored lemmas come from the same lookup (lower-cased form → lemma) as a query's, so any
    occurrence gives the answer without loading the lemma table.
    """
    phrase = word.replace('"', '""')
    rows = project.conn.execute(
        "SELECT x.tokens, x.lemmas FROM line_nlp_fts f JOIN line_nlp x ON x.line_id = f.rowid "
        "WHERE line_nlp_fts MATCH ? LIMIT 20",
        (f'tokens : "{phrase}"',),
    )
    for tokens, lemmas in rows:
        for token, lemma in zip(tokens.split(" "), lemmas.split(" ")):
            if token.lower() == word:
                return lemma
    return None


def fts_expression(terms: Sequence[tuple[str, ...]], *, lemma: bool) -> str:
    """An FTS5 MATCH expression requiring every term in the tokens or lemmas column."""
    column = "lemmas" if lemma else "tokens"
    parts = []
    for term in terms:
        phrase = " ".join(term).replace('"', '""')
        parts.append(f'{column} : "{phrase}"')
    return " AND ".join(parts)


def find_spans(
    keys: Sequence[str], words: Sequence[bool], terms: Sequence[tuple[str, ...]]
) -> list[tuple[int, int, int]] | None:
    """Occurrences ``(first token, last token, term index)`` of every term, or None when a term is missing.

    ``keys`` are the unit's lower-cased tokens or lemmas, ``words`` whether each is
    a word (punctuation is skipped, so phrases match across it).
    """
    idx = [i for i, w in enumerate(words) if w]
    seq = [keys[i] for i in idx]
    spans = []
    for t, term in enumerate(terms):
        n = len(term)
        found = False
        first = term[0]
        for j, key in enumerate(seq):
            if key == first and tuple(seq[j : j + n]) == term:
                spans.append((idx[j], idx[j + n - 1], t))
                found = True
        if not found:
            return None
    spans.sort()
    return spans


def find_word_spans(
    keys: Sequence[str], tokens: Sequence[str], terms: Sequence[tuple[str, ...]]
) -> list[tuple[int, int, int]] | None:
    """:func:`find_spans` for terms of one word each (the usual query), scanning with ``list.index``."""
    spans = []
    for t, (key,) in enumerate(terms):
        found = False
        i = -1
        while True:
            try:
                i = keys.index(key, i + 1)
            except ValueError:
                break
            if _ALNUM.search(tokens[i]) is not None:
                spans.append((i, i, t))
                found = True
        if not found:
            return None
    if len(terms) > 1:
        spans.sort()
    return spans


def _words(tokens: Sequence[str]) -> list[bool]:
    return [_ALNUM.search(t) is not None for t in tokens]


def coded_lines(project: Project, code: str, coder: str | None = None) -> set[tuple[int, int]]:
    """``(transcript_id, line)`` pairs covered by a code (any coder, or one)."""
    from qualcode.coding import codebook
    from qualcode.ranges import parse_ranges

    code_id = codebook.get_code(project, code).id
    sql = "SELECT transcript_id, ranges FROM codings WHERE code_id = ?"
    params: list = [code_id]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    out: set[tuple[int, int]] = set()
    for tid, ranges in project.conn.execute(sql, params):
        for a, b in parse_ranges(ranges):
            out.update((tid, n) for n in range(a, b + 1))
    return out


def search(
    project: Project,
    query: str,
    *,
    lemma: bool = False,
    code: str | None = None,
    code_coder: str | None = None,
    speaker: str | None = None,
    transcript: str | None = None,
    limit: int | None = None,
    width: int = KWIC_WIDTH,
) -> SearchResult:
    """Find every occurrence of the query's terms in lines that hold all of them; hits in transcript order."""
    terms = parse_query(query, lemma=lemma, known=lambda word: stored_lemma(project, word))
    # the lines just before and after come along for the context (only within the same turn)
    sql = (
        "SELECT l.transcript_id, t.name, l.n, l.speaker, l.turn, l.text, x.tokens, x.lemmas, prev.text, next.text "
        "FROM line_nlp_fts f JOIN line_nlp x ON x.line_id = f.rowid JOIN lines l ON l.id = x.line_id "
        "JOIN transcripts t ON t.id = l.transcript_id "
        "LEFT JOIN lines prev ON prev.transcript_id = l.transcript_id AND prev.n = l.n - 1 AND l.turn > 0 "
        "AND prev.turn = l.turn "
        "LEFT JOIN lines next ON next.transcript_id = l.transcript_id AND next.n = l.n + 1 AND l.turn > 0 "
        "AND next.turn = l.turn "
        "WHERE line_nlp_fts MATCH ?"
    )
    params: list = [fts_expression(terms, lemma=lemma)]
    if transcript is not None:
        from qualcode.corpus import transcripts  # (difflib and the rest: only when a transcript is named)

        sql += " AND l.transcript_id = ?"
        params.append(transcripts.get(project, transcript).id)
    if speaker is not None:
        sql += " AND l.speaker = ?"
        params.append(speaker)
    allowed = coded_lines(project, code, code_coder) if code is not None else None
    hits_of = _line_hits(terms, lemma=lemma, template=project.citation_template, width=width)
    found: list[list[Hit]] = []  # the hits of each matching line
    seen = 0
    complete = True
    # FTS5 yields rowids in ascending order: line ids follow import order (transcript, then line),
    # so with a limit the scan can stop once enough hits are in.
    for row in project.conn.execute(sql + " ORDER BY f.rowid", params):
        if limit is not None and seen >= limit:
            complete = False
            break
        if allowed is not None and (row[0], row[2]) not in allowed:
            continue
        if line := hits_of(row):
            found.append(line)
            seen += len(line)
    found.sort(key=lambda line: (line[0].transcript_id, line[0].line))
    if limit is not None:  # keep the first `limit` hits
        kept, left_over = [], limit
        for line in found:
            if left_over <= 0:
                break
            kept.append(line[:left_over])
            left_over -= len(line)
        found = kept
    hits = [h for line in found for h in line]
    return SearchResult(query, lemma, terms, hits, len(found), seen, complete)


def _line_hits(
    terms: Sequence[tuple[str, ...]], *, lemma: bool, template: str, width: int, fast: bool = True
) -> Callable[[tuple], list[Hit]]:
    """``hits_of(row)``: the hits in one row of :func:`search`'s query, in the line's order.

    A query of one word takes a shorter path (``fast=False`` turns it off: the tests compare the two).
    """
    from qualcode.corpus import lemmas as nlp

    single_words = all(len(term) == 1 for term in terms)
    term_text = [" ".join(term) for term in terms]
    cite = line_citation(template)

    def one_word(row: tuple) -> list[Hit]:
        """hits_of for a query of one word (the usual query): no span lists, no walk over the tokens."""
        tid, name, n, spk, turn, text, joined, lemmas, before, after = row
        keys = (lemmas if lemma else joined.lower()).split(" ")
        out: list[Hit] = []
        i = -1
        while True:
            try:
                i = keys.index(word, i + 1)
            except ValueError:
                return out
            if not out:
                tokens = joined.split(" ")
                aligned = nlp.aligned(text, tokens)
                citation = cite(name, n)
                before, after = _neighbour(before), _neighbour(after)
                simple = plain(text) and (before is None or plain(before)) and (after is None or plain(after))
            token = tokens[i]
            if word_char(token) is None:
                continue
            if aligned and (start := counted_start(text, tokens, i)) is not None:
                end = start + len(token)
            else:
                ((start, end),) = nlp.token_bounds(text, tokens, [(i, i)])
            left, right = kwic(text, start, end, before, after, width, plain=simple)
            out.append(Hit(name, tid, n, spk, turn, citation, left, text[start:end], right, start, end, word))

    def hits_of(row: tuple) -> list[Hit]:
        tid, name, n, spk, turn, text, joined, lemmas, before, after = row
        tokens = joined.split(" ")
        keys = (lemmas if lemma else joined.lower()).split(" ")
        spans = find_word_spans(keys, tokens, terms) if single_words else find_spans(keys, _words(tokens), terms)
        if not spans:
            return []
        citation = cite(name, n)
        before, after = _neighbour(before), _neighbour(after)
        out = []
        for (start, end), (_, _, t) in zip(nlp.token_bounds(text, tokens, [(a, b) for a, b, _ in spans]), spans):
            left, right = kwic(text, start, end, before, after, width)
            out.append(Hit(name, tid, n, spk, turn, citation, left, text[start:end], right, start, end, term_text[t]))
        return out

    if fast and len(terms) == 1 and len(terms[0]) == 1:
        (word,) = terms[0]
        word_char, counted_start = _ALNUM.search, nlp.counted_start  # (names looked up once)
        return one_word
    return hits_of


def _neighbour(text: str | None) -> str | None:
    """A neighbour line's text for the context, or None when it is blank (the query joins a neighbour
    line only when it is in the same speaker turn)."""
    return text if text and not text.isspace() else None


def _squash(text: str) -> str:
    return " ".join(text.split())


def kwic(
    text: str,
    start: int,
    end: int,
    before: str | None,
    after: str | None,
    width: int = KWIC_WIDTH,
    *,
    plain: bool = False,
) -> tuple[str, str]:
    """Left and right context of ``text[start:end]``, at most ``width`` characters each.

    Context runs on into the previous or next line (``before``, ``after``) when the caller
    gives it: only a neighbour line of the same speaker turn (a wrapped sentence), never one
    of another speaker's turn or past the transcript's first or last line. Contexts are cut
    at word boundaries and their whitespace is squashed; a context that is not empty keeps
    one space next to the match when the text had one.

    ``plain=True`` says the line and its neighbours are :func:`plain` (single spaces their only
    whitespace): squashing a context is then stripping its ends (the usual line; same contexts).
    """
    left, right = text[:start], text[end:]
    if plain:
        inner_left, inner_right = left.strip(" "), right.strip(" ")
        if before is not None and len(inner_left) < width:  # ends in the line break when left is empty
            left_space, left = (left[-1:] == " " or not left), f"{before.strip(' ')} {inner_left}".rstrip(" ")
        else:
            left_space, left = left[-1:] == " ", inner_left
        if after is not None and len(inner_right) < width:
            right_space, right = (right[:1] == " " or not right), f"{inner_right} {after.strip(' ')}".lstrip(" ")
        else:
            right_space, right = right[:1] == " ", inner_right
    else:
        if before is not None and len(left.strip()) < width:
            left = before + "\n" + left
        if after is not None and len(right.strip()) < width:
            right = right + "\n" + after
        left_space = left[-1:].isspace()
        right_space = right[:1].isspace()
        left = " ".join(left.split()) if len(left) <= 4 * width else _squash_tail(left, width)
        right = " ".join(right.split()) if len(right) <= 4 * width else _squash_head(right, width)
    if len(left) > width:  # cut at a word boundary: whole words, unless one word is longer than the width
        cut = left[-width:]
        if left[-width - 1] != " " and (i := cut.find(" ")) >= 0:
            cut = cut[i + 1 :]
        left = cut
    if len(right) > width:
        cut = right[:width]
        if right[width] != " " and (i := cut.rfind(" ")) >= 0:
            cut = cut[:i]
        right = cut
    return (left + " " if left_space and left else left), (" " + right if right_space and right else right)


def plain(text: str) -> bool:
    """Whether single spaces are a text's only whitespace (and it holds no control character)."""
    return text.isprintable() and "  " not in text


def _squash_tail(text: str, width: int) -> str:
    """What the left context's cut needs of ``_squash(text)``: its end, squashing only the last stretch of a long text.

    A tail that squashes to more than ``width + 1`` characters ends exactly as the whole
    text squashed does (only its cut-off first word differs); otherwise the whole text is squashed.
    """
    if len(text) > 4 * width:
        tail = _squash(text[-4 * width :])
        if len(tail) > width + 1:
            return tail
    return _squash(text)


def _squash_head(text: str, width: int) -> str:
    """:func:`_squash_tail` for the right context: only the first stretch of a long text."""
    if len(text) > 4 * width:
        head = _squash(text[: 4 * width])
        if len(head) > width + 1:
            return head
    return _squash(text)


class LineHit(NamedTuple):
    """One hit in the shape the TUI's search screen reads (``transcript, n, speaker, text, start, length``)."""

    transcript: str
    n: int
    speaker: str | None
    text: str
    start: int
    length: int
    left: str
    match: str
    right: str
    citation: str


def line_search(project: Project, query: str, *, lemma: bool = True, limit: int = 2000) -> list[LineHit]:
    """Ctrl+F in the TUI: lemma search with KWIC, first ``limit`` hits; a bad query gives no hits.

    Pass it as ``create_app(..., line_search=qualcode.language.search.line_search)``.
    """
    if not (query or "").strip():
        return []
    try:
        result = search(project, query, lemma=lemma, limit=limit)
    except InputError:
        return []
    text_of = {}
    out = []
    for h in result.hits:
        key = (h.transcript_id, h.line)
        if key not in text_of:
            text_of[key] = project.scalar("SELECT text FROM lines WHERE transcript_id = ? AND n = ?", key)
        out.append(
            LineHit(
                h.transcript,
                h.line,
                h.speaker,
                text_of[key],
                h.start,
                h.end - h.start,
                h.left,
                h.match,
                h.right,
                h.citation,
            )
        )
    return out
