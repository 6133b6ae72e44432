"""Inter-coder agreement commands: agreement, disagreements, consensus, export agreement."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.export import export
from qualcode.cli.output import echo, emit_json, json_option, plain, print_table

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


def compute(project, *, coders=None, code=None, transcript_names=(), resamples=1000, seed=None):
    from qualcode.agreement import units as agreement_data

    return agreement_data.compute_report(
        project,
        coders=agreement_data.parse_coders(coders),
        code=code,
        transcript_names=list(transcript_names) or None,
        resamples=resamples,
        seed=seed,
    )


@cli.command("agreement")
@_scope_options
@click.option("--code", help="Only this code (default: every code).")
@_stats_options
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
    resamples: int,
    seed: int | None,
    segments: bool,
    threshold: float,
    as_json: bool,
) -> None:
    """Inter-coder agreement per code on line units (kappa, alpha, AC1, PABAK, 95 % CIs).

    The unit is the transcript line: 1 = the coder applied the code, 0 = the coder marked the transcript done
    and did not, missing = not done. Blank lines are excluded; all transcripts in scope are pooled per code;
    "overall" pools all codes. Undefined figures show as – (JSON: null) with the reason in the notes.
    """
    project = session.open(readonly=True)
    if segments:
        _segments(project, coders, code, transcript_names, threshold, as_json)
        return
    _scope, _units, report = compute(
        project, coders=coders, code=code, transcript_names=transcript_names, resamples=resamples, seed=seed
    )
    if as_json:
        emit_json(report.to_json())
        return
    _print_report(report)


def _f(stat) -> str:
    """.812 / -.031 / – (three decimals, no leading zero: the table must fit 80 columns)."""
    text = stat.format()
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _ci(interval) -> str:
    if not interval.defined:
        return "–"
    return f"[{interval.low:.3f}, {interval.high:.3f}]".replace("0.", ".")


def _print_report(report) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = list(report.codes.values()) + ([report.overall] if len(report.codes) > 1 else [])
    two = len(report.coders) == 2
    table = Table(
        title=plain(f"Agreement of {', '.join(report.coders)} · {len(report.transcripts)} transcript(s) · unit = line"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        header_style="bold",
    )
    table.add_column("code", no_wrap=True)
    table.add_column("lines", justify="right")
    for name in ("agree", "pos", "neg", "kappa" if two else "min κ", "alpha", "AC1", "PABAK"):
        table.add_column(name, justify="right", no_wrap=True)
    for ca in rows:
        cells = [plain(ca.code), str(ca.n_units)]
        if two:
            kappa = _f(ca.kappa)
        else:
            defined = [v for v in ca.pairwise_kappa.values() if v.defined]
            kappa = _f(min(defined, key=lambda v: v.value)) if defined else "–"
        cells += [
            _f(ca.percent_agreement),
            _f(ca.positive_agreement),
            _f(ca.negative_agreement),
            kappa,
            _f(ca.alpha),
            _f(ca.ac1),
            _f(ca.pabak),
        ]
        table.add_row(*cells, end_section=ca is report.overall)
    console.print(table)

    detail = Table(
        title="Counts and 95 % intervals (bootstrap over transcripts)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        header_style="bold",
    )
    detail.add_column("code", no_wrap=True)
    if two:
        detail.add_column("a/b/c/d", justify="right", no_wrap=True)
        detail.add_column("kappa 95% CI", no_wrap=True)
    else:
        detail.add_column("pairwise kappa")
    detail.add_column("alpha 95% CI", no_wrap=True)
    for ca in rows:
        if two:
            detail.add_row(plain(ca.code), "/".join(str(v) for v in ca.counts), _ci(ca.kappa_ci), _ci(ca.alpha_ci))
        else:
            pairs = "  ".join(f"{k} {_f(v)}" for k, v in ca.pairwise_kappa.items())
            detail.add_row(plain(ca.code), plain(pairs), _ci(ca.alpha_ci))
    console.print(detail)
    for ca in rows:
        for n in ca.notes:
            echo(f"  {ca.code}: {n}")
    echo(
        "alpha ≥ .800 reliable, ≥ .667 tentative (Krippendorff 2004). "
        + (
            f"Bootstrap: {report.resamples} resamples, seed {report.seed}."
            if report.resamples
            else "No bootstrap (--resamples 0)."
        )
    )


def _segments(project, coders, code, transcript_names, threshold, as_json) -> None:
    from itertools import combinations

    from qualcode.agreement import segments
    from qualcode.agreement import units as agreement_data
    from qualcode.coding import codings

    scope = agreement_data.resolve_scope(
        project, coders=agreement_data.parse_coders(coders), code=code, transcript_names=list(transcript_names) or None
    )
    in_scope = {t.id for t in scope.transcripts}
    wanted = set(scope.codes)
    finished = [
        c
        for c in codings.list_codings(project, coder=scope.coders)
        if c.code in wanted and c.transcript_id in in_scope and c.transcript_id in scope.done[c.coder]
    ]
    out: dict = {"threshold": threshold, "coders": scope.coders, "codes": {}}
    rows = []
    for name in scope.codes:
        out["codes"][name] = {}
        for first, second in combinations(sorted(scope.coders), 2):
            both = scope.done[first] & scope.done[second]
            a = [c for c in finished if c.code == name and c.coder == first and c.transcript_id in both]
            b = [c for c in finished if c.code == name and c.coder == second and c.transcript_id in both]
            view = segments.segment_view(a, b, threshold)
            counts = view.counts()
            share = view.share_matched()
            out["codes"][name][f"{first}|{second}"] = {
                first: counts["first"],
                second: counts["second"],
                "share_matched": share.to_json(),
                "note": share.reason,
            }
            rows.append(
                [
                    name,
                    f"{first}|{second}",
                    " / ".join(str(counts["first"][s]) for s in ("matched", "partial", "unmatched")),
                    " / ".join(str(counts["second"][s]) for s in ("matched", "partial", "unmatched")),
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
@click.option("--agreed", is_flag=True, help="Copy every coding all coders agree on exactly (no DISAGREEMENT).")
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
    codings of every code. Each decision is one event: `qualcode undo --coder consensus` takes it back.

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
            echo(f"Copied {n} agreed coding(s) to {project.consensus_coder}.")
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
@_stats_options
@common_options
@pass_session
def export_agreement(
    session: Session, out: Path, coders: str | None, transcript_names: tuple[str, ...], resamples: int, seed: int | None
) -> None:
    """Write the agreement report (method, per-code table, disagreements with citations) to OUT.docx."""
    from qualcode.report.agreement import write_report

    project = session.open(readonly=True)
    path = write_report(
        project, out, coders=coders, transcript_names=list(transcript_names) or None, resamples=resamples, seed=seed
    )
    echo(f"Wrote {path}")
