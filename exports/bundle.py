"""The reproducible bundle: one ZIP with the responses an analysis counted, the codebook, the
analysis as JSON and two scripts (base R; Python with pandas and scipy) that recompute every
number of it and compare (exports/reproduce/)."""

import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO

from analytics.filters import ResponseFilter, filter_default, responses_filtered
from analytics.selectors import report_analysis
from exports.codebook import codebook_csv, codebook_json
from exports.services import responses_csv
from surveys.models import Survey

SCRIPTS = Path(__file__).resolve().parent / "reproduce"
SHIPPED = (
    "recompute.R",
    "recompute_compare.R",
    "recompute_weighted.R",
    "recompute.py",
    "recompute_compare.py",
    "recompute_weighted.py",
    "README.md",
)
CHUNK_BYTES = 1 << 20


def bundle_zip(
    survey: Survey, chosen: ResponseFilter | None, weighted: bool | None = None
) -> tuple[Iterator[bytes], int]:
    """The ZIP, in chunks, and the number of responses in it: those up to the analysis'
    watermark, so that the CSV holds exactly what ``analysis.json`` counted. The analysis is
    weighted as ``weighted`` says, or (None) as the dashboards: when the survey has a
    weighting scheme. The CSV streams into a temporary file, so memory stays flat however
    many responses there are."""
    chosen = chosen or filter_default(survey)
    analysis = report_analysis(survey, chosen, weighted)
    responses = responses_filtered(survey, chosen).filter(pk__lte=analysis.watermark)
    folder = f"{survey.slug}-bundle"
    spool = tempfile.TemporaryFile()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{folder}/responses.csv", "w") as member:
            for chunk in responses_csv(survey, responses=responses):
                member.write(chunk)
        archive.writestr(f"{folder}/codebook.csv", codebook_csv(survey, bom=False))
        archive.writestr(f"{folder}/codebook.json", codebook_json(survey))
        archive.writestr(f"{folder}/analysis.json", _json(analysis.to_json()))
        archive.writestr(f"{folder}/filters.json", _json(_filters(chosen)))
        for name in SHIPPED:
            archive.write(SCRIPTS / name, f"{folder}/{name}")
    spool.seek(0)
    return _chunks(spool), analysis.n


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def _filters(chosen: ResponseFilter) -> dict:
    described = asdict(chosen)
    return described | {
        "since": chosen.since and chosen.since.isoformat(),
        "until": chosen.until and chosen.until.isoformat(),
    }


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=1)
