"""Commands for transcripts as they arrive and get corrected: media, speakers, reimport."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.output import echo, emit_json, json_option

pass_session = click.make_pass_decorator(Session, ensure=True)


@cli.command()
@click.argument("transcript")
@click.argument("recording", required=False, type=click.Path(dir_okay=False, path_type=Path))
@json_option
@common_options
@pass_session
def media(session: Session, transcript: str, recording: Path | None, as_json: bool) -> None:
    """Link a recording to a transcript (`media FG2 audio.m4a`); without RECORDING, show the link.

    In the workbench, l plays the current line or selection from its start time (mpv or ffplay).
    """
    from qualcode.corpus import media as media_mod
    from qualcode.corpus import transcripts

    if recording is None:
        project = session.open(readonly=True)
        t = transcripts.get(project, transcript)
        path = media_mod.path_of(project, t.id)
        if as_json:
            emit_json({"transcript": t.name, "path": path})
        else:
            echo(f"{t.name}: {path}" if path else f"{t.name}: no recording linked")
        return
    result = media_mod.link(session.open(), transcript, recording, session.coder)
    if as_json:
        emit_json(result)
    else:
        echo(f"Linked {result['transcript']} to {result['path']}")
        if media_mod.find_player() is None:
            echo("  notice: no audio player found; install mpv or ffplay to listen in the workbench", err=True)


@cli.command()
@click.argument("transcript")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW", help="Rename a speaker (repeatable).")
@json_option
@common_options
@pass_session
def speakers(session: Session, transcript: str, renames: tuple[str, ...], as_json: bool) -> None:
    """List a transcript's speakers, or rename them (`--rename "SPEAKER_00=M"`; one undoable action).

    Only the speaker column changes; the lines' text and numbers stay as imported.
    """
    from qualcode.corpus import speaker_names

    if renames:
        wanted = speaker_names.parse_renames(list(renames))
        counts = speaker_names.rename(session.open(), transcript, wanted, session.coder)
        if as_json:
            emit_json(
                {
                    "transcript": transcript,
                    "renamed": {old: {"to": wanted[old], "lines": n} for old, n in counts.items()},
                }
            )
        else:
            for old, n in counts.items():
                echo(f"Renamed {old} → {wanted[old]} on {n} lines of {transcript}")
        return
    rows = speaker_names.speakers(session.open(readonly=True), transcript)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        echo(f"{r['speaker']}\t{r['turns']} turns\t{r['lines']} lines\tfirst line {r['first_line']}")


def _print_plan(result) -> None:
    counts = result.counts()
    verb = "Re-imported" if result.applied else "Dry run: would re-import"
    echo(
        f"{verb} {result.transcript} from {result.source} ({result.reader}): {result.old_lines} → {result.new_lines} lines "
        f"({result.lines_unchanged} unchanged, {result.lines_changed} changed, {result.lines_inserted} inserted, "
        f"{result.lines_deleted} deleted)"
    )
    echo(
        f"Codings: {counts['unchanged']} unchanged, {counts['moved']} moved, {counts['changed']} changed inside "
        f"(flagged), {counts['lost']} lost (kept in the needs-attention list)"
    )
    for c in result.codings:
        if c.status == "moved":
            echo(f"  moved    {c.code} ({c.coder}): {c.old_citation} → {c.new_citation}")
        elif c.status == "changed":
            echo(f"  changed  {c.code} ({c.coder}): {c.old_citation} → {c.new_citation}  [review]")
        elif c.status == "lost":
            echo(f"  lost     {c.code} ({c.coder}): {c.old_citation} “{c.old_text[:80]}”")
    for notice in result.notices:
        echo(f"  notice: {notice}", err=True)
    if result.applied and (counts["moved"] or counts["changed"] or counts["lost"]):
        echo(
            "Citations in exports made before this re-import changed where listed above; `qualcode undo` restores the old text."
        )


@cli.command()
@click.argument("transcript")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report where every coding would go; change nothing.")
@click.option("--wrap", default=80, show_default=True, help="Line width for wrapping paragraphs and turns.")
@click.option("--speakers", default="auto", show_default=True, metavar="none|auto|PATTERN", help="As for import.")
@json_option
@common_options
@pass_session
def reimport(
    session: Session, transcript: str, file: Path, dry_run: bool, wrap: int, speakers: str, as_json: bool
) -> None:
    """Replace a transcript's text by a corrected version and carry every coding across.

    Reports each coding as unchanged, moved (old → new citation), changed inside (flagged
    for review) or lost (kept in the needs-attention list). One undoable action.
    """
    from qualcode.coding import reimport as reimport_mod

    if wrap < 20:
        raise click.BadParameter("must be at least 20", param_hint="--wrap")
    project = session.open(readonly=dry_run)
    result = reimport_mod.reimport(
        project, transcript, file, session.coder, wrap=wrap, speakers=speakers, dry_run=dry_run
    )
    if as_json:
        emit_json(result.to_dict())
    else:
        _print_plan(result)


@cli.command()
@click.argument("transcript", required=False)
@json_option
@common_options
@pass_session
def attention(session: Session, transcript: str | None, as_json: bool) -> None:
    """The needs-attention list: codings a re-import flagged (changed inside) or could not carry (lost)."""
    from qualcode.coding import reimport as reimport_mod

    rows = reimport_mod.attention(session.open(readonly=True), transcript)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        echo("Nothing needs attention.")
    for r in rows:
        where = f"{r['old_ranges']} → {r['new_ranges']}" if r["new_ranges"] else f"{r['old_ranges']} (text gone)"
        echo(f"{r['status']:<8} {r['transcript']} {where} {r['code']} ({r['coder']}): “{r['old_text'][:80]}”")
