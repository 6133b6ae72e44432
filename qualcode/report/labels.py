"""The words an export prints, in Dutch (``nl``) and English (``en``).

Only labels live here; the structure of the documents does not depend on the
language. :func:`labels` raises :class:`InputError` for other languages.
"""

from __future__ import annotations

from qualcode.errors import InputError

LANGUAGES = ("nl", "en")

_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Resultaten: thema's en citaten",
        "method_heading": "Werkwijze",
        "method": (
            "Dit rapport is gemaakt met qualcode uit het project {project}. Het materiaal bestaat uit "
            "{n_transcripts} {transcripts_word} ({transcripts}) met samen {n_lines} genummerde regels. "
            "Gecodeerd door: {coders}. Dit rapport toont de codering van {coder} ({n_quotes} {quotes_word}). "
            "Het codeboek telt {n_codes} codes ({n_themes} hoofdcodes en {n_subcodes} subcodes). "
            "Elk citaat wordt gevolgd door de bron: transcript en regelnummers, zoals {example}."
        ),
        "transcript_one": "transcript",
        "transcript_many": "transcripten",
        "quote_one": "citaat",
        "quote_many": "citaten",
        "nobody": "niemand",
        "codebook_heading": "Codeboek",
        "table_word": "Tabel",
        "figure_word": "Figuur",
        "codebook_caption": "Het codeboek",
        "col_code": "Code",
        "col_definition": "Definitie",
        "col_include": "Wanneer gebruiken",
        "col_exclude": "Wanneer niet gebruiken",
        "col_codings": "Coderingen",
        "col_transcripts": "Transcripten",
        "frequency_heading": "Frequenties",
        "frequency_caption": "Aantal coderingen per code en transcript",
        "chart_caption": "Aantal coderingen per code en transcript (staafdiagram)",
        "chart_ylabel": "Aantal coderingen",
        "total": "Totaal",
        "quote_table_caption": "Citaten bij {theme}",
        "col_theme": "Thema",
        "col_quote": "Citaat",
        "col_source": "Bron",
        "col_speaker": "Spreker",
        "no_quotes": "Geen citaten bij dit thema in deze selectie.",
        "appendix_heading": "Bijlage: transcript {name}",
        "appendix_intro": "Transcript {name} ({n_lines} regels), met de regelnummers waarnaar de citaten verwijzen.",
        "transcript_title": "Transcript {name}",
        "example_citation": "(FG2; 57-64)",
    },
    "en": {
        "title": "Results: themes and quotes",
        "method_heading": "Method",
        "method": (
            "This report was made with qualcode from the project {project}. The material consists of "
            "{n_transcripts} {transcripts_word} ({transcripts}) with {n_lines} numbered lines in total. "
            "Coded by: {coders}. This report shows the coding of {coder} ({n_quotes} {quotes_word}). "
            "The codebook has {n_codes} codes ({n_themes} main codes and {n_subcodes} subcodes). "
            "Each quote is followed by its source: transcript and line numbers, as in {example}."
        ),
        "transcript_one": "transcript",
        "transcript_many": "transcripts",
        "quote_one": "quote",
        "quote_many": "quotes",
        "nobody": "nobody",
        "codebook_heading": "Codebook",
        "table_word": "Table",
        "figure_word": "Figure",
        "codebook_caption": "The codebook",
        "col_code": "Code",
        "col_definition": "Definition",
        "col_include": "When to use",
        "col_exclude": "When not to use",
        "col_codings": "Codings",
        "col_transcripts": "Transcripts",
        "frequency_heading": "Frequencies",
        "frequency_caption": "Number of codings per code and transcript",
        "chart_caption": "Number of codings per code and transcript (bar chart)",
        "chart_ylabel": "Codings",
        "total": "Total",
        "quote_table_caption": "Quotes for {theme}",
        "col_theme": "Theme",
        "col_quote": "Quote",
        "col_source": "Source",
        "col_speaker": "Speaker",
        "no_quotes": "No quotes for this theme in this selection.",
        "appendix_heading": "Appendix: transcript {name}",
        "appendix_intro": "Transcript {name} ({n_lines} lines), with the line numbers the quotes cite.",
        "transcript_title": "Transcript {name}",
        "example_citation": "(FG2; 57-64)",
    },
}


def labels(lang: str) -> dict[str, str]:
    """The labels for ``lang`` (``nl`` or ``en``)."""
    try:
        return _LABELS[lang]
    except KeyError:
        raise InputError(f"unknown language {lang!r} (choose nl or en)") from None
