"""Result types and constants of the agreement statistics (see :mod:`qualcode.agreement.stats`).

A statistic that cannot be computed is a :class:`Stat` with ``value=None`` and a
``reason``; nothing returns NaN or a made-up 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MISSING = -1
DEFAULT_SEED = 2011
DEFAULT_RESAMPLES = 1000
DEFAULT_THRESHOLD = 0.5

NO_SHARED = "no lines that both coders finished"
NO_PAIRABLE = "no lines finished by at least two coders"
NOBODY = "no variation: no coder used the code"
NEITHER = "no variation: neither coder used the code"
EVERYWHERE = "no variation: every line carries the code for every coder"


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
        return undefined if self.value is None else f"{self.value:.{digits}f}"

    def to_json(self) -> float | None:
        return None if self.value is None else float(self.value)


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval, or undefined with a reason."""

    low: float | None
    high: float | None
    reason: str | None = None
    level: float = 0.95
    resamples: int = 0
    used: int = 0  # resamples in which the statistic was defined

    @property
    def defined(self) -> bool:
        return self.low is not None

    def format(self, digits: int = 3, undefined: str = "–") -> str:
        if self.low is None:
            return undefined
        return f"[{self.low:.{digits}f}, {self.high:.{digits}f}]"

    def to_json(self) -> list[float] | None:
        return None if self.low is None else [float(self.low), float(self.high)]


@dataclass
class CodeAgreement:
    """All agreement figures for one code (or for all codes pooled)."""

    code: str
    coders: list[str]
    n_units: int  # lines with at least two coders' values (two coders: lines both finished)
    counts: tuple[int, int, int, int] | None  # (a, b, c, d); None unless exactly two coders
    prevalence: dict[str, Stat]
    percent_agreement: Stat
    positive_agreement: Stat
    negative_agreement: Stat
    kappa: Stat
    kappa_ci: Interval
    alpha: Stat
    alpha_ci: Interval
    ac1: Stat
    pabak: Stat
    pairwise_kappa: dict[str, Stat]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        a, b, c, d = self.counts if self.counts is not None else (None,) * 4
        return {
            "n_units": self.n_units,
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "prevalence": {k: v.to_json() for k, v in self.prevalence.items()},
            "percent_agreement": self.percent_agreement.to_json(),
            "positive_agreement": self.positive_agreement.to_json(),
            "negative_agreement": self.negative_agreement.to_json(),
            "kappa": self.kappa.to_json(),
            "kappa_ci": self.kappa_ci.to_json(),
            "alpha": self.alpha.to_json(),
            "alpha_ci": self.alpha_ci.to_json(),
            "ac1": self.ac1.to_json(),
            "pabak": self.pabak.to_json(),
            "pairwise_kappa": {k: v.to_json() for k, v in self.pairwise_kappa.items()},
            "notes": list(self.notes),
        }


@dataclass
class LineUnits:
    """Line-unit values of several coders for several codes.

    ``values[code]`` is an ``int8`` array of shape ``(len(coders), n_units)`` holding
    1, 0 or :data:`MISSING`; all codes share the same units. ``clusters[u]`` is the
    index into ``transcripts`` of unit ``u``; ``lines[u]`` its line number.
    """

    coders: list[str]
    transcripts: list[str]
    clusters: np.ndarray
    lines: np.ndarray
    values: dict[str, np.ndarray]

    @property
    def n_units(self) -> int:
        return int(self.clusters.shape[0])


@dataclass
class AgreementReport:
    coders: list[str]
    transcripts: list[str]
    codes: dict[str, CodeAgreement]
    overall: CodeAgreement
    resamples: int
    seed: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": "line",
            "coders": list(self.coders),
            "transcripts": list(self.transcripts),
            "codes": {name: ca.to_json() for name, ca in self.codes.items()},
            "overall": self.overall.to_json(),
        }
