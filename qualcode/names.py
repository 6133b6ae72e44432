"""Names that come from users and other programs: one rule for transcript names, one for coder names,
one path check, and how user text is shown on a terminal.

A transcript name is cited (``(FG2; 57-64)``) and becomes a file name
(``exports/FG2.docx``), so it must be usable as both. The rule lives here and
nowhere else; every way a name enters a project (``import --name``, a file's
stem, a REFI-QDA source, a merged project) goes through :func:`check_transcript_name`,
and foreign names that qualcode converts itself go through :func:`safe_transcript_name`.

Whatever the rule, a path is never built from user text without
:func:`path_inside`, which refuses any result outside its folder (names stored
by an older version are not trusted either).
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import InputError

MAX_NAME_CHARS = 100

# Citation syntax (; ( ) and the range comma), path separators, characters Windows
# cannot hold in a file name, and every control character.
_FORBIDDEN = re.compile(r'[;()/\\:*?"<>|\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)

RULE = (
    f"at most {MAX_NAME_CHARS} characters, no surrounding spaces, not starting with '.', "
    'none of ; ( ) / \\ : * ? " < > | or control characters'
)


def transcript_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a transcript, or None when it can."""
    if not name:
        return "it is empty"
    if name != name.strip():
        return "it starts or ends with a space"
    if name.startswith("."):
        return "it starts with '.'"
    if len(name) > MAX_NAME_CHARS:
        return f"it is longer than {MAX_NAME_CHARS} characters"
    bad = _FORBIDDEN.search(name)
    if bad:
        return f"it contains {bad.group()!r}"
    if _WINDOWS_DEVICES.match(name):
        return "it is a reserved device name on Windows"
    return None


def check_transcript_name(name: str, *, path: str | Path | None = None) -> str:
    """Return ``name`` when it may name a transcript; raise :class:`InputError` saying why not."""
    problem = transcript_name_problem(name)
    if problem is not None:
        raise InputError(f"unusable transcript name {name!r}: {problem} (allowed: {RULE}); use --name", path=path)
    return name


def safe_transcript_name(raw: str, fallback: str = "transcript") -> str:
    """A usable name made from a foreign one: forbidden characters become '-' (callers report the change)."""
    name = _FORBIDDEN.sub("-", raw or "").strip().lstrip(".-").strip()[:MAX_NAME_CHARS].strip()
    if _WINDOWS_DEVICES.match(name):
        name = f"{name}-"
    return name if transcript_name_problem(name) is None else fallback


def path_inside(folder: str | Path, filename: str) -> Path:
    """``folder / filename``, refused with :class:`InputError` when it would lie outside ``folder``."""
    base = Path(folder)
    target = base / filename
    resolved_base = base.resolve()
    resolved = target.resolve()
    if resolved.parent != resolved_base or Path(filename).name != filename:
        raise InputError(f"refusing to write {filename!r}: it would lie outside {base}/", path=str(base))
    return target


# Every terminal control character (C0 but TAB and LF, DEL, C1) and the bidi overrides.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TERMINAL_UNSAFE_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """``text`` with every terminal control character shown as an escape (``\\x1b``).

    TAB and LF are kept, unless ``one_line`` (error messages: exactly one line), which escapes LF too.
    """
    pattern = _TERMINAL_UNSAFE_ONE_LINE if one_line else _TERMINAL_UNSAFE
    return pattern.sub(_escape, text)


def needs_terminal_escape(text: str) -> bool:
    """Whether :func:`terminal_safe` would change ``text`` (LF and TAB are kept)."""
    return _TERMINAL_UNSAFE.search(text) is not None


def check_coder_name(name: str) -> str:
    """Return ``name`` when it may name a coder (it is shown in every listing and the workbench)."""
    if not name or not name.strip():
        raise InputError("a coder name cannot be empty")
    if len(name) > MAX_NAME_CHARS or terminal_safe(name, one_line=True) != name:
        shown = terminal_safe(name, one_line=True)[:MAX_NAME_CHARS]
        raise InputError(f"unusable coder name {shown!r}: at most {MAX_NAME_CHARS} characters, no control characters")
    return name


def safe_coder_name(raw: str) -> str:
    """A foreign coder name (a merged project, a REFI-QDA user) as it may be stored: controls escaped, shortened."""
    name = terminal_safe(raw or "", one_line=True).strip()[:MAX_NAME_CHARS].strip()
    return name or "coder"
