"""One worker/progress helper for every screen: run a core function in a thread, post messages back.

:func:`start` runs ``fn(project, progress)`` in a Textual thread worker with its own project
connection (sqlite connections stay in the thread that opened them), and posts
:class:`~qualcode.tui.messages.JobProgress` while it runs, then :class:`~qualcode.tui.messages.JobDone`
with its result or :class:`~qualcode.tui.messages.JobFailed` with one line. ``progress(done, total,
what)`` is what core functions accept as their ``progress`` callback. With ``project=False`` the
function is called as ``fn(progress)`` (work that needs no project, such as loading spaCy).

:func:`show_progress` moves a ``ProgressBar`` and a status line for a ``JobProgress``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.dom import DOMNode
from textual.widgets import ProgressBar, Static
from textual.worker import Worker

from qualcode.errors import QualcodeError
from qualcode.tui.base import qualcode_app
from qualcode.tui.messages import JobDone, JobFailed, JobProgress

Progress = Callable[[int | None, int | None, str], None]


def start(
    target: DOMNode,
    job: str,
    fn: Callable[..., Any],
    *,
    project: bool = True,
    readonly: bool = True,
    exclusive: bool = True,
) -> Worker:
    """Run ``fn`` for ``target`` (a screen or widget, which receives the messages) in a thread worker."""
    path = qualcode_app(target).project_path

    def progress(done: int | None, total: int | None, what: str) -> None:
        target.post_message(JobProgress(job, done, total, what))

    def body() -> None:
        try:
            if project:
                from qualcode.store.project import Project

                opened = Project.open(path, readonly=readonly)
                try:
                    result = fn(opened, progress)
                finally:
                    opened.close()
            else:
                result = fn(progress)
        except QualcodeError as e:
            target.post_message(JobFailed(job, str(e), type(e).__name__))
            return
        except OSError as e:
            where = f"cannot write {e.filename}: " if e.filename else ""
            target.post_message(JobFailed(job, f"{where}{e.strerror or e}"))
            return
        except ImportError as e:
            target.post_message(JobFailed(job, f"cannot load {e.name or e}"))
            return
        target.post_message(JobDone(job, result))

    return target.run_worker(body, name=job, group=job, thread=True, exclusive=exclusive)


def show_progress(bar: ProgressBar, status: Static | None, event: JobProgress) -> None:
    """Reflect ``event`` in ``bar`` (pulsing when the total is unknown) and ``status``."""
    if event.total is None:
        bar.update(total=None)
    else:
        bar.update(total=max(event.total, 1), progress=event.done or 0)
    if status is not None:
        status.update(Text(event.what))


def finish_bar(bar: ProgressBar, ok: bool) -> None:
    """A full bar after success, an empty one after a failure."""
    if ok:
        bar.update(total=bar.total or 1, progress=bar.total or 1)
    else:
        bar.update(total=1, progress=0)
