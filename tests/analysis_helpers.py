"""A fixture for the analysis tests: two focus groups, a participants file, codings by two coders.

FG1: 1 M, 2-3 R1, 4-5 R2, 6-7 R3, 8 M, 9 R1, 10 R2.  FG2: 1 M, 2-3 R1, 4-5 R2, 6 M, 7 R1, 8 R2.
Roles: FG1 R1 and R2 regisseur, FG1 R3 politie, FG2 R1 jeugdarts, FG2 R2 regisseur; M is no participant.
The hand counts in the tests are worked out from :data:`CODINGS`.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.coding import codebook, codings
from qualcode.corpus import transcripts
from qualcode.store.project import Project

CODEBOOK = """language: nl
codes:
  - name: werkwijze
    hotkey: 1
    definition: Eigen werk.
    children:
      - name: methodiek
        definition: Een methode.
  - name: samenwerking
    hotkey: 2
    definition: Afstemming.
  - name: veiligheid
    hotkey: 3
    definition: Veiligheid.
  - name: nazorg
    hotkey: 4
    definition: Nazorg.
"""

FG1 = """M: Welkom allemaal. Wie wil beginnen?
R1: Ik ben regisseur bij de gemeente.
Wij plannen eerst een huisbezoek.
R2: Ik werk bij Veilig Thuis.
De veiligheid staat bij ons voorop.
R3: Politie hier.
Wij komen pas later in beeld.
M: En de nazorg?
R1: Nazorg schiet er vaak bij in.
R2: Dat vind ik ook.
"""

FG2 = """M: Goedemiddag allemaal.
R1: Ik ben jeugdarts.
De school belt ons vaak.
R2: Ik ben regisseur.
Veiligheid en nazorg horen bij elkaar.
M: Klopt dat?
R1: Ja, dat klopt wel.
R2: Soms niet.
"""

PARTICIPANTS = """transcript,speaker,rol,organisatie,deelnemer
FG1,M,,,nee
FG1,R1,regisseur,gemeente,ja
FG1,R2,regisseur,veilig thuis,ja
FG1,R3,politie,politie,ja
FG2,M,,,nee
FG2,R1,jeugdarts,ggd,
FG2,R2,regisseur,gemeente,ja
"""

TRANSCRIPT_ATTRIBUTES = """transcript,datum,groep
FG1,2024-03-01,projectgroep
FG2,2024-03-08,team
"""

ANNA, BRAM = "anna", "bram"

# (label, coder, transcript, ranges, code)
CODINGS = [
    ("c1", ANNA, "FG1", "2-3", "werkwijze"),
    ("c2", ANNA, "FG1", "4-7", "veiligheid"),
    ("c3", ANNA, "FG1", "8-9", "nazorg"),
    ("c4", ANNA, "FG1", "1", "werkwijze"),  # the moderator only: counts nowhere in crosstabs
    ("c5", ANNA, "FG1", "3,5", "methodiek"),  # multi-range: lines 3 and 5, not 4
    ("c6", ANNA, "FG2", "4-5", "veiligheid"),
    ("c7", ANNA, "FG2", "5", "nazorg"),
    ("c8", ANNA, "FG2", "2-3", "samenwerking"),
    ("c9", ANNA, "FG2", "7-8", "samenwerking"),
    ("c13", ANNA, "FG1", "4", "samenwerking"),  # in c5's gap: no methodiek x samenwerking overlap
    ("c10", BRAM, "FG1", "5-6", "nazorg"),  # overlaps anna's veiligheid 4-7: another coder, not counted
    ("c11", BRAM, "FG1", "2-3", "werkwijze"),
    ("c12", BRAM, "FG1", "5", "veiligheid"),
]

CODES = ["werkwijze", "methodiek", "samenwerking", "veiligheid", "nazorg"]
SPEAKERS = ["FG1:R1", "FG1:R2", "FG1:R3", "FG2:R1", "FG2:R2"]
ROLES = ["jeugdarts", "politie", "regisseur"]


def build(folder: Path, *, with_participants: bool = True) -> tuple[Path, dict[str, int]]:
    """The project file and the ids of the codings by label."""
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "FG1.txt").write_text(FG1, encoding="utf-8")
    (folder / "FG2.txt").write_text(FG2, encoding="utf-8")
    (folder / "deelnemers.csv").write_text(PARTICIPANTS, encoding="utf-8")
    (folder / "groepen.csv").write_text(TRANSCRIPT_ATTRIBUTES, encoding="utf-8")
    path = folder / "analysis.db"
    ids = {}
    with Project.create(path) as project:
        codebook.load(project, folder / "codebook.yaml", ANNA)
        transcripts.import_files(project, [folder / "FG1.txt", folder / "FG2.txt"], ANNA)
        for label, coder, transcript, ranges, code in CODINGS:
            ids[label] = codings.apply(project, transcript, ranges, code, coder).id
        if with_participants:
            from qualcode.analysis import participants

            participants.load_file(project, folder / "deelnemers.csv", ANNA)
            participants.load_file(project, folder / "groepen.csv", ANNA)
    return path, ids
