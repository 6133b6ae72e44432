"""Pilot tests of the chunked table fill: the first chunk at once, the rest a chunk per frame, a reload wins."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from qualcode.tui.widgets import chunked


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("n", key="n")


def rows(n: int, tag: str = "") -> list[tuple[tuple[str], str]]:
    return [((f"{tag}{i}",), f"{tag}{i}") for i in range(n)]


async def test_first_chunk_at_once_then_the_rest_and_done_after_the_last():
    app = TableApp()
    finished = []
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        chunked.add_rows(table, rows(7), chunk=3, done=lambda: finished.append(table.row_count))
        assert table.row_count == 3 and finished == []
        for _ in range(20):
            await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [str(i) for i in range(7)]
        assert finished == [7]


async def test_a_new_fill_stops_the_one_under_way():
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        chunked.add_rows(table, rows(9, "old"), chunk=3)
        table.clear()
        chunked.add_rows(table, rows(4, "new"), chunk=3)
        for _ in range(20):
            await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["new0", "new1", "new2", "new3"]


async def test_stop_ends_the_fill_under_way():
    from textual.coordinate import Coordinate

    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        chunked.add_rows(table, rows(9, "old"), chunk=3, cursor=Coordinate(7, 0))
        chunked.stop(table)
        assert chunked.pending_cursor(table) is None
        table.clear()
        table.add_row("plain", key="plain")  # the table filled another way (Summaries' plain grid)
        for _ in range(20):
            await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["plain"]


async def test_the_cursor_goes_to_its_row_when_that_row_is_added_and_a_reload_meanwhile_knows_where():
    from textual.coordinate import Coordinate

    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        chunked.add_rows(table, rows(3), chunk=3, cursor=Coordinate(1, 0))  # in the first chunk: at once
        assert table.cursor_row == 1 and chunked.pending_cursor(table) is None
        table.clear()
        chunked.add_rows(table, rows(9), chunk=3, cursor=Coordinate(7, 0))  # in the third chunk
        assert table.row_count == 3 and chunked.pending_cursor(table) == Coordinate(7, 0)
        for _ in range(20):
            await pilot.pause()
        assert table.row_count == 9 and table.cursor_row == 7 and chunked.pending_cursor(table) is None
        table.clear()
        chunked.add_rows(table, rows(9), chunk=3, cursor=Coordinate(8, 0))
        table.clear()
        chunked.add_rows(table, rows(2), chunk=3)  # a reload without a cursor forgets the old one
        assert chunked.pending_cursor(table) is None
