"""Respondent pages: choose a survey, choose a language, answer, thank-you."""

import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from core.languages import language_names
from surveys.answers import OTHER_TEXT_MAX_LENGTH
from surveys.forms import QuestionnaireForm
from surveys.models import Survey
from surveys.selectors import survey_by_slug, survey_questionnaire
from surveys.services import SubmissionRefused, SurveyClosed, TokenReused, response_submit


def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = list(Survey.objects.open())
    if len(surveys) == 1:
        return redirect("survey", slug=surveys[0].slug)
    return render(request, "surveys/survey_list.html", {"surveys": surveys})


@require_http_methods(["GET", "POST"])
def survey_form(request: HttpRequest, slug: str) -> HttpResponse:
    survey = survey_by_slug(slug)
    if survey is None:
        raise Http404("No such survey")
    language = _chosen_language(request, survey)
    if language is None:
        return _render(request, survey, survey.default_language, "surveys/language.html", {})
    with translation.override(language):
        if not survey.is_open:
            return _render(request, survey, language, "surveys/closed.html", {}, status=410)
        spec = survey_questionnaire(survey)
        if request.method == "POST" and "switch_language" not in request.POST:
            return _submit(request, survey, spec, language)
        # Switching language mid-way re-shows what was entered, without judging it yet.
        data = request.POST if request.method == "POST" else None
        form = QuestionnaireForm(spec, language, data=data, initial={"started_at_ms": _now_ms()})
        return _render_form(request, survey, language, form)


def _submit(request: HttpRequest, survey: Survey, spec, language: str) -> HttpResponse:
    form = QuestionnaireForm(spec, language, data=request.POST)
    refusal = None
    if form.is_valid():
        now_ms = _now_ms()
        reasons = form.suspect_reasons(now_ms)
        try:
            response_submit(
                survey=survey,
                answers=form.cleaned_data["answers"],
                language=language,
                client_token=form.cleaned_data["client_token"],
                duration_ms=form.duration_ms(now_ms),
                is_suspect=bool(reasons),
                suspect_reason=",".join(reasons),
            )
            return redirect("survey_thanks", slug=survey.slug)
        except SurveyClosed:
            return _render(request, survey, language, "surveys/closed.html", {}, status=410)
        except (TokenReused, SubmissionRefused) as error:
            refusal = str(error)
    return _render_form(request, survey, language, form, refusal=refusal, status=400)


def _render_form(request, survey, language, form, refusal=None, status=200) -> HttpResponse:
    context = {"form": form, "refusal": refusal, "other_text_limit": OTHER_TEXT_MAX_LENGTH}
    return _render(request, survey, language, "surveys/form.html", context, status=status)


def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    language = _chosen_language(request, survey) or survey.default_language
    with translation.override(language):
        return _render(request, survey, language, "surveys/thanks.html", {})


def _chosen_language(request: HttpRequest, survey: Survey) -> str | None:
    """The language asked for in this request (?lang= or the switch button), else the one
    remembered in the language cookie; None when the respondent has not chosen yet."""
    asked = request.POST.get("switch_language") or request.GET.get("lang")
    remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    for candidate in (asked, remembered):
        if candidate in survey.languages:
            return candidate
    return None


def _render(request, survey, language, template, context, status=200) -> HttpResponse:
    context = {
        "survey": survey,
        "language": language,
        "survey_title": survey.title_in(language),
        "survey_intro": survey.intro_in(language),
        "language_choices": [(code, language_names()[code]) for code in survey.languages],
        **context,
    }
    response = render(request, template, context, status=status)
    if _language_was_asked(request, survey):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    return response


def _language_was_asked(request: HttpRequest, survey: Survey) -> bool:
    asked = request.POST.get("switch_language") or request.GET.get("lang")
    return asked in survey.languages


def _now_ms() -> int:
    return int(time.time() * 1000)
