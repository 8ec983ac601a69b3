"""The one way to write a Word document (DOCX) that people go on to edit.

The lägesbild, the action plan, the tertial report and the meeting minutes download as
DOCX besides PDF, because politicians and partners edit and forward Word files. Each
concept has a small builder next to its app (``situation/docx.py``, ``plans/docx.py``,
``followup/docx.py``, the meetings' minutes) that mirrors its PDF and writes through
:class:`WordDocument`, so every DOCX has the same accessible structure:

* the organisation's logo and name in the page header of every page;
* real ``Heading 1``/``Heading 2``/``Heading 3`` styles, so Word's navigation pane and a
  screen reader's heading list show the document's outline;
* tables whose header row repeats on every page (``w:tblHeader``) and is announced as a
  header row;
* charts as PNG pictures with alternative text (``descr`` of the drawing), drawn by
  :mod:`samverkan.core.charts` exactly as in the PDF (:func:`charts.png_of`);
* the document language and title in the core properties.

Text from users and data goes in as text, never markup, so nothing needs escaping; XML
cannot hold control characters, though, so :func:`clean` strips them (a pasted form feed
would otherwise make python-docx refuse the whole document).

Use::

    from samverkan.core.docx import WordDocument

    doc = WordDocument(title="Handlingsplan 2026", organisation=org, language="sv")
    doc.heading("Problem", 1)
    doc.paragraph("Text ...")
    doc.table(["Åtgärd", "Ansvar"], [["Belysning", "Kommunen"]], numeric={1})
    doc.chart(trend_svg, figures, "sv", alt="Utveckling, senaste 13 perioderna")
    body = doc.to_bytes()
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from samverkan.core import charts

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# XML 1.0 allows tab, newline and carriage return among the C0 controls; C1 controls and
# lone surrogates are legal in Python strings but not in a Word part either.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LANGUAGES = {"sv": "sv-SE", "nb": "nb-NO", "en": "en-GB"}
BLUE = RGBColor(0x1F, 0x5F, 0x99)


def clean(value) -> str:
    """``value`` as text that a DOCX can hold: control characters dropped, CR as newline."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def organisation_logo(organisation) -> bytes | None:
    """The bytes of an organisation's logo file, or None (no logo, or unreadable)."""
    if organisation is None or not getattr(organisation, "logo", None):
        return None
    try:
        with organisation.logo.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def partnership_organisation(partnership):
    """The organisation whose logo heads a partnership's documents: its first one, as the
    PDFs use (:func:`samverkan.situation.exports.html.logo_data_uri`)."""
    if partnership is None:
        return None
    return partnership.organisations.order_by("pk").first()


class WordDocument:
    """A DOCX under construction with the house structure (see the module docstring).

    Parameters
    ----------
    title : str
        The document's title: the first line of the body (style ``Title``) and the core
        property ``title`` that Word and screen readers announce.
    organisation : Organisation, optional
        Its name and logo go in the page header; ``organisation_name``/``logo`` override.
    organisation_name : str, optional
        Name for the header when there is no organisation object (e.g. a partnership).
    logo : bytes, optional
        Logo image bytes (PNG/JPEG/GIF/BMP/TIFF); an unreadable logo is left out.
    language : str
        ``sv``, ``nb`` or ``en``: the proofing language of the text.
    subtitle : str, optional
        One line under the title (period, audience, version, generated at).
    """

    def __init__(
        self,
        title: str,
        *,
        organisation=None,
        organisation_name: str | None = None,
        logo: bytes | None = None,
        language: str = "sv",
        subtitle: str | None = None,
    ):
        self.document = Document()
        self.language = language if language in LANGUAGES else "sv"
        name = organisation_name or (organisation.name if organisation is not None else "")
        if logo is None:
            logo = organisation_logo(organisation)
        self._set_language()
        self._styles()
        props = self.document.core_properties
        props.title = clean(title)[:255]
        props.language = LANGUAGES[self.language]
        props.author = clean(name)[:255] or "Samverkan"
        section = self.document.sections[0]
        section.left_margin = section.right_margin = Cm(2)
        self._header(clean(name), logo)
        self.document.add_heading(clean(title), level=0)
        if subtitle:
            p = self.document.add_paragraph(clean(subtitle))
            for run in p.runs:
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    # -- set-up -----------------------------------------------------------------------

    def _set_language(self) -> None:
        """Language of the default run properties, so Word spell-checks in Swedish."""
        rpr = self.document.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
        )
        if rpr is None:
            rpr = self.document.styles["Normal"].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGES[self.language])

    def _styles(self) -> None:
        styles = self.document.styles
        styles["Normal"].font.name = "Calibri"
        styles["Normal"].font.size = Pt(10.5)
        for level in (1, 2, 3):
            styles[f"Heading {level}"].font.color.rgb = BLUE

    def _header(self, name: str, logo: bytes | None) -> None:
        header = self.document.sections[0].header
        p = header.paragraphs[0]
        if logo:
            try:
                picture = p.add_run().add_picture(io.BytesIO(logo), height=Cm(1.4))
            except Exception:  # noqa: BLE001 - an unreadable logo must not stop the document
                picture = None
            if picture is not None:
                _alt_text(picture, f"Logotyp {name}".strip())
                p.add_run("  ")
        if name:
            run = p.add_run(name)
            run.bold = True
            run.font.color.rgb = BLUE

    # -- content ----------------------------------------------------------------------

    def heading(self, text: str, level: int = 1):
        """A heading of ``level`` 1-3 in Word's own Heading styles (navigation pane)."""
        return self.document.add_heading(clean(text), level=max(1, min(int(level), 3)))

    def paragraph(self, text, *, note: bool = False, bold: bool = False):
        """One paragraph per blank-line-separated block of ``text``; single newlines
        become line breaks. ``note`` is the small grey print of method and sources."""
        blocks = [b for b in re.split(r"\n\s*\n", clean(text)) if b.strip()] or [""]
        last = None
        for block in blocks:
            last = self.document.add_paragraph()
            run = last.add_run(block.strip("\n"))
            run.bold = bold
            if note:
                run.font.size = Pt(8.5)
                run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        return last

    def bullets(self, items) -> None:
        """A bulleted list (style ``List Bullet``)."""
        for item in items:
            self.document.add_paragraph(clean(item), style="List Bullet")

    def table(self, header: list | None, rows: list, *, numeric=()):
        """A table with one header row that repeats on each page.

        Parameters
        ----------
        header : list or None
            Column headings; None for a two-column list of facts without a header row
            (an empty header row would be read out as one).
        rows : list of list
            Cell values; None becomes empty, everything else ``str()``.
        numeric : collection of int
            Column indexes to right-align (counts, rates).
        """
        width = len(header) if header is not None else max((len(r) for r in rows), default=1)
        table = self.document.add_table(rows=1 if header is not None else 0, cols=width)
        table.style = "Table Grid"
        if header is not None:
            head = table.rows[0]
            _repeat_header(head)
            for i, text in enumerate(header):
                cell = head.cells[i]
                cell.text = ""
                run = cell.paragraphs[0].add_run(clean(text))
                run.bold = True
                if i in numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for values in rows:
            cells = table.add_row().cells
            for i, value in enumerate(list(values)[:width]):
                cells[i].text = clean("" if value is None else value)
                if i in numeric:
                    cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.document.add_paragraph()
        return table

    def image(self, png: bytes, alt: str, *, width_cm: float = 16.0):
        """A picture with alternative text (``descr``) and the same text as its title."""
        self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        picture = self.document.inline_shapes[-1]
        _alt_text(picture, clean(alt))
        return picture

    def chart(self, draw, *args, alt: str, width_cm: float = 16.0, **kwargs):
        """Draw a :mod:`samverkan.core.charts` chart function as a PNG picture.

        ``draw(*args, **kwargs)`` is the same function the HTML and PDF call (it ends in
        ``charts.to_svg``); ``alt`` describes the chart for a screen reader. Returns the
        picture, or None if the function drew nothing.
        """
        drawn = charts.png_of(draw, *args, **kwargs)
        if drawn is None:
            return None
        return self.image(drawn[0], alt, width_cm=width_cm)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.document.save(buf)
        return buf.getvalue()


def _alt_text(picture, text: str) -> None:
    """Alternative text of an inline picture: ``descr`` (what screen readers read) and
    ``title`` on its ``wp:docPr``."""
    doc_pr = picture._inline.docPr
    doc_pr.set("descr", text)
    doc_pr.set("title", text)


def _repeat_header(row) -> None:
    """Mark a table row as a header row: repeated on each page, announced as header."""
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
