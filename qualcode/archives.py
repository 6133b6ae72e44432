"""Reading archives and XML that come from elsewhere, safely.

A ``.qdpx`` (or ``.docx``) is a ZIP file written by another program, and its XML
is parsed from untrusted bytes. Everything here refuses before anything is
written:

* :func:`open_zip` checks every member name and size first: absolute paths
  (``/x``, ``\\x``, ``C:x``), ``..`` components, symbolic links (Unix mode bits in
  ``external_attr``), too many members, members or totals that unpack too large
  or with an implausible compression ratio (zip bombs). Members are read into
  memory with a hard limit; nothing is ever extracted to disk.
* :func:`parse_xml` parses with :mod:`defusedxml`: entity declarations (the
  "billion laughs" XML bomb), external entities and external DTDs are refused
  with an :class:`~qualcode.errors.InputError` naming the file and the member.

* :func:`read_regular_file` reads any file a user names (transcript, codebook,
  archive): regular files only (a FIFO, a device or a symlink to ``/dev/zero`` is
  refused before anything blocks) and never more than a limit.

The limits are one policy for every reader: :data:`DOCX_LIMITS` for Word
transcripts, the defaults for ``.qdpx`` projects.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InputError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; text compresses ~10x, bombs ~1000x
RATIO_FLOOR = 1024 * 1024  # small members may have any ratio
MAX_XML_DEPTH = 256  # a REFI-QDA project nests about 10 deep; readers recurse over the tree

MAX_ARCHIVE_FILE_BYTES = 1024 * 1024 * 1024  # a .qdpx with its sources

# A Word transcript: 5 MB of text is a large transcript; its document.xml is a few
# times that. Images and fonts count towards the total but are never read.
DOCX_LIMITS = {
    "max_members": 2_000,
    "max_member_bytes": 64 * 1024 * 1024,
    "max_total_bytes": 128 * 1024 * 1024,
    "max_file_bytes": 64 * 1024 * 1024,
}

_DRIVE = re.compile(r"^[A-Za-z]:")


def read_regular_file(path: str | Path, *, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`InputError` otherwise.

    Opened without blocking, so a FIFO or a device (also behind a symlink) is refused
    at once; the size is checked before reading and the read itself stops at ``limit``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError(f"is a folder, not a {what}", path=path) from None
    except OSError as e:
        raise InputError(f"cannot read the file ({e.strerror or e})", path=path) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise InputError(f"is a folder, not a {what}", path=path)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a special file"
            )
            raise InputError(f"not a regular file ({kind}); give a {what} on disk", path=path)
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise InputError(f"refusing a {what} of {_mb(size)} (limit {_mb(limit)})", path=path)
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise InputError(f"cannot read the file ({e.strerror or e})", path=path) from None
    if len(data) > limit:  # it grew while we read
        raise InputError(f"refusing a {what} larger than {_mb(limit)}", path=path)
    return data


def require_regular_file(path: str | Path, *, what: str = "file") -> None:
    """Refuse anything but an existing regular file (FIFOs and devices block or never end)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as e:
        raise InputError(f"cannot read the file ({e.strerror or e})", path=path) from None
    if stat.S_ISDIR(mode):
        raise InputError(f"is a folder, not a {what}", path=path)
    if not stat.S_ISREG(mode):
        raise InputError(f"not a regular file; give a {what} on disk", path=path)


def unsafe_member_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a ZIP member must not be read (or None when it is fine)."""
    name = info.filename
    if "\x00" in name:
        return "a NUL character in its name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "an absolute path"
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        return "a '..' component (it would be written outside the folder)"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "a symbolic link"
    return None


def check_members(
    archive: zipfile.ZipFile,
    *,
    path: str | Path,
    what: str = "archive",
    max_members: int = MAX_MEMBERS,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> list[zipfile.ZipInfo]:
    """Check every member of an open archive; raise :class:`InputError` on the first problem."""
    members = archive.infolist()
    if len(members) > max_members:
        raise InputError(f"refusing {what} with {len(members)} members (limit {max_members})", path=path)
    total = 0
    for info in members:
        reason = unsafe_member_reason(info)
        if reason:
            raise InputError(f"refusing {what}: member {info.filename!r} has {reason}; nothing was written", path=path)
        if info.file_size > max_member_bytes:
            raise InputError(
                f"refusing {what}: member {info.filename!r} unpacks to {_mb(info.file_size)} "
                f"(limit {_mb(max_member_bytes)})",
                path=path,
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"refusing {what}: member {info.filename!r} is compressed "
                f"{info.file_size // max(info.compress_size, 1)}:1 (a zip bomb?)",
                path=path,
            )
        total += info.file_size
    if total > max_total_bytes:
        raise InputError(f"refusing {what} that unpacks to {_mb(total)} (limit {_mb(max_total_bytes)})", path=path)
    return members


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


@dataclass
class SafeZip:
    """A checked archive held in memory; read members by name (case-insensitive lookup available)."""

    path: str
    archive: zipfile.ZipFile
    members: list[zipfile.ZipInfo]
    what: str = "archive"

    def names(self) -> list[str]:
        return [m.filename for m in self.members if not m.is_dir()]

    def find(self, name: str, *, ignore_case: bool = True) -> str | None:
        """The member called ``name`` (``\\`` and ``/`` alike; case-insensitive by default)."""
        want = name.replace("\\", "/").lstrip("/")
        for m in self.members:
            have = m.filename.replace("\\", "/")
            if have == want or (ignore_case and have.lower() == want.lower()):
                return m.filename
        return None

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than its declared size (a lying header is refused)."""
        info = self.archive.getinfo(name)
        try:
            with self.archive.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError) as e:
            raise InputError(f"damaged {self.what}: cannot read {name!r} ({e})", path=self.path) from None
        if len(data) > info.file_size:
            raise InputError(f"refusing {self.what}: member {name!r} is larger than it claims", path=self.path)
        return data

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_zip(
    path: str | Path,
    *,
    what: str = "archive",
    data: bytes | None = None,
    max_file_bytes: int = MAX_ARCHIVE_FILE_BYTES,
    **limits,
) -> SafeZip:
    """Open and check a ZIP file (from ``path`` or from ``data``); raise :class:`InputError` if unsafe."""
    if data is None:
        data = read_regular_file(path, limit=max_file_bytes, what=what)
    elif len(data) > max_file_bytes:
        raise InputError(f"refusing a {what} of {_mb(len(data))} (limit {_mb(max_file_bytes)})", path=path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise InputError(f"not a valid {what} (not a ZIP archive, or damaged)", path=path) from None
    try:
        members = check_members(archive, path=path, what=what, **limits)
    except BaseException:
        archive.close()
        raise
    return SafeZip(str(path), archive, members, what)


# --------------------------------------------------------------------------- XML
def parse_xml(data: bytes, *, path: str | Path, member: str | None = None):
    """Parse untrusted XML with defusedxml; return the root ``Element``.

    Refuses entity declarations (XML bombs), external entities and external DTD
    references with a one-line :class:`InputError`; malformed XML names the line.
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml
    import defusedxml.ElementTree as DET

    where = f"{path} ({member})" if member else path
    try:
        root = DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise InputError(
            "refusing XML that declares entities (an XML bomb or an external entity); nothing was written", path=where
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise InputError("refusing XML that refers to an external resource; nothing was written", path=where) from None
    except defusedxml.DTDForbidden:
        raise InputError("refusing XML with a document type declaration; nothing was written", path=where) from None
    except defusedxml.DefusedXmlException as e:
        raise InputError(f"refusing unsafe XML ({type(e).__name__}); nothing was written", path=where) from None
    except ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise InputError(f"not well-formed XML ({e.msg if hasattr(e, 'msg') else e})", path=where, line=line) from None
    if _depth(root) > MAX_XML_DEPTH:
        raise InputError(f"refusing XML nested more than {MAX_XML_DEPTH} elements deep", path=where)
    return root


def _depth(root) -> int:
    """The nesting depth of an element tree, without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest
