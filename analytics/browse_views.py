"""The responses browser: a page of responses in words, one response, the "other" texts,
the free-text answers with their word frequencies, and deleting all test or demo
responses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics.browse import (
    Cursor,
    answer_cells,
    other_texts,
    responses_page,
    responses_searched,
)
from analytics.charts import Labels
from analytics.forms import FilterInvalid, filter_parse
from analytics.staff import staff_context, team_only, team_right
from analytics.text_answers import text_answers_found, text_sources, text_words
from surveys.models import Provenance, Survey
from surveys.selectors import survey_has_real_responses, survey_questionnaire
from surveys.services import DeletionRefused, responses_delete
from surveys.teams import ANALYSE, MANAGE, survey_allows

SEARCH_MAX_LENGTH = 200


def _filtered(request: HttpRequest, survey: Survey):
    spec = survey_questionnaire(survey)
    query = request.GET.copy()
    for name in ("q", "order", "after", "before", "source"):
        query.pop(name, None)
    form = filter_parse(
        spec, translation.get_language(), query, has_real=survey_has_real_responses(survey)
    )
    return spec, form, query.urlencode()


def _cursors(request: HttpRequest) -> tuple[Cursor | None, Cursor | None]:
    """The keyset page asked for: after or before a response; FilterInvalid if damaged."""
    after, before = (request.GET.get(name) for name in ("after", "before"))
    return (Cursor.parse(after) if after else None, Cursor.parse(before) if before else None)


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def _bad_filter(request: HttpRequest, survey: Survey, error: FilterInvalid) -> HttpResponse:
    context = {"survey": survey, "message": str(error)}
    return render(request, "analytics/bad_filter.html", context, status=400)


@team_right(ANALYSE)  # individual answers: analysts and owners
def responses(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    search = _search(request)
    oldest_first = request.GET.get("order") == "oldest"
    try:
        spec, form, filters = _filtered(request, survey)
        after, before = _cursors(request)
    except FilterInvalid as error:
        return _bad_filter(request, survey, error)
    chosen = form.response_filter()
    labels = Labels(spec, translation.get_language())
    found = responses_searched(survey, spec, chosen, search)
    page = responses_page(found, oldest_first=oldest_first, after=after, before=before)
    extra = {"q": search} if search else {}
    if oldest_first:
        extra["order"] = "oldest"
    keep = "&".join(part for part in (filters, urlencode(extra)) if part)
    context = staff_context(request, survey, chosen) | {
        "form": form,
        "chosen": chosen,
        "search": search,
        "oldest_first": oldest_first,
        "questions": [(q.code, labels.questions[q.code]) for q in spec.answered_questions],
        "rows": [(r, answer_cells(spec, labels, r.answers, r.skipped)) for r in page.rows],
        "page": page,
        "keep": keep,
        "filters": filters,
        "exports": _exports(request, survey, filters),
        "deletable": [(p, Provenance(p).label) for p in (Provenance.TEST, Provenance.DEMO)],
    }
    return render(request, "analytics/responses.html", context)


def _exports(request: HttpRequest, survey: Survey, filters: str) -> list[tuple[str, str]]:
    if not survey_allows(request.user, survey, ANALYSE):
        return []
    suffix = f"?{filters}" if filters else ""
    return [
        (_("Responses (CSV)"), reverse("api_export_csv", args=[survey.slug]) + suffix),
        (_("Responses (Excel)"), reverse("api_export_xlsx", args=[survey.slug]) + suffix),
        (_("Responses (SPSS)"), reverse("api_export_sav", args=[survey.slug]) + suffix),
    ]


@team_right(ANALYSE)  # individual answers: analysts and owners
def response_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    response = get_object_or_404(survey.responses, pk=pk)
    spec = survey_questionnaire(survey)
    labels = Labels(spec, translation.get_language())
    cells = answer_cells(spec, labels, response.answers, response.skipped)
    answers = [
        (q.code, labels.questions[q.code], cell)
        for q, cell in zip(spec.answered_questions, cells, strict=True)
    ]
    context = staff_context(request, survey) | {"response": response, "answers": answers}
    return render(request, "analytics/response.html", context)


@team_right(ANALYSE)  # individual answers: analysts and owners
def other_answers(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    try:
        spec, form, filters = _filtered(request, survey)
    except FilterInvalid as error:
        return _bad_filter(request, survey, error)
    chosen = form.response_filter()
    labels = Labels(spec, translation.get_language())
    context = staff_context(request, survey, chosen) | {
        "texts": other_texts(survey, spec, labels, chosen),
        "filters": filters,
    }
    return render(request, "analytics/other_texts.html", context)


@team_right(ANALYSE)  # individual answers: analysts and owners
def text_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """One text question's (or "other" option's) answers, newest first, searched, with the
    most frequent words of those found."""
    survey = get_object_or_404(Survey, slug=slug)
    search = _search(request)
    try:
        spec, form, filters = _filtered(request, survey)
        after, before = _cursors(request)
    except FilterInvalid as error:
        return _bad_filter(request, survey, error)
    sources = text_sources(spec, Labels(spec, translation.get_language()))
    source = next((s for s in sources if s.key == request.GET.get("source")), None)
    source = source or (sources[0] if sources else None)
    chosen = form.response_filter()
    context = staff_context(request, survey, chosen) | {
        "form": form,
        "chosen": chosen,
        "sources": sources,
        "source": source,
        "search": search,
        "filters": filters,
    }
    if source is not None:
        found = text_answers_found(survey, chosen, source.key, search)
        extra = urlencode({"source": source.key} | ({"q": search} if search else {}))
        context |= {
            "page": responses_page(found, after=after, before=before),
            "words": text_words(survey, chosen, source.key, search),
            "keep": "&".join(part for part in (filters, extra) if part),
        }
    return render(request, "analytics/text_answers.html", context)


@team_only
@require_POST
def delete_synthetic(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete all test (or all demo) responses of the survey; real ones are never touched."""
    survey = get_object_or_404(Survey, slug=slug)
    if not survey_allows(request.user, survey, MANAGE):
        raise PermissionDenied("Deleting responses needs the permission to change the survey.")
    provenance = request.POST.get("provenance", "")
    try:
        deleted = responses_delete(survey=survey, provenance=provenance, user=request.user)
    except DeletionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)d %(provenance)s responses deleted; real responses are untouched.")
            % {"count": deleted, "provenance": Provenance(provenance).label},
        )
    return redirect("dashboard_responses", slug=survey.slug)
