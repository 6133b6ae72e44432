"""Safety commands: backups, restore, check, log."""

from __future__ import annotations

import click

from qualcode.cli.base import Session, cli, common_options, project_option
from qualcode.cli.output import echo, emit_json, json_option, print_table

pass_session = click.make_pass_decorator(Session, ensure=True)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@cli.command("backups")
@json_option
@common_options
@pass_session
def backups_(session: Session, as_json: bool) -> None:
    """List the project's backups (newest first; made when the project is opened for writing)."""
    from qualcode.store import backups

    rows = [backups.describe(b) for b in backups.list_backups(session.project_path)]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        echo(f"No backups yet in {backups.folder_for(session.project_path)}")
        return
    print_table(
        ["#", "backup", "kind", "made (UTC)", "size", "transcripts", "codings", "last action"],
        [
            (
                i,
                r["name"],
                r["kind"],
                r["created"].replace("T", " ")[:19],
                _size(r["size"]),
                r.get("transcripts", "?"),
                r.get("codings", "?"),
                r.get("error")
                or (f"{r['last_event']['coder']}: {r['last_event']['summary']}" if r.get("last_event") else ""),
            )
            for i, r in enumerate(rows, 1)
        ],
    )
    echo("Restore one with `qualcode restore NUMBER` (or its name).")


@cli.command()
@click.argument("backup")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
@pass_session
def restore(session: Session, backup: str, yes: bool) -> None:
    """Restore BACKUP (a number or name from `qualcode backups`, or a file); the current file is kept as a backup."""
    from qualcode.store import backups

    path = backups.find(session.project_path, backup)
    info = backups.describe(backups.Backup(path.name, path, "", "", path.stat().st_size))
    what = f"{info.get('transcripts', '?')} transcripts, {info.get('codings', '?')} codings" + (
        f", last: {info['last_event']['at']} {info['last_event']['summary']}" if info.get("last_event") else ""
    )
    if not yes:
        click.confirm(f"Replace {session.project_path} with {path.name} ({what})?", abort=True)
    result = backups.restore(session.project_path, path)
    echo(f"Restored {session.project_path} from {path.name} ({what})")
    if result["kept"]:
        echo(f"The previous state is kept as {result['kept']}")


@cli.command()
@json_option
@common_options
@pass_session
def check(session: Session, as_json: bool) -> None:
    """Check the project: SQLite integrity, foreign keys, ranges, text hashes, event-log replay.

    Exits with status 1 when a problem is found; never changes the file.
    """
    from qualcode.errors import QualcodeError
    from qualcode.store import integrity

    report = integrity.check(session.open(readonly=True))
    if as_json:
        emit_json(report.as_dict())
    else:
        for name, problems in report.checks.items():
            count = report.counted.get(name, 0)
            echo(f"{'ok  ' if not problems else 'FAIL'} {name}" + (f" ({count} problems)" if count else ""))
            for p in problems:
                echo(f"       {p}")
            if count > len(problems):
                echo(f"       … and {count - len(problems)} more")
    if not report.ok:
        raise QualcodeError(
            f"{session.project_path}: the check found problems; `qualcode backups` lists backups to restore"
        )
    if not as_json:
        echo(
            f"{session.project_path}: all checks passed "
            f"({report.stats.get('events', 0)} events replayed to the current state)"
        )


@cli.command("log")
@click.option("--coder", "coder_filter", help="Only this coder's actions.")
@click.option("--since", help="From this date/time or age: 2024-05-01, 2024-05-01T14:30, today, 12h, 7d.")
@click.option("--action", help="Only this action (code, uncode, import, codebook.load, …).")
@click.option("--limit", type=int, help="Only the newest N events.")
@click.option("--changes", is_flag=True, help="Include the row changes (with --json).")
@json_option
@project_option
@pass_session
def log_(
    session: Session,
    coder_filter: str | None,
    since: str | None,
    action: str | None,
    limit: int | None,
    changes: bool,
    as_json: bool,
) -> None:
    """The audit trail: who did what, when (oldest first)."""
    from qualcode.store import events as audit_log

    rows = audit_log.events(
        session.open(readonly=True), coder=coder_filter, since=since, action=action, limit=limit, changes=changes
    )
    if as_json:
        emit_json(rows)
        return
    print_table(
        ["#", "when (UTC)", "coder", "kind", "action", "what", "rows"],
        [
            (
                r["id"],
                r["at"].replace("T", " ")[:19],
                r["coder"],
                r["kind"] + (f" of #{r['ref']}" if r["ref"] else ""),
                r["action"],
                r["summary"],
                r["rows_changed"],
            )
            for r in rows
        ],
    )
