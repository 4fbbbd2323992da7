"""The questionnaire editor's pages: who may use them, building a survey with its forms and
formsets, errors shown next to the field they are about, and refusals that store nothing."""

import re

import pytest

from surveys.models import Survey
from surveys.selectors import survey_questionnaire
from tests.factories import response_add, signed_in, user_in_role

LANGUAGES = ("kk", "ru", "en")


def question_post(code="q01", kind="single", choices=(), **fields) -> dict:
    """What the question page posts: the question, then its choices formset."""
    data = {"code": code, "kind": kind, "required": "on", "relevant": ""}
    for language in LANGUAGES:
        data[f"text_{language}"] = f"{code} text {language}"
    data |= {"choices-TOTAL_FORMS": str(len(choices)), "choices-INITIAL_FORMS": "0"}
    for index, choice in enumerate(choices):
        data[f"choices-{index}-code"] = choice
        data[f"choices-{index}-ORDER"] = str(index + 1)
        for language in LANGUAGES:
            data[f"choices-{index}-label_{language}"] = f"{choice} {language}"
    return data | fields


@pytest.fixture
def admin(db):
    return signed_in(user_in_role("admin"))


@pytest.fixture
def study(admin):
    admin.post(
        "/editor/",
        {"slug": "trust", "languages": LANGUAGES, "default_language": "kk"}
        | {f"title_{language}": f"Trust {language}" for language in LANGUAGES},
    )
    return Survey.objects.get(slug="trust")


def test_it_makes_a_closed_survey_from_the_new_survey_form(admin, study):
    assert not study.is_open
    assert study.title == {"kk": "Trust kk", "ru": "Trust ru", "en": "Trust en"}
    assert study.languages == list(LANGUAGES)


def test_it_names_the_missing_title_next_to_its_field(admin, db):
    response = admin.post(
        "/editor/",
        {"slug": "trust", "languages": ["kk", "en"], "default_language": "kk", "title_kk": "Сенім"},
    )
    assert response.status_code == 400
    assert "Write the title in this language." in response.content.decode()
    assert not Survey.objects.filter(slug="trust").exists()


def test_it_builds_questions_of_each_kind_with_a_condition(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["yes", "no"]))
    admin.post(
        "/editor/trust/add-question/",
        question_post("q02", "number", min="0", max="120", integer="on", relevant="${q01} = 'yes'"),
    )
    admin.post("/editor/trust/add-question/", question_post("q03", "text", max_length="300"))
    admin.post("/editor/trust/add-question/", question_post("q04", "ordinal", ["low", "high"]))
    admin.post("/editor/trust/add-question/", question_post("q05", "multi", ["a", "b"]))
    admin.post("/editor/trust/add-question/", question_post("q06", "note", required=""))
    spec = survey_questionnaire(Survey.objects.get(slug="trust"))
    assert [(q.code, q.kind) for q in spec.questions] == [
        ("q01", "single"),
        ("q02", "number"),
        ("q03", "text"),
        ("q04", "ordinal"),
        ("q05", "multi"),
        ("q06", "note"),
    ]
    number = spec.questions[1]
    assert (number.minimum, number.maximum, number.integer) == (0, 120, True)
    assert number.relevant == "${q01} = 'yes'"
    assert spec.questions[2].max_length == 300
    assert spec.questions[0].choices[1].label == {"kk": "no kk", "ru": "no ru", "en": "no en"}


def test_it_shows_a_missing_choice_label_next_to_that_label(admin, study):
    data = question_post("q01", "single", ["yes", "no"])
    data["choices-1-label_ru"] = ""
    response = admin.post("/editor/trust/add-question/", data)
    page = response.content.decode()
    assert response.status_code == 400
    row = re.search(r'<tr class="choice has-error">.*?</tr>', page, re.DOTALL).group(0)
    assert 'name="choices-1-code"' in row and "missing the &#x27;ru&#x27; translation" in row
    assert survey_questionnaire(Survey.objects.get(slug="trust")).questions == ()


def test_it_shows_a_missing_question_text_next_to_its_language(admin, study):
    response = admin.post(
        "/editor/trust/add-question/", question_post("q01", "single", ["a", "b"], text_en="")
    )
    page = response.content.decode()
    assert re.search(r'id="id_text_en_error">missing the &#x27;en&#x27; translation', page)


def test_it_says_above_the_choices_that_a_single_choice_needs_two(admin, study):
    response = admin.post("/editor/trust/add-question/", question_post("q01", "single", ["a"]))
    page = response.content.decode()
    choices = page[page.index("<legend>Choices") : page.index('<table class="choices">')]
    assert "a single-choice question needs at least two choices." in choices


def test_it_refuses_a_duplicate_code_next_to_the_code(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["a", "b"]))
    response = admin.post("/editor/trust/add-question/", question_post("q01", "text"))
    assert re.search(
        r'id="id_code_error">questions: duplicate question code', response.content.decode()
    )
    assert len(survey_questionnaire(Survey.objects.get(slug="trust")).questions) == 1


def test_it_refuses_bounds_the_wrong_way_round_next_to_the_minimum(admin, study):
    response = admin.post(
        "/editor/trust/add-question/", question_post("q01", "number", min="10", max="5")
    )
    assert re.search(r'id="id_min_error">10.0 is above max 5.0', response.content.decode())


def test_it_edits_moves_duplicates_and_deletes_questions(admin, study):
    for code in ("q01", "q02"):
        admin.post("/editor/trust/add-question/", question_post(code, "single", ["a", "b"]))
    admin.post("/editor/trust/questions/q01/", question_post("q01", "single", ["a", "b", "c"]))
    admin.post("/editor/trust/questions/q02/do/", {"action": "up"})
    admin.post("/editor/trust/questions/q01/do/", {"action": "duplicate"})
    spec = survey_questionnaire(Survey.objects.get(slug="trust"))
    assert [q.code for q in spec.questions] == ["q02", "q01", "q01_copy"]
    assert spec.questions[2].choice_codes == ["a", "b", "c"]
    admin.post("/editor/trust/questions/q01_copy/do/", {"action": "delete"})
    spec = survey_questionnaire(Survey.objects.get(slug="trust"))
    assert [q.code for q in spec.questions] == ["q02", "q01"]


def test_it_reorders_and_removes_choices_with_the_formset(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["a", "b", "c"]))
    data = question_post("q01", "single", ["a", "b", "c"])
    data |= {"choices-0-ORDER": "3", "choices-2-ORDER": "1", "choices-1-DELETE": "on"}
    admin.post("/editor/trust/questions/q01/", data)
    choices = survey_questionnaire(Survey.objects.get(slug="trust")).questions[0].choice_codes
    assert choices == ["c", "a"]


def test_it_refuses_deleting_an_answered_question_with_the_count(admin, survey, answers):
    response_add(survey, answers)
    response = admin.post(
        "/editor/us-russia-kz/questions/q04/do/", {"action": "delete"}, follow=True
    )
    assert (
        "Question q04 cannot be deleted or recoded: 1 response answers it."
        in response.content.decode()
    )
    assert survey.questions.filter(code="q04").exists()


def test_it_refuses_changing_the_kind_on_the_question_page(admin, survey, answers):
    response_add(survey, answers)
    page = admin.get("/editor/us-russia-kz/questions/q04/").content.decode()
    assert 'value="yes"' in page and 'value="single" selected' in page
    response = admin.post("/editor/us-russia-kz/questions/q04/", question_post("q04", "text"))
    assert (
        "The kind of question q04 cannot change: 1 response answers it."
        in response.content.decode()
    )
    assert survey.questions.get(code="q04").kind == "single"


def test_it_opens_and_closes_a_survey(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["a", "b"]))
    admin.post("/editor/trust/state/", {"is_open": "1"})
    assert Survey.objects.get(slug="trust").is_open
    admin.post("/editor/trust/state/", {"is_open": "0"})
    assert not Survey.objects.get(slug="trust").is_open


def test_it_copies_and_closes_from_the_survey_page(admin, survey, answers):
    response_add(survey, answers)
    response = admin.post("/editor/us-russia-kz/copy/", {"slug": "us-russia-kz-2026"})
    assert response.status_code == 302 and response["Location"] == "/editor/us-russia-kz-2026/"
    assert not Survey.objects.get(slug="us-russia-kz").is_open
    assert Survey.objects.get(slug="us-russia-kz-2026").responses.count() == 0


def test_it_saves_the_title_of_a_survey_without_questions_yet(admin, study):
    data = {"default_language": "en", "title_kk": "Т", "title_ru": "Т", "title_en": "T"}
    admin.post("/editor/trust/settings/", data)
    assert Survey.objects.get(slug="trust").title == {"kk": "Т", "ru": "Т", "en": "T"}
    page = admin.post("/editor/trust/settings/", data | {"title_ru": ""}).content.decode()
    assert re.search(r'id="id_title_ru_error">Write the title in this language', page)
    assert Survey.objects.get(slug="trust").title["ru"] == "Т"


def test_it_saves_the_title_and_introduction(admin, survey):
    data = {"default_language": "ru"} | {f"title_{lang}": f"T {lang}" for lang in LANGUAGES}
    admin.post("/editor/us-russia-kz/settings/", data)
    spec = survey_questionnaire(Survey.objects.get(slug="us-russia-kz"))
    assert (spec.title["kk"], spec.default_language, spec.intro) == ("T kk", "ru", {})


def test_it_links_the_questionnaire_files_in_and_out(admin, survey):
    assert 'href="/editor/questionnaires/upload/"' in admin.get("/editor/").content.decode()
    page = admin.get("/editor/us-russia-kz/").content.decode()
    assert 'href="/editor/us-russia-kz/questionnaire.xlsx"' in page
    assert 'href="/editor/us-russia-kz/questionnaire.json"' in page


def test_it_offers_the_preview_once_there_is_a_question(admin, study):
    page = admin.get("/editor/trust/").content.decode()
    assert "Add a question to see the form." in page
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["a", "b"]))
    page = admin.get("/editor/trust/").content.decode()
    assert '<iframe name="preview"' in page and "/editor/trust/preview/?lang=kk" in page


def test_the_preview_is_the_form_in_test_mode_framed_by_the_editor_only(admin, survey):
    response = admin.get("/editor/us-russia-kz/preview/?lang=ru")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "test-mode-banner" in response.content.decode()
    assert admin.get("/s/us-russia-kz/?lang=ru")["X-Frame-Options"] == "DENY"


def test_it_lets_a_team_owner_edit_their_survey_only(survey):
    owner = signed_in(user_in_role("owner", survey))
    assert owner.get("/editor/us-russia-kz/").status_code == 200
    assert owner.get("/editor/us-russia-kz/preview/?lang=en").status_code == 200
    page = owner.get("/editor/").content.decode()
    assert "us-russia-kz" in page and "New survey" not in page
    assert owner.post("/editor/", {"slug": "mine"}).status_code == 403
    outsider = signed_in(user_in_role("outsider", survey))
    assert outsider.get("/editor/us-russia-kz/").status_code == 403


def test_it_shows_a_wrong_condition_next_to_the_condition_field(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["yes", "no"]))
    data = question_post("q02", "text", relevant="${q01} = 'maybe'")
    page = admin.post("/editor/trust/add-question/", data).content.decode()
    assert re.search(r'id="id_relevant_error">[^<]*maybe', page)
    assert len(survey_questionnaire(Survey.objects.get(slug="trust")).questions) == 1


def test_it_refuses_moving_a_question_above_the_one_its_condition_uses(admin, study):
    admin.post("/editor/trust/add-question/", question_post("q01", "single", ["yes", "no"]))
    admin.post(
        "/editor/trust/add-question/", question_post("q02", "text", relevant="${q01} = 'yes'")
    )
    page = admin.get("/editor/trust/").content.decode()
    assert "${q01} = &#x27;yes&#x27;</code>: the answer to question 1 is" in page
    answer = admin.post("/editor/trust/questions/q02/do/", {"action": "up"}, follow=True)
    assert "questions[0] (q02).relevant" in answer.content.decode()
    spec = survey_questionnaire(Survey.objects.get(slug="trust"))
    assert [q.code for q in spec.questions] == ["q01", "q02"]


def test_it_speaks_the_staff_members_language(survey, answers):
    admin = signed_in(user_in_role("admin"))
    admin.cookies["django_language"] = "ru"
    assert "Редактор анкет" in admin.get("/editor/us-russia-kz/").content.decode()
    response_add(survey, answers)
    answer = admin.post("/editor/us-russia-kz/questions/q04/do/", {"action": "delete"}, follow=True)
    assert "Вопрос q04 нельзя удалить или перекодировать: на него есть 1 ответ." in (
        answer.content.decode()
    )
