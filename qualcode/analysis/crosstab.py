"""Crosstabs: codes (rows, with theme subtotals) × groups (columns) — ``qualcode crosstab``.

Groups are speakers (``FG1:R3``; a label is local to its transcript), transcripts, or
the values of an attribute (of participants, else of transcripts). Three units:

* ``codings`` — a coding counts once in every group one of its speakers belongs to (a
  coding over R2's and R3's lines counts for both their groups);
* ``lines`` — distinct coded lines (a line coded with the code by two coders counts once);
* ``speakers`` — distinct (transcript, speaker) pairs who said something coded with the code.

Non-participants (the moderator) are left out: their lines count nowhere. Lines without
a speaker count only for ``--by transcript`` and transcript attributes. Participants
without a value for the attribute are counted in a ``(none)`` column (shown when it
holds something). Theme subtotals count distinct units over a theme and all its
subcodes (so for lines and speakers they are not the sum of the rows).

Column bases (for percentages): distinct units of the group over all codes; for
``speakers`` the number of participants in the group, coded or not.

The chi-squared test is Pearson's (``scipy.stats.chi2_contingency(correction=False)``)
on the codes × groups table after dropping all-zero rows and columns, with Cramér's
V = sqrt(chi² / (n · (min(r, c) − 1))). A warning is added when any expected count is
below 1 or more than 20% are below 5 (Cochran's rule), and for ``codings`` when some
codings count in more than one group (the observations are then not independent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qualcode.analysis import coded as cd
from qualcode.analysis import participants as pt
from qualcode.errors import InputError, NotFoundError
from qualcode.store.project import Project

UNITS = ("codings", "lines", "speakers")
NONE = "(none)"


@dataclass
class Theme:
    name: str
    codes: list[str]
    counts: list[int]


@dataclass
class Crosstab:
    by: str
    unit: str
    coders: list[str]
    rows: list[str]
    columns: list[str]
    counts: np.ndarray  # rows × columns, int64
    row_totals: list[int]
    column_bases: list[int]
    themes: list[Theme]
    chi2: dict | None
    notes: list[str] = field(default_factory=list)
    coded: cd.Coded | None = None
    line_group: np.ndarray | None = None  # per coded line: column index, -1 when not counted

    def percentages(self) -> list[list[float | None]]:
        """Column percentages of ``counts`` against the column bases (one decimal)."""
        return [
            [round(100.0 * v / b, 1) if b else None for v, b in zip(row, self.column_bases)]
            for row in self.counts.tolist()
        ]

    def as_dict(self, percentages: bool = False) -> dict:
        out = {
            "by": self.by,
            "unit": self.unit,
            "rows": self.rows,
            "columns": self.columns,
            "counts": self.counts.tolist(),
            "coders": self.coders,
            "row_totals": self.row_totals,
            "column_bases": self.column_bases,
            "themes": [{"name": t.name, "codes": t.codes, "counts": t.counts} for t in self.themes],
            "chi2": self.chi2,
            "notes": self.notes,
        }
        if percentages:
            out["column_percentages"] = self.percentages()
        return out

    def cell_coding_ids(self, row: str, column: str, *, theme: bool = False) -> list[int]:
        """The codings behind a cell (a code's row, or with ``theme`` a theme's subtotal row), by coding id."""
        coded, groups = self.coded, self.line_group
        if coded is None or groups is None:
            return []
        col = self.columns.index(column)
        wanted = _row_codes(coded, row, theme)
        mask = (groups == col) & np.isin(coded.line_code, wanted)
        return sorted(int(i) for i in np.unique(coded.coding_id[coded.line_coding[mask]]))


def _row_codes(coded: cd.Coded, row: str, theme: bool) -> list[int]:
    """Code indexes of a row: the code itself, or for a theme row the theme and its subcodes."""
    by_name = {c.name: i for i, c in enumerate(coded.codes)}
    if row not in by_name:
        raise NotFoundError(f"no row {row!r} in this table")
    root = coded.codes[by_name[row]].id
    if not theme:
        return [by_name[row]]
    return [i for i, c in enumerate(coded.codes) if c.id in _descendants(coded, root)]


def _children(coded: cd.Coded, code_id: int) -> list[int]:
    return [c.id for c in coded.codes if c.parent_id == code_id]


def _descendants(coded: cd.Coded, code_id: int) -> set[int]:
    out, todo = {code_id}, [code_id]
    while todo:
        kids = _children(coded, todo.pop())
        out.update(kids)
        todo.extend(kids)
    return out


# ----------------------------------------------------------------- grouping
def resolve_by(coded: cd.Coded, by: str) -> str:
    """``speaker``, ``transcript``, or the kind of attribute (``participant``/``transcript-attribute``)."""
    if by in ("speaker", "transcript"):
        return by
    p_names, t_names = coded.attribute_names()
    if by in p_names and by in t_names:
        raise InputError(f"{by!r} is both a participant and a transcript attribute; rename one of them")
    if by in p_names:
        return "participant"
    if by in t_names:
        return "transcript-attribute"
    known = ", ".join(["speaker", "transcript", *p_names, *t_names])
    raise NotFoundError(f"--by {by!r}: no such attribute (choose from {known})")


def run_groups(coded: cd.Coded, by: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(column index per run or -1, column names, column index per speaker or -1).

    Speaker, transcript and attributes are the same on every line of a run (a turn), so the
    grouping is decided per run and gathered to lines with one index operation.
    """
    kind = resolve_by(coded, by)
    names = coded.transcript_names
    speakers, counted = coded.runs.speakers, coded.participant
    if kind in ("speaker", "participant"):
        if kind == "speaker":
            values = [f"{names[t]}:{s}" if ok else None for (t, s), ok in zip(speakers, counted)]
            columns = [v for v in values if v is not None]
        else:
            values = [
                ((p.attributes.get(by) if p else None) or NONE) if ok else None for p, ok in zip(coded.people, counted)
            ]
            columns = sorted({v for v in values if v is not None and v != NONE}) + [NONE]
        col_of = {c: i for i, c in enumerate(columns)}
        speaker_group = np.array([col_of[v] if v is not None else -1 for v in values] + [-1], dtype=np.int64)
        return speaker_group[coded.runs.speaker], columns, speaker_group[:-1]
    if kind == "transcript":
        tvalue = dict(names)
        columns = [names[t] for t in sorted(names)]
    else:
        tvalue = {tid: coded.transcript_attributes.get(tid, {}).get(by) or NONE for tid in names}
        columns = sorted({v for v in tvalue.values() if v != NONE}) + [NONE]
    col_of = {c: i for i, c in enumerate(columns)}
    lookup = np.full(max(names, default=0) + 1, -1, dtype=np.int64)
    for tid, v in tvalue.items():
        lookup[tid] = col_of[v]
    group = lookup[coded.runs.transcript_id] if len(coded.runs.transcript_id) else np.zeros(0, dtype=np.int64)
    group[np.append(~counted, False)[coded.runs.speaker]] = -1  # runs of non-participants
    speaker_group = np.array([lookup[t] if ok else -1 for (t, _), ok in zip(speakers, counted)], dtype=np.int64)
    return group, columns, speaker_group


def line_groups(coded: cd.Coded, by: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(column index per coded line or -1, column names, column index per speaker or -1)."""
    run_group, columns, speaker_group = run_groups(coded, by)
    line_group = run_group[coded.line_run] if len(run_group) else np.full(len(coded.line_run), -1, dtype=np.int64)
    return line_group, columns, speaker_group


# ----------------------------------------------------------------- counting
def _distinct(coded: cd.Coded, what: str, code_row: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct units as two arrays, cached on ``coded`` (independent of the grouping):

    ``coding-run`` → (coding, run): a coding's groups are its runs' groups; ``lines`` → (row, run) per
    distinct (row, transcript, line); ``speakers`` → (row, speaker). ``code_row`` maps code index → row
    (-1: left out) and is named ``name`` for the cache.
    """
    key = (what, name)
    if key in coded.cache:
        return coded.cache[key]
    n_runs = max(len(coded.runs.keys), 1)
    if what == "coding-run":
        keys = np.unique(coded.line_coding * n_runs + coded.line_run)
        out = (keys // n_runs, keys % n_runs)
    else:
        row = code_row[coded.line_code]
        valid = row >= 0
        if what == "lines":
            keys = np.unique(((row << 47) | (coded.line_transcript << 23) | coded.line_n)[valid])
            line_keys = ((keys >> 23) & ((1 << 24) - 1)) * (1 << 32) + (keys & ((1 << 23) - 1))
            run = np.searchsorted(coded.runs.keys, line_keys, side="right") - 1
            out = (keys >> 47, np.maximum(run, 0))
        else:
            valid &= coded.line_speaker >= 0
            n_speakers = max(len(coded.runs.speakers), 1)
            keys = np.unique((row * n_speakers + coded.line_speaker)[valid])
            out = (keys // n_speakers, keys % n_speakers)
    coded.cache[key] = out
    return out


def _count(
    coded: cd.Coded,
    unit: str,
    code_row: np.ndarray,
    name: str,
    groups: tuple[np.ndarray, np.ndarray],
    n_rows: int,
    n_cols: int,
) -> np.ndarray:
    """rows × columns counts of distinct units. ``groups`` = (column per run, column per speaker), -1: left out."""
    run_group, speaker_group = groups
    width = max(n_cols, 1)
    if unit == "codings":
        coding, run = _distinct(coded, "coding-run", code_row, "")
        group = run_group[run]
        keep = group >= 0
        pairs = np.unique(coding[keep] * width + group[keep])
        row, col = code_row[coded.coding_code[pairs // width]], pairs % width
        ok = row >= 0
        cells = row[ok] * n_cols + col[ok]
    else:
        row, where = _distinct(coded, unit, code_row, name)
        group = run_group[where] if unit == "lines" else speaker_group[where]
        keep = group >= 0
        cells = row[keep] * n_cols + group[keep]
    return np.bincount(cells, minlength=n_rows * n_cols)[: n_rows * n_cols].reshape(n_rows, n_cols).astype(np.int64)


def _check_sizes(coded: cd.Coded) -> None:
    if len(coded.line_n) and (int(coded.line_n.max()) >= 1 << 23 or int(coded.coding_transcript.max()) >= 1 << 24):
        raise InputError("transcripts too large for the crosstab (over 8 million lines or 16 million transcripts)")


def chi_squared(counts: np.ndarray) -> tuple[dict | None, list[str]]:
    """Pearson's chi-squared and Cramér's V on the table without all-zero rows and columns."""
    from scipy.stats import chi2_contingency

    table = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None, ["no chi-squared test: fewer than two non-empty rows or columns"]
    result = chi2_contingency(table, correction=False)
    n = int(table.sum())
    stat = float(result.statistic)
    expected = result.expected_freq
    small = float((expected < 5).mean())
    out: dict[str, Any] = {
        "chi2": stat,
        "dof": int(result.dof),
        "p": float(result.pvalue),
        "cramers_v": float(np.sqrt(stat / (n * (min(table.shape) - 1)))),
        "n": n,
        "min_expected": float(expected.min()),
        "share_expected_below_5": small,
        "warning": None,
    }
    notes = []
    if expected.min() < 1 or small > 0.2:
        out["warning"] = (
            f"expected counts too small ({small:.0%} below 5, smallest {expected.min():.2f}); "
            "the chi-squared p-value is not reliable"
        )
        notes.append(out["warning"])
    return out, notes


def crosstab(
    project: Project, by: str = "speaker", *, unit: str = "codings", coders: list[str] | None = None
) -> Crosstab:
    """Codes × groups for ``by`` (``speaker``, ``transcript`` or an attribute), counting ``unit``."""
    if unit not in UNITS:
        raise InputError(f"--unit {unit!r}: choose {', '.join(UNITS)}")
    coded = cd.load(project, coders)
    if coders is not None:
        missing = [c for c in coders if c not in coded.coders]
        if missing:
            raise NotFoundError(f"no codings by {', '.join(missing)}")
    _check_sizes(coded)
    cached = coded.cache.get(("crosstab", by, unit))
    if cached is not None:  # the same data, asked again (the workbench reopening a table)
        return cached
    result = _crosstab(coded, by, unit)
    coded.cache[("crosstab", by, unit)] = result
    return result


def _crosstab(coded: cd.Coded, by: str, unit: str) -> Crosstab:
    run_group, columns, speaker_group = run_groups(coded, by)
    line_group = run_group[coded.line_run] if len(run_group) else np.full(len(coded.line_run), -1, dtype=np.int64)
    groups = (run_group, speaker_group)
    anywhere = (np.where(run_group >= 0, 0, -1), np.where(speaker_group >= 0, 0, -1))
    n_rows, n_cols = len(coded.codes), len(columns)
    rows = np.arange(n_rows, dtype=np.int64)
    counts = _count(coded, unit, rows, "codes", groups, n_rows, n_cols)
    row_totals = _count(coded, unit, rows, "codes", anywhere, n_rows, 1)[:, 0]
    if unit == "speakers":
        bases = np.bincount(speaker_group[speaker_group >= 0], minlength=n_cols)[:n_cols]
    elif unit == "codings":
        bases = counts.sum(axis=0)  # one code per coding: the distinct codings of the column
    else:
        bases = _count(coded, unit, np.zeros(n_rows, dtype=np.int64), "all", groups, 1, n_cols)[0]
    if columns and columns[-1] == NONE and not counts[:, -1].any() and not bases[-1]:
        columns, counts, bases = columns[:-1], counts[:, :-1], bases[:-1]
    themes = _themes(coded, unit, groups, len(columns))
    stats, notes = chi_squared(counts)
    notes = _notes(coded, line_group, by) + notes
    if stats is not None and unit == "codings" and int(counts.sum()) > int((row_totals).sum()):
        notes.append("some codings count in more than one group, so the chi-squared observations are not independent")
    return Crosstab(
        by=by,
        unit=unit,
        coders=coded.coders,
        rows=[c.name for c in coded.codes],
        columns=columns,
        counts=counts,
        row_totals=[int(v) for v in row_totals],
        column_bases=[int(v) for v in bases],
        themes=themes,
        chi2=stats,
        notes=notes,
        coded=coded,
        line_group=line_group,
    )


def _themes(coded: cd.Coded, unit: str, groups: tuple[np.ndarray, np.ndarray], n_cols: int) -> list[Theme]:
    roots = [c for c in coded.codes if c.parent_id is None and _children(coded, c.id)]
    if not roots:
        return []
    theme_of = np.full(len(coded.codes), -1, dtype=np.int64)
    members = [_descendants(coded, root.id) for root in roots]
    for t, ids in enumerate(members):
        for i, c in enumerate(coded.codes):
            if c.id in ids:
                theme_of[i] = t
    counts = _count(coded, unit, theme_of, "themes", groups, len(roots), max(n_cols, 1))[:, :n_cols]
    return [
        Theme(
            name=root.name,
            codes=[c.name for c in coded.codes if c.id in members[t]],
            counts=[int(v) for v in counts[t]],
        )
        for t, root in enumerate(roots)
    ]


def _notes(coded: cd.Coded, line_group: np.ndarray, by: str) -> list[str]:
    """Say what was left out: codings none of whose lines count in any group."""
    counted = np.zeros(len(coded.coding_id), dtype=bool)
    counted[coded.line_coding[line_group >= 0]] = True
    left_out = int((~counted).sum())
    if not left_out:
        return []
    return [
        f"{left_out} coding{'s' if left_out != 1 else ''} not counted: only lines of non-participants "
        f"(the moderator){' or without a speaker' if by != 'transcript' else ''}"
    ]


# ----------------------------------------------------------------- filters
def coding_ids_where(
    project: Project,
    *,
    speaker: str | None = None,
    transcript: str | None = None,
    attributes: dict[str, str] | None = None,
    coders: list[str] | None = None,
) -> set[int]:
    """Ids of codings with at least one line that meets every condition (``codings --speaker/--attribute``).

    ``speaker`` matches the label in any transcript (in ``transcript`` when given), moderators too;
    an attribute of participants matches participants' lines only (as in the crosstab), a transcript
    attribute every counted line of those transcripts.
    """
    coded = cd.load(project, coders)
    mask = np.ones(len(coded.line_n), dtype=bool)
    speakers = coded.runs.speakers
    if speaker is not None:
        tid = None
        if transcript is not None:
            from qualcode.corpus import transcripts

            tid = transcripts.get(project, transcript).id
        idx = [i for i, (t, s) in enumerate(speakers) if s == speaker and (tid is None or t == tid)]
        if not idx:
            known = sorted({s for t, s in speakers if tid is None or t == tid})
            where = f" in {transcript}" if transcript else ""
            raise NotFoundError(f"unknown speaker {speaker!r}{where}{pt.suggest(speaker, known)}")
        mask &= np.isin(coded.line_speaker, idx)
    for name, value in (attributes or {}).items():
        kind = resolve_by(coded, name)
        if kind in ("speaker", "transcript"):
            raise InputError(f"--attribute {name}=…: use --{kind} for that")
        line_group, columns, _ = line_groups(coded, name)
        mask &= line_group == (columns.index(value) if value in columns else -2)
    return {int(i) for i in coded.coding_id[np.unique(coded.line_coding[mask])]}
