"""What every staff page shares: who may see it, and its header (survey switcher, language
switcher, links, sign out) and demo/test banner."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from analytics.filters import ResponseFilter, filter_for_survey
from analytics.models import WeightingScheme
from analytics.selectors import watermark_cached
from surveys.models import Provenance, Response, Survey
from surveys.selectors import survey_has_real_responses, survey_questionnaire, survey_watermark
from surveys.teams import ANALYSE, MANAGE, VIEW, survey_allows, surveys_reachable


def team_right(right: str) -> Callable[[Callable], Callable]:
    """Anonymous visitors go to the login page; signed-in people whose role does not give
    this right on the survey (surveys/teams.py) get 403, before anything about it is read."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            team_survey(request, slug, right)
            return view(request, slug, *args, **kwargs)

        return login_required(checked)

    return decorator


def team_survey(request: HttpRequest, slug: str, right: str) -> Survey:
    """The survey, if the signed-in user's role gives this right on it (404 for no such
    survey, 403 for no such right): ``team_right``'s check, for a view that needs the
    survey itself."""
    survey = get_object_or_404(Survey, slug=slug)
    _team_check(request, survey, right)
    return survey


def _team_check(request: HttpRequest, survey: Survey, right: str) -> None:
    if not survey_allows(request.user, survey, right):
        raise PermissionDenied("Your role in this survey's team does not allow this.")


# The dashboards: every role of the team (viewers too).
team_only = team_right(VIEW)


@dataclass(frozen=True)
class SurveyState:
    """A survey and what every dashboard view reads about it: its watermark (the newest
    response's id, surveys.selectors.survey_watermark), whether a respondent has answered
    (survey_has_real_responses) and whether it has a weighting scheme."""

    survey: Survey
    watermark: int
    has_real: bool
    has_scheme: bool

    def weighted(self, asked: bool | None) -> bool:
        """Weighted as a page's filter ``asked``, or by default if there is a scheme."""
        return self.has_scheme if asked is None else asked


def team_survey_state(request: HttpRequest, slug: str, right: str) -> SurveyState:
    """``team_survey`` with the survey's state, read in the same query: under a stream of
    submissions each round trip to the database waits for a turn on the cores."""
    responses = Response.objects.filter(survey=OuterRef("pk"))
    survey = (
        Survey.objects.filter(slug=slug)
        .annotate(
            newest=Subquery(responses.order_by("-pk").values("pk")[:1]),
            answered=Exists(responses.filter(provenance=Provenance.REAL)),
            weighted=Exists(WeightingScheme.objects.filter(survey=OuterRef("pk"))),
        )
        .first()
    )
    if survey is None:
        raise Http404("No such survey.")
    _team_check(request, survey, right)
    return SurveyState(survey, survey.newest or 0, survey.answered, survey.weighted)


def synthetic_context(
    survey: Survey, chosen: ResponseFilter, has_real: bool, watermark: int | None = None
) -> dict:
    """What the banner needs: the demo and test responses the view includes, as
    (provenance, count). Counted from the (survey, provenance) index only when the view
    includes any, and kept for the watermark (``None``: looked up), as every page asks."""
    if not chosen.synthetic:
        return {"synthetic_included": [], "has_real": has_real}

    def count() -> list[tuple[str, int]]:
        counted = [(p, survey.responses.filter(provenance=p).count()) for p in chosen.synthetic]
        return [(p, n) for p, n in counted if n]

    watermark = survey_watermark(survey) if watermark is None else watermark
    included = watermark_cached("synthetic", survey, watermark, chosen.synthetic, count)
    return {"synthetic_included": included, "has_real": has_real}


def staff_context(
    request: HttpRequest,
    survey: Survey,
    chosen: ResponseFilter | None = None,
    *,
    has_real: bool | None = None,
    watermark: int | None = None,
    newer_than: int | None = None,
) -> dict:
    """The header's and banner's context for a page about ``survey`` showing ``chosen``
    (by default the survey's default responses). ``has_real`` and ``watermark``, when the
    page knows them already, save their queries. With ``newer_than``, the watermark of an
    analysis the responses have moved past, the header also says how many are newer
    ("pending")."""
    user = request.user
    may_export = survey_allows(user, survey, ANALYSE)  # owners ("manage") may too
    if has_real is None:
        has_real = survey_has_real_responses(survey)
    chosen = chosen or filter_for_survey(has_real)
    listed, pending = _header_surveys(user, survey, newer_than)
    return synthetic_context(survey, chosen, has_real, watermark) | {
        "survey": survey,
        "staff_surveys": listed,
        "pending": pending,
        "may_export": may_export,
        "may_manage": may_export and survey_allows(user, survey, MANAGE),
        "may_admin": user.is_staff,
        "has_text_questions": any(q.is_text for q in survey_questionnaire(survey).questions),
    }


def _header_surveys(user, survey: Survey, newer_than: int | None) -> tuple[Sequence[Survey], int]:
    """The surveys the header's switcher lists and how many of ``survey``'s responses are
    newer than ``newer_than`` (None: none asked), in one query: a dashboard behind a stream
    of submissions asks for both on every view, and each round trip waits for a turn on
    the cores (docs/benchmarks.md, "Fewer round trips")."""
    listed = surveys_reachable(user, VIEW).only("slug", "title", "default_language")
    if newer_than is None:
        return list(listed), 0
    newer = (
        Response.objects.filter(survey=OuterRef("pk"), pk__gt=newer_than)
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counted = Case(When(pk=survey.pk, then=Coalesce(Subquery(newer), 0)))
    surveys = list(listed.annotate(newer=counted))
    own = next((each.newer for each in surveys if each.pk == survey.pk), None)
    if own is None:  # the user left the survey's team since the page checked their right
        own = survey.responses.filter(pk__gt=newer_than).count()
    return surveys, own
