"""Issue 11, classes 11 and 16: user text is printed as text — never Rich markup, never raw control codes.

Found: ``qualcode codings`` dropped ``[lacht]`` from quotes (the shipped demo, FG2
line 34); a line with ``[/x]`` crashed ``codings``, ``log`` and ``autocode --dry-run``;
escape sequences in coder names (also a colleague's, arriving by ``merge``) and
in transcript text reached the terminal raw.
"""

from __future__ import annotations

import sqlite3

import pytest
from core_helpers import CODEBOOK, run_qualcode

from qualcode.cli.output import terminal_safe

MARKUP_TRANSCRIPT = (
    "M: Hoe ging dat?\nR1: Nou [lacht] goed hoor.\nR2: Tja [/x] en [bold]vet[/bold] [link=http://x]hier[/link].\n"
)


@pytest.fixture
def markup_project(tmp_path):
    (tmp_path / "FG8.txt").write_text(MARKUP_TRANSCRIPT, encoding="utf-8")
    assert run_qualcode("init", "--codebook", str(CODEBOOK), cwd=tmp_path).returncode == 0
    assert run_qualcode("import", "FG8.txt", cwd=tmp_path).returncode == 0
    for lines in ("2", "3"):
        result = run_qualcode("code", "FG8", lines, "werkwijze", "--memo", "[/memo] [red]", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    return tmp_path


def test_demo_quote_keeps_its_bracketed_annotation(tmp_path):
    assert run_qualcode("demo", "--no-open", cwd=tmp_path).returncode == 0
    project = str(tmp_path / "qualcode-demo.db")
    line = (
        sqlite3.connect(project)
        .execute("SELECT text FROM lines JOIN transcripts t ON t.id = transcript_id WHERE t.name = 'FG2' AND n = 34")
        .fetchone()[0]
    )
    assert "[lacht]" in line  # the shipped demo line the bug was found on
    run_qualcode("--project", project, "--coder", "anna", "code", "FG2", "34", "werkwijze", cwd=tmp_path)
    result = run_qualcode("--project", project, "codings", "--transcript", "FG2", "--coder", "anna", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(FG2; 34)" in result.stdout
    assert "[lacht]" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ("codings",),
        ("log",),
        ("autocode", "samenwerking", "--pattern", "Tja", "--dry-run"),
        ("transcripts",),
        ("codebook", "show"),
    ],
)
def test_brackets_in_user_text_neither_vanish_nor_crash(markup_project, argv):
    result = run_qualcode(*argv, cwd=markup_project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    if argv[0] == "codings":
        out = " ".join(result.stdout.split())
        assert "[lacht]" in out and "[/x]" in out and "[bold]vet[/bold]" in out and "[/memo] [red]" in out


def test_escape_sequences_in_a_coder_name_are_refused_and_stored_ones_shown_not_executed(tmp_path, project_path):
    evil = "anna\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"
    before = project_path.read_bytes()
    refused = run_qualcode(
        "--project", str(project_path), "--coder", evil, "code", "FG9", "2", "werkwijze", cwd=tmp_path
    )
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1 and "unusable coder name" in refused.stderr
    assert not any(c in refused.stderr for c in "\x1b\x07\x9b\u202e"), repr(refused.stderr)
    assert project_path.read_bytes() == before
    # a name stored by hand (an older version, another tool) is shown escaped everywhere
    assert (
        run_qualcode(
            "--project", str(project_path), "--coder", "anna", "code", "FG9", "2", "werkwijze", cwd=tmp_path
        ).returncode
        == 0
    )
    conn = sqlite3.connect(project_path)
    conn.execute("DROP TRIGGER IF EXISTS codings_no_identical_update")  # tampering, as an attacker would
    conn.execute("UPDATE codings SET coder = ?", (evil,))
    conn.commit()
    conn.close()
    for argv in (("codings",), ("codings", "--coder", evil)):
        out = run_qualcode("--project", str(project_path), *argv, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        text = out.stdout + out.stderr
        assert not any(c in text for c in "\x1b\x07\x9b\u202e"), repr(text)
        assert "\\x1b" in text


def test_a_colleagues_escape_sequences_arriving_by_merge_are_shown_not_executed(tmp_path, project_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "FG7.txt").write_text("M: Een gesprek.\nR1: Met woorden.\n", encoding="utf-8")
    assert run_qualcode("--project", "o.db", "init", "--codebook", str(CODEBOOK), cwd=other).returncode == 0
    assert run_qualcode("--project", "o.db", "import", "FG7.txt", cwd=other).returncode == 0
    assert (
        run_qualcode("--project", "o.db", "--coder", "bram", "code", "FG7", "2", "werkwijze", cwd=other).returncode == 0
    )
    conn = sqlite3.connect(other / "o.db")  # a hostile copy: text and coder changed by hand
    conn.execute("UPDATE codings SET coder = 'bram\x1b[31m'")
    conn.execute("UPDATE lines SET text = 'R1: Met \x1b[2J woorden.', raw = raw WHERE n = 2")
    conn.commit()
    conn.close()
    merged = run_qualcode("--project", str(project_path), "merge", str(other / "o.db"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "\x1b" not in merged.stdout + merged.stderr
    out = run_qualcode("--project", str(project_path), "codings", "--transcript", "FG7", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "bram\\x1b[31m" in out.stdout and "\\x1b[2J" in out.stdout


def test_an_error_naming_user_text_stays_one_line(tmp_path, project_path):
    result = run_qualcode("--project", str(project_path), "code", "FG9\nerror: fake", "2", "werkwijze", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr


def test_terminal_safe_escapes_every_control_but_tab_and_newline():
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("a\nb", one_line=True) == "a\\x0ab"
    assert terminal_safe("\x1b[31m\x07\x08\r\x7f\x9b\u202e\u2066") == "\\x1b[31m\\x07\\x08\\x0d\\x7f\\x9b\\u202e\\u2066"
    assert terminal_safe("[lacht] é ë €") == "[lacht] é ë €"
