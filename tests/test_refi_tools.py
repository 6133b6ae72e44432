"""REFI-QDA files as other tools write them, built here from the formats' documentation: one fixture per
failure class of issue 14 (UTF-16 and CRLF offsets, paths without ``internal://``, empty sources, QualCoder's
memo layout, users, categories, speakers in papers, a bare .qde), plus codebook CSV in and out."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from qualcode.coding import codebook, codings, memos
from qualcode.corpus import lemmas, transcripts
from qualcode.exchange.refi_load import import_file, prepare
from qualcode.store.project import Project
from tests.core_helpers import run_qualcode

U1 = "A1B2C3D4-0001-4000-8000-000000000001"
U2 = "A1B2C3D4-0002-4000-8000-000000000002"
C1 = "C0DE0000-0001-4000-8000-000000000001"
C2 = "C0DE0000-0002-4000-8000-000000000002"
CAT = "CA700000-0001-4000-8000-000000000001"

TEXT = (
    "Interviewer: Hoe begon je dag? 😀\n"
    "Deelnemer: Met koffie en de planning 😀😀 van het team.\n"
    "Interviewer: En daarna?\n"
    "Deelnemer: Huisbezoeken, vooral bij ouderen in de wijk.\n"
    "Interviewer: Wat viel op?\n"
    "Deelnemer: Dat de wachtlijsten langer worden.\n"
)


def guid(n: int, prefix: str = "5E1E0000") -> str:
    return f"{prefix}-0001-4000-8000-{n:012d}"


def utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def crlf(text: str, i: int) -> int:
    return i + text[:i].count("\n")


def sel(n: int, start: int, end: int, code: str = C1, *, name: str = "", user: str = U1, inner: str = "") -> str:
    return (
        f'<PlainTextSelection guid="{guid(n)}" name="{name}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{user}">{inner}<Coding guid="{guid(n, "C0D10000")}" creatingUser="{user}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def source(g: str, name: str, body: str, path: str | None = None, extra: str = "") -> str:
    path = path if path is not None else f"internal://{g}.txt"
    return f'<TextSource guid="{g}" name="{name}" plainTextPath="{path}" {extra}>{body}</TextSource>'


def qdpx(
    tmp_path: Path,
    sources: str,
    files: dict[str, bytes],
    *,
    codes: str = "",
    tail: str = "",
    origin: str = "NVivo 14",
    out: str = "p.qdpx",
) -> Path:
    codes = codes or (
        f'<Code guid="{C1}" name="werk" isCodable="true"/><Code guid="{C2}" name="zorg" isCodable="true"/>'
    )
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="{origin}">
  <Users><User guid="{U1}" name="Sanne"/><User guid="{U2}" name="Piet"/></Users>
  <CodeBook><Codes>{codes}</Codes></CodeBook>
  <Sources>{sources}</Sources>{tail}
</Project>"""
    path = tmp_path / out
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
        for name, data in files.items():
            z.writestr(name, data)
    return path


def selections_at(text: str, count, phrases: list[str]) -> str:
    out = []
    for n, phrase in enumerate(phrases, start=1):
        i = text.index(phrase)
        out.append(sel(n, count(text, i), count(text, i + len(phrase)), C1 if n % 2 else C2))
    return "".join(out)


def lines_of(p: Project) -> list[tuple]:
    return sorted((c.transcript, c.code, c.coder, c.ranges) for c in codings.list_codings(p))


@pytest.fixture(autouse=True)
def _no_lemmas(monkeypatch):
    monkeypatch.setattr(lemmas, "ANNOTATE", False)


NO_LEMMAS = {"QUALCODE_LEMMAS": "0"}

PHRASES = ["koffie en de planning", "Huisbezoeken", "ouderen in de wijk", "wachtlijsten langer worden"]
EXPECTED = [((2, 2),), ((4, 4),), ((4, 4),), ((6, 6),)]


# ------------------------------------------------------------------ offsets
@pytest.mark.parametrize(
    ("count", "convention"),
    [
        (utf16, "UTF-16 code units"),  # NVivo on a Mac: an emoji is two
        (crlf, "code points, CRLF=2"),  # NVivo on Windows: a line break is two, the text has LF
        (lambda t, i: utf16(t, i) + t[:i].count("\n"), "UTF-16 code units, CRLF=2"),
        (lambda t, i: i, "code points"),
    ],
)
def test_offsets_as_the_writing_tool_counted_them(tmp_path, count, convention):
    g = guid(1, "0F6A2C31")
    path = qdpx(
        tmp_path, source(g, "FG1.docx", selections_at(TEXT, count, PHRASES)), {f"Sources/{g}.txt": TEXT.encode()}
    )
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, path, "anna")
    assert [c.ranges for c in codings.list_codings(p)] == EXPECTED
    assert report.conventions["FG1"].startswith(convention + " (word boundaries: 4 of 4")
    assert convention in "\n".join(report.lines())


def test_the_selections_own_text_decides_before_word_boundaries(tmp_path):
    """QualCoder and ATLAS.ti name a selection by its text; here CRLF is stored but counted as one."""
    text = TEXT.replace("\n", "\r\n")
    lf = TEXT
    body = "".join(
        sel(n, lf.index(ph), lf.index(ph) + len(ph), C1 if n % 2 else C2, name=ph)
        for n, ph in enumerate(PHRASES, start=1)
    )
    path = qdpx(
        tmp_path, source(guid(1, "0F6A2C31"), "FG1", body), {f"sources/{guid(1, '0F6A2C31')}.txt": text.encode()}
    )
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, path, "anna")
    assert [c.ranges for c in codings.list_codings(p)] == EXPECTED
    assert report.conventions["FG1"].startswith("code points (selection text: 4 of 4 read their text; next best")
    assert not report.mismatches


def test_no_convincing_convention_imports_the_text_and_skips_its_codings(tmp_path):
    g = guid(1, "0F6A2C31")
    body = "".join(sel(n, s, s + 7) for n, s in enumerate((3, 38, 61, 95), start=1))  # mid-word everywhere
    path = qdpx(tmp_path, source(g, "FG1", body), {f"sources/{g}.txt": TEXT.encode()})
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, path, "anna")
    assert report.transcripts_added == ["FG1"] and codings.list_codings(p) == []
    assert report.conventions["FG1"].startswith("none convincing")
    assert report.skipped["codings in sources without a convincing offset convention"] == 4
    assert any("no offset convention fits" in n and "skipped 4 codings" in n for n in report.notices)


# -------------------------------------------------------------- sources
def test_sources_without_internal_prefix_and_names_from_the_source(tmp_path):
    """qualitative-coding 1.3: ``plainTextPath="sources/<guid>.txt"`` and a plain ``<guid>.txt``."""
    g1, g2 = guid(1, "0F6A2C31"), guid(2, "0F6A2C31")
    body = selections_at(TEXT, lambda t, i: i, PHRASES[:1])
    sources = source(g1, "interview_01.txt", body, path=f"sources/{g1}.txt") + source(g2, "notes", "", path=f"{g2}.TXT")
    files = {f"sources/{g1}.txt": TEXT.encode(), f"Sources/{g2}.TXT": "Eén regel notities.\n".encode()}
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx(tmp_path, sources, files), "anna")
    assert sorted(report.transcripts_added) == ["interview_01", "notes"]
    assert lines_of(p) == [("interview_01", "werk", "Sanne", ((2, 2),))]
    assert not report.mismatches and not report.notices


def test_an_empty_source_is_skipped_with_a_notice_and_a_docx_source_is_read_through_ingest(tmp_path):
    import docx

    g1, g2, g3 = (guid(n, "0F6A2C31") for n in (1, 2, 3))
    doc = docx.Document()
    paragraphs = ["Interviewer: Hoe begon je dag?", "Deelnemer: Met koffie en de planning van het team."]
    for para in paragraphs:
        doc.add_paragraph(para)
    doc.save(tmp_path / "s.docx")
    plain = "\n".join(paragraphs)
    i = plain.index("koffie")
    sources = (
        source(g1, "Leeg", sel(1, 0, 4), extra="")
        + source(g2, "Alleen Word", sel(2, i, i + 6), extra=f'richTextPath="internal://{g2}.docx"')
        + source(g3, "FG1", selections_at(TEXT, lambda t, i: i, PHRASES[:1]))
    )
    files = {
        f"sources/{g1}.txt": b"",
        f"sources/{g2}.txt": b"\xef\xbb\xbf",  # NVivo 15: the plain text is empty, the text is in the .docx
        f"sources/{g2}.docx": (tmp_path / "s.docx").read_bytes(),
        f"sources/{g3}.txt": TEXT.encode(),
    }
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx(tmp_path, sources, files), "anna")
    assert sorted(report.transcripts_added) == ["Alleen Word", "FG1"]
    assert report.skipped["empty or unreadable sources"] == 1 and report.skipped["codings in skipped sources"] == 1
    assert any(n.startswith("source 'Leeg': the source is empty; skipped (1 coding)") for n in report.notices)
    word = transcripts.get(p, "Alleen Word")
    assert [ln["raw"] for ln in transcripts.lines(p, word.id)] == paragraphs
    assert ("Alleen Word", "werk", "Sanne", ((2, 2),)) in lines_of(p)


def test_a_bare_qde_reads_its_sources_from_the_folder_beside_it(tmp_path):
    g = guid(1, "0F6A2C31")
    path = qdpx(tmp_path, source(g, "FG1", selections_at(TEXT, lambda t, i: i, PHRASES)), {})
    folder = tmp_path / "bare"
    (folder / "Sources").mkdir(parents=True)
    with zipfile.ZipFile(path) as z:
        (folder / "Project.QDE").write_bytes(z.read("project.qde"))
    (folder / "Sources" / f"{g}.txt").write_text(TEXT, encoding="utf-8")
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, folder / "Project.QDE", "anna")
    assert report.kind == "qde" and [c.ranges for c in codings.list_codings(p)] == EXPECTED


def test_an_odt_rich_text_source_is_read(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    g = guid(1, "0F6A2C31")
    doc = OpenDocumentText()
    for para in ("Eerste alinea over koffie.", "Tweede alinea over thee."):
        doc.text.addElement(P(text=para))
    doc.save(str(tmp_path / "s.odt"))
    i = "Eerste alinea over koffie.\nTweede alinea over thee.".index("thee")
    src = source(g, "Odt", sel(1, i, i + 4), path="", extra=f'richTextPath="internal://{g}.odt"')
    p = Project.create(tmp_path / "p.db")
    import_file(p, qdpx(tmp_path, src, {f"sources/{g}.odt": (tmp_path / "s.odt").read_bytes()}), "anna")
    assert lines_of(p) == [("Odt", "werk", "Sanne", ((2, 2),))]


# ---------------------------------------------------------------- memos
def test_qualcoder_memo_layout_and_a_category(tmp_path):
    """QualCoder: project memo = project Description, file memo = source Description, coding memo = selection
    Description, code memo = code Description (our definition), an annotation = a Note with a position that the
    source references, a journal = a Note nobody references; a category is ``isCodable="false"``."""
    g = guid(1, "0F6A2C31")
    ann = guid(7, "4E0E0000")
    i = TEXT.index("Huisbezoeken")
    body = (
        "<Description>Eerste interview, rustig.</Description>"
        + sel(1, i, i + 12, name="Huisbezoeken", inner="<Description>Kern van haar werk.</Description>")
        + sel(2, i, i + 12, CAT, name="Huisbezoeken")
        + f'<NoteRef targetGUID="{ann}"/>'
    )
    j = TEXT.index("wachtlijsten")
    codes = (
        f'<Code guid="{CAT}" name="Thema werk" isCodable="false"><Description>Alles over werk</Description>'
        f'<Code guid="{C1}" name="werk" isCodable="true"><Description>Hoe men werkt.</Description></Code></Code>'
    )
    tail = f"""
  <Notes>
    <Note guid="{ann}" creatingUser="{U2}"><PlainTextContent>Let op: wachtlijsten</PlainTextContent>
      <PlainTextSelection guid="{guid(9)}" startPosition="{j}" endPosition="{j + 12}"/></Note>
    <Note guid="{guid(8, "4E0E0000")}" name="Dagboek" plainTextPath="internal://{guid(8, "4E0E0000")}.txt"/>
  </Notes>
  <Description>Projectmemo uit QualCoder.</Description>"""
    files = {
        f"sources/{g}.txt": TEXT.encode("utf-8-sig"),
        f"sources/{guid(8, '4E0E0000')}.txt": b"Week 1: gestart.",
    }
    p = Project.create(tmp_path / "p.db")
    report = import_file(
        p, qdpx(tmp_path, source(g, "FG1.txt", body), files, codes=codes, tail=tail, origin="QualCoder 3.6"), "anna"
    )
    (coding,) = codings.list_codings(p)
    assert (coding.code, coding.ranges, coding.memo) == ("werk", ((4, 4),), "Kern van haar werk.")
    assert report.skipped["codings on categories (codes that only group others)"] == 1
    werk, thema = codebook.get_code(p, "werk"), codebook.get_code(p, "Thema werk")
    assert werk.parent_id == thema.id and werk.definition == "Hoe men werkt."
    assert memos.get(p, "transcript", "FG1") == "Eerste interview, rustig.\n\n(FG1; 6) Let op: wachtlijsten"
    assert memos.get(p, "project", None) == "Projectmemo uit QualCoder.\n\nDagboek\nWeek 1: gestart."
    assert report.memos_added == 2 and report.annotations == 1


def test_nvivo_annotation_linked_to_a_selection_becomes_a_memo_on_its_line(tmp_path):
    g, note = guid(1, "0F6A2C31"), guid(5, "4E0E0000")
    i = utf16(TEXT, TEXT.index("koffie"))
    body = selections_at(TEXT, utf16, PHRASES) + (
        f'<PlainTextSelection guid="{guid(6)}" startPosition="{i}" endPosition="{i + 6}" creatingUser="{U1}"/>'
    )
    tail = f"""
  <Notes><Note guid="{note}" creatingUser="{U1}" plainTextPath="internal://{note}.txt"/></Notes>
  <Links><Link guid="{guid(3, "11AA0000")}" originGUID="{note}" targetGUID="{guid(6)}"/></Links>"""
    files = {f"sources/{g}.txt": TEXT.encode(), f"sources/{note}.txt": b"Koffie eerst!"}
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx(tmp_path, source(g, "FG1", body), files, tail=tail), "anna")
    assert memos.get(p, "transcript", "FG1") == "(FG1; 2) Koffie eerst!"
    assert report.annotations == 1 and report.skipped["links"] == 1


# ---------------------------------------------------------------- users
def test_the_codings_creator_is_the_coder_and_differences_are_reported(tmp_path):
    g = guid(1, "0F6A2C31")
    i = TEXT.index("Huisbezoeken")
    body = (
        f'<PlainTextSelection guid="{guid(1)}" startPosition="{i}" endPosition="{i + 12}" creatingUser="{U1}">'
        f'<Coding guid="{guid(1, "C0D10000")}" creatingUser="{U2}"><CodeRef targetGUID="{C1}"/></Coding>'
        f'<Coding guid="{guid(2, "C0D10000")}"><CodeRef targetGUID="{C2}"/></Coding></PlainTextSelection>'
    )
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx(tmp_path, source(g, "FG1", body), {f"sources/{g}.txt": TEXT.encode()}), "anna")
    assert lines_of(p) == [("FG1", "werk", "Piet", ((4, 4),)), ("FG1", "zorg", "Sanne", ((4, 4),))]
    assert report.creator_differs == 1 and "1 codings made by another user" in "\n".join(report.lines())


def test_a_user_missing_from_users_gets_a_name_and_a_notice(tmp_path):
    g, stranger = guid(1, "0F6A2C31"), "A1B2C3D4-0009-4000-8000-000000000009"
    i = TEXT.index("Huisbezoeken")
    p = Project.create(tmp_path / "p.db")
    report = import_file(
        p,
        qdpx(tmp_path, source(g, "FG1", sel(1, i, i + 12, user=stranger)), {f"sources/{g}.txt": TEXT.encode()}),
        "anna",
    )
    assert lines_of(p) == [("FG1", "werk", "user-a1b2c3d4", ((4, 4),))]
    assert any(stranger in n and "not among the file's users" in n for n in report.notices)


# ------------------------------------------------------------- speakers
PAPER = (
    "Inleiding over het onderzoek naar wijkteams in drie gemeenten.\n"
    "RQ1: Hoe werken wijkteams samen met scholen?\n"
    "We beschrijven de methode en de data.\n"
    "Model 1: Samenwerking hangt af van de gemeente.\n"
    "De resultaten laten zien dat dit klopt.\n"
    "Conclusie en discussie volgen hieronder.\n"
)


@pytest.mark.parametrize(
    ("mode", "paper", "interview"),
    [
        ("auto", [None] * 6, ["Interviewer", "Deelnemer"] * 3),
        ("none", [None] * 6, [None] * 6),
        ("Interviewer", [None] * 6, ["Interviewer"] * 6),
    ],
)
def test_speakers_only_where_labels_behave_like_turns(tmp_path, mode, paper, interview):
    g1, g2 = guid(1, "0F6A2C31"), guid(2, "0F6A2C31")
    files = {f"sources/{g1}.txt": PAPER.encode(), f"sources/{g2}.txt": TEXT.encode()}
    path = qdpx(tmp_path, source(g1, "Paper", "") + source(g2, "Interview", ""), files, origin="MAXQDA 24")
    p = Project.create(tmp_path / "p.db")
    import_file(p, prepare(path, speakers=mode), "anna")
    speakers = {
        name: [ln["speaker"] for ln in transcripts.lines(p, transcripts.get(p, name).id)]
        for name in ("Paper", "Interview")
    }
    assert speakers == {"Paper": paper, "Interview": interview}


# ------------------------------------------------------------------ CLI
def test_cli_dry_run_reports_and_writes_nothing_then_json_carries_the_same(tmp_path):
    g = guid(1, "0F6A2C31")
    path = qdpx(tmp_path, source(g, "FG1", selections_at(TEXT, utf16, PHRASES)), {f"sources/{g}.txt": TEXT.encode()})
    r = run_qualcode(
        "--project", str(tmp_path / "new.db"), "import", str(path), "--dry-run", cwd=tmp_path, env=NO_LEMMAS
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Would import p.qdpx (qdpx): 1 source (0 already here), 2 codes (0 matched), 4 codings")
    assert "UTF-16 code units (word boundaries: 4 of 4 on word boundaries; next best" in r.stdout
    assert not (tmp_path / "new.db").exists()
    r = run_qualcode("--project", str(tmp_path / "new.db"), "import", str(path), "--json", cwd=tmp_path, env=NO_LEMMAS)
    (report,) = json.loads(r.stdout)
    assert report["codings_added"] == 4 and report["conventions"]["FG1"].startswith("UTF-16 code units")
    r = run_qualcode(
        "--project", str(tmp_path / "new.db"), "import", str(path), "--speakers", "(", cwd=tmp_path, env=NO_LEMMAS
    )
    assert r.returncode != 0 and "Traceback" not in r.stderr and "--speakers" in r.stderr


def test_codebook_csv_out_for_taguette_and_back_in(tmp_path):
    from qualcode.exchange.codebook_csv import export_taguette_csv

    p = Project.create(tmp_path / "p.db")
    spec = tmp_path / "cb.yaml"
    spec.write_text(
        'codes:\n  - name: werk\n    definition: Hoe men werkt, met "komma\'s".\n    children:\n      - name: huisbezoek\n'
        "  - name: zorg\n",
        encoding="utf-8",
    )
    codebook.load(p, spec, "anna")
    export_taguette_csv(p, tmp_path / "codebook.csv")
    assert (tmp_path / "codebook.csv").read_text(encoding="utf-8").splitlines() == [
        "tag,description",
        'werk,"Hoe men werkt, met ""komma\'s""."',
        "werk.huisbezoek,",
        "zorg,",
    ]
    q = Project.create(tmp_path / "q.db")
    report = import_file(q, tmp_path / "codebook.csv", "anna")
    assert sorted(report.codes_added) == ["huisbezoek", "werk", "zorg"]
    assert codebook.get_code(q, "huisbezoek").parent_id == codebook.get_code(q, "werk").id


def test_qualcoder_style_codebook_csv_with_categories(tmp_path):
    (tmp_path / "qc.csv").write_text(
        "\ufeffCategory,Name,Memo,Color\nThema werk,werk,Hoe men werkt.,#AABBCC\nThema werk,planning,,\n,zorg,Zorg.,\n",
        encoding="utf-8",
    )
    p = Project.create(tmp_path / "p.db")
    import_file(p, tmp_path / "qc.csv", "anna")
    werk, thema = codebook.get_code(p, "werk"), codebook.get_code(p, "Thema werk")
    assert werk.parent_id == thema.id and werk.colour == "#AABBCC" and werk.definition == "Hoe men werkt."
    assert codebook.get_code(p, "planning").parent_id == thema.id and codebook.get_code(p, "zorg").parent_id is None
    (tmp_path / "bad.csv").write_text("kleur\nrood\n", encoding="utf-8")
    r = run_qualcode(
        "--project", str(tmp_path / "p.db"), "import", str(tmp_path / "bad.csv"), cwd=tmp_path, env=NO_LEMMAS
    )
    assert r.returncode != 0 and "bad.csv:1: no code name column" in r.stderr


def test_a_docx_source_gets_the_lines_of_a_docx_transcript_and_the_plain_texts_offsets(tmp_path):
    """NVivo on Windows stores both: the .txt it counted in (CRLF) and the .docx; lines come from the .docx
    wrapped at 80 columns as a Word transcript would be; a .docx that differs falls back to the .txt lines."""
    import docx

    long = "Deelnemer: " + " ".join(["we plannen samen met school en wijkteam"] * 6) + " en dan de nazorg."
    paragraphs = ["Interviewer: Hoe gaat het?", long]
    doc = docx.Document()
    for para in paragraphs:
        doc.add_paragraph(para)
    doc.save(tmp_path / "s.docx")
    plain = "\r\n".join(paragraphs) + "\r\n"
    lf = plain.replace("\r\n", "\n")
    i = lf.index("de nazorg")
    g1, g2 = guid(1, "0F6A2C31"), guid(2, "0F6A2C31")
    body = sel(1, crlf(lf, i), crlf(lf, i + 9)) + sel(2, crlf(lf, 0), crlf(lf, 11), C2)
    sources = source(g1, "Word", body, extra=f'richTextPath="internal://{g1}.docx"') + source(
        g2, "Anders", body, extra=f'richTextPath="internal://{g2}.docx"'
    )
    other = docx.Document()
    other.add_paragraph("Een heel andere tekst.")
    other.save(tmp_path / "o.docx")
    files = {
        f"sources/{g1}.txt": plain.encode(),
        f"sources/{g1}.docx": (tmp_path / "s.docx").read_bytes(),
        f"sources/{g2}.txt": plain.encode(),
        f"sources/{g2}.docx": (tmp_path / "o.docx").read_bytes(),
    }
    p = Project.create(tmp_path / "p.db")
    report = import_file(p, qdpx(tmp_path, sources, files), "anna")
    word = [ln["raw"] for ln in transcripts.lines(p, transcripts.get(p, "Word").id)]
    assert len(word) > 3 and all(len(raw) <= 80 for raw in word) and word[-1].endswith("en dan de nazorg.")
    assert [ln["raw"] for ln in transcripts.lines(p, transcripts.get(p, "Anders").id)] == paragraphs
    n = len(word)
    assert lines_of(p) == [
        ("Anders", "werk", "Sanne", ((2, 2),)),
        ("Anders", "zorg", "Sanne", ((1, 1),)),
        ("Word", "werk", "Sanne", ((n, n),)),
        ("Word", "zorg", "Sanne", ((1, 1),)),
    ]
    assert "source 'Word': lines from .docx" in report.notices
    assert any(n.startswith("source 'Anders': plain-text lines (the rich text differs") for n in report.notices)
