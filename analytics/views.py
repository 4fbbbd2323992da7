"""Staff dashboards: overview, dependence matrix, pair drill-down, findings, and the cheap
change check that lets open pages redraw themselves."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from analytics import dashboards
from analytics.charts import Labels
from analytics.dashboards import MATRIX_MEASURES, Board
from analytics.findings import findings_write, paper_comparison
from analytics.forms import FilterInvalid, filter_parse
from analytics.selectors import survey_analysis
from surveys.models import EXPORT_PERMISSION, Response, Survey
from surveys.selectors import survey_questionnaire


def staff_only(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in people without the permission
    get 403."""
    return login_required(
        permission_required("analytics.view_analytics", raise_exception=True)(view)
    )


def dashboard(view: Callable) -> Callable:
    """Resolve the survey and the filters of the query string into a Board, or answer 400."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        spec = survey_questionnaire(survey)
        language = translation.get_language()
        try:
            form = filter_parse(spec, language, request.GET)
            chosen = form.response_filter()
            analysis = survey_analysis(survey, chosen)
            request.dashboard_form = form  # type: ignore[attr-defined]
            return view(
                request, Board(survey, spec, Labels(spec, language), chosen, analysis), **kwargs
            )
        except FilterInvalid as error:
            context = {"survey": survey, "message": str(error)}
            return render(request, "analytics/bad_filter.html", context, status=400)

    return staff_only(wrapper)


def _page(
    request: HttpRequest,
    template: str,
    board: Board,
    data_url: str,
    exports: tuple[tuple[str, str], ...] = (),
    **context,
) -> HttpResponse:
    filters = request.GET.copy()
    filters.pop("show", None)
    context |= {
        "exports": _exports(request, board, filters.urlencode(), exports),
        "survey": board.survey,
        "analysis": board.analysis,
        "form": request.dashboard_form,  # type: ignore[attr-defined]
        "filters": filters.urlencode(),
        "data_url": f"{data_url}?{request.GET.urlencode()}",
        "changes_url": reverse("dashboard_changes", args=[board.survey.slug]),
    }
    return render(request, template, context)


def _exports(
    request: HttpRequest, board: Board, filters: str, extra: tuple[tuple[str, str], ...]
) -> list[tuple[str, str]]:
    """The export menu's (name, address) links, carrying the page's filters; empty for
    users who may not export. ``extra``: the page's own tables, as (name, address)."""
    if not request.user.has_perm(EXPORT_PERMISSION):
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
    ]


def _data(board: Board, built: dict) -> JsonResponse:
    analysis = board.analysis
    return JsonResponse(
        {"watermark": analysis["watermark"], "n": analysis["n"], "figures": built["figures"]}
    )


@dashboard
def overview(request: HttpRequest, board: Board) -> HttpResponse:
    built = dashboards.cached_build(board, "overview", dashboards.overview_build)
    counts = dashboards.response_counts(board.survey)
    data_url = reverse("dashboard_overview_data", args=[board.survey.slug])
    return _page(request, "analytics/overview.html", board, data_url, counts=counts, **built)


@dashboard
def overview_data(request: HttpRequest, board: Board) -> HttpResponse:
    return _data(board, dashboards.cached_build(board, "overview", dashboards.overview_build))


def _measure(request: HttpRequest) -> str:
    show = request.GET.get("show", "v")
    if show not in MATRIX_MEASURES:
        raise FilterInvalid(
            _("“show” must be one of: %(measures)s.") % {"measures": ", ".join(MATRIX_MEASURES)}
        )
    return show


@dashboard
def matrix(request: HttpRequest, board: Board) -> HttpResponse:
    show = _measure(request)
    built = _matrix_built(board, show)
    data_url = reverse("dashboard_matrix_data", args=[board.survey.slug])
    measures = [("v", _("bias-corrected V")), ("p", "p"), ("p_adjusted", _("adjusted p"))]
    exports = ((_("Dependence matrix (CSV)"), reverse("api_matrix_csv", args=[board.survey.slug])),)
    return _page(
        request,
        "analytics/matrix.html",
        board,
        data_url,
        exports,
        show=show,
        measures=measures,
        **built,
    )


@dashboard
def matrix_data(request: HttpRequest, board: Board) -> HttpResponse:
    return _data(board, _matrix_built(board, _measure(request)))


def _matrix_built(board: Board, show: str) -> dict:
    return dashboards.cached_build(
        board, f"matrix:{show}", lambda board: dashboards.matrix_build(board, show)
    )


def _pair(board: Board, a: str, b: str) -> dict:
    pair = dashboards.pair_find(board.analysis, a, b)
    if pair is None:
        raise Http404("No such pair of questions")
    return pair


@dashboard
def pair(request: HttpRequest, board: Board, a: str, b: str) -> HttpResponse:
    built = _pair_built(board, a, b)
    data_url = reverse("dashboard_pair_data", args=[board.survey.slug, a, b])
    shown = built["pair"]
    crosstab = reverse("api_crosstab_csv", args=[board.survey.slug, shown["a"], shown["b"]])
    exports = ((_("Crosstab (CSV)"), crosstab),)
    return _page(request, "analytics/pair.html", board, data_url, exports, **built)


@dashboard
def pair_data(request: HttpRequest, board: Board, a: str, b: str) -> HttpResponse:
    return _data(board, _pair_built(board, a, b))


def _pair_built(board: Board, a: str, b: str) -> dict:
    pair = _pair(board, a, b)
    return dashboards.cached_build(
        board, f"pair:{pair['a']}:{pair['b']}", lambda board: dashboards.pair_build(board, pair)
    )


@dashboard
def findings(request: HttpRequest, board: Board) -> HttpResponse:
    written = findings_write(board.analysis, board.labels)
    comparison = paper_comparison(board.survey.slug, board.analysis)
    data_url = reverse("dashboard_findings_data", args=[board.survey.slug])
    return _page(
        request,
        "analytics/findings.html",
        board,
        data_url,
        findings=written,
        comparison=comparison,
        figures={},
    )


@dashboard
def findings_data(request: HttpRequest, board: Board) -> HttpResponse:
    return _data(board, {"figures": {}})


def _watermark_etag(request: HttpRequest, slug: str) -> str:
    """The newest response id, in one index-backed query: the cheap "anything new?" answer."""
    newest = Response.objects.filter(survey=OuterRef("pk")).order_by("-id").values("id")[:1]
    found = Survey.objects.filter(slug=slug).values_list(Subquery(newest), flat=True).first()
    if found is None and not Survey.objects.filter(slug=slug).exists():
        raise Http404("No such survey")
    return str(found or 0)


@staff_only
@condition(etag_func=_watermark_etag)
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    latest = Response.objects.filter(survey__slug=slug).aggregate(
        watermark=Max("id"), n=Count("id"), updated_at=Max("submitted_at")
    )
    return JsonResponse({**latest, "watermark": latest["watermark"] or 0})
