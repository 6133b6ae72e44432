"""``qualcode tui [TRANSCRIPT]``, ``qualcode demo`` and bare ``qualcode``: open the workbench.

Textual is imported only when the workbench really opens, so ``qualcode --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.base import Session, cli, common_options
from qualcode.cli.output import echo

pass_session = click.make_pass_decorator(Session, ensure=True)


def open_workbench(
    session: Session, transcript: str | None, *, line: int | None = None, coder: str | None = None
) -> None:
    """Check the project (errors print one line), then run the Textual app on it.

    The coder: ``--coder`` or ``QUALCODE_CODER``, else ``coder`` (the demo's), else the config file's
    ``coder``, else the login name. Problems in the config file are shown in the workbench at start-up.
    """
    project = _open_saying_so(session)  # raises ProjectError with a hint when there is no project
    if transcript is not None:
        from qualcode.corpus import transcripts

        transcripts.get(project, transcript)  # unknown name → one-line error before the screen opens
    session.close()
    from qualcode.tui import config as user_config
    from qualcode.tui.app import create_app

    settings = user_config.load()
    who = workbench_coder(session, settings, coder)
    create_app(session.project_path, who, transcript, line=line, config=settings, preload_language=True).run()


SLOW_OPEN_S = 0.3


def _open_saying_so(session: Session):
    """Open the project; when that takes longer than :data:`SLOW_OPEN_S` (the first open of a day of a
    large project checks the file and copies the day's backup before anything can be shown), say so
    on stderr, so the terminal does not sit blank."""
    import threading

    timer = threading.Timer(
        SLOW_OPEN_S,
        lambda: echo(f"Opening {session.project_path.name}: checking the file and making today's backup…", err=True),
    )
    timer.daemon = True
    timer.start()
    try:
        return session.open()
    finally:
        timer.cancel()


def workbench_coder(session: Session, settings, coder: str | None) -> str:
    """``--coder``/``QUALCODE_CODER`` first, then ``coder`` (the demo's), the config file's, the login name."""
    if getattr(session, "coder_given", True):
        return session.coder
    return coder or settings.coder or session.coder


@cli.command("tui")
@click.argument("transcript", required=False)
@click.option("--line", type=int, help="Start at this line (with TRANSCRIPT).")
@common_options
@pass_session
def tui(session: Session, transcript: str | None, line: int | None) -> None:
    """Open the workbench; with TRANSCRIPT, straight in the Coding screen."""
    open_workbench(session, transcript, line=line)


@cli.command("demo")
@click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for qualcode-demo.db (default: the current folder).",
)
@click.option("--no-open", is_flag=True, help="Only build the demo project and print a summary.")
@common_options
@pass_session
def demo(session: Session, folder: Path | None, no_open: bool) -> None:
    """Build a fresh demo project (shipped codebook, transcripts and codings) and open it."""
    from qualcode.demo import DEMO_CODERS, build_demo, summary
    from qualcode.errors import ProjectError

    folder = folder or Path(".")
    if not folder.is_dir():
        raise ProjectError("folder does not exist", path=folder)
    path = folder / "qualcode-demo.db"
    project = build_demo(path)
    try:
        lines = summary(project)
    finally:
        project.close()
    if no_open:
        for line in lines:
            echo(line)
        echo(f"Open it with: qualcode --project {path} --coder {DEMO_CODERS[0]}")
        return
    session.project_path = path
    open_workbench(session, None, coder=DEMO_CODERS[0])  # as one of its coders, so its codings are visible
