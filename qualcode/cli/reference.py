"""The CLI reference page, generated from the click commands (``python -m qualcode.cli.reference``).

``docs/cli-reference.md`` is this module's output; ``tests/test_docs.py`` fails when
the two differ, so the page never drifts from the commands.
"""

from __future__ import annotations

import click

from qualcode.cli import cli


def _walk(command: click.Command, name: str, parent: click.Context | None) -> list[tuple[str, str]]:
    """(full command name, help text) for a command and everything under it, as the real CLI prints it."""
    settings = {"terminal_width": 100, "max_content_width": 100, **command.context_settings}
    ctx = click.Context(command, info_name=name.rsplit(" ", 1)[-1], parent=parent, **settings)
    out = [(name, command.get_help(ctx))]
    if isinstance(command, click.Group):  # list/get_command: the top group loads its command modules lazily
        for sub in sorted(command.list_commands(ctx)):
            sub_command = command.get_command(ctx, sub)
            assert sub_command is not None, sub
            out += _walk(sub_command, f"{name} {sub}", ctx)
    return out


def render() -> str:
    """The whole reference as Markdown: one section per command, its ``--help`` verbatim."""
    parts = [
        "# Command-line reference\n",
        "Generated from the commands' own help by `python -m qualcode.cli.reference`; do not edit by hand.\n",
    ]
    for name, text in _walk(cli, "qualcode", None):
        parts.append(f"## `{name}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)
