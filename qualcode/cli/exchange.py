"""Exchange commands: ``export qdc|qdpx|codebook-csv``, REFI-QDA and codebook CSV import (called by ``import``), ``merge``, ``audit``."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.export import export
from qualcode.cli.output import echo, emit_json, json_option, print_table, progress_bar

REFI_SUFFIXES = (".qdpx", ".qde", ".qdc", ".csv")  # REFI-QDA projects and codebooks, codebook CSVs

pass_session = click.make_pass_decorator(Session, ensure=True)


# --------------------------------------------------------------------- export
@export.command("qdc")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@common_options
@pass_session
def export_qdc(session: Session, out: Path, as_json: bool) -> None:
    """The codebook as a REFI-QDA codebook (.qdc) for ATLAS.ti, MAXQDA, NVivo, QualCoder."""
    from qualcode.exports import ExportJob, run

    outcome = run(session.open(readonly=True), ExportJob("qdc", out, session.coder))
    result = outcome.result
    emit_json(result) if as_json else echo(f"Wrote {out}: {result['codes']} codes")


@export.command("codebook-csv")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@common_options
@pass_session
def export_codebook_csv(session: Session, out: Path, as_json: bool) -> None:
    """The codebook as Taguette's codebook CSV (tag,description); Taguette imports it as a codebook."""
    from qualcode.exchange.codebook_csv import export_taguette_csv

    result = export_taguette_csv(session.open(readonly=True), out)
    emit_json(result) if as_json else echo(f"Wrote {out}: {result['codes']} codes")


@export.command("qdpx")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@common_options
@pass_session
def export_qdpx(session: Session, out: Path, as_json: bool) -> None:
    """The whole project as a REFI-QDA project (.qdpx): coders, codebook, transcripts, codings, memos."""
    from qualcode.exports import ExportJob, run

    outcome = run(session.open(readonly=True), ExportJob("qdpx", out, session.coder))
    result = outcome.result
    if as_json:
        emit_json(result)
    else:
        echo(
            f"Wrote {out}: {result['sources']} transcripts, {result['codes']} codes, "
            f"{result['codings']} codings ({result['selections']} selections), {result['users']} coders, "
            f"{result['notes']} memos"
        )
    if outcome.privacy:
        echo(outcome.privacy, err=True)


# --------------------------------------------------------------------- import
def import_refi(
    session: Session, files, *, as_json: bool = False, speakers: str = "auto", dry_run: bool = False
) -> None:
    """``qualcode import X.qdpx|X.qde|X.qdc|X.csv``: every file is read and checked first, then imported."""
    import re

    from qualcode.archives import require_regular_file
    from qualcode.errors import InputError
    from qualcode.exchange.refi_load import dry_run_without_project, import_file, prepare

    files = [Path(f) for f in files]
    others = [f for f in files if f.suffix.lower() not in REFI_SUFFIXES]
    if others:
        raise InputError(
            "import REFI-QDA files (.qdpx, .qde, .qdc) and codebook CSVs on their own, not with transcripts",
            path=others[0],
        )
    if speakers not in ("none", "auto"):
        try:
            re.compile(speakers)
        except re.error as exc:
            raise click.BadParameter(f"not a regular expression ({exc})", param_hint="--speakers") from None
    for f in files:
        require_regular_file(f, what="REFI-QDA file")  # a FIFO or a device would block or never end
    prepared = [prepare(f, speakers=speakers) for f in files]  # every file read and checked before a project is made
    if dry_run and not session.project_path.exists():
        reports = [dry_run_without_project(p, session.coder) for p in prepared]
    else:
        project = session.open(create=not dry_run, derived_from=tuple(files))
        reports = [import_file(project, p, session.coder, dry_run=dry_run) for p in prepared]
    if as_json:
        emit_json([r.as_dict() for r in reports])
        return
    for r in reports:
        for line in r.lines():
            echo(line)


def audit_after_import(session: Session, project, names) -> None:
    """``qualcode import … --audit``: audit what was just imported and print the findings."""
    from qualcode.corpus import privacy

    result = privacy.audit(project, list(names), coder=session.coder)
    _print_audit(result, as_json=False)


# ---------------------------------------------------------------------- merge
@cli.command()
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be merged; change nothing.")
@json_option
@common_options
@pass_session
def merge(session: Session, other: Path, dry_run: bool, as_json: bool) -> None:
    """Merge another coder's project file into this one (one undoable step).

    Transcripts are matched by the SHA-256 of their text, codes by name; codings
    keep their coder and identical codings are kept once. Transcripts whose text
    differs are reported and not merged.
    """
    from qualcode.exchange import merge as merge_mod

    report = merge_mod.merge(session.open(), other, session.coder, dry_run=dry_run)
    if as_json:
        emit_json(report)
        return
    for line in merge_mod.report_lines(report):
        echo(line)


# ---------------------------------------------------------------------- audit
@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1)
@click.option("--strict", is_flag=True, help="Exit 1 while open findings remain.")
@click.option("--all", "show_all", is_flag=True, help="Also list accepted findings.")
@click.option("--same-text", is_flag=True, help="With `accept`: also accept every open finding with the same text.")
@json_option
@common_options
@pass_session
def audit(
    session: Session, args: tuple[str, ...], strict: bool, show_all: bool, same_text: bool, as_json: bool
) -> None:
    """Privacy audit: `audit [TRANSCRIPT…]` scans for names, places, institutions, dates, ages, phone
    numbers, e-mail addresses, BSN numbers, postcodes and URLs that anonymisation missed.

    `audit accept ID…` marks findings as false positives (remembered); `audit reopen ID…` undoes that.
    Exits 0 when the audit ran, whatever it found (--strict: 1 while open findings remain).
    """
    from qualcode.corpus import privacy

    if args and args[0] in ("accept", "reopen"):
        ids = args[1:]
        if not ids:
            raise click.UsageError(f"audit {args[0]} needs the ID of a finding (see `qualcode audit --json`)")
        bad = [i for i in ids if not i.isdigit()]
        if bad:
            raise click.BadParameter(f"{bad[0]!r} is not a finding id", param_hint="ID")
        fn = privacy.accept if args[0] == "accept" else privacy.reopen
        changed = fn(session.open(), [int(i) for i in ids], session.coder, same_text=same_text)
        if as_json:
            emit_json(changed)
        else:
            verb = "Accepted" if args[0] == "accept" else "Reopened"
            for f in changed:
                echo(f"{verb} #{f['id']} {f['citation']} {f['kind']} {f['text']!r}")
        return
    project = session.open()
    with progress_bar("Auditing") as progress:
        result = privacy.audit(project, list(args) or None, coder=session.coder, progress=progress)
    _print_audit(result, as_json=as_json, show_all=show_all)
    if strict and any(f["status"] == "open" for f in result["findings"]):
        raise click.exceptions.Exit(1)


def _print_audit(result: dict, *, as_json: bool, show_all: bool = False) -> None:
    findings = result["findings"] if show_all else [f for f in result["findings"] if f["status"] == "open"]
    if as_json:
        emit_json(findings)
    else:
        if findings:
            print_table(
                ["id", "citation", "kind", "text", "status"],
                [(f["id"], f["citation"], f["kind"], f["text"], f["status"]) for f in findings],
            )
        n_open = sum(1 for f in result["findings"] if f["status"] == "open")
        n_acc = sum(1 for f in result["findings"] if f["status"] == "accepted")
        echo(
            f"Audited {', '.join(result['transcripts']) or 'no transcripts'}: {n_open} open findings, "
            f"{n_acc} accepted (detectors: {', '.join(result['detectors'])})"
        )
    for note in result["notes"]:
        echo(note, err=True)
