"""Issue 11, class 18: hostile .qdpx/.qdc files give one line (or a reported fallback), never MemoryError/RecursionError.

Found: a marker like ``qualcode:lines=1-2000000000`` gave MemoryError (the line
numbers were expanded before they were counted); ``<Code>`` nested 3,000 deep
gave RecursionError.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from core_helpers import run_qualcode

from qualcode.archives import MAX_XML_DEPTH, parse_xml
from qualcode.errors import InputError
from qualcode.exchange.refi_read import MAX_CODE_DEPTH


def exported_qdpx(project_path: Path, out: Path) -> Path:
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.store.project import Project

    with Project.open(project_path, readonly=True) as project:
        export_qdpx(project, out)
    return out


def rewrite_qde(source: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".qde"):
                data = edit(data)
            dst.writestr(item, data)
    return out


def test_a_huge_line_marker_is_counted_not_expanded_and_reported(tmp_path, project_path):
    plain = exported_qdpx(project_path, tmp_path / "plain.qdpx")
    count = 0

    def edit(data: bytes) -> bytes:
        nonlocal count
        # a legacy line-number marker in the first source's description, with a hostile range
        marker = b"<Description>qualcode:lines=1-2000000000</Description>"
        data, count = re.subn(rb"(<TextSource [^>]*?)\s*/>", rb"\1>" + marker + b"</TextSource>", data, count=1)
        if not count:
            data, count = re.subn(rb"(<TextSource [^>]*>)", rb"\1" + marker, data, count=1)
        return data

    hostile = rewrite_qde(plain, tmp_path / "marker.qdpx", edit)
    assert count >= 1
    work = tmp_path / "work"
    work.mkdir()
    result = run_qualcode("import", str(hostile), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert "line-number marker does not fit" in result.stdout  # said, not silently ignored


def test_codes_nested_3000_deep_are_refused_in_one_line(tmp_path, project_path):
    plain = exported_qdpx(project_path, tmp_path / "plain.qdpx")
    guid = "{:08X}-0000-4000-8000-000000000000"
    nested = "".join(f'<Code guid="{guid.format(i)}" name="c{i}" isCodable="true">' for i in range(3000))
    nested += "</Code>" * 3000

    def edit(data: bytes) -> bytes:
        return re.sub(rb"<Codes>", b"<Codes>" + nested.encode(), data, count=1)

    hostile = rewrite_qde(plain, tmp_path / "deep.qdpx", edit)
    before = project_path.read_bytes()
    result = run_qualcode("--project", str(project_path), "import", str(hostile), cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "deep.qdpx" in result.stderr
    assert f"nested more than {MAX_XML_DEPTH} elements deep" in result.stderr
    assert project_path.read_bytes() == before


def test_codes_nested_deeper_than_the_code_limit_but_within_xml_limit_are_refused(tmp_path):
    depth = MAX_CODE_DEPTH + 5
    guid = "{:08X}-0000-4000-8000-000000000000"
    xml = (
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + "".join(f'<Code guid="{guid.format(i)}" name="c{i}" isCodable="true">' for i in range(depth))
        + "</Code>" * depth
        + "</Codes></CodeBook>"
    )
    path = tmp_path / "deep.qdc"
    path.write_text(xml, encoding="utf-8")
    result = run_qualcode("import", str(path), cwd=tmp_path)
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert f"nested more than {MAX_CODE_DEPTH} levels deep" in result.stderr and "deep.qdc" in result.stderr


def test_parse_xml_measures_depth_without_recursion():
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(InputError, match="nested more than"):
        parse_xml(deep, path="deep.xml")
