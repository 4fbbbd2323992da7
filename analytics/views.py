"""Staff dashboards: overview, dependence matrix, pair drill-down, findings, and the cheap
change check that lets open pages redraw themselves."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _

from analytics import dashboards
from analytics.charts import Labels
from analytics.dashboards import MATRIX_MEASURES, Board
from analytics.filters import ResponseFilter, filter_default
from analytics.findings import findings_write, paper_comparison
from analytics.forms import FilterInvalid, filter_parse
from analytics.refresh import analysis_ready, dashboard_options, dashboard_served
from analytics.results import Analysis
from analytics.selectors import Finished, analysis_newest
from analytics.staff import SurveyState, staff_context, team_survey_state
from surveys.models import Response, Survey
from surveys.selectors import survey_questionnaire
from surveys.teams import ANALYSE, VIEW, survey_allows

Page = tuple[str, dict]  # a template and what it shows


def dashboard(page: Callable[..., Page]) -> Callable:
    """A staff page: resolve the survey and the query string's filters into a Board, and show
    the page, or at its data/ address (``data=True``) its figures and live blocks as JSON;
    a filter it cannot use is a 400 that says why."""

    @wraps(page)
    def view(request: HttpRequest, slug: str, data: bool = False, **kwargs) -> HttpResponse:
        state = team_survey_state(request, slug, VIEW)
        survey = state.survey
        spec = survey_questionnaire(survey)
        language = translation.get_language()
        try:
            form = filter_parse(spec, language, request.GET, has_real=state.has_real)
            chosen = form.response_filter()
            served, weights_problem = _served(state, chosen, form)
            board = Board(survey, spec, Labels(spec, language), chosen, served.analysis)
            template, context = page(request, board, **kwargs)
            context |= {"weights_problem": weights_problem, "has_scheme": state.has_scheme}
        except FilterInvalid as error:
            context = {"survey": survey, "message": str(error)}
            return render(request, "analytics/bad_filter.html", context, status=400)
        data_url = reverse(f"dashboard_{page.__name__}_data", kwargs={"slug": slug, **kwargs})
        context |= {"finished_at": served.finished.finished_at}
        context = _page_context(request, board, form, data_url, context, served.newer_than)
        return _data(request, template, context) if data else render(request, template, context)

    return login_required(view)


@dataclass(frozen=True)
class Served:
    """The analysis a page shows, when it was computed, and whether responses have arrived
    since (the header counts them)."""

    finished: Finished
    behind: bool

    @property
    def analysis(self) -> Analysis:
        return self.finished.analysis

    @property
    def newer_than(self) -> int | None:
        return self.analysis.watermark if self.behind else None


def _served(state: SurveyState, chosen: ResponseFilter, form) -> tuple[Served, str | None]:
    """What the page shows: weighted as the filter asks or, by default, if the survey has a
    weighting scheme."""
    survey, watermark = state.survey, state.watermark
    weighted = state.weighted(form.weighting_asked())
    finished, weights_problem = dashboard_served(
        survey, chosen, watermark, weighted, form.letters_adjust()
    )
    return Served(finished, watermark > finished.analysis.watermark), weights_problem


def _page_context(
    request: HttpRequest,
    board: Board,
    form,
    data_url: str,
    context: dict,
    newer_than: int | None,
) -> dict:
    """What every dashboard page shows besides its own content. ``context["tables"]``: the
    page's own tables for the export menu, as (name, address); ``newer_than``: the
    watermark of the analysis shown when responses have arrived since."""
    filters = request.GET.copy()
    filters.pop("show", None)
    changes_url = reverse("dashboard_changes", args=[board.survey.slug])
    return (
        context
        | staff_context(
            request,
            board.survey,
            board.chosen,
            has_real=form.has_real,
            watermark=board.analysis.watermark,
            newer_than=newer_than,
        )
        | {
            "exports": _exports(request, board, filters.urlencode(), context.pop("tables", ())),
            "survey": board.survey,
            "analysis": board.analysis,
            "form": form,
            "chosen": board.chosen,
            "filters": filters.urlencode(),
            "data_url": f"{data_url}?{request.GET.urlencode()}",
            "changes_url": f"{changes_url}?{filters.urlencode()}",
            "filter_bar_key": dashboards.filter_bar_key(
                board, request.GET, has_scheme=context["has_scheme"]
            ),
            "filter_bar_seconds": dashboards.FILTER_BAR_SECONDS,
        }
    )


def _exports(
    request: HttpRequest, board: Board, filters: str, extra: tuple[tuple[str, str], ...]
) -> list[tuple[str, str]]:
    """The export menu's (name, address) links, carrying the page's filters; empty for
    users who may not export. ``extra``: the page's own tables, as (name, address)."""
    if not survey_allows(request.user, board.survey, ANALYSE):
        return []
    slug = board.survey.slug
    language = translation.get_language()
    labels = f"labels={language}" if language in board.survey.languages else ""

    def link(name: str, address: str, *options: str) -> tuple[str, str]:
        query = "&".join(part for part in (filters, *options) if part)
        return name, f"{address}?{query}" if query else address

    return [
        link(_("Responses (CSV)"), reverse("api_export_csv", args=[slug])),
        link(_("Responses (Excel)"), reverse("api_export_xlsx", args=[slug])),
        link(_("Responses (SPSS)"), reverse("api_export_sav", args=[slug]), labels),
        link(_("Codebook (CSV)"), reverse("api_codebook_csv", args=[slug])),
        link(_("Codebook (JSON)"), reverse("api_codebook_json", args=[slug])),
        *(link(name, address) for name, address in extra),
        *publications(board.survey, filters),
    ]


def publications(survey: Survey, filters: str) -> list[tuple[str, str]]:
    """The report (Word, printable page) and the reproducible bundle, with the page's
    filters, as (name, address); the report in the staff member's language."""
    slug, language = survey.slug, translation.get_language()
    query = "&".join(part for part in (filters, f"lang={language}") if part)
    return [
        (_("Report (Word)"), f"{reverse('api_report_docx', args=[slug])}?{query}"),
        (_("Report (printable page)"), f"{reverse('api_report_html', args=[slug])}?{query}"),
        (_("Reproducible bundle (ZIP)"), f"{reverse('api_bundle', args=[slug])}?{filters}"),
    ]


def _data(request: HttpRequest, template: str, context: dict) -> JsonResponse:
    """The page's figures and its live blocks as the page would show them now (the blocks
    are rendered by the page's own template: analytics/templatetags/live.py)."""
    fragments: dict[str, str] = {}
    render_to_string(template, {**context, "live_fragments": fragments}, request)
    analysis = context["analysis"]
    return JsonResponse(
        {
            "watermark": analysis.watermark,
            "n": analysis.n,
            "figures": context["figures"],
            "fragments": fragments,
        }
    )


def _publish(request: HttpRequest, board: Board) -> list[tuple[str, str]]:
    """The buttons of the findings and overview pages, for users who may export the survey
    (its analysts and owners: surveys/teams.py)."""
    if not survey_allows(request.user, board.survey, ANALYSE):
        return []
    filters = request.GET.copy()
    filters.pop("show", None)
    return publications(board.survey, filters.urlencode())


@dashboard
def overview(request: HttpRequest, board: Board) -> Page:
    built = dashboards.cached_build(board, dashboards.overview_page(), dashboards.overview_build)
    return "analytics/overview.html", {"publish": _publish(request, board), **built}


def _measure(request: HttpRequest) -> str:
    show = request.GET.get("show", "v")
    if show not in MATRIX_MEASURES:
        raise FilterInvalid(
            _("“show” must be one of: %(measures)s.") % {"measures": ", ".join(MATRIX_MEASURES)}
        )
    return show


@dashboard
def matrix(request: HttpRequest, board: Board) -> Page:
    show = _measure(request)
    built = dashboards.cached_build(
        board, f"matrix:{show}", lambda board: dashboards.matrix_build(board, show)
    )
    measures = [
        ("v", _("bias-corrected V")),
        ("p", "p"),
        ("p_adjusted", _("adjusted p")),
        ("p_anytime", _("safe to watch")),
    ]
    tables = ((_("Dependence matrix (CSV)"), reverse("api_matrix_csv", args=[board.survey.slug])),)
    return "analytics/matrix.html", {
        "show": show,
        "measures": measures,
        "tables": tables,
        # The safe-to-watch p exists for the default view only (real responses once
        # there is one), not for another choice of responses.
        "filtered": board.chosen != filter_default(board.survey),
        "has_numbers": bool(board.analysis.numbers),
        **built,
    }


@dashboard
def pair(request: HttpRequest, board: Board, a: str, b: str) -> Page:
    found = board.analysis.pair(a, b)
    if found is None:
        return _number_pair(board, a, b)
    built = dashboards.cached_build(
        board,
        f"pair:{found.a}:{found.b}",
        lambda board: dashboards.pair_build(board, found),
    )
    crosstab = reverse("api_crosstab_csv", args=[board.survey.slug, found.a, found.b])
    return "analytics/pair.html", {"tables": ((_("Crosstab (CSV)"), crosstab),), **built}


def _number_pair(board: Board, a: str, b: str) -> Page:
    found = board.analysis.number_pair(a, b)
    if found is None:
        raise Http404("No such pair of questions")
    built = dashboards.cached_build(
        board,
        f"pair:{found.a}:{found.b}",
        lambda board: dashboards.number_pair_build(board, found),
    )
    return "analytics/number_pair.html", built


@dashboard
def findings(request: HttpRequest, board: Board) -> Page:
    return "analytics/findings.html", {
        "findings": findings_write(board.analysis, board.labels),
        "comparison": paper_comparison(board.survey.slug, board.analysis),
        "publish": _publish(request, board),
        "figures": {},
    }


@login_required
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    """Whether a newer analysis (for the page's filter) is ready: its watermark is the ETag,
    so an unchanged answer is a 304. Asks for a refresh when responses arrived since; never
    computes in the request."""
    state = team_survey_state(request, slug, VIEW)
    survey, watermark = state.survey, state.watermark
    try:
        form = filter_parse(
            survey_questionnaire(survey),
            translation.get_language(),
            request.GET,
            has_real=state.has_real,
        )
    except FilterInvalid as error:
        return JsonResponse({"error": str(error)}, status=400)
    chosen = form.response_filter()
    weighted = state.weighted(form.weighting_asked())
    options, unweighted = dashboard_options(weighted, form.letters_adjust())
    finished = analysis_ready(survey, chosen, watermark, options) or analysis_newest(
        survey, chosen, unweighted
    )
    ready = finished.analysis.watermark if finished else 0
    unchanged = get_conditional_response(request, etag=f'"{ready}"')
    if unchanged is None:
        stored = Response.objects.filter(survey=survey).aggregate(
            n=Count("id"), updated_at=Max("submitted_at")
        )
        analysed = {
            "ready": ready,
            "analysed": finished.analysis.n if finished else 0,
            "finished_at": finished.finished_at if finished else None,
        }
        unchanged = JsonResponse({"watermark": watermark, **stored, **analysed})
    unchanged["ETag"] = f'"{ready}"'
    return unchanged


@login_required
def switch(request: HttpRequest) -> HttpResponse:
    """The header's survey switcher: ``?survey=<slug>`` opens that survey's overview."""
    survey = get_object_or_404(Survey, slug=request.GET.get("survey", ""))
    return redirect("dashboard_overview", slug=survey.slug)
