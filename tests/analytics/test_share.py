"""The share panel (links per language, QR codes that decode to them, embed snippet) and the
schedule: opening and closing times and the quota, at their boundaries, in the form and API."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image

from surveys.models import Provenance, Response
from surveys.submissions import SurveyClosed, response_submit
from tests.factories import form_data, response_add, signed_in, submit, user_in_group

SHARE = "/dashboard/us-russia-kz/share/"
FORM_LINK = "http://testserver/s/us-russia-kz/?lang={}"


@pytest.fixture
def admin_client(db):
    return signed_in(user_in_group("admins"))


def test_it_lists_a_link_per_language_with_its_qr_code(survey, admin_client):
    page = admin_client.get(SHARE).content.decode()
    for language in ("kk", "ru", "en"):
        assert FORM_LINK.format(language) in page
        assert f"/share/qr/{language}.png" in page and f"/share/qr/{language}.svg" in page
    assert page.count("<svg") >= 3
    assert "&lt;a href=&quot;http://testserver/s/us-russia-kz/?lang=kk&quot;" in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_makes_a_png_qr_code_that_decodes_to_the_link(survey, admin_client, language):
    response = admin_client.get(f"{SHARE}qr/{language}.png")
    assert response["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [code.text for code in decoded] == [FORM_LINK.format(language)]


def test_it_makes_an_svg_qr_code_that_decodes_to_the_link(survey, admin_client):
    import segno

    svg = admin_client.get(f"{SHARE}qr/ru.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<path" in svg.content
    # The SVG is drawn from the same code as the PNG, whose modules decode to the link.
    made = segno.make(FORM_LINK.format("ru"), error="m")
    expected = io.BytesIO()
    made.save(expected, kind="svg", scale=10, border=4)
    assert svg.content == expected.getvalue()


def test_it_answers_404_for_a_qr_code_in_another_language(survey, admin_client):
    assert admin_client.get(f"{SHARE}qr/de.png").status_code == 404
    assert admin_client.get(f"{SHARE}qr/kk.gif").status_code == 404


def test_it_shows_the_share_panel_without_the_schedule_form_to_staff(survey):
    page = signed_in(user_in_group("staff")).get(SHARE)
    assert page.status_code == 200
    assert b"schedule-form" not in page.content
    assert page["Cache-Control"] in ("no-store, private", "private, no-store")


def test_it_reads_the_schedule_in_the_chosen_time_zone(survey, admin_client):
    data = {
        "is_open": "on",
        "opens_at": "2026-03-01T09:00",
        "closes_at": "2026-03-31T18:00",
        "quota": "500",
        "time_zone": "America/New_York",
    }
    assert admin_client.post(SHARE, data).status_code == 302
    survey.refresh_from_db()
    new_york = ZoneInfo("America/New_York")
    assert survey.opens_at == datetime(2026, 3, 1, 9, 0, tzinfo=new_york)
    assert survey.closes_at == datetime(2026, 3, 31, 18, 0, tzinfo=new_york)
    assert (survey.quota, survey.time_zone) == (500, "America/New_York")


def test_it_refuses_a_closing_time_before_the_opening_time(survey, admin_client):
    data = {"opens_at": "2026-03-02T09:00", "closes_at": "2026-03-01T09:00", "time_zone": "UTC"}
    page = admin_client.post(SHARE, data)
    assert page.status_code == 200
    assert "The closing time must be after the opening time." in page.content.decode()


def _schedule(survey, **fields):
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()


def test_it_opens_exactly_at_the_opening_time_in_another_time_zone(survey, answers):
    now = datetime.now(UTC)
    tokyo = ZoneInfo("Asia/Tokyo")
    _schedule(
        survey, opens_at=(now + timedelta(seconds=2)).astimezone(tokyo), time_zone="Asia/Tokyo"
    )
    with pytest.raises(SurveyClosed) as refused:
        response_add(survey, answers)
    assert refused.value.code == "survey_not_open_yet"
    assert "(Asia/Tokyo)" in str(refused.value)
    _schedule(survey, opens_at=(now - timedelta(seconds=1)).astimezone(tokyo))
    assert response_add(survey, answers).created


def test_it_closes_exactly_at_the_closing_time(survey, answers):
    now = datetime.now(UTC)
    _schedule(survey, closes_at=now + timedelta(seconds=5))
    assert response_add(survey, answers).created
    _schedule(survey, closes_at=now - timedelta(microseconds=1))
    with pytest.raises(SurveyClosed) as refused:
        response_add(survey, answers)
    assert refused.value.code == "survey_ended"
    assert Response.objects.count() == 1


def test_it_stops_at_the_quota_of_real_responses(survey, answers):
    _schedule(survey, quota=2)
    response_add(survey, answers, provenance=Provenance.TEST)
    response_add(survey, answers)
    response_add(survey, answers)  # the second real one: the last the quota allows
    with pytest.raises(SurveyClosed) as refused:
        response_add(survey, answers)
    assert refused.value.code == "survey_quota_reached"
    assert response_add(survey, answers, provenance=Provenance.TEST).created
    assert Response.objects.filter(provenance="real").count() == 2


def test_it_shows_the_translated_closed_page_and_stores_nothing(client, survey, answers):
    _schedule(survey, closes_at=datetime(2026, 1, 1, tzinfo=UTC), time_zone="Asia/Almaty")
    page = client.post("/s/us-russia-kz/?lang=ru", form_data(answers))
    assert page.status_code == 410
    text = page.content.decode()
    assert "Опрос закрылся" in text and "(Asia/Almaty)" in text
    assert not Response.objects.exists()


def test_it_answers_the_api_with_a_clear_4xx_outside_the_window(client, survey, answers):
    _schedule(survey, opens_at=datetime(2999, 1, 1, tzinfo=UTC))
    early = submit(client, {"language": "en", "answers": answers})
    assert early.status_code == 403
    assert early.json()["code"] == "survey_not_open_yet"
    assert "opens on" in early.json()["detail"]
    _schedule(survey, opens_at=None, closes_at=datetime(2020, 1, 1, tzinfo=UTC))
    late = submit(client, {"language": "en", "answers": answers})
    assert (late.status_code, late.json()["code"]) == (410, "survey_ended")
    assert not Response.objects.exists()


def test_it_submits_the_service_with_the_quota_counting_real_only(survey, answers):
    _schedule(survey, quota=1)
    response_add(survey, answers, provenance=Provenance.DEMO)
    created = response_submit(
        survey=survey, answers=answers, language="en", client_token=uuid.uuid4()
    )
    assert created.created


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_of_the_quota_to_one_of_ten_at_once(survey, answers):
    import threading

    from django.db import connection

    _schedule(survey, quota=3)
    response_add(survey, answers)
    response_add(survey, answers)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def send() -> None:
        try:
            barrier.wait()
            response_add(survey, answers)
            outcomes.append("stored")
        except SurveyClosed as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stored"] + ["survey_quota_reached"] * 9
    assert Response.objects.filter(provenance="real").count() == 3


def test_it_escapes_the_title_in_the_embed_snippet():
    from analytics.share import embed_snippet

    snippet = embed_snippet("https://example.org/s/x/?lang=kk", 'Opinions <b>"now"</b>')
    assert snippet.endswith(">Opinions &lt;b&gt;&quot;now&quot;&lt;/b&gt;</a>")
    assert snippet.startswith('<a href="https://example.org/s/x/?lang=kk" target="_blank"')
