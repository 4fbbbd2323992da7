"""The report as a Word document (python-docx): real headings (Heading 1–3), real Word
tables and pictures with alt text, a page break before each section, so that any part can
be pasted into a paper. python-docx is imported inside ``report_docx``."""

import io
from typing import Any

from exports.report.model import Report, Section, Table

CHART_WIDTH_CM = 16


def report_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = report.language
    document.add_heading(report.title, level=0)
    facts = document.add_table(rows=0, cols=2)
    for name, value in report.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = name, value
    _section(document, report.headings["methods"])
    for section in report.methods:
        _subsection(document, section)
    _section(document, f"{report.headings['results']}: {report.headings['frequencies']}")
    for question in report.questions:
        document.add_heading(question.heading, level=2)
        _table(document, question.table)
        _picture(document, question.figure.png, question.figure.alt, question.figure.caption)
    if report.numbers:
        document.add_heading(report.numbers.heading, level=2)
        _subsection(document, report.numbers, heading=False)
    _section(document, report.headings["matrix"])
    _table(document, report.matrix)
    _results(document, report)
    if report.article:
        _section(document, report.article.heading)
        _subsection(document, report.article, heading=False)
    _section(document, report.headings["references"])
    for reference in report.references:
        document.add_paragraph(reference, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _results(document: Any, report: Report) -> None:
    _section(document, report.headings["dependent"])
    if not report.dependent:
        document.add_paragraph(report.headings["none_dependent"])
    for pair in report.dependent:
        document.add_heading(pair.heading, level=2)
        document.add_paragraph().add_run(pair.apa).italic = True
        for text in (pair.meaning, pair.caveat):
            if text:
                document.add_paragraph(text)
        _table(document, pair.statistics)
        if pair.crosstab:
            _table(document, pair.crosstab)
    document.add_heading(report.independent.heading, level=1)
    _subsection(document, report.independent, heading=False)
    if report.caveats:
        document.add_heading(report.headings["caveats"], level=1)
        for caveat in report.caveats:
            document.add_paragraph(caveat, style="List Bullet")


def _section(document: Any, heading: str) -> None:
    document.add_page_break()
    document.add_heading(heading, level=1)


def _subsection(document: Any, section: Section, heading: bool = True) -> None:
    if heading:
        document.add_heading(section.heading, level=2)
    for paragraph in section.paragraphs:
        document.add_paragraph(paragraph)
    if section.table:
        _table(document, section.table)


def _table(document: Any, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    word = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
    for cell, name in zip(word.rows[0].cells, table.header, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.cells():
        cells = word.add_row().cells
        for cell, (text, marked) in zip(cells, row, strict=True):
            cell.text = text
            if marked:
                cell.paragraphs[0].runs[0].bold = True
    if table.note:
        document.add_paragraph(table.note)


def _picture(document: Any, png: bytes, alt: str, caption: str) -> None:
    from docx.shared import Cm

    shape = document.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
    # Word reads a picture's alt text from the drawing's docPr "descr" (ECMA-376, 20.4.2.5).
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", caption)
    document.add_paragraph(caption, style="Caption")
