"""Agreement across the subcodes of a theme whose codes are mutually exclusive.

When the codebook marks a theme ``exclusive: true``, each line gets one value per
coder: the subcode the coder applied there, ``(none)`` when the coder finished the
transcript and applied none of them, or missing when the coder has not finished
it. A line where a coder applied two subcodes of an exclusive theme breaks the
codebook's rule; that value is left out (missing) and counted, never guessed.

Reported per theme: Krippendorff's alpha for nominal data over these categories
(a multi-valued alpha in the spirit of ATLAS.ti's semantic-domain alpha; ``(none)``
is a category, so lines nobody coded count as agreement), and per pair of coders
the code × code confusion table of the lines both finished (rows: first coder,
columns: second coder).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from qualcode.agreement.results import MISSING, LineUnits, Stat
from qualcode.agreement.stats import alpha_from_coincidences, coincidences, pair_key

NONE = "(none)"


@dataclass
class ExclusiveAgreement:
    theme: str
    codes: list[str]
    categories: list[str]  # codes then "(none)"
    alpha: Stat
    n_units: int  # lines with at least two values
    conflicts: dict[str, int]  # coder → lines where they applied two or more subcodes (left out)
    confusion: dict[str, np.ndarray] = field(default_factory=dict)  # "A|B" → categories × categories

    def to_json(self) -> dict[str, Any]:
        return {
            "codes": list(self.codes),
            "categories": list(self.categories),
            "alpha": self.alpha.to_json(),
            "n_units": self.n_units,
            "conflicts": dict(self.conflicts),
            "confusion": {k: m.astype(int).tolist() for k, m in self.confusion.items()},
        }


def categories(units: LineUnits, codes: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Coders × units category indices (0..len(codes)-1 a code, len(codes) none, -1 missing) and conflicts."""
    stack = np.stack([np.asarray(units.values[c]) for c in codes])  # codes × coders × units
    ones = (stack == 1).sum(axis=0)
    finished = stack[0] >= 0
    cat = np.where(ones == 0, len(codes), np.argmax(stack == 1, axis=0))
    conflict = finished & (ones >= 2)
    cat = np.where(finished & ~conflict, cat, MISSING)
    return cat.astype(np.int64), {c: int(conflict[g].sum()) for g, c in enumerate(units.coders)}


def analyse_theme(units: LineUnits, theme: str, codes: list[str]) -> ExclusiveAgreement:
    cat, conflicts = categories(units, codes)
    k = len(codes) + 1
    counts = np.stack([(cat == j).sum(axis=0) for j in range(k)], axis=1).astype(float)  # units × categories
    n_units = int(((cat >= 0).sum(axis=0) >= 2).sum())
    alpha = alpha_from_coincidences(coincidences(counts)) if n_units else Stat.undefined("no lines to compare")
    confusion = {}
    for i, j in combinations(range(len(units.coders)), 2):
        both = (cat[i] >= 0) & (cat[j] >= 0)
        m = np.zeros((k, k))
        np.add.at(m, (cat[i][both], cat[j][both]), 1)
        first, second = units.coders[i], units.coders[j]
        key = pair_key(first, second)
        confusion[key] = m if key.startswith(first + "|") else m.T
    return ExclusiveAgreement(theme, list(codes), list(codes) + [NONE], alpha, n_units, conflicts, confusion)


def analyse_themes(units: LineUnits, themes: dict[str, list[str]]) -> dict[str, ExclusiveAgreement]:
    """Every exclusive theme whose subcodes are all in ``units``."""
    return {
        theme: analyse_theme(units, theme, codes)
        for theme, codes in themes.items()
        if all(c in units.values for c in codes)
    }
