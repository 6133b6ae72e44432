"""`qualcode speakers --rename` (speaker column only, one undoable action) and `qualcode media` (link a recording)."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from core_helpers import run_qualcode

from qualcode.corpus import media

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def lines(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "qualcode.db") as conn:
        return conn.execute("SELECT n, speaker, raw FROM lines ORDER BY n").fetchall()


def test_rename_changes_the_speaker_column_only_and_undo_restores(tmp_path):
    (tmp_path / "FG2.srt").write_bytes((FIXTURES / "whisperx.srt").read_bytes())
    env = {"QUALCODE_LEMMAS": "0"}
    assert run_qualcode("import", "FG2.srt", cwd=tmp_path, env=env).returncode == 0
    before = lines(tmp_path)
    r = run_qualcode("speakers", "FG2", "--rename", "SPEAKER_00=M", "--rename", "SPEAKER_01=R1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Renamed SPEAKER_00 → M on 2 lines of FG2" in r.stdout
    after = lines(tmp_path)
    assert [raw for _, _, raw in after] == [raw for _, _, raw in before]  # text and numbers unchanged
    assert [s for _, s, _ in after] == ["M", "R1", "R1", "M"]
    listed = json.loads(run_qualcode("speakers", "FG2", "--json", cwd=tmp_path).stdout)
    assert [(s["speaker"], s["turns"]) for s in listed] == [("M", 2), ("R1", 1)]
    assert json.loads(run_qualcode("transcripts", "--json", cwd=tmp_path).stdout)[0]["speakers"] == ["M", "R1"]
    assert run_qualcode("undo", cwd=tmp_path).returncode == 0
    assert lines(tmp_path) == before
    bad = run_qualcode("speakers", "FG2", "--rename", "SPEAKER_09=X", cwd=tmp_path)
    assert bad.returncode != 0 and bad.stderr.startswith("error: FG2 has no speaker 'SPEAKER_09'")
    bad = run_qualcode("speakers", "FG2", "--rename", "SPEAKER_00", cwd=tmp_path)
    assert bad.returncode != 0 and "write OLD=NEW" in bad.stderr


def test_media_links_a_recording(tmp_path):
    (tmp_path / "FG2.vtt").write_bytes((FIXTURES / "teams.vtt").read_bytes())
    (tmp_path / "audio.m4a").write_bytes(b"\x00" * 16)
    assert run_qualcode("import", "FG2.vtt", cwd=tmp_path, env={"QUALCODE_LEMMAS": "0"}).returncode == 0
    missing = run_qualcode("media", "FG2", "nope.m4a", cwd=tmp_path)
    assert missing.returncode != 0 and "nope.m4a" in missing.stderr
    r = run_qualcode("media", "FG2", "audio.m4a", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    shown = json.loads(run_qualcode("media", "FG2", "--json", cwd=tmp_path).stdout)
    assert shown == {"transcript": "FG2", "path": str((tmp_path / "audio.m4a").resolve())}
    assert json.loads(run_qualcode("transcripts", "--json", cwd=tmp_path).stdout)[0]["media"] == shown["path"]


def write_stub_player(folder: Path, name: str, record: Path) -> None:
    """A stand-in for mpv/ffplay: records its arguments, then waits to be stopped."""
    script = folder / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\nexec sleep 30\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_player_runs_mpv_from_the_line_and_stops(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "args.txt"
    write_stub_player(bin_dir, "mpv", record)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "a.m4a").write_bytes(b"x")
    player = media.Player()
    player.play(str(tmp_path / "a.m4a"), 7.5, 12.0)
    for _ in range(100):
        if record.exists() and record.read_text():
            break
        time.sleep(0.05)
    assert record.read_text().splitlines() == [
        "--no-video",
        "--really-quiet",
        "--start=7.500",
        "--end=12.000",
        str(tmp_path / "a.m4a"),
    ]
    assert player.playing and player.stop() and not player.playing


def test_no_player_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "a.m4a").write_bytes(b"x")
    try:
        media.Player().play(str(tmp_path / "a.m4a"), 1.0)
    except Exception as e:
        assert "install mpv or ffplay" in str(e)
    else:
        raise AssertionError("no error without a player")
    assert media.command("/usr/bin/ffplay", "a.m4a", 1.0, 3.5) == [
        "/usr/bin/ffplay",
        "-nodisp",
        "-autoexit",
        "-loglevel",
        "quiet",
        "-ss",
        "1.000",
        "-t",
        "2.500",
        "a.m4a",
    ]
