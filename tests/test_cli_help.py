"""Every command and option has help text (the habit from sqlite-utils' test_docs.py)."""

import click
import pytest

from qualcode.cli import cli


def all_commands(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


COMMANDS = list(all_commands(cli))


def test_the_commands_the_issues_name_exist():
    names = {" ".join(path) for path, _ in COMMANDS}
    for required in [
        "init",
        "import",
        "transcripts",
        "codebook load",
        "codebook show",
        "code",
        "uncode",
        "done",
        "codings",
        "undo",
        "redo",
        "tui",
        "demo",
        "agreement",
        "export docx",
        "export quotes",
        "export transcript",
        "export agreement",
        "export qdc",
        "export qdpx",
        "search",
        "autocode",
        "suggest",
        "merge",
        "audit",
        "backups",
        "restore",
        "check",
        "log",
    ]:
        assert required in names


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help(path, command):
    assert (command.help or "").strip(), f"qualcode {' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"qualcode {' '.join(path)} {param.opts[0]} has no help"
