"""REFI-QDA exchange: exports validate against the XSDs, offsets are code points, GUIDs are stable,
a project survives export → import, and files written by other tools import liberally."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding import codebook, codings, memos
from qualcode.corpus import transcripts
from qualcode.corpus.ingest import parse_text
from qualcode.exchange import refi_write as refi
from qualcode.exchange.refi_load import import_file
from qualcode.store.project import Project

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"
if not SCHEMAS.is_dir():
    SCHEMAS = Path("/work/shared/refi-qda")
FIXTURES = Path(__file__).parent / "fixtures" / "refi"
NS = "{urn:QDA-XML:project:1.0}"

FG_TEXT = (
    "M: Welkom allemaal, fijn dat jullie er zijn.\n"
    "R1: Ik werk één dag per week op het wijkteam 😀 en dat is te weinig.\n"
    "R2: Dat herken ik, ’t is echt krap.\n"
    "\n"
    "M: Hoe gaat de samenwerking met school?\n"
    "R1: Wisselend 😀😀, soms goed en soms niet.\n"
    "R3: Met [NAAM SCHOOL] gaat het prima.\n"
    "R2: Daar ben ik het mee eens.\n"
)
FG2_TEXT = "M: Tweede groep.\nR1: Korte tekst over zorgregie.\nR2: Nog één regel.\n"
CODEBOOK = """
codes:
  - name: werkwijze
    hotkey: 1
    colour: "#1f77b4"
    definition: Hoe professionals werken.
    include: Huisbezoeken en intake.
    exclude: Samenwerking met partners.
    example: "Ik ga eerst op huisbezoek."
    children:
      - name: methodiek
        colour: "#17BECF"
  - name: samenwerking
    hotkey: 2
    colour: "#2CA02C"
    memo: Thema over partners — één samenvatting.
"""


@pytest.fixture(scope="module")
def project_xsd():
    return xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd"))


@pytest.fixture(scope="module")
def codebook_xsd():
    return xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))


def make_project(path: Path) -> Project:
    """Two coders, a multi-range quote, memos of every kind, and non-ASCII text (één, ’, 😀)."""
    p = Project.create(path)
    transcripts.import_parsed(
        p,
        [parse_text(FG_TEXT, name="FG1", source="FG1.txt"), parse_text(FG2_TEXT, name="FG2", source="FG2.txt")],
        "anna",
    )
    cb = path.parent / "codebook.yaml"
    cb.write_text(CODEBOOK, encoding="utf-8")
    codebook.load(p, cb, "anna")
    codings.apply(p, "FG1", "2-3", "werkwijze", "anna", memo="Tijdsdruk, ’n kernpunt 😀")
    codings.apply(p, "FG1", "2,5-6", "samenwerking", "anna")  # one quote from two ranges
    codings.apply(p, "FG1", "2-3", "werkwijze", "bram")
    codings.apply(p, "FG1", "6-8", "methodiek", "bram")
    codings.apply(p, "FG2", "2", "samenwerking", "bram")
    memos.set(p, "project", None, "Projectmemo: één analyse 😀", "anna")
    memos.set(p, "transcript", "FG1", "Rumoerige groep.", "bram")
    return p


def snapshot(p: Project) -> dict:
    """Everything a round trip must keep, keyed by names (ids may differ)."""
    parents = {c.id: c.name for c in codebook.all_codes(p)}
    return {
        "transcripts": sorted((t.name, t.sha256, t.line_count, t.guid) for t in transcripts.all_rows(p)),
        "lines": sorted(
            (t.name, ln["n"], ln["raw"], ln["speaker"])
            for t in transcripts.all_rows(p)
            for ln in transcripts.lines(p, t.id)
        ),
        "codes": sorted(
            (c.name, parents.get(c.parent_id), c.colour, c.definition, c.include, c.exclude, c.example, c.guid)
            for c in codebook.all_codes(p)
        ),
        "codings": sorted(
            (c.transcript, c.code, c.coder, c.ranges, c.memo, c.guid, c.created_at) for c in codings.list_codings(p)
        ),
        "coders": codings.coders(p),
        "memos": sorted(
            (m["scope"], parents.get(m["code_id"]), m["text"], m["coder"]) for m in p.query("SELECT * FROM memos")
        ),
    }


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("project.qde")


# ------------------------------------------------------------------ export
def test_qdpx_and_qdc_validate_against_the_schemas(tmp_path, project_xsd, codebook_xsd):
    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    refi.export_qdc(p, tmp_path / "out.qdc")
    project_xsd.validate(io.BytesIO(qde_of(tmp_path / "out.qdpx")))
    codebook_xsd.validate(str(tmp_path / "out.qdc"))
    with zipfile.ZipFile(tmp_path / "out.qdpx") as z:
        names = sorted(z.namelist())
    guids = sorted(t.guid for t in transcripts.all_rows(p))
    assert names == ["project.qde"] + [f"sources/{g}.txt" for g in guids]


def test_empty_project_omits_empty_containers_and_still_validates(tmp_path, project_xsd):
    p = Project.create(tmp_path / "empty.db")
    refi.export_qdpx(p, tmp_path / "empty.qdpx")
    xml = qde_of(tmp_path / "empty.qdpx")
    project_xsd.validate(io.BytesIO(xml))
    for tag in (b"<Codes", b"<Users", b"<Notes", b"<Sources", b"<Sets", b"<CodeBook"):
        assert tag not in xml


def test_qdc_of_a_project_without_codes_is_refused_and_nothing_written(tmp_path):
    from qualcode.errors import InputError

    p = Project.create(tmp_path / "empty.db")
    with pytest.raises(InputError, match="no codes"):
        refi.export_qdc(p, tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists() and not list(tmp_path.glob(".x.qdc*"))


def test_sources_are_utf8_lf_no_bom_and_positions_count_code_points(tmp_path):
    from xml.etree import ElementTree as ET

    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    t = transcripts.get(p, "FG1")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as z:
        data = z.read(f"sources/{t.guid}.txt")
        root = ET.fromstring(z.read("project.qde"))
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    text = data.decode("utf-8")
    raws = [ln["raw"] for ln in transcripts.lines(p, t.id)]
    assert text == "\n".join(raws)
    src = next(s for s in root.iter(f"{NS}TextSource") if s.get("guid") == t.guid)
    assert src.get("plainTextPath") == f"internal://{t.guid}.txt"
    sels = src.findall(f"{NS}PlainTextSelection")
    by_name: dict[str, list[str]] = {}
    for s in sels:
        start, end = int(s.get("startPosition")), int(s.get("endPosition"))
        by_name.setdefault(s.get("name"), []).append(text[start:end])
    # line 2 holds an emoji outside the BMP: UTF-16 offsets would cut one character too early
    assert by_name["(FG1; 2-3)"] == ["\n".join(raws[1:3])] * 2
    # the multi-range quote: one selection per range, both named with the quote's citation and its GUID
    multi = next(c for c in codings.list_codings(p) if len(c.ranges) == 2)
    shared = f"(FG1; 2; 5-6) [{multi.guid.replace('-', '')[:8]}]"
    assert by_name[shared] == [raws[1], "\n".join(raws[4:6])]
    # no internal marker anywhere a user would read it
    assert b"qualcode:" not in qde_of(tmp_path / "out.qdpx")
    assert by_name["(FG1; 6-8)"] == ["\n".join(raws[5:8])]
    second_emoji_line = text.index("R1: Wisselend")
    sel = next(s for s in sels if s.get("name") == "(FG1; 6-8)")
    assert int(sel.get("startPosition")) == second_emoji_line


def test_exporting_twice_gives_the_same_guids(tmp_path):
    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "a.qdpx")
    refi.export_qdpx(p, tmp_path / "b.qdpx")
    assert qde_of(tmp_path / "a.qdpx") == qde_of(tmp_path / "b.qdpx")
    xml = qde_of(tmp_path / "a.qdpx").decode()
    for c in codings.list_codings(p):
        assert c.guid in xml
    for c in codebook.all_codes(p):
        assert f'guid="{c.guid}"' in xml


def test_colours_are_rrggbb(tmp_path):
    from xml.etree import ElementTree as ET

    p = make_project(tmp_path / "p.db")
    refi.export_qdc(p, tmp_path / "cb.qdc")
    colours = [c.get("color") for c in ET.parse(tmp_path / "cb.qdc").iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert colours == ["#1F77B4", "#17BECF", "#2CA02C"]


# --------------------------------------------------------------- round trip
def test_round_trip_into_an_empty_project_keeps_everything(tmp_path):
    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    q = Project.create(tmp_path / "q.db")
    report = import_file(q, tmp_path / "out.qdpx", "carl")
    assert report.codings_added == 5 and not report.mid_line and not report.mismatches and not report.skipped
    assert snapshot(q) == snapshot(p)
    ms = [c for c in codings.list_codings(q) if c.code == "samenwerking" and c.transcript == "FG1"]
    assert [c.ranges for c in ms] == [((2, 2), (5, 6))]


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    report = import_file(p, tmp_path / "out.qdpx", "anna")
    assert report.codings_added == 0 and report.codings_identical == 5
    assert report.transcripts_matched == ["FG1", "FG2"] and report.transcripts_added == []
    assert len(codings.list_codings(p)) == 5


def test_numbered_transcript_with_gaps_keeps_its_line_numbers(tmp_path):
    p = Project.create(tmp_path / "p.db")
    text = "10 M: Begin.\n11 R1: Verder.\n12 R2: Nog.\n"
    parsed = parse_text(text, name="FG9", source="FG9.txt")
    assert [ln.n for ln in parsed.lines] == [10, 11, 12]
    transcripts.import_parsed(p, [parsed], "anna")
    codebook.load_file  # noqa: B018 (codebook comes from the qdc below)
    refi.export_qdpx(p, tmp_path / "o.qdpx")
    q = Project.create(tmp_path / "q.db")
    import_file(q, tmp_path / "o.qdpx", "anna")
    assert [ln["n"] for ln in transcripts.lines(q, transcripts.get(q, "FG9").id)] == [10, 11, 12]


def test_qdc_import_matches_codes_by_guid_then_name(tmp_path):
    p = make_project(tmp_path / "p.db")
    refi.export_qdc(p, tmp_path / "cb.qdc")
    q = Project.create(tmp_path / "q.db")
    with q.transaction("setup", "anna", kind="log") as tx:
        tx.insert("codes", {"name": "samenwerking", "guid": "11111111-2222-3333-4444-555555555555", "position": 0})
    report = import_file(q, tmp_path / "cb.qdc", "anna")
    assert report.codes_matched == ["samenwerking"]
    assert sorted(report.codes_added) == ["methodiek", "werkwijze"]
    werk = codebook.get_code(q, "werkwijze")
    assert (werk.definition, werk.include, werk.example) == (
        "Hoe professionals werken.",
        "Huisbezoeken en intake.",
        "Ik ga eerst op huisbezoek.",
    )
    assert codebook.get_code(q, "methodiek").parent_id == werk.id
    again = import_file(q, tmp_path / "cb.qdc", "anna")  # now every code matches by GUID
    assert sorted(again.codes_matched) == ["methodiek", "samenwerking", "werkwijze"] and not again.codes_added


# ------------------------------------------------------- other tools' files
def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    return out


def test_import_hand_written_atlas_style_qdpx(tmp_path):
    qdpx = zip_folder(FIXTURES / "atlas_style", tmp_path / "Focusgroep Wijkteam.qdpx")
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx, "anna")
    assert report.transcripts_added == ["Focusgroep 3"]
    t = transcripts.get(p, "Focusgroep 3")
    raws = [ln["raw"] for ln in transcripts.lines(p, t.id)]
    assert raws[1].startswith("R1: Meestal belt de huisarts") and raws[3] == "" and len(raws) == 7
    found = {(c.code, c.coder, c.ranges) for c in codings.list_codings(p)}
    assert found == {
        ("Huisbezoek", "Sanne", ((2, 2),)),  # starts mid-line: the whole line is coded
        ("Samenwerking", "Sanne", ((3, 5),)),  # CRLF counted as two characters
        ("School", "Piet", ((6, 6),)),  # starts and ends mid-line
        ("Huisbezoek", "Piet", ((7, 7),)),
    }
    assert report.mid_line == 2  # lines 2 and 6
    assert len(report.mismatches) == 1 and "Ik vind het heel anders" in report.mismatches[0]
    assert report.conventions["Focusgroep 3"].startswith("code points, CRLF=2 (selection text: 3 of 4")
    assert dict(report.skipped) == {
        "PDF source": 1,
        "PDF selection": 1,
        "picture source": 1,
        "picture selection": 1,
        "sets": 1,
    }
    werk, huis = codebook.get_code(p, "Werkwijze"), codebook.get_code(p, "Huisbezoek")
    assert huis.parent_id == werk.id and huis.colour == "#FF00AA"
    assert codebook.get_code(p, "School").parent_id == codebook.get_code(p, "Samenwerking").id
    school = next(c for c in codings.list_codings(p) if c.code == "School")
    assert school.memo == "School noemt dit zelf ook ’n knelpunt."
    assert sorted(report.coders) == ["Piet", "Sanne"]
    assert p.scalar("SELECT guid FROM coders WHERE name = 'Sanne'") == "A1B2C3D4-0001-4000-8000-000000000001"
    # exported again, Sanne keeps the GUID the other tool gave her
    refi.export_qdpx(p, tmp_path / "back.qdpx")
    assert b'guid="A1B2C3D4-0001-4000-8000-000000000001" name="Sanne"' in qde_of(tmp_path / "back.qdpx")


def _qdpx(
    tmp_path: Path,
    text_bytes: bytes,
    selections: str,
    name: str = "x.qdpx",
    qde: str = "project.qde",
    folder: str = "sources",
) -> Path:
    g = "0F6A2C31-7B1D-4E55-9C0A-3D2B1E4F5A61"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
  <Users><User guid="A1B2C3D4-0001-4000-8000-000000000001" name="Mo"/></Users>
  <CodeBook><Codes><Code guid="C0DE0000-0001-4000-8000-000000000001" name="code" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{g}" name="S" plainTextPath="internal://{g}.txt">{selections}</TextSource></Sources>
</Project>"""
    out = tmp_path / name
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(qde, xml)
        z.writestr(f"{folder}/{g}.txt", text_bytes)
    return out


def _sel(start: int, end: int, name: str) -> str:
    return (
        f'<PlainTextSelection guid="5E1E0000-0001-4000-8000-00000000000{start % 10}" name="{name}" '
        f'startPosition="{start}" endPosition="{end}" creatingUser="A1B2C3D4-0001-4000-8000-000000000001">'
        f'<Coding guid="C0D10000-0001-4000-8000-00000000000{start % 10}">'
        f'<CodeRef targetGUID="C0DE0000-0001-4000-8000-000000000001"/></Coding></PlainTextSelection>'
    )


def test_crlf_counted_as_one_character_is_recognised_from_the_selection_text(tmp_path):
    text = "Regel een.\r\nRegel twee.\r\nRegel drie.\r\n"
    lf = text.replace("\r\n", "\n")
    start = lf.index("Regel drie")  # a tool that counted CRLF as one character
    qdpx = _qdpx(
        tmp_path, text.encode("utf-8"), _sel(start, start + 10, "Regel drie"), qde="Mijn project.qde", folder="Sources"
    )
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx, "anna")
    assert [c.ranges for c in codings.list_codings(p)] == [((3, 3),)]
    assert not report.mismatches


def test_source_with_bom_counts_offsets_after_it(tmp_path):
    text = "Eén regel.\nTwee 😀 regels.\n"
    start = text.index("Twee")
    qdpx = _qdpx(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), _sel(start, len(text) - 1, "Twee 😀 regels."))
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx, "anna")
    assert [c.ranges for c in codings.list_codings(p)] == [((2, 2),)] and not report.mismatches
    assert transcripts.lines(p, transcripts.get(p, "S").id)[0]["raw"] == "Eén regel."


def test_qdpx_without_or_with_two_qde_documents_is_refused(tmp_path):
    from qualcode.errors import InputError

    for members in ([], ["a.qde", "b.qde"]):
        out = tmp_path / f"bad{len(members)}.qdpx"
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("readme.txt", "x")
            for m in members:
                z.writestr(m, "<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
        p = Project.create(tmp_path / f"p{len(members)}.db")
        with pytest.raises(InputError, match="qde"):
            import_file(p, out, "anna")
        assert transcripts.all_rows(p) == []


# ------------------------------------------------------------------ CLI
def test_cli_export_and_import(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_project(tmp_path / "p.db").close()
    runner = CliRunner()
    r = runner.invoke(cli, ["--project", "p.db", "export", "qdpx", "out.qdpx"])
    assert r.exit_code == 0, r.output
    assert "Wrote out.qdpx: 2 transcripts, 3 codes, 5 codings (6 selections), 2 coders" in r.output
    r = runner.invoke(cli, ["--project", "p.db", "export", "qdc", "out.qdc"])
    assert r.exit_code == 0 and "3 codes" in r.output
    r = runner.invoke(cli, ["--project", "new.db", "--coder", "carl", "import", "out.qdpx"])
    assert r.exit_code == 0, r.output
    assert "2 sources (0 already here)" in r.output and "5 codings" in r.output
    r = runner.invoke(cli, ["--project", "new.db", "import", "out.qdpx", "--json"])
    import json

    assert json.loads(r.output)[0]["codings_identical"] == 5


def test_memos_sit_where_qualcoder_and_nvivo_read_them(tmp_path):
    """QualCoder's importer reads a coding memo from the selection's ``Description``, a file memo from the
    source's, the project memo from the project's and a code memo from the code's; NVivo and ATLAS.ti follow
    ``NoteRef``s to ``Note``s. No internal marker appears anywhere."""
    from xml.etree import ElementTree as ET

    p = make_project(tmp_path / "p.db")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    data = qde_of(tmp_path / "out.qdpx")
    assert b"qualcode:" not in data
    root = ET.fromstring(data)
    sel_memos = [d.text for s in root.iter(f"{NS}PlainTextSelection") for d in s.findall(f"{NS}Description")]
    assert sel_memos == ["Tijdsdruk, ’n kernpunt 😀"]
    fg1 = next(s for s in root.iter(f"{NS}TextSource") if s.get("name") == "FG1")
    assert fg1.find(f"{NS}Description").text == "Rumoerige groep."
    assert root.find(f"{NS}Description").text == "Projectmemo: één analyse 😀"
    samen = next(c for c in root.iter(f"{NS}Code") if c.get("name") == "samenwerking")
    assert samen.find(f"{NS}Description").text == "Memo: Thema over partners — één samenvatting."
    notes = {n.get("guid"): n.find(f"{NS}PlainTextContent").text for n in root.iter(f"{NS}Note")}
    refs = [r.get("targetGUID") for r in root.iter(f"{NS}NoteRef")]
    assert sorted(notes[g] for g in refs) == sorted(notes.values()) and len(notes) == 4


def test_project_qde_is_byte_for_byte_what_elementtree_writes(tmp_path):
    """project.qde and the .qdc are written element by element; parsed and written again by
    ElementTree (``ET.indent`` spacing, ``xml_declaration=True``) they come out byte for byte the same,
    with markup characters, tabs and newlines in attributes and texts, nested codes and numbered lines."""
    from xml.etree import ElementTree as ET

    p = make_project(tmp_path / "p.db")
    text = '10 M: Begin & <einde> "quote".\n11 R1: Tab\there & ook 😀.\n12 R2: Nog.\n'
    transcripts.import_parsed(p, [parse_text(text, name="FG9", source="FG9.txt")], "anna")
    codings.apply(p, "FG9", "10,12", "methodiek", "anna", memo='Memo & <b> "x"\n\tregel 2 ]]>')
    memos.set(p, "transcript", "FG9", 'Memo met "quotes" & <tags>', "anna")
    refi.export_qdpx(p, tmp_path / "out.qdpx")
    refi.export_qdc(p, tmp_path / "out.qdc")
    for data, ns in (
        (qde_of(tmp_path / "out.qdpx"), refi.NS_PROJECT),
        ((tmp_path / "out.qdc").read_bytes(), refi.NS_CODEBOOK),
    ):
        root = ET.fromstring(data)
        for el in root.iter():  # drop the layout; ET.indent lays it out again
            el.tail = None
            if len(el):
                el.text = None
        ET.indent(root)
        ET.register_namespace("", ns)
        assert ET.tostring(root, encoding="utf-8", xml_declaration=True) == data
    data = qde_of(tmp_path / "out.qdpx")
    assert b'name="(FG9; 10; 12) [' in data
    assert b'Memo &amp; &lt;b&gt; "x"\n\tregel 2 ]]&gt;</Description>' in data
    assert data.count(b"<Code ") == 3 and b"<Variables>" in data


@pytest.mark.parametrize("parts", [("selection", "ABC", "1"), ("coder", "anna"), ("memo", "één 😀/x"), ("",)])
def test_derived_guid_is_uuid5_of_the_parts(parts):
    import uuid

    expected = str(uuid.uuid5(uuid.UUID("5b0e7c52-2f55-4a0e-9d3c-6f1a2b3c4d5e"), "/".join(parts))).upper()
    assert refi.derived_guid(*parts) == expected
