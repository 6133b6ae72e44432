"""Analysis: who said what — participants and their attributes, crosstabs, co-occurrence, drill-down.

* :mod:`qualcode.analysis.participants` — participants per transcript (speaker labels are
  local to their transcript), their attributes and the non-participant flag; transcript
  attributes; loading them from CSV (validated, all or nothing, one undoable event).
* :mod:`qualcode.analysis.coded` — the one SQL pass over codings and lines, expanded with
  numpy into coded lines with their speaker and turn (shared by the tables below).
* :mod:`qualcode.analysis.crosstab` — codes × groups (speaker, transcript, an attribute),
  counting codings, coded lines or distinct speakers; theme subtotals; chi-squared.
* :mod:`qualcode.analysis.cooccurrence` — code × code counts of same-coder codings that
  overlap (or share a turn), optionally Jaccard.

This layer sits beside ``agreement`` and ``language``: it may import ``coding``, ``corpus``
and ``store``, never ``cli``, ``tui`` or ``report``.
"""
