"""The editor's questionnaire upload and download: the same checks and service as the
import_questionnaire command, errors on the page, nothing stored when refused."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from editor.transfer import UPLOAD_MAX_BYTES
from surveys.models import Choice, Question, Survey
from surveys.questionnaire_files import questionnaire_load
from surveys.selectors import survey_questionnaire
from surveys.xlsform import xlsform_load
from tests.factories import (
    DEFAULT_QUESTIONNAIRE,
    SURVEY_SHEET,
    XLSFORM_FIXTURES,
    user_in_role,
    xlsform_workbook,
)

UPLOAD = reverse("editor:questionnaire_upload")
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(user_in_role("admin"))
    return client


def upload(client: Client, name: str, content: bytes):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_it_creates_a_survey_from_a_kobo_workbook(admin_client):
    page = upload(
        admin_client, "household.xlsx", (XLSFORM_FIXTURES / "kobo-household.xlsx").read_bytes()
    )
    assert "Survey household-water created with 10 questions." in page.content.decode()
    survey = Survey.objects.get(slug="household-water")
    assert survey_questionnaire(survey) == xlsform_load(XLSFORM_FIXTURES / "kobo-household.xlsx")


def test_it_says_nothing_changed_when_the_same_file_comes_again(admin_client):
    content = (XLSFORM_FIXTURES / "odk-clinic.xlsx").read_bytes()
    upload(admin_client, "clinic.xlsx", content)
    page = upload(admin_client, "clinic.xlsx", content)
    assert "already had this questionnaire: nothing changed" in page.content.decode()


def test_it_updates_a_survey_from_its_json(admin_client, survey):
    document = DEFAULT_QUESTIONNAIRE.read_text().replace(
        "Which respondent status suits you best?", "What is your status?"
    )
    page = upload(admin_client, "q.json", document.encode())
    assert "Survey us-russia-kz updated" in page.content.decode()
    assert Question.objects.get(code="q01").text["en"] == "What is your status?"


def test_it_shows_the_refusal_with_its_row_and_stores_nothing(admin_client, tmp_path):
    broken = xlsform_workbook(
        tmp_path / "f.xlsx",
        survey=[*SURVEY_SHEET, ["geopoint", "where", "a", "b", "c", "", "", ""]],
    )
    page = upload(admin_client, "f.xlsx", broken.read_bytes())
    text = page.content.decode()
    assert page.status_code == 200
    assert "survey sheet, row 4: type &#x27;geopoint&#x27; is not supported" in text
    assert 'aria-invalid="true"' in text
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", ".txt is not a questionnaire format"),
        ("f.xlsx", b"garbage", "not a readable .xlsx workbook"),
        ("big.json", b" " * (UPLOAD_MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_it_refuses_a_file_that_is_no_questionnaire_on_the_page(
    admin_client, name, content, message
):
    page = upload(admin_client, name, content)
    assert message in page.content.decode()
    assert Survey.objects.count() == 0


def test_it_refuses_a_survey_the_uploader_may_not_change(survey):
    """The permission to change surveys without reach over every survey: no new survey,
    and no change to a survey one is not an owner of."""
    user = User.objects.create_user("editor-only", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_survey"))
    client = Client()
    client.force_login(user)
    before = survey_questionnaire(survey)
    for name, path in (
        ("q.json", DEFAULT_QUESTIONNAIRE),
        ("k.xlsx", XLSFORM_FIXTURES / "odk-clinic.xlsx"),
    ):
        page = upload(client, name, path.read_bytes())
        assert "You may not change the survey" in page.content.decode()
    assert list(Survey.objects.values_list("slug", flat=True)) == ["us-russia-kz"]
    assert survey_questionnaire(Survey.objects.get()) == before


def test_it_refuses_an_upload_without_the_csrf_token(survey):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in_role("admin"))
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("q.json", b"{}")})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
    ],
)
def test_it_downloads_the_questionnaire_that_imports_back(
    admin_client, survey, extension, content_type, tmp_path
):
    address = reverse("editor:questionnaire_download", args=[survey.slug, extension])
    response = admin_client.get(address)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="us-russia-kz.{extension}"'
    path = tmp_path / f"q.{extension}"
    path.write_bytes(response.content)
    assert questionnaire_load(path) == survey_questionnaire(survey)


def test_it_lists_the_downloads_on_the_upload_page(admin_client, survey):
    text = admin_client.get(UPLOAD).content.decode()
    assert reverse("editor:questionnaire_download", args=[survey.slug, "xlsx"]) in text


def test_it_explains_why_a_questionnaire_cannot_be_an_xlsform(admin_client, survey):
    Choice.objects.filter(question__code="q03", code="other").update(code="elsewhere")
    survey.save()  # a bulk update does not raise the revision by itself
    address = reverse("editor:questionnaire_download", args=[survey.slug, "xlsx"])
    response = admin_client.get(address)
    assert response.status_code == 409
    assert (
        "rename the choice &#x27;elsewhere&#x27; to &#x27;other&#x27;" in response.content.decode()
    )
