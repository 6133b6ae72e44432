"""Consensus coding: settle a disagreement by writing codings of the consensus coder.

The consensus coder is a pseudo-coder whose name is the project setting
``consensus_coder`` (default ``consensus``). Every decision on one disagreement
(see :func:`qualcode.agreement.units.disagreements`) is one transaction and one
event: the consensus coder's codings of that code overlapping the block are
replaced by the decision. The original coders' codings are never touched.
Deciding again on the same block replaces the earlier decision.

Events are recorded under the consensus coder's name (the summary says who
decided), so ``qualcode undo --coder consensus`` — or
``history.undo(project, project.consensus_coder)`` — takes back the last decision.

Decisions:

* :func:`accept` — the block as one coder coded it (their codings clipped to the block, memos kept);
* :func:`union` — every line in the block that any coder coded, as one coding;
* :func:`set_ranges` — an edited range chosen by the supervisor;
* :func:`clear` — not coded in the consensus;
* :func:`copy_agreed` — every line all coders coded with a code, as maximal ranges, in one event.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualcode.agreement.units import Disagreement, resolve_scope
from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.model import Coding, Range
from qualcode.ranges import format_ranges, from_lines
from qualcode.store.project import Project


def consensus_coder(project: Project) -> str:
    return project.consensus_coder


def _current(project: Project, transcript_id: int, code: str, coder: str, lines: set[int]) -> list[Coding]:
    return [
        c
        for c in codings.list_codings(project, coder=coder, code=code)
        if c.transcript_id == transcript_id and c.line_set() & lines
    ]


def _replace(
    project: Project, d: Disagreement, new: Sequence[tuple[tuple[Range, ...], str]], what: str, by: str | None
) -> list[Coding]:
    """Replace the consensus codings overlapping ``d`` by ``new`` ((ranges, memo) pairs) in one event."""
    cons = project.consensus_coder
    if cons in d.coders:
        raise InputError(f"the consensus coder {cons!r} cannot also be one of the compared coders")
    code_id = project.scalar("SELECT id FROM codes WHERE name = ?", (d.code,))
    if code_id is None:
        raise NotFoundError(f"unknown code {d.code!r}")
    t = transcripts.get(project, d.transcript)
    for ranges, _ in new:
        codings.check_ranges(project, t, ranges)
    block = d.line_set() | {n for ranges, _ in new for a, b in ranges for n in range(a, b + 1)}
    old = _current(project, t.id, d.code, cons, block)
    summary = f"consensus {d.code} {d.id}: {what}" + (f" (decided by {by})" if by else "")
    ids = []
    with project.transaction("consensus", cons, summary) as tx:
        for c in old:
            tx.delete("codings", {"id": c.id})
        for ranges, memo in new:
            ids.append(codings.insert(tx, t.id, code_id, cons, list(ranges), memo))
    return [codings.get(project, i) for i in ids]


def accept(project: Project, d: Disagreement, coder: str, *, by: str | None = None) -> list[Coding]:
    """Take ``coder``'s coding of the block (clipped to it) as the consensus."""
    if coder not in d.codings:
        raise NotFoundError(f"{coder!r} is not one of the coders of {d.id} ({', '.join(d.coders)})")
    block = d.line_set()
    new = []
    for c in d.codings[coder]:
        lines = c.line_set() & block
        if lines:
            new.append((from_lines(lines), c.memo))
    return _replace(project, d, new, f"accept {coder}", by)


def union(project: Project, d: Disagreement, *, by: str | None = None) -> list[Coding]:
    """Every line of the block that any coder coded, as one consensus coding (memos joined)."""
    block = d.line_set()
    lines = {n for cs in d.codings.values() for c in cs for n in c.line_set() & block}
    memos = list(dict.fromkeys(c.memo.strip() for cs in d.codings.values() for c in cs if c.memo.strip()))
    new = [(from_lines(lines), " | ".join(memos))] if lines else []
    return _replace(project, d, new, "union", by)


def set_ranges(
    project: Project, d: Disagreement, ranges: str | Sequence[Range], *, memo: str = "", by: str | None = None
) -> list[Coding]:
    """An edited range as the consensus (it must overlap the block; it may extend beyond it)."""
    rs = codings.as_ranges(ranges)
    if not ({n for a, b in rs for n in range(a, b + 1)} & d.line_set()):
        raise InputError(f"lines {format_ranges(rs)} do not overlap the disagreement {d.id}")
    return _replace(project, d, [(rs, memo)], f"set {format_ranges(rs)}", by)


def clear(project: Project, d: Disagreement, *, by: str | None = None) -> list[Coding]:
    """Decide that the block does not carry the code in the consensus."""
    return _replace(project, d, [], "not coded", by)


def copy_agreed(
    project: Project,
    code: str | None = None,
    *,
    coders: Sequence[str] | None = None,
    transcript_names: Sequence[str] | None = None,
    by: str | None = None,
) -> int:
    """Give the consensus every line on which all compared coders agree that it carries a code, in one event.

    Per transcript (finished by at least two of the coders) and code, the agreed lines
    are those every coder who finished the transcript coded with the code, whatever
    the boundaries of their codings (anna's 1 and 2 as two codings and bram's 1-2 agree
    on lines 1 and 2). Agreed lines the consensus does not have yet are added, one
    consensus coding per maximal run of consecutive lines; existing consensus codings
    are left alone. Returns the number of codings added.
    """
    scope = resolve_scope(project, coders=coders, code=code, transcript_names=transcript_names)
    cons = scope.consensus
    if cons in scope.coders:
        raise InputError(f"the consensus coder {cons!r} cannot also be one of the compared coders")
    wanted = set(scope.codes)
    code_ids = {c.name: c.id for c in codebook.all_codes(project) if c.name in wanted}
    lines: dict[tuple[int, str, str], set[int]] = {}
    for c in codings.list_codings(project, coder=[*scope.coders, cons]):
        if c.code in wanted:
            lines.setdefault((c.transcript_id, c.code, c.coder), set()).update(c.line_set())
    todo = []
    for t in scope.transcripts:
        present = [c for c in scope.coders if t.id in scope.done[c]]
        if len(present) < 2:
            continue
        for name in scope.codes:
            agreed = set.intersection(*(lines.get((t.id, name, p), set()) for p in present))
            new = agreed - lines.get((t.id, name, cons), set())
            for run in from_lines(new):
                todo.append((t.id, code_ids[name], run))
    if todo:
        summary = f"consensus: {len(todo)} agreed range(s) copied" + (f" (decided by {by})" if by else "")
        with project.transaction("consensus", cons, summary) as tx:
            for tid, code_id, run in todo:
                codings.insert(tx, tid, code_id, cons, [run], "")
    return len(todo)
