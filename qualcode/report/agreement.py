"""The inter-coder agreement report as a Word document, for a methods appendix.

Contents, in Dutch or English (``lang``): one method paragraph (unit, coders,
transcripts, share of the corpus double-coded, what every coefficient and the
summary row are, how the intervals were made, with references); the main table
(code, n lines, % agreement, kappa [95 % CI], alpha [95 % CI], AC1, and the
summary row) sized to fit an A4 portrait page; the other coefficients (Fleiss'
kappa, PABAK, the remaining intervals, the number of transcripts carrying each
code) and the counts in further tables; coder pairs and each coder against the
consensus; per round; exclusive themes; the notes grouped by kind in plain words;
and per code every disagreement with its citation.

Codes no coder used are printed in grey with the note "code not used by any
coder". Every table's widths add up to at most the text block of the first
section (A4 with 2.5 cm margins unless a ``template`` sets another page).

The document is written to a temporary file in the target folder and renamed
into place, so an interrupted export never leaves a half-written file.
python-docx is imported inside the functions (the CLI imports this lazily too).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.agreement.notes import GroupedNotes, grouped
from qualcode.agreement.results import FEW_TRANSCRIPTS, UNUSED, AgreementReport, Interval, Stat, fmt
from qualcode.errors import InputError
from qualcode.ranges import format_ranges
from qualcode.store.project import Project

REFERENCES = [
    "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and alternatives. "
    "Educational and Psychological Measurement, 41(3), 687–699.",
    "Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of Clinical Epidemiology, "
    "46(5), 423–429.",
    "Cicchetti, D. V., & Feinstein, A. R. (1990). High agreement but low kappa: II. Resolving the paradoxes. "
    "Journal of Clinical Epidemiology, 43(6), 551–558.",
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, "
    "20(1), 37–46.",
    "Conger, A. J. (1980). Integration and generalization of kappas for multiple raters. Psychological Bulletin, "
    "88(2), 322–328.",
    "Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their application. Cambridge University Press.",
    "De Vries, H., Elliott, M. N., Kanouse, D. E., & Teleki, S. S. (2008). Using pooled kappa to summarize "
    "interrater agreement across many items. Field Methods, 20(3), 272–282.",
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin, 76(5), "
    "378–382.",
    "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high agreement. "
    "British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.",
    "Gwet, K. L. (2014). Handbook of inter-rater reliability (4th ed.). Advanced Analytics.",
    "Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.). Sage.",
    "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for Communication, "
    "University of Pennsylvania.",
]

A4_TEXT_WIDTH_CM = 16.0  # 21 cm minus two 2.5 cm margins
GREY = "808080"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Inter-coder agreement",
        "method": "Method",
        "results": "Agreement per code",
        "others": "Further coefficients",
        "counts": "Counts and specific agreement",
        "pairs": "Coder pairs and the consensus",
        "rounds": "Agreement per round and per transcript",
        "exclusive": "Mutually exclusive codes",
        "notes": "Notes",
        "disagreements": "Disagreements",
        "references": "References",
        "table": "Table",
        "code": "Code",
        "lines": "n lines",
        "agree": "% agreement",
        "kappa": "κ [95% CI]",
        "alpha": "α [95% CI]",
        "ac1": "AC1",
        "fleiss": "Fleiss' κ",
        "pabak": "PABAK [95% CI]",
        "ac1_ci": "AC1 95% CI",
        "agree_ci": "% 95% CI",
        "transcripts_with_code": "n transcr.",
        "pos": "Pos.",
        "neg": "Neg.",
        "prev": "Prev. {coder}",
        "pair": "Coders",
        "round": "Round",
        "transcript_col": "Transcripts",
        "pooled": "Pooled κ",
        "mean_agree": "% agreement (mean)",
        "summary_row": "Summary*",
        "none": "(none)",
        "caption_main": "Agreement per code (unit: line; {coders})",
        "caption_others": "Fleiss' kappa, PABAK and the remaining 95% intervals (n transcr.: transcripts in which the "
        "code occurs; † fewer than 10)",
        "caption_counts": "Counts (a both, b only {first}, c only {second}, d neither), positive and negative "
        "agreement, and each coder's prevalence (%)",
        "caption_counts_many": "Positive and negative agreement, and each coder's prevalence (%)",
        "caption_pairs": "Cohen's kappa, alpha and AC1 per pair of coders and per coder against the consensus",
        "caption_rounds": "Pooled kappa and mean percent agreement per round and per transcript",
        "caption_confusion": "{theme}: rows {first}, columns {second} (lines both finished); multi-valued α of "
        "the theme = {alpha}",
        "summary_note": (
            "* Summary row: κ is the pooled kappa of De Vries et al. (2008); the other figures are means over the "
            "codes where they are defined ({counts}). Grey: code not used by any coder."
        ),
        "no_disagreements": "No disagreements.",
        "consensus": "Consensus",
        "memo": "Memo",
        "only": "only",
        "both": "both",
        "all": "all",
        "against": "{coder} vs. {consensus}",
        "round_name": "Round {n}",
    },
    "nl": {
        "title": "Overeenstemming tussen codeurs",
        "method": "Werkwijze",
        "results": "Overeenstemming per code",
        "others": "Overige coëfficiënten",
        "counts": "Aantallen en specifieke overeenstemming",
        "pairs": "Paren van codeurs en de consensus",
        "rounds": "Overeenstemming per ronde en per transcript",
        "exclusive": "Elkaar uitsluitende codes",
        "notes": "Opmerkingen",
        "disagreements": "Verschillen tussen codeurs",
        "references": "Literatuur",
        "table": "Tabel",
        "code": "Code",
        "lines": "n regels",
        "agree": "% overeenst.",
        "kappa": "κ [95%-BI]",
        "alpha": "α [95%-BI]",
        "ac1": "AC1",
        "fleiss": "Fleiss' κ",
        "pabak": "PABAK [95%-BI]",
        "ac1_ci": "AC1 95%-BI",
        "agree_ci": "% 95%-BI",
        "transcripts_with_code": "n transcr.",
        "pos": "Pos.",
        "neg": "Neg.",
        "prev": "Prev. {coder}",
        "pair": "Codeurs",
        "round": "Ronde",
        "transcript_col": "Transcripten",
        "pooled": "Gepoolde κ",
        "mean_agree": "% overeenst. (gemiddeld)",
        "summary_row": "Samenvatting*",
        "none": "(geen)",
        "caption_main": "Overeenstemming per code (eenheid: regel; {coders})",
        "caption_others": "Fleiss' kappa, PABAK en de overige 95%-betrouwbaarheidsintervallen (n transcr.: transcripten "
        "waarin de code voorkomt; † minder dan 10)",
        "caption_counts": "Aantallen (a beide, b alleen {first}, c alleen {second}, d geen van beiden), positieve en "
        "negatieve overeenstemming, en prevalentie per codeur (%)",
        "caption_counts_many": "Positieve en negatieve overeenstemming, en prevalentie per codeur (%)",
        "caption_pairs": "Cohens kappa, alfa en AC1 per paar codeurs en per codeur tegenover de consensus",
        "caption_rounds": "Gepoolde kappa en gemiddelde procentuele overeenstemming per ronde en per transcript",
        "caption_confusion": "{theme}: rijen {first}, kolommen {second} (regels die beiden afrondden); "
        "meerwaardige α van het thema = {alpha}",
        "summary_note": (
            "* Samenvattingsrij: κ is de gepoolde kappa van De Vries e.a. (2008); de overige waarden zijn "
            "gemiddelden over de codes waarvoor ze gedefinieerd zijn ({counts}). Grijs: code door geen enkele "
            "codeur gebruikt."
        ),
        "no_disagreements": "Geen verschillen.",
        "consensus": "Consensus",
        "memo": "Memo",
        "only": "alleen",
        "both": "beiden",
        "all": "allen",
        "against": "{coder} t.o.v. {consensus}",
        "round_name": "Ronde {n}",
    },
}

# Reasons a figure is undefined, in Dutch (English is the text itself).
_REASONS_NL = {
    "no lines that both coders finished": "geen regels die beide codeurs afrondden",
    "no lines finished by at least two coders": "geen regels die minstens twee codeurs afrondden",
    "no variation: no coder used the code": "geen variatie: geen codeur gebruikte de code",
    "no variation: neither coder used the code": "geen variatie: geen van beide codeurs gebruikte de code",
    "no variation: every line carries the code for every coder": "geen variatie: elke codeur gaf elke regel de code",
    "no variation: chance agreement is 1": "geen variatie: de kansovereenstemming is 1",
    "a coder finished none of these lines": "een codeur rondde geen van deze regels af",
    "fewer than two coders finished these lines": "minder dan twee codeurs rondden deze regels af",
    "no variation on the lines finished by two or more coders: nobody coded them": (
        "geen variatie op de regels die twee of meer codeurs afrondden: niemand codeerde ze"
    ),
    "no bootstrap requested": "geen bootstrap gevraagd",
}
_FIGURES_NL = {
    "kappa": "kappa",
    "Fleiss' kappa": "Fleiss' kappa",
    "alpha": "alfa",
    "positive agreement": "positieve overeenstemming",
    "negative agreement": "negatieve overeenstemming",
    "percent agreement": "procentuele overeenstemming",
    "AC1": "AC1",
    "PABAK": "PABAK",
}


def _reason(text: str, lang: str) -> str:
    if lang != "nl":
        return text
    if text in _REASONS_NL:
        return _REASONS_NL[text]
    if m := re.match(r"needs at least two transcripts to resample \(found (\d+)\)", text):
        return f"er zijn minstens twee transcripten nodig om te hersteekproeven (gevonden: {m.group(1)})"
    if m := re.match(r"the code occurs in (\d+) transcript\(s\); no interval below (\d+)", text):
        return f"de code komt in {m.group(1)} transcript(en) voor; onder {m.group(2)} geen interval"
    return text


# ------------------------------------------------------------------- numbers
@dataclass
class Numbers:
    """Number formatting for one language: APA style (no leading zero), decimal comma in Dutch."""

    lang: str

    def _local(self, text: str) -> str:
        return text.replace(".", ",") if self.lang == "nl" else text

    def num(self, value: float | None) -> str:
        if value is None:
            return "–"
        text = fmt(value)
        text = text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
        return self._local(text)

    def stat(self, s: Stat) -> str:
        return self.num(s.value)

    def ci(self, ci: Interval) -> str:
        if not ci.defined:
            return "–"
        sep = "; " if self.lang == "nl" else ", "
        return f"[{self.num(ci.low)}{sep}{self.num(ci.high)}]"

    def with_ci(self, s: Stat, ci: Interval) -> str:
        if not s.defined:
            return "–"
        return f"{self.stat(s)} {self.ci(ci)}" if ci.defined else self.stat(s)

    def pct(self, s: Stat) -> str:
        if not s.defined or s.value is None:
            return "–"
        return self._local(f"{s.value * 100:.1f}")


# --------------------------------------------------------------------- method
def method_text(report: AgreementReport, cov: dict, lang: str = "en", units_file: str | None = None) -> str:
    """The one method paragraph (with the references cited in it)."""
    coders = ", ".join(report.coders)
    share = cov["share_double_coded"]
    pct = "–" if share is None else f"{share:.0%}"
    many = len(report.coders) > 2
    ts = ", ".join(report.transcripts) or ("geen" if lang == "nl" else "none")
    if lang == "nl":
        kappa = (
            "Congers kappa (Conger, 1980), de uitbreiding van Cohens kappa naar meer dan twee codeurs"
            if many
            else "Cohens kappa (Cohen, 1960) over de regels die beide codeurs afrondden"
        )
        text = (
            "De overeenstemming tussen codeurs is met qualcode berekend op regelniveau: per code, codeur en "
            "niet-lege transcriptregel is de waarde 1 als de codeur de code aan de regel gaf, 0 als de codeur het "
            "transcript had afgerond zonder de code te geven, en ontbrekend als de codeur het transcript nog niet "
            f"had afgerond. Codeurs: {coders}. Transcripten: {ts}. {cov['transcripts_double_coded']} van de "
            f"{cov['transcripts_total']} transcripten ({cov['lines_double_coded']} van de {cov['lines_total']} "
            f"niet-lege regels, {pct} van het materiaal) zijn door minstens twee codeurs onafhankelijk gecodeerd; "
            "de regels zijn per code samengevoegd. Gerapporteerd worden de procentuele overeenstemming, "
            f"{kappa}, Krippendorffs alfa voor nominale gegevens (Krippendorff, 2011) en Gwets AC1 (Gwet, 2008), "
            "en daarnaast Fleiss' kappa (Fleiss, 1971), PABAK, de coëfficiënt van Brennan en Prediger voor twee "
            "categorieën (Brennan & Prediger, 1981; Byrt, Bishop & Carlin, 1993), en positieve en negatieve "
            "overeenstemming (Cicchetti & Feinstein, 1990), elk zoals Gwet (2014) ze definieert voor gegevens met "
            "ontbrekende waarden. De samenvattingsrij geeft de gepoolde kappa van De Vries e.a. (2008): de "
            "gemiddelde waargenomen en de gemiddelde kansovereenstemming over de codes, samengenomen tot één "
            "kappa; voor de andere coëfficiënten het gewone gemiddelde over de codes waarvoor ze gedefinieerd zijn. "
        )
        if report.resamples > 0:
            text += (
                f"De 95%-betrouwbaarheidsintervallen zijn percentielintervallen uit {report.resamples} "
                "bootstrapsteekproeven van hele transcripten, omdat regels binnen een transcript niet onafhankelijk "
                f"zijn (Davison & Hinkley, 1997; seed {report.seed}). Een interval dat steunt op minder dan "
                f"{FEW_TRANSCRIPTS} transcripten waarin de code voorkomt, is waarschijnlijk te smal en is gemarkeerd; "
                "onder twee transcripten is er geen interval. "
            )
        text += (
            "Een alfa van minstens ,800 geldt als betrouwbaar en van minstens ,667 als voldoende voor voorlopige "
            "conclusies (Krippendorff, 2004). "
        )
        text += (
            f"De eenhedenmatrix (transcript, regel, code en per codeur 1, 0 of leeg) staat in {units_file}, zodat "
            "elke waarde na te rekenen is."
            if units_file
            else "De eenhedenmatrix (transcript, regel, code en per codeur 1, 0 of leeg) is met "
            "`qualcode agreement --units eenheden.csv` op te vragen, zodat elke waarde na te rekenen is."
        )
        return text
    kappa = (
        "Conger's kappa (Conger, 1980), the generalisation of Cohen's kappa to more than two coders"
        if many
        else "Cohen's kappa (Cohen, 1960) on the lines both coders finished"
    )
    text = (
        "Inter-coder agreement was computed with qualcode on line units: for every code, coder and non-blank "
        "transcript line the value is 1 when the coder applied the code to the line, 0 when the coder had finished "
        "the transcript without applying it, and missing when the coder had not finished the transcript. "
        f"Coders: {coders}. Transcripts: {ts}. {cov['transcripts_double_coded']} of {cov['transcripts_total']} "
        f"transcripts ({cov['lines_double_coded']} of {cov['lines_total']} non-blank lines, {pct} of the corpus) "
        "were coded independently by at least two coders; lines were pooled per code. We report percent agreement, "
        f"{kappa}, Krippendorff's alpha for nominal data (Krippendorff, 2011) and Gwet's AC1 (Gwet, 2008), and "
        "further Fleiss' kappa (Fleiss, 1971), PABAK, the Brennan–Prediger coefficient for two categories "
        "(Brennan & Prediger, 1981; Byrt, Bishop & Carlin, 1993), and positive and negative agreement (Cicchetti & "
        "Feinstein, 1990), each as Gwet (2014) defines it for data with missing values. The summary row gives the "
        "pooled kappa of De Vries et al. (2008) — the mean observed agreement and the mean chance agreement over "
        "the codes, combined into one kappa — and for the other coefficients the plain mean over the codes where "
        "they are defined. "
    )
    if report.resamples > 0:
        text += (
            f"The 95% confidence intervals are percentile intervals from {report.resamples} bootstrap resamples of "
            "whole transcripts, because lines within a transcript are not independent (Davison & Hinkley, 1997; "
            f"seed {report.seed}). An interval resting on fewer than {FEW_TRANSCRIPTS} transcripts in which the "
            "code occurs is likely too narrow and is marked; below two transcripts there is no interval. "
        )
    text += (
        "Alpha of at least .800 counts as reliable and at least .667 as acceptable for tentative conclusions "
        "(Krippendorff, 2004). "
    )
    text += (
        f"The unit matrix (transcript, line, code and per coder 1, 0 or empty) is in {units_file}, so every figure "
        "can be recomputed."
        if units_file
        else "The unit matrix (transcript, line, code and per coder 1, 0 or empty) is written by "
        "`qualcode agreement --units units.csv`, so every figure can be recomputed."
    )
    return text


# --------------------------------------------------------------------- tables
def fit_widths(widths: Sequence[float], text_width: float) -> list[float]:
    """Scale column widths down (never up) so they add up to at most ``text_width`` cm."""
    total = sum(widths)
    if total <= text_width:
        return list(widths)
    return [w * text_width / total for w in widths]


@dataclass
class Cell:
    text: str
    grey: bool = False
    bold: bool = False


@dataclass
class Table:
    header: list[str]
    widths: list[float]
    rows: list[list[Cell]] = field(default_factory=list)
    align: list[str] = field(default_factory=list)


def _table_xml(writer, table: Table, text_width: float) -> str:
    """A fixed-layout table in style Table Grid: bold repeating header, grey/bold cells, 9 pt text."""
    from qualcode.report.docx_writer import TWIPS_PER_CM, escape_attr

    widths = fit_widths(table.widths, text_width)
    twips = [int(w * TWIPS_PER_CM) for w in widths]
    sid = writer.style_id("Table Grid")
    style = f'<w:tblStyle w:val="{escape_attr(sid)}"/>' if sid else ""
    out = [
        f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
    ]
    out.extend(f'<w:gridCol w:w="{t}"/>' for t in twips)
    out.append("</w:tblGrid>")
    align = table.align + ["right"] * (len(twips) - len(table.align))

    def row(cells: Sequence[Cell], header: bool = False) -> str:
        parts = [
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        ]
        for i, cell in enumerate(cells):
            rpr = "<w:rPr>" + ("<w:b/>" if cell.bold or header else "")
            rpr += f'<w:color w:val="{GREY}"/>' if cell.grey else ""
            rpr += '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
            jc = f'<w:jc w:val="{align[i]}"/>' if align[i] != "left" else ""
            ppr = f'<w:pPr><w:spacing w:before="0" w:after="0"/>{jc}</w:pPr>'
            parts.append(
                f'<w:tc><w:tcW w:w="{twips[i]}" w:type="dxa"/><w:p>{ppr}{writer.run(cell.text, rpr)}</w:p></w:tc>'
            )
        parts.append("</w:tr>")
        return "".join(parts)

    out.append(row([Cell(h) for h in table.header], header=True))
    out.extend(row(r) for r in table.rows)
    out.append("</w:tbl>")
    return "".join(out)


def _put_table(writer, caption: str, table: Table, words: dict, text_width: float) -> None:
    writer.caption(words["table"], caption)
    writer.raw(_table_xml(writer, table, text_width))
    writer.paragraph("")


def main_table(report: AgreementReport, n: Numbers, words: dict) -> Table:
    t = Table(
        [words["code"], words["lines"], words["agree"], words["kappa"], words["alpha"], words["ac1"]],
        [3.7, 1.5, 2.3, 3.4, 3.4, 1.4],
        align=["left"],
    )
    for ca in report.codes.values():
        grey = not ca.used
        t.rows.append(
            [
                Cell(ca.code, grey),
                Cell(str(ca.n_units), grey),
                Cell(n.pct(ca.percent_agreement), grey),
                Cell(n.with_ci(ca.kappa, ca.kappa_ci), grey),
                Cell(n.with_ci(ca.alpha, ca.alpha_ci), grey),
                Cell(n.stat(ca.ac1), grey),
            ]
        )
    if len(report.codes) > 1:
        s = report.summary
        t.rows.append(
            [
                Cell(words["summary_row"], bold=True),
                Cell(str(s.n_units), bold=True),
                Cell(n.pct(s.means["percent_agreement"]), bold=True),
                Cell(n.with_ci(s.pooled_kappa, s.pooled_kappa_ci), bold=True),
                Cell(n.stat(s.means["alpha"]), bold=True),
                Cell(n.stat(s.means["ac1"]), bold=True),
            ]
        )
    return t


def others_table(report: AgreementReport, n: Numbers, words: dict) -> Table:
    t = Table(
        [
            words["code"],
            words["fleiss"],
            words["pabak"],
            words["ac1_ci"],
            words["agree_ci"],
            words["transcripts_with_code"],
        ],
        [3.7, 1.6, 3.4, 2.6, 2.6, 1.9],
        align=["left"],
    )
    for ca in report.codes.values():
        grey = not ca.used
        iv = ca.intervals
        few = ca.used and ca.transcripts_with_code < FEW_TRANSCRIPTS and any(c.defined for c in iv.values())
        t.rows.append(
            [
                Cell(ca.code, grey),
                Cell(n.stat(ca.fleiss), grey),
                Cell(n.with_ci(ca.pabak, iv["pabak"]), grey),
                Cell(n.ci(iv["ac1"]), grey),
                Cell(_pct_ci(iv["percent_agreement"], n), grey),
                Cell(f"{ca.transcripts_with_code}{' †' if few else ''}", grey),
            ]
        )
    return t


def _pct_ci(ci: Interval, n: Numbers) -> str:
    if not ci.defined or ci.low is None or ci.high is None:
        return "–"
    sep = "; " if n.lang == "nl" else ", "
    return n._local(f"[{ci.low * 100:.1f}") + sep + n._local(f"{ci.high * 100:.1f}]")


def counts_table(report: AgreementReport, n: Numbers, words: dict) -> tuple[str, Table]:
    coders = report.coders
    if len(coders) == 2:
        header = [words["code"], "a", "b", "c", "d", words["pos"], words["neg"]]
        header += [words["prev"].format(coder=c) for c in coders]
        t = Table(header, [3.9, 1.2, 1.2, 1.2, 1.4, 1.7, 1.7, 1.8, 1.8], align=["left"])
        caption = words["caption_counts"].format(first=coders[0], second=coders[1])
    else:
        header = [words["code"], words["pos"], words["neg"]] + [words["prev"].format(coder=c) for c in coders]
        t = Table(header, [3.9, 1.8, 1.8] + [1.8] * len(coders), align=["left"])
        caption = words["caption_counts_many"]
    for ca in report.codes.values():
        grey = not ca.used
        cells = [Cell(ca.code, grey)]
        if ca.counts is not None:
            cells += [Cell(str(v), grey) for v in ca.counts]
        cells += [Cell(n.stat(ca.positive_agreement), grey), Cell(n.stat(ca.negative_agreement), grey)]
        cells += [Cell(n.pct(ca.prevalence[c]), grey) for c in coders]
        t.rows.append(cells)
    return caption, t


def pairs_table(report: AgreementReport, n: Numbers, words: dict) -> Table | None:
    many = len(report.coders) > 2
    has_consensus = any(ca.against_consensus for ca in report.codes.values())
    if not many and not has_consensus:
        return None
    t = Table(
        [words["code"], words["pair"], words["lines"], "κ", "α", words["ac1"]],
        [3.9, 4.6, 1.6, 1.6, 1.6, 1.6],
        align=["left", "left"],
    )
    for ca in report.codes.values():
        if not ca.used:
            continue  # listed in the notes; its pairs say nothing
        grey = False
        rows = [(key.replace("|", " – "), p) for key, p in ca.pairs.items()] if many else []
        rows += [(words["against"].format(coder=c, consensus=p.second), p) for c, p in ca.against_consensus.items()]
        for label, p in rows:
            t.rows.append(
                [
                    Cell(ca.code, grey),
                    Cell(label, grey),
                    Cell(str(p.n_units), grey),
                    Cell(n.stat(p.kappa), grey),
                    Cell(n.stat(p.alpha), grey),
                    Cell(n.stat(p.ac1), grey),
                ]
            )
    return t


def rounds_table(report: AgreementReport, n: Numbers, words: dict) -> Table | None:
    if len(report.per_transcript) < 2:
        return None
    t = Table(
        [words["round"], words["transcript_col"], words["lines"], words["mean_agree"], words["pooled"]],
        [2.6, 5.6, 1.8, 3.0, 2.4],
        align=["left", "left"],
    )
    for r in report.rounds:
        t.rows.append(
            [
                Cell(words["round_name"].format(n=r.round), bold=True),
                Cell(", ".join(r.transcripts), bold=True),
                Cell(str(r.n_units), bold=True),
                Cell(n.pct(r.percent_agreement), bold=True),
                Cell(n.stat(r.pooled_kappa), bold=True),
            ]
        )
        for row in report.per_transcript:
            if row.round == r.round:
                t.rows.append(
                    [
                        Cell(""),
                        Cell(row.name),
                        Cell(str(row.n_units)),
                        Cell(n.pct(row.percent_agreement)),
                        Cell(n.stat(row.pooled_kappa)),
                    ]
                )
    return t


# ---------------------------------------------------------------------- notes
def notes_paragraphs(notes: GroupedNotes, lang: str, n: Numbers) -> list[str]:
    """The grouped notes as sentences in plain words."""
    nl = lang == "nl"
    out = []
    if notes.unused:
        out.append(
            (
                "Door geen enkele codeur gebruikt (grijs; procentuele overeenstemming, AC1 en PABAK zijn dan per "
                "definitie 1 en zeggen niets): "
                if nl
                else f"{UNUSED[0].upper()}{UNUSED[1:]} (grey; percent agreement, AC1 and PABAK are then 1 by "
                "definition and say nothing): "
            )
            + ", ".join(notes.unused)
            + "."
        )
    if notes.few:
        word = "transcripten" if nl else "transcripts"
        listed = ", ".join(f"{c} ({k} {word})" for c, k in notes.few)
        out.append(
            f"Intervallen die steunen op minder dan {FEW_TRANSCRIPTS} transcripten waarin de code voorkomt, "
            f"zijn waarschijnlijk te smal (†): {listed}."
            if nl
            else f"Intervals resting on fewer than {FEW_TRANSCRIPTS} transcripts in which the code occurs are "
            f"likely too narrow (†): {listed}."
        )
    for reason, codes in notes.no_interval.items():
        out.append(("Geen interval" if nl else "No interval") + f" ({_reason(reason, lang)}): {', '.join(codes)}.")
    for (figure, reason), codes in notes.undefined.items():
        name = _FIGURES_NL.get(figure, figure) if nl else figure
        verb = "niet te berekenen" if nl else "cannot be computed"
        out.append(f"{name[0].upper()}{name[1:]} {verb} ({_reason(reason, lang)}): {', '.join(codes)}.")
    if notes.partial:
        listed = ", ".join(
            f"{code} {_FIGURES_NL.get(figure, figure) if nl else figure} ({used} {'van' if nl else 'of'} {total})"
            for code, figure, used, total in notes.partial
        )
        out.append(
            (
                "Intervallen uit de steekproeven waarin de waarde gedefinieerd is: "
                if nl
                else "Intervals from the resamples in which the figure is defined: "
            )
            + listed
            + "."
        )
    if any("Conger" in c for c in notes.coders):
        out.append(
            "Met drie of meer codeurs is κ Congers kappa; Cohens kappa per paar codeurs staat in de tabel met paren."
            if nl
            else "With three or more coders, κ is Conger's kappa; Cohen's kappa per pair of coders is in the pair table."
        )
    return out


# ------------------------------------------------------------------ the document
def _text_width_cm(document) -> float:
    section = document.sections[0]
    try:
        width = (section.page_width - section.left_margin - section.right_margin) / 360000
    except TypeError:  # a template without page size: Word's default A4 text block
        return A4_TEXT_WIDTH_CM
    return float(width) if width > 5 else A4_TEXT_WIDTH_CM


def _set_a4(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)


def _label(part, present: Sequence[str], lang: str) -> str:
    """ "anna only" / "alleen anna", "both" / "beiden", "all" / "allen", or "anna + carl"."""
    words = WORDS[lang]
    if len(part.coders) == len(present):
        return words["both"] if len(present) == 2 else words["all"]
    if len(part.coders) == 1:
        return f"{words['only']} {part.coders[0]}" if lang == "nl" else f"{part.coders[0]} {words['only']}"
    return " + ".join(part.coders)


def build_document(
    report: AgreementReport,
    cov: dict,
    disagreements: dict[str, list],
    title: str | None = None,
    *,
    lang: str = "en",
    template: str | Path | None = None,
    units_file: str | None = None,
):
    """A python-docx Document for the report (not saved) and the writer's warnings."""
    from qualcode.report.docx_writer import DocWriter, open_document

    if lang not in WORDS:
        raise InputError(f"unknown language {lang!r} (choose nl or en)")
    words = WORDS[lang]
    n = Numbers(lang)
    document = open_document(template)
    if template is None:
        _set_a4(document)
    width = _text_width_cm(document)
    w = DocWriter(document)
    w.title(title or words["title"])
    w.heading(words["method"], 1)
    w.paragraph(method_text(report, cov, lang, units_file))

    w.heading(words["results"], 1)
    _put_table(
        w, words["caption_main"].format(coders=", ".join(report.coders)), main_table(report, n, words), words, width
    )
    of = "van" if lang == "nl" else "of"
    counts = "; ".join(
        f"{k}: {report.summary.mean_counts.get(key, 0)} {of} {len(report.codes)}"
        for k, key in (("α", "alpha"), ("AC1", "ac1"), ("%", "percent_agreement"))
    )
    if len(report.codes) > 1:
        w.paragraph(words["summary_note"].format(counts=counts))
    notes = grouped(report)
    if notes:
        w.heading(words["notes"], 2)
        for text in notes_paragraphs(notes, lang, n):
            w.paragraph(text, "List Bullet" if w.has_style("List Bullet") else None)

    w.heading(words["others"], 1)
    _put_table(w, words["caption_others"], others_table(report, n, words), words, width)
    caption, table = counts_table(report, n, words)
    _put_table(w, caption, table, words, width)
    pairs = pairs_table(report, n, words)
    if pairs is not None:
        w.heading(words["pairs"], 2)
        _put_table(w, words["caption_pairs"], pairs, words, width)
    rounds = rounds_table(report, n, words)
    if rounds is not None:
        w.heading(words["rounds"], 2)
        _put_table(w, words["caption_rounds"], rounds, words, width)
    if report.exclusive:
        w.heading(words["exclusive"], 2)
        for theme, ex in report.exclusive.items():
            cats = ex.categories[:-1] + [words["none"]]
            for key, m in ex.confusion.items():
                first, second = key.split("|", 1)
                wide = [max(1.6, 0.2 * len(c) + 0.5) for c in cats]
                t = Table([""] + cats, [max(wide)] + wide, align=["left"])
                for c, row in zip(cats, m, strict=True):
                    t.rows.append([Cell(c, bold=True)] + [Cell(str(int(v))) for v in row])
                _put_table(
                    w,
                    words["caption_confusion"].format(theme=theme, first=first, second=second, alpha=n.stat(ex.alpha)),
                    t,
                    words,
                    width,
                )

    w.heading(words["disagreements"], 1)
    for code, items in disagreements.items():
        w.heading(code, 2)
        if not items:
            w.paragraph(words["no_disagreements"])
            continue
        for k, d in enumerate(items, 1):
            runs = w.run(f"{k}. {d.citation}", "<w:rPr><w:b/></w:rPr>")
            if d.speakers:
                runs += w.run(f" — {', '.join(d.speakers)}")
            parts = "; ".join(f"{format_ranges(pt.ranges)}: {_label(pt, d.coders, lang)}" for pt in d.parts)
            runs += w.run(f". {parts}")
            w.raw(f"<w:p>{w.ppr(None)}{runs}</w:p>")
            for coder, cs in d.codings.items():
                for c in cs:
                    if c.memo:
                        w.paragraph(f"{words['memo']} {coder} ({format_ranges(c.ranges)}): {c.memo}")
            if d.consensus:
                w.paragraph(f"{words['consensus']}: " + ", ".join(format_ranges(c.ranges) for c in d.consensus))
            w.quote(f"“{d.text}”", d.citation)

    w.heading(words["references"], 1)
    for ref in REFERENCES:
        w.paragraph(ref)
    w.flush()
    return document, w.warnings


def write_report_with_warnings(
    project: Project,
    out: str | os.PathLike,
    *,
    coders: str | Sequence[str] | None = None,
    transcript_names: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int | None = None,
    lang: str | None = None,
    template: str | Path | None = None,
    since: str | None = None,
    round_: int | None = None,
    units_csv: str | os.PathLike | None = None,
) -> tuple[Path, list[str]]:
    """Compute everything and write the report to ``out`` (a .docx) atomically; return the path and the
    template warnings (missing styles).

    ``units_csv`` also writes the unit matrix there and names it in the method paragraph.
    """
    from qualcode.agreement import units as agreement_data
    from qualcode.report.docx_writer import save_package
    from qualcode.store.files import atomic_path

    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError("the agreement report is a Word file; give a name ending in .docx", path=str(out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist", path=str(out))
    lang = lang or project.setting("language") or "en"
    if lang not in WORDS:
        raise InputError(f"unknown language {lang!r} (choose nl or en)")
    names = agreement_data.parse_coders(coders)
    scope, units, report = agreement_data.compute_report(
        project,
        coders=names,
        transcript_names=transcript_names,
        resamples=resamples,
        seed=seed,
        since=since,
        round_=round_,
    )
    units_name = None
    if units_csv is not None:
        agreement_data.write_units_csv(units, units_csv)
        units_name = Path(units_csv).name
    cov = agreement_data.coverage(project, scope)
    chosen = [t.name for t in scope.transcripts]
    dis = {
        code: agreement_data.disagreements(project, code, coders=scope.coders, transcript_names=chosen)
        for code in report.codes
    }
    document, warnings = build_document(report, cov, dis, lang=lang, template=template, units_file=units_name)
    with atomic_path(out) as tmp:
        save_package(document, tmp)
    return out, warnings
