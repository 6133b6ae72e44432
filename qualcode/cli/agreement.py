"""Inter-coder agreement commands: agreement, disagreements, consensus, export agreement."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.export import export
from qualcode.cli.output import echo, emit_json, json_option, plain, print_table, print_warnings

pass_session = click.make_pass_decorator(Session, ensure=True)


def _scope_options(f):
    f = click.option(
        "--transcript",
        "transcript_names",
        multiple=True,
        metavar="NAME",
        help="Only this transcript (repeat for more; default: all).",
    )(f)
    f = click.option(
        "--coders",
        metavar="A,B,…",
        help="Coders to compare, comma-separated (default: all who finished a transcript in scope, "
        "except the consensus coder). Their unfinished transcripts count as missing.",
    )(f)
    return f


def _stats_options(f):
    f = click.option(
        "--resamples",
        type=click.IntRange(0, 100_000),
        default=1000,
        show_default=True,
        help="Bootstrap resamples of whole transcripts for the 95 % intervals (0: none).",
    )(f)
    f = click.option(
        "--seed",
        type=int,
        default=None,
        help="Seed for the bootstrap (default: a fixed seed, so reruns give the same intervals).",
    )(f)
    return f


def compute(
    project, *, coders=None, code=None, transcript_names=(), resamples=1000, seed=None, since=None, round_=None
):
    from qualcode.agreement import units as agreement_data

    return agreement_data.compute_report(
        project,
        coders=agreement_data.parse_coders(coders),
        code=code,
        transcript_names=list(transcript_names) or None,
        resamples=resamples,
        seed=seed,
        since=since,
        round_=round_,
    )


def _round_options(f):
    f = click.option(
        "--round",
        "round_",
        type=click.IntRange(1),
        metavar="N",
        help="Only the transcripts of round N. A round ends when consensus decisions are made (the "
        "discussion); the first transcript completed after that starts the next round (from the event log).",
    )(f)
    f = click.option(
        "--since",
        metavar="WHEN",
        help="Only transcripts the coders completed since WHEN (2024-05-01, 2024-05-01T14:30, today, 7d).",
    )(f)
    return f


@cli.command("agreement")
@_scope_options
@click.option("--code", help="Only this code (default: every code).")
@_round_options
@_stats_options
@click.option(
    "--units",
    "units_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.csv",
    help="Also write the unit matrix (transcript, line, code, one column per coder: 1, 0 or empty for "
    "not finished) so every figure can be recomputed in R or SPSS.",
)
@click.option("--per-transcript", is_flag=True, help="Also show agreement per transcript (with its round).")
@click.option("--pairs", is_flag=True, help="Also show each pair of coders, and each coder against the consensus.")
@click.option(
    "--segments",
    is_flag=True,
    help="Show the segment view instead: per coding, is there a coding of the other coder with the same "
    "code overlapping by at least --threshold (Jaccard of the line sets)?",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.5,
    show_default=True,
    help="Overlap needed for a segment to count as matched (with --segments).",
)
@json_option
@common_options
@pass_session
def agreement_cmd(
    session: Session,
    coders: str | None,
    transcript_names: tuple[str, ...],
    code: str | None,
    since: str | None,
    round_: int | None,
    resamples: int,
    seed: int | None,
    units_csv: Path | None,
    per_transcript: bool,
    pairs: bool,
    segments: bool,
    threshold: float,
    as_json: bool,
) -> None:
    """Inter-coder agreement per code on line units, with 95 % bootstrap intervals.

    The unit is the transcript line: 1 = the coder applied the code, 0 = the coder marked the transcript done
    and did not, missing = not done. Blank lines are excluded; all transcripts in scope are pooled per code.
    Coefficients follow their authors' definitions for data with missing values (Gwet 2014; irrCAC):
    percent agreement, Cohen's kappa (2 coders) or Conger's kappa (3+), Fleiss' kappa, Krippendorff's
    alpha, Gwet's AC1 and PABAK (Brennan–Prediger). The summary row is De Vries' pooled kappa; its other
    figures are means over the codes. Undefined figures show as – (JSON: null) with the reason in the notes.

    Each coder against the consensus (--pairs) uses the transcripts the consensus coder is marked done on:
    `qualcode done FG1 --coder consensus` once the consensus of FG1 is settled.
    """
    project = session.open(readonly=True)
    if segments:
        _segments(project, coders, code, transcript_names, threshold, as_json)
        return
    _scope, units, report = compute(
        project,
        coders=coders,
        code=code,
        transcript_names=transcript_names,
        resamples=resamples,
        seed=seed,
        since=since,
        round_=round_,
    )
    written = None
    if units_csv is not None:
        from qualcode.agreement.units import write_units_csv

        written = write_units_csv(units, units_csv)
    if as_json:
        data = report.to_json()
        if written:
            data["units_file"] = written
        emit_json(data)
        return
    _print_report(report, per_transcript=per_transcript, pairs=pairs)
    if written:
        echo(f"Wrote the unit matrix ({written['written']:,} rows) to {written['path']}")


def _num(value: float | None) -> str:
    """.812 / -.031 / – (three decimals, no leading zero: the tables must fit 80 columns)."""
    from qualcode.agreement.results import fmt

    text = fmt(value)
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _f(stat) -> str:
    return _num(stat.value)


def _ci(interval) -> str:
    """.961–.975 (no brackets: five intervals side by side must fit 80 columns)."""
    return f"{_num(interval.low)}–{_num(interval.high)}" if interval.defined else "–"


def _table(title: str):
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold", collapse_padding=True)


def _print_report(report, *, per_transcript: bool = False, pairs: bool = False) -> None:
    from rich.console import Console

    console = Console()
    kappa = "κ Cohen" if len(report.coders) == 2 else "κ Conger"
    table = _table(f"Agreement of {', '.join(report.coders)} · {len(report.transcripts)} transcript(s) · unit = line")
    table.title = plain(table.title)  # user text: never markup
    table.add_column("code", no_wrap=True, overflow="ellipsis", max_width=22)
    for name in ("lines", "agree", "pos", "neg", kappa, "Fleiss", "alpha", "AC1", "PABAK"):
        table.add_column(name, justify="right", no_wrap=True)
    for ca in report.codes.values():
        style = "" if ca.used else "dim"
        cells = [
            str(ca.n_units),
            _f(ca.percent_agreement),
            _f(ca.positive_agreement),
            _f(ca.negative_agreement),
            _f(ca.kappa),
            _f(ca.fleiss),
            _f(ca.alpha),
            _f(ca.ac1),
            _f(ca.pabak),
        ]
        table.add_row(plain(ca.code), *cells, style=style)
    if len(report.codes) > 1:
        sm = report.summary
        m = sm.means
        table.add_row(
            plain("summary*"),
            str(sm.n_units),
            _f(m["percent_agreement"]),
            _f(m["positive_agreement"]),
            _f(m["negative_agreement"]),
            _f(sm.pooled_kappa),
            _f(m["fleiss"]),
            _f(m["alpha"]),
            _f(m["ac1"]),
            _f(m["pabak"]),
            style="bold",
        )
    console.print(table)
    if len(report.codes) > 1:
        echo(
            "* summary: κ is De Vries' pooled kappa (mean p_o and mean p_e over the codes); "
            "the other figures are means over the codes where they are defined."
        )

    ci = _table("95 % intervals (bootstrap over transcripts) · T = transcripts in which the code occurs")
    ci.add_column("code", no_wrap=True, overflow="ellipsis", max_width=18)
    ci.add_column("T", justify="right")
    for name in ("agree", "κ", "alpha", "AC1", "PABAK"):
        ci.add_column(name, no_wrap=True)
    for ca in report.codes.values():
        iv = ca.intervals
        ci.add_row(
            plain(ca.code),
            str(ca.transcripts_with_code) + ("!" if ca.used and iv["kappa"].caveat else ""),
            *(_ci(iv[k]) for k in ("percent_agreement", "kappa", "alpha", "ac1", "pabak")),
            style="" if ca.used else "dim",
        )
    if len(report.codes) > 1:
        ci.add_row(plain("summary*"), "", "", _ci(report.summary.pooled_kappa_ci), "", "", "", style="bold")
    console.print(ci)
    if pairs:
        _print_pairs(console, report)
    if report.exclusive:
        _print_exclusive(console, report)
    if len(report.rounds) > 1 or per_transcript:
        _print_rounds(console, report, per_transcript)
    _print_notes(report)
    echo(
        "alpha ≥ .800 reliable, ≥ .667 tentative (Krippendorff 2004). "
        + (
            f"Bootstrap: {report.resamples} resamples, seed {report.seed}; "
            f"! = fewer than 10 transcripts carry the code: the interval is likely too narrow."
            if report.resamples
            else "No bootstrap (--resamples 0)."
        )
    )


def _print_pairs(console, report) -> None:

    t = _table("Coder pairs (Cohen's kappa on the lines both finished) and each coder against the consensus")
    t.add_column("code", no_wrap=True, overflow="ellipsis", max_width=18)
    t.add_column("pair", no_wrap=True)
    for name in ("lines", "agree", "κ", "alpha", "AC1"):
        t.add_column(name, justify="right", no_wrap=True)
    for ca in report.codes.values():
        rows = [(key.replace("|", " · "), p) for key, p in ca.pairs.items()]
        rows += [(f"{c} · {p.second}", p) for c, p in ca.against_consensus.items()]
        for label, p in rows:
            t.add_row(
                plain(ca.code),
                plain(label),
                str(p.n_units),
                _f(p.percent_agreement),
                _f(p.kappa),
                _f(p.alpha),
                _f(p.ac1),
                style="" if ca.used else "dim",
            )
    console.print(t)
    done = report.consensus_transcripts
    echo(
        f"Consensus coder {report.consensus_coder!r}: marked done on {done} of {len(report.transcripts)} "
        f"transcript(s); it is compared only there (mark one with `qualcode done NAME --coder "
        f"{report.consensus_coder}`)."
    )


def _print_exclusive(console, report) -> None:

    for theme, ex in report.exclusive.items():
        echo(
            f"Exclusive theme {theme}: multi-valued alpha {_f(ex.alpha)} over {ex.n_units} lines "
            f"({len(ex.codes)} codes + none)."
        )
        for coder, n in ex.conflicts.items():
            if n:
                echo(f"  {coder} applied two codes of {theme} to {n} line(s); those lines are left out.")
        for key, m in ex.confusion.items():
            first, second = key.split("|", 1)
            t = _table(f"{theme}: rows {first}, columns {second} (lines both finished)")
            t.title = plain(t.title)
            t.add_column("", no_wrap=True)
            for c in ex.categories:
                t.add_column(plain(c), justify="right")
            for c, row in zip(ex.categories, m, strict=True):
                t.add_row(plain(c), *(str(int(v)) for v in row))
            console.print(t)


def _print_rounds(console, report, per_transcript: bool) -> None:

    t = _table("Agreement per round" + (" and per transcript" if per_transcript else ""))
    t.add_column("round / transcript", no_wrap=True)
    for name in ("lines", "agree (mean)", "pooled κ"):
        t.add_column(name, justify="right", no_wrap=True)
    for r in report.rounds:
        t.add_row(
            plain(f"round {r.round} ({len(r.transcripts)} transcripts)"),
            str(r.n_units),
            _f(r.percent_agreement),
            _f(r.pooled_kappa),
            style="bold",
        )
        if per_transcript:
            for row in report.per_transcript:
                if row.round == r.round:
                    t.add_row(plain("  " + row.name), str(row.n_units), _f(row.percent_agreement), _f(row.pooled_kappa))
    if per_transcript:
        for row in report.per_transcript:
            if row.round is None:
                t.add_row(plain(row.name), str(row.n_units), _f(row.percent_agreement), _f(row.pooled_kappa))
    console.print(t)


def _print_notes(report) -> None:
    from qualcode.agreement.notes import english, grouped

    for line in english(grouped(report)):
        echo(line)


def _segments(project, coders, code, transcript_names, threshold, as_json) -> None:
    from qualcode.agreement.segments import MATCHED, PARTIAL, UNMATCHED, compare_segments

    result = compare_segments(project, coders=coders, code=code, transcript_names=transcript_names, threshold=threshold)
    out: dict = {"threshold": threshold, "coders": result.coders, "codes": {name: {} for name in result.codes}}
    rows = []
    for pair in result.pairs:
        counts = pair.view.counts()
        share = pair.view.share_matched()
        key = f"{pair.first}|{pair.second}"
        out["codes"][pair.code][key] = {
            pair.first: counts["first"],
            pair.second: counts["second"],
            "share_matched": share.to_json(),
            "note": share.reason,
        }
        rows.append(
            [
                pair.code,
                key,
                " / ".join(str(counts["first"][s]) for s in (MATCHED, PARTIAL, UNMATCHED)),
                " / ".join(str(counts["second"][s]) for s in (MATCHED, PARTIAL, UNMATCHED)),
                share.format(),
            ]
        )
    if as_json:
        emit_json(out)
        return
    print_table(
        [
            "code",
            "pair",
            "first: matched / partial / unmatched",
            "second: matched / partial / unmatched",
            "share matched",
        ],
        rows,
        title=f"Segment agreement (overlap ≥ {threshold:.0%}, Jaccard of lines)",
    )


@cli.command("disagreements")
@click.argument("code")
@_scope_options
@json_option
@common_options
@pass_session
def disagreements_cmd(
    session: Session, code: str, coders: str | None, transcript_names: tuple[str, ...], as_json: bool
) -> None:
    """List where the coders differ on CODE: lines, who coded what, speakers, memos and citations.

    Each disagreement is a block of consecutive lines that some coder coded and on which the coders differ;
    its number or its id (FG1:12-20) is what `qualcode consensus` takes.
    """
    from qualcode.agreement import units as agreement_data

    items = agreement_data.disagreements(
        session.open(readonly=True),
        code,
        coders=agreement_data.parse_coders(coders),
        transcript_names=list(transcript_names) or None,
    )
    if as_json:
        emit_json([d.to_json() for d in items])
        return
    if not items:
        echo(f"No disagreements on {code}.")
        return
    from qualcode.ranges import format_ranges

    for k, d in enumerate(items, 1):
        echo(f"{k}. {d.id} {d.citation}  speakers: {', '.join(d.speakers) or '–'}")
        for p in d.parts:
            echo(f"     {format_ranges(p.ranges):>12}  {p.label}")
        for coder, cs in d.codings.items():
            for c in cs:
                memo = f"  memo: {c.memo}" if c.memo else ""
                echo(f"     {coder}: {format_ranges(c.ranges)}{memo}")
        for c in d.consensus:
            echo(f"     consensus: {format_ranges(c.ranges)}")
        text = d.text if len(d.text) <= 160 else d.text[:157] + "…"
        echo(f"     “{text}”")


@cli.command("consensus")
@click.argument("code")
@click.argument("disagreement", required=False)
@click.option("--accept", "accept_coder", metavar="CODER", help="Take this coder's coding of the block.")
@click.option("--union", "take_union", is_flag=True, help="Take every line any coder coded in the block.")
@click.option("--ranges", "edited", metavar="RANGES", help="Take this edited range, e.g. 57-64 or 57-60,63-64.")
@click.option("--clear", "clear_", is_flag=True, help="Decide that the block is not coded.")
@click.option(
    "--agreed",
    is_flag=True,
    help="Give the consensus every line all coders coded with the code, as maximal ranges (no DISAGREEMENT).",
)
@click.option("--memo", default="", help="Memo for an edited range (--ranges).")
@_scope_options
@json_option
@common_options
@pass_session
def consensus_cmd(
    session: Session,
    code: str,
    disagreement: str | None,
    accept_coder: str | None,
    take_union: bool,
    edited: str | None,
    clear_: bool,
    agreed: bool,
    memo: str,
    coders: str | None,
    transcript_names: tuple[str, ...],
    as_json: bool,
) -> None:
    """Settle a disagreement on CODE as the consensus coder (project setting consensus_coder).

    DISAGREEMENT is its number or id from `qualcode disagreements CODE` (e.g. 3 or FG1:12-20), or a line in it
    (FG1:15). Give exactly one of --accept CODER, --union, --ranges RANGES, --clear. The originals stay
    untouched; deciding again replaces the earlier decision. Use CODE `all` with --agreed to copy the agreed
    lines of every code (whatever the boundaries of the coders' codings). Each decision is one event: `qualcode undo --coder consensus` takes it back.

    \b
    Examples:
      qualcode consensus werkwijze 1 --accept anna
      qualcode consensus werkwijze FG1:40 --union
      qualcode consensus werkwijze FG1:12-20 --ranges 13-18
      qualcode consensus all --agreed
    """
    from qualcode.agreement import consensus
    from qualcode.agreement import units as agreement_data
    from qualcode.errors import InputError
    from qualcode.ranges import format_ranges

    project = session.open()
    chosen = [x for x in (accept_coder is not None, take_union, edited is not None, clear_, agreed) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of --accept CODER, --union, --ranges RANGES, --clear, --agreed")
    names = agreement_data.parse_coders(coders)
    if agreed:
        if disagreement:
            raise InputError("--agreed copies all agreed codings; leave out DISAGREEMENT")
        n = consensus.copy_agreed(
            project,
            None if code == "all" else code,
            coders=names,
            transcript_names=list(transcript_names) or None,
            by=session.coder,
        )
        if as_json:
            emit_json({"added": n, "coder": project.consensus_coder})
        else:
            echo(f"Copied {n} agreed range(s) to {project.consensus_coder}.")
        return
    if not disagreement:
        raise InputError(f"which disagreement? give its number or id from `qualcode disagreements {code}`")
    items = agreement_data.disagreements(project, code, coders=names, transcript_names=list(transcript_names) or None)
    d = agreement_data.find_disagreement(items, disagreement)
    if accept_coder is not None:
        made = consensus.accept(project, d, accept_coder, by=session.coder)
    elif take_union:
        made = consensus.union(project, d, by=session.coder)
    elif edited is not None:
        made = consensus.set_ranges(project, d, edited, memo=memo, by=session.coder)
    else:
        made = consensus.clear(project, d, by=session.coder)
    if as_json:
        emit_json(
            {
                "disagreement": d.id,
                "coder": project.consensus_coder,
                "codings": [{"id": c.id, "ranges": [list(r) for r in c.ranges], "memo": c.memo} for c in made],
            }
        )
    else:
        what = ", ".join(format_ranges(c.ranges) for c in made) or "not coded"
        echo(f"{project.consensus_coder}: {d.code} in {d.transcript} → {what}")


@export.command("agreement")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_scope_options
@_round_options
@_stats_options
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the report (default: the project's language setting).",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.docx",
    help="Start from your own Word document or template (.docx/.dotx) and use its styles and page setup.",
)
@click.option(
    "--units",
    "units_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.csv",
    help="Also write the unit matrix to FILE.csv; the method paragraph names it.",
)
@common_options
@pass_session
def export_agreement(
    session: Session,
    out: Path,
    coders: str | None,
    transcript_names: tuple[str, ...],
    since: str | None,
    round_: int | None,
    resamples: int,
    seed: int | None,
    lang: str | None,
    template: Path | None,
    units_csv: Path | None,
) -> None:
    """Write the agreement report to OUT.docx for a methods appendix.

    One method paragraph with references; the main table (code, n lines, % agreement, kappa [95% CI],
    alpha [95% CI], AC1, summary row) on an A4 portrait page; the other coefficients, counts, coder pairs,
    rounds and exclusive themes in further tables; notes grouped by kind; every disagreement with its citation.
    """
    from qualcode.report.agreement import write_report_with_warnings

    project = session.open(readonly=True)
    path, warnings = write_report_with_warnings(
        project,
        out,
        coders=coders,
        transcript_names=list(transcript_names) or None,
        resamples=resamples,
        seed=seed,
        lang=lang,
        template=template,
        since=since,
        round_=round_,
        units_csv=units_csv,
    )
    print_warnings(warnings)
    echo(f"Wrote {path}" + (f" and the unit matrix {units_csv}" if units_csv else ""))
