"""Exports: Word reports, Excel/CSV quote tables, REFI-QDA.

Modules (heavy libraries — python-docx, openpyxl, Pillow — are imported
inside functions, so importing this package is cheap):

* :mod:`.docx_report` — :func:`~.docx_report.export_docx`, the themes report
  (``qualcode export docx``); the function a TUI Export screen calls.
* :mod:`.docx_transcript` — numbered transcripts (appendix, ``qualcode export transcript``).
* :mod:`.tables` — :func:`~.tables.export_quotes` (``qualcode export quotes``, xlsx/csv).
* :mod:`.docx_writer` — fast XML-level paragraph/table writing with cached styles.
* :mod:`.chart`, :mod:`.labels`, :mod:`.atomic` — the frequency chart, nl/en labels, atomic file writes.

This module holds what every export shares: which codings to export
(:func:`select`), the default coder, default output paths and the result type.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InputError, NotFoundError
from qualcode.names import path_inside

Progress = Callable[[int, int, str], None]  # (done, total, what), as in qualcode.corpus.transcripts

DEFAULT_FOLDER = Path("exports")
LAYOUTS = ("quotes", "table", "both")
CHARTS = ("none", "bar", "native")


@dataclass
class ExportResult:
    """What an export did: where it wrote, what it held, what it had to clean or work around."""

    path: Path
    coder: str | None = None
    quotes: int = 0
    removed_chars: int = 0  # control characters removed because Word/Excel cannot hold them
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the export decided (themes left out, styles added)
    exported: list = field(default_factory=list, repr=False)  # the quotes that went out (for the privacy warning)

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "coder": self.coder,
            "quotes": self.quotes,
            "removed_control_characters": self.removed_chars,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


@dataclass
class Selection:
    """The codings one export shows: one coder, some codes, some transcripts."""

    coder: str
    codes: list  # qualcode.model.Code, the selected codes in codebook order
    all_codes: list  # every code (for parents of selected subcodes and the method paragraph)
    transcripts: list  # qualcode.corpus.transcripts.TranscriptRow, in project order
    quotes: list[dict]  # qualcode.coding.quotes.quote_rows: transcript order, then line order
    warnings: list[str] = field(default_factory=list)

    def quotes_of(self, code_name: str) -> list[dict]:
        return [q for q in self.quotes if q["code"] == code_name]

    def counts(self) -> Counter:
        """(code, transcript) → number of codings."""
        return Counter((q["code"], q["transcript"]) for q in self.quotes)


def split_names(value: str | Sequence[str] | None) -> list[str] | None:
    """``"a,b, c"`` → ``["a", "b", "c"]``; None or empty → None (meaning: all)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else [v for part in value for v in str(part).split(",")]
    names = [v.strip() for v in items if v.strip()]
    return names or None


def resolve_coder(project, coder: str | None, current_coder: str | None) -> tuple[str, list[str]]:
    """The coder whose codings an export shows, and warnings.

    An explicit ``coder`` must have codings. Otherwise: the project's consensus
    coder if it has codings, else ``current_coder``.
    """
    from qualcode.coding import codings

    known = codings.coders(project)
    has = {r["coder"] for r in project.query("SELECT DISTINCT coder FROM codings")}
    if coder:
        if coder not in has:
            hint = f" (coders with codings: {', '.join(sorted(has))})" if has else " (the project has no codings yet)"
            raise NotFoundError(f"coder {coder!r} has no codings{hint}")
        return coder, []
    consensus = project.consensus_coder
    if consensus in has:
        return consensus, []
    chosen = current_coder or consensus
    warnings = []
    if chosen not in has:
        others = ", ".join(c for c in known if c in has)
        warnings.append(
            f"{chosen} has no codings, so the themes have no quotes"
            + (f"; choose a coder with --coder ({others})" if others else "")
        )
    return chosen, warnings


def select(
    project,
    *,
    coder: str | None = None,
    current_coder: str | None = None,
    codes: str | Sequence[str] | None = None,
    transcripts: str | Sequence[str] | None = None,
    picked_by: str | None = None,
) -> Selection:
    """Resolve names (unknown ones raise :class:`NotFoundError` with a suggestion) and load the quotes.

    A constant number of queries whatever the size: the codes, the transcripts, the coder,
    the codings (one query), the lines of the transcripts they are in (one query), and with
    ``picked_by`` that author's picks (one query) — then only picked quotes are kept, in pick order.
    """
    from qualcode.coding import codebook
    from qualcode.corpus import transcripts as transcripts_mod

    code_names = split_names(codes)
    transcript_names = split_names(transcripts)
    all_codes = codebook.all_codes(project)
    if code_names is None:
        chosen_codes = list(all_codes)
    else:
        wanted = {codebook.get_code(project, n).name for n in code_names}
        chosen_codes = [c for c in all_codes if c.name in wanted]
    every_transcript = transcripts_mod.all_rows(project)
    if transcript_names is None:
        chosen_transcripts = every_transcript
    else:
        wanted_t = {transcripts_mod.get(project, n).id for n in transcript_names}
        chosen_transcripts = [t for t in every_transcript if t.id in wanted_t]
    who, warnings = resolve_coder(project, coder, current_coder)
    quotes = load_quotes(project, who, {c.id for c in chosen_codes}, {t.id for t in chosen_transcripts})
    if picked_by is not None:
        from qualcode.coding.picks import picked_guids

        order = picked_guids(project, picked_by)
        quotes = sorted((q for q in quotes if q["guid"] in order), key=lambda q: order[q["guid"]])
        if not quotes:
            warnings.append(
                f"{picked_by} has picked no quotes among {who}'s codings in this selection "
                "(pick with `qualcode pick FG2 57-64 CODE` or p in the Quotes screen)"
            )
    return Selection(
        coder=who,
        codes=chosen_codes,
        all_codes=all_codes,
        transcripts=chosen_transcripts,
        quotes=quotes,
        warnings=warnings,
    )


SENTENCE_END = tuple(".!?…:;\"”’')]")


def load_quotes(project, coder: str, code_ids: set[int], transcript_ids: set[int]) -> list[dict]:
    """The coder's codings of these codes in these transcripts as quote dicts, in two queries.

    Each quote is a :func:`qualcode.coding.quotes.iter_quote_rows` dict plus ``guid``,
    ``code_id``, ``transcript_id``, ``words`` and ``starts_mid``/``ends_mid``: whether the
    quote starts or ends inside a sentence, decided from the line text — the line before
    (after) it belongs to the same turn and the sentence has not ended there.
    """
    from qualcode.coding.codings import _stored_ranges
    from qualcode.coding.quotes import TranscriptLines, quote_from_lines
    from qualcode.ranges import format_citation

    rows = project.conn.execute(
        "SELECT c.id, c.transcript_id, t.name, c.ranges, c.code_id, k.name, c.coder, c.memo, c.created_at, "
        "c.updated_at, c.guid FROM codings c JOIN transcripts t ON t.id = c.transcript_id "
        "JOIN codes k ON k.id = c.code_id WHERE c.coder = ? "
        "ORDER BY c.transcript_id, c.first_line, c.last_line, k.position, c.id",
        (coder,),
    ).fetchall()
    rows = [r for r in rows if r[4] in code_ids and r[1] in transcript_ids]
    needed = sorted({r[1] for r in rows})
    lines: dict[int, TranscriptLines] = {}
    turns: dict[int, dict[int, int]] = {}
    if needed:
        marks = ", ".join("?" for _ in needed)
        current: int | None = None
        buf: list[tuple[int, str | None, str]] = []
        tb: dict[int, int] = {}
        for tid, n, speaker, text, turn in project.conn.execute(
            f"SELECT transcript_id, n, speaker, text, turn FROM lines WHERE transcript_id IN ({marks}) "
            "ORDER BY transcript_id, n",
            needed,
        ):
            if tid != current:
                if current is not None:
                    lines[current], turns[current] = TranscriptLines(buf), tb
                current, buf, tb = tid, [], {}
            buf.append((n, speaker, text))
            tb[n] = turn
        if current is not None:
            lines[current], turns[current] = TranscriptLines(buf), tb
    template = project.citation_template
    out = []
    for cid, tid, tname, ranges_text, code_id, code, who, memo, created, updated, guid in rows:
        ranges = _stored_ranges(ranges_text)
        tl = lines[tid]
        text, speakers = quote_from_lines(tl, ranges)
        out.append(
            {
                "id": cid,
                "transcript": tname,
                "ranges": [list(r) for r in ranges],
                "code": code,
                "coder": who,
                "citation": format_citation(tname, ranges, template),
                "text": text,
                "speakers": speakers,
                "memo": memo,
                "created_at": created,
                "updated_at": updated,
                "guid": guid,
                "code_id": code_id,
                "transcript_id": tid,
                "words": len(text.split()),
                "starts_mid": _continues(tl, turns[tid], ranges[0][0], -1),
                "ends_mid": _continues(tl, turns[tid], ranges[-1][1], +1),
            }
        )
    return out


def _continues(lines, turns: dict[int, int], n: int, step: int) -> bool:
    """Whether the sentence at line ``n`` goes on across the boundary towards ``n + step`` in the same turn."""
    other = n + step
    if other not in turns or turns[other] != turns.get(n):
        return False
    before = lines.span(min(n, other), min(n, other))  # the line before the boundary
    text = before[0][2].rstrip() if before else ""
    return bool(text) and not text.endswith(SENTENCE_END)


def default_output(kind: str, name: str | None = None) -> Path:
    """Where an export goes when OUT is omitted: ``exports/qualcode-report.docx`` and friends.

    Only the path; :func:`default_folder` creates the ``exports/`` folder (and only that default
    folder is ever created: an explicit OUT's folder must exist).
    """
    filename = {
        "docx": "qualcode-report.docx",
        "quotes": "qualcode-quotes.xlsx",
        "transcript": f"{name}.docx",
    }[kind]
    return path_inside(DEFAULT_FOLDER, filename)  # a transcript name is user text: it must stay in exports/


@contextlib.contextmanager
def output_path(out: Path | None, kind: str, name: str | None = None) -> Iterator[Path]:
    """``out``, or the default path with ``exports/`` created — and removed again if the export fails."""
    if out is not None:
        yield Path(out)
        return
    path = default_output(kind, name)
    created = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only when still empty
        raise


def check_suffix(path: Path, allowed: Sequence[str]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InputError(f"unsupported file type {suffix or '(none)'}; use {' or '.join(allowed)}", path=path)
    return suffix
