"""qualcode: qualitative coding of interview and focus-group transcripts, as a library.

    import qualcode

    p = qualcode.open("qualcode.db", coder="anna")      # or qualcode.create(path, codebook=...)
    p.code("FG2", "57-64", "samenwerking")
    print([q.citation for q in p.quotes()])             # ['(FG2; 57-64)', …]

The API is :class:`qualcode.Project` (see ``docs/python-api.md``); errors are
:class:`QualcodeError` and its subclasses. Names are loaded on first use, so
``import qualcode`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode.errors import ConflictError, InputError, NotFoundError, ProjectError, QualcodeError

if TYPE_CHECKING:
    from qualcode.api import Project, create, open
    from qualcode.model import Code, Coding, Quote

__all__ = [
    "Code",
    "Coding",
    "ConflictError",
    "InputError",
    "NotFoundError",
    "Project",
    "ProjectError",
    "QualcodeError",
    "Quote",
    "create",
    "open",
]

_LAZY = {
    "Project": "qualcode.api",
    "open": "qualcode.api",
    "create": "qualcode.api",
    "Code": "qualcode.model",
    "Coding": "qualcode.model",
    "Quote": "qualcode.model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qualcode' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
