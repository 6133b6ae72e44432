"""Issue 11, class 10: the encoding is decided with evidence, said aloud, or left to the user.

Found: one bad byte in a UTF-8 file turned the whole transcript into Windows-1252
mojibake; an undefined byte gave Cyrillic cp1251; Mac Roman and ISO-8859-15 came
out garbled; UTF-16 without a BOM was refused as binary. Imported text never
changes afterwards, so a wrong guess is permanent.
"""

from __future__ import annotations

import json

import pytest
from core_helpers import run_qualcode

from qualcode.corpus.ingest import read_transcript
from qualcode.errors import InputError

# Dutch focus-group text with the characters that tell the encodings apart.
TEXT = (
    "M: Wat vond u van het café?\n"
    "R1: Ik vond het één keer goed, maar het kostte € 5. Ideeën genoeg.\n"
    "R2: Ja, ’s ochtends is het rustig – coördinatie was naïef.\n"
)
ISO_TEXT = TEXT.replace("’", "'").replace("–", "-")  # ISO-8859-15 has no curly quotes or dashes


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("codec", "text", "expected"),
    [
        ("cp1252", TEXT, "cp1252"),
        ("iso8859_15", ISO_TEXT, "iso8859-15"),
        ("mac_roman", TEXT, "mac-roman"),
        ("utf-16-le", TEXT, "utf-16-le"),
        ("utf-16-be", TEXT, "utf-16-be"),
    ],
)
def test_each_encoding_is_recognised_and_reported(tmp_path, codec, text, expected):
    data = text.encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    t = read_transcript(write(tmp_path, "a.txt", data))
    assert [ln.raw for ln in t.lines] == text.splitlines()
    assert t.encoding == expected
    assert t.warnings[0].startswith("encoding: decoded as"), t.warnings  # said aloud: it was not clean UTF-8


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
def test_a_short_file_with_one_accent_is_decided_right(tmp_path, codec):
    t = read_transcript(write(tmp_path, "a.txt", "M: Het café was dicht.\n".encode(codec)))
    assert t.lines[0].raw == "M: Het café was dicht."


def test_one_bad_byte_in_utf8_does_not_turn_the_file_into_mojibake(tmp_path):
    data = TEXT.encode("utf-8").replace(b"goed", b"go\xe9d")
    t = read_transcript(write(tmp_path, "a.txt", data))
    assert t.encoding == "utf-8"
    assert "café" in t.lines[0].raw and "cafÃ©" not in t.lines[0].raw  # the rest is still UTF-8
    assert t.lines[1].raw.startswith("R1: Ik vond het één keer go\ufffdd")
    assert any("line 2: byte 0xE9 at offset" in w and "not valid UTF-8" in w for w in t.warnings)


def test_an_undefined_byte_is_refused_with_line_and_byte_not_guessed_as_cyrillic(tmp_path):
    data = ISO_TEXT.encode("cp1252").replace(b"goed", b"go\x81d")
    with pytest.raises(InputError) as info:
        read_transcript(write(tmp_path, "a.txt", data))
    assert info.value.line == 2
    assert "byte 0x81 at offset" in info.value.message and "--encoding" in info.value.message


def test_cli_reports_the_encoding_and_why_in_text_and_json(tmp_path):
    write(tmp_path, "FG3.txt", TEXT.encode("mac_roman"))
    result = run_qualcode("import", "FG3.txt", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[0]
    assert report["encoding"] == "mac-roman"
    assert report["warnings"][0].startswith("encoding: decoded as Mac Roman")
    write(tmp_path, "FG4.txt", ISO_TEXT.replace("M:", "Moderator:").encode("iso8859_15"))
    result = run_qualcode("import", "FG4.txt", cwd=tmp_path)
    assert "(iso8859-15;" in result.stdout and "warning: FG4.txt: encoding: decoded as ISO-8859-15" in result.stderr


def test_import_encoding_lets_the_user_decide(tmp_path):
    # cp1252 and Mac Roman both decode these bytes; the user knows it came from a Mac.
    write(tmp_path, "FG5.txt", "M: Ja, ’s ochtends.\n".encode("mac_roman"))
    result = run_qualcode("import", "FG5.txt", "--encoding", "mac-roman", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["encoding"] == "mac-roman"
    codings = run_qualcode("transcripts", "--json", cwd=tmp_path)
    assert "FG5" in codings.stdout


def test_import_encoding_that_does_not_fit_names_line_and_byte(tmp_path):
    write(tmp_path, "FG6.txt", "M: een\nR1: café\n".encode("cp1252"))
    result = run_qualcode("import", "FG6.txt", "--encoding", "utf-8", cwd=tmp_path)
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert "FG6.txt:2: not valid utf-8 text: byte 0xE9 at offset 14" in result.stderr
    assert not (tmp_path / "qualcode.db").exists()
