"""Co-occurrence: code × code counts of codings by the same coder that overlap — ``qualcode cooccurrence``.

Cell (A, B), A ≠ B, is the number of pairs (a coding of A, a coding of B) by the same
coder in the same transcript that share a line (``within="lines"``) or a turn
(``within="turn"``; a turn is a run of lines of one speaker, see :mod:`qualcode.analysis.coded`).
The diagonal holds the number of codings of the code. The table is symmetric. Lines of
every speaker count here, the moderator's too (co-occurrence is about codes, not people).

``jaccard=True`` gives, per pair of codes, |U_A ∩ U_B| / |U_A ∪ U_B| over the units
(coder, transcript, line) or (coder, turn) that the codes' codings cover: 1 when two
codes always go together, 0 when never; the diagonal is 1 for codes with codings.

Computed with sparse matrices: codings × units incidence ``C``; ``C·Cᵀ`` says which codings
overlap; codes × codings ``S`` sums those pairs per pair of codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qualcode.analysis import coded as cd
from qualcode.errors import InputError, NotFoundError
from qualcode.store.project import Project

WITHIN = ("lines", "turn")


@dataclass
class Cooccurrence:
    within: str
    coders: list[str]
    codes: list[str]
    counts: np.ndarray  # codes × codes, int64, symmetric
    jaccard: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    coded: cd.Coded | None = None
    overlap: Any = None  # codings × codings sparse matrix, nonzero where two codings overlap

    def as_dict(self) -> dict:
        out: dict = {"codes": self.codes, "counts": self.counts.tolist(), "within": self.within, "coders": self.coders}
        if self.jaccard is not None:
            out["jaccard"] = [[round(float(v), 4) for v in row] for row in self.jaccard]
        out["notes"] = self.notes
        return out

    def cell_coding_ids(self, a: str, b: str) -> list[int]:
        """The codings behind a cell: of code ``a`` overlapping one of ``b`` and the reverse (diagonal: all of ``a``)."""
        coded = self.coded
        if coded is None:
            return []
        for name in (a, b):
            if name not in self.codes:
                raise NotFoundError(f"no code {name!r} in this table")
        ia, ib = self.codes.index(a), self.codes.index(b)
        if ia == ib:
            return sorted(int(i) for i in coded.coding_id[coded.coding_code == ia])
        pairs = self.overlap.tocoo()
        code = coded.coding_code
        hit = (code[pairs.row] == ia) & (code[pairs.col] == ib)
        found = np.concatenate([pairs.row[hit], pairs.col[hit]])
        return sorted(int(i) for i in np.unique(coded.coding_id[found]))


def _units(coded: cd.Coded, within: str) -> np.ndarray:
    """A unit id per coded line: (coder, transcript, line) or (coder, turn), densely numbered."""
    coder = coded.coding_coder[coded.line_coding]
    if within == "lines":
        key = (coder << 48) | (coded.line_transcript << 24) | coded.line_n
    else:
        key = (coder << 40) | coded.line_run
    return np.unique(key, return_inverse=True)[1].reshape(-1)


def _matrices(coded: cd.Coded, within: str):
    """(codings × units incidence, codings × codings overlap 0/1, codings × codes), cached on ``coded``."""
    from scipy import sparse

    key = ("cooccurrence", within)
    if key in coded.cache:
        return coded.cache[key]
    n_codings, n_codes = len(coded.coding_id), len(coded.codes)
    unit = _units(coded, within)
    n_units = int(unit.max()) + 1 if len(unit) else 0
    ones = np.ones(len(unit), dtype=np.int32)
    incidence = sparse.csr_matrix((ones, (coded.line_coding, unit)), shape=(n_codings, n_units))
    incidence.data[:] = 1  # duplicates summed on construction: back to 0/1
    overlap = (incidence @ incidence.T).tocsr()
    overlap.setdiag(0)
    overlap.eliminate_zeros()
    overlap.data[:] = 1
    by_code = sparse.csr_matrix(
        (np.ones(n_codings, dtype=np.int64), (np.arange(n_codings), coded.coding_code)), shape=(n_codings, n_codes)
    )
    coded.cache[key] = (incidence, overlap, by_code)
    return coded.cache[key]


def cooccurrence(
    project: Project, *, within: str = "lines", coders: list[str] | None = None, jaccard: bool = False
) -> Cooccurrence:
    """The code × code table (counts; and Jaccard when asked)."""
    if within not in WITHIN:
        raise InputError(f"--within {within!r}: choose {', '.join(WITHIN)}")
    coded = cd.load(project, coders)
    if coders is not None:
        missing = [c for c in coders if c not in coded.coders]
        if missing:
            raise NotFoundError(f"no codings by {', '.join(missing)}")
    n_codes = len(coded.codes)
    incidence, overlap, by_code = _matrices(coded, within)
    pairs = (by_code.T @ overlap @ by_code).toarray().astype(np.int64)
    counts = pairs.copy()
    np.fill_diagonal(counts, np.bincount(coded.coding_code, minlength=n_codes))
    result = Cooccurrence(
        within=within,
        coders=coded.coders,
        codes=[c.name for c in coded.codes],
        counts=counts,
        coded=coded,
        overlap=overlap,
    )
    if jaccard:
        covered = (by_code.T @ incidence).tocsr()
        covered.data[:] = 1
        inter = (covered @ covered.T).toarray().astype(np.float64)
        size = np.diag(inter)
        union = size[:, None] + size[None, :] - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            result.jaccard = np.where(union > 0, inter / union, 0.0)
    return result
