"""``qualcode export …``: every export is a subcommand of this group.

Other command modules add their own subcommands with
``from .export import export`` and ``@export.command("name")``.
"""
from __future__ import annotations

import click

from ..cli import cli


@cli.group()
def export() -> None:
    """Export to Word, Excel/CSV and REFI-QDA (default folder: exports/)."""
