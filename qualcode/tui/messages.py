"""Every message the workbench's workers post, as small dataclasses in one module (toolong's habit).

Workers compute and post these; handlers on the screen update widgets. A job is named (``"export"``,
``"audit"``, ``"search"``, …) so one screen can tell its jobs apart; progress of the same job
coalesces (``can_replace``), so a fast worker does not flood the screen with redraws.

Handler names follow Textual's rule: ``JobProgress`` → ``on_job_progress`` (or ``@on(JobProgress)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class JobProgress(Message):
    """``done`` of ``total`` steps of ``job``; both None while the amount of work is unknown (the bar pulses)."""

    job: str
    done: int | None
    total: int | None
    what: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgress) and message.job == self.job


@dataclass
class JobDone(Message):
    """``job`` finished; ``result`` is whatever its function returned."""

    job: str
    result: Any


@dataclass
class JobFailed(Message):
    """``job`` stopped with an expected error (one line for the user); ``kind`` is the error's class name."""

    job: str
    error: str
    kind: str = "QualcodeError"


@dataclass
class LanguageReady(Message):
    """spaCy's Dutch pipeline is loaded (the first search is then as fast as the next)."""

    error: str | None = None
