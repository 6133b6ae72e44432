"""The notes of an agreement report, grouped by kind so a reader sees each remark once.

:func:`grouped` turns the per-code :class:`~qualcode.agreement.results.Note` lists
into plain data — codes nobody used, intervals resting on few transcripts, missing
intervals and undefined figures grouped by their reason — that the CLI, the
workbench and the Word report phrase in their own words (and language).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.agreement.results import FEW_TRANSCRIPTS, AgreementReport
from qualcode.agreement.stats import LABELS


@dataclass
class GroupedNotes:
    unused: list[str] = field(default_factory=list)  # codes nobody used
    few: list[tuple[str, int]] = field(default_factory=list)  # (code, transcripts carrying it) below 10
    no_interval: dict[str, list[str]] = field(default_factory=dict)  # reason → codes
    undefined: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (figure, reason) → codes
    partial: list[tuple[str, str, int, int]] = field(default_factory=list)  # (code, figure, used, resamples)
    coders: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.unused, self.few, self.no_interval, self.undefined, self.partial, self.coders))


def grouped(report: AgreementReport) -> GroupedNotes:
    out = GroupedNotes()
    boot_missing = report.resamples <= 0
    for ca in report.codes.values():
        if not ca.used:
            out.unused.append(ca.code)
            continue
        for key in ("kappa", "fleiss", "alpha", "positive_agreement", "negative_agreement", "percent_agreement"):
            s = getattr(ca, key)
            if not s.defined and s.reason:
                out.undefined.setdefault((LABELS[key], s.reason), []).append(ca.code)
        reasons = {ci.reason for ci in ca.intervals.values() if not ci.defined and ci.reason}
        generic = [r for r in reasons if not r.endswith("is undefined")]
        if generic and not boot_missing:
            out.no_interval.setdefault(generic[0], []).append(ca.code)
        elif any(ci.defined for ci in ca.intervals.values()) and ca.transcripts_with_code < FEW_TRANSCRIPTS:
            out.few.append((ca.code, ca.transcripts_with_code))
        for key, ci in ca.intervals.items():
            if ci.defined and ci.used < ci.resamples:
                out.partial.append((ca.code, LABELS[key], ci.used, ci.resamples))
        for n in ca.notes:
            if n.kind == "coders" and n.text not in out.coders:
                out.coders.append(n.text)
    if len(report.coders) > 2 and not out.coders:
        out.coders.append(f"kappa is Conger's kappa ({len(report.coders)} coders)")
    return out


def english(notes: GroupedNotes) -> list[str]:
    """The grouped notes as plain English sentences (CLI, workbench)."""
    lines = []
    if notes.unused:
        lines.append(
            "Code not used by any coder (dimmed; its AC1, PABAK and percent agreement of 1 say nothing): "
            + ", ".join(notes.unused)
        )
    if notes.few:
        lines.append(
            f"Intervals resting on fewer than {FEW_TRANSCRIPTS} transcripts in which the code occurs are likely "
            "too narrow: " + ", ".join(f"{c} ({n})" for c, n in notes.few)
        )
    for reason, codes in notes.no_interval.items():
        lines.append(f"No intervals ({reason}): " + ", ".join(codes))
    for (figure, reason), codes in notes.undefined.items():
        lines.append(f"{figure} undefined ({reason}): " + ", ".join(codes))
    if notes.partial:
        lines.append(
            "Intervals from the resamples in which the figure is defined: "
            + ", ".join(f"{code} {figure} ({used} of {total})" for code, figure, used, total in notes.partial)
        )
    lines.extend(notes.coders)
    return lines
