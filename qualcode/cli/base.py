"""The command line: a thin click layer over the core (parse, call one core function, print).

Global options ``--project`` (env ``QUALCODE_PROJECT``) and ``--coder`` (env
``QUALCODE_CODER``) are accepted before the command and on every command.
Expected errors print one line (``error: …``) and exit non-zero; no traceback.
Bare ``qualcode`` opens the workbench.

The group, the session and the shared options live here; the command modules
beside it define their commands on the group. The group loads a command's module only
when that command is asked for (:data:`COMMAND_MODULES`), so ``qualcode code`` does not
pay for importing the export, agreement or workbench commands; ``--help`` loads them all.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from pathlib import Path

import click

from qualcode.errors import QualcodeError


def default_coder() -> str:
    import getpass

    try:
        return getpass.getuser() or "coder"
    except Exception:  # no user name in this environment (containers)
        return os.environ.get("USER") or "coder"


class Session:
    """What every command needs: where the project is and who is coding."""

    def __init__(self, project: Path | str = "qualcode.db", coder: str | None = None):
        self.project_path = Path(os.environ.get("QUALCODE_PROJECT", project))
        self.coder = coder or os.environ.get("QUALCODE_CODER") or default_coder()
        self.coder_given = bool(coder or os.environ.get("QUALCODE_CODER"))  # else the config file may choose
        self._open: list = []

    def open(self, *, create: bool = False, readonly: bool = False, derived_from: tuple[Path, ...] = ()):
        """Open the project (``create=True``: make it when missing, with at most the permissions of
        ``derived_from``). Closed when the command ends."""
        from qualcode.store.project import Project

        if create and not self.project_path.exists():
            project = Project.create(self.project_path, derived_from=tuple(derived_from))
        else:
            project = Project.open(self.project_path, readonly=readonly)
        self._open.append(project)
        return project

    def close(self) -> None:
        for p in self._open:
            p.close()
        self._open.clear()


def _set_project(ctx: click.Context, _param, value):
    if value is not None:
        ctx.ensure_object(Session).project_path = Path(value)
    return value


def _set_coder(ctx: click.Context, _param, value):
    if value is not None:
        session = ctx.ensure_object(Session)
        session.coder = value
        session.coder_given = True
    return value


def project_option(f):
    """``--project`` after the command name too, for commands whose ``--coder`` means something else."""
    return click.option(
        "--project",
        expose_value=False,
        callback=_set_project,
        metavar="PATH",
        help="Project file (default: global --project).",
    )(f)


def common_options(f):
    """``--project`` and ``--coder`` after the command name too (``qualcode code … --coder anna``)."""
    f = click.option("--coder", expose_value=False, callback=_set_coder, help="Coder name (default: global --coder).")(
        f
    )
    return project_option(f)


class UserError(click.ClickException):
    """A :class:`QualcodeError` on its way to the terminal: ``error: …`` on one line."""

    def __init__(self, error: QualcodeError):
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click types exit_code as a ClassVar; per-error codes are intended

    def show(self, file=None) -> None:
        from qualcode.cli.output import terminal_safe

        click.echo(f"error: {terminal_safe(self.format_message(), one_line=True)}", err=True, file=file)


#: Which modules of :mod:`qualcode.cli` define (or add subcommands to) each top-level command.
#: A test imports every module and checks this table against what they register.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "agreement": ("agreement",),
    "attention": ("timing",),
    "audit": ("exchange",),
    "autocode": ("language",),
    "backups": ("safety",),
    "check": ("safety",),
    "code": ("core",),
    "codebook": ("core",),
    "codings": ("core",),
    "consensus": ("agreement",),
    "cooccurrence": ("analysis",),
    "crosstab": ("analysis",),
    "demo": ("tui",),
    "disagreements": ("agreement",),
    "dismiss": ("language",),
    "display-name": ("authoring",),
    "done": ("core",),
    "export": ("agreement", "analysis", "exchange", "export"),
    "import": ("core",),
    "init": ("core",),
    "log": ("safety",),
    "media": ("timing",),
    "memo": ("core",),
    "merge": ("exchange",),
    "participants": ("analysis",),
    "pick": ("authoring",),
    "picks": ("authoring",),
    "redo": ("core",),
    "reimport": ("timing",),
    "restore": ("safety",),
    "search": ("language",),
    "speakers": ("timing",),
    "suggest": ("language",),
    "summary": ("authoring",),
    "title": ("authoring",),
    "transcripts": ("core",),
    "tui": ("tui",),
    "uncode": ("core",),
    "undo": ("core",),
    "unpick": ("authoring",),
}


def load_commands(*modules: str) -> None:
    """Import command modules (all of them when none are named): their decorators register the commands."""
    for module in modules or sorted({m for ms in COMMAND_MODULES.values() for m in ms}):
        importlib.import_module(f"qualcode.cli.{module}")


class QualcodeGroup(click.Group):
    """The top-level group: loads a command's module on first use (:data:`COMMAND_MODULES`), and
    turns expected errors from any subcommand into :class:`UserError` (also under CliRunner)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMAND_MODULES:
            load_commands(*COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except QualcodeError as e:
            raise UserError(e) from None
        except sqlite3.DatabaseError as e:  # disk full, busy, damaged (with the restore advice) …
            from qualcode.store.sqlite_file import explain

            raise UserError(explain(e, ctx.ensure_object(Session).project_path)) from None


@click.group(cls=QualcodeGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    envvar="QUALCODE_PROJECT",
    default="qualcode.db",
    show_default=True,
    metavar="PATH",
    help="Project file (env QUALCODE_PROJECT).",
)
@click.option(
    "--coder",
    envvar="QUALCODE_CODER",
    default=None,
    help="Your coder name (env QUALCODE_CODER; default: your user name).",
)
@click.version_option(package_name="qualcode")
@click.pass_context
def cli(ctx: click.Context, project: str, coder: str | None) -> None:
    """qualcode — a keyboard-first workbench for qualitative coding of transcripts.

    Run without a command to open the workbench on the current project.
    """
    session = ctx.ensure_object(Session)
    session.project_path = Path(project)
    session.coder = coder or default_coder()
    session.coder_given = coder is not None
    ctx.call_on_close(session.close)
    if ctx.invoked_subcommand is None:  # bare `qualcode`: the workbench (the `tui` command)
        workbench = cli.get_command(ctx, "tui")
        if workbench is not None:
            ctx.invoke(workbench)
