"""The inter-coder agreement report as a Word document.

Contents: a method paragraph (unit, coders, transcripts, share of the corpus
double-coded, the statistics used with references), the per-code table (with
"overall"), notes on undefined figures, and per code every disagreement with its
citation, who coded which lines, speakers, memos and the quoted text.

The document is written to a temporary file in the target folder and renamed
into place, so an interrupted export never leaves a half-written file.
python-docx is imported inside the functions (the CLI imports this lazily too).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from qualcode.agreement.stats import AgreementReport, CodeAgreement
from qualcode.errors import InputError
from qualcode.ranges import format_ranges
from qualcode.store.project import Project

REFERENCES = [
    "Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of Clinical Epidemiology, "
    "46(5), 423–429.",
    "Cicchetti, D. V., & Feinstein, A. R. (1990). High agreement but low kappa: II. Resolving the paradoxes. "
    "Journal of Clinical Epidemiology, 43(6), 551–558.",
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, "
    "20(1), 37–46.",
    "Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their application. Cambridge University Press.",
    "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high agreement. "
    "British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.",
    "Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.). Sage.",
    "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for Communication, "
    "University of Pennsylvania.",
    "Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for categorical data. Biometrics, "
    "33(1), 159–174.",
]


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def method_text(report: AgreementReport, cov: dict) -> str:
    coders = report.coders
    share = cov["share_double_coded"]
    two = len(coders) == 2
    stats = (
        "For each code we report the counts a (both coders applied the code), b and c (only one did) and d "
        "(neither), each coder's prevalence, percent agreement, positive agreement 2a/(2a+b+c) and negative "
        "agreement 2d/(2d+b+c) (Cicchetti & Feinstein, 1990), Cohen's kappa (Cohen, 1960), "
        if two
        else "For each code we report each coder's prevalence, percent agreement over all coder pairs, positive and "
        "negative specific agreement, Cohen's kappa for every pair of coders (Cohen, 1960), "
    )
    stats += (
        "Krippendorff's alpha for nominal data (Krippendorff, 2011), and as prevalence-robust companions Gwet's AC1 "
        "(Gwet, 2008) and the prevalence- and bias-adjusted kappa PABAK (Byrt, Bishop & Carlin, 1993). "
        "Alpha of at least .800 counts as reliable and at least .667 as acceptable for tentative conclusions "
        "(Krippendorff, 2004); kappa is labelled after Landis and Koch (1977). "
    )
    if report.resamples > 0:
        stats += (
            f"95% confidence intervals are percentile bootstrap intervals from {report.resamples} resamples of "
            f"whole transcripts, because lines within a transcript are not independent (Davison & Hinkley, 1997; "
            f"seed {report.seed}). "
        )
    stats += (
        "Figures that are undefined (for instance when no coder used a code) are shown as – with the "
        "reason in the notes. The row “overall” pools the line units of all codes."
    )
    return (
        f"Unit of analysis. The unit is the transcript line: for every code, coder and non-blank line the value "
        f"is 1 when the coder applied the code to the line, 0 when the coder marked the transcript as finished "
        f"and did not apply it, and missing when the coder had not finished the transcript. Coders: "
        f"{', '.join(coders)}. Transcripts: {', '.join(report.transcripts) or 'none'}. "
        f"{cov['transcripts_double_coded']} of {cov['transcripts_total']} transcripts "
        f"({cov['lines_double_coded']} of {cov['lines_total']} non-blank lines, {_pct(share)} of the corpus) were "
        f"coded independently by at least two coders. Lines of all transcripts were pooled per code. " + stats
    )


def _row(ca: CodeAgreement, two: bool) -> list[str]:
    cells = [ca.code, str(ca.n_units)]
    if two:
        cells += [str(v) for v in ca.counts]
        cells += [ca.kappa.format(), ca.kappa_ci.format()]
    else:
        cells += ["; ".join(f"{k} {v.format()}" for k, v in ca.pairwise_kappa.items())]
    cells += [
        ca.alpha.format(),
        ca.alpha_ci.format(),
        ca.ac1.format(),
        ca.pabak.format(),
        ca.percent_agreement.format(),
        ca.positive_agreement.format(),
        ca.negative_agreement.format(),
    ]
    return cells


def build_document(report: AgreementReport, cov: dict, disagreements: dict[str, list], title: str):
    """A python-docx Document for the report (not saved)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(title, level=1)
    doc.add_heading("Method", level=2)
    doc.add_paragraph(method_text(report, cov))

    doc.add_heading("Agreement per code", level=2)
    two = len(report.coders) == 2
    header = (
        ["Code", "Lines"]
        + (["a", "b", "c", "d", "κ", "κ 95% CI"] if two else ["Pairwise κ"])
        + ["α", "α 95% CI", "AC1", "PABAK", "% agree", "Pos.", "Neg."]
    )
    rows = [_row(ca, two) for ca in report.codes.values()] + [_row(report.overall, two)]
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for j, h in enumerate(header):
        table.cell(0, j).text = h
    for i, cells in enumerate(rows, 1):
        for j, v in enumerate(cells):
            table.cell(i, j).text = v
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(8)

    notes = [f"{ca.code}: {n}" for ca in list(report.codes.values()) + [report.overall] for n in ca.notes]
    if notes:
        doc.add_heading("Notes", level=3)
        for n in notes:
            doc.add_paragraph(n, style="List Bullet")

    doc.add_heading("Disagreements", level=2)
    for code, items in disagreements.items():
        doc.add_heading(code, level=3)
        if not items:
            doc.add_paragraph("No disagreements.")
            continue
        for k, d in enumerate(items, 1):
            p = doc.add_paragraph()
            p.add_run(f"{k}. {d.citation}").bold = True
            if d.speakers:
                p.add_run(f" — {', '.join(d.speakers)}")
            parts = "; ".join(f"{format_ranges(pt.ranges)}: {pt.label}" for pt in d.parts)
            doc.add_paragraph(parts)
            for coder, cs in d.codings.items():
                for c in cs:
                    if c.memo:
                        doc.add_paragraph(f"Memo {coder} ({format_ranges(c.ranges)}): {c.memo}")
            if d.consensus:
                doc.add_paragraph("Consensus: " + ", ".join(format_ranges(c.ranges) for c in d.consensus))
            quote = doc.add_paragraph(f"“{d.text}” {d.citation}")
            quote.runs[0].italic = True

    doc.add_heading("References", level=2)
    for ref in REFERENCES:
        doc.add_paragraph(ref)
    return doc


def write_report(
    project: Project,
    out: str | os.PathLike,
    *,
    coders: str | Sequence[str] | None = None,
    transcript_names: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int | None = None,
) -> Path:
    """Compute everything and write the report to ``out`` (a .docx) atomically; return the path."""
    from qualcode.agreement import units as agreement_data

    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError("the agreement report is a Word file; give a name ending in .docx", path=out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist", path=out)
    names = agreement_data.parse_coders(coders)
    scope, _, report = agreement_data.compute_report(
        project, coders=names, transcript_names=transcript_names, resamples=resamples, seed=seed
    )
    cov = agreement_data.coverage(project, scope)
    dis = {
        code: agreement_data.disagreements(project, code, coders=scope.coders, transcript_names=transcript_names)
        for code in report.codes
    }
    doc = build_document(report, cov, dis, "Inter-coder agreement")
    from qualcode.store.files import atomic_path

    with atomic_path(out) as tmp:
        doc.save(tmp)
    return out
