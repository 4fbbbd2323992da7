"""Respondent pages: choose a survey, choose a language, answer, thank-you.

Staff who see a survey's dashboards (its team, and the groups that reach every survey) may
open its form in test mode (``?mode=test``, docs in the README's "Piloting"): the same
pages with a banner, stored as test responses, open even outside the survey's window.
"""

import functools
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from core.languages import language_names
from surveys.answers import OTHER_TEXT_MAX_LENGTH, AnswersInvalid
from surveys.forms import QuestionnaireForm, form_submission
from surveys.models import Provenance, Survey
from surveys.selectors import survey_by_slug, survey_questionnaire
from surveys.submissions import (
    SubmissionRefused,
    SurveyClosed,
    TokenReused,
    closed_message,
    response_submit,
    survey_closed_reason,
)
from surveys.teams import VIEW, survey_allows


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
    test_mode = _test_mode(request)
    if test_mode and not survey_allows(request.user, survey, VIEW):
        return redirect_to_login(request.get_full_path())
    language = _chosen_language(request, survey)
    if language is None:
        return _render(request, survey, survey.default_language, "surveys/language.html", {})
    with translation.override(language):
        reason = None if test_mode else survey_closed_reason(survey)
        if reason is not None:
            return _closed(request, survey, language, reason)
        spec = survey_questionnaire(survey)
        if request.method == "POST" and "switch_language" not in request.POST:
            return _submit(request, survey, spec, language, test_mode)
        # Switching language mid-way re-shows what was entered, without judging it yet.
        data = request.POST if request.method == "POST" else None
        form = QuestionnaireForm(spec, language, data=data, initial={"started_at_ms": _now_ms()})
        return _render_form(request, survey, language, form)


def _submit(
    request: HttpRequest, survey: Survey, spec, language: str, test_mode: bool
) -> HttpResponse:
    submission = form_submission(spec, request.POST)
    refusal, invalid = None, None
    if submission is not None:
        now_ms = _now_ms()
        reasons = submission.suspect_reasons(now_ms)
        try:
            response_submit(
                survey=survey,
                answers=submission.answers,
                language=language,
                client_token=submission.client_token,
                duration_ms=submission.duration_ms(now_ms),
                is_suspect=bool(reasons),
                suspect_reason=",".join(reasons),
                provenance=Provenance.TEST if test_mode else Provenance.REAL,
            )
            thanks = _thanks_path(get_script_prefix(), survey.slug)
            # Not redirect(): it would first try the address as a URL name.
            return HttpResponseRedirect(f"{thanks}?mode=test" if test_mode else thanks)
        except SurveyClosed as closed:
            return _closed(request, survey, language, closed.reason)
        except AnswersInvalid as error:
            invalid = error
        except (TokenReused, SubmissionRefused) as error:
            refusal = str(error)
    # Refused: the form, judged, says what its own fields find wrong, else what the
    # questionnaire's rules found.
    form = QuestionnaireForm(spec, language, data=request.POST)
    if form.is_valid() and invalid is not None:
        form.answers_refused(invalid)
    return _render_form(request, survey, language, form, refusal=refusal, status=400)


@functools.lru_cache(maxsize=1024)
def _thanks_path(prefix: str, slug: str) -> str:
    """The thank-you page's path, kept: reverse() costs about 35 µs, 4% of a form
    submission's CPU, and the URLconf does not change while the process runs. The script
    prefix (a deployment under a sub-path) is read by reverse() on each call, so it is part
    of the key."""
    return reverse("survey_thanks", kwargs={"slug": slug})


def _render_form(request, survey, language, form, refusal=None, status=200) -> HttpResponse:
    context = {"form": form, "refusal": refusal, "other_text_limit": OTHER_TEXT_MAX_LENGTH}
    return _render(request, survey, language, "surveys/form.html", context, status=status)


def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    language = _chosen_language(request, survey) or survey.default_language
    with translation.override(language):
        return _render(request, survey, language, "surveys/thanks.html", {})


def _closed(request: HttpRequest, survey: Survey, language: str, reason: str) -> HttpResponse:
    """The closed page, saying why (not open yet, ended, quota reached, closed), and when."""
    context = {"message": closed_message(survey, reason)}
    status = 403 if reason == "not_open_yet" else 410
    return _render(request, survey, language, "surveys/closed.html", context, status=status)


def _test_mode(request: HttpRequest) -> bool:
    """A staff member piloting the form: ``?mode=test``, kept through every page of it."""
    return request.GET.get("mode") == "test"


def _chosen_language(request: HttpRequest, survey: Survey) -> str | None:
    """The language asked for in this request, else the one remembered in the language
    cookie; None when the respondent has not chosen yet."""
    remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    for candidate in (_asked_language(request), remembered):
        if candidate in survey.languages:
            return candidate
    return None


def _asked_language(request: HttpRequest) -> str | None:
    """The language this request asks for: the switch button's, else ``?lang=``."""
    return request.POST.get("switch_language") or request.GET.get("lang")


def _render(request, survey, language, template, context, status=200) -> HttpResponse:
    test_mode = _test_mode(request)
    context = {
        "survey": survey,
        "test_mode": test_mode,
        "language": language,
        "survey_title": survey.title_in(language),
        "survey_intro": survey.intro_in(language),
        "language_choices": [(code, language_names()[code]) for code in survey.languages],
        **context,
    }
    response = render(request, template, context, status=status)
    # Not in test mode: the cookie is also the staff pages' language, which a pilot in
    # another language must not change.
    if _asked_language(request) in survey.languages and not test_mode:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    return response


def _now_ms() -> int:
    return int(time.time() * 1000)
