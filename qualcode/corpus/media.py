"""Recordings linked to transcripts, and playing a passage through ``mpv`` or ``ffplay``.

``link(project, "FG2", "audio.m4a", coder)`` stores the recording's absolute path (one
undoable action). :class:`Player` starts the first player found on PATH as a
subprocess at a line's start time (stopping at its end time when known) and stops it
on request; nothing here knows about the workbench.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from qualcode.corpus import transcripts
from qualcode.errors import InputError, NotFoundError
from qualcode.store.project import Project, now

PLAYERS = ("mpv", "ffplay")


def link(project: Project, name: str, media: str | Path, coder: str) -> dict:
    """Link a recording to transcript ``name`` (replacing an earlier link); returns ``{transcript, path}``."""
    t = transcripts.get(project, name)
    path = Path(media).expanduser()
    if not path.is_file():
        raise InputError("no such recording (link an existing audio or video file)", path=media)
    resolved = str(path.resolve())
    with project.transaction("media", coder, f"link {t.name} to {path.name}") as tx:
        if tx.fetch("media", {"transcript_id": t.id}) is None:
            tx.insert(
                "media",
                {"transcript_id": t.id, "path": resolved, "linked_at": now(), "coder": coder},
                pk="transcript_id",
            )
        else:
            tx.update("media", {"transcript_id": t.id}, {"path": resolved, "linked_at": now(), "coder": coder})
    return {"transcript": t.name, "path": resolved}


def path_of(project: Project, transcript_id: int) -> str | None:
    return project.scalar("SELECT path FROM media WHERE transcript_id = ?", (transcript_id,))


def find_player() -> str | None:
    """The first of ``mpv``, ``ffplay`` on PATH (its full path), or None."""
    for name in PLAYERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def command(player: str, media: str, start: float, end: float | None) -> list[str]:
    """The argument list that plays ``media`` from ``start`` (to ``end``) without a window."""
    if Path(player).name.startswith("ffplay"):
        args = [player, "-nodisp", "-autoexit", "-loglevel", "quiet", "-ss", f"{start:.3f}"]
        if end is not None and end > start:
            args += ["-t", f"{end - start:.3f}"]
        return [*args, media]
    args = [player, "--no-video", "--really-quiet", f"--start={start:.3f}"]
    if end is not None and end > start:
        args.append(f"--end={end:.3f}")
    return [*args, media]


class Player:
    """One playback at a time: :meth:`play` stops what was playing and starts the new passage."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    @property
    def playing(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def play(self, media: str, start: float, end: float | None = None) -> list[str]:
        """Start playing; returns the command. Raises NotFoundError when neither mpv nor ffplay is installed."""
        self.stop()
        player = find_player()
        if player is None:
            raise NotFoundError("no audio player found: install mpv or ffplay (FFmpeg) to listen to lines")
        if not Path(media).is_file():
            raise NotFoundError(f"the linked recording is missing: {media}")
        args = command(player, media, start, end)
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=os.name == "posix",
        )
        return args

    def stop(self) -> bool:
        """Stop the playback if one runs; True when something was stopped."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return False
        process.terminate()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=2)
        return True
