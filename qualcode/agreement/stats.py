"""Inter-coder agreement on line units: pure statistics in numpy.

The unit is one transcript line. For one code there is, per coder and per line, a
value ``1`` (the coder applied the code to the line), ``0`` (the coder finished the
transcript and did not apply it) or ``MISSING`` (the coder has not finished it).
A :class:`LineUnits` holds these values for every code as ``int8`` matrices of shape
``(n_coders, n_units)`` plus, per unit, the transcript it belongs to (the cluster
used by the bootstrap). :func:`analyse` turns it into one :class:`CodeAgreement`
per code and a :class:`Summary` row.

Every coefficient follows its author's definition for raw data with missing values,
as in Gwet's *Handbook of Inter-Rater Reliability* (4th ed., 2014) and his reference
implementation irrCAC (raw-data functions), with q = 2 categories (coded / not coded).
With r_i the number of coders who finished line i, r_ik how many of them gave value
k, n the lines with r_i >= 1 and n2 the lines with r_i >= 2:

* percent agreement p_a = (1/n2) sum_{r_i>=2} sum_k r_ik (r_ik - 1) / (r_i (r_i - 1));
  for two coders (a + d) / (a + b + c + d);
* Gwet's AC1 = (p_a - p_e) / (1 - p_e), p_e = sum_k pi_k (1 - pi_k) / (q - 1), with
  pi_k = (1/n) sum_{r_i>=1} r_ik / r_i — lines one coder finished count in pi_k (Gwet 2008);
* Brennan–Prediger = (p_a - 1/q) / (1 - 1/q) = 2 p_a - 1, which for two categories is
  PABAK (Brennan & Prediger 1981; Byrt, Bishop & Carlin 1993);
* Fleiss' kappa: p_e = sum_k pi_k^2 with the same pi_k (Fleiss 1971);
* Cohen's kappa (two coders) on the lines both coders finished:
  p_e = p_A p_B + (1 - p_A)(1 - p_B) (Cohen 1960); equal to scikit-learn's
  ``cohen_kappa_score`` (tested, not imported);
* Conger's kappa (three or more coders): p_e = sum_k (pbar_k^2 - s_k^2 / r), with p_gk
  the share of coder g's finished lines in category k, pbar_k their mean and s_k^2
  their variance over the r coders (Conger 1980); a coder who finished none of the
  lines in question (one transcript, a round, a resample) is left out of r;
* Krippendorff's alpha (nominal) = 1 - D_o / D_e from the coincidence matrix of
  the lines with r_i >= 2 (Krippendorff 2011);
* positive and negative specific agreement sum k(k-1) / sum k(m-1) (Uebersax 1982;
  for two coders 2a/(2a+b+c) and 2d/(2d+b+c), Cicchetti & Feinstein 1990).

The summary row is De Vries' pooled kappa (De Vries et al. 2008): the mean p_o and
the mean p_e of the per-code kappas (Cohen's or Conger's) over the codes with
compared lines, then (p̄_o − p̄_e) / (1 − p̄_e). The other coefficients are given as
plain means over the codes where they are defined, and labelled so.

Confidence intervals are 95 % percentile bootstrap intervals that resample whole
transcripts with replacement (a cluster bootstrap: lines of one transcript are not
independent; Davison & Hinkley 1997, §3.8). Transcripts are drawn in the order of
their names, so the intervals do not depend on the order they were listed in.
An interval that rests on fewer than 10 transcripts in which the code occurs carries
a caveat with that number; below 2 there is no interval. Per-transcript sufficient
statistics are computed once and every resample is a weighted sum of them, so
1,000 resamples cost one small matrix product.

A statistic that cannot be computed is a :class:`Stat` with ``value=None`` and a
``reason``; nothing here returns NaN or a made-up 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from qualcode.agreement.results import (  # noqa: F401  (re-exported: the public names of this module)
    COEFFICIENTS,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    EVERYWHERE,
    FEW_TRANSCRIPTS,
    MIN_TRANSCRIPTS,
    MISSING,
    NEITHER,
    NO_PAIRABLE,
    NO_SHARED,
    NOBODY,
    UNUSED,
    AgreementReport,
    CodeAgreement,
    Interval,
    LineUnits,
    Note,
    PairAgreement,
    Stat,
    Summary,
    TranscriptAgreement,
)
from qualcode.errors import InputError

LABELS = {
    "percent_agreement": "percent agreement",
    "kappa": "kappa",
    "fleiss": "Fleiss' kappa",
    "alpha": "alpha",
    "ac1": "AC1",
    "pabak": "PABAK",
    "positive_agreement": "positive agreement",
    "negative_agreement": "negative agreement",
}


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
    xs = np.asarray(x, dtype=np.int64)
    ys = np.asarray(y, dtype=np.int64)
    if xs.shape != ys.shape:
        raise InputError("both coders need a value (or missing) for the same units")
    keep = (xs >= 0) & (ys >= 0)
    xs, ys = xs[keep], ys[keep]
    a = int(np.sum((xs == 1) & (ys == 1)))
    b = int(np.sum((xs == 1) & (ys == 0)))
    c = int(np.sum((xs == 0) & (ys == 1)))
    d = int(np.sum((xs == 0) & (ys == 0)))
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


def _kappa_reason(a: float, b: float, c: float, d: float) -> str | None:
    if a + b + c + d == 0:
        return NO_SHARED
    if a + b + c == 0:
        return NEITHER
    if b + c + d == 0:
        return EVERYWHERE
    return None


def _cohen_vec(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kappa, p_o, p_e) for each row (a, b, c, d); kappa NaN where undefined (internal only)."""
    a, b, c, d = np.moveaxis(counts, -1, 0)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        po = (a + d) / n
        pa = (a + b) / n
        pb = (a + c) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        k = (po - pe) / (1 - pe)
    bad = (n == 0) | (a + b + c == 0) | (b + c + d == 0)
    return np.where(bad, np.nan, k), po, pe


def kappa_from_counts(a: int, b: int, c: int, d: int) -> Stat:
    """Cohen's kappa from a 2×2 table."""
    reason = _kappa_reason(a, b, c, d)
    if reason:
        return Stat.undefined(reason)
    return Stat(float(_cohen_vec(np.array([[a, b, c, d]], dtype=float))[0][0]))


def cohen_kappa(x: Sequence[int], y: Sequence[int]) -> Stat:
    """Cohen's kappa of two coders' 0/1 values; units where either coder is missing are skipped.

    Undefined (with the reason) when no unit is shared or when both coders are constant
    and equal (p_e = 1). Equal to ``sklearn.metrics.cohen_kappa_score(x, y, labels=[0, 1])``.
    """
    return kappa_from_counts(*counts_2x2(x, y))


def cohen_kappa_table(a: int, b: int, c: int, d: int) -> Stat:
    """Cohen's kappa of a 2×2 table (same as :func:`kappa_from_counts`)."""
    return kappa_from_counts(a, b, c, d)


cohen_kappa_counts = cohen_kappa_table


def gwet_ac1(a: int, b: int, c: int, d: int) -> Stat:
    """Gwet's AC1 for two coders without missing values: p_e = 2 pi (1 - pi), pi = (p_A + p_B) / 2."""
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
def category_counts(data: Any) -> tuple[np.ndarray, list]:
    """Units × categories counts of coders × units data (``None``/NaN missing), and the categories."""
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
    return counts, cats


def coincidence_matrix(data: Any) -> tuple[np.ndarray, list]:
    """Krippendorff's coincidence matrix o_ck for nominal data.

    ``data`` is coders × units; ``None`` or NaN marks a missing value. Only units
    with at least two values (pairable) count; each contributes
    n_uc (n_uk - [c = k]) / (m_u - 1). Returns the matrix and the category labels.
    """
    counts, cats = category_counts(data)
    return coincidences(counts), cats


def coincidences(counts: np.ndarray) -> np.ndarray:
    """The coincidence matrix from units × categories counts."""
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
    return alpha_from_coincidences(o)


def alpha_from_coincidences(o: np.ndarray) -> Stat:
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
# Columns of the per-transcript statistics of one code; then per coder g the columns
# _BASE + 2g (lines g coded) and _BASE + 2g + 1 (lines g finished); for two coders
# a, b, c, d follow.
_U1, _PI1, _U2, _PA, _N0, _N1, _O01, _POSN, _POSD, _NEGN, _NEGD, _ONES = range(12)
_BASE = 12


def _n_stats(r: int) -> int:
    return _BASE + 2 * r + (4 if r == 2 else 0)


MAX_STATE_CODERS = 7  # up to 3**7 = 2,187 value patterns per line: count patterns, not lines


def _cluster_stats(values: np.ndarray, clusters: np.ndarray, n_clusters: int) -> np.ndarray:
    """Per-transcript sufficient statistics (n_clusters × columns) of one code's value matrix.

    A line's contribution depends only on its pattern of values (each coder 1, 0 or
    missing), so the lines of each transcript are counted per pattern (one bincount)
    and multiplied by the pattern × statistic table; with more than
    :data:`MAX_STATE_CODERS` coders the columns are summed directly.
    """
    values = np.asarray(values)
    r = values.shape[0]
    if r > MAX_STATE_CODERS:
        return _cluster_stats_direct(values, clusters, n_clusters)
    return _pattern_counts(values, clusters, n_clusters).astype(float) @ _state_table(r)


def _pattern_counts(values: np.ndarray, clusters: np.ndarray, n_clusters: int) -> np.ndarray:
    """How many lines of each transcript have each value pattern (n_clusters × 3**r)."""
    r = values.shape[0]
    n_states = 3**r
    state = np.zeros(values.shape[1], dtype=np.int16)
    for g in range(r):
        state += (values[g] + 1).astype(np.int16) * (3**g)
    idx = np.asarray(clusters, dtype=np.int64) * n_states
    idx += state
    return np.bincount(idx, minlength=n_clusters * n_states).reshape(n_clusters, n_states)


def _pair_from_patterns(counts: np.ndarray, r: int, i: int, j: int) -> np.ndarray:
    """Summed statistics of coders i and j alone, from the pattern counts of all r coders."""
    k = np.arange(3**r)
    sub = (k // 3**i) % 3 + 3 * ((k // 3**j) % 3)
    return np.bincount(sub, weights=counts, minlength=9) @ _state_table(2)


_STATE_TABLES: dict[int, np.ndarray] = {}


def _state_table(r: int) -> np.ndarray:
    """Every value pattern of ``r`` coders (pattern k: coder g has value (k // 3**g) % 3 - 1) → its statistics."""
    if r not in _STATE_TABLES:
        k = np.arange(3**r)
        patterns = np.stack([(k // 3**g) % 3 - 1 for g in range(r)]).astype(np.int8)
        _STATE_TABLES[r] = _cluster_stats_direct(patterns, k, 3**r)
    return _STATE_TABLES[r]


def _cluster_stats_direct(values: np.ndarray, clusters: np.ndarray, n_clusters: int) -> np.ndarray:
    """Per-transcript sufficient statistics (n_clusters × columns), column by column (any number of coders)."""
    values = np.asarray(values)
    r = values.shape[0]
    one = values == 1
    rated = values >= 0
    k1 = one.sum(axis=0, dtype=np.int64).astype(float)
    m = rated.sum(axis=0, dtype=np.int64).astype(float)
    k0 = m - k1
    m1 = m >= 1
    m2 = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        share1 = np.where(m1, k1 / m, 0.0)
        agree = np.where(m2, (k0 * (k0 - 1) + k1 * (k1 - 1)) / (m * (m - 1)), 0.0)
        o01 = np.where(m2, k0 * k1 / (m - 1), 0.0)
    cols = [
        m1.astype(float),
        share1,
        m2.astype(float),
        agree,
        np.where(m2, k0, 0.0),
        np.where(m2, k1, 0.0),
        o01,
        np.where(m2, k1 * (k1 - 1), 0.0),
        np.where(m2, k1 * (m - 1), 0.0),
        np.where(m2, k0 * (k0 - 1), 0.0),
        np.where(m2, k0 * (m - 1), 0.0),
        k1,
    ]
    for g in range(r):
        cols += [one[g], rated[g]]
    if r == 2:
        x, y = values
        cols += [one[0] & one[1], one[0] & (y == 0), (x == 0) & one[1], (x == 0) & (y == 0)]
    out = np.empty((n_clusters, len(cols)))
    for j, col in enumerate(cols):
        out[:, j] = np.bincount(clusters, weights=col, minlength=n_clusters) if n_clusters else 0
    return out


def _coefficients(t: np.ndarray, r: int) -> dict[str, np.ndarray]:
    """Every coefficient from summed statistics (any leading shape); NaN where undefined.

    Also ``po`` and ``pe``: observed and chance agreement of the kappa (for pooling).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = t[..., _PA] / t[..., _U2]
        pi1 = t[..., _PI1] / t[..., _U1]
        pe_g = 2 * pi1 * (1 - pi1)
        ac1 = (pa - pe_g) / (1 - pe_g)
        pe_f = pi1 * pi1 + (1 - pi1) * (1 - pi1)
        fleiss = np.where(pe_f < 1 - 1e-12, (pa - pe_f) / (1 - pe_f), np.nan)
        n0, n1 = t[..., _N0], t[..., _N1]
        alpha = np.where((n0 > 0.5) & (n1 > 0.5), 1 - (n0 + n1 - 1) * t[..., _O01] / (n0 * n1), np.nan)
        pos = np.where(t[..., _POSD] > 0, t[..., _POSN] / t[..., _POSD], np.nan)
        neg = np.where(t[..., _NEGD] > 0, t[..., _NEGN] / t[..., _NEGD], np.nan)
        if r == 2:
            kappa, po, pe = _cohen_vec(t[..., _BASE + 4 : _BASE + 8])
        else:
            # coders who finished no line here (a transcript or resample without them) are left out
            g1 = t[..., _BASE : _BASE + 2 * r : 2]
            gn = t[..., _BASE + 1 : _BASE + 2 * r : 2]
            rated = gn > 0
            k = rated.sum(axis=-1)
            p = np.where(rated, g1 / np.where(rated, gn, 1), 0.0)
            pbar = p.sum(axis=-1) / k
            s2 = np.where(rated, (p - pbar[..., None]) ** 2, 0.0).sum(axis=-1) / (k - 1)
            pe = pbar * pbar + (1 - pbar) * (1 - pbar) - 2 * s2 / k
            po = pa
            kappa = np.where((k >= 2) & (pe < 1 - 1e-12), (pa - pe) / (1 - pe), np.nan)
    return {
        "percent_agreement": pa,
        "kappa": kappa,
        "fleiss": fleiss,
        "alpha": alpha,
        "ac1": ac1,
        "pabak": 2 * pa - 1,
        "positive_agreement": pos,
        "negative_agreement": neg,
        "po": po,
        "pe": pe,
    }


def _reason(key: str, tot: np.ndarray, r: int) -> str:
    """Why coefficient ``key`` is undefined for the summed statistics ``tot``."""
    if tot[_U2] == 0:
        return NO_SHARED if r == 2 else NO_PAIRABLE
    if key == "positive_agreement" or tot[_ONES] == 0:
        return NEITHER if r == 2 else NOBODY
    if key == "negative_agreement" or tot[_N0] == 0:
        return EVERYWHERE
    if key == "kappa" and r > 2 and (tot[_BASE + 1 : _BASE + 2 * r : 2] > 0).sum() < 2:
        return "fewer than two coders finished these lines"
    if key == "alpha" and tot[_N1] == 0:
        return "no variation on the lines finished by two or more coders: nobody coded them"
    return "no variation: chance agreement is 1"


def raw_coefficients(data: Any) -> dict[str, Stat]:
    """Every coefficient for coders × units 0/1 data (``None``/NaN/-1 missing), in one call.

    The same code path as :func:`analyse`, for checking against other implementations.
    """
    rows = np.array(
        [[MISSING if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in r] for r in data],
        dtype=np.int8,
    )
    tot = _cluster_stats(rows, np.zeros(rows.shape[1], dtype=np.int64), 1)[0]
    values = _coefficients(tot, rows.shape[0])
    return {k: _stat(k, float(v), tot, rows.shape[0]) for k, v in values.items() if k not in ("po", "pe")}


def _stat(key: str, value: float, tot: np.ndarray, r: int) -> Stat:
    return Stat.undefined(_reason(key, tot, r)) if math.isnan(value) else Stat(value)


# ------------------------------------------------------------------- bootstrap
def bootstrap_weights(n_clusters: int, resamples: int, seed: int | None) -> np.ndarray:
    """How often each transcript is drawn in each resample (resamples × n_clusters).

    Each resample draws ``n_clusters`` transcripts with replacement, so a row is one
    multinomial draw. The same seed and number of transcripts give the same weights.
    """
    rng = np.random.default_rng(seed)
    if n_clusters == 0 or resamples <= 0:
        return np.zeros((max(resamples, 0), n_clusters))
    return rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=resamples).astype(float)


def _percentile(samples: np.ndarray, level: float) -> tuple[float, float, int] | None:
    ok = samples[~np.isnan(samples)]
    if ok.size < 2:
        return None
    lo, hi = np.quantile(ok, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi), int(ok.size)


def _cluster_index(clusters: Sequence[Any]) -> tuple[np.ndarray, int]:
    """Cluster labels → indices in the sorted order of the labels (so listing order does not matter)."""
    _, cl = np.unique(np.asarray(clusters), return_inverse=True)
    return cl.astype(np.int64), int(cl.max()) + 1 if cl.size else 0


def _simple_ci(key: str, values: np.ndarray, clusters: Sequence[Any], resamples: int, seed, level) -> Interval:
    values = np.asarray(values)
    cl, t = _cluster_index(clusters)
    per = _cluster_stats(values, cl, t)
    r = values.shape[0]
    tot = per.sum(axis=0)
    point = _stat(key, float(_coefficients(tot, r)[key]), tot, r)
    if t < 2:
        return Interval(None, None, "needs at least two transcripts", level, resamples, 0)
    if not point.defined:
        return Interval(None, None, f"{LABELS[key]} is undefined", level, resamples, 0)
    found = _percentile(_coefficients(bootstrap_weights(t, resamples, seed) @ per, r)[key], level)
    if found is None:
        return Interval(None, None, f"{LABELS[key]} is undefined in the bootstrap resamples", level, resamples, 0)
    return Interval(found[0], found[1], None, level, resamples, found[2])


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
    return _simple_ci("kappa", np.vstack([x, y]), clusters, resamples, seed, level)


def bootstrap_alpha_ci(
    values: np.ndarray,
    clusters: Sequence[Any],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap CI for Krippendorff's alpha, resampling whole clusters."""
    return _simple_ci("alpha", values, clusters, resamples, seed, level)


# ------------------------------------------------------------------ the analysis
class _Boot:
    """Shared bootstrap context of one analysis: the weights and why intervals may be missing."""

    def __init__(self, weights: np.ndarray | None, resamples: int, level: float, n_active: int) -> None:
        self.weights, self.resamples, self.level, self.n_active = weights, resamples, level, n_active

    def no_interval(self, carrying: int) -> str | None:
        if self.resamples <= 0:
            return "no bootstrap requested"
        if self.weights is None:
            return f"needs at least two transcripts to resample (found {self.n_active})"
        if carrying < MIN_TRANSCRIPTS:
            return f"the code occurs in {carrying} transcript(s); no interval below {MIN_TRANSCRIPTS}"
        return None

    def interval(self, label: str, point: Stat, samples: np.ndarray | None, carrying: int) -> Interval:
        caveat = (
            f"rests on {carrying} transcripts in which the code occurs (fewer than {FEW_TRANSCRIPTS}); "
            "likely too narrow"
            if carrying < FEW_TRANSCRIPTS
            else None
        )
        why = self.no_interval(carrying)
        if why is None and not point.defined:
            why = f"{label} is undefined"
        found = None if why is not None or samples is None else _percentile(samples, self.level)
        if found is None:
            why = why or f"{label} is undefined in the bootstrap resamples"
            return Interval(None, None, why, self.level, self.resamples, 0, carrying)
        return Interval(found[0], found[1], None, self.level, self.resamples, found[2], carrying, caveat)


def pair_agreement(
    first: str, second: str, x: np.ndarray | None, y: np.ndarray | None, tot: np.ndarray | None = None
) -> PairAgreement:
    """Two rows of values compared: Cohen's kappa, alpha, AC1 and percent agreement (no intervals).

    ``tot`` (the pair's summed statistics) may be given instead of the rows.
    """
    if tot is None:
        assert x is not None and y is not None
        both = np.vstack([x, y])
        tot = _cluster_stats(both, np.zeros(both.shape[1], dtype=np.int64), 1)[0]
    v = _coefficients(tot, 2)
    return PairAgreement(
        first,
        second,
        int(round(tot[_U2])),
        _stat("percent_agreement", float(v["percent_agreement"]), tot, 2),
        _stat("kappa", float(v["kappa"]), tot, 2),
        _stat("alpha", float(v["alpha"]), tot, 2),
        _stat("ac1", float(v["ac1"]), tot, 2),
    )


def _notes(ca: CodeAgreement, tot: np.ndarray, r: int, boot: _Boot) -> list[Note]:
    notes: list[Note] = []
    if not ca.used:
        notes.append(Note("unused", UNUSED))
    else:
        for key in ("kappa", "fleiss", "alpha", "positive_agreement", "negative_agreement", "percent_agreement"):
            s: Stat = getattr(ca, key)
            if not s.defined and s.reason:
                notes.append(Note("undefined", f"{LABELS[key]}: {s.reason}"))
        for c, s in ca.prevalence.items():
            if not s.defined and s.reason:
                notes.append(Note("undefined", f"prevalence of {c}: {s.reason}"))
        why = boot.no_interval(ca.transcripts_with_code)
        if why:
            notes.append(Note("interval", f"no intervals: {why}"))
        elif ca.transcripts_with_code < FEW_TRANSCRIPTS:
            notes.append(
                Note(
                    "interval",
                    f"intervals rest on {ca.transcripts_with_code} transcript(s) in which the code occurs "
                    f"(fewer than {FEW_TRANSCRIPTS}); they are likely too narrow",
                )
            )
        for key, ci in ca.intervals.items():
            if ci.defined and ci.used < ci.resamples:
                notes.append(Note("interval", f"{LABELS[key]} interval from {ci.used} of {ci.resamples} resamples"))
    if r > 2:
        notes.append(Note("coders", f"kappa is Conger's kappa ({r} coders); Cohen's kappa per pair in the pair table"))
    return notes


def _code_agreement(
    name: str,
    coders: list[str],
    values: np.ndarray,
    per: np.ndarray,
    boot: _Boot,
    reference: np.ndarray | None,
    reference_name: str,
    patterns: np.ndarray | None = None,
    resampled: np.ndarray | None = None,
) -> CodeAgreement:
    r = len(coders)
    tot = per.sum(axis=0)
    point = _coefficients(tot, r)
    stats = {k: _stat(k, float(point[k]), tot, r) for k in LABELS}
    carrying = int(np.count_nonzero(per[:, _ONES] > 0))
    samples = None
    if boot.weights is not None and carrying >= 2:
        samples = _coefficients(boot.weights @ per if resampled is None else resampled, r)
    intervals = {
        k: boot.interval(LABELS[k], stats[k], None if samples is None else samples[k], carrying) for k in COEFFICIENTS
    }
    prevalence = {
        c: Stat(float(tot[_BASE + 2 * g] / tot[_BASE + 2 * g + 1]))
        if tot[_BASE + 2 * g + 1]
        else Stat.undefined("the coder finished none of these lines")
        for g, c in enumerate(coders)
    }
    pairs: dict[str, PairAgreement] = {}
    for i, j in combinations(range(r), 2):
        if patterns is not None:
            pair_tot = _pair_from_patterns(patterns, r, i, j)
            pairs[pair_key(coders[i], coders[j])] = pair_agreement(coders[i], coders[j], None, None, pair_tot)
        else:
            pairs[pair_key(coders[i], coders[j])] = pair_agreement(coders[i], coders[j], values[i], values[j])
    against = {}
    if reference is not None:
        against = {c: pair_agreement(c, reference_name, values[g], reference) for g, c in enumerate(coders)}
    ca = CodeAgreement(
        code=name,
        coders=list(coders),
        n_units=int(round(tot[_U2])),
        counts=tuple(int(round(v)) for v in tot[_BASE + 4 : _BASE + 8]) if r == 2 else None,  # type: ignore[arg-type]
        prevalence=prevalence,
        percent_agreement=stats["percent_agreement"],
        positive_agreement=stats["positive_agreement"],
        negative_agreement=stats["negative_agreement"],
        kappa=stats["kappa"],
        fleiss=stats["fleiss"],
        alpha=stats["alpha"],
        ac1=stats["ac1"],
        pabak=stats["pabak"],
        intervals=intervals,
        pairs=dict(sorted(pairs.items())),
        used=bool(tot[_ONES] > 0),
        transcripts_with_code=carrying,
        against_consensus=against,
    )
    ca.notes = _notes(ca, tot, r, boot)
    return ca


def _pooled(po: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """De Vries' pooled kappa over the last axis (codes); NaN entries (no compared lines) are left out."""
    ok = ~(np.isnan(po) | np.isnan(pe))
    with np.errstate(divide="ignore", invalid="ignore"):
        n = ok.sum(axis=-1)
        mo = np.where(ok, po, 0).sum(axis=-1) / n
        me = np.where(ok, pe, 0).sum(axis=-1) / n
        return np.where(me < 1 - 1e-12, (mo - me) / (1 - me), np.nan)


def pooled_kappa(per_code: np.ndarray, r: int) -> tuple[Stat, int]:
    """De Vries' pooled kappa from summed statistics (codes × columns) and the lines compared."""
    if per_code.shape[0] == 0:
        return Stat.undefined("no codes"), 0
    v = _coefficients(per_code, r)
    n_units = int(round(per_code[0, _U2]))
    if n_units == 0:
        return Stat.undefined(NO_SHARED if r == 2 else NO_PAIRABLE), 0
    with np.errstate(all="ignore"):
        value = float(_pooled(v["po"], v["pe"]))
    if math.isnan(value):
        return Stat.undefined("no variation: no coder used any code"), n_units
    return Stat(value), n_units


def _mean_over_codes(codes: dict[str, CodeAgreement], key: str) -> tuple[Stat, int]:
    vals = [getattr(ca, key).value for ca in codes.values() if getattr(ca, key).defined]
    if not vals:
        return Stat.undefined(f"{LABELS[key]} is undefined for every code"), 0
    return Stat(float(np.mean(vals))), len(vals)


def _summary(
    codes: dict[str, CodeAgreement], stacked: np.ndarray, r: int, boot: _Boot, resampled: np.ndarray | None
) -> Summary:
    tot = stacked.sum(axis=1)  # codes × columns
    pooled, n_units = pooled_kappa(tot, r)
    carrying = int(np.count_nonzero(stacked[:, :, _ONES].sum(axis=0) > 0)) if stacked.size else 0
    samples = None
    if resampled is not None and carrying >= 2:
        v = _coefficients(resampled, r)
        with np.errstate(all="ignore"):
            samples = _pooled(v["po"], v["pe"])
    ci = boot.interval("pooled kappa", pooled, samples, carrying)
    means, counts = {}, {}
    for key in COEFFICIENTS + ("positive_agreement", "negative_agreement"):
        if key == "kappa":
            continue
        means[key], counts[key] = _mean_over_codes(codes, key)
    return Summary(n_units, len(codes) if n_units else 0, pooled, ci, means, counts)


def subset_agreement(report: AgreementReport, name: str, clusters: Sequence[int]) -> TranscriptAgreement:
    """Pooled kappa and mean percent agreement over the codes, for a subset of the transcripts."""
    stacked = report.cluster_stats
    r = len(report.coders)
    if stacked is None or not len(clusters):
        return TranscriptAgreement(name, 0, Stat.undefined(NO_PAIRABLE), Stat.undefined(NO_PAIRABLE))
    tot = stacked[:, list(clusters), :].sum(axis=1)
    pooled, n_units = pooled_kappa(tot, r)
    pa = _coefficients(tot, r)["percent_agreement"]
    ok = pa[~np.isnan(pa)]
    mean_pa = Stat(float(ok.mean())) if ok.size else Stat.undefined(NO_SHARED if r == 2 else NO_PAIRABLE)
    return TranscriptAgreement(name, n_units, pooled, mean_pa, transcripts=[report.transcripts[k] for k in clusters])


def per_transcript(stacked: np.ndarray, names: list[str], r: int) -> list[TranscriptAgreement]:
    """Pooled kappa and mean percent agreement over the codes, for every transcript at once."""
    if stacked.shape[0] == 0:
        return []
    v = _coefficients(stacked, r)  # codes × transcripts
    with np.errstate(all="ignore"):
        pooled = _pooled(v["po"].T, v["pe"].T)
    pa = v["percent_agreement"]
    ok = ~np.isnan(pa)
    with np.errstate(all="ignore"):
        mean_pa = np.where(ok, pa, 0).sum(axis=0) / ok.sum(axis=0)
    n_units = np.rint(stacked[0, :, _U2]).astype(int)
    none = NO_SHARED if r == 2 else NO_PAIRABLE
    out = []
    for k, name in enumerate(names):
        if n_units[k] == 0:
            out.append(TranscriptAgreement(name, 0, Stat.undefined(none), Stat.undefined(none)))
            continue
        kappa = Stat(float(pooled[k])) if not math.isnan(pooled[k]) else Stat.undefined("no variation")
        out.append(TranscriptAgreement(name, int(n_units[k]), kappa, Stat(float(mean_pa[k]))))
    return out


def rounds_agreement(report: AgreementReport, rounds: dict[str, int]) -> list[TranscriptAgreement]:
    """Per round (transcript name → round number): pooled kappa and mean percent agreement."""
    index = {t: k for k, t in enumerate(report.transcripts)}
    out = []
    for number in sorted(set(rounds.values())):
        members = [index[t] for t, n in rounds.items() if n == number and t in index]
        row = subset_agreement(report, f"round {number}", members)
        row.round = number
        out.append(row)
    return out


def analyse(
    units: LineUnits,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
) -> AgreementReport:
    """Every statistic for every code in ``units``, the summary row and agreement per transcript.

    All codes share one set of bootstrap resamples (the same transcripts drawn), so
    the result depends only on the data, ``resamples`` and ``seed`` — not on the order
    in which the transcripts are listed.
    """
    coders = list(units.coders)
    r = len(coders)
    if r < 2:
        raise InputError(f"agreement needs at least two coders (found {r}: {', '.join(coders) or 'none'})")
    if not 0 < level < 1:
        raise InputError("the confidence level must be between 0 and 1")
    t = len(units.transcripts)
    clusters = np.asarray(units.clusters, dtype=np.int64)
    per_code: dict[str, np.ndarray] = {}
    patterns: dict[str, np.ndarray] = {}
    for name, values in units.values.items():
        values = np.asarray(values)
        if values.shape != (r, units.n_units):
            raise InputError(f"code {name}: expected {r} × {units.n_units} values, got {values.shape}")
        if r <= MAX_STATE_CODERS:
            counts = _pattern_counts(values, clusters, t)
            patterns[name] = counts.sum(axis=0).astype(float)
            per_code[name] = counts.astype(float) @ _state_table(r)
        else:
            per_code[name] = _cluster_stats_direct(values, clusters, t)
    stacked = np.stack(list(per_code.values())) if per_code else np.zeros((0, t, _n_stats(r)))

    # resample every transcript with a finished line, drawn in the order of the names
    active = np.flatnonzero(stacked[0, :, _U1] > 0) if per_code else np.zeros(0, dtype=np.int64)
    weights = None
    if active.size >= 2 and resamples > 0:
        order = sorted(active.tolist(), key=lambda k: units.transcripts[k])
        weights = np.zeros((resamples, t))
        weights[:, order] = bootstrap_weights(len(order), resamples, seed)
    boot = _Boot(weights, resamples, level, int(active.size))
    resampled = None
    if weights is not None:  # every code's statistics in every resample: one matrix product
        c, _, n_s = stacked.shape
        resampled = (weights @ stacked.transpose(1, 0, 2).reshape(t, c * n_s)).reshape(resamples, c, n_s)

    ref = units.reference or {}
    codes = {
        name: _code_agreement(
            name,
            coders,
            np.asarray(units.values[name]),
            per,
            boot,
            ref.get(name),
            units.reference_name,
            patterns.get(name),
            None if resampled is None else resampled[:, k, :],
        )
        for k, (name, per) in enumerate(per_code.items())
    }
    report = AgreementReport(
        coders,
        list(units.transcripts),
        codes,
        _summary(codes, stacked, r, boot, resampled),
        resamples,
        seed,
        cluster_stats=stacked,
    )
    report.per_transcript = per_transcript(stacked, list(units.transcripts), r)
    return report
