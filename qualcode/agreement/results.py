"""Result types and constants of the agreement statistics (see :mod:`qualcode.agreement.stats`).

A statistic that cannot be computed is a :class:`Stat` with ``value=None`` and a
``reason``; nothing returns NaN or a made-up 0 or 1. Values are kept exactly as
computed; rounding (and clipping float noise such as ``-3.3e-16`` to 0) happens
only when a value is shown: :meth:`Stat.format` and :meth:`Stat.to_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MISSING = -1
DEFAULT_SEED = 2011
DEFAULT_RESAMPLES = 1000
DEFAULT_THRESHOLD = 0.5
FEW_TRANSCRIPTS = 10  # an interval resting on fewer transcripts that carry the code gets a caveat
MIN_TRANSCRIPTS = 2  # below this many transcripts carrying the code there is no interval

NO_SHARED = "no lines that both coders finished"
NO_PAIRABLE = "no lines finished by at least two coders"
NOBODY = "no variation: no coder used the code"
NEITHER = "no variation: neither coder used the code"
EVERYWHERE = "no variation: every line carries the code for every coder"
UNUSED = "code not used by any coder"

# The coefficients with an interval, in display order (keys of CodeAgreement.intervals).
COEFFICIENTS = ("percent_agreement", "kappa", "fleiss", "alpha", "ac1", "pabak")


def clean(value: float, digits: int = 12) -> float:
    """``value`` rounded to ``digits`` decimals, without a negative zero (display only)."""
    v = round(float(value), digits)
    return 0.0 if v == 0 else v


def fmt(value: float | None, digits: int = 3, undefined: str = "–") -> str:
    """Fixed decimals, never ``-0.000``."""
    if value is None:
        return undefined
    text = f"{clean(value, digits):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Stat:
    """A statistic that is either a number (``value``) or undefined (``reason``)."""

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Stat:
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        return self.value is not None

    def format(self, digits: int = 3, undefined: str = "–") -> str:
        return fmt(self.value, digits, undefined)

    def to_json(self) -> float | None:
        return None if self.value is None else clean(self.value)


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval, or undefined with a reason.

    ``transcripts`` is the number of transcripts in which the code occurs (for any
    compared coder); ``caveat`` is set when that is below :data:`FEW_TRANSCRIPTS`.
    """

    low: float | None
    high: float | None
    reason: str | None = None
    level: float = 0.95
    resamples: int = 0
    used: int = 0  # resamples in which the statistic was defined
    transcripts: int | None = None
    caveat: str | None = None

    @property
    def defined(self) -> bool:
        return self.low is not None

    def format(self, digits: int = 3, undefined: str = "–") -> str:
        if self.low is None or self.high is None:
            return undefined
        return f"[{fmt(self.low, digits)}, {fmt(self.high, digits)}]"

    def to_json(self) -> list[float] | None:
        return None if self.low is None or self.high is None else [clean(self.low), clean(self.high)]


@dataclass(frozen=True)
class Note:
    """A remark on a figure: ``kind`` groups notes in the reports (unused, undefined, interval, coders)."""

    kind: str
    text: str


@dataclass
class PairAgreement:
    """Two coders (or a coder and the consensus) on one code: the lines at least one of them finished."""

    first: str
    second: str
    n_units: int  # lines both finished
    percent_agreement: Stat
    kappa: Stat  # Cohen's kappa on the lines both finished
    alpha: Stat
    ac1: Stat

    def to_json(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "percent_agreement": self.percent_agreement.to_json(),
            "kappa": self.kappa.to_json(),
            "alpha": self.alpha.to_json(),
            "ac1": self.ac1.to_json(),
        }


@dataclass
class CodeAgreement:
    """All agreement figures for one code."""

    code: str
    coders: list[str]
    n_units: int  # lines with at least two coders' values (two coders: lines both finished)
    counts: tuple[int, int, int, int] | None  # (a, b, c, d); None unless exactly two coders
    prevalence: dict[str, Stat]
    percent_agreement: Stat
    positive_agreement: Stat
    negative_agreement: Stat
    kappa: Stat  # Cohen's kappa (two coders) or Conger's kappa (three or more)
    fleiss: Stat
    alpha: Stat
    ac1: Stat
    pabak: Stat  # Brennan–Prediger; PABAK for two categories
    intervals: dict[str, Interval]
    pairs: dict[str, PairAgreement]  # "A|B" → the pair's figures
    used: bool  # some coder applied the code somewhere in scope
    transcripts_with_code: int  # transcripts in which some compared coder applied the code
    against_consensus: dict[str, PairAgreement] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    @property
    def kappa_name(self) -> str:
        return "Cohen" if len(self.coders) == 2 else "Conger"

    @property
    def kappa_ci(self) -> Interval:
        return self.intervals["kappa"]

    @property
    def alpha_ci(self) -> Interval:
        return self.intervals["alpha"]

    @property
    def pairwise_kappa(self) -> dict[str, Stat]:
        return {k: p.kappa for k, p in self.pairs.items()}

    def to_json(self) -> dict[str, Any]:
        a, b, c, d = self.counts if self.counts is not None else (None,) * 4
        out: dict[str, Any] = {
            "used": self.used,
            "n_units": self.n_units,
            "transcripts_with_code": self.transcripts_with_code,
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "prevalence": {k: v.to_json() for k, v in self.prevalence.items()},
            "percent_agreement": self.percent_agreement.to_json(),
            "positive_agreement": self.positive_agreement.to_json(),
            "negative_agreement": self.negative_agreement.to_json(),
            "kappa": self.kappa.to_json(),
            "kappa_name": self.kappa_name,
            "fleiss_kappa": self.fleiss.to_json(),
            "alpha": self.alpha.to_json(),
            "ac1": self.ac1.to_json(),
            "pabak": self.pabak.to_json(),
        }
        for key, ci in self.intervals.items():
            out[f"{'fleiss_kappa' if key == 'fleiss' else key}_ci"] = ci.to_json()
        out["ci_transcripts"] = self.transcripts_with_code
        out["pairs"] = {k: p.to_json() for k, p in self.pairs.items()}
        out["pairwise_kappa"] = {k: v.to_json() for k, v in self.pairwise_kappa.items()}
        out["against_consensus"] = {k: p.to_json() for k, p in self.against_consensus.items()}
        out["notes"] = [n.text for n in self.notes]
        out["note_kinds"] = [n.kind for n in self.notes]
        return out


@dataclass
class Summary:
    """The summary row: De Vries' pooled kappa and the means of the other coefficients over codes.

    ``pooled_kappa`` = (mean p_o − mean p_e) / (1 − mean p_e) over the codes with
    compared lines, p_o and p_e being those of each code's kappa (Cohen's for two
    coders, Conger's for more). ``means[k]`` is the plain mean of coefficient ``k``
    over the codes where it is defined (``n_codes[k]`` of them).
    """

    n_units: int
    n_codes: int  # codes with compared lines (those pooled)
    pooled_kappa: Stat
    pooled_kappa_ci: Interval
    means: dict[str, Stat]
    mean_counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "what": "pooled kappa (De Vries et al. 2008); other figures are means over codes where defined",
            "n_units": self.n_units,
            "n_codes": self.n_codes,
            "pooled_kappa": self.pooled_kappa.to_json(),
            "pooled_kappa_ci": self.pooled_kappa_ci.to_json(),
            "means": {k: v.to_json() for k, v in self.means.items()},
            "mean_over_codes": dict(self.mean_counts),
        }


@dataclass
class TranscriptAgreement:
    """Agreement within one transcript (or one round): pooled kappa and mean percent agreement over codes."""

    name: str
    n_units: int
    pooled_kappa: Stat
    percent_agreement: Stat
    round: int | None = None
    transcripts: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n_units": self.n_units,
            "pooled_kappa": self.pooled_kappa.to_json(),
            "percent_agreement": self.percent_agreement.to_json(),
        }
        if self.round is not None:
            out["round"] = self.round
        if self.transcripts:
            out["transcripts"] = list(self.transcripts)
        return out


@dataclass
class LineUnits:
    """Line-unit values of several coders for several codes.

    ``values[code]`` is an ``int8`` array of shape ``(len(coders), n_units)`` holding
    1, 0 or :data:`MISSING`; all codes share the same units. ``clusters[u]`` is the
    index into ``transcripts`` of unit ``u``; ``lines[u]`` its line number.
    ``reference`` optionally holds the consensus coder's values per code (one row,
    same units), compared with each coder but never part of the coefficients.
    """

    coders: list[str]
    transcripts: list[str]
    clusters: np.ndarray
    lines: np.ndarray
    values: dict[str, np.ndarray]
    reference: dict[str, np.ndarray] | None = None
    reference_name: str = "consensus"

    @property
    def n_units(self) -> int:
        return int(self.clusters.shape[0])


@dataclass
class AgreementReport:
    coders: list[str]
    transcripts: list[str]
    codes: dict[str, CodeAgreement]
    summary: Summary
    resamples: int
    seed: int | None
    per_transcript: list[TranscriptAgreement] = field(default_factory=list)
    rounds: list[TranscriptAgreement] = field(default_factory=list)
    exclusive: dict[str, Any] = field(default_factory=dict)  # theme → ExclusiveAgreement
    consensus_coder: str | None = None
    consensus_transcripts: int = 0
    cluster_stats: Any = field(default=None, repr=False)  # for subset summaries (rounds)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": "line",
            "coders": list(self.coders),
            "transcripts": list(self.transcripts),
            "resamples": self.resamples,
            "seed": self.seed,
            "codes": {name: ca.to_json() for name, ca in self.codes.items()},
            "summary": self.summary.to_json(),
            "per_transcript": {t.name: t.to_json() for t in self.per_transcript},
            "rounds": {t.name: t.to_json() for t in self.rounds},
            "exclusive": {k: v.to_json() for k, v in self.exclusive.items()},
            "consensus": {"coder": self.consensus_coder, "transcripts_done": self.consensus_transcripts},
        }
