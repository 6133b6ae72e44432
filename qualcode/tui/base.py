"""What every qualcode screen shares: the project, the coder, error handling, help and palette entries.

To add a screen (Agreement, Export, …):

1. Write ``qualcode/tui/screens/<name>.py`` with a ``class XScreen(QualcodeScreen)``; give it
   ``HELP_TITLE``, ``HELP_TEXT`` and ``BINDINGS`` whose every entry has an ``id`` and a description.
2. Register it in :data:`qualcode.tui.app.SCREENS` (name → ``"module:Class"``); the command palette
   then offers ``screen: <name>`` and ``app.action_open_screen('<name>')`` opens it.
3. Call core functions through :meth:`QualcodeScreen.core` (errors become notifications); run long
   work in a ``@work(thread=True, exclusive=True)`` worker that opens its own
   ``Project.open(self.app.project_path)`` and posts a message back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.binding import Binding
from textual.screen import Screen

from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.message_pump import MessagePump

    from qualcode.store.project import Project

T = TypeVar("T")


class QualcodeAppAPI(Protocol):
    """What screens and widgets read from the running ``QualcodeApp`` (qualcode.tui.app checks it conforms).

    A protocol rather than the class itself: the app imports the screens, so they cannot import it.
    """

    project_path: Path
    coder: str
    project: Project
    line_search: Callable[..., Any]

    def open_transcript(self, name: str, line: int | None = None, select_to: int | None = None) -> None: ...

    def screen_names(self) -> list[str]: ...

    def action_open_screen(self, name: str) -> None: ...

    def action_help(self) -> None: ...

    def warm_pipeline(self) -> None: ...

    def after_first_frame(self, screen: Any, callback: Callable[[], None]) -> None: ...


def qualcode_app(node: MessagePump | Provider) -> QualcodeAppAPI:
    """``node.app`` as the QualcodeApp it is (Textual types it as a plain ``App``)."""
    return cast(QualcodeAppAPI, node.app)


class QualcodeScreen(Screen):
    """A full screen of the workbench."""

    HELP_TITLE = "qualcode"
    HELP_TEXT = ""
    AREA = "app"  # the prefix of this screen's actions in the command palette ("coding: undo")

    @property
    def qapp(self) -> QualcodeAppAPI:
        """The running QualcodeApp, typed (``self.app`` is a plain ``App`` to the type checker)."""
        return qualcode_app(self)

    @property
    def project(self) -> Project:
        return self.qapp.project

    @property
    def coder(self) -> str:
        return self.qapp.coder

    def core(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a core function; an expected error becomes a notification and ``None``."""
        try:
            return fn(*args, **kwargs)
        except QualcodeError as e:
            self.notify(str(e), severity="error", timeout=6, markup=False)
            return None

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Notifications quote user text (names, memos, search terms, errors): plain text, never markup."""
        super().notify(message, markup=markup, **kwargs)

    def reload(self) -> None:
        """Read the project again (F5, or after another screen changed something)."""

    def on_screen_resume(self) -> None:
        self.reload()

    def palette_commands(self) -> Iterable[tuple[str, Callable[[], Any], str]]:
        """(name, callback, help) for the command palette; by default every described binding."""
        seen = set()
        for binding in Binding.make_bindings(self.BINDINGS):
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            if self.check_action(binding.action.split("(")[0], ()) is False:
                continue

            def run(a: str = binding.action) -> Any:
                return self.run_action(a)

            yield (f"{self.AREA}: {(binding.tooltip or binding.description).lower()}", run, f"key {binding.key}")
