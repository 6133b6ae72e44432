"""Every coefficient against its author's reference implementation on generated projects.

irrCAC (Gwet's own package, raw-data functions) for percent agreement, AC1,
Brennan–Prediger, Fleiss' and Conger's kappa; the ``krippendorff`` package for alpha;
scikit-learn for Cohen's kappa on the lines both coders finished. Both packages are
test-only dependencies. 120 generated projects: 2–5 coders, 1–8 transcripts, 1–60 %
prevalence, coders who have not finished some transcripts (missing data), codes
nobody used, and a few dozen lines per transcript. Also the summary row against De
Vries' pooled kappa computed independently, and the multi-valued alpha of an
exclusive theme against ``krippendorff``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

krippendorff = pytest.importorskip("krippendorff")
irr = pytest.importorskip("irrCAC.raw")

from qualcode.agreement import stats as ag  # noqa: E402
from qualcode.agreement.results import MISSING, LineUnits  # noqa: E402

TOL = 1e-9
N_PROJECTS = 120


def generated(seed: int) -> LineUnits:
    """One random project's line units: coders × lines per code, some transcripts unfinished."""
    rng = np.random.default_rng(seed)
    r = int(rng.integers(2, 6))
    n_t = int(rng.integers(1, 9))
    sizes = rng.integers(5, 40, size=n_t)
    clusters = np.repeat(np.arange(n_t), sizes)
    n = clusters.size
    done = rng.random((r, n_t)) < 0.75
    done[:2, 0] = True  # at least one transcript two coders finished
    values = {}
    for k in range(int(rng.integers(1, 5))):
        prevalence = rng.uniform(0.01, 0.6) if k else 0.0  # the first code: nobody used it
        truth = rng.random(n) < prevalence
        v = np.where(rng.random((r, n)) < 0.15, ~truth, truth).astype(np.int8)
        if k == 0:
            v[:] = 0
        v[~done[:, clusters]] = MISSING
        values[f"code{k}"] = v
    return LineUnits([f"c{i}" for i in range(r)], [f"T{t}" for t in range(n_t)], clusters, np.arange(n) + 1, values)


def _frame(v: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(np.where(v < 0, np.nan, v.astype(float)).T)


def _irr(v: np.ndarray, method: str) -> float:
    cac = irr.CAC(_frame(v), categories=[0, 1], digits=20)
    with np.errstate(all="ignore"):
        return float(getattr(cac, method)()["est"]["coefficient_value"])


def _near(ours: ag.Stat, theirs: float) -> None:
    if not ours.defined:
        assert not math.isfinite(theirs) or abs(theirs) > 1e6 or ours.reason, ours
        return
    assert abs(ours.value - theirs) < TOL, (ours.value, theirs)


def _reference(v: np.ndarray) -> dict[str, float]:
    """The reference values of one code's value matrix (NaN where the reference cannot compute)."""
    out: dict[str, float] = {}
    rated = (v >= 0).sum(axis=0)
    if (rated >= 2).sum() == 0:
        return out
    rows = v[:, rated >= 1]
    out["percent_agreement"] = float(irr.CAC(_frame(rows), categories=[0, 1], digits=20).gwet()["est"]["pa"])
    out["ac1"] = _irr(rows, "gwet")
    out["pabak"] = _irr(rows, "bp")
    if len(np.unique(rows[rows >= 0])) == 2:
        out["fleiss"] = _irr(rows, "fleiss")
        pairable = rows[:, (rows >= 0).sum(axis=0) >= 2]
        if len(np.unique(pairable[pairable >= 0])) == 2:
            out["alpha"] = float(
                krippendorff.alpha(
                    reliability_data=np.where(rows < 0, np.nan, rows.astype(float)), level_of_measurement="nominal"
                )
            )
        if v.shape[0] == 2:
            both = rows[:, (rows >= 0).all(axis=0)]
            if both.size and len(np.unique(both)) == 2:
                from sklearn.metrics import cohen_kappa_score

                out["kappa"] = float(cohen_kappa_score(both[0], both[1], labels=[0, 1]))
                out["kappa_irr"] = _irr(both, "conger")  # Conger with two raters on complete data = Cohen
        elif (rows >= 0).any(axis=1).all():
            out["kappa"] = _irr(rows, "conger")
    return out


def test_every_coefficient_equals_the_reference_implementations_on_generated_projects():
    compared = {k: 0 for k in ("percent_agreement", "ac1", "pabak", "fleiss", "alpha", "kappa")}
    coders_seen, missing_seen = set(), 0
    for seed in range(N_PROJECTS):
        units = generated(seed)
        report = ag.analyse(units, resamples=0)
        coders_seen.add(len(units.coders))
        for name, v in units.values.items():
            missing_seen += int((v < 0).any())
            ref = _reference(v)
            ca = report.codes[name]
            for key, theirs in ref.items():
                if key == "kappa_irr":
                    assert abs(ca.kappa.value - theirs) < TOL
                    continue
                ours = getattr(ca, key)
                assert ours.defined, (seed, name, key, ours.reason, theirs)
                assert abs(ours.value - theirs) < TOL, (seed, name, key, ours.value, theirs)
                compared[key] += 1
            if not ca.used:
                assert not ca.kappa.defined and not ca.alpha.defined and ca.ac1.value == 1.0
    assert coders_seen == {2, 3, 4, 5} and missing_seen > 50
    assert all(n >= 100 for n in compared.values()), compared


def test_gwet_issue_repro_two_coders_with_missing_data():
    # anna codes T1 line 1, bram T1 1-2; only anna finished T2: T2's lines count in Gwet's pi (not in p_a)
    v = np.array([[1, 0, 0, 0, 0, 0], [1, 1, 0, MISSING, MISSING, MISSING]], dtype=np.int8)
    got = ag.raw_coefficients(v)
    assert got["ac1"].value == pytest.approx(_irr(v, "gwet"), abs=TOL)
    complete = ag.raw_coefficients(v[:, :3])
    assert got["ac1"].value != pytest.approx(complete["ac1"].value)  # the single-coded lines matter


def test_three_coders_with_missing_data_average_over_lines_not_pairs():
    # percent agreement, AC1, BP: lines are averaged, not coder pairs (pair weighting would give 3/4)
    v = np.array([[1, 1, 0, 0], [1, 0, 0, 1], [1, MISSING, 0, MISSING]], dtype=np.int8)
    got = ag.raw_coefficients(v)
    for key, method in (("ac1", "gwet"), ("pabak", "bp"), ("fleiss", "fleiss"), ("kappa", "conger")):
        assert got[key].value == pytest.approx(_irr(v, method), abs=TOL), key
    assert got["percent_agreement"].value == pytest.approx(0.5)  # (1 + 0 + 1 + 0) / 4
    assert got["pabak"].value == pytest.approx(0.0)


def test_numpy_kappa_equals_scikit_learn_on_random_tables():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(5)
    for _ in range(200):
        x = rng.integers(0, 2, size=int(rng.integers(2, 60)))
        y = np.where(rng.random(x.size) < 0.3, 1 - x, x)
        if len(np.unique(np.concatenate([x, y]))) < 2:
            continue
        assert ag.cohen_kappa(x, y).value == pytest.approx(cohen_kappa_score(x, y, labels=[0, 1]), abs=1e-12)


def devries_pooled(units: LineUnits) -> float:
    """De Vries et al. (2008) pooled kappa, written out independently: mean p_o, mean p_e over codes."""
    pos, pes = [], []
    for v in units.values.values():
        if len(units.coders) == 2:
            both = v[:, (v >= 0).all(axis=0)]
            if not both.size:
                continue
            pos.append(float(np.mean(both[0] == both[1])))
            pa, pb = both[0].mean(), both[1].mean()
            pes.append(pa * pb + (1 - pa) * (1 - pb))
        else:
            rows = v[:, (v >= 0).sum(axis=0) >= 1]
            cac = irr.CAC(_frame(rows), categories=[0, 1], digits=20)
            with np.errstate(all="ignore"):
                est = cac.conger()["est"]
            pos.append(est["pa"])
            pes.append(est["pe"])
    po, pe = np.mean(pos), np.mean(pes)
    return (po - pe) / (1 - pe) if pe < 1 else math.nan


def test_summary_row_is_de_vries_pooled_kappa():
    checked = 0
    for seed in range(40):
        units = generated(1000 + seed)
        if len(units.coders) > 2 and not all((v >= 0).any(axis=1).all() for v in units.values.values()):
            continue
        summary = ag.analyse(units, resamples=0).summary
        expected = devries_pooled(units)
        if math.isfinite(expected):
            assert summary.pooled_kappa.value == pytest.approx(expected, abs=TOL)
            checked += 1
    assert checked >= 20


def test_unused_codes_do_not_change_the_summary_row():
    # the issue's repro: `common` plus three codes nobody used; every defined kappa is 0 and so is the summary
    x = np.array([1, 1, 1, 1, 1, 0, 0, 0], dtype=np.int8)
    y = np.array([0, 0, 1, 1, 1, 1, 1, 1], dtype=np.int8)
    values = {"common": np.vstack([x, y])}
    for k in range(3):
        values[f"unused{k}"] = np.zeros((2, 8), dtype=np.int8)
    units = LineUnits(["anna", "bram"], ["T1"], np.zeros(8, dtype=np.int64), np.arange(1, 9), values)
    report = ag.analyse(units, resamples=0)
    assert report.summary.pooled_kappa.value == pytest.approx(report.codes["common"].kappa.value)
    assert report.summary.means["alpha"].value == pytest.approx(report.codes["common"].alpha.value)
    assert report.summary.mean_counts["alpha"] == 1
