"""Core commands: init, import, transcripts, codebook, code, uncode, done, codings, memo, undo, redo."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options, project_option
from qualcode.cli.output import echo, emit_json, json_option, print_table, progress_bar

pass_session = click.make_pass_decorator(Session, ensure=True)


@cli.command()
@click.option(
    "--codebook",
    "codebook_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load this codebook (YAML) into the new project.",
)
@common_options
@pass_session
def init(session: Session, codebook_file: Path | None) -> None:
    """Create a new project file (default ./qualcode.db)."""
    from qualcode.coding import codebook
    from qualcode.errors import ProjectError
    from qualcode.store.project import Project

    if session.project_path.exists():
        raise ProjectError("a project already exists here; nothing was changed", path=session.project_path)
    spec = codebook.load_file(codebook_file) if codebook_file else None  # validate before creating anything
    setup = (lambda p: codebook.apply(p, spec, session.coder)) if spec is not None else None
    session._open.append(Project.create(session.project_path, setup=setup))
    echo(f"Created {session.project_path}" + (f" with codebook {codebook_file}" if spec else ""))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--name", help="Short name for the transcript (one file only; default: the file stem).")
@click.option("--wrap", default=80, show_default=True, help="Line width for wrapping paragraphs and turns.")
@click.option(
    "--speakers",
    default="auto",
    show_default=True,
    metavar="none|auto|PATTERN",
    help="How speaker labels are recognised: none, auto (recurring labels at line starts) "
    "or a regular expression matched at line starts (group 'speaker' or the first group is the name).",
)
@click.option("--audit", is_flag=True, help="Run the privacy audit on what was imported.")
@click.option(
    "--encoding",
    metavar="NAME",
    help="Encoding of .txt/.md files (e.g. cp1252, mac-roman, utf-16-le); default: decided from the bytes.",
)
@click.option("--dry-run", is_flag=True, help="REFI-QDA and codebook CSV: show the report, write nothing.")
@json_option
@common_options
@pass_session
def import_(
    session: Session,
    files: tuple[Path, ...],
    name: str | None,
    wrap: int,
    speakers: str,
    audit: bool,
    encoding: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import transcripts; all or nothing. Creates the project when missing.

    Formats are recognised from the content: .txt/.md (plain, Otter, Amberscript, timed
    lines, markdown speakers), .docx/.odt, .vtt (Teams, Zoom, Whisper), .srt (WhisperX),
    Whisper .json/.tsv, oTranscribe .otr. Also reads REFI-QDA projects (.qdpx, or a bare
    .qde), codebooks (.qdc) and codebook CSVs (Taguette's, QualCoder's); each import ends
    with a report. For REFI-QDA sources --speakers auto recognises labels only when they
    behave like turns (papers and reports get none invented).
    """
    from qualcode.cli.exchange import REFI_SUFFIXES
    from qualcode.corpus import transcripts

    refi = [f for f in files if f.suffix.lower() in REFI_SUFFIXES]
    if refi:
        from qualcode.cli.exchange import import_refi

        import_refi(session, files, as_json=as_json, speakers=speakers, dry_run=dry_run)
        return
    if wrap < 20:
        raise click.BadParameter("must be at least 20", param_hint="--wrap")
    if encoding and any(f.suffix.lower() not in (".txt", ".md") for f in files):
        raise click.BadParameter("applies to .txt and .md files only", param_hint="--encoding")
    parsed = transcripts.parse_files(
        list(files), names=[name] if name else None, wrap=wrap, speakers=speakers, encoding=encoding
    )
    if dry_run:
        if session.project_path.exists():  # the names must be free, as a real import checks
            transcripts.check_new(session.open(readonly=True), parsed)
        _import_report(parsed, as_json, verb="Would import")
        return
    with progress_bar("Importing") as progress:
        if session.project_path.exists():
            project = session.open()
            transcripts.import_parsed(project, parsed, session.coder, progress=progress)
        else:  # a new project and its first import appear together or not at all
            from qualcode.store.project import Project

            project = Project.create(
                session.project_path,
                setup=lambda p: transcripts.import_parsed(p, parsed, session.coder, progress=progress),
                derived_from=files,
            )
            session._open.append(project)
    _import_report(parsed, as_json)
    if audit:
        from qualcode.cli.exchange import audit_after_import

        audit_after_import(session, project, [p.name for p in parsed])


def _import_report(parsed, as_json: bool, *, verb: str = "Imported") -> None:
    """What an import read: per transcript its lines, encoding, reader, speakers, notices and warnings."""
    if as_json:
        emit_json(
            [
                {
                    "name": p.name,
                    "source": p.source,
                    "lines": len(p.lines),
                    "encoding": p.encoding,
                    "numbered": p.numbered,
                    "reader": p.reader,
                    "speakers": list(dict.fromkeys(ln.speaker for ln in p.lines if ln.speaker)),
                    "timed": any(ln.start is not None for ln in p.lines),
                    "placeholders": p.placeholders,
                    "warnings": p.warnings,
                    "notices": p.notices,
                }
                for p in parsed
            ]
        )
    else:
        for p in parsed:
            echo(
                f"{verb} {p.name} from {p.source}: {len(p.lines)} lines ({p.encoding}"
                f"{', numbered' if p.numbered else ''}; reader: {p.reader})"
            )
            for notice in p.notices:
                echo(f"  notice: {p.source}: {notice}", err=True)
            for w in p.warnings:
                echo(f"  warning: {p.source}: {w}", err=True)


@cli.command("transcripts")
@json_option
@common_options
@pass_session
def transcripts_(session: Session, as_json: bool) -> None:
    """List the transcripts with lines, speakers, placeholders and per-coder progress."""
    from qualcode.corpus import transcripts

    rows = transcripts.overview(session.open(readonly=True))
    if as_json:
        emit_json(rows)
        return
    print_table(
        ["name", "source", "lines", "speakers", "placeholders", "coders (codings, done)"],
        [
            (
                r["name"],
                r["source"],
                r["lines"],
                ", ".join(r["speakers"]),
                ", ".join(r["placeholders"]),
                "; ".join(
                    f"{c}: {v['codings']}{' ✓done' if v['done'] else ''}" for c, v in sorted(r["coders"].items())
                ),
            )
            for r in rows
        ],
    )


@cli.group()
def codebook() -> None:
    """Load, show and export the codebook."""


@codebook.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Allow removing codes that have codings (deletes those codings).")
@common_options
@pass_session
def codebook_load(session: Session, file: Path, force: bool) -> None:
    """Load (or reload) a YAML codebook; codes are matched by name."""
    from qualcode.coding import codebook as cb

    spec = cb.load_file(file)
    report = cb.apply(session.open(), spec, session.coder, force=force)
    echo(
        f"Loaded {file}: {len(report['added'])} added, {len(report['updated'])} updated, "
        f"{len(report['removed'])} removed"
    )
    if report["removed_codings"]:
        echo(f"Deleted {report['removed_codings']} codings of removed codes: {', '.join(report['removed'])}")


@codebook.command("show")
@json_option
@click.option("--yaml", "as_yaml", is_flag=True, help="Print the codebook as YAML (loadable again).")
@common_options
@pass_session
def codebook_show(session: Session, as_json: bool, as_yaml: bool) -> None:
    """Show the codes with hotkeys, colours, definitions and number of codings."""
    from qualcode.coding import codebook as cb

    project = session.open(readonly=True)
    if as_yaml:
        echo(cb.to_yaml(project), nl=False)
        return
    data = cb.to_dict(project)
    if as_json:
        emit_json(data)
        return
    print_table(
        ["key", "code", "parent", "codings", "definition"],
        [(c["hotkey"] or "", c["name"], c["parent"] or "", c["codings"], c["definition"]) for c in data["codes"]],
    )


@cli.command()
@click.argument("transcript", required=False)
@click.argument("ranges", required=False)
@click.argument("code", required=False)
@click.option("--memo", default="", help="A memo on this coding.")
@click.option(
    "--from",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply every row of a .csv/.json file (transcript, ranges, code; optional coder, memo) at once.",
)
@json_option
@common_options
@pass_session
def code(
    session: Session,
    transcript: str | None,
    ranges: str | None,
    code: str | None,
    memo: str,
    from_file: Path | None,
    as_json: bool,
) -> None:
    """Code lines: RANGES is 57-64, 521 or 110-113,123-125 (one quote from two ranges).

    With --from FILE every row is checked first and then applied in one transaction
    and one undoable step; a bad row is named (FILE:ROW) and nothing is written.
    """
    if from_file is not None:
        if transcript or ranges or code:
            raise click.UsageError("give either TRANSCRIPT RANGES CODE or --from FILE, not both")
        _code_from(session, from_file, as_json)
        return
    if not (transcript and ranges and code):
        raise click.UsageError("give TRANSCRIPT RANGES CODE (or --from FILE)")
    from qualcode.coding import codings, quotes

    project = session.open()
    c = codings.apply(project, transcript, ranges, code, session.coder, memo)
    row = quotes.quote_rows(project, [c])[0]
    if as_json:
        emit_json(row)
    else:
        echo(f"Coded {row['citation']} as {c.code} ({c.coder})")


def _code_from(session: Session, path: Path, as_json: bool) -> None:
    from qualcode.coding import batch

    project = session.open()
    result = batch.code_from_file(project, path, session.coder)
    if as_json:
        emit_json({"file": str(path), "codings": result.codings, "coders": result.coders, "event": result.event_id})
    else:
        who = ", ".join(result.coders) or "nobody"
        echo(f"Coded {result.codings} codings from {path} ({who}); one `qualcode undo` takes them all back")


@cli.command()
@click.argument("transcript")
@click.argument("ranges")
@click.argument("code")
@common_options
@pass_session
def uncode(session: Session, transcript: str, ranges: str, code: str) -> None:
    """Remove your coding with exactly these ranges and this code."""
    from qualcode.coding import codings
    from qualcode.ranges import format_citation

    project = session.open()
    c = codings.remove(project, transcript, ranges, code, session.coder)
    echo(f"Removed {c.code} from {format_citation(c.transcript, c.ranges, project.citation_template)}")


@cli.command()
@click.argument("transcript")
@click.option("--undo", "undo_", is_flag=True, help="Mark the transcript as not finished again.")
@common_options
@pass_session
def done(session: Session, transcript: str, undo_: bool) -> None:
    """Mark a transcript finished for the current coder (its uncoded lines then count as 0 in agreement)."""
    from qualcode.coding import codings

    changed = codings.mark_done(session.open(), transcript, session.coder, done=not undo_)
    state = "not finished" if undo_ else "finished"
    echo(f"{transcript} marked {state} for {session.coder}" + ("" if changed else " (it already was)"))


@cli.command("codings")
@click.option("--coder", "coder_filter", help="Only this coder's codings.")
@click.option("--code", "code_filter", help="Only this code.")
@click.option("--transcript", "transcript_filter", help="Only this transcript.")
@click.option(
    "--speaker", "speaker_filter", help="Only codings with a line of this speaker (with --transcript: there)."
)
@click.option(
    "--attribute",
    "attribute_filters",
    multiple=True,
    metavar="NAME=VALUE",
    help="Only codings with a "
    "line of a participant (or transcript) with this attribute, e.g. rol=regisseur (repeatable).",
)
@json_option
@project_option
@pass_session
def codings_(
    session: Session,
    coder_filter: str | None,
    code_filter: str | None,
    transcript_filter: str | None,
    speaker_filter: str | None,
    attribute_filters: tuple[str, ...],
    as_json: bool,
) -> None:
    """List coded quotes with their citations (all coders unless filtered)."""
    from qualcode.coding import codings, quotes

    project = session.open(readonly=True)
    found = codings.list_codings(project, coder=coder_filter, code=code_filter, transcript=transcript_filter)
    if speaker_filter is not None or attribute_filters:  # who said it (qualcode.analysis)
        from qualcode.analysis import crosstab, participants

        keep = crosstab.coding_ids_where(
            project,
            speaker=speaker_filter,
            transcript=transcript_filter,
            attributes=participants.parse_assignments(attribute_filters),
        )
        found = [c for c in found if c.id in keep]
    rows = quotes.iter_quote_rows(project, found)
    if as_json:
        emit_json(rows)
        return
    print_table(
        ["citation", "code", "coder", "speakers", "quote", "memo"],
        [
            (
                r["citation"],
                r["code"],
                r["coder"],
                ", ".join(r["speakers"]),
                r["text"] if len(r["text"]) <= 160 else r["text"][:157] + "…",
                r["memo"],
            )
            for r in rows
        ],
    )


@cli.command()
@click.argument("scope", type=click.Choice(["code", "transcript", "project", "coding"]))
@click.argument("target", required=False)
@click.argument("text", required=False)
@common_options
@pass_session
def memo(session: Session, scope: str, target: str | None, text: str | None) -> None:
    """Write a memo: `memo code werkwijze TEXT` (a code memo; the report's theme summaries: `qualcode summary`),
    `memo transcript FG1 TEXT`,
    `memo project TEXT`, `memo coding ID TEXT`. Without TEXT, print the memo."""
    from qualcode.coding import memos

    if scope == "project":  # `memo project TEXT`: the project has no name, so TEXT comes first
        target, text = None, target if text is None else f"{target} {text}"
    elif target is None:
        raise click.UsageError(f"memo {scope} needs a name")
    project = session.open(readonly=text is None)
    if text is None:
        echo(memos.get(project, scope, target))
        return
    memos.set(project, scope, target, text, session.coder)
    echo(f"Memo saved ({scope}{' ' + target if target else ''})")


@cli.command()
@json_option
@common_options
@pass_session
def undo(session: Session, as_json: bool) -> None:
    """Undo your last action (only your own; works across restarts)."""
    from qualcode.store import history

    event = history.undo(session.open(), session.coder)
    emit_json(event) if as_json else echo(f"Undone: {event['summary']}")


@cli.command()
@json_option
@common_options
@pass_session
def redo(session: Session, as_json: bool) -> None:
    """Redo your last undone action."""
    from qualcode.store import history

    event = history.redo(session.open(), session.coder)
    emit_json(event) if as_json else echo(f"Redone: {event['summary']}")
