"""Shared output helpers for commands: JSON, tables, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import click


def emit_json(data) -> None:
    """Print JSON. A list (or any iterator) is streamed one element per line, so a
    100,000-quote listing is encoded by the C encoder piece by piece instead of
    being built as one indented string in memory."""
    out = sys.stdout
    if isinstance(data, (dict, str, int, float)) or data is None:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out.write("[")
    first = True
    for item in data:
        out.write("\n  " if first else ",\n  ")
        out.write(encode(item))
        first = False
    out.write("\n]\n" if not first else "]\n")
    out.flush()


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(f)


def print_table(columns: list[str], rows: Iterable[Iterable], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op callback otherwise."""
    if not sys.stderr.isatty():
        yield lambda done, total, what="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int, what: str = "") -> None:
            progress.update(task, completed=done, total=total, description=f"{description} {what}".strip())

        yield update
