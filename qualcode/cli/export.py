"""``qualcode export …``: every export is a subcommand of this group.

Other command modules add their own subcommands with
``from .export import export`` and ``@export.command("name")``.

This module adds ``docx`` (the themes report), ``quotes`` (xlsx/csv) and
``transcript`` (one numbered transcript). A relative OUT is relative to the
current folder; without OUT the file goes to ``exports/`` (created when missing).
Warnings (removed control characters, missing template styles) go to stderr;
the output path goes to stdout.
"""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, project_option
from qualcode.cli.output import echo, emit_json, json_option, print_warnings, progress_bar
from qualcode.exports import ExportJob, ExportOutcome

pass_session = click.make_pass_decorator(Session, ensure=True)


@cli.group()
def export() -> None:
    """Export to Word, Excel/CSV and REFI-QDA (default folder: exports/)."""


def _selection_options(f):
    f = click.option(
        "--transcripts",
        "transcript_names",
        metavar="FG1,FG2",
        help="Only these transcripts (comma-separated; default: all).",
    )(f)
    f = click.option("--codes", "code_names", metavar="A,B", help="Only these codes (comma-separated; default: all).")(
        f
    )
    f = click.option(
        "--coder",
        "export_coder",
        metavar="NAME",
        help="Whose codings to export (default: the consensus coder if it has codings, else you, the current coder).",
    )(f)
    return f


def _run(session: Session, job: ExportJob, out: Path | None, as_json: bool) -> None:
    """Run one export through the shared dispatch (:mod:`qualcode.exports`) and print its outcome."""
    from qualcode.exports import SUFFIXES, run
    from qualcode.report.selection import check_suffix, output_path

    if out is not None:
        check_suffix(out, SUFFIXES[job.kind])  # before the project is opened or anything is written
    project = session.open(readonly=True)
    with output_path(out, job.kind, job.transcript) as path, progress_bar("Exporting") as progress:
        job.out = path
        outcome = run(project, job, progress)
    print_outcome(outcome, as_json)


def print_outcome(outcome: ExportOutcome, as_json: bool) -> None:
    """Warnings and notes on stderr, then the path (or the result as JSON), then the privacy warning."""
    print_warnings(outcome.warnings, outcome.notes)
    if as_json:
        result = outcome.result
        emit_json(result.as_dict() if hasattr(result, "as_dict") else result)
    else:
        echo(str(outcome.path))
    if outcome.privacy:
        echo(outcome.privacy, err=True)


@export.command("docx")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_selection_options
@click.option(
    "--layout",
    type=click.Choice(["quotes", "table", "both"]),
    default="quotes",
    show_default=True,
    help="Quotes as paragraphs under the themes; a quote table there instead; or both "
    "(paragraphs, plus the quote table as its own section).",
)
@click.option("--picked", is_flag=True, help="Only the quotes you picked (qualcode pick), in your order.")
@click.option(
    "--inline-under",
    type=click.IntRange(min=0),
    default=25,
    show_default=True,
    metavar="N",
    help="Quotes shorter than N words go inline in running text (0: none).",
)
@click.option("--speaker", is_flag=True, help="Add the speakers to each citation: (FG2; 57-64, R4).")
@click.option("--summary-grid", is_flag=True, help="Add the summaries per theme × transcript as a table.")
@click.option(
    "--chart",
    type=click.Choice(["none", "bar", "native"]),
    default="bar",
    show_default=True,
    help="The frequency chart: none, a bar chart picture, or native (no library writes Word charts: a picture).",
)
@click.option("--author", metavar="NAME", help="The document's author (default: your display name).")
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the labels and the document (default: the project's language setting).",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.docx",
    help="Start from your own Word document or template (.docx/.dotx) and use its styles and page.",
)
@click.option("--appendix", is_flag=True, help="Add every selected transcript with its line numbers.")
@click.option(
    "--crosstab",
    metavar="ATTRIBUTE",
    help="Add a crosstab of codings: codes x speaker, transcript or an attribute (qualcode crosstab).",
)
@click.option("--cooccurrence", is_flag=True, help="Add the code x code co-occurrence table (qualcode cooccurrence).")
@json_option
@project_option
@pass_session
def export_docx_cmd(
    session: Session,
    out: Path | None,
    export_coder: str | None,
    code_names: str | None,
    transcript_names: str | None,
    layout: str,
    picked: bool,
    inline_under: int,
    speaker: bool,
    summary_grid: bool,
    chart: str,
    author: str | None,
    lang: str | None,
    template: Path | None,
    appendix: bool,
    crosstab: str | None,
    cooccurrence: bool,
    as_json: bool,
) -> None:
    """Write the themes report to OUT.docx (default exports/qualcode-report.docx).

    Title, contents and method; the results: one section per theme with your summary and quotes
    cited as (FG2; 57-64); the codebook, a frequency table and chart; optionally the numbered transcripts.

    \b
    Examples:
      qualcode export docx rapport.docx
      qualcode export docx --picked --speaker --inline-under 20
      qualcode export docx --coder anna --codes werkwijze,samenwerking --layout table
      qualcode export docx --template huisstijl.dotx --appendix --lang en
    """
    extra: dict[str, object] = {"picked": picked, "inline_under": inline_under, "speaker": speaker}
    extra |= {"summary_grid": summary_grid, "chart": chart, "author": author}
    extra |= {"crosstab": crosstab, "cooccurrence": cooccurrence}
    job = ExportJob(
        "docx",
        Path(),
        session.coder,
        coder=export_coder,
        codes=code_names,
        transcripts=transcript_names,
        layout=layout,
        lang=lang,
        template=template,
        appendix=appendix,
        report=extra,
    )
    _run(session, job, out, as_json)


@export.command("quotes")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_selection_options
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the headers and sheet name (default: the project's language setting).",
)
@click.option(
    "--csv-dialect",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="CSV for Dutch Excel (nl: semicolons, BOM, lines kept as text) or for scripts (en: commas). "
    "Default: the language.",
)
@json_option
@project_option
@pass_session
def export_quotes_cmd(
    session: Session,
    out: Path | None,
    export_coder: str | None,
    code_names: str | None,
    transcript_names: str | None,
    lang: str | None,
    csv_dialect: str | None,
    as_json: bool,
) -> None:
    """Write one row per quote to OUT.xlsx or OUT.csv (default exports/qualcode-quotes.xlsx).

    Columns: transcript, lines, source, code, coder, speakers, quote, memo (Dutch or English headers).
    Excel gets a filter on the header, a frozen header row and citations as text; CSV is UTF-8 with
    a byte order mark, with semicolons for Dutch Excel (--csv-dialect nl) or commas (en).
    """
    job = ExportJob(
        "quotes",
        Path(),
        session.coder,
        coder=export_coder,
        codes=code_names,
        transcripts=transcript_names,
        lang=lang,
        csv_dialect=csv_dialect,
    )
    _run(session, job, out, as_json)


@export.command("transcript")
@click.argument("name")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the labels (default: the project's language setting).",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.docx",
    help="Start from your own Word document or template and use its styles.",
)
@json_option
@project_option
@pass_session
def export_transcript_cmd(
    session: Session, name: str, out: Path | None, lang: str | None, template: Path | None, as_json: bool
) -> None:
    """Write transcript NAME with its line numbers to OUT.docx (default exports/NAME.docx)."""
    _run(
        session,
        ExportJob("transcript", Path(), session.coder, transcript=name, lang=lang, template=template),
        out,
        as_json,
    )
