"""Fill a ``DataTable`` a chunk of rows per frame, so a screen with thousands of rows shows at once.

Textual's ``DataTable`` measures every cell of every row it is given before the next frame; 5,000
rows of four cells (the participants of a 1,000-transcript project) held the screen's first frame
back by half a second. :func:`add_rows` adds the first chunk now (more than a screenful) and each
further chunk after the table's next refresh; a later call for the same table (a reload) stops an
earlier fill that is still under way, as :func:`stop` does. A fill can put the cursor back where it was: on its row as soon as
that row is in the table (:func:`pending_cursor` tells a reload meanwhile where that is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from textual.coordinate import Coordinate
from textual.widgets import DataTable

CHUNK = 200  # rows; a screenful is under 60

_fills: WeakKeyDictionary[DataTable, object] = WeakKeyDictionary()  # table → token of its current fill
_cursors: WeakKeyDictionary[DataTable, Coordinate] = WeakKeyDictionary()  # table → where its fill puts the cursor


def pending_cursor(table: DataTable) -> Coordinate | None:
    """Where the fill under way will put ``table``'s cursor once that row is added (None: nowhere, or done)."""
    return _cursors.get(table)


def stop(table: DataTable) -> None:
    """Stop the fill under way in ``table``, if any (a reload that fills the table another way)."""
    _fills.pop(table, None)
    _cursors.pop(table, None)


def add_rows(
    table: DataTable,
    rows: Sequence[Any],
    *,
    chunk: int | None = None,
    make: Callable[[int, Any], tuple[Sequence[object], str | None]] | None = None,
    done: Callable[[], None] | None = None,
    cursor: Coordinate | None = None,
) -> None:
    """Add rows to ``table``, ``chunk`` (default :data:`CHUNK`) rows per frame; ``done()`` runs after the last row.

    Each row is ``(cells, key)``, or with ``make`` whatever ``make(index, row)`` turns into that (the cells
    of a chunk are then built only when it is added). The first chunk is in the table when this returns.
    ``cursor`` (a coordinate of the table, rows added before this fill counted) is where the cursor goes
    as soon as its row is in the table.
    """
    stop(table)
    token = object()
    _fills[table] = token
    if cursor is not None:
        _cursors[table] = cursor
    size = chunk or CHUNK

    def step(start: int) -> None:
        if _fills.get(table) is not token or not table.is_mounted:
            return
        for i, row in enumerate(rows[start : start + size], start):
            cells, key = make(i, row) if make is not None else row
            table.add_row(*cells, key=key)
        if cursor is not None and _cursors.get(table) is cursor and cursor.row < table.row_count:
            del _cursors[table]
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        if start + size < len(rows):
            table.call_after_refresh(step, start + size)
        elif done is not None:
            done()

    step(0)
