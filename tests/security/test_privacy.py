"""Finding 2: nothing the server writes joins a response to the person who sent it.

The access log names no client, and every export gives ``submitted_at`` to the second.
"""

import csv
import io
import shlex
import time
import urllib.request
from datetime import UTC, datetime

import pyreadstat
import pytest
import yaml

from surveys.models import Response
from tests.factories import response_add, signed_in, user_in_group
from tests.security.conftest import GUNICORN_CONFIG, ROOT

MOMENT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def access_log_of(gunicorn, path: str, **headers: str) -> str:
    """What gunicorn, started as the image starts it, logs for one request."""
    try:
        urllib.request.urlopen(urllib.request.Request(gunicorn.url + path, headers=headers))
    except urllib.error.HTTPError:
        pass
    time.sleep(0.3)
    return gunicorn.output()


def test_it_starts_gunicorn_with_the_private_access_log_in_the_image_and_compose():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert f"-c {GUNICORN_CONFIG}" in dockerfile
    assert "--access-logfile" not in dockerfile
    for node in ("web-a", "web-b"):
        web = compose["services"][node]["command"][2]
        assert shlex.split(web)[-2:] == ["-c", GUNICORN_CONFIG]


@pytest.mark.slow
def test_it_logs_a_request_without_the_clients_address_browser_or_referer(gunicorn):
    log = access_log_of(
        gunicorn,
        "/api/v1/no-such-thing/?lang=kk",
        **{"User-Agent": "Secret-Agent/1.0", "Referer": "https://referer.example/page"},
    )
    lines = [line for line in log.splitlines() if '"GET /api/v1/no-such-thing/' in line]
    assert len(lines) == 1, log
    assert '"GET /api/v1/no-such-thing/" 404' in lines[0]
    for personal in ("127.0.0.1", "Secret-Agent", "referer.example", "lang=kk"):
        assert personal not in lines[0]


def downloaded(path: str) -> bytes:
    answer = signed_in(user_in_group("admins")).get(f"/api/v1/surveys/us-russia-kz/{path}")
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


@pytest.fixture
def stored(survey, answers) -> Response:
    response = response_add(survey, answers).response
    Response.objects.filter(pk=response.pk).update(submitted_at=MOMENT)
    return response


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx"])
def test_it_exports_submitted_at_to_the_second(stored, path):
    import openpyxl

    content = downloaded(path)
    if path.endswith(".csv"):
        row = next(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        assert row["submitted_at"] == "2026-03-01T09:30:15+00:00"
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        assert sheet.cell(2, 2).value == "2026-03-01T09:30:15+00:00"


def test_it_exports_submitted_at_to_the_second_in_spss(stored, tmp_path):
    path = tmp_path / "responses.sav"
    path.write_bytes(downloaded("export.sav"))
    frame, _ = pyreadstat.read_sav(str(path))
    assert frame["submitted_at"][0].to_pydatetime() == datetime(2026, 3, 1, 9, 30, 15)
