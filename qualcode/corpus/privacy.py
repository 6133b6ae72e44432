"""Privacy audit: what anonymisation missed in the transcripts, and in quotes that go out.

Two kinds of detectors scan each transcript's text (``"\\n".join(raw)``, so speaker
labels are scanned too; a name used as a label is a leak):

* :class:`PatternDetector` (always): e-mail addresses, URLs, Dutch phone numbers,
  BSN numbers that pass the 11-check, postcodes, dates and ages;
* :class:`DeduceDetector` (with the optional extra ``qualcode[privacy]``): the
  Dutch de-identification library ``deduce`` for person names, places,
  institutions (and its own dates, ages, numbers). Its first start builds lookup
  tables for over a minute; call :func:`load_deduce` in a worker.

Bracketed placeholders (``[NAAM COLLEGA]``) are already anonymised: they are
blanked before any detector sees the text, so nothing inside them is reported.

Findings are stored in ``audit_findings`` (schema v3). A researcher can accept a
finding as a false positive (:func:`accept`); that is remembered across runs.
Exporters call :func:`open_findings_in` / :func:`export_warning` to warn when a
quote that goes out still contains an open finding.
"""

from __future__ import annotations

import bisect
import importlib.util
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from qualcode.corpus.ingest import PLACEHOLDER_RE
from qualcode.ranges import format_citation
from qualcode.store.project import Project, now

Progress = Callable[[int, int, str], None]
K = TypeVar("K", bound=tuple)

NEEDS_EXTRA = (
    "name, place and institution detection needs the optional extra: pip install 'qualcode[privacy]' "
    "(deduce); only the patterns for e-mail, phone, BSN, postcode, URL, date and age ran"
)

# ------------------------------------------------------------------ patterns
_MONTHS = (
    r"jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|juni?|juli?|aug(?:ustus)?|"
    r"sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
URL_RE = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"'\]]+|\b[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:nl|com|org|net|eu|be|"
    r"info|nu)\b(?:/[^\s<>\"'\]]*)?"
)
PHONE_RE = re.compile(r"(?<![\w+])(?:\+31|0031|0)[\d\s\-.()]{8,16}\d")
BSN_RE = re.compile(r"(?<!\d)(?<!\d[.,])(?:\d{4}\.\d{2}\.\d{3}|\d{3}[ .]?\d{3}[ .]?\d{3})(?!\d|[.,]\d)")
POSTCODE_RE = re.compile(r"\b[1-9]\d{3} ?(?!SA\b|SD\b|SS\b)[A-Z]{2}\b")
DATE_RE = re.compile(
    rf"(?i)\b(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{1,2}}\s+(?:{_MONTHS})\.?"
    rf"(?:\s+\d{{4}})?)\b"
)
AGE_RE = re.compile(r"(?i)\b\d{1,3}(?:\s*jaar\s+oud|-?jarige?)\b|\bleeftijd\s+van\s+\d{1,3}\b")


def bsn_valid(digits: str) -> bool:
    """The 11-check of a Dutch citizen service number (9 digits)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def phone_valid(candidate: str) -> bool:
    """A Dutch phone number: after +31/0031/0 (and an optional (0)) exactly nine digits, not starting with 0."""
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+31"):
        rest = digits[2:]
    elif digits.startswith("0031"):
        rest = digits[4:]
    else:
        rest = digits[1:]
    if rest.startswith("0"):
        rest = rest[1:]  # +31 (0)6 …
    return len(rest) == 9 and rest[0] != "0"


def pattern_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of our own patterns in ``text``; overlapping weaker matches are dropped."""
    found: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(s < end and start < e for s, e, _ in found):
            return
        found.append((start, end, kind))

    for m in EMAIL_RE.finditer(text):
        add(m.start(), m.end(), "email")
    for m in URL_RE.finditer(text):
        value = m.group().rstrip(".,;:!?)")
        add(m.start(), m.start() + len(value), "url")
    for m in BSN_RE.finditer(text):
        if bsn_valid(re.sub(r"\D", "", m.group())):
            add(m.start(), m.end(), "bsn")
    for m in PHONE_RE.finditer(text):
        value = m.group().rstrip(" -.(")
        if phone_valid(value):
            add(m.start(), m.start() + len(value), "phone")
    for m in POSTCODE_RE.finditer(text):
        add(m.start(), m.end(), "postcode")
    for m in DATE_RE.finditer(text):
        add(m.start(), m.end(), "date")
    for m in AGE_RE.finditer(text):
        add(m.start(), m.end(), "age")
    return sorted(found)


def blank_placeholders(text: str) -> str:
    """``[NAAM COLLEGA]`` → spaces of the same length: offsets stay, detectors see nothing there."""
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)


# ---------------------------------------------------------------- detectors
class PatternDetector:
    name = "patterns"

    def find(self, text: str) -> list[tuple[int, int, str]]:
        return pattern_spans(text)


_DEDUCE = None
_DEDUCE_LOCK = threading.Lock()
_DEDUCE_KINDS = (
    ("persoon", "name"),
    ("patient", "name"),
    ("locatie", "place"),
    ("instelling", "institution"),
    ("ziekenhuis", "institution"),
    ("datum", "date"),
    ("leeftijd", "age"),
    ("telefoon", "phone"),
    ("email", "email"),
    ("url", "url"),
    ("bsn", "bsn"),
    ("postcode", "postcode"),
)


def deduce_available() -> bool:
    """Whether the optional extra is installed (``QUALCODE_NO_DEDUCE=1`` pretends it is not)."""
    if os.environ.get("QUALCODE_NO_DEDUCE"):
        return False
    return importlib.util.find_spec("deduce") is not None


def load_deduce():
    """The shared ``Deduce`` instance (slow the first time: run in a worker). Raises ImportError without it."""
    global _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None:
            root = logging.getLogger()
            handlers, level = list(root.handlers), root.level
            try:
                from deduce import Deduce  # its import calls logging.basicConfig(stream=sys.stdout, DEBUG)

                _DEDUCE = Deduce()
            finally:
                for h in list(root.handlers):
                    if h not in handlers:
                        root.removeHandler(h)
                root.setLevel(level)
        return _DEDUCE


def deduce_kind(tag: str) -> str:
    tag = tag.lower()
    for key, kind in _DEDUCE_KINDS:
        if key in tag:
            return kind
    return "identifier"


class DeduceDetector:
    name = "deduce"

    def find(self, text: str) -> list[tuple[int, int, str]]:
        doc = load_deduce().deidentify(text)
        return sorted((a.start_char, a.end_char, deduce_kind(a.tag)) for a in doc.annotations)


def default_detectors() -> list:
    return [PatternDetector()] + ([DeduceDetector()] if deduce_available() else [])


# ------------------------------------------------------------------ scanning
@dataclass(frozen=True)
class Finding:
    line: int
    start: int  # code-point offsets in the line's raw text
    end: int
    kind: str
    text: str
    detector: str


def _joined(raws: Sequence[str], gap: str) -> tuple[str, list[int]]:
    """The lines joined by ``gap`` with placeholders blanked, and where each line starts in that text
    (``bisect_right(starts, offset) - 1`` is the line an offset falls in)."""
    starts, pos = [], 0
    for raw in raws:
        starts.append(pos)
        pos += len(raw) + len(gap)
    return blank_placeholders(gap.join(raws)), starts


def scan_lines(lines: Sequence[tuple[int, str]], detectors: Iterable) -> list[Finding]:
    """Findings in ``[(n, raw), …]``: one pass per detector over the whole text, mapped back to lines."""
    text, starts = _joined([raw for _, raw in lines], "\n")
    out: dict[tuple[int, int, int], Finding] = {}
    for detector in detectors:
        for start, end, kind in detector.find(text):
            i = bisect.bisect_right(starts, start) - 1
            if i < 0:
                continue
            n, raw = lines[i]
            s, e = start - starts[i], min(end - starts[i], len(raw))
            value = raw[s:e].strip()
            if not value or any(m.start() < e and s < m.end() for m in PLACEHOLDER_RE.finditer(raw)):
                continue
            key = (n, s, e)
            if key not in out:
                out[key] = Finding(n, s, e, kind, value, detector.name)
    return sorted(out.values(), key=lambda f: (f.line, f.start))


# What every match of one of our patterns contains (a necessary condition, cheap to look for):
# e-mail "@"; URL "://", "www." or ".nl"-like; BSN and postcode three digits; phone a digit and
# eight more of its characters; date "1-2", "1/2", "1.2" or a digit before a month; age a digit
# before "jaar"/"jarig", or "leeftijd". A line without any of these has no pattern finding.
_MONTH_STARTS = "jan|feb|maart|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"
_MAYBE_FINDING_RE = re.compile(
    r"(?i)(?=[@:w.l\d])(?:@|://|www\.|\.(?:nl|com|org|net|eu|be|info|nu)\b|"
    rf"\d(?:\d\d|[\d\s\-.()]{{8}}|[-/.]\d|\s+(?:{_MONTH_STARTS})|\s*jaar|-?jarig)|leeftijd)"
)
# Between the lines :func:`scan_each_line` joins: "<" is in none of the characters above, so
# no match of :data:`_MAYBE_FINDING_RE` (nor a placeholder) runs from one line into the next.
_LINE_GAP = "<"


def scan_each_line(raws: dict[K, str]) -> dict[K, list[Finding]]:
    """Our patterns on every line alone, as ``scan_lines([(n, raw)], [PatternDetector()])`` per line would.

    ``raws`` maps a key (whose last item is the line number) to the line's raw text; only lines
    with findings are in the result. One search over all lines joined by :data:`_LINE_GAP`
    (placeholders blanked) finds the lines that may have a finding (:data:`_MAYBE_FINDING_RE`);
    only those few are scanned alone, exactly as before.
    """
    keys = list(raws)
    text, starts = _joined([raws[k] for k in keys], _LINE_GAP)
    candidates = {bisect.bisect_right(starts, m.start()) - 1 for m in _MAYBE_FINDING_RE.finditer(text)}
    detector = PatternDetector()
    out: dict[K, list[Finding]] = {}
    for i in sorted(candidates):
        key = keys[i]
        found = scan_lines([(key[-1], raws[key])], [detector])
        if found:
            out[key] = found
    return out


def _transcripts(project: Project, names: Sequence[str] | None):
    from qualcode.corpus import transcripts

    if names:
        return [transcripts.get(project, n) for n in names]
    return transcripts.all_rows(project)


def audit(
    project: Project,
    names: Sequence[str] | None = None,
    *,
    coder: str,
    detectors: Sequence | None = None,
    progress: Progress | None = None,
) -> dict:
    """Scan transcripts (all when ``names`` is empty) and store the findings.

    Returns ``{"transcripts", "detectors", "findings", "notes"}``; ``findings`` are
    :func:`list_findings` rows of the scanned transcripts (open and accepted).
    Findings stay remembered; an accepted one stays accepted.
    """
    from qualcode.corpus import transcripts

    rows = _transcripts(project, names)
    notes = []
    if detectors is None:
        detectors = default_detectors()
        if not any(d.name == "deduce" for d in detectors):
            notes.append(f"note: {NEEDS_EXTRA}")
    scanned: dict[int, list[Finding]] = {}
    for i, t in enumerate(rows):
        lines = [(r["n"], r["raw"]) for r in transcripts.lines(project, t.id)]
        scanned[t.id] = scan_lines(lines, detectors)
        if progress:
            progress(i + 1, len(rows), t.name)
    stamp = now()
    ran = [d.name for d in detectors]
    with project.transaction("audit", coder, f"audit {', '.join(t.name for t in rows)}", kind="log"):
        conn = project.conn
        for t in rows:
            keep = {(f.line, f.start, f.kind, f.text) for f in scanned[t.id]}
            for fid, line, start, kind, text, detector in conn.execute(
                "SELECT id, line, start, kind, text, detector FROM audit_findings "
                "WHERE transcript_id = ? AND status = 'open'",
                (t.id,),
            ).fetchall():
                if detector in ran and (line, start, kind, text) not in keep:
                    conn.execute("DELETE FROM audit_findings WHERE id = ?", (fid,))
            conn.executemany(
                "INSERT OR IGNORE INTO audit_findings (transcript_id, line, start, end, kind, text, detector, "
                "status, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                [(t.id, f.line, f.start, f.end, f.kind, f.text, f.detector, stamp) for f in scanned[t.id]],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO audit_runs (transcript_id, detector, at, coder) VALUES (?, ?, ?, ?)",
                [(t.id, d, stamp, coder) for d in ran],
            )
    return {
        "transcripts": [t.name for t in rows],
        "detectors": ran,
        "findings": list_findings(project, [t.name for t in rows]),
        "notes": notes,
    }


def has_audited(project: Project) -> bool:
    """Whether any audit has run on this project (its findings are stored)."""
    return project.scalar("SELECT count(*) FROM audit_runs") > 0


def list_findings(project: Project, names: Sequence[str] | None = None, *, status: str | None = None) -> list[dict]:
    """Stored findings as plain dicts: ``id, transcript, line, citation, kind, text, status, detector, start, end``."""
    where, params = [], []
    if names:
        ids = [t.id for t in _transcripts(project, names)]
        where.append(f"f.transcript_id IN ({', '.join('?' for _ in ids)})")
        params += ids
    if status:
        where.append("f.status = ?")
        params.append(status)
    rows = project.query(
        "SELECT f.id, t.name AS transcript, f.line, f.kind, f.text, f.status, f.detector, f.start, f.end, "
        "f.decided_by, f.decided_at FROM audit_findings f JOIN transcripts t ON t.id = f.transcript_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY t.id, f.line, f.start",
        params,
    )
    template = project.citation_template
    return [
        {
            "id": r["id"],
            "transcript": r["transcript"],
            "line": r["line"],
            "citation": format_citation(r["transcript"], [(r["line"], r["line"])], template),
            "kind": r["kind"],
            "text": r["text"],
            "status": r["status"],
            "detector": r["detector"],
            "start": r["start"],
            "end": r["end"],
            "decided_by": r["decided_by"],
        }
        for r in rows
    ]


def _decide(project: Project, ids: Sequence[int], coder: str, status: str, same_text: bool) -> list[dict]:
    from qualcode.errors import NotFoundError

    rows = []
    for fid in ids:
        row = project.query_one("SELECT id, text FROM audit_findings WHERE id = ?", (fid,))
        if row is None:
            raise NotFoundError(f"no audit finding with id {fid} (see `qualcode audit --json`)")
        rows.append(row)
    targets = {r["id"] for r in rows}
    if same_text:
        for r in rows:
            targets |= {x["id"] for x in project.query("SELECT id FROM audit_findings WHERE text = ?", (r["text"],))}
    verb = "accept" if status == "accepted" else "reopen"
    with project.transaction(f"audit.{verb}", coder, f"{verb} {len(targets)} audit findings") as tx:
        for fid in sorted(targets):
            tx.update("audit_findings", {"id": fid}, {"status": status, "decided_by": coder, "decided_at": now()})
    by_id = {f["id"]: f for f in list_findings(project)}
    return [by_id[i] for i in sorted(targets)]


def accept(project: Project, ids: Sequence[int], coder: str, *, same_text: bool = False) -> list[dict]:
    """Mark findings as accepted (false positives); remembered, undoable. Returns the changed findings."""
    return _decide(project, ids, coder, "accepted", same_text)


def reopen(project: Project, ids: Sequence[int], coder: str, *, same_text: bool = False) -> list[dict]:
    return _decide(project, ids, coder, "open", same_text)


# ------------------------------------------------------------------ exports
def open_findings_in(project: Project, quotes_or_codings: Iterable | None = None) -> list[dict]:
    """Open findings inside the lines of quotes that go out.

    Accepts :class:`~qualcode.model.Coding` objects or quote dicts with ``id``,
    ``transcript`` and ``ranges`` (``None``: every coding). One SQL pass joins the
    stored findings to the codings' line spans (multi-range gaps are dropped after);
    for transcripts never audited a second query reads the coded lines once and our
    own patterns run on them (accepted findings stay silent). Each result is a finding
    dict with ``quote`` (the quote's citation) added, in the order of the quotes given.
    """
    template = project.citation_template
    wanted: dict[int, tuple[str, list[tuple[int, int]]]] | None = None
    if quotes_or_codings is not None:
        wanted = {}
        for item in quotes_or_codings:
            if isinstance(item, dict):
                wanted[item["id"]] = (item["transcript"], [tuple(r) for r in item["ranges"]])
            else:
                wanted[item.id] = (item.transcript, [tuple(r) for r in item.ranges])
        if not wanted:
            return []
    stored: dict[int, list[dict]] = {}  # coding id → findings on its lines (open and accepted)
    spans: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    for (
        cid,
        tname,
        ranges_text,
        fid,
        line,
        start,
        end,
        kind,
        text,
        status,
        detector,
        decided_by,
    ) in project.conn.execute(
        "SELECT c.id, t.name, c.ranges, f.id, f.line, f.start, f.end, f.kind, f.text, f.status, f.detector, "
        "f.decided_by FROM audit_findings f JOIN codings c ON c.transcript_id = f.transcript_id "
        "AND f.line BETWEEN c.first_line AND c.last_line JOIN transcripts t ON t.id = f.transcript_id "
        "ORDER BY f.transcript_id, f.line, f.start"
    ):
        if wanted is not None and cid not in wanted:
            continue
        ranges = _span_ranges(ranges_text)
        if not any(a <= line <= b for a, b in ranges):
            continue
        spans[cid] = (tname, ranges)
        stored.setdefault(cid, []).append(
            {
                "id": fid,
                "transcript": tname,
                "line": line,
                "citation": format_citation(tname, [(line, line)], template),
                "kind": kind,
                "text": text,
                "status": status,
                "detector": detector,
                "start": start,
                "end": end,
                "decided_by": decided_by,
            }
        )
    scanned = _scan_unaudited(project, wanted, template)
    order = list(wanted) if wanted is not None else sorted(set(stored) | set(scanned))
    out, seen = [], set()
    for cid in order:
        covered = stored.get(cid, [])
        hits = [f for f in covered if f["status"] == "open"]
        accepted = {(f["line"], f["start"], f["kind"]) for f in covered if f["status"] == "accepted"}
        known = {(h["line"], h["start"], h["kind"]) for h in hits}
        for f in scanned.get(cid, []):
            if (f["line"], f["start"], f["kind"]) not in accepted | known:
                hits.append(f)
        if not hits:
            continue
        name, ranges = wanted[cid] if wanted is not None else spans.get(cid) or scanned[cid][0]["_span"]
        quote = format_citation(name, ranges, template)
        for h in hits:
            key = (quote, h["line"], h["start"], h["kind"])
            if key not in seen:
                seen.add(key)
                out.append({**{k: v for k, v in h.items() if k != "_span"}, "quote": quote})
    return out


def _span_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def _scan_unaudited(project: Project, wanted: dict | None, template: str) -> dict[int, list[dict]]:
    """Our patterns on the coded lines of transcripts never audited: coding id → findings (one query)."""
    rows = project.conn.execute(
        "SELECT c.id, t.name, c.ranges, l.n, l.raw FROM codings c JOIN transcripts t ON t.id = c.transcript_id "
        "JOIN lines l ON l.transcript_id = c.transcript_id AND l.n BETWEEN c.first_line AND c.last_line "
        "WHERE c.transcript_id NOT IN (SELECT transcript_id FROM audit_runs) ORDER BY c.id, l.n"
    ).fetchall()
    if not rows:
        return {}
    # every line from a coding's first to its last is scanned (gaps of multi-range quotes too: the
    # scan is cheap); a finding counts only on a line inside one of the coding's ranges
    raws = {(tname, n): raw for cid, tname, _, n, raw in rows if wanted is None or cid in wanted}
    cache = scan_each_line(raws)
    ranges_of: dict[int, list[tuple[int, int]]] = {}
    out: dict[int, list[dict]] = {}
    for cid, tname, ranges_text, n, _ in rows:
        found = cache.get((tname, n))
        if not found or (wanted is not None and cid not in wanted):
            continue
        ranges = ranges_of.get(cid)
        if ranges is None:
            ranges = ranges_of[cid] = _span_ranges(ranges_text)
        if not any(a <= n <= b for a, b in ranges):
            continue
        for f in found:
            out.setdefault(cid, []).append(
                {
                    "id": None,
                    "transcript": tname,
                    "line": f.line,
                    "citation": format_citation(tname, [(f.line, f.line)], template),
                    "kind": f.kind,
                    "text": f.text,
                    "status": "open",
                    "detector": f.detector,
                    "start": f.start,
                    "end": f.end,
                    "decided_by": None,
                    "_span": (tname, ranges),
                }
            )
    return out


def export_warning(project: Project, quotes_or_codings: Iterable | None = None, *, show: int = 3) -> str | None:
    """A one-paragraph warning for exporters (``None`` when nothing open goes out)."""
    hits = open_findings_in(project, quotes_or_codings)
    if not hits:
        return None
    quotes = {h["quote"] for h in hits}
    first = "; ".join(f"{h['citation']} {h['kind']} {h['text']!r}" for h in hits[:show])
    what = "1 exported quote contains" if len(quotes) == 1 else f"{len(quotes)} exported quotes contain"
    return (
        f"warning: {what} "
        f"{len(hits)} open privacy finding{'s' if len(hits) != 1 else ''}: {first}"
        f"{' …' if len(hits) > show else ''} (see `qualcode audit`; `qualcode audit accept ID` for false positives)"
    )
