"""One export dispatch for the command line, the workbench and the Python API.

An :class:`ExportJob` names the kind of export, where it goes and the options; :func:`run`
calls the one core function for that kind and returns an :class:`ExportOutcome`: where it was
written, a one-line summary, the warnings (removed control characters, missing template styles,
left-out themes) and the privacy warning for open audit findings in what went out. The CLI prints
the outcome, the Export screen shows it; neither decides anything about exports itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import InputError
from qualcode.store.project import Project

Progress = Callable[[int, int, str], None]

SUFFIXES: dict[str, tuple[str, ...]] = {
    "docx": (".docx",),
    "quotes": (".xlsx", ".csv"),
    "transcript": (".docx",),
    "agreement": (".docx",),
    "qdpx": (".qdpx",),
    "qdc": (".qdc",),
}


@dataclass
class ExportJob:
    """Everything an export needs (plain values: a worker thread can carry it)."""

    kind: str  # docx | quotes | transcript | agreement | qdpx | qdc
    out: Path
    current_coder: str
    coder: str | None = None  # whose codings (None: the consensus coder if it has codings, else current_coder)
    coders: str | None = None  # agreement: the coders compared
    transcript: str | None = None  # transcript: which one
    codes: str | None = None
    transcripts: str | None = None
    layout: str = "quotes"
    lang: str | None = None
    template: Path | None = None
    appendix: bool = False
    csv_dialect: str | None = None
    report: dict[str, Any] = field(default_factory=dict)  # further Word report options (picked, chart, …)


@dataclass
class ExportOutcome:
    """What an export wrote and what the user should read about it."""

    path: Path
    summary: str
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    privacy: str | None = None  # the open-findings warning, printed as it is
    result: Any = None  # the core's own result (``as_dict()`` for --json), when it has one


def run(project: Project, job: ExportJob, progress: Progress | None = None) -> ExportOutcome:
    """Run ``job`` on ``project``: check the target's suffix, call the core export, collect the warnings."""
    from qualcode.report.selection import check_suffix
    from qualcode.store.files import check_target

    if job.kind not in SUFFIXES:
        raise InputError(f"unknown export {job.kind!r} (use {', '.join(SUFFIXES)})")
    check_target(job.out)  # first: never over the project, its -wal/-shm, a backup or a source, whatever the suffix
    check_suffix(job.out, SUFFIXES[job.kind])
    if job.kind in ("qdpx", "qdc", "agreement"):
        return _other(project, job, progress)
    result, summary = _quotes_or_transcript(project, job, progress)
    warnings = list(result.warnings)
    if result.removed_chars:
        n = result.removed_chars
        warnings.insert(0, f"removed {n} control character{'s' if n != 1 else ''} that Word/Excel cannot hold")
    privacy = None
    if job.kind in ("docx", "quotes") and result.exported:
        from qualcode.corpus.privacy import export_warning

        privacy = export_warning(project, result.exported)
    return ExportOutcome(result.path, summary, warnings, list(getattr(result, "notes", ())), privacy, result)


def _quotes_or_transcript(project: Project, job: ExportJob, progress: Progress | None) -> tuple[Any, str]:
    if job.kind == "docx":
        from qualcode.report.themes import ReportOptions, export_docx

        options = ReportOptions(
            coder=job.coder,
            current_coder=job.current_coder,
            codes=job.codes,
            transcripts=job.transcripts,
            layout=job.layout,
            lang=job.lang,
            template=job.template,
            appendix=job.appendix,
            **job.report,
        )
        result = export_docx(project, job.out, options, progress=progress)
        return result, f"{result.quotes} quotes of {result.coder}"
    if job.kind == "quotes":
        from qualcode.report.tables import export_quotes

        result = export_quotes(
            project,
            job.out,
            coder=job.coder,
            current_coder=job.current_coder,
            codes=job.codes,
            transcripts=job.transcripts,
            lang=job.lang,
            csv_dialect=job.csv_dialect,
            progress=progress,
        )
        return result, f"{result.quotes} quotes of {result.coder}"
    from qualcode.report.transcript import export_transcript

    if not job.transcript:
        raise InputError("choose the transcript to export")
    result = export_transcript(
        project, job.transcript, job.out, lang=job.lang, template=job.template, progress=progress
    )
    return result, f"transcript {job.transcript}"


def _other(project: Project, job: ExportJob, progress: Progress | None) -> ExportOutcome:
    if progress:
        progress(0, 1, "computing agreement" if job.kind == "agreement" else "writing")
    if job.kind == "agreement":
        from qualcode.agreement.units import parse_coders
        from qualcode.report.agreement import write_report_with_warnings
        from qualcode.report.selection import split_names

        path, warnings = write_report_with_warnings(
            project,
            job.out,
            coders=parse_coders(job.coders),
            transcript_names=split_names(job.transcripts),
            lang=job.lang,
            template=job.template,
        )
        outcome = ExportOutcome(path, "agreement report", list(warnings))
    else:
        from qualcode.corpus.privacy import export_warning
        from qualcode.exchange.refi_write import export_qdc, export_qdpx

        counts = (export_qdpx if job.kind == "qdpx" else export_qdc)(project, job.out)
        summary = ", ".join(f"{v} {k}" for k, v in counts.items() if k != "path")
        privacy = export_warning(project, None) if job.kind == "qdpx" else None
        outcome = ExportOutcome(job.out, summary, privacy=privacy, result=counts)
    if progress:
        progress(1, 1, "done")
    return outcome
