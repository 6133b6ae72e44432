"""Time every agreement statistic on a synthetic corpus (prints figures, asserts nothing).

200 transcripts × 1,000 lines, 5 codes, 3 coders (about 5 % of lines missing for one
coder), 1,000 bootstrap resamples; also the same data restricted to two coders (so
Cohen's kappa and its interval are computed too). Building the matrices from a
project file is not timed here.

    .venv/bin/python bench/bench_agreement.py [--transcripts 200] [--lines 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def synthetic(n_t: int, n_lines: int, n_codes: int, n_coders: int, seed: int = 1):
    from qualcode.agreement.stats import MISSING, LineUnits

    rng = np.random.default_rng(seed)
    n = n_t * n_lines
    clusters = np.repeat(np.arange(n_t), n_lines)
    values = {}
    for k in range(n_codes):
        truth = rng.random(n) < 0.05 + 0.05 * k
        v = np.empty((n_coders, n), dtype=np.int8)
        for c in range(n_coders):
            flip = rng.random(n) < 0.04
            v[c] = np.where(flip, ~truth, truth)
        unfinished = np.isin(clusters, rng.choice(n_t, size=max(1, n_t // 20), replace=False))
        v[n_coders - 1, unfinished] = MISSING
        values[f"code{k + 1}"] = v
    coders = [f"coder{c + 1}" for c in range(n_coders)]
    return LineUnits(
        coders, [f"T{t:03d}" for t in range(n_t)], clusters, np.tile(np.arange(1, n_lines + 1), n_t), values
    )


def show(report) -> None:
    """Every statistic of every code, each interval with the number of transcripts it rests on."""
    for name, ca in report.codes.items():
        iv = ca.intervals
        print(
            f"  {name}: n {ca.n_units:,}  agree {ca.percent_agreement.format()} {iv['percent_agreement'].format()}  "
            f"pos {ca.positive_agreement.format()}  neg {ca.negative_agreement.format()}"
        )
        print(
            f"    {ca.kappa_name} κ {ca.kappa.format()} {iv['kappa'].format()}  Fleiss {ca.fleiss.format()} "
            f"{iv['fleiss'].format()}  α {ca.alpha.format()} {iv['alpha'].format()}"
        )
        print(
            f"    AC1 {ca.ac1.format()} {iv['ac1'].format()}  PABAK {ca.pabak.format()} {iv['pabak'].format()}  "
            f"T {ca.transcripts_with_code}  pairs "
            + ", ".join(
                f"{k} κ {p.kappa.format()} α {p.alpha.format()} AC1 {p.ac1.format()}" for k, p in ca.pairs.items()
            )
        )
    s = report.summary
    print(
        f"  summary: pooled κ {s.pooled_kappa.format()} {s.pooled_kappa_ci.format()}; means over codes: "
        + ", ".join(f"{k} {v.format()}" for k, v in s.means.items())
    )
    print(f"  per transcript: {len(report.per_transcript)} rows")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--transcripts", type=int, default=200)
    p.add_argument("--lines", type=int, default=1000)
    p.add_argument("--codes", type=int, default=5)
    p.add_argument("--coders", type=int, default=3)
    p.add_argument("--resamples", type=int, default=1000)
    args = p.parse_args()

    t0 = time.perf_counter()
    from qualcode.agreement import stats as agreement

    t_import = time.perf_counter() - t0
    units = synthetic(args.transcripts, args.lines, args.codes, args.coders)
    print(
        f"corpus: {args.transcripts} transcripts × {args.lines} lines, {args.codes} codes, {args.coders} coders "
        f"({units.n_units:,} line units per code)"
    )
    print(f"import qualcode.agreement.stats (numpy only): {t_import:.2f} s (once per process)")

    t0 = time.perf_counter()
    report = agreement.analyse(units, resamples=args.resamples, seed=1)
    t_all = time.perf_counter() - t0
    print(f"all statistics, {args.coders} coders, {args.resamples} resamples: {t_all:.2f} s (target < 2 s)")
    show(report)
    two = agreement.LineUnits(
        units.coders[:2], units.transcripts, units.clusters, units.lines, {k: v[:2] for k, v in units.values.items()}
    )
    t0 = time.perf_counter()
    report2 = agreement.analyse(two, resamples=args.resamples, seed=1)
    t_two = time.perf_counter() - t0
    print(f"all statistics, 2 coders (kappa + CI too), {args.resamples} resamples: {t_two:.2f} s")
    show(report2)
    t0 = time.perf_counter()
    agreement.analyse(units, resamples=0)
    print(f"point estimates only, {args.coders} coders: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
