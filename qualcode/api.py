"""The Python API: what the CLI does, for a script or a notebook.

    import qualcode

    with qualcode.open("qualcode.db", coder="anna") as p:
        p.code("FG2", "57-64", "samenwerking")
        for q in p.quotes(code="samenwerking"):
            print(q.citation, q.text)

Every method is one core function (the CLI calls the same ones), every change is
one transaction and one undoable event by :attr:`Project.coder`, and expected
failures raise :class:`qualcode.QualcodeError` subclasses with a one-line message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from qualcode.model import Code, Coding, Quote, Range
from qualcode.store.project import Project as Store

if TYPE_CHECKING:
    from qualcode.agreement.results import AgreementReport
    from qualcode.coding.batch import BatchResult
    from qualcode.corpus.transcripts import TranscriptRow
    from qualcode.exports import ExportOutcome


def default_coder() -> str:
    """``QUALCODE_CODER``, else the login name (as the CLI does)."""
    import getpass

    try:
        return os.environ.get("QUALCODE_CODER") or getpass.getuser() or "coder"
    except Exception:  # no user name in this environment (containers)
        return os.environ.get("USER") or "coder"


class Project:
    """An open qualcode project file, acting as one coder. Close it (or use ``with``) when done."""

    def __init__(self, store: Store, coder: str | None = None) -> None:
        self.store = store
        self.coder = coder or default_coder()

    # ------------------------------------------------------------ lifecycle
    @property
    def path(self) -> Path:
        """The project file."""
        return self.store.path

    def close(self) -> None:
        """Close the project file (idempotent)."""
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------ corpus and codebook
    def import_transcripts(
        self, *files: str | os.PathLike[str], names: Sequence[str] | None = None, wrap: int = 80
    ) -> list[str]:
        """Import transcript files, all or nothing; returns the new transcripts' names."""
        from qualcode.corpus import transcripts

        parsed = transcripts.import_files(self.store, [Path(f) for f in files], self.coder, names=names, wrap=wrap)
        return [p.name for p in parsed]

    def transcripts(self) -> list[TranscriptRow]:
        """Every transcript, in import order."""
        from qualcode.corpus import transcripts

        return transcripts.all_rows(self.store)

    def load_codebook(self, path: str | os.PathLike[str], *, force: bool = False) -> dict[str, Any]:
        """Load a YAML codebook (``force``: allow removing codes that have codings); returns what changed."""
        from qualcode.coding import codebook

        return codebook.load(self.store, Path(path), self.coder, force=force)

    def codes(self) -> list[Code]:
        """Every code of the codebook, in codebook order."""
        from qualcode.coding import codebook

        return codebook.all_codes(self.store)

    # ------------------------------------------------------------ coding
    def code(self, transcript: str, ranges: str | Sequence[Range], code: str, *, memo: str = "") -> Coding:
        """Code lines, e.g. ``p.code("FG1", "110-113,123-125", "werkwijze")`` (one quote from two ranges)."""
        from qualcode.coding import codings

        return codings.apply(self.store, transcript, ranges, code, self.coder, memo)

    def code_many(self, rows: Iterable[Mapping[str, Any]]) -> BatchResult:
        """Apply many codings at once (keys ``transcript, ranges, code`` and optional ``coder, memo``).

        Every row is checked first; a bad row raises :class:`qualcode.InputError` naming it
        (``<rows>:3: unknown code …``) and nothing is written. One transaction, one undo step.
        """
        from qualcode.coding import batch

        return batch.code_many(self.store, rows, self.coder)

    def uncode(self, transcript: str, ranges: str | Sequence[Range], code: str) -> Coding:
        """Remove this coder's coding with exactly these ranges and this code."""
        from qualcode.coding import codings

        return codings.remove(self.store, transcript, ranges, code, self.coder)

    def done(self, transcript: str, done: bool = True) -> bool:
        """Mark a transcript finished (or not) for this coder; only finished transcripts count in agreement."""
        from qualcode.coding import codings

        return codings.mark_done(self.store, transcript, self.coder, done)

    def undo(self) -> dict[str, Any]:
        """Undo this coder's last action (never anyone else's)."""
        from qualcode.store import history

        return history.undo(self.store, self.coder)

    def redo(self) -> dict[str, Any]:
        """Redo this coder's last undone action."""
        from qualcode.store import history

        return history.redo(self.store, self.coder)

    # ------------------------------------------------------------ reading
    def codings(
        self, *, coder: str | Iterable[str] | None = None, code: str | None = None, transcript: str | None = None
    ) -> list[Coding]:
        """Codings in transcript and line order; filters are exact names (``None``: all)."""
        from qualcode.coding import codings

        return codings.list_codings(self.store, coder=coder, code=code, transcript=transcript)

    def quotes(
        self, *, coder: str | Iterable[str] | None = None, code: str | None = None, transcript: str | None = None
    ) -> list[Quote]:
        """The codings as quotes: text and citation, e.g. ``(FG2; 57-64)``."""
        from qualcode.coding import quotes

        rows = quotes.iter_quote_rows(self.store, self.codings(coder=coder, code=code, transcript=transcript))
        return [Quote.from_row(r) for r in rows]

    def agreement(
        self,
        *,
        coders: Sequence[str] | None = None,
        code: str | None = None,
        transcripts: Sequence[str] | None = None,
        resamples: int | None = None,
        seed: int | None = None,
    ) -> AgreementReport:
        """Inter-coder agreement per code (unit: the line), as ``qualcode agreement`` reports it."""
        from qualcode.agreement import units
        from qualcode.agreement.results import DEFAULT_RESAMPLES

        _, _, report = units.compute_report(
            self.store,
            coders=coders,
            code=code,
            transcript_names=transcripts,
            resamples=DEFAULT_RESAMPLES if resamples is None else resamples,
            seed=seed,
        )
        return report

    # ------------------------------------------------------------ exports
    def export(self, kind: str, out: str | os.PathLike[str], **options: Any) -> ExportOutcome:
        """Any export, as ``qualcode export KIND OUT``: docx, quotes, transcript, agreement, qdpx or qdc.

        ``options`` are :class:`qualcode.exports.ExportJob` fields (``coder``, ``codes``, ``lang``,
        ``template``, ``layout``, ``transcript`` …); Word report options that are not fields
        (``picked``, ``chart``, ``inline_under`` …) go to the report. The outcome carries the path,
        a summary, the warnings and the privacy warning for open audit findings in what went out.
        """
        from dataclasses import fields

        from qualcode.exports import ExportJob, run

        names = {f.name for f in fields(ExportJob)}
        report = {k: options.pop(k) for k in list(options) if k not in names}
        job = ExportJob(kind, Path(out), self.coder, **options, report=report)
        return run(self.store, job)

    def export_docx(self, out: str | os.PathLike[str], **options: Any) -> ExportOutcome:
        """The Word report (themes, quotes with citations); ``options`` as ``qualcode export docx``."""
        return self.export("docx", out, **options)

    def export_quotes(self, out: str | os.PathLike[str], **options: Any) -> ExportOutcome:
        """One row per quote, to ``.xlsx`` or ``.csv``."""
        return self.export("quotes", out, **options)

    def export_qdpx(self, out: str | os.PathLike[str]) -> ExportOutcome:
        """The whole project as a REFI-QDA ``.qdpx`` archive (ATLAS.ti, MAXQDA, NVivo, QualCoder)."""
        return self.export("qdpx", out)


def open(path: str | os.PathLike[str], *, coder: str | None = None, readonly: bool = False) -> Project:
    """Open an existing project file as ``coder`` (default ``QUALCODE_CODER`` or the login name)."""
    return Project(Store.open(path, readonly=readonly), coder)


def create(
    path: str | os.PathLike[str], *, codebook: str | os.PathLike[str] | None = None, coder: str | None = None
) -> Project:
    """Create a new project file (refuses to overwrite one), optionally with a YAML codebook loaded."""
    who = coder or default_coder()
    setup = None
    if codebook is not None:
        from qualcode.coding import codebook as codebook_mod

        def setup(store: Store) -> None:
            codebook_mod.load(store, Path(codebook), who)

    return Project(Store.create(path, setup=setup), who)
