"""Code suggestions learned from a coder's own finished transcripts, and an honest accuracy figure.

* Features: TF-IDF over each line's stored lemmas (unigrams and bigrams) next to
  TF-IDF over its lower-cased word forms (unigrams and bigrams); punctuation is
  left out. Nothing is re-processed by spaCy.
* Model: one-vs-rest logistic regression with ``class_weight="balanced"``, one
  binary model per code, trained on every non-blank line of the transcripts
  the coder marked done (a line is positive for a code when one of the coder's
  codings with that code covers it).
* :func:`suggest` ranks the lines a coder has not coded with a code (and has not
  dismissed for it) by the model's probability, with the words that weighed most.
* :func:`evaluate` runs grouped cross-validation (``GroupKFold`` by transcript:
  a transcript is never in train and test at once) and reports per code
  precision, recall, F1 and the positive lines, next to a keyword baseline (any
  lemma of the code's name or definition, stop words left out).

Too little data is said, not hidden: fewer than :data:`MIN_TRANSCRIPTS` finished
transcripts raises :class:`TooLittleData`; a code with fewer than
:data:`MIN_POSITIVE` positive lines (or positives in only one transcript, for
evaluation) gets a note instead of numbers.

scikit-learn is imported inside the functions (start-up stays fast).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.errors import ConflictError, NotFoundError, QualcodeError
from qualcode.ranges import format_citation, format_ranges
from qualcode.store.project import Project, now

if TYPE_CHECKING:
    from sklearn.multiclass import OneVsRestClassifier

MIN_TRANSCRIPTS = 2
MIN_POSITIVE = 5
THRESHOLD = 0.5


class TooLittleData(QualcodeError):
    """Not enough finished, coded transcripts to train or evaluate a model."""


@dataclass
class Corpus:
    """Non-blank lines with their features' text, per transcript, and the coder's labels."""

    line_ids: list[int]
    transcript_ids: list[int]
    names: list[str]
    ns: list[int]
    speakers: list[str | None]
    texts: list[str]
    lemmas: list[str]  # space-joined word lemmas
    words: list[str]  # space-joined lower-cased word forms
    labels: dict[int, set[int]] = field(default_factory=dict)  # code_id → row indices coded with it


@dataclass(frozen=True)
class Suggestion:
    transcript: str
    transcript_id: int
    line: int
    speaker: str | None
    code: str
    code_id: int
    probability: float
    words: tuple[str, ...]
    text: str
    citation: str

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("transcript_id")
        d.pop("code_id")
        d["words"] = list(self.words)
        d["probability"] = round(self.probability, 4)
        return d


def _word(token: str) -> bool:
    return any(c.isalnum() for c in token)


def load_corpus(project: Project, transcript_ids: list[int] | None, coder: str | None) -> Corpus:
    """Lines of the given transcripts (all when None); labels from ``coder``'s codings."""
    from qualcode.ranges import parse_ranges

    sql = (
        "SELECT l.id, l.transcript_id, t.name, l.n, l.speaker, l.text, x.tokens, x.lemmas FROM lines l "
        "JOIN line_nlp x ON x.line_id = l.id JOIN transcripts t ON t.id = l.transcript_id"
    )
    params: list = []
    if transcript_ids is not None:
        sql += f" WHERE l.transcript_id IN ({', '.join('?' * len(transcript_ids))})"
        params = list(transcript_ids)
    c = Corpus([], [], [], [], [], [], [], [])
    index: dict[tuple[int, int], int] = {}
    for lid, tid, name, n, speaker, text, tokens, lemmas in project.conn.execute(
        sql + " ORDER BY l.transcript_id, l.n", params
    ):
        toks, lems = tokens.split(" "), lemmas.split(" ")
        keep = [i for i, t in enumerate(toks) if _word(t)]
        index[(tid, n)] = len(c.line_ids)
        c.line_ids.append(lid)
        c.transcript_ids.append(tid)
        c.names.append(name)
        c.ns.append(n)
        c.speakers.append(speaker)
        c.texts.append(text)
        c.lemmas.append(" ".join(lems[i] for i in keep))
        c.words.append(" ".join(toks[i].lower() for i in keep))
    if coder is not None:
        for tid, code_id, ranges in project.conn.execute(
            "SELECT transcript_id, code_id, ranges FROM codings WHERE coder = ?", (coder,)
        ):
            for a, b in parse_ranges(ranges):
                for n in range(a, b + 1):
                    row = index.get((tid, n))
                    if row is not None:
                        c.labels.setdefault(code_id, set()).add(row)
    return c


def finished_transcripts(project: Project, coder: str) -> list[int]:
    return [
        r[0]
        for r in project.conn.execute(
            "SELECT transcript_id FROM progress WHERE coder = ? ORDER BY transcript_id", (coder,)
        )
    ]


def enough_finished(project: Project, coder: str, who_needs: str) -> list[int]:
    """:func:`finished_transcripts`; :class:`TooLittleData` when there are fewer than :data:`MIN_TRANSCRIPTS`
    (``who_needs``: "suggestions need", "evaluation needs")."""
    done = finished_transcripts(project, coder)
    if len(done) < MIN_TRANSCRIPTS:
        raise TooLittleData(
            f"too little data: {coder} has finished {len(done)} transcript"
            f"{'' if len(done) == 1 else 's'}; {who_needs} at least {MIN_TRANSCRIPTS} "
            "(mark them with `qualcode done`)"
        )
    return done


def training_fingerprint(project: Project, coder: str) -> tuple:
    """What a trained model depends on: the coder's finished transcripts and their codings there.

    A model trained when the fingerprint was the same can be used again (the workbench keeps one per coder).
    """
    done = tuple(finished_transcripts(project, coder))
    if not done:
        return (coder, done, 0, 0, "")
    marks = ", ".join("?" * len(done))
    n, top, changed = project.conn.execute(
        f"SELECT count(*), max(id), max(updated_at) FROM codings WHERE coder = ? AND transcript_id IN ({marks})",
        (coder, *done),
    ).fetchone()
    return (coder, done, n, top or 0, changed or "")


class Features:
    """TF-IDF on lemmas (1–2 grams) and on word forms (1–2 grams), side by side."""

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        opts = dict(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2), sublinear_tf=True)
        self.lemma = TfidfVectorizer(**opts)
        self.word = TfidfVectorizer(**opts)

    def fit_transform(self, corpus: Corpus, rows: list[int]):
        from scipy.sparse import hstack

        a = self.lemma.fit_transform([corpus.lemmas[i] for i in rows])
        b = self.word.fit_transform([corpus.words[i] for i in rows])
        return hstack([a, b]).tocsr()

    def transform(self, corpus: Corpus, rows: list[int]):
        from scipy.sparse import hstack

        a = self.lemma.transform([corpus.lemmas[i] for i in rows])
        b = self.word.transform([corpus.words[i] for i in rows])
        return hstack([a, b]).tocsr()

    def names(self) -> list[str]:
        return list(self.lemma.get_feature_names_out()) + list(self.word.get_feature_names_out())


def _classifier():
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(LogisticRegression(class_weight="balanced", max_iter=2000))


def _positive_proba(clf, x, n_codes: int):
    """Per code the probability of a positive, shape (lines, codes).

    With one code OneVsRestClassifier sees a single binary target and returns
    ``[P(no), P(yes)]``; keep the positive column only.
    """
    import numpy as np

    proba = np.asarray(clf.predict_proba(x))
    if n_codes == 1 and proba.ndim == 2 and proba.shape[1] == 2:
        proba = proba[:, 1:]
    return proba


def _matrix(corpus: Corpus, rows: list[int], code_ids: list[int]):
    import numpy as np

    y = np.zeros((len(rows), len(code_ids)), dtype=int)
    pos = {r: i for i, r in enumerate(rows)}
    for j, cid in enumerate(code_ids):
        for r in corpus.labels.get(cid, ()):
            if r in pos:
                y[pos[r], j] = 1
    return y


@dataclass
class Model:
    features: Features
    classifier: OneVsRestClassifier
    code_ids: list[int]
    code_names: dict[int, str]
    skipped: dict[str, str]  # code name → why it has no model


def train(project: Project, coder: str) -> Model:
    """Fit the model on ``coder``'s finished transcripts."""
    from qualcode.coding import codebook

    done = enough_finished(project, coder, "suggestions need")
    corpus = load_corpus(project, done, coder)
    codes = codebook.all_codes(project)
    names = {k.id: k.name for k in codes}
    trainable, skipped = [], {}
    for k in codes:
        n = len(corpus.labels.get(k.id, ()))
        if n >= MIN_POSITIVE and n < len(corpus.line_ids):
            trainable.append(k.id)
        else:
            skipped[k.name] = f"{n} positive lines (needs {MIN_POSITIVE})"
    if not trainable:
        raise TooLittleData(
            f"too little data: no code has {MIN_POSITIVE} or more lines coded by {coder} in the finished transcripts"
        )
    rows = list(range(len(corpus.line_ids)))
    features = Features()
    x = features.fit_transform(corpus, rows)
    clf = _classifier()
    clf.fit(x, _matrix(corpus, rows, trainable))
    return Model(features, clf, trainable, names, skipped)


def dismissed(project: Project, coder: str) -> set[tuple[int, int, str]]:
    return {
        (t, c, r)
        for t, c, r in project.conn.execute(
            "SELECT transcript_id, code_id, ranges FROM dismissed_suggestions WHERE coder = ?", (coder,)
        )
    }


def suggest(
    project: Project,
    coder: str,
    *,
    transcript: str | None = None,
    code: str | None = None,
    limit: int | None = 10,
    min_probability: float = THRESHOLD,
    model: Model | None = None,
) -> dict[str, list[Suggestion]]:
    """Per code, the lines most likely to carry it that ``coder`` has not coded with it, best first.

    Lines already coded with the code by the coder and dismissed suggestions are
    left out. ``limit`` is per code (None: all above ``min_probability``).
    """
    import numpy as np

    from qualcode.coding import codebook
    from qualcode.corpus import transcripts

    model = model or train(project, coder)
    wanted = model.code_ids
    if code is not None:
        k = codebook.get_code(project, code)
        if k.id not in model.code_ids:
            raise TooLittleData(f"too little data for {k.name}: {model.skipped.get(k.name, 'no model')}")
        wanted = [k.id]
    tids = [transcripts.get(project, transcript).id] if transcript is not None else None
    corpus = load_corpus(project, tids, coder)
    if not corpus.line_ids:
        return {model.code_names[c]: [] for c in wanted}
    rows = list(range(len(corpus.line_ids)))
    x = model.features.transform(corpus, rows)
    proba = _positive_proba(model.classifier, x, len(model.code_ids))
    names = model.features.names()
    skip = dismissed(project, coder)
    template = project.citation_template
    out: dict[str, list[Suggestion]] = {}
    for cid in wanted:
        j = model.code_ids.index(cid)
        coded = corpus.labels.get(cid, set())
        coef = np.ravel(model.classifier.estimators_[j].coef_)
        ranked: list[Suggestion] = []
        for i in np.argsort(-proba[:, j], kind="stable"):
            p = float(proba[i, j])
            if p < min_probability or (limit is not None and len(ranked) >= limit):
                break
            tid, n = corpus.transcript_ids[i], corpus.ns[i]
            if i in coded or (tid, cid, str(n)) in skip:
                continue
            ranked.append(
                Suggestion(
                    corpus.names[i],
                    tid,
                    n,
                    corpus.speakers[i],
                    model.code_names[cid],
                    cid,
                    p,
                    _top_words(x[i], coef, names),
                    corpus.texts[i],
                    format_citation(corpus.names[i], [(n, n)], template),
                )
            )
        out[model.code_names[cid]] = ranked
    return out


def _top_words(row, coef, names: list[str], k: int = 3) -> tuple[str, ...]:
    """The features that pushed this line's score up most (stop-word-only features left out of the list)."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    contrib = sorted(
        (
            (v * coef[j], names[j])
            for j, v in zip(row.indices, row.data)
            if v * coef[j] > 0 and not all(w in STOP_WORDS for w in names[j].split())
        ),
        reverse=True,
    )
    words: list[str] = []
    for _, name in contrib:
        if name not in words:
            words.append(name)
        if len(words) == k:
            break
    return tuple(words)


# ----------------------------------------------------------------- accept / dismiss
def accept_suggestion(project: Project, coder: str, transcript: str, line: int, code: str):
    """The suggestion becomes an ordinary coding of that line (one undoable action)."""
    from qualcode.coding import codings

    return codings.apply(project, transcript, [(line, line)], code, coder)


def dismiss_suggestion(project: Project, coder: str, transcript: str, line: int, code: str) -> None:
    """Remember that ``coder`` does not want ``code`` suggested for this line (undoable)."""
    from qualcode.coding import codebook
    from qualcode.corpus import transcripts

    t = transcripts.get(project, transcript)
    k = codebook.get_code(project, code)
    if not project.scalar("SELECT 1 FROM lines WHERE transcript_id = ? AND n = ?", (t.id, line)):
        raise NotFoundError(f"{t.name} has no line {line}")
    ranges = format_ranges([(line, line)])
    if project.scalar(
        "SELECT 1 FROM dismissed_suggestions WHERE coder = ? AND transcript_id = ? AND code_id = ? AND ranges = ?",
        (coder, t.id, k.id, ranges),
    ):
        raise ConflictError(f"{coder} dismissed {k.name} for {t.name} {ranges} already")
    with project.transaction("dismiss", coder, f"dismiss suggestion {k.name} for {t.name} {ranges}") as tx:
        tx.insert(
            "dismissed_suggestions",
            {"coder": coder, "transcript_id": t.id, "code_id": k.id, "ranges": ranges, "dismissed_at": now()},
        )


# ----------------------------------------------------------------- evaluation
def keyword_lemmas(project: Project, code_id: int) -> set[str]:
    """The baseline's keywords: lemmas of the code's name and definition, without stop words."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    from qualcode.corpus import lemmas as nlp

    row = project.query_one("SELECT name, definition FROM codes WHERE id = ?", (code_id,))
    assert row is not None  # code ids come from the codes table
    text = f"{row['name'].replace('_', ' ').replace('-', ' ')}. {row['definition']}"
    _, lemmas = nlp.tokenize_query(text)
    return {lem for lem in lemmas if _word(lem) and lem not in STOP_WORDS and len(lem) > 2}


def _scores(y_true, y_pred) -> dict:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    return {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3)}


def folds(corpus: Corpus, n_splits: int | None = None) -> list[tuple[list[int], list[int]]]:
    """GroupKFold splits by transcript: ``(train rows, test rows)``."""
    from sklearn.model_selection import GroupKFold

    groups = corpus.transcript_ids
    n_groups = len(set(groups))
    k = min(5, n_groups) if n_splits is None else n_splits
    rows = list(range(len(groups)))
    return [(list(a), list(b)) for a, b in GroupKFold(n_splits=k).split(rows, groups=groups)]


def evaluate(project: Project, coder: str, *, code: str | None = None) -> dict:
    """Grouped cross-validation of the model and the keyword baseline on ``coder``'s finished transcripts."""
    import numpy as np

    from qualcode.coding import codebook

    done = enough_finished(project, coder, "evaluation needs")
    corpus = load_corpus(project, done, coder)
    codes = [codebook.get_code(project, code)] if code is not None else codebook.all_codes(project)
    splits = folds(corpus)
    report: dict[str, Any] = {
        "coder": coder,
        "lines": len(corpus.line_ids),
        "threshold": THRESHOLD,
        "transcripts": sorted(set(corpus.names)),
        "folds": [
            {"train": sorted({corpus.names[i] for i in tr}), "test": sorted({corpus.names[i] for i in te})}
            for tr, te in splits
        ],
        "codes": [],
    }
    evaluable = []
    for k in codes:
        pos = corpus.labels.get(k.id, set())
        spread = len({corpus.transcript_ids[i] for i in pos})
        entry = {"code": k.name, "positives": len(pos)}
        if len(pos) < MIN_POSITIVE:
            entry["note"] = f"too little data: {len(pos)} positive lines (needs {MIN_POSITIVE})"
        elif spread < 2:
            entry["note"] = "too little data: coded in only one finished transcript"
        else:
            evaluable.append(k.id)
        report["codes"].append(entry)
    if not evaluable:
        return report
    y = _matrix(corpus, list(range(len(corpus.line_ids))), evaluable)
    pred = np.zeros_like(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fold whose training part lacks a code predicts it never
        for train_rows, test_rows in splits:
            features = Features()
            x_train = features.fit_transform(corpus, train_rows)
            x_test = features.transform(corpus, test_rows)
            clf = _classifier()
            clf.fit(x_train, y[train_rows])
            pred[test_rows] = (_positive_proba(clf, x_test, len(evaluable)) >= THRESHOLD).astype(int)
    lemma_sets = [set(s.split()) for s in corpus.lemmas]
    for entry in report["codes"]:
        k = codebook.get_code(project, entry["code"])
        if k.id not in evaluable:
            continue
        j = evaluable.index(k.id)
        entry.update(_scores(y[:, j], pred[:, j]))
        keywords = keyword_lemmas(project, k.id)
        base = np.array([int(bool(s & keywords)) for s in lemma_sets])
        entry["baseline"] = _scores(y[:, j], base)
        entry["baseline_keywords"] = len(keywords)
    return report
