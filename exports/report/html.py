"""The report as one printable HTML page: charts inlined as data: URIs and the print CSS in
the page, so that the file also reads offline; the browser's print makes the PDF."""

import base64

from django.template.loader import render_to_string
from django.utils import translation

from exports.report.model import Report


def report_html(report: Report) -> bytes:
    with translation.override(report.language):
        page = render_to_string(
            "exports/report.html",
            {
                "report": report,
                "questions": [
                    (section, _data_uri(section.figure.png)) for section in report.questions
                ],
            },
        )
    return page.encode()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
