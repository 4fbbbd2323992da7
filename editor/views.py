"""The questionnaire editor's pages: the surveys one may edit, a survey's questions, one
question with its choices, and the preview of the form.

Every change builds the whole questionnaire document and stores it through
``surveys.editing.questionnaire_save``: the checks of ``import_questionnaire`` and the rules
for surveys with responses apply alike, and a refused change stores nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from analytics.staff import team_right
from core.errors import ApplicationError
from editor import documents
from editor.forms import (
    ChoiceFormSet,
    QuestionForm,
    SurveyCopyForm,
    SurveyNewForm,
    SurveySettingsForm,
)
from editor.places import error_place
from surveys.conditions import ConditionInvalid, condition_parse, condition_words
from surveys.editing import questionnaire_save, survey_copy, survey_create
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireInvalid, QuestionnaireSpec
from surveys.questionnaire_files import questionnaire_document
from surveys.selectors import survey_questionnaire
from surveys.services import survey_schedule_set
from surveys.teams import MANAGE, surveys_reachable

editor_only = team_right(MANAGE)
NEW_QUESTION = {"kind": "single", "required": True}
ADD_PERMISSION = "surveys.add_survey"


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request: HttpRequest) -> HttpResponse:
    may_add = request.user.has_perm(ADD_PERMISSION)
    surveys = list(surveys_reachable(request.user, MANAGE))
    if not surveys and not may_add:
        raise PermissionDenied("You may edit no survey.")
    data = request.POST if request.method == "POST" else None
    form = SurveyNewForm(data) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You may not make surveys.")
        if form.is_valid():
            survey = survey_create(
                slug=form.cleaned_data["slug"],
                languages=form.cleaned_data["languages"],
                default_language=form.cleaned_data["default_language"],
                title=form.title(),
                user=request.user,
            )
            messages.success(request, _("Survey made. Add its first question."))
            return redirect("editor:question_new", slug=survey.slug)
    context = {"surveys": surveys, "form": form}
    return render(
        request, "editor/survey_list.html", context, status=400 if form and form.errors else 200
    )


@editor_only
def survey_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    return _survey_render(request, survey)


def _survey_render(request, survey: Survey, settings_form=None, copy_form=None, status=200):
    spec = survey_questionnaire(survey)
    document = questionnaire_document(spec)
    words = _conditions_in_words(spec, get_language())
    settings_form = settings_form or SurveySettingsForm(
        survey.languages, initial=SurveySettingsForm.initial_from(document)
    )
    preview = reverse("editor:preview", args=[survey.slug])
    context = {
        "survey": survey,
        "questions": [
            _shown(question, survey.languages) | {"condition_words": words.get(question["code"])}
            for question in document["questions"]
        ],
        "languages": survey.languages,
        "settings_form": settings_form,
        "copy_form": copy_form or SurveyCopyForm(initial={"slug": f"{survey.slug}-2"}),
        "has_responses": survey.responses.exists(),
        "previews": [(language, f"{preview}?lang={language}") for language in survey.languages],
    }
    return render(request, "editor/survey.html", context, status=status)


def _conditions_in_words(spec: QuestionnaireSpec, language: str) -> dict[str, str]:
    """Each condition as people read it, in the staff member's language when the survey
    has it, else in the survey's default language; a condition stored before conditions
    were checked, and now wrong, is said to be so (saving the question shows where)."""
    if language not in spec.languages:
        language = spec.default_language
    earlier: dict = {}
    words = {}
    for question in spec.questions:
        if question.relevant:
            try:
                condition = condition_parse(question.relevant, earlier)
            except ConditionInvalid as error:
                words[question.code] = str(error.message)
            else:
                words[question.code] = condition_words(condition, spec, language)
        earlier[question.code] = question
    return words


def _shown(question: dict, languages: list[str]) -> dict:
    """A question as the survey page lists it: its texts and labels in language order."""

    def side_by_side(texts: dict) -> list[tuple[str, str]]:
        return [(language, texts.get(language, "")) for language in languages]

    return question | {
        "texts": side_by_side(question["text"]),
        "hints": side_by_side(question["hint"]) if question.get("hint") else [],
        "labelled_choices": [
            (choice["code"], choice.get("other", False), side_by_side(choice["label"]))
            for choice in question.get("choices", [])
        ],
    }


@editor_only
@require_POST
def survey_settings(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    form = SurveySettingsForm(survey.languages, request.POST)
    if form.is_valid():
        document = questionnaire_document(survey_questionnaire(survey))
        try:
            questionnaire_save(survey=survey, document=form.document_update(document))
        except QuestionnaireInvalid as error:
            form.place_error(error_place(str(error), []))
        else:
            messages.success(request, _("Title and introduction saved."))
            return redirect("editor:survey", slug=survey.slug)
    return _survey_render(request, survey, settings_form=form, status=400)


@editor_only
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    document = questionnaire_document(survey_questionnaire(survey))
    codes = [q["code"] for q in document["questions"]]
    if code is not None and code not in codes:
        raise Http404("No such question")
    index = codes.index(code) if code is not None else None
    languages = survey.languages
    if request.method == "POST":
        form = QuestionForm(languages, request.POST)
        choices = ChoiceFormSet(
            request.POST, prefix="choices", form_kwargs={"languages": languages}
        )
        if form.is_valid() and choices.is_valid():
            saved = _question_save(request, survey, document, index, form, choices)
            if saved:
                return redirect(reverse("editor:survey", args=[slug]) + f"#question-{saved}")
    else:
        current: dict = document["questions"][index] if index is not None else NEW_QUESTION
        form = QuestionForm(languages, initial=QuestionForm.initial_from(current))
        choices = ChoiceFormSet(
            prefix="choices",
            form_kwargs={"languages": languages},
            initial=[ChoiceFormSet.form.initial_from(c) for c in current.get("choices", [])],
        )
    context = {"survey": survey, "code": code, "form": form, "choices": choices}
    status = 400 if request.method == "POST" else 200
    return render(request, "editor/question.html", context, status=status)


def _question_save(request, survey, document, index, form, choices) -> str | None:
    """Store the question; its code when stored, else None with the errors on the forms."""
    ordered = choices.ordered_forms
    question = form.question_document([choice.choice_document() for choice in ordered])
    changed = documents.question_put(document, index, question)
    position = len(document["questions"]) if index is None else index
    try:
        questionnaire_save(survey=survey, document=changed)
    except QuestionnaireInvalid as error:
        place = error_place(str(error), [q["code"] for q in changed["questions"]])
        if place.question != position:
            form.add_error(None, str(error))
        elif place.choice is not None and place.choice < len(ordered):
            ordered[place.choice].place_error(place)
        elif place.field is None and "choices" in str(error):
            choices.non_form_errors().append(place.message)
        else:
            form.place_error(place)
        return None
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return None
    messages.success(request, _("Question %(code)s saved.") % {"code": question["code"]})
    return question["code"]


ACTIONS = {
    "up": lambda document, index: documents.question_moved(document, index, -1),
    "down": lambda document, index: documents.question_moved(document, index, 1),
    "duplicate": documents.question_duplicated,
    "delete": documents.question_removed,
}


@editor_only
@require_POST
def question_action(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Move a question up or down, duplicate or delete it."""
    survey = get_object_or_404(Survey, slug=slug)
    action = ACTIONS.get(request.POST.get("action", ""))
    document = questionnaire_document(survey_questionnaire(survey))
    codes = [q["code"] for q in document["questions"]]
    if action is None or code not in codes:
        raise Http404("No such question or action")
    try:
        questionnaire_save(survey=survey, document=action(document, codes.index(code)))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Questions saved."))
    return redirect(reverse("editor:survey", args=[slug]) + f"#question-{code}")


@editor_only
@require_POST
def survey_state(request: HttpRequest, slug: str) -> HttpResponse:
    """Open or close the survey to respondents (its window and quota stay as they are)."""
    survey = get_object_or_404(Survey, slug=slug)
    is_open = request.POST.get("is_open") == "1"
    if is_open and not survey.questions.exists():
        messages.error(request, _("Add a question before opening the survey."))
        return redirect("editor:survey", slug=slug)
    survey_schedule_set(
        survey=survey,
        user=request.user,
        is_open=is_open,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        quota=survey.quota,
        time_zone=survey.time_zone,
    )
    messages.success(request, _("The survey is open.") if is_open else _("The survey is closed."))
    return redirect("editor:survey", slug=slug)


@editor_only
@require_POST
def survey_copy_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Close the survey and copy it, without responses, to a new address."""
    survey = get_object_or_404(Survey, slug=slug)
    form = SurveyCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = survey_copy(survey=survey, slug=form.cleaned_data["slug"], user=request.user)
        except ApplicationError as error:
            form.add_error("slug", str(error.message))
        else:
            messages.success(request, _("Copied; the original survey is closed."))
            return redirect("editor:survey", slug=copy.slug)
    return _survey_render(request, survey, copy_form=form, status=400)
