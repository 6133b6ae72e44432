"""Language commands: search (KWIC), autocode, suggest (with --evaluate), accept/dismiss a suggestion."""

from __future__ import annotations

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.output import echo, emit_json, json_option, print_table, progress_bar, styled_output
from qualcode.names import terminal_safe

pass_session = click.make_pass_decorator(Session, ensure=True)


def _open_with_lemmas(session: Session, *, readonly: bool = False):
    """Open the project, storing lemmas first for any line that has none (older imports).

    ``readonly=True`` (a command that only reads): the project is opened for reading, and for
    writing only when lemmas must be stored first.
    """
    from qualcode.corpus import lemmas as nlp

    if readonly:
        project = session.open(readonly=True)
        if not nlp.lemmas_missing(project):
            return project
        session.close()
    project = session.open()
    if nlp.lemmas_missing(project):  # the bar only when there is work (it would flash on every search)
        with progress_bar("Lemmas") as progress:
            nlp.ensure_lemmas(project, progress=progress)
    return project


@cli.command()
@click.argument("query")
@click.option("--lemma", is_flag=True, help="Match every word form of the query's lemmas (gepland → plannen).")
@click.option("--code", help="Only lines coded with this code (by any coder; with --mine, by you).")
@click.option("--mine", is_flag=True, help="With --code: only lines you coded.")
@click.option("--speaker", help="Only lines of this speaker (exact label, e.g. R1).")
@click.option("--transcript", help="Only this transcript.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many hits.")
@click.option("--width", default=40, show_default=True, type=click.IntRange(min=5), help="Context width (characters).")
@json_option
@common_options
@pass_session
def search(
    session: Session,
    query: str,
    lemma: bool,
    code: str | None,
    mine: bool,
    speaker: str | None,
    transcript: str | None,
    limit: int | None,
    width: int,
    as_json: bool,
) -> None:
    """Search the transcripts; shows each hit in context (KWIC).

    QUERY holds words and "phrases in quotes"; a line must contain all of them.
    """
    from qualcode.language import search as core

    project = _open_with_lemmas(session, readonly=True)
    result = core.search(
        project,
        query,
        lemma=lemma,
        code=code,
        code_coder=session.coder if mine else None,
        speaker=speaker,
        transcript=transcript,
        limit=limit,
        width=width,
    )
    if as_json:
        emit_json([h.as_dict() for h in result.hits])
        return
    if not result.hits:
        echo(f"No hits for {query!r}" + (" (lemmas)" if lemma else ""))
        return
    print_kwic(result.hits, width)
    if result.complete:
        shown = f"{len(result.hits)} of {result.total}" if len(result.hits) < result.total else str(result.total)
        echo(f"{shown} hits in {result.lines} lines")
    else:
        echo(f"first {len(result.hits)} hits (stopped at --limit; there are more)")


def print_kwic(hits, width: int) -> None:
    """One hit a line: citation, speaker, right-aligned left context, the match in bold, right context.

    User text is made terminal-safe before the bold is added (escaping the whole line would
    show the bold's own escape sequence as text): all fields are escaped in one pass, joined
    by LF, which no field holds (contexts are squashed, matches and labels are one line).
    Piped output has no bold: there the lines are formatted first and escaped only when some
    field needs it (a search may print tens of thousands of lines). The lines go out in one write.
    """
    from qualcode.names import needs_terminal_escape

    if not styled_output():
        cite = max(len(h.citation) for h in hits)
        spk = max(len(h.speaker or "") for h in hits)
        out = "\n".join(
            f"{h.citation:<{cite}}  {h.speaker or '':<{spk}}  {h.left:>{width}}{h.match}{h.right}" for h in hits
        )
        if not needs_terminal_escape(out):
            click.echo(out, color=True)  # (nothing to strip: it holds no escape sequence)
            return
    fields = [f for h in hits for f in (h.citation, h.speaker or "", h.left, h.match, h.right)]
    safe = terminal_safe("\n".join(fields)).split("\n")
    if len(safe) != len(fields):  # a field held a line break after all: escape field by field
        safe = [terminal_safe(f, one_line=True) for f in fields]
    cite = max(len(c) for c in safe[0::5])
    spk = max(len(s) for s in safe[1::5])
    bold, reset = click.style("\0", bold=True).split("\0")
    click.echo(
        "\n".join(
            f"{c:<{cite}}  {s:<{spk}}  {left:>{width}}{bold}{m}{reset}{right}"
            for c, s, left, m, right in zip(*(iter(safe),) * 5)
        )
    )


@cli.command()
@click.argument("code")
@click.option(
    "--pattern",
    required=True,
    help='Words and "phrases" that must all occur, or a spaCy token pattern in JSON ([{"LEMMA": "plannen"}]).',
)
@click.option("--lemma", is_flag=True, help="Match every word form of the pattern's lemmas.")
@click.option(
    "--scope",
    type=click.Choice(["line", "turn"]),
    default="line",
    show_default=True,
    help="Code the matching line, or the whole speaker turn.",
)
@click.option("--transcript", help="Only this transcript.")
@click.option("--dry-run", is_flag=True, help="Only list what would be coded.")
@json_option
@common_options
@pass_session
def autocode(
    session: Session,
    code: str,
    pattern: str,
    lemma: bool,
    scope: str,
    transcript: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Code every line (or turn) matching a pattern, for you; one action, undone in one step.

    Lines or turns you already coded with CODE are skipped.
    """
    from qualcode.coding import quotes
    from qualcode.language import autocode as core

    project = _open_with_lemmas(session)
    made = core.autocode(
        project, code, pattern, session.coder, lemma=lemma, scope=scope, transcript=transcript, dry_run=dry_run
    )
    rows = quotes.quote_rows(project, made)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        echo("Nothing to code: no matches (or you coded them all already)")
        return
    verb = "Would code" if dry_run else "Coded"
    print_table(
        ["citation", "speakers", "quote"],
        [
            (r["citation"], ", ".join(r["speakers"]), r["text"] if len(r["text"]) <= 160 else r["text"][:157] + "…")
            for r in rows
        ],
    )
    echo(
        f"{verb} {len(rows)} {scope}s as {code} ({session.coder})"
        + ("" if dry_run else "; `qualcode undo` takes them all back")
    )


@cli.command()
@click.option("--transcript", help="Only suggest lines of this transcript.")
@click.option("--code", help="Only suggest this code.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1), help="Suggestions per code.")
@click.option(
    "--min-probability",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Leave out suggestions below this probability.",
)
@click.option("--evaluate", is_flag=True, help="Cross-validate by transcript and compare with a keyword baseline.")
@json_option
@common_options
@pass_session
def suggest(
    session: Session,
    transcript: str | None,
    code: str | None,
    limit: int,
    min_probability: float,
    evaluate: bool,
    as_json: bool,
) -> None:
    """Suggest lines you may have missed, from a model of your own finished transcripts.

    Dismiss a suggestion with `qualcode dismiss`; accept it with `qualcode code`.
    """
    from qualcode.language import suggest as core

    project = _open_with_lemmas(session)
    if evaluate:
        report = core.evaluate(project, session.coder, code=code)
        if as_json:
            emit_json(report)
            return
        echo(
            f"Grouped {len(report['folds'])}-fold cross-validation by transcript on {session.coder}'s "
            f"{len(report['transcripts'])} finished transcripts ({report['lines']} lines); "
            f"a line counts as suggested at probability ≥ {report['threshold']}."
        )

        def prf(scores: dict) -> str:
            return "/".join(f"{scores[m]:.2f}" for m in ("precision", "recall", "f1")) if "f1" in scores else ""

        print_table(
            ["code", "positive lines", "model P/R/F1", "baseline P/R/F1", "note"],
            [
                (e["code"], e["positives"], prf(e), prf(e.get("baseline", {})), e.get("note", ""))
                for e in report["codes"]
            ],
        )
        echo("Baseline: a line is coded when it holds a lemma of the code's name or definition.")
        return
    found = core.suggest(
        project, session.coder, transcript=transcript, code=code, limit=limit, min_probability=min_probability
    )
    if as_json:
        emit_json({name: [s.as_dict() for s in items] for name, items in found.items()})
        return
    rows = [
        (
            s.code,
            s.citation,
            f"{s.probability:.2f}",
            ", ".join(s.words),
            s.text if len(s.text) <= 100 else s.text[:97] + "…",
        )
        for items in found.values()
        for s in items
    ]
    if not rows:
        echo("No suggestions above the threshold")
        return
    print_table(["code", "citation", "p", "words that weighed most", "line"], rows)


@cli.command()
@click.argument("transcript")
@click.argument("line", type=click.IntRange(min=1))
@click.argument("code")
@common_options
@pass_session
def dismiss(session: Session, transcript: str, line: int, code: str) -> None:
    """Dismiss a suggestion: CODE will not be suggested for this line again (undoable)."""
    from qualcode.language import suggest as core

    core.dismiss_suggestion(session.open(), session.coder, transcript, line, code)
    echo(f"Dismissed {code} for {transcript} line {line}")
