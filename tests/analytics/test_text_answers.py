"""The text answers page: a text question's (or an "other" option's) answers, newest first,
searched in any case, a keyset page at a time, and the most frequent words."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from analytics.browse import PAGE_SIZE
from analytics.words import TOP_WORDS, WordCount, word_frequencies, words_of
from surveys.models import Response
from tests.factories import every_kind_survey, signed_in, user_in_group

pytestmark = pytest.mark.postgres

TEXTS = "/dashboard/kinds/responses/texts/"
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_it_counts_words_lower_cased_without_the_stop_words_of_each_language():
    texts = [
        "Жаңалықтар мен видео, және видео",
        "Новости и ВИДЕО; новости",
        "The news and the video",
    ]
    counts = word_frequencies(texts, ["kk", "ru", "en"])
    assert counts[0] == WordCount("видео", 3)
    assert {c.word: c.count for c in counts} == {
        "видео": 3,
        "новости": 2,
        "жаңалықтар": 1,
        "news": 1,
        "video": 1,
    }


def test_it_keeps_letters_and_digits_together_and_leaves_bare_numbers_out():
    assert words_of("5G-желі, 2026 ж. COVID_19") == ["5g", "желі", "ж", "covid"]


def test_it_keeps_the_most_frequent_words_with_ties_in_alphabetical_order():
    texts = [f"word{index:03d} " * (index % 7 + 1) for index in range(120)]
    counts = word_frequencies(texts, [])
    assert len(counts) == TOP_WORDS
    pairs = [(-c.count, c.word) for c in counts]
    assert pairs == sorted(pairs)
    assert counts[0] == WordCount("word006", 7)


@pytest.fixture
def kinds(db):
    return every_kind_survey()


@pytest.fixture
def analyst(db):
    return signed_in(user_in_group("admins", username="analyst"))


def answered(survey, why: str, *, minutes: int, language: str = "en", **extra) -> Response:
    answers = {"works": "no", "news": ["social"], "age": 30, "why": why, **extra}
    return Response.objects.create(
        survey=survey,
        answers=answers,
        skipped=["hours"],
        language=language,
        submitted_at=START + timedelta(minutes=minutes),
        client_token=uuid.uuid4(),
    )


def rows_shown(html: str) -> list[str]:
    return re.findall(r'<p class="text-answer" lang="\w+">(.*?)</p>', html, re.S)


def test_it_lists_the_answers_newest_first_with_language_and_time(kinds, analyst):
    answered(kinds, "first", minutes=1, language="kk")
    answered(kinds, "second", minutes=2, language="ru")
    Response.objects.create(
        survey=kinds,
        answers={"works": "no", "news": ["tv"], "age": 30},
        skipped=["hours", "why"],
        language="en",
        submitted_at=START,
        client_token=uuid.uuid4(),
    )
    page = analyst.get(TEXTS)
    html = page.content.decode()
    assert page.status_code == 200
    assert rows_shown(html) == ["second", "first"]
    assert '<p class="text-answer" lang="ru">second' in html
    assert '<p class="text-answer" lang="kk">first' in html
    shown = timezone.localtime(START + timedelta(minutes=2)).isoformat()
    assert f'datetime="{shown}"' in html


def test_it_searches_in_any_case_in_cyrillic(kinds, analyst):
    answered(kinds, "Читаю НОВОСТИ в Telegram", minutes=1)
    answered(kinds, "Видео", minutes=2)
    html = analyst.get(TEXTS, {"q": "новости"}).content.decode()
    assert rows_shown(html) == ["Читаю НОВОСТИ в Telegram"]
    assert "<td>telegram</td>" in html and "<td>видео</td>" not in html


def test_it_pages_through_the_answers_with_keyset_links(kinds, analyst):
    for minutes in range(PAGE_SIZE + 3):
        answered(kinds, f"text {minutes}", minutes=minutes)
    first = analyst.get(TEXTS).content.decode()
    assert rows_shown(first)[0] == f"text {PAGE_SIZE + 2}"
    following = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = analyst.get(f"{TEXTS}?{following}").content.decode()
    assert rows_shown(second) == ["text 2", "text 1", "text 0"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_it_lists_the_texts_of_an_other_option_too(kinds, analyst):
    answered(kinds, "why", minutes=1, news=["other"], news_other="радио")
    html = analyst.get(TEXTS, {"source": "news_other"}).content.decode()
    assert rows_shown(html) == ["радио"]
    assert '<option value="news_other" selected>' in html


def test_it_escapes_what_respondents_wrote(kinds, analyst):
    answered(kinds, '<script>alert("x")</script>', minutes=1)
    html = analyst.get(TEXTS).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_it_links_the_page_from_the_dashboard_of_a_survey_with_text_questions(
    kinds, survey, analyst
):
    assert f'href="{TEXTS}"' in analyst.get("/dashboard/kinds/share/").content.decode()
    assert "/responses/texts/" not in analyst.get("/dashboard/us-russia-kz/").content.decode()


def test_it_shows_numbers_texts_and_not_asked_in_the_responses_browser(kinds, analyst):
    response = answered(kinds, "потому что", minutes=1)
    html = analyst.get(f"/dashboard/kinds/responses/{response.pk}/").content.decode()
    cells = dict(re.findall(r'<th scope="row">(\w+)\..*?</th><td>(.*?)</td>', html))
    assert cells["AGE"] == "30" and cells["WHY"] == "потому что"
    assert cells["HOURS"] == "not asked"  # the respondent does not work
    assert "THANKS" not in cells  # a note has no answer


def test_it_searches_the_text_answers_in_the_responses_browser(kinds, analyst):
    wanted = answered(kinds, "Смотрю Telegram", minutes=1)
    answered(kinds, "Видео", minutes=2)
    html = analyst.get("/dashboard/kinds/responses/", {"q": "telegram"}).content.decode()
    shown = re.findall(r'href="/dashboard/kinds/responses/(\d+)/"', html)
    assert shown == [str(wanted.pk)]


def test_it_counts_the_words_again_when_a_response_arrives(kinds, analyst):
    answered(kinds, "радио", minutes=1)
    assert "<td>телевизор</td>" not in analyst.get(TEXTS).content.decode()
    answered(kinds, "телевизор", minutes=2)
    assert "<td>телевизор</td>" in analyst.get(TEXTS).content.decode()
