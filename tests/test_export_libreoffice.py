"""LibreOffice opens and converts our Word exports (optional: skipped where LibreOffice is not installed).

Install on Debian/Ubuntu with ``apt-get install -y --no-install-recommends libreoffice-writer``
(about 55 packages, 290 MB; 22 s on the development machine).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_docx import build_project, run_cli

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

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


def test_report_with_appendix_converts_to_pdf(tmp_path):
    project_file = build_project(tmp_path / "project.db")
    report = tmp_path / "rapport.docx"
    assert run_cli(project_file, "export", "docx", report, "--coder", "anna", "--appendix").exit_code == 0
    transcript = tmp_path / "FG2.docx"
    assert run_cli(project_file, "export", "transcript", "FG2", transcript).exit_code == 0
    for docx in (report, transcript):
        result = convert_to_pdf(docx, tmp_path)
        pdf = tmp_path / f"{docx.stem}.pdf"
        assert result.returncode == 0, result.stderr
        assert pdf.is_file(), f"no PDF: {result.stdout} {result.stderr}"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 10_000
        pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
        assert pages >= (10 if docx == report else 5), pages  # the whole document came out, not one page
