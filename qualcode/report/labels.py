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
        "toc_heading": "Inhoud",
        "toc_placeholder": "De inhoudsopgave wordt bijgewerkt wanneer Word het document opent "
        "(of kies Veld bijwerken in het snelmenu).",
        "method_heading": "Methode",
        "method_project": "Dit rapport is gemaakt met qualcode voor het project {title}. ",
        "method_plain": "Dit rapport is gemaakt met qualcode. ",
        "method": (
            "Het materiaal bestaat uit {n_transcripts} {transcripts_word} ({transcripts}) met samen {n_lines} "
            "genummerde regels. {coded_by} Dit rapport toont {whose} ({n_quotes} {quotes_word}). "
            "Het codeboek telt {n_codes} codes ({n_themes} hoofdcodes en {n_subcodes} subcodes). "
            "Elk citaat wordt gevolgd door de bron: transcript en regelnummers, zoals {example}."
        ),
        "method_picked": " De citaten per thema zijn door de auteur gekozen en geordend.",
        "coded_by": "Gecodeerd door {names}.",
        "coded_by_count": "Gecodeerd door {n} {coders_word}.",
        "and": "en",
        "others": "{n} andere {coders_word}",
        "coder_one": "codeur",
        "coder_many": "codeurs",
        "whose_named": "de codering van {name}",
        "whose_consensus": "de consensuscodering",
        "whose_one": "de codering van één codeur",
        "transcript_one": "transcript",
        "transcript_many": "transcripten",
        "quote_one": "citaat",
        "quote_many": "citaten",
        "results_heading": "Resultaten",
        "codebook_heading": "Codeboek",
        "table_word": "Tabel",
        "figure_word": "Figuur",
        "codebook_caption": "Het codeboek (aantal: coderingen in deze selectie, tussen haakjes het aantal transcripten)",
        "col_code": "Code",
        "col_definition": "Definitie",
        "col_include": "Wanneer gebruiken",
        "col_exclude": "Wanneer niet gebruiken",
        "col_count": "Aantal",
        "col_codings": "Coderingen",
        "col_transcripts": "Transcripten",
        "frequency_heading": "Frequenties",
        "frequency_caption": "Aantal coderingen per code en transcript",
        "chart_caption": "Aantal coderingen per code, gesorteerd op frequentie",
        "chart_caption_totals": "Aantal coderingen per code, gesorteerd op frequentie (totalen over {n} transcripten; "
        "per transcript zie de tabel)",
        "chart_xlabel": "Aantal coderingen",
        "total": "Totaal",
        "quote_table_heading": "Citatentabel",
        "quote_table_caption": "Citaten bij {theme}",
        "quote_table_all_caption": "Alle citaten per thema",
        "summary_grid_heading": "Samenvattingen per transcript",
        "summary_grid_caption": "Samenvattingen per thema en transcript (tussen haakjes het aantal citaten)",
        "col_theme": "Thema",
        "col_quote": "Citaat",
        "col_source": "Bron",
        "col_speaker": "Spreker",
        "appendix_heading": "Bijlage: transcript {name}",
        "appendix_header": "Bijlage: transcript {name}",
        "appendix_intro": "Transcript {name} ({n_lines} regels), met de regelnummers waarnaar de citaten verwijzen.",
        "appendix_marked": " Gecodeerde regels in deze selectie zijn grijs gemarkeerd.",
        "transcript_title": "Transcript {name}",
        "example_citation": "(FG2; 57-64)",
        "open_quote": "\u201c",
        "close_quote": "\u201d",
    },
    "en": {
        "title": "Results: themes and quotes",
        "toc_heading": "Contents",
        "toc_placeholder": "The table of contents is updated when Word opens the document "
        "(or choose Update Field from the context menu).",
        "method_heading": "Method",
        "method_project": "This report was made with qualcode for the project {title}. ",
        "method_plain": "This report was made with qualcode. ",
        "method": (
            "The material consists of {n_transcripts} {transcripts_word} ({transcripts}) with {n_lines} numbered "
            "lines in total. {coded_by} This report shows {whose} ({n_quotes} {quotes_word}). "
            "The codebook has {n_codes} codes ({n_themes} main codes and {n_subcodes} subcodes). "
            "Each quote is followed by its source: transcript and line numbers, as in {example}."
        ),
        "method_picked": " The quotes per theme were chosen and ordered by the author.",
        "coded_by": "Coded by {names}.",
        "coded_by_count": "Coded by {n} {coders_word}.",
        "and": "and",
        "others": "{n} other {coders_word}",
        "coder_one": "coder",
        "coder_many": "coders",
        "whose_named": "the coding of {name}",
        "whose_consensus": "the consensus coding",
        "whose_one": "the coding of one coder",
        "transcript_one": "transcript",
        "transcript_many": "transcripts",
        "quote_one": "quote",
        "quote_many": "quotes",
        "results_heading": "Results",
        "codebook_heading": "Codebook",
        "table_word": "Table",
        "figure_word": "Figure",
        "codebook_caption": "The codebook (count: codings in this selection, in brackets the number of transcripts)",
        "col_code": "Code",
        "col_definition": "Definition",
        "col_include": "When to use",
        "col_exclude": "When not to use",
        "col_count": "Count",
        "col_codings": "Codings",
        "col_transcripts": "Transcripts",
        "frequency_heading": "Frequencies",
        "frequency_caption": "Number of codings per code and transcript",
        "chart_caption": "Number of codings per code, sorted by frequency",
        "chart_caption_totals": "Number of codings per code, sorted by frequency (totals over {n} transcripts; "
        "per transcript see the table)",
        "chart_xlabel": "Codings",
        "total": "Total",
        "quote_table_heading": "Quote table",
        "quote_table_caption": "Quotes for {theme}",
        "quote_table_all_caption": "All quotes by theme",
        "summary_grid_heading": "Summaries per transcript",
        "summary_grid_caption": "Summaries per theme and transcript (in brackets the number of quotes)",
        "col_theme": "Theme",
        "col_quote": "Quote",
        "col_source": "Source",
        "col_speaker": "Speaker",
        "appendix_heading": "Appendix: transcript {name}",
        "appendix_header": "Appendix: transcript {name}",
        "appendix_intro": "Transcript {name} ({n_lines} lines), with the line numbers the quotes cite.",
        "appendix_marked": " Lines coded in this selection are shaded grey.",
        "transcript_title": "Transcript {name}",
        "example_citation": "(FG2; 57-64)",
        "open_quote": "\u201c",
        "close_quote": "\u201d",
    },
}


SHEET_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "sheet": "Citaten",
        "transcript": "Transcript",
        "ranges": "Regels",
        "citation": "Bron",
        "code": "Code",
        "coder": "Codeur",
        "speakers": "Sprekers",
        "text": "Citaat",
        "memo": "Memo",
    },
    "en": {
        "sheet": "Quotes",
        "transcript": "Transcript",
        "ranges": "Lines",
        "citation": "Source",
        "code": "Code",
        "coder": "Coder",
        "speakers": "Speakers",
        "text": "Quote",
        "memo": "Memo",
    },
}


def labels(lang: str) -> dict[str, str]:
    """The labels for ``lang`` (``nl`` or ``en``)."""
    try:
        return _LABELS[lang]
    except KeyError:
        raise InputError(f"unknown language {lang!r} (choose nl or en)") from None
