"""The Django admin shows questionnaires without raw JSON: a field per language for a
survey's title and introduction, texts per language for questions and choices (changed in
the questionnaire editor, which the pages link to)."""

from surveys.models import Survey
from tests.factories import signed_in, user_in_role


def test_it_gives_the_survey_a_title_field_per_language(survey):
    admin = signed_in(user_in_role("admin"))
    page = admin.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert 'name="title_kk"' in page and 'name="intro_ru"' in page
    assert 'name="title"' not in page and "{&quot;kk&quot;" not in page
    assert 'href="/editor/us-russia-kz/"' in page


def test_it_saves_the_title_from_its_per_language_fields(survey):
    admin = signed_in(user_in_role("admin"))
    data = {
        "slug": survey.slug,
        "default_language": "ru",
        "created_at_0": survey.created_at.strftime("%Y-%m-%d"),
        "created_at_1": survey.created_at.strftime("%H:%M:%S"),
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "title_kk": "Атауы",
        "title_ru": "Название",
        "title_en": "Title",
        "intro_en": "Only in English",
    }
    answer = admin.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert answer.status_code == 302
    survey = Survey.objects.get(pk=survey.pk)
    assert survey.title == {"kk": "Атауы", "ru": "Название", "en": "Title"}
    assert survey.intro == {"en": "Only in English"}


def test_it_refuses_a_survey_without_its_title_in_one_of_its_languages(survey):
    admin = signed_in(user_in_role("admin"))
    data = {"slug": survey.slug, "default_language": "ru", "title_kk": "Атауы"}
    page = admin.post(f"/admin/surveys/survey/{survey.pk}/change/", data).content.decode()
    assert "Write the title in each language of the survey." in page
    assert Survey.objects.get(pk=survey.pk).title == survey.title


def test_it_shows_a_question_read_only_with_its_texts_per_language(survey):
    admin = signed_in(user_in_role("admin"))
    question = survey.questions.get(code="q04")
    page = admin.get(f"/admin/surveys/question/{question.pk}/change/").content.decode()
    assert "<dt>kk</dt><dd>" in page and "<textarea" not in page
    assert 'href="/editor/us-russia-kz/questions/q04/"' in page
    assert admin.post(f"/admin/surveys/question/{question.pk}/delete/").status_code == 403
