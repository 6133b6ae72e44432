"""Privacy audit: planted leaks are found, placeholders are not, accepted findings are remembered."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding import codebook, codings
from qualcode.corpus import privacy, transcripts
from qualcode.corpus.ingest import parse_text
from qualcode.store.project import Project

PLANTED = (
    "M: Welkom. Alles wordt geanonimiseerd.\n"  # 1
    "R1: Ik werk samen met [NAAM COLLEGA] van [ORGANISATIE].\n"  # 2: placeholders only
    "R2: Vorige week belde Jan de Vries me nog over dat gezin.\n"  # 3: a planted name
    "R1: Bel me gerust op 06-12345678, dat is mijn werknummer.\n"  # 4: a phone number
    "R3: Of mail naar petra.jansen@wijkteam-zuid.nl voor het verslag.\n"  # 5: an e-mail address
    "R2: Het BSN 123456782 stond gewoon in het dossier.\n"  # 6: a BSN that passes the 11-check
    "R1: En 123456789 is geen BSN, en [TELEFOON 0612345678] is al weg.\n"  # 7: nothing
    "R3: Dat was op [DATUM], bij [NAAM JEUGDIGE] thuis.\n"  # 8: placeholders only
)


class FakeNames:
    """A stand-in for deduce that tags every capitalised word after 'belde' (and inside placeholders)."""

    name = "deduce"

    def find(self, text):
        import re

        return [
            (m.start(1), m.end(1), "name") for m in re.finditer(r"belde ((?:[A-Z]\w+ ?)+(?:de )?[A-Z]\w+)", text)
        ] + [(m.start(), m.end(), "name") for m in re.finditer(r"NAAM", text)]


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p.db")
    transcripts.import_parsed(p, [parse_text(PLANTED, name="FG7", source="FG7.txt")], "anna")
    return p


def kinds(findings):
    return {(f["line"], f["kind"], f["text"]) for f in findings}


def test_patterns_find_phone_email_bsn_and_nothing_in_placeholders(project):
    result = privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector()])
    assert kinds(result["findings"]) == {
        (4, "phone", "06-12345678"),
        (5, "email", "petra.jansen@wijkteam-zuid.nl"),
        (6, "bsn", "123456782"),
    }
    assert all(f["status"] == "open" and f["citation"] == f"(FG7; {f['line']})" for f in result["findings"])


def test_a_name_detector_finds_the_planted_name_but_not_inside_placeholders(project):
    result = privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector(), FakeNames()])
    assert (3, "name", "Jan de Vries") in kinds(result["findings"])
    assert not any(f["line"] in (2, 8) for f in result["findings"])


@pytest.mark.skipif(not privacy.deduce_available(), reason="deduce (qualcode[privacy]) not installed")
def test_deduce_finds_the_planted_name():
    lines = list(enumerate(PLANTED.splitlines(), start=1))
    found = privacy.scan_lines(lines, privacy.default_detectors())
    names = {(f.line, f.text) for f in found if f.kind == "name"}
    assert (3, "Jan de Vries") in names
    assert not any(f.line in (2, 8) for f in found)


def test_without_deduce_the_audit_says_what_is_missing(project, monkeypatch):
    monkeypatch.setattr(privacy, "deduce_available", lambda: False)
    result = privacy.audit(project, coder="anna")
    assert result["detectors"] == ["patterns"]
    assert any("qualcode[privacy]" in n for n in result["notes"])


def test_accepted_findings_are_remembered_and_undoable(project):
    from qualcode.store import history

    first = privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector()])
    phone = next(f for f in first["findings"] if f["kind"] == "phone")
    privacy.accept(project, [phone["id"]], "anna")
    again = privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector()])
    assert {f["id"]: f["status"] for f in again["findings"]}[phone["id"]] == "accepted"
    assert sum(f["status"] == "open" for f in again["findings"]) == 2
    history.undo(project, "anna")
    assert privacy.list_findings(project, status="accepted") == []


def test_running_without_deduce_keeps_what_deduce_found(project):
    privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector(), FakeNames()])
    privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector()])
    assert (3, "name", "Jan de Vries") in kinds(privacy.list_findings(project))


def test_export_warning_names_open_findings_in_quotes(project, tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text("codes:\n  - name: werkwijze\n", encoding="utf-8")
    codebook.load(project, cb, "anna")
    safe = codings.apply(project, "FG7", "1-2", "werkwijze", "anna")
    leaky = codings.apply(project, "FG7", "4-5", "werkwijze", "bram")
    assert privacy.open_findings_in(project, [safe]) == []
    # never audited: our own patterns run on the quoted lines
    hits = privacy.open_findings_in(project, [leaky])
    assert {(h["quote"], h["kind"]) for h in hits} == {("(FG7; 4-5)", "phone"), ("(FG7; 4-5)", "email")}
    message = privacy.export_warning(project, [safe, leaky])
    assert message.startswith("warning: 1 exported quote contains 2 open privacy findings: (FG7; 4) phone")
    audited = privacy.audit(project, coder="anna", detectors=[privacy.PatternDetector()])
    ids = [f["id"] for f in audited["findings"] if f["line"] in (4, 5)]
    privacy.accept(project, ids, "anna")
    assert privacy.export_warning(project, [safe, leaky]) is None


def test_cli_audit_json_strict_and_accept(project, monkeypatch):
    monkeypatch.setattr(privacy, "deduce_available", lambda: False)
    project.close()
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    args = ["--project", str(project.path), "--coder", "anna", "audit"]
    r = runner.invoke(cli, args + ["--json"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {"transcript", "line", "citation", "kind", "text", "status"} <= set(rows[0])
    assert {(row["line"], row["kind"]) for row in rows} == {(4, "phone"), (5, "email"), (6, "bsn")}
    assert runner.invoke(cli, args + ["--strict"]).exit_code == 1
    for row in rows:
        assert runner.invoke(cli, args + ["accept", str(row["id"])]).exit_code == 0
    assert runner.invoke(cli, args + ["--strict", "FG7"]).exit_code == 0
    r = runner.invoke(cli, args + ["accept", "9999"])
    assert r.exit_code != 0


def test_import_with_audit_prints_findings(tmp_path, monkeypatch):
    monkeypatch.setattr(privacy, "deduce_available", lambda: False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FG7.txt").write_text(PLANTED, encoding="utf-8")
    r = CliRunner().invoke(cli, ["--project", "p.db", "import", "FG7.txt", "--audit"])
    assert r.exit_code == 0, r.output
    assert "06-12345678" in r.output and "3 open findings" in r.output
