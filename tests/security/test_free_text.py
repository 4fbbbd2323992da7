"""Finding 4: free text keeps no bidirectional controls or zero-width characters, which
would reverse or hide what the admin and spreadsheets show, and keeps Kazakh and Russian
text exactly as typed."""

import json

import pytest

from exports.services import export_make
from surveys.models import Response
from tests.factories import SUBMIT

KAZAKH = "Ақпараттық соғыс, «санкциялар» — Ұлттық қауіпсіздік; Ғылым, Үкімет, Һ, Іс, Әл, Өз"
RUSSIAN = "Информационная война, «санкции» — Ёлка, щука, съезд"


def stored_other_text(client, answers, text: str):
    body = {"language": "kk", "answers": {**answers, "q03_other": text}}
    answer = client.post(SUBMIT, body, content_type="application/json")
    return answer, Response.objects.order_by("pk").last()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
        ("\u2066isolate\u2069 and \u200fmark", "isolate and mark"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff space", "zerowidth space"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_it_removes_bidirectional_and_zero_width_characters(client, survey, answers, sent, kept):
    answer, stored = stored_other_text(client, answers, sent)
    assert answer.status_code == 201
    assert stored.answers["q03_other"] == kept


@pytest.mark.parametrize("text", [KAZAKH, RUSSIAN])
def test_it_keeps_kazakh_and_russian_text_exactly(client, survey, answers, text):
    answer, stored = stored_other_text(client, answers, text)
    assert answer.status_code == 201
    assert stored.answers["q03_other"] == text


def test_it_asks_again_for_text_that_was_only_invisible_characters(client, survey, answers):
    answer, _ = stored_other_text(client, answers, "\u202e\u200b")
    assert answer.status_code == 400
    assert "q03" in answer.json()["errors"]
    assert not Response.objects.exists()


def test_it_removes_them_from_the_respondent_form_too(client, survey, answers):
    from tests.factories import form_data

    data = form_data({**answers, "q03_other": "a\u202eb"})
    client.cookies["django_language"] = "ru"
    client.post("/s/us-russia-kz/", {**data, "q03": answers["q03"]})
    assert Response.objects.get().answers["q03_other"] == "ab"


def test_it_says_in_the_codebook_what_free_text_loses(survey):
    codebook = json.loads(b"".join(export_make(survey=survey, format="codebook-json").content))
    assert "U+202E" in codebook["free_text"]
    table = b"".join(export_make(survey=survey, format="codebook-csv").content).decode()
    assert table.count("U+202E") == sum(
        1 for q in codebook["questions"] if q["columns"][-1].endswith("other_text")
    )
