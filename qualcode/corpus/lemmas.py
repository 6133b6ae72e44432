"""Dutch text processing: the spaCy pipeline, lemmas for lines, and the stored token form.

The pipeline is ``spacy.blank("nl")`` with the sentencizer and the lookup
lemmatizer from ``spacy-lookups-data`` (no model download). spaCy is imported lazily, the first
time a pipeline is needed, so importing this module costs nothing.

Every non-blank line gets one row in ``line_nlp`` (schema version 2, see
:mod:`qualcode.store.schema.v2_lemmas`): its tokens and their lemmas, each joined with single
spaces (whitespace tokens are dropped; a lemma never contains a space). The
lemma of a token is lower case; searches compare lower-cased tokens or lemmas.
Searches and auto-coding read these rows and never run spaCy on the corpus again.

The sentencizer is part of the pipeline as the issue specifies (a line can hold
several sentences); it costs about 15 % of the annotation time.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from qualcode.errors import QualcodeError

BATCH_SIZE = 1000
MAX_PIECE_CHARS = 100_000  # spaCy's limit is 1,000,000; pieces keep memory per Doc small
Progress = Callable[[int, int, str], None]


class NlpUnavailable(QualcodeError):
    """spaCy or its Dutch lookup tables cannot be loaded."""


# one thread builds the pipeline (or reads the table); another thread asking meanwhile waits for it
_building_pipeline = threading.Lock()
_reading_table = threading.Lock()


def pipeline():
    """The shared Dutch pipeline (loaded once per process, about 2–3 s the first time; thread-safe:
    the workbench warms it in a worker while a search may ask for it)."""
    with _building_pipeline:
        return _pipeline()


@functools.lru_cache(maxsize=1)
def _pipeline():
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - spaCy is a dependency
        raise NlpUnavailable(f"spaCy is not installed ({e}); install qualcode's dependencies") from None
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except Exception as e:  # missing spacy-lookups-data
        raise NlpUnavailable(f"the Dutch lemma tables cannot be loaded ({e}); install spacy-lookups-data") from None
    return nlp


def _lemma(token) -> str:
    lemma = (token.lemma_ or token.text).lower()
    return lemma.replace(" ", "_") if " " in lemma else lemma


def doc_form(doc) -> tuple[str, str]:
    """(tokens, lemmas) of a processed text, space-joined, whitespace tokens dropped."""
    toks = [t for t in doc if not t.is_space]
    return " ".join(t.text for t in toks), " ".join(_lemma(t) for t in toks)


def pieces(text: str, size: int | None = None) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters, at whitespace where there is any.

    A long line is legitimate input (a transcript without line breaks); spaCy refuses texts
    over ``nlp.max_length`` and needs memory in proportion, so long lines go through in pieces.
    Cutting at whitespace keeps every token whole; only a run of ``size`` characters without
    any whitespace is cut inside a word.
    """
    size = size or MAX_PIECE_CHARS
    out = []
    while len(text) > size:
        cut = max(text.rfind(" ", 0, size), text.rfind("\t", 0, size))
        cut = cut if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def _pieces_of(texts: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """(piece, is the last piece of its text) for every text, in order."""
    for text in texts:
        if len(text) <= MAX_PIECE_CHARS:
            yield text, True
            continue
        parts = pieces(text)
        for k, part in enumerate(parts):
            yield part, k == len(parts) - 1


def annotate(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[tuple[str, str]]:
    """(tokens, lemmas) for each text, in order: the pipeline's tokenizer, then its lookup table.

    The stored form needs only tokens and their lookup lemmas, so the texts go through
    ``nlp.tokenizer.pipe`` and each token's lemma is one dictionary lookup (what spaCy's
    Dutch lookup lemmatizer does: the lower-cased text, else itself). The result equals
    the whole pipeline's (``tests/test_nlp.py`` checks this) at a fraction of the cost.
    """
    from collections import deque

    nlp = pipeline()
    table = lookup_table()
    lasts: deque[bool] = deque()  # long texts go through in pieces; this says where each text ends

    def piece_texts() -> Iterator[str]:
        for piece, last in _pieces_of(texts):
            lasts.append(last)
            yield piece

    tokens: list[str] = []
    for doc in nlp.tokenizer.pipe(piece_texts(), batch_size=batch_size):
        tokens += [t.text for t in doc if not t.is_space]
        if lasts.popleft():
            yield " ".join(tokens), " ".join(_lookup(table, tok) for tok in tokens)
            tokens = []


def lookup_table() -> dict[str, str]:
    """spaCy's Dutch ``lemma_lookup`` table (from spacy-lookups-data), read without building a pipeline
    (0.3 s, once per process; the workbench reads it in a worker after its first paint)."""
    with _reading_table:
        return _lookup_table()


@functools.lru_cache(maxsize=1)
def _lookup_table() -> dict[str, str]:
    import gzip

    import orjson

    try:
        import spacy_lookups_data
    except ImportError as e:  # pragma: no cover - a dependency
        raise NlpUnavailable(f"the Dutch lemma tables cannot be loaded ({e}); install spacy-lookups-data") from None
    path = Path(str(spacy_lookups_data.get_file("nl_lemma_lookup.json")))
    gz = path.with_name(path.name + ".gz")
    raw = gzip.decompress(gz.read_bytes()) if gz.exists() else path.read_bytes()
    return orjson.loads(raw)  # (a 7 MB table: orjson takes two thirds of the standard library's time)


def _lookup(table: dict[str, str], text: str) -> str:
    lower = text.lower()
    lemma = table.get(lower, lower).lower()
    return lemma.replace(" ", "_") if " " in lemma else lemma


_PLAIN_QUERY = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*")


def tokenize_query(
    text: str, known: Callable[[str], str | None] | None = None, *, lemmatise: bool = True
) -> tuple[list[str], list[str]]:
    """Lower-cased tokens and lemmas of a query, punctuation kept as tokens.

    A query of plain words (letters and digits between spaces, the usual case) is split on
    spaces and lemmatised without building the spaCy pipeline (seconds, for one word):
    ``known(word)`` may give the lemma the corpus already stored for that word form (the
    same lookup made it), else the lookup table is read. Anything else goes through the pipeline.
    ``lemmatise=False`` (a search of word forms): a plain query's lemmas are not looked up (they are
    its tokens), so nothing is read.
    """
    words = text.strip()
    if _PLAIN_QUERY.fullmatch(words):
        toks = words.split()
        if not lemmatise:
            return [t.lower() for t in toks], [t.lower() for t in toks]
        lemmas = [known(t.lower()) if known else None for t in toks]
        if any(lemma is None for lemma in lemmas):
            table = lookup_table()
            lemmas = [lemma if lemma is not None else _lookup(table, t) for t, lemma in zip(toks, lemmas)]
        return [t.lower() for t in toks], [lemma for lemma in lemmas if lemma is not None]
    tokens = [t for doc in pipeline().pipe(pieces(text)) for t in doc if not t.is_space]
    return [t.text.lower() for t in tokens], [_lemma(t) for t in tokens]


def token_offsets(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of stored tokens in their line's text (tokens are substrings, in order)."""
    spans = []
    pos = 0
    for tok in tokens:
        i = text.find(tok, pos)
        if i < 0:  # cannot happen for spaCy tokens; stay robust for hand-made rows
            i = pos
        spans.append((i, i + len(tok)))
        pos = i + len(tok)
    return spans


def token_bounds(text: str, tokens: list[str], pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character span from the start of token ``a`` to the end of token ``b``, for each ``(a, b)``.

    The same spans as :func:`token_offsets` for rows the tokenizer made, found without walking
    the tokens before them (:func:`counted_start`). A row where the line without its spaces is not
    the tokens joined, or where a token is not found where counting puts it (hand-made rows), takes the walk.
    """
    if aligned(text, tokens):
        out = []
        for a, b in pairs:
            start = counted_start(text, tokens, a)
            last = start if a == b else counted_start(text, tokens, b)
            if start is None or last is None:
                break  # cannot happen when the line is the tokens joined; stay with the walk's answer
            out.append((start, last + len(tokens[b])))
        else:
            return out
    offsets = token_offsets(text, tokens[: max(b for _, b in pairs) + 1] if pairs else [])
    return [(offsets[a][0], offsets[b][1]) for a, b in pairs]


def aligned(text: str, tokens: list[str]) -> bool:
    """Whether the line without its spaces is its tokens joined (always, for rows the tokenizer made)."""
    return text.replace(" ", "") == "".join(tokens)


def counted_start(text: str, tokens: list[str], a: int) -> int | None:
    """Where token ``a`` starts in an :func:`aligned` line, counted rather than walked; None if it is not there.

    The tokenizer splits a line on spaces and keeps every other character, so token ``a`` starts at the
    ``len("".join(tokens[:a]))``-th character that is not a space (probably ``a`` spaces further on).
    """
    chars = len("".join(tokens[:a]))
    start = nth_non_space(text, chars, chars + a)
    return start if text.startswith(tokens[a], start) else None


def nth_non_space(text: str, n: int, guess: int | None = None) -> int:
    """Index of the character with ``n`` non-space characters before it (0-based ``n``; spaces skipped).

    ``guess`` may say where it probably is, saving steps (see :func:`counted_start`).
    """
    # a q with q - text.count(" ", 0, q) == n (each step counts in C). Those q are one stretch: the
    # spaces before the character; steps from below reach its first, from above its last.
    q = n if guess is None else guess
    while (nxt := n + text.count(" ", 0, q)) != q:
        q = nxt
    while text.startswith(" ", q):
        q += 1
    return q


# ----------------------------------------------------------------- storing
def store_lemmas(
    conn: sqlite3.Connection, rows: Sequence[tuple[int, str]], *, progress: Progress | None = None, what: str = "lemmas"
) -> int:
    """Annotate ``(line_id, text)`` rows and write them to ``line_nlp`` and its index (inside the caller's transaction).

    Blank lines get no row. Returns the number of rows written.
    """
    rows = [(i, t) for i, t in rows if t.strip()]
    total = len(rows)
    # project files from before the insert trigger was dropped index through it
    by_trigger = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'line_nlp_ai'").fetchone()
    written = 0
    for start in range(0, total, BATCH_SIZE):
        chunk = rows[start : start + BATCH_SIZE]
        forms = annotate([t for _, t in chunk])
        values = [(i, tok, lem) for (i, _), (tok, lem) in zip(chunk, forms)]
        conn.executemany("INSERT INTO line_nlp (line_id, tokens, lemmas) VALUES (?, ?, ?)", values)
        if not by_trigger:
            conn.executemany("INSERT INTO line_nlp_fts (rowid, tokens, lemmas) VALUES (?, ?, ?)", values)
        written += len(chunk)
        if progress:
            progress(written, total, what)
    return written


def missing_rows(conn: sqlite3.Connection, transcript_id: int | None = None) -> list[tuple[int, str]]:
    """Non-blank lines without stored lemmas (older imports, imports with lemmas switched off)."""
    sql = (
        "SELECT l.id, l.text FROM lines l LEFT JOIN line_nlp x ON x.line_id = l.id "
        "WHERE x.line_id IS NULL AND l.text != ''"
    )
    params: tuple = ()
    if transcript_id is not None:
        sql += " AND l.transcript_id = ?"
        params = (transcript_id,)
    return conn.execute(sql + " ORDER BY l.id", params).fetchall()


def backfill(conn: sqlite3.Connection, *, progress: Progress | None = None) -> int:
    """Store lemmas for every line that lacks them (inside the caller's transaction)."""
    rows = missing_rows(conn)
    if not rows:
        return 0
    return store_lemmas(conn, rows, progress=progress, what="backfilling lemmas")


def lemmas_missing(project) -> bool:
    """Whether some line with text has no stored lemmas yet (imported with lemmas switched off).

    Counted rather than searched (a search asks this first, and a search of every line took 0.4 s
    for a million lines): each lemma row belongs to one line (its primary key is the line's id, a
    foreign key), so every line with text has one exactly when the rows on lines with text are as
    many as those lines. The blank lines and their rows are counted through the partial index of
    schema 9; the other counts are SQLite's page counts.
    """
    lines, blank, rows, rows_on_blank = project.conn.execute(
        "SELECT (SELECT count(*) FROM lines), (SELECT count(*) FROM lines WHERE text = ''), "
        "(SELECT count(*) FROM line_nlp), "
        "(SELECT count(*) FROM lines l JOIN line_nlp x ON x.line_id = l.id WHERE l.text = '')"
    ).fetchone()
    return rows - rows_on_blank < lines - blank


def ensure_lemmas(project, *, progress: Progress | None = None) -> int:
    """Backfill lemmas outside a migration (lines imported with lemmas switched off); one logged event."""
    if not lemmas_missing(project):
        return 0
    if project.readonly:
        raise QualcodeError(
            "some lines have no lemmas yet and the project is read-only; open it once with write access"
        )
    with project.transaction("lemmas", "qualcode", "store lemmas for lines without them", kind="log") as tx:
        return backfill(tx.conn, progress=progress)


def lemmas_enabled() -> bool:
    """Lemmas are stored at import unless ``QUALCODE_LEMMAS=0`` (or :data:`ANNOTATE` is False)."""
    return ANNOTATE and os.environ.get("QUALCODE_LEMMAS", "1") not in ("0", "no", "false", "off")


# Module-level switch for imports without spaCy (core import benchmark, tests that do not need lemmas).
ANNOTATE = True


# Optional (done, total, what) callback for lemma progress within one transcript (set by the CLI/TUI).
PROGRESS = None


def store_transcript_lemmas(tx, transcript_id: int, name: str) -> None:
    """Store lemmas for a transcript's lines right after they were stored, in the same transaction.

    A transcript and its lemmas are stored together or not at all. Switched off with
    ``ANNOTATE = False`` or ``QUALCODE_LEMMAS=0`` (lines then get lemmas later, from
    :func:`ensure_lemmas`).
    """
    if not lemmas_enabled():
        return
    rows = tx.conn.execute(
        "SELECT id, text FROM lines WHERE transcript_id = ? AND text != '' ORDER BY n", (transcript_id,)
    ).fetchall()
    store_lemmas(tx.conn, rows, progress=PROGRESS, what=f"lemmas {name}")
