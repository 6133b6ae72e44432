"""Analysis commands: ``participants load|show|set``, ``crosstab``, ``cooccurrence``, ``export analysis``.

Thin: parse, call one function of :mod:`qualcode.analysis` (or :mod:`qualcode.report.analysis`
for files), print a table or ``--json``. Notes (what was not counted, an unreliable
chi-squared) go to stderr as ``note:``/``warning:`` lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options, project_option
from qualcode.cli.export import export
from qualcode.cli.output import echo, emit_json, json_option, print_table, progress_bar

pass_session = click.make_pass_decorator(Session, ensure=True)


def _coders_option(f):
    return click.option(
        "--coder",
        "coders",
        multiple=True,
        metavar="NAME",
        help="Only this coder's codings (repeatable; default: every coder).",
    )(f)


def _xlsx_option(f):
    return click.option(
        "--xlsx",
        "xlsx",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="F.xlsx",
        help="Also write the table to this Excel file.",
    )(f)


def _notes(notes: list[str]) -> None:
    for n in notes:
        prefix = "warning" if "not reliable" in n or "not independent" in n else "note"
        echo(f"{prefix}: {n}", err=True)


# ----------------------------------------------------------------- participants
@cli.group()
def participants() -> None:
    """Participants (speakers per transcript), their attributes, transcript attributes."""


@participants.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@common_options
@pass_session
def participants_load(session: Session, file: Path, as_json: bool) -> None:
    """Load a CSV: `transcript,speaker,<attribute>…` (participants; a deelnemer/participant column
    with nee/no marks the moderator) or `transcript,<attribute>…` (transcript attributes).

    Every bad row is reported on its own line and nothing is loaded. One undoable action.
    """
    from qualcode.analysis import participants as pt

    try:
        report = pt.load_file(session.open(), file, session.coder)
    except pt.RowErrors as e:
        for problem in e.problems:
            echo(f"error: {problem}", err=True)
        echo(f"error: nothing was loaded ({len(e.problems)} bad row{'s' if len(e.problems) != 1 else ''})", err=True)
        sys.exit(1)
    if as_json:
        emit_json(report.as_dict())
        return
    sep = {",": "comma", ";": "semicolon", "\t": "tab"}[report.separator]
    echo(
        f"Loaded {report.kind} from {file} ({sep}-separated): {report.read} rows, {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged; attributes: {', '.join(report.attributes) or '–'}"
    )
    if report.non_participants:
        echo(f"Not counted as participants: {', '.join(report.non_participants)}")


@participants.command("show")
@json_option
@project_option
@pass_session
def participants_show(session: Session, as_json: bool) -> None:
    """Every speaker of every transcript with their attributes, and the transcript attributes."""
    from qualcode.analysis import participants as pt

    data = pt.show(session.open(readonly=True))
    if as_json:
        emit_json(data)
        return
    names = sorted({k for p in data["participants"] for k in p["attributes"]})
    print_table(
        ["transcript", "speaker", "participant", *names],
        [
            (
                p["transcript"],
                p["speaker"],
                "yes" if p["participant"] else "no",
                *[p["attributes"].get(n, "") for n in names],
            )
            for p in data["participants"]
        ],
        title="Participants",
    )
    t_names = sorted({k for t in data["transcripts"] for k in t["attributes"]})
    if t_names:
        print_table(
            ["transcript", *t_names],
            [(t["transcript"], *[t["attributes"].get(n, "") for n in t_names]) for t in data["transcripts"]],
            title="Transcript attributes",
        )


@participants.command("set")
@click.argument("transcript")
@click.argument("speaker")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
@click.option("--participant/--not-participant", "flag", default=None, help="Count this speaker, or not (moderator).")
@json_option
@common_options
@pass_session
def participants_set(
    session: Session, transcript: str, speaker: str, assignments: tuple[str, ...], flag: bool | None, as_json: bool
) -> None:
    """Set attributes of one participant: `participants set FG1 R3 rol=regisseur` (NAME= removes one)."""
    from qualcode.analysis import participants as pt

    values = pt.parse_assignments(assignments)
    p = pt.set_participant(session.open(), transcript, speaker, session.coder, attributes=values, participant=flag)
    data = {"transcript": p.transcript, "speaker": p.speaker, "participant": p.participant, "attributes": p.attributes}
    if as_json:
        emit_json(data)
    else:
        attrs = ", ".join(f"{k}={v}" for k, v in p.attributes.items()) or "no attributes"
        echo(f"{p.transcript} {p.speaker}: {attrs}{'' if p.participant else ' (not a participant)'}")


# ----------------------------------------------------------------- crosstab
@cli.command("crosstab")
@click.option(
    "--by", default="speaker", show_default=True, metavar="speaker|transcript|ATTRIBUTE", help="Columns: groups."
)
@click.option(
    "--unit",
    type=click.Choice(["codings", "lines", "speakers"]),
    default="codings",
    show_default=True,
    help="Count codings, distinct coded lines, or distinct speakers (transcript, speaker).",
)
@click.option("--percent", is_flag=True, help="Show column percentages (of the column base).")
@_coders_option
@_xlsx_option
@json_option
@project_option
@pass_session
def crosstab_cmd(
    session: Session, by: str, unit: str, percent: bool, coders: tuple[str, ...], xlsx: Path | None, as_json: bool
) -> None:
    """Codes (rows, with theme subtotals) × groups (columns), with a chi-squared test.

    \b
    Examples:
      qualcode crosstab --by rol --unit speakers
      qualcode crosstab --by transcript --coder anna --percent --xlsx tabel.xlsx
    """
    from qualcode.analysis import crosstab as ct

    table = ct.crosstab(session.open(readonly=True), by, unit=unit, coders=list(coders) or None)
    if xlsx is not None:
        from qualcode.report.analysis import crosstab_sheet, write_xlsx

        write_xlsx(xlsx, [crosstab_sheet(table, f"crosstab {by}")])
    if as_json:
        emit_json(table.as_dict(percentages=percent))
    else:
        _print_crosstab(table, percent)
    _notes(table.notes)
    if xlsx is not None and not as_json:
        echo(str(xlsx))


def _print_crosstab(table, percent: bool) -> None:
    from qualcode.report.analysis import crosstab_rows

    header, rows = crosstab_rows(table)
    if percent:
        pct = table.percentages()
        by_name = dict(zip(table.rows, pct))
        rows = [
            [r[0], *[f"{v} ({p:.0f}%)" if p is not None else v for v, p in zip(r[1:-1], by_name[r[0]])], r[-1]]
            if r[0] in by_name
            else r
            for r in rows
        ]
    print_table(["code", *header], rows, title=f"{table.unit} by {table.by}")
    if table.chi2:
        c = table.chi2
        echo(f"chi²({c['dof']}) = {c['chi2']:.3f}, p = {c['p']:.4f}, Cramér's V = {c['cramers_v']:.3f}, n = {c['n']}")


# ----------------------------------------------------------------- co-occurrence
@cli.command("cooccurrence")
@click.option(
    "--within",
    type=click.Choice(["lines", "turn"]),
    default="lines",
    show_default=True,
    help="Codings co-occur when they share a line, or a turn.",
)
@click.option("--jaccard", is_flag=True, help="Also give Jaccard coefficients (units shared / units covered).")
@_coders_option
@_xlsx_option
@json_option
@project_option
@pass_session
def cooccurrence_cmd(
    session: Session, within: str, jaccard: bool, coders: tuple[str, ...], xlsx: Path | None, as_json: bool
) -> None:
    """Code × code: pairs of codings by the same coder that share a line (or a turn); diagonal = codings."""
    from qualcode.analysis import cooccurrence as co

    table = co.cooccurrence(session.open(readonly=True), within=within, coders=list(coders) or None, jaccard=jaccard)
    if xlsx is not None:
        from qualcode.report.analysis import cooccurrence_sheet, write_xlsx

        sheets = [cooccurrence_sheet(table, "co-occurrence")]
        if jaccard:
            sheets.append(cooccurrence_sheet(table, "co-occurrence jaccard", jaccard=True))
        write_xlsx(xlsx, sheets)
    if as_json:
        emit_json(table.as_dict())
        return
    from qualcode.report.analysis import cooccurrence_rows

    header, rows = cooccurrence_rows(table, jaccard=jaccard)
    print_table(["code", *header], rows, title=f"{'Jaccard' if jaccard else 'co-occurrence'} (within {within})")
    if xlsx is not None:
        echo(str(xlsx))


# ----------------------------------------------------------------- export analysis
@export.command("analysis")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--unit",
    type=click.Choice(["codings", "lines", "speakers"]),
    default="codings",
    show_default=True,
    help="What the crosstabs count.",
)
@click.option(
    "--within",
    type=click.Choice(["lines", "turn"]),
    default="lines",
    show_default=True,
    help="Co-occurrence: same line or same turn.",
)
@_coders_option
@json_option
@project_option
@pass_session
def export_analysis_cmd(
    session: Session, out: Path, unit: str, within: str, coders: tuple[str, ...], as_json: bool
) -> None:
    """Write every analysis table to OUT.xlsx, each on its own sheet: crosstabs by speaker, transcript
    and every attribute, co-occurrence (counts and Jaccard) and the participants."""
    from qualcode.report.analysis import export_analysis

    with progress_bar("Exporting") as progress:
        result = export_analysis(
            session.open(readonly=True), out, coders=list(coders) or None, unit=unit, within=within, progress=progress
        )
    for w in result.warnings:
        echo(f"note: {w}", err=True)
    emit_json(result.as_dict()) if as_json else echo(str(result.path))
