"""Bytes → text: pick the encoding, normalise line endings, remove control characters.

Everything here runs before any line number exists, so that every later step
sees the same text a reader will see.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
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


# A transcript of 5 MB is long; three times that is refused before it is decoded.
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_TEXT_CHARS = MAX_TEXT_BYTES

# Single-byte encodings a Dutch transcript may come in, most likely first (ties go to the first).
LEGACY_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("cp1252", "Windows-1252"),
    ("iso8859-15", "ISO-8859-15"),
    ("mac-roman", "Mac Roman"),
)
MAX_UTF8_REPAIRS = 3  # bad bytes in an otherwise UTF-8 file that are replaced (and reported), not guessed around
_PUNCTUATION = set("€£¥¢°§«»‘’‚“”„–—…•·½¼¾©®™²³¹×÷¿¡±µ¶\u00a0\u00ad")
_NOT_INSIDE_WORDS = set("‘“”„•")


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec used, and notes saying why whenever it was not clean UTF-8 (or a BOM)."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _byte_at(data: bytes, offset: int) -> str:
    return f"byte 0x{data[offset]:02X} at offset {offset}"


def _implausible(text: str) -> tuple[int, int | None]:
    """How many non-ASCII characters look like a wrong decoding, and where the first one is.

    Plausible: Latin letters (an upper-case one not inside a word that has lower-case
    letters around it, and not standing alone as a word) and common punctuation (quotes not inside a word).
    Anything else (Greek, Cyrillic, maths symbols, C1 controls, ¤) counts against.
    """
    bad, first = 0, None
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
            wrong = (
                (ch.isupper() and prev.isalpha() and (prev.islower() or nxt.islower()))  # caFÉ, ÈÈn
                or (not prev.isalpha() and not nxt.isalpha() and ch not in "àÀ")  # a lone letter
            )
        elif ch in _PUNCTUATION:
            wrong = ch in _NOT_INSIDE_WORDS and prev.isalpha() and nxt.isalpha()
        else:
            wrong = True
        if wrong:
            bad += 1
            first = i if first is None else first
    return bad, first


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is mostly zero (Latin text in UTF-16), else None."""
    pairs = len(data) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even_nul, odd_nul = data[0::2].count(0), data[1::2].count(0)
    if odd_nul >= 0.3 * pairs and even_nul <= 0.02 * pairs:
        return "utf-16-le"
    if even_nul >= 0.3 * pairs and odd_nul <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _decode_as(data: bytes, encoding: str, *, path: str | Path) -> Decoded:
    """``import --encoding NAME``: decode strictly with the user's choice, or say where it fails."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, iso8859-15, mac-roman, utf-16-le)", path=path
        ) from None
    try:
        text = data.decode(info.name)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding} text: {_byte_at(data, exc.start)} ({exc.reason})",
            path=path,
            line=_line_of(data, exc.start),
        ) from None
    return Decoded(text.lstrip("\ufeff"), info.name, [f"decoded as {info.name} (chosen with --encoding)"])


def _decode_bom(data: bytes, *, path: str | Path) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                # surrogatepass: a lone surrogate becomes a character that cleaning removes
                return Decoded(data.decode(encoding, errors="surrogatepass"), encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {encoding.upper()} text ({exc.reason} at byte offset {exc.start})", path=path
                ) from None
    return None


def _decode_utf8(data: bytes, *, path: str | Path) -> Decoded | None:
    """Clean UTF-8; or UTF-8 with a few bad bytes replaced (and each one reported); else None."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    name = "utf-8-sig" if bom else "utf-8"
    try:
        return Decoded(body.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    loose = body.decode("utf-8", errors="surrogateescape")
    bad = [i for i, ch in enumerate(loose) if "\udc80" <= ch <= "\udcff"]
    evidence = sum(1 for ch in loose if ch >= "\x80" and not "\udc80" <= ch <= "\udcff")
    if bom and len(bad) > MAX_UTF8_REPAIRS:
        offset = len(data) - len(body) + len(loose[: bad[0]].encode("utf-8", errors="surrogateescape"))
        raise InputError(
            f"not valid UTF-8 although it starts with a UTF-8 byte order mark ({_byte_at(data, offset)})",
            path=path,
            line=_line_of(data, offset),
        )
    if not (bom or evidence) or len(bad) > MAX_UTF8_REPAIRS:
        return None
    # the bad bytes' offsets in the file: walk the loose text, counting each character's UTF-8 length
    offsets, pos, k = [], len(data) - len(body), 0
    for i, ch in enumerate(loose):
        if k < len(bad) and i == bad[k]:
            offsets.append(pos)
            k += 1
            pos += 1
        else:
            pos += len(ch.encode("utf-8"))
    notes = [
        f"line {_line_of(data, o)}: {_byte_at(data, o)} is not valid UTF-8 (the rest of the file is); "
        "replaced with U+FFFD (\ufffd)"
        for o in offsets
    ]
    return Decoded(body.decode("utf-8", errors="replace"), name, notes)


def _decode_legacy(data: bytes, *, path: str | Path) -> Decoded:
    """Choose among :data:`LEGACY_ENCODINGS` by evidence; refuse (line and byte) when none convinces."""
    candidates = []  # (bad, order, encoding, label, text, first bad index)
    impossible: list[str] = []
    for order, (encoding, label) in enumerate(LEGACY_ENCODINGS):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            impossible.append(f"{_byte_at(data, exc.start)} is not a {label} character")
            continue
        c1 = re.search("[\x80-\x9f]", text)
        if c1:  # a C1 control character: this is not the file's encoding
            offset = c1.start()  # single-byte: character index = byte offset
            impossible.append(f"{_byte_at(data, offset)} would be a control character in {label}")
            continue
        bad, first = _implausible(text)
        candidates.append((bad, order, encoding, label, text, first))
    non_ascii = sum(1 for b in data if b >= 0x80)
    candidates.sort(key=lambda c: (c[0], c[1]))
    if candidates and candidates[0][0] <= _tolerated(non_ascii):
        bad, _, encoding, label, text, _ = candidates[0]
        others = [c for c in candidates[1:] if c[4] != text and c[0] == bad]
        why = "not UTF-8; the most plausible accented letters and punctuation"
        note = f"decoded as {label} ({why})"
        if others:
            alt = others[0]
            note += f"; {alt[3]} is as plausible: use --encoding {alt[2]} if accents look wrong"
        return Decoded(text, encoding, [note])
    cn = _charset_normalizer(data)
    if cn is not None:
        return cn
    if impossible:  # the likeliest encoding fails at a byte: that byte is the news
        reason = impossible[0]
        m = re.search(r"offset (\d+)", reason)
        line = _line_of(data, int(m.group(1))) if m else None
    else:
        bad, _, encoding, label, text, first = candidates[0]
        where = first if first is not None else 0
        reason = f"{_byte_at(data, where)} gives {text[where]!r} in {label}, the most plausible candidate"
        line = _line_of(data, where)
    raise InputError(
        f"unknown text encoding: not UTF-8, and no other encoding convinces ({reason}); "
        "convert the file to UTF-8 or choose with --encoding NAME",
        path=path,
        line=line,
    )


def _tolerated(non_ascii: int) -> int:
    """Implausible characters a convincing decoding may still have (a lone 'ë', a Czech name): 1 in 20."""
    return max(1, non_ascii // 20)


def _charset_normalizer(data: bytes) -> Decoded | None:
    """charset-normalizer's best guess, taken only when it is confident and gives readable words."""
    from charset_normalizer import from_bytes  # slow import, rarely needed

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.05 or best.coherence < 0.5:
        return None
    text = str(best)
    if re.search("[\x80-\x9f]", text) or _mixed_script_words(text):
        return None
    if best.encoding not in ("utf_8", "ascii") and _implausible(text)[0]:  # stricter than our own candidates
        return None  # e.g. a Central-European code page that makes Dutch accents into ť and Ų
    note = (
        f"decoded as {best.encoding} (charset-normalizer: {best.coherence:.0%} coherent with "
        f"{', '.join(best.languages[:2]) or 'a language'}, {best.chaos:.0%} chaos)"
    )
    return Decoded(text, best.encoding, [note])


def _mixed_script_words(text: str) -> bool:
    """True when a word mixes ASCII letters with non-Latin letters (a wrong single-byte guess)."""
    for word in re.findall(r"\w+", text):
        if any(c < "\x80" and c.isalpha() for c in word) and any(
            c >= "\x80" and c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in word
        ):
            return True
    return False


def decode_text(data: bytes, *, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode a transcript's bytes, deciding the encoding by evidence (or as ``encoding`` says).

    Order: the user's ``encoding``; UTF-16/32 with a BOM; UTF-16 without a BOM (every
    other byte zero); NUL bytes mean binary; UTF-8 (with or without BOM) — with at most
    :data:`MAX_UTF8_REPAIRS` bad bytes replaced and reported when the rest is UTF-8;
    Windows-1252, ISO-8859-15 or Mac Roman by the plausibility of the text they give;
    charset-normalizer only when it is confident. Anything else is refused with the line
    and byte. ``notes`` say what was decided whenever the text was not clean UTF-8.
    """
    if not data:
        raise InputError("the file is empty", path=path)
    if encoding:
        return _decode_as(data, encoding, path=path)
    decoded = _decode_bom(data, path=path)
    if decoded is not None:
        return decoded
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = None
        if text is not None and not re.search("[\x00-\x08\x0e-\x1f]", text):
            side = "every odd byte" if utf16.endswith("le") else "every even byte"
            return Decoded(text, utf16, [f"decoded as {utf16.upper()} without a byte order mark ({side} is zero)"])
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary file (NUL byte at offset {nul}), not a transcript", path=path)
    decoded = _decode_utf8(data, path=path)
    if decoded is not None:
        return decoded
    return _decode_legacy(data, path=path)


def decode_bytes(data: bytes, *, path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode a transcript's bytes; return (text, encoding name). See :func:`decode_text`."""
    decoded = decode_text(data, path=path, encoding=encoding)
    return decoded.text, decoded.encoding
