"""The author's commands for the report: pick, unpick, picks, summary, title, display-name.

Thin: parse, call one function of :mod:`qualcode.coding.picks` or
:mod:`qualcode.coding.summaries`, print (text or ``--json``).
"""

from __future__ import annotations

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.output import echo, emit_json, json_option, print_table

pass_session = click.make_pass_decorator(Session, ensure=True)


def _of_option(f):
    return click.option(
        "--of", "of", metavar="CODER", help="Whose coding (default: yours, else the consensus coder's)."
    )(f)


@cli.command()
@click.argument("transcript")
@click.argument("ranges")
@click.argument("code")
@click.option("--after", nargs=2, metavar="TRANSCRIPT RANGES", help="Place it right after this picked quote.")
@_of_option
@json_option
@common_options
@pass_session
def pick(
    session: Session,
    transcript: str,
    ranges: str,
    code: str,
    after: tuple[str, str] | None,
    of: str | None,
    as_json: bool,
) -> None:
    """Put a quote in your report: `qualcode pick FG2 57-64 werkwijze [--after FG1 5-11]`.

    `qualcode export docx --picked` then shows only your picks, in this order.
    """
    from qualcode.coding import picks

    row = picks.pick(
        session.open(), transcript, ranges, code, session.coder, after=(after[0], after[1]) if after else None, of=of
    )
    if as_json:
        emit_json(row)
    else:
        echo(f"Picked {row['citation']} for {row['code']}")


@cli.command()
@click.argument("transcript")
@click.argument("ranges")
@click.argument("code")
@_of_option
@common_options
@pass_session
def unpick(session: Session, transcript: str, ranges: str, code: str, of: str | None) -> None:
    """Take a quote out of your report."""
    from qualcode.coding import picks

    row = picks.unpick(session.open(), transcript, ranges, code, session.coder, of=of)
    echo(f"Unpicked {row['citation']} from {row['code']}")


@cli.command("picks")
@json_option
@common_options
@pass_session
def picks_(session: Session, as_json: bool) -> None:
    """List your picked quotes in report order (theme, then your order)."""
    from qualcode.coding import picks

    rows = picks.list_picks(session.open(readonly=True), session.coder)
    if as_json:
        emit_json(rows)
        return
    print_table(
        ["#", "code", "citation", "coder"],
        [
            (r["position"], r["code"], r["citation"], r["coder"])
            if not r["missing"]
            else (r["position"], "", f"(coding {r['coding_guid']} is gone)", "")
            for r in rows
        ],
    )


@cli.command()
@click.argument("code")
@click.argument("transcript", required=False)
@click.option("--text", "text", help="The summary (default: read from stdin with --stdin; empty text removes it).")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the summary from stdin (paragraphs: blank lines).")
@common_options
@pass_session
def summary(session: Session, code: str, transcript: str | None, text: str | None, from_stdin: bool) -> None:
    """Write a theme summary (the report opens the theme with it), or one per theme × transcript.

    Without --text/--stdin, print it. `qualcode summary werkwijze --text "…"`,
    `qualcode summary werkwijze FG2 --stdin < fg2.txt`.
    """
    from qualcode.coding import summaries

    if from_stdin:
        text = click.open_file("-").read()  # stdin as text (get_text_stream is deprecated in click 8.5)
    project = session.open(readonly=text is None)
    if text is None:
        echo(summaries.get(project, code, transcript))
        return
    changed = summaries.set_summary(project, code, text, session.coder, transcript)
    where = code + (f" × {transcript}" if transcript else "")
    echo(("Summary saved" if text.strip() else "Summary removed") + f" ({where})" + ("" if changed else ", unchanged"))


@cli.command()
@click.argument("text", required=False)
@common_options
@pass_session
def title(session: Session, text: str | None) -> None:
    """The project title reports use (never the file name). Without TEXT, print it."""
    from qualcode.coding import summaries

    project = session.open(readonly=text is None)
    if text is None:
        echo(summaries.project_title(project) or "")
        return
    summaries.set_project_title(project, text, session.coder)
    echo(f"Project title: {text.strip()}")


@cli.command("display-name")
@click.argument("name")
@click.argument("display", required=False)
@common_options
@pass_session
def display_name(session: Session, name: str, display: str | None) -> None:
    """How coder NAME is named in reports: `qualcode display-name anna "Anna de Vries"`."""
    from qualcode.coding import summaries

    project = session.open(readonly=display is None)
    if display is None:
        echo(summaries.display_names(project).get(name, ""))
        return
    summaries.set_display_name(project, name, display, session.coder)
    echo(f"{name} is shown as {display.strip()!r} in reports" if display.strip() else f"{name}: display name removed")
