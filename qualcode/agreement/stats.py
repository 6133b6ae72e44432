"""Inter-coder agreement on line units: pure statistics (numpy; scikit-learn for Cohen's kappa).

The unit is one transcript line. For one code there is, per coder and per line, a
value ``1`` (the coder applied the code to the line), ``0`` (the coder finished the
transcript and did not apply it) or ``MISSING`` (the coder has not finished it).
A :class:`LineUnits` holds these values for every code as ``int8`` matrices of shape
``(n_coders, n_units)`` plus, per unit, the transcript it belongs to (the cluster
used by the bootstrap). :func:`analyse` turns it into one :class:`CodeAgreement`
per code and one for all codes pooled.

Definitions (two coders; a = both coded the line, b = only the first, c = only the
second, d = neither; n = a + b + c + d, counted over lines both coders finished):

* prevalence of a coder: share of the lines the coder finished that carry the code;
* percent agreement p_o = (a + d) / n;
* positive agreement 2a / (2a + b + c) and negative agreement 2d / (2d + b + c)
  (Cicchetti & Feinstein 1990; Spitzer & Fleiss 1974);
* Cohen's kappa (p_o - p_e) / (1 - p_e), p_e = p_A p_B + (1 - p_A)(1 - p_B) with p_X the
  prevalence of coder X on the shared lines (Cohen 1960), computed with
  ``sklearn.metrics.cohen_kappa_score(x, y, labels=[0, 1])``;
* Krippendorff's alpha (nominal) = 1 - D_o / D_e from the coincidence matrix
  (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability");
* Gwet's AC1 = (p_o - p_e) / (1 - p_e) with p_e = 2 pi (1 - pi), pi the mean prevalence
  (Gwet 2008);
* PABAK = 2 p_o - 1, prevalence- and bias-adjusted kappa (Byrt, Bishop & Carlin 1993).

With more than two coders the same figures are their multi-coder generalisations
over all pairs of coders that finished a line (units with at least two values):
p_o is the share of agreeing coder pairs (Fleiss 1971), positive/negative agreement
are the specific agreements sum k(k-1) / sum k(m-1) (Uebersax 1982), AC1 uses Gwet's
multi-rater chance agreement, and Cohen's kappa and a–d are reported per pair only
(``pairwise_kappa``). For two coders these formulas reduce exactly to the ones above.

"Overall" pools the (code, line) units of all codes (pooled kappa, De Vries et al.
2008). Confidence intervals are 95 % percentile bootstrap intervals that resample
whole transcripts with replacement (a cluster bootstrap: lines of one transcript are
not independent; Davison & Hinkley 1997, §3.8). Per-transcript sufficient statistics
are computed once and every resample is a weighted sum of them, so 1,000 resamples
cost one small matrix product.

A statistic that cannot be computed is a :class:`Stat` with ``value=None`` and a
``reason`` (e.g. "no variation: neither coder used the code"); nothing here returns
NaN or a made-up 0 or 1.

References: Cohen, J. (1960) Educ. Psychol. Meas. 20:37–46 · Krippendorff, K. (2011)
Computing Krippendorff's Alpha-Reliability, Annenberg School for Communication ·
Krippendorff, K. (2004) Content Analysis, 2nd ed., §11.4 (the .667/.800 bands) ·
Gwet, K. L. (2008) Br. J. Math. Stat. Psychol. 61:29–48 · Byrt, T., Bishop, J. &
Carlin, J. B. (1993) J. Clin. Epidemiol. 46:423–429 · Cicchetti, D. V. & Feinstein,
A. R. (1990) J. Clin. Epidemiol. 43:551–558 · Landis, J. R. & Koch, G. G. (1977)
Biometrics 33:159–174 · Fleiss, J. L. (1971) Psychol. Bull. 76:378–382 · De Vries,
H. et al. (2008) Field Methods 20:272–282.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from qualcode.agreement.results import (  # noqa: F401  (re-exported: the public names of this module)
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    EVERYWHERE,
    MISSING,
    NEITHER,
    NO_PAIRABLE,
    NO_SHARED,
    NOBODY,
    AgreementReport,
    CodeAgreement,
    Interval,
    LineUnits,
    Stat,
)
from qualcode.errors import InputError


# ------------------------------------------------------------------ interpretation
def alpha_band(value: float | None) -> str | None:
    """Krippendorff's (2004) bands: >= .800 reliable, >= .667 tentative, else unreliable."""
    if value is None:
        return None
    if value >= 0.800:
        return "reliable"
    if value >= 0.667:
        return "tentative"
    return "unreliable"


def landis_koch(value: float | None) -> str | None:
    """Landis & Koch (1977) labels for kappa-like coefficients."""
    if value is None:
        return None
    if value < 0:
        return "poor"
    for upper, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if value <= upper:
            return label
    return "almost perfect"


# ------------------------------------------------------------- two-coder formulas
def pair_key(first: str, second: str) -> str:
    """The key of a coder pair: both names in alphabetical order joined by ``|``."""
    return "|".join(sorted((first, second)))


def counts_2x2(x: Sequence[int], y: Sequence[int]) -> tuple[int, int, int, int]:
    """(a, b, c, d) for two coders' 0/1 values; units where either is missing are skipped.

    a = both 1, b = first only, c = second only, d = both 0.
    """
    x = np.asarray(x, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    if x.shape != y.shape:
        raise InputError("both coders need a value (or missing) for the same units")
    keep = (x >= 0) & (y >= 0)
    x, y = x[keep], y[keep]
    a = int(np.sum((x == 1) & (y == 1)))
    b = int(np.sum((x == 1) & (y == 0)))
    c = int(np.sum((x == 0) & (y == 1)))
    d = int(np.sum((x == 0) & (y == 0)))
    return a, b, c, d


def prevalence(values: Sequence[int]) -> Stat:
    """Share of a coder's finished units (value 0 or 1) that carry the code."""
    v = np.asarray(values)
    seen = int(np.sum(v >= 0))
    if seen == 0:
        return Stat.undefined("the coder finished none of these lines")
    return Stat(float(np.sum(v == 1)) / seen)


def percent_agreement(a: int, b: int, c: int, d: int) -> Stat:
    """(a + d) / n."""
    n = a + b + c + d
    return Stat((a + d) / n) if n else Stat.undefined(NO_SHARED)


def positive_agreement(a: int, b: int, c: int, d: int) -> Stat:
    """2a / (2a + b + c): how often one coder's use of the code is matched by the other."""
    den = 2 * a + b + c
    if a + b + c + d == 0:
        return Stat.undefined(NO_SHARED)
    return Stat(2 * a / den) if den else Stat.undefined(NEITHER)


def negative_agreement(a: int, b: int, c: int, d: int) -> Stat:
    """2d / (2d + b + c): agreement on lines without the code."""
    den = 2 * d + b + c
    if a + b + c + d == 0:
        return Stat.undefined(NO_SHARED)
    return Stat(2 * d / den) if den else Stat.undefined(EVERYWHERE)


def _kappa_reason(a: int, b: int, c: int, d: int) -> str | None:
    if a + b + c + d == 0:
        return NO_SHARED
    if a + b + c == 0:
        return NEITHER
    if b + c + d == 0:
        return EVERYWHERE
    return None


def kappa_from_counts(a: int, b: int, c: int, d: int) -> Stat:
    """Cohen's kappa from a 2×2 table (numpy arithmetic; equals scikit-learn's)."""
    reason = _kappa_reason(a, b, c, d)
    if reason:
        return Stat.undefined(reason)
    value = _kappa_vec(np.array([[a, b, c, d]], dtype=float))[0]
    return Stat(float(value))


def cohen_kappa(x: Sequence[int], y: Sequence[int]) -> Stat:
    """Cohen's kappa of two coders' 0/1 values via ``sklearn.metrics.cohen_kappa_score``.

    Units where either coder is missing are skipped. Undefined (with the reason) when
    no unit is shared or when both coders are constant and equal (p_e = 1).
    """
    x = np.asarray(x, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    reason = _kappa_reason(*counts_2x2(x, y))
    if reason:
        return Stat.undefined(reason)
    from sklearn.metrics import cohen_kappa_score

    keep = (x >= 0) & (y >= 0)
    return Stat(float(cohen_kappa_score(x[keep], y[keep], labels=[0, 1])))


def cohen_kappa_table(a: int, b: int, c: int, d: int) -> Stat:
    """Cohen's kappa of a 2×2 table, computed by scikit-learn on the expanded units."""
    x = np.repeat([1, 1, 0, 0], [a, b, c, d])
    y = np.repeat([1, 0, 1, 0], [a, b, c, d])
    return cohen_kappa(x, y)


def cohen_kappa_counts(a: int, b: int, c: int, d: int) -> Stat:
    """Cohen's kappa of a 2×2 table by scikit-learn, the four cells passed as sample weights.

    Identical to :func:`cohen_kappa_table` (same confusion matrix) but independent of n.
    """
    reason = _kappa_reason(a, b, c, d)
    if reason:
        return Stat.undefined(reason)
    from sklearn.metrics import cohen_kappa_score

    value = cohen_kappa_score([1, 1, 0, 0], [1, 0, 1, 0], labels=[0, 1], sample_weight=[a, b, c, d])
    return Stat(float(value))


def gwet_ac1(a: int, b: int, c: int, d: int) -> Stat:
    """Gwet's AC1 for two coders: (p_o - p_e) / (1 - p_e), p_e = 2 pi (1 - pi), pi = (p_A + p_B) / 2."""
    n = a + b + c + d
    if n == 0:
        return Stat.undefined(NO_SHARED)
    po = (a + d) / n
    pi = ((a + b) / n + (a + c) / n) / 2
    pe = 2 * pi * (1 - pi)
    return Stat((po - pe) / (1 - pe))


def pabak(a: int, b: int, c: int, d: int) -> Stat:
    """Prevalence- and bias-adjusted kappa, 2 p_o - 1 (Byrt et al. 1993)."""
    n = a + b + c + d
    return Stat(2 * (a + d) / n - 1) if n else Stat.undefined(NO_SHARED)


def pairwise_kappas(values: np.ndarray, coders: Sequence[str]) -> dict[str, Stat]:
    """Cohen's kappa for every pair of coders, keyed ``"A|B"`` (names in alphabetical order)."""
    values = np.asarray(values)
    out: dict[str, Stat] = {}
    for i, j in combinations(range(len(coders)), 2):
        out[pair_key(coders[i], coders[j])] = cohen_kappa(values[i], values[j])
    return dict(sorted(out.items()))


# ---------------------------------------------------------- Krippendorff's alpha
def coincidence_matrix(data: Any) -> tuple[np.ndarray, list]:
    """Krippendorff's coincidence matrix o_ck for nominal data.

    ``data`` is coders × units; ``None`` or NaN marks a missing value. Only units
    with at least two values (pairable) count; each contributes
    n_uc (n_uk - [c = k]) / (m_u - 1). Returns the matrix and the category labels.
    """
    rows = [list(r) for r in data]
    if not rows:
        return np.zeros((0, 0)), []
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise InputError("every coder needs one value (or missing) per unit")

    def is_missing(v: Any) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    cats = sorted({v for r in rows for v in r if not is_missing(v)}, key=lambda v: (str(type(v)), v))
    index = {v: i for i, v in enumerate(cats)}
    counts = np.zeros((width, len(cats)), dtype=float)
    for r in rows:
        for u, v in enumerate(r):
            if not is_missing(v):
                counts[u, index[v]] += 1
    return _coincidences(counts), cats


def _coincidences(counts: np.ndarray) -> np.ndarray:
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    w = 1.0 / (m - 1)
    weighted = counts * w[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def krippendorff_alpha_nominal(data: Any) -> Stat:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    alpha = 1 - D_o / D_e = 1 - (n - 1) · sum_{c≠k} o_ck / sum_{c≠k} n_c n_k, with o the
    coincidence matrix, n_c its marginals and n the number of pairable values
    (Krippendorff 2011). ``data`` is coders × units; ``None``/NaN is missing.
    """
    o, _ = coincidence_matrix(data)
    return _alpha_from_coincidences(o)


def _alpha_from_coincidences(o: np.ndarray) -> Stat:
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return Stat.undefined(NO_PAIRABLE)
    observed = n - np.trace(o)
    expected = n * n - np.sum(n_c * n_c)
    if expected <= 0:
        return Stat.undefined("no variation: every coder gave every line the same value")
    return Stat(float(1 - (n - 1) * observed / expected))


# ------------------------------------------------- sufficient statistics (binary)
# Columns of the per-transcript statistics for one code (units with >= 2 values).
_N0, _N1, _O01, _AGREE, _PAIRS, _POSN, _POSD, _NEGN, _NEGD, _SHARE1, _UNITS = range(11)
_NSTAT = 11


def _cluster_stats(values: np.ndarray, clusters: np.ndarray, n_clusters: int) -> np.ndarray:
    """Per-transcript sufficient statistics (n_clusters × 11) of one code's value matrix."""
    k1 = (values == 1).sum(axis=0).astype(float)
    k0 = (values == 0).sum(axis=0).astype(float)
    m = k0 + k1
    keep = m >= 2
    k0, k1, m, cl = k0[keep], k1[keep], m[keep], clusters[keep]
    cols = [
        k0,
        k1,
        k0 * k1 / (m - 1),
        k0 * (k0 - 1) + k1 * (k1 - 1),
        m * (m - 1),
        k1 * (k1 - 1),
        k1 * (m - 1),
        k0 * (k0 - 1),
        k0 * (m - 1),
        k1 / m,
        np.ones_like(m),
    ]
    out = np.empty((n_clusters, _NSTAT))
    for j, col in enumerate(cols):
        out[:, j] = np.bincount(cl, weights=col, minlength=n_clusters)
    return out


def _pair_counts(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, n_clusters: int) -> np.ndarray:
    """Per-transcript 2×2 counts (n_clusters × 4, columns a, b, c, d)."""
    keep = (x >= 0) & (y >= 0)
    idx = clusters[keep].astype(np.int64) * 4 + (3 - (x[keep].astype(np.int64) * 2 + y[keep]))
    return np.bincount(idx, minlength=4 * n_clusters).reshape(n_clusters, 4).astype(float)


def _kappa_vec(counts: np.ndarray) -> np.ndarray:
    """Kappa for each row (a, b, c, d); NaN where undefined (internal only)."""
    a, b, c, d = counts.T
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        po = (a + d) / n
        pa = (a + b) / n
        pb = (a + c) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        k = (po - pe) / (1 - pe)
    bad = (n == 0) | (a + b + c == 0) | (b + c + d == 0)
    return np.where(bad, np.nan, k)


def _alpha_vec(t: np.ndarray) -> np.ndarray:
    """Binary alpha from summed statistics (rows); NaN where undefined (internal only)."""
    n0, n1, o01 = t[..., _N0], t[..., _N1], t[..., _O01]
    n = n0 + n1
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1 - (n - 1) * o01 / (n0 * n1)
    return np.where((n0 < 0.5) | (n1 < 0.5), np.nan, a)


def _percentile_ci(samples: np.ndarray, point: Stat, resamples: int, level: float, name: str) -> Interval:
    if not point.defined:
        return Interval(None, None, f"{name} is undefined", level, resamples, 0)
    ok = samples[~np.isnan(samples)]
    if ok.size < 2:
        return Interval(None, None, f"{name} is undefined in the bootstrap resamples", level, resamples, int(ok.size))
    lo, hi = np.quantile(ok, [(1 - level) / 2, 1 - (1 - level) / 2])
    return Interval(float(lo), float(hi), None, level, resamples, int(ok.size))


def bootstrap_weights(n_clusters: int, resamples: int, seed: int | None) -> np.ndarray:
    """How often each transcript is drawn in each resample (resamples × n_clusters).

    Each resample draws ``n_clusters`` transcripts with replacement, so a row is one
    multinomial draw. The same seed and number of transcripts give the same weights.
    """
    rng = np.random.default_rng(seed)
    if n_clusters == 0 or resamples <= 0:
        return np.zeros((max(resamples, 0), n_clusters))
    return rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=resamples).astype(float)


def bootstrap_kappa_ci(
    x: Sequence[int],
    y: Sequence[int],
    clusters: Sequence[Any],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap CI for Cohen's kappa, resampling whole clusters (transcripts)."""
    x, y = np.asarray(x), np.asarray(y)
    _, cl = np.unique(np.asarray(clusters), return_inverse=True)
    t = int(cl.max()) + 1 if cl.size else 0
    point = kappa_from_counts(*counts_2x2(x, y))
    if t < 2:
        return Interval(None, None, "needs at least two transcripts", level, resamples, 0)
    per = _pair_counts(x, y, cl, t)
    return _percentile_ci(_kappa_vec(bootstrap_weights(t, resamples, seed) @ per), point, resamples, level, "kappa")


def bootstrap_alpha_ci(
    values: np.ndarray,
    clusters: Sequence[Any],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap CI for binary Krippendorff's alpha, resampling whole clusters."""
    values = np.asarray(values)
    _, cl = np.unique(np.asarray(clusters), return_inverse=True)
    t = int(cl.max()) + 1 if cl.size else 0
    per = _cluster_stats(values, cl, t)
    point = _alpha_stat(per.sum(axis=0))
    if t < 2:
        return Interval(None, None, "needs at least two transcripts", level, resamples, 0)
    return _percentile_ci(_alpha_vec(bootstrap_weights(t, resamples, seed) @ per), point, resamples, level, "alpha")


def _alpha_stat(tot: np.ndarray) -> Stat:
    if tot[_UNITS] == 0:
        return Stat.undefined(NO_PAIRABLE)
    if tot[_N1] == 0:
        return Stat.undefined(NOBODY)
    if tot[_N0] == 0:
        return Stat.undefined(EVERYWHERE)
    return Stat(float(_alpha_vec(tot[None, :])[0]))


# ------------------------------------------------------------------ the analysis
def _ratio(num: float, den: float, reason: str) -> Stat:
    return Stat(float(num / den)) if den > 0 else Stat.undefined(reason)


def _summarise(
    name: str,
    coders: list[str],
    seen: np.ndarray,
    per: np.ndarray,
    pairs: dict[tuple[int, int], np.ndarray],
    weights: np.ndarray | None,
    resamples: int,
    level: float,
    no_ci: str,
    ci_caveat: str | None = None,
) -> CodeAgreement:
    tot = per.sum(axis=0)
    n_units = int(round(tot[_UNITS]))
    notes: list[str] = []
    two = len(coders) == 2

    prev = {
        c: Stat(float(seen[i, 0] / seen[i, 1]))
        if seen[i, 1]
        else Stat.undefined("the coder finished none of these lines")
        for i, c in enumerate(coders)
    }
    if n_units == 0:
        po = pos = neg = ac1 = pab = Stat.undefined(NO_SHARED if two else NO_PAIRABLE)
    else:
        po = _ratio(tot[_AGREE], tot[_PAIRS], NO_PAIRABLE)
        pos = _ratio(tot[_POSN], tot[_POSD], NEITHER if two else NOBODY)
        neg = _ratio(tot[_NEGN], tot[_NEGD], EVERYWHERE)
        pi = tot[_SHARE1] / tot[_UNITS]
        pe = 2 * pi * (1 - pi)
        ac1 = Stat(float((po.value - pe) / (1 - pe)))
        pab = Stat(float(2 * po.value - 1))

    # pairwise kappas: scikit-learn on the pair's shared units, given as a weighted 2×2 table
    pairwise: dict[str, Stat] = {}
    for (i, j), per_pair in pairs.items():
        a, b, c, d = (int(round(v)) for v in per_pair.sum(axis=0))
        pairwise[pair_key(coders[i], coders[j])] = cohen_kappa_counts(a, b, c, d)
    pairwise = dict(sorted(pairwise.items()))

    alpha = _alpha_stat(tot)
    alpha_ci = (
        _percentile_ci(_alpha_vec(weights @ per), alpha, resamples, level, "alpha")
        if weights is not None
        else Interval(None, None, no_ci, level, resamples, 0)
    )

    if two:
        (((i, j), per_pair),) = pairs.items()
        a, b, c, d = (int(round(v)) for v in per_pair.sum(axis=0))
        counts: tuple[int, int, int, int] | None = (a, b, c, d)
        kappa = pairwise[pair_key(coders[i], coders[j])]
        kappa_ci = (
            _percentile_ci(_kappa_vec(weights @ per_pair), kappa, resamples, level, "kappa")
            if weights is not None
            else Interval(None, None, no_ci, level, resamples, 0)
        )
    else:
        counts = None
        kappa = Stat.undefined("Cohen's kappa is a two-coder statistic; see pairwise_kappa")
        kappa_ci = Interval(None, None, kappa.reason, level, resamples, 0)
        notes.append(
            f"a, b, c, d and kappa: defined for two coders; {len(coders)} coders, see pairwise_kappa and alpha"
        )

    def note(label: str, s: Stat | Interval) -> None:
        if not s.defined and s.reason:
            notes.append(f"{label}: {s.reason}")

    for c, s in prev.items():
        note(f"prevalence {c}", s)
    for label, s in (
        ("percent_agreement", po),
        ("positive_agreement", pos),
        ("negative_agreement", neg),
    ):
        note(label, s)
    if two:
        note("kappa", kappa)
        if kappa.defined:
            note("kappa_ci", kappa_ci)
    else:
        for key, s in pairwise.items():
            note(f"pairwise_kappa {key}", s)
    note("alpha", alpha)
    if alpha.defined:
        note("alpha_ci", alpha_ci)
    note("ac1", ac1)
    note("pabak", pab)
    for label, ci in (("kappa_ci", kappa_ci), ("alpha_ci", alpha_ci)):
        if ci.defined and ci.used < ci.resamples:
            notes.append(f"{label}: from {ci.used} of {ci.resamples} resamples (undefined in the others)")
        if ci.defined and ci_caveat:
            notes.append(f"{label}: {ci_caveat}")

    return CodeAgreement(
        code=name,
        coders=list(coders),
        n_units=n_units,
        counts=counts,
        prevalence=prev,
        percent_agreement=po,
        positive_agreement=pos,
        negative_agreement=neg,
        kappa=kappa,
        kappa_ci=kappa_ci,
        alpha=alpha,
        alpha_ci=alpha_ci,
        ac1=ac1,
        pabak=pab,
        pairwise_kappa=pairwise,
        notes=notes,
    )


FEW_CLUSTERS = 5  # below this many transcripts a cluster bootstrap interval is too narrow to trust


def _no_ci_reason(n_clusters: int, resamples: int) -> str:
    if resamples <= 0:
        return "no bootstrap requested"
    return f"needs at least two transcripts with comparable lines to resample (found {n_clusters})"


def analyse(
    units: LineUnits,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
) -> AgreementReport:
    """Every statistic for every code in ``units`` and for all codes pooled ("overall").

    All codes share one set of bootstrap resamples (the same transcripts drawn), so
    the result depends only on the data, ``resamples`` and ``seed``.
    """
    coders = list(units.coders)
    if len(coders) < 2:
        raise InputError(f"agreement needs at least two coders (found {len(coders)}: {', '.join(coders) or 'none'})")
    if not 0 < level < 1:
        raise InputError("the confidence level must be between 0 and 1")
    t = len(units.transcripts)
    clusters = np.asarray(units.clusters, dtype=np.int64)
    pair_idx = list(combinations(range(len(coders)), 2))

    prepared = []
    per_total = np.zeros((t, _NSTAT))
    seen_total = np.zeros((len(coders), 2), dtype=np.int64)
    pair_total = {p: np.zeros((t, 4)) for p in pair_idx}
    for name, values in units.values.items():
        values = np.asarray(values)
        if values.shape != (len(coders), units.n_units):
            raise InputError(f"code {name}: expected {len(coders)} × {units.n_units} values, got {values.shape}")
        per = _cluster_stats(values, clusters, t)
        pairs = {p: _pair_counts(values[p[0]], values[p[1]], clusters, t) for p in pair_idx}
        seen = np.stack([(values == 1).sum(axis=1), (values >= 0).sum(axis=1)], axis=1)
        per_total += per
        seen_total += seen
        for p in pair_idx:
            pair_total[p] += pairs[p]
        prepared.append((name, seen, per, pairs))

    # resample only transcripts that hold comparable lines (others would add nothing but noise)
    active = np.flatnonzero(per_total[:, _UNITS] > 0)
    weights = None
    if active.size >= 2 and resamples > 0:
        weights = np.zeros((resamples, t))
        weights[:, active] = bootstrap_weights(active.size, resamples, seed)
    no_ci = _no_ci_reason(int(active.size), resamples)
    caveat = (
        (
            f"only {active.size} transcripts to resample; with fewer than {FEW_CLUSTERS} the interval "
            "understates the uncertainty"
        )
        if 2 <= active.size < FEW_CLUSTERS
        else None
    )

    codes = {
        name: _summarise(name, coders, seen, per, pairs, weights, resamples, level, no_ci, caveat)
        for name, seen, per, pairs in prepared
    }
    overall = _summarise("overall", coders, seen_total, per_total, pair_total, weights, resamples, level, no_ci, caveat)
    return AgreementReport(coders, list(units.transcripts), codes, overall, resamples, seed)
