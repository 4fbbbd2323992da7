"""The Results report of a survey (DOCX and printable HTML): ``report_make`` builds the
report (build.py → model.py) and lays it out (docx.py, html.py)."""

from analytics.filters import ResponseFilter
from surveys.models import Survey


def report_make(
    survey: Survey,
    chosen: ResponseFilter | None,
    language: str,
    kind: str,
    weighted: bool | None = None,
) -> bytes:
    """The report in ``language`` as a ``kind`` file ("docx" or "html"), weighted as
    ``weighted`` says or (None) as the dashboards."""
    from exports.report.build import report_build

    report = report_build(survey, chosen, language, weighted)
    if kind == "docx":
        from exports.report.docx import report_docx

        return report_docx(report)
    from exports.report.html import report_html

    return report_html(report)
