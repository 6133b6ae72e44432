"""Document-level setup for Word exports: page, language, styles, properties, fields, sections.

* :func:`setup_page` — A4 with Dutch margins (2.5 cm) when there is no template;
  :func:`text_width_cm` — the text block of whatever page the document defines (every
  table and figure is sized to fit it).
* :func:`set_language` — ``w:lang`` in the document defaults and every style (``nl-NL``/``en-GB``).
* :func:`ensure_report_styles` — creates ``Quote`` (indented both sides, spacing, not
  italic), ``Caption`` and ``Table Grid`` from the document's Normal when a template lacks
  them; without a template our ``Quote`` is made upright and indented.
* :func:`set_properties` — title, author, created/modified now (never "python-docx" or 2013).
* :func:`toc_paragraph`, :func:`add_page_numbers`, :func:`new_section_with_header`.
* :func:`body_font` — the font the Normal style resolves to (for the chart).
"""

from __future__ import annotations

import datetime as _dt

from qualcode.report.docx_writer import W_NS, DocWriter, escape, escape_attr

A4_TWIPS = (11906, 16838)
MARGIN_TWIPS = 1418  # 2.5 cm, Word's Dutch default
HEADER_TWIPS = 709  # 1.25 cm
LANGS = {"nl": "nl-NL", "en": "en-GB"}
_W = f"{{{W_NS}}}"


def _w(tag: str) -> str:
    return _W + tag


def setup_page(document) -> None:
    """A4 portrait with 2.5 cm margins on every section (for documents without a template)."""
    for section in document.sections:
        sect = section._sectPr
        pg = sect.find(_w("pgSz"))
        if pg is None:
            from docx.oxml import OxmlElement

            pg = OxmlElement("w:pgSz")
            sect.append(pg)
        pg.set(_w("w"), str(A4_TWIPS[0]))
        pg.set(_w("h"), str(A4_TWIPS[1]))
        for attr in ("orient",):
            pg.attrib.pop(_w(attr), None)
        mar = sect.find(_w("pgMar"))
        if mar is None:
            from docx.oxml import OxmlElement

            mar = OxmlElement("w:pgMar")
            sect.append(mar)
        for side in ("top", "bottom", "left", "right"):
            mar.set(_w(side), str(MARGIN_TWIPS))
        mar.set(_w("header"), str(HEADER_TWIPS))
        mar.set(_w("footer"), str(HEADER_TWIPS))
        mar.set(_w("gutter"), "0")


def text_width_cm(document) -> float:
    """Width of the text block of the document's last section (page width minus margins), in cm."""
    sect = document.element.body.find(_w("sectPr"))
    width, left, right = A4_TWIPS[0], MARGIN_TWIPS, MARGIN_TWIPS
    if sect is not None:
        pg, mar = sect.find(_w("pgSz")), sect.find(_w("pgMar"))
        if pg is not None and pg.get(_w("w")):
            width = int(pg.get(_w("w")))
            if pg.get(_w("orient")) == "landscape" and pg.get(_w("h")) and int(pg.get(_w("h"))) > width:
                width = int(pg.get(_w("h")))
        if mar is not None:
            left = int(mar.get(_w("left"), left) or 0) + int(mar.get(_w("gutter"), 0) or 0)
            right = int(mar.get(_w("right"), right) or 0)
    return max(width - left - right, 2000) / 567.0


def set_language(document, lang: str) -> str:
    """Tag the document defaults and every style with ``nl-NL`` or ``en-GB``; returns the tag."""
    from docx.oxml import OxmlElement

    tag = LANGS[lang]
    styles = document.styles.element
    defaults = styles.find(_w("docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_w("rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_w("rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(_w("lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(_w("val"), tag)
    for el in styles.iter(_w("lang")):  # styles that set their own language follow the document's
        if el.get(_w("val")):
            el.set(_w("val"), tag)
    return tag


def _style_xml(kind: str, style_id: str, name: str, body: str, based_on: str | None) -> str:
    based = f'<w:basedOn w:val="{escape_attr(based_on)}"/>' if based_on else ""
    return (
        f'<w:style xmlns:w="{W_NS}" w:type="{kind}" w:customStyle="1" w:styleId="{escape_attr(style_id)}">'
        f'<w:name w:val="{escape_attr(name)}"/>{based}<w:uiPriority w:val="29"/><w:qFormat/>{body}</w:style>'
    )


QUOTE_PPR = '<w:pPr><w:spacing w:before="120" w:after="120"/><w:ind w:left="567" w:right="567"/></w:pPr>'


def ensure_report_styles(writer: DocWriter, *, from_template: bool) -> list[str]:
    """Create ``Quote``, ``Caption`` and ``Table Grid`` when missing; returns notes saying which.

    Without a template the default ``Quote`` (python-docx's: italic, flush left) is made
    upright, indented 1 cm on both sides, with 6 pt before and after.
    """
    from docx.oxml import parse_xml

    styles = writer.document.styles.element
    ids = {s.get(_w("styleId")) for s in styles.iter(_w("style"))}
    normal = writer.style_id("Normal") if writer.has_style("Normal") else None
    notes = []

    def free_id(base: str) -> str:
        sid, i = base, 1
        while sid in ids:
            i += 1
            sid = f"{base}{i}"
        ids.add(sid)
        return sid

    if not writer.has_style("Quote"):
        styles.append(parse_xml(_style_xml("paragraph", free_id("Quote"), "Quote", QUOTE_PPR, normal)))
        notes.append("the template has no style 'Quote'; added one based on its Normal (indented both sides)")
    elif not from_template:
        quote = next(s for s in styles.iter(_w("style")) if s.get(_w("styleId")) == writer.style_id("Quote"))
        rpr = quote.find(_w("rPr"))
        if rpr is not None:
            for tag in ("i", "iCs"):
                for el in rpr.findall(_w(tag)):
                    rpr.remove(el)
        old = quote.find(_w("pPr"))
        if old is not None:
            quote.remove(old)
        ppr = parse_xml(QUOTE_PPR.replace("<w:pPr>", f'<w:pPr xmlns:w="{W_NS}">'))
        (rpr.addprevious(ppr) if rpr is not None else quote.append(ppr))
    if not writer.has_style("Caption"):
        body = '<w:pPr><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="18"/></w:rPr>'
        styles.append(parse_xml(_style_xml("paragraph", free_id("Caption"), "Caption", body, normal)))
        notes.append("the template has no style 'Caption'; added one based on its Normal")
    if not writer.has_style("Table Grid"):
        border = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        body = (
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:tblPr><w:tblBorders>{border}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
            '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
        styles.append(parse_xml(_style_xml("table", free_id("TableGrid"), "Table Grid", body, None)))
        notes.append("the template has no style 'Table Grid'; added one with thin borders")
    writer.invalidate_styles()
    return notes


def set_properties(document, *, title: str, author: str, lang: str, from_template: bool) -> None:
    """Core properties: title, author (also last modified by), created and modified now, language."""
    props = document.core_properties
    stamp = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.language = LANGS[lang]
    if not from_template or (props.comments or "").startswith("generated by python-docx"):
        props.comments = ""
    if (props.keywords or "") == "python-docx" or not from_template:
        props.keywords = ""
    if not from_template:
        props.subject = ""
        props.category = ""


def field_runs(writer: DocWriter, instruction: str, result: str) -> str:
    """A complex field (dirty, so Word recomputes it) with a placeholder result."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{writer.run(result)}'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def toc_paragraph(writer: DocWriter, heading: str, placeholder: str) -> None:
    """A table of contents: a heading (``TOC Heading`` if the document has it) and a ``TOC`` field.

    ``w:updateFields`` in the settings makes Word fill it (and the page numbers) when the file opens.
    """
    style = "TOC Heading" if writer.has_style("TOC Heading") else None
    if style:
        writer.paragraph(heading, style)
    else:
        writer.paragraph("", runs=writer.run(heading, "<w:rPr><w:b/><w:sz w:val='28'/></w:rPr>"))
    writer.paragraph("", runs=field_runs(writer, 'TOC \\o "1-3" \\h \\z \\u', placeholder))
    settings = writer.document.settings.element
    if settings.find(_w("updateFields")) is None:
        from docx.oxml import parse_xml

        settings.append(parse_xml(f'<w:updateFields xmlns:w="{W_NS}" w:val="true"/>'))


def add_page_numbers(writer: DocWriter) -> bool:
    """A centred page number in the footer of every section that has no footer of its own yet."""
    added = False
    for index, section in enumerate(writer.document.sections):
        footer = section.footer
        if not footer.is_linked_to_previous and any(p.text.strip() for p in footer.paragraphs):
            continue
        if index and footer.is_linked_to_previous:
            continue  # inherits the first section's footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        from docx.oxml import parse_xml

        ppr = parse_xml(f'<w:pPr xmlns:w="{W_NS}"><w:jc w:val="center"/></w:pPr>')
        paragraph._p.insert(0, ppr)
        for run in parse_xml(f'<w:p xmlns:w="{W_NS}">{field_runs(writer, "PAGE", "1")}</w:p>'):
            paragraph._p.append(run)
        added = True
    return added


def new_section_with_header(writer: DocWriter, header_text: str) -> None:
    """Start a new section on a new page whose header says ``header_text`` (footer inherited)."""
    from docx.enum.section import WD_SECTION

    writer.flush()
    section = writer.document.add_section(WD_SECTION.NEW_PAGE)
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    paragraph.text = writer.clean(header_text)
    style = "Header" if writer.has_style("Header") else None
    if style:
        paragraph.style = writer.document.styles["Header"]


def body_font(document) -> str:
    """The Normal style's font family: its own, the document defaults', or the theme's minor font."""
    normal = None
    for s in document.styles.element.iter(_w("style")):
        if s.get(_w("styleId")) == "Normal" or (
            s.find(_w("name")) is not None and s.find(_w("name")).get(_w("val")) == "Normal"
        ):
            normal = s
            break
    for holder in (normal, document.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}")):
        if holder is None:
            continue
        fonts = holder.find(f".//{_w('rFonts')}")
        if fonts is not None:
            if fonts.get(_w("ascii")):
                return fonts.get(_w("ascii"))
            if fonts.get(_w("asciiTheme")):
                theme = _theme_font(document, "minor" if "minor" in fonts.get(_w("asciiTheme")) else "major")
                if theme:
                    return theme
    return "Calibri"


def _theme_font(document, which: str) -> str | None:
    from lxml import etree

    try:
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/theme"):
                root = etree.fromstring(rel.target_part.blob)
                a = "http://schemas.openxmlformats.org/drawingml/2006/main"
                latin = root.find(f".//{{{a}}}{which}Font/{{{a}}}latin")
                if latin is not None and latin.get("typeface"):
                    return latin.get("typeface")
    except Exception:  # a damaged theme part: use the default font
        return None
    return None
