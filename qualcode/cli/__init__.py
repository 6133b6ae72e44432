"""The command line: a thin click layer over the core (parse, call one core function, print).

:mod:`qualcode.cli.base` holds the group, the session and the shared options; each
module beside it defines the commands of one domain on that group. Importing this
package imports them all, so ``qualcode.cli.cli`` is the complete command tree.
Bare ``qualcode`` opens the workbench.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from qualcode.cli.base import Session, UserError, cli, common_options, default_coder, load_commands, project_option
from qualcode.cli.output import terminal_safe
from qualcode.errors import QualcodeError

__all__ = [
    "Session",
    "UserError",
    "cli",
    "common_options",
    "default_coder",
    "load_commands",
    "main",
    "project_option",
]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn expected errors into one line and an exit code."""
    try:
        rv = cli.main(args=argv, prog_name="qualcode", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.UsageError as e:  # one line like every other error, with where to find help
        where = e.ctx.command_path if e.ctx is not None else "qualcode"
        click.echo(f"error: {terminal_safe(e.format_message(), one_line=True)} (see `{where} --help`)", err=True)
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except QualcodeError as e:
        click.echo(f"error: {terminal_safe(str(e), one_line=True)}", err=True)
        sys.exit(e.exit_code)
    except sqlite3.DatabaseError as e:
        click.echo(f"error: database error: {terminal_safe(str(e), one_line=True)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(rv if isinstance(rv, int) else 0)
