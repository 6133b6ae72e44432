"""Agreement statistics against published worked examples, plus the undefined cases."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qualcode.agreement import segments
from qualcode.agreement import stats as ag
from qualcode.agreement.stats import MISSING, LineUnits
from qualcode.errors import InputError
from qualcode.model import Coding

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", binary example.
KA = [int(c) for c in "0100000010"]
KB = [int(c) for c in "1110010000"]
# The same paper's nominal example: 4 observers × 12 units, None = missing.
_ = None
FOUR_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]


def table(a: int, b: int, c: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.repeat([1, 1, 0, 0], [a, b, c, d])
    y = np.repeat([1, 0, 1, 0], [a, b, c, d])
    return x, y


def units_from(rows: list[list[int]], clusters: list[int] | None = None, code: str = "c") -> LineUnits:
    values = np.asarray(rows, dtype=np.int8)
    n = values.shape[1]
    cl = np.asarray(clusters if clusters is not None else [0] * n)
    names = [f"T{i}" for i in range(int(cl.max()) + 1)]
    coders = ["A", "B", "C", "D", "E"][: values.shape[0]]
    return LineUnits(coders, names, cl, np.arange(1, n + 1), {code: values})


# ---------------------------------------------------------------- published values
def test_krippendorff_2011_binary_example():
    assert ag.counts_2x2(KA, KB) == (1, 1, 3, 5)
    assert round(ag.krippendorff_alpha_nominal([KA, KB]).value, 3) == 0.095
    assert round(ag.cohen_kappa(KA, KB).value, 3) == 0.091
    report = ag.analyse(units_from([KA, KB]), resamples=0)
    assert round(report.codes["c"].alpha.value, 3) == 0.095
    assert round(report.codes["c"].kappa.value, 3) == 0.091


def test_krippendorff_2011_four_observers_with_missing_values():
    assert round(ag.krippendorff_alpha_nominal(FOUR_OBSERVERS).value, 3) == 0.743
    # NaN works as missing too
    as_float = [[np.nan if v is None else float(v) for v in row] for row in FOUR_OBSERVERS]
    assert round(ag.krippendorff_alpha_nominal(as_float).value, 3) == 0.743


def test_four_observer_coincidence_matrix_matches_the_paper():
    o, cats = ag.coincidence_matrix(FOUR_OBSERVERS)
    assert cats == [1, 2, 3, 4, 5]
    # marginals n_c from the paper: 9, 13, 10, 5, 3 (n = 40 pairable values)
    assert np.allclose(o.sum(axis=1), [9, 13, 10, 5, 3])
    assert o[0, 0] == pytest.approx(7)
    assert o[1, 1] == pytest.approx(10)  # units 2, 5, 9: 3·2/3 + 4·3/3 + 4·3/3
    assert o[0, 1] == pytest.approx(4 / 3)  # unit 6: 1·1/3, unit 8: 3·1/3
    assert np.allclose(o, o.T)


def test_cohen_kappa_0_400():
    assert round(ag.cohen_kappa_table(20, 5, 10, 15).value, 3) == 0.400
    assert round(ag.kappa_from_counts(20, 5, 10, 15).value, 3) == 0.400


def test_prevalence_paradox():
    k, ac1, pab = ag.cohen_kappa_table(80, 10, 5, 5), ag.gwet_ac1(80, 10, 5, 5), ag.pabak(80, 10, 5, 5)
    assert (round(k.value, 3), round(ac1.value, 3), round(pab.value, 3)) == (0.318, 0.808, 0.700)
    x, y = table(80, 10, 5, 5)
    ca = ag.analyse(units_from([list(x), list(y)]), resamples=0).codes["c"]
    assert (ca.counts, round(ca.ac1.value, 3), round(ca.pabak.value, 3)) == ((80, 10, 5, 5), 0.808, 0.700)
    assert ca.percent_agreement.value == pytest.approx(0.85)
    assert ca.positive_agreement.value == pytest.approx(160 / 175)
    assert ca.negative_agreement.value == pytest.approx(10 / 25)
    assert ca.prevalence["A"].value == pytest.approx(0.90)
    assert ca.prevalence["B"].value == pytest.approx(0.85)


def test_numpy_kappa_equals_sklearn_on_random_tables():
    rng = np.random.default_rng(7)
    for _ in range(200):
        a, b, c, d = (int(v) for v in rng.integers(0, 40, size=4))
        x, y = table(a, b, c, d)
        mine = ag.kappa_from_counts(a, b, c, d)
        if not mine.defined:
            continue
        assert mine.value == pytest.approx(cohen_kappa_score(x, y, labels=[0, 1]), abs=1e-12)
        assert ag.cohen_kappa_counts(a, b, c, d).value == pytest.approx(mine.value, abs=1e-12)


def test_binary_alpha_path_equals_general_coincidence_alpha_with_missing():
    rng = np.random.default_rng(3)
    for _ in range(50):
        vals = rng.integers(0, 2, size=(3, 60)).astype(np.int8)
        vals[rng.random((3, 60)) < 0.2] = MISSING
        general = ag.krippendorff_alpha_nominal([[None if v < 0 else int(v) for v in row] for row in vals])
        fast = ag.analyse(units_from(vals.tolist()), resamples=0).codes["c"].alpha
        assert fast.value == pytest.approx(general.value, abs=1e-12)


# ----------------------------------------------------------------------- undefined
def test_unused_code_is_undefined_with_a_reason_not_zero_or_nan():
    ca = ag.analyse(units_from([[0] * 10, [0] * 10], [0] * 5 + [1] * 5), resamples=200).codes["c"]
    assert ca.counts == (0, 0, 0, 10)
    assert ca.kappa.value is None and "neither coder used the code" in ca.kappa.reason
    assert ca.alpha.value is None and "no variation" in ca.alpha.reason
    assert ca.positive_agreement.value is None
    assert ca.kappa_ci.to_json() is None and ca.alpha_ci.to_json() is None
    assert ca.negative_agreement.value == 1.0  # defined: both agreed on every line
    assert ca.ac1.value == 1.0 and ca.pabak.value == 1.0  # true, but says nothing: the code is marked unused
    assert not ca.used and ca.transcripts_with_code == 0
    js = ca.to_json()
    assert js["kappa"] is None and js["alpha"] is None and js["pairwise_kappa"] == {"A|B": None}
    assert js["used"] is False and js["notes"] == ["code not used by any coder"] and js["ac1_ci"] is None
    assert ag.Stat.undefined("x").format() == "–"


def test_code_on_every_line_is_undefined():
    assert "every line" in ag.kappa_from_counts(7, 0, 0, 0).reason
    assert "every line" in ag.cohen_kappa([1, 1, 1], [1, 1, 1]).reason
    assert not ag.negative_agreement(7, 0, 0, 0).defined


def test_constant_but_different_coders_give_kappa_zero_not_undefined():
    # p_e = 0, so kappa = (0 - 0) / 1: a real value
    assert ag.kappa_from_counts(0, 5, 0, 0).value == 0.0


def test_no_shared_lines():
    ca = ag.analyse(units_from([[1, 0, MISSING, MISSING], [MISSING, MISSING, 1, 0]]), resamples=0).codes["c"]
    assert ca.n_units == 0 and ca.counts == (0, 0, 0, 0)
    assert ca.kappa.reason == ag.NO_SHARED
    assert ca.percent_agreement.value is None and ca.ac1.value is None and ca.pabak.value is None
    assert ca.prevalence["A"].value == 0.5


def test_one_coder_is_an_input_error():
    with pytest.raises(InputError, match="at least two coders"):
        ag.analyse(units_from([[1, 0, 1]]))


# ------------------------------------------------------------------ missing data
def test_missing_values_are_skipped_not_counted_as_zero():
    a = [1, 1, 0, 0, 1, 1, 1, 1]
    b = [1, 0, 0, 1, MISSING, MISSING, MISSING, MISSING]
    ca = ag.analyse(units_from([a, b]), resamples=0).codes["c"]
    assert ca.counts == (1, 1, 1, 1) and ca.n_units == 4
    assert ca.prevalence["A"].value == pytest.approx(6 / 8)  # over A's finished lines
    assert ca.prevalence["B"].value == pytest.approx(2 / 4)
    assert ca.kappa.value == pytest.approx(cohen_kappa_score([1, 1, 0, 0], [1, 0, 0, 1]))


# ------------------------------------------------------------------- three coders
def test_three_coders_pairwise_and_alpha():
    a = [1, 1, 0, 0, 1, 0, 1, 0, 0, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 1, 0, 1]
    c = [1, 1, 0, 1, 1, 0, 0, 0, MISSING, 1]
    ca = ag.analyse(units_from([a, b, c]), resamples=0).codes["c"]
    assert ca.counts is None and ca.kappa_name == "Conger" and ca.kappa.defined
    assert set(ca.pairwise_kappa) == {"A|B", "A|C", "B|C"}
    assert ca.pairwise_kappa["A|B"].value == pytest.approx(cohen_kappa_score(a, b))
    assert ca.pairwise_kappa["B|C"].value == pytest.approx(cohen_kappa_score(b[:8] + b[9:], c[:8] + c[9:]))
    general = ag.krippendorff_alpha_nominal([a, b, [None if v < 0 else v for v in c]])
    assert ca.alpha.value == pytest.approx(general.value)
    # observed agreement (Gwet): per line the share of agreeing coder pairs, averaged over lines
    shares = []
    for u in range(10):
        vals = [v[u] for v in (a, b, c) if v[u] >= 0]
        pairs = [(i, j) for i in range(len(vals)) for j in range(len(vals)) if i != j]
        shares.append(sum(vals[i] == vals[j] for i, j in pairs) / len(pairs))
    assert ca.percent_agreement.value == pytest.approx(np.mean(shares))
    assert any("Conger" in n.text for n in ca.notes)
    js = ca.to_json()
    assert js["a"] is None and js["kappa_name"] == "Conger" and isinstance(js["pairwise_kappa"]["A|C"], float)


def test_pair_keys_are_alphabetical():
    units = LineUnits(
        ["zoe", "anna"],
        ["T"],
        np.zeros(4, int),
        np.arange(4),
        {"c": np.array([[1, 0, 1, 0], [1, 0, 0, 0]], dtype=np.int8)},
    )
    assert list(ag.analyse(units, resamples=0).codes["c"].pairwise_kappa) == ["anna|zoe"]


def test_two_coder_multi_formulas_reduce_to_the_2x2_ones():
    rng = np.random.default_rng(11)
    for _ in range(30):
        vals = rng.integers(0, 2, size=(2, 50))
        ca = ag.analyse(units_from(vals.tolist()), resamples=0).codes["c"]
        a, b, c, d = ca.counts
        for got, want in (
            (ca.percent_agreement, ag.percent_agreement(a, b, c, d)),
            (ca.positive_agreement, ag.positive_agreement(a, b, c, d)),
            (ca.negative_agreement, ag.negative_agreement(a, b, c, d)),
            (ca.ac1, ag.gwet_ac1(a, b, c, d)),
            (ca.pabak, ag.pabak(a, b, c, d)),
            (ca.kappa, ag.kappa_from_counts(a, b, c, d)),
        ):
            assert got.value == pytest.approx(want.value, abs=1e-12)


def test_summary_row_is_the_pooled_kappa_not_a_pooled_table():
    x1, y1 = table(20, 5, 10, 15)
    x2, y2 = table(10, 0, 3, 37)
    units = LineUnits(
        ["A", "B"],
        ["T"],
        np.zeros(50, int),
        np.arange(50),
        {"one": np.array([x1, y1], dtype=np.int8), "two": np.array([x2, y2], dtype=np.int8)},
    )
    summary = ag.analyse(units, resamples=0).summary
    po = [(20 + 15) / 50, (10 + 37) / 50]
    pe = [(25 / 50) * (30 / 50) + (25 / 50) * (20 / 50), (10 / 50) * (13 / 50) + (40 / 50) * (37 / 50)]
    pooled = (np.mean(po) - np.mean(pe)) / (1 - np.mean(pe))
    assert summary.pooled_kappa.value == pytest.approx(pooled)
    assert summary.pooled_kappa.value != pytest.approx(ag.kappa_from_counts(30, 5, 13, 52).value)
    assert summary.n_codes == 2 and summary.mean_counts["alpha"] == 2


# ---------------------------------------------------------------------- bootstrap
def _clustered(seed: int = 0, n_t: int = 12):
    rng = np.random.default_rng(seed)
    cl = np.repeat(np.arange(n_t), 30)
    x = (rng.random(cl.size) < 0.3).astype(np.int8)
    y = np.where(rng.random(cl.size) < 0.8, x, 1 - x).astype(np.int8)
    return units_from([x.tolist(), y.tolist()], cl.tolist())


def test_bootstrap_is_reproducible_with_a_seed_and_varies_without():
    units = _clustered()
    r1 = ag.analyse(units, resamples=300, seed=5).codes["c"]
    r2 = ag.analyse(units, resamples=300, seed=5).codes["c"]
    r3 = ag.analyse(units, resamples=300, seed=6).codes["c"]
    assert r1.kappa_ci.to_json() == r2.kappa_ci.to_json()
    assert r1.alpha_ci.to_json() == r2.alpha_ci.to_json()
    assert r1.kappa_ci.to_json() != r3.kappa_ci.to_json()
    lo, hi = r1.kappa_ci.to_json()
    assert lo < r1.kappa.value < hi
    lo, hi = r1.alpha_ci.to_json()
    assert lo < r1.alpha.value < hi


def test_vectorised_bootstrap_equals_a_naive_cluster_bootstrap():
    units = _clustered(seed=1, n_t=8)
    x, y = units.values["c"]
    cl = units.clusters
    weights = ag.bootstrap_weights(8, 50, seed=9)
    fast_all = ag._coefficients(weights @ ag._cluster_stats(units.values["c"], cl, 8), 2)
    fast, fast_alpha = fast_all["kappa"], fast_all["alpha"]
    for r in range(50):
        idx = np.concatenate([np.flatnonzero(cl == t) for t in range(8) for _ in range(int(weights[r, t]))])
        assert fast[r] == pytest.approx(cohen_kappa_score(x[idx], y[idx], labels=[0, 1]))
        assert fast_alpha[r] == pytest.approx(ag.krippendorff_alpha_nominal([x[idx], y[idx]]).value)


def test_bootstrap_needs_two_transcripts():
    ca = ag.analyse(units_from([KA, KB]), resamples=100).codes["c"]
    assert ca.kappa_ci.to_json() is None and "two transcripts" in ca.kappa_ci.reason
    assert any(n.text.startswith("no intervals: needs at least two transcripts") for n in ca.notes)


def test_standalone_bootstrap_helpers_match_analyse():
    units = _clustered(seed=2, n_t=9)  # T0..T8: the names sort like the cluster numbers
    x, y = units.values["c"]
    ca = ag.analyse(units, resamples=200, seed=3).codes["c"]
    assert ag.bootstrap_kappa_ci(x, y, units.clusters, resamples=200, seed=3).to_json() == ca.kappa_ci.to_json()
    assert (
        ag.bootstrap_alpha_ci(units.values["c"], units.clusters, resamples=200, seed=3).to_json()
        == ca.alpha_ci.to_json()
    )


# ---------------------------------------------------------------------- bands
@pytest.mark.parametrize(
    "value,band", [(0.85, "reliable"), (0.8, "reliable"), (0.7, "tentative"), (0.5, "unreliable"), (None, None)]
)
def test_alpha_band(value, band):
    assert ag.alpha_band(value) == band


@pytest.mark.parametrize(
    "value,label",
    [(-0.1, "poor"), (0.1, "slight"), (0.3, "fair"), (0.5, "moderate"), (0.7, "substantial"), (0.9, "almost perfect")],
)
def test_landis_koch(value, label):
    assert ag.landis_koch(value) == label


# ------------------------------------------------------------------- segment view
def coding(cid: int, coder: str, ranges, code: str = "werkwijze", transcript: str = "FG1") -> Coding:
    return Coding(cid, transcript, 1, tuple(ranges), code, 1, coder, "", "", "", f"g{cid}")


def test_segment_view_matched_partial_unmatched():
    a = [
        coding(1, "A", [(1, 10)]),
        coding(2, "A", [(20, 23)]),
        coding(3, "A", [(40, 41)]),
        coding(4, "A", [(50, 52)], code="other"),
    ]
    b = [coding(11, "B", [(2, 10)]), coding(12, "B", [(23, 30)]), coding(13, "B", [(50, 52)])]
    view = segments.segment_view(a, b, threshold=0.5)
    status = {m.coding.id: (m.status, m.best.id if m.best else None) for m in view.first}
    assert status == {1: ("matched", 11), 2: ("partial", 12), 3: ("unmatched", None), 4: ("unmatched", None)}
    assert view.first[0].jaccard == pytest.approx(9 / 10)
    assert view.first[1].jaccard == pytest.approx(1 / 11)
    back = {m.coding.id: m.status for m in view.second}
    assert back == {11: "matched", 12: "partial", 13: "unmatched"}  # 13 has another code
    assert view.counts()["first"] == {"matched": 1, "partial": 1, "unmatched": 2}
    assert view.share_matched().value == pytest.approx(2 / 7)


def test_segment_view_threshold_and_multi_range_codings():
    a = [coding(1, "A", [(1, 4), (10, 13)])]
    b = [coding(2, "B", [(1, 4)])]
    assert segments.segment_view(a, b, 0.5).first[0].status == "matched"  # 4/8
    assert segments.segment_view(a, b, 0.6).first[0].status == "partial"
    with pytest.raises(InputError):
        segments.segment_view(a, b, 0)


def test_few_transcripts_carry_a_caveat_on_the_interval():
    units = _clustered(seed=1, n_t=3)
    ca = ag.analyse(units, resamples=100, seed=1).codes["c"]
    assert ca.kappa_ci.to_json() is not None and ca.kappa_ci.transcripts == 3 and "3 transcripts" in ca.kappa_ci.caveat
    assert any(n.text.startswith("intervals rest on 3 transcript(s)") for n in ca.notes)
    many = ag.analyse(_clustered(seed=1, n_t=12), resamples=100, seed=1).codes["c"]
    assert not any("too narrow" in n.text for n in many.notes) and many.kappa_ci.caveat is None


def test_caveat_appears_whenever_fewer_than_ten_transcripts_carry_the_code():
    """A small fixed-seed simulation: the code occurs in 0–14 of up to 16 transcripts."""
    rng = np.random.default_rng(20261130)
    seen = set()
    for _ in range(60):
        n_t = int(rng.integers(2, 17))
        carrying = int(rng.integers(0, n_t + 1))
        with_code = set(rng.choice(n_t, size=carrying, replace=False).tolist())
        cl = np.repeat(np.arange(n_t), 20)
        x = np.zeros(cl.size, dtype=np.int8)
        for t in with_code:  # a few lines per carrying transcript, one coder or both
            lines = np.flatnonzero(cl == t)[:3]
            x[lines] = 1
        y = np.where(rng.random(cl.size) < 0.1, 1 - x, x).astype(np.int8)
        y[~np.isin(cl, list(with_code))] = 0  # the code occurs only in the chosen transcripts
        ca = ag.analyse(units_from([x.tolist(), y.tolist()], cl.tolist()), resamples=100, seed=3).codes["c"]
        assert ca.transcripts_with_code == carrying
        seen.add(min(carrying, 10))
        for key, ci in ca.intervals.items():
            assert ci.transcripts == carrying
            if carrying < 2:
                assert not ci.defined, (key, carrying)
            elif carrying < 10:
                assert not ci.defined or (ci.caveat and f"{carrying} transcripts" in ci.caveat), (key, carrying)
            else:
                assert ci.caveat is None
        text = " ".join(n.text for n in ca.notes)
        if 2 <= carrying < 10:
            assert f"rest on {carrying} transcript(s)" in text
        elif carrying >= 10:
            assert "too narrow" not in text
    assert seen >= {0, 1, 2, 5, 9, 10}


def test_resampling_does_not_depend_on_the_order_transcripts_are_listed_in():
    units = _clustered(seed=4, n_t=7)
    flipped_names = list(reversed(units.transcripts))
    # the same data with the transcripts listed in reverse order
    remap = np.array([flipped_names.index(t) for t in units.transcripts])
    flipped = LineUnits(units.coders, flipped_names, remap[units.clusters], units.lines, units.values)
    a = ag.analyse(units, resamples=300, seed=8)
    b = ag.analyse(flipped, resamples=300, seed=8)
    for key in a.codes["c"].intervals:
        assert a.codes["c"].intervals[key].to_json() == b.codes["c"].intervals[key].to_json()
    assert a.summary.pooled_kappa_ci.to_json() == b.summary.pooled_kappa_ci.to_json()


def test_float_noise_is_never_shown():
    s = ag.Stat(-3.3e-16)
    assert s.format() == "0.000" and s.to_json() == 0.0 and str(s.to_json()) == "0.0"
    ci = ag.Interval(-3.3e-16, 0.5)
    assert ci.format() == "[0.000, 0.500]" and ci.to_json() == [0.0, 0.5]
    assert ag.Stat(-0.0004).format() == "0.000"


def test_intervals_for_every_coefficient_and_the_summary_row():
    ca = ag.analyse(_clustered(seed=5, n_t=12), resamples=200, seed=2)
    code = ca.codes["c"]
    for key in ("percent_agreement", "kappa", "fleiss", "alpha", "ac1", "pabak"):
        lo, hi = code.intervals[key].to_json()
        assert lo <= getattr(code, key).value <= hi, key
    lo, hi = ca.summary.pooled_kappa_ci.to_json()
    assert lo <= ca.summary.pooled_kappa.value <= hi


def test_pair_matrix_and_coder_against_consensus():
    a = [1, 1, 0, 0, 1, 0, 1, 0, 0, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 1, 0, 1]
    c = [1, 1, 0, 1, 1, 0, 0, 0, MISSING, 1]
    units = units_from([a, b, c])
    units.reference = {"c": np.array(a, dtype=np.int8)}
    ca = ag.analyse(units, resamples=0).codes["c"]
    pair = ca.pairs["A|B"]
    assert pair.kappa.value == pytest.approx(cohen_kappa_score(a, b))
    assert pair.alpha.value == pytest.approx(ag.krippendorff_alpha_nominal([a, b]).value)
    assert pair.ac1.value == pytest.approx(ag.gwet_ac1(*ag.counts_2x2(a, b)).value)
    assert ca.against_consensus["A"].kappa.value == pytest.approx(1.0)
    assert ca.against_consensus["C"].n_units == 9
    assert ca.against_consensus["B"].kappa.value == pytest.approx(cohen_kappa_score(b, a))


def test_pattern_counting_equals_summing_line_by_line():
    rng = np.random.default_rng(12)
    for r in (2, 3, 5):
        values = rng.integers(-1, 2, size=(r, 400)).astype(np.int8)
        cl = rng.integers(0, 7, size=400)
        fast = ag._cluster_stats(values, cl, 7)
        slow = ag._cluster_stats_direct(values, cl, 7)
        assert np.allclose(fast, slow, atol=1e-9)
    wide = rng.integers(-1, 2, size=(9, 50)).astype(np.int8)  # above MAX_STATE_CODERS: the direct path
    report = ag.analyse(LineUnits([f"c{i}" for i in range(9)], ["T"], np.zeros(50, int), np.arange(50), {"c": wide}))
    assert report.codes["c"].kappa_name == "Conger" and report.codes["c"].alpha.defined
