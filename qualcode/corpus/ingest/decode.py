"""Bytes → text: pick the encoding, normalise line endings, remove control characters.

Everything here runs before any line number exists, so that every later step
sees the same text a reader will see.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from qualcode.errors import InputError

# Characters that Word's XML (or a sane transcript) cannot hold: C0 controls except
# TAB and LF, DEL, C1 controls, the non-characters U+FFFE/U+FFFF and lone surrogates.
# CR (U+000D) is in the C0 range: normalise line endings before cleaning.
CONTROL_CHARS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

# Unicode line / paragraph separators: not line breaks for us (only LF is), and not
# something a reader can see, so they become a space.
LINE_SEPARATORS_RE = re.compile("[\u2028\u2029]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def clean_control_chars(text: str) -> tuple[str, int]:
    """Remove characters Word's XML cannot hold; return the text and how many went.

    Tabs and LF are kept. CR is removed, so turn CRLF/CR into LF first
    (:func:`normalise_newlines`) when line breaks matter.
    """
    return CONTROL_CHARS_RE.subn("", text)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR → LF; drop byte order marks at the start (tools sometimes add a second one)."""
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_NEEDS_CLEANING_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u2028\u2029]")


def needs_line_cleaning(text: str) -> bool:
    """False when ``text`` has no control characters or line separators and is NFC already.

    Lets the common case (clean UTF-8) skip the per-line work of :func:`normalise_line`.
    """
    return bool(_NEEDS_CLEANING_RE.search(text) or not unicodedata.is_normalized("NFC", text))


def normalise_line(line: str) -> tuple[str, int, int]:
    """One physical line (no LF in it) → (clean NFC line, control chars removed, separators replaced)."""
    line, removed = clean_control_chars(line)
    line, separators = LINE_SEPARATORS_RE.subn(" ", line)
    return unicodedata.normalize("NFC", line), removed, separators


def line_warnings(where: str, removed: int, separators: int) -> list[str]:
    """The warnings for one line, e.g. ``line 12: removed 2 control characters``."""
    out = []
    if removed:
        out.append(f"{where}: removed {removed} control character{'s' if removed != 1 else ''}")
    if separators:
        out.append(
            f"{where}: replaced {separators} Unicode line separator{'s' if separators != 1 else ''} with a space"
        )
    return out


def decode_bytes(data: bytes, *, path: str | Path) -> tuple[str, str]:
    """Decode a transcript's bytes; return (text, encoding name).

    Order: UTF-16/32 with a BOM; then NUL bytes mean binary; then UTF-8 (with or
    without BOM), Windows-1252, and charset-normalizer only as a last resort. Raises InputError for empty or
    binary data and for text whose encoding cannot be determined.
    """
    if not data:
        raise InputError("the file is empty", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                # surrogatepass: a lone surrogate becomes a character that cleaning removes
                return data.decode(encoding, errors="surrogatepass"), encoding
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {encoding.upper()} text ({exc.reason} at byte offset {exc.start})", path=path
                ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary file (NUL byte at offset {nul}), not a transcript", path=path)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = exc.start + len(codecs.BOM_UTF8)  # the codec counts from after the BOM
            raise InputError(
                f"not valid UTF-8 although it starts with a UTF-8 byte order mark "
                f"(byte 0x{data[offset]:02x} at offset {offset})",
                path=path,
                line=data.count(b"\n", 0, offset) + 1,
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Python's cp1252 codec refuses the five undefined bytes 0x81 0x8D 0x8F 0x90 0x9D.
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # last resort; slow import, rarely needed

    best = from_bytes(data).best()
    if best is None:
        raise InputError("unknown text encoding (not UTF-8, UTF-16 or Windows-1252)", path=path)
    return str(best), best.encoding
