"""LibreOffice opens and converts our Word exports; the pages look right (optional: skipped without LibreOffice).

Install on Debian/Ubuntu with ``apt-get install -y --no-install-recommends libreoffice-writer``
(about 55 packages, 290 MB; 22 s on the development machine). The margin check renders the
PDF with ``pdftoppm`` (poppler-utils) and is skipped without it.

What is checked: the default report (with appendix) and a report on a minimal template
(Letter, 3 cm side margins, no Quote/Caption/Table Grid styles) convert; the page count is
sane; the page size is the document's; and no table or figure reaches into the side margins —
every rendered page is blank outside the text block the document defines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_docx import build_project, run_cli

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice not installed (apt-get install libreoffice-writer)"
)


def convert_to_pdf(docx: Path, outdir: Path) -> subprocess.CompletedProcess:
    # A private profile folder: parallel or leftover soffice processes cannot block this one.
    profile = (outdir / "lo-profile").as_uri()
    return subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


def pdf_of(docx: Path, outdir: Path) -> bytes:
    result = convert_to_pdf(docx, outdir)
    pdf = outdir / f"{docx.stem}.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file(), f"no PDF: {result.stdout} {result.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    return data


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def page_size_pt(data: bytes) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return float(box.group(3)) - float(box.group(1)), float(box.group(4)) - float(box.group(2))


def ink_in_side_margins(pdf: Path, left_cm: float, right_cm: float, dpi: int = 50) -> list[str]:
    """Pages (1-based) with anything drawn left of the left margin or right of the right margin."""
    from PIL import Image

    prefix = pdf.with_suffix("")
    subprocess.run([PDFTOPPM, "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=180)
    slack = 3  # pixels: anti-aliasing of a border drawn exactly on the margin
    bad = []
    for png in sorted(pdf.parent.glob(f"{prefix.name}-*.png")):
        image = Image.open(png).convert("L")
        width, height = image.size
        left = int(left_cm / 2.54 * dpi) - slack
        right = width - int(right_cm / 2.54 * dpi) + slack
        for box in ((0, 0, max(left, 1), height), (min(right, width - 1), 0, width, height)):
            if image.crop(box).getextrema()[0] < 160:  # something darker than light grey
                bad.append(png.name)
                break
    return bad


def minimal_template(path: Path) -> Path:
    from docx import Document
    from docx.shared import Cm, Inches

    template = Document()
    for name in ("Quote", "Quote Char", "Caption", "Table Grid"):
        element = template.styles[name].element
        element.getparent().remove(element)
    section = template.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Cm(3)
    template.save(path)
    return path


def test_default_report_with_appendix_converts_and_fits_the_page(tmp_path):
    project_file = build_project(tmp_path / "project.db")
    report = tmp_path / "rapport.docx"
    assert (
        run_cli(project_file, "export", "docx", report, "--coder", "anna", "--appendix", "--layout", "both").exit_code
        == 0
    )
    data = pdf_of(report, tmp_path)
    assert page_size_pt(data) == pytest.approx((595.3, 841.9), abs=0.5)  # A4
    pages = page_count(data)
    assert 12 <= pages <= 40, pages  # title, method, results, codebook, chart, quote table, two transcripts
    if PDFTOPPM:
        assert ink_in_side_margins(tmp_path / "rapport.pdf", 2.5, 2.5) == []


def test_report_on_a_minimal_template_converts_and_fits_its_page(tmp_path):
    project_file = build_project(tmp_path / "project.db")
    template = minimal_template(tmp_path / "minimal.docx")
    report = tmp_path / "huisstijl.docx"
    result = run_cli(
        project_file, "export", "docx", report, "--coder", "anna", "--template", template, "--layout", "both"
    )
    assert result.exit_code == 0
    data = pdf_of(report, tmp_path)
    assert page_size_pt(data) == pytest.approx((612, 792), abs=0.5)  # the template's Letter page
    pages = page_count(data)
    assert 4 <= pages <= 15, pages
    if PDFTOPPM:
        assert ink_in_side_margins(tmp_path / "huisstijl.pdf", 3.0, 3.0) == []


def test_numbered_transcript_converts(tmp_path):
    project_file = build_project(tmp_path / "project.db")
    transcript = tmp_path / "FG2.docx"
    assert run_cli(project_file, "export", "transcript", "FG2", transcript).exit_code == 0
    data = pdf_of(transcript, tmp_path)
    assert page_count(data) >= 5  # the whole transcript came out, not one page
    if PDFTOPPM:
        assert ink_in_side_margins(tmp_path / "FG2.pdf", 2.5, 2.5) == []
