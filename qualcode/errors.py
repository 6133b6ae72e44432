"""Errors that users can cause and that the CLI and TUI show as one line.

Every expected failure (bad input, unknown names, a missing project) raises a
subclass of :class:`QualcodeError`; the CLI prints ``str(error)`` on one line and
exits non-zero, the TUI shows it as a notification. Anything else is a bug.
"""

from __future__ import annotations

import os


class QualcodeError(Exception):
    """An expected error with a one-line, user-facing message."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:  # "FG2.txt:12: message" / "FG2.txt: message" / "message"
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            return f"{where}: {self.message}"
        return self.message


class InputError(QualcodeError):
    """A file given by the user cannot be read or is not what it claims to be."""


class ProjectError(QualcodeError):
    """The project file is missing, damaged, read-only or not a qualcode project."""


class NotFoundError(QualcodeError):
    """An unknown transcript, code, coder or backup name."""


class ConflictError(QualcodeError):
    """The requested change collides with existing data (duplicate, concurrent edit, …)."""
