"""Exports of a survey's responses (CSV, Excel, SPSS), codebooks, analysis tables, export log.

``export_make`` is the one entry point for the admin, the API and the command: it builds the
file in the format asked for and records who exported what. Files are iterables of bytes,
so a view can stream them (``StreamingHttpResponse``) and a command can write them out.
"""

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from analytics.filters import ResponseFilter, filter_default, responses_filtered
from analytics.selectors import dashboard_analysis, survey_analysis
from analytics.weighting import WeightsUnavailable
from core.errors import ApplicationError
from core.languages import language_codes
from core.security import security_event
from exports.codebook import codebook_csv, codebook_json, codebook_rows
from exports.postgres_csv import records_copy
from exports.tables import PairUnknown, crosstab_csv, matrix_csv
from exports.weights import WeightColumn, weight_column
from surveys import csv_format
from surveys.models import ExportRecord, Survey
from surveys.questionnaire import QuestionnaireSpec
from surveys.selectors import survey_questionnaire, survey_watermark

BOM = "\ufeff".encode()
CSV = "text/csv; charset=utf-8"
# format → (what the file holds, file extension, content type)
FORMATS = {
    "csv": ("responses", "csv", CSV),
    "xlsx": (
        "responses",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "sav": ("responses", "sav", "application/x-spss-sav"),
    "codebook-csv": ("codebook", "csv", CSV),
    "codebook-json": ("codebook", "json", "application/json"),
    "matrix-csv": ("matrix", "csv", CSV),
    "crosstab-csv": ("crosstab", "csv", CSV),
    "report-docx": (
        "report",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "report-html": ("report", "html", "text/html; charset=utf-8"),
    "bundle": ("bundle", "zip", "application/zip"),
}
PYTHON_CHUNK_ROWS = 5_000


class ExportRefused(ApplicationError):
    """The export cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class Export:
    content: Iterable[bytes]
    filename: str
    content_type: str
    row_count: int


def responses_csv(
    survey: Survey,
    *,
    labels: str | None = None,
    bom: bool = False,
    chosen: ResponseFilter | None = None,
    responses: QuerySet | None = None,
) -> Iterator[bytes]:
    """The responses CSV (header first), streamed in chunks of whole records.

    ``labels`` writes single-choice answers as labels in that language instead of codes;
    ``bom`` starts the file with a UTF-8 byte order mark, which Excel needs to read UTF-8."""
    spec = survey_questionnaire(survey)
    _check_language(survey, labels, "labels")
    if responses is None:
        responses = responses_filtered(survey, chosen)
    weight = weight_column(survey, spec)
    if bom:
        yield BOM
    yield _csv_line(
        csv_format.header(spec) + ([csv_format.WEIGHT_COLUMN] if weight else [])
    ).encode()
    if connection.vendor == "postgresql":
        yield from records_copy(responses, spec, labels, weight)
    else:
        yield from records_python(responses, spec, labels, weight)


def records_python(
    responses: QuerySet,
    spec: QuestionnaireSpec,
    labels: str | None,
    weight: WeightColumn | None = None,
) -> Iterator:
    """The CSV records formatted in Python: the reference the SQL path must match."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = responses.order_by("pk").values_list(*csv_format.RECORD_FIELDS)
    records = rows.iterator(chunk_size=PYTHON_CHUNK_ROWS)
    for count, record in enumerate(records, start=1):
        row = csv_format.row_format(spec, record, labels)
        writer.writerow(row + ([weight.cell(record[csv_format.ANSWERS])] if weight else []))
        if count % PYTHON_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _csv_line(cells: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _check_language(survey: Survey, language: str | None, option: str) -> None:
    if language is not None and language not in survey.languages:
        raise ExportRefused(
            f"{option} must be one of the survey's languages {survey.languages} (got {language!r})."
        )


def _check_report_language(language: str | None) -> None:
    if language is not None and language not in language_codes():
        raise ExportRefused(
            f"language must be one of {', '.join(language_codes())} (got {language!r})."
        )


def export_record(
    *, user, survey: Survey, format: str, chosen: ResponseFilter | None, row_count: int
) -> ExportRecord:
    """Add an entry to the export log (user None: from the command line)."""
    chosen = chosen or ResponseFilter()
    filters = {
        **asdict(chosen),
        "since": chosen.since and chosen.since.isoformat(),
        "until": chosen.until and chosen.until.isoformat(),
    }
    record = ExportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        survey=survey,
        format=format,
        filters=json.loads(json.dumps(filters)),
        row_count=row_count,
    )
    security_event(
        "export",
        level=logging.INFO,
        user_id=record.user_id,
        survey=survey.slug,
        format=format,
        row_count=row_count,
    )
    return record


def export_filename(
    survey: Survey, what: str, extension: str, synthetic: tuple[str, ...] = ()
) -> str:
    """``synthetic``: the provenances other than real among the rows (test, demo); the name
    then says so, e.g. ``us-russia-kz-responses-with-demo-2026-12-04.csv``."""
    mixed = "".join(f"-with-{provenance}" for provenance in synthetic)
    return f"{survey.slug}-{what}{mixed}-{timezone.localdate().isoformat()}.{extension}"


def synthetic_present(survey: Survey, chosen: ResponseFilter) -> tuple[str, ...]:
    """The test and demo provenances that the chosen responses actually contain."""
    if not chosen.synthetic:
        return ()
    found = responses_filtered(survey, chosen).filter(provenance__in=chosen.synthetic)
    present = set(found.values_list("provenance", flat=True).distinct())
    return tuple(p for p in chosen.synthetic if p in present)


def responses_upto_now(survey: Survey, chosen: ResponseFilter | None) -> QuerySet:
    """The chosen responses stored so far: the count recorded is the count exported, even
    when responses arrive while the file streams."""
    return responses_filtered(survey, chosen).filter(pk__lte=survey_watermark(survey))


def export_make(
    *,
    survey: Survey,
    format: str,
    user=None,
    chosen: ResponseFilter | None = None,
    labels: str | None = None,
    language: str | None = None,
    bom: bool = False,
    pair: tuple[str, str] | None = None,
    weighted: bool | None = None,
) -> Export:
    """Build an export and record it in the export log; raise ExportRefused if it cannot be
    made as asked. ``labels``: CSV/XLSX single choices as labels in that language;
    ``language``: of the SPSS variable and value labels or of the report (default: the
    survey's);
    ``bom``: CSV files start with a byte order mark; ``pair``: the crosstab's questions;
    ``weighted``: the matrix and crosstab weighted or not (None: as the dashboards, weighted
    when the survey has a weighting scheme); ``chosen``: by default
    analytics.filters.filter_default's responses. A file whose rows include test or demo
    responses says so in its name (and a workbook on its first sheet)."""
    if format not in FORMATS:
        raise ExportRefused(f"Unknown export format {format!r}; use one of {', '.join(FORMATS)}.")
    _check_language(survey, labels, "labels")
    if format.startswith("report-"):
        _check_report_language(language)
    else:
        _check_language(survey, language, "language")
    what, extension, content_type = FORMATS[format]
    chosen = chosen or filter_default(survey)
    synthetic = () if what == "codebook" else synthetic_present(survey, chosen)
    table = (pair, weighted)
    content, row_count = _content(survey, format, chosen, labels, language, bom, table, synthetic)
    if format == "crosstab-csv" and pair:
        what = f"crosstab-{pair[0]}-{pair[1]}"
    export_record(user=user, survey=survey, format=format, chosen=chosen, row_count=row_count)
    filename = export_filename(survey, what, extension, synthetic)
    return Export(content, filename, content_type, row_count)


def _content(
    survey, format, chosen, labels, language, bom, table, synthetic
) -> tuple[Iterable[bytes], int]:
    spec = survey_questionnaire(survey)
    if format.startswith("codebook"):
        made = codebook_json(survey) if format == "codebook-json" else codebook_csv(survey, bom=bom)
        return [made], len(codebook_rows(spec)) - 1
    if format.startswith("report-") or format == "bundle":
        try:
            return _publication(survey, format, chosen, language, table[1])
        except WeightsUnavailable as error:
            raise ExportRefused(error.message) from None
    if format in ("matrix-csv", "crosstab-csv"):
        lines, rows = _analysis_table(survey, format, chosen, *table)
        return ([BOM, *lines] if bom else lines), rows
    # openpyxl, pyreadstat and pandas load only for a file that needs them.
    from exports.excel_spss import responses_sav, responses_xlsx

    responses = responses_upto_now(survey, chosen)
    count = responses.count()
    if format == "csv":
        content = responses_csv(survey, labels=labels, bom=bom, responses=responses)
    elif format == "xlsx":
        weight = weight_column(survey, spec)
        content = responses_xlsx(responses, spec, labels, weight, synthetic)
    else:
        chosen_language = language or survey.default_language
        content = responses_sav(responses, spec, chosen_language, weight_column(survey, spec))
    return content, count


def _publication(survey, format, chosen, language, weighted) -> tuple[Iterable[bytes], int]:
    """The report or the reproducible bundle, weighted as the dashboards unless ``weighted``
    says, with the number of responses it covers.
    Imported here: they need the responses CSV of this module, and the report loads
    matplotlib and python-docx."""
    from exports.bundle import bundle_zip
    from exports.report import report_make

    if format == "bundle":
        return bundle_zip(survey, chosen, weighted)
    kind = format.removeprefix("report-")
    report = report_make(survey, chosen, language or survey.default_language, kind, weighted)
    return [report], survey_analysis(survey, chosen).n


def _analysis_table(survey, format, chosen, pair, weighted) -> tuple[Iterable[bytes], int]:
    """As the dashboards show it: weighted as asked, or when the survey has a usable
    weighting scheme."""
    analysis, _problem = dashboard_analysis(survey, chosen or ResponseFilter(), weighted)
    if format == "matrix-csv":
        return [matrix_csv(analysis)], len(analysis.pairs)
    if not pair:
        raise ExportRefused("A crosstab needs a pair of questions, e.g. q01 and q04.")
    try:
        table = crosstab_csv(analysis, *pair)
    except PairUnknown as error:
        raise ExportRefused(str(error)) from None
    return [table], table.count(b"\r\n") - 1
