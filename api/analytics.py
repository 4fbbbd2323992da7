"""The analysis as JSON for staff scripts: frequencies, the dependence matrix, one pair.

The query string takes the dashboards' filters (analytics.forms), so a dashboard link's
filters work here unchanged. The data is the analysis's ``to_json()`` (the JSON of
``analyze --json``); the serializers describe it for the schema and pick the fields shown.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.forms import filter_parse
from analytics.power import EFFECT_SIZES
from analytics.results import Analysis, AnalysisOptions
from analytics.selectors import survey_analysis
from api.errors import error_responses
from api.filters import FILTER_PARAMETERS
from api.surveys import team_survey_or_404
from api.throttles import SignedInThrottle
from surveys.questionnaire import KINDS
from surveys.selectors import survey_has_real_responses, survey_questionnaire
from surveys.teams import VIEW

PAIR_KINDS = ("single×single", "single×multi", "multi×multi", "number×single", "single×number")


class CanViewAnalytics(BasePermission):
    """Signed in (anonymous requests get 401); each view then asks for the VIEW right on its
    survey (a team member, or site-wide reach: surveys/teams.py), else 403."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


ERRORS = error_responses(
    {
        400: "A filter cannot be used, or weighted=1 without a usable weighting scheme.",
        401: "Not signed in and no valid token.",
        403: "Not in the survey's team (any role) and no site-wide reach.",
        404: "No such survey or pair.",
        429: "Too many requests from this user; see Retry-After.",
    }
)


def _filtered_analysis(request: Request, slug: str) -> Analysis:
    survey = team_survey_or_404(request, slug, VIEW)
    spec = survey_questionnaire(survey)
    form = filter_parse(
        spec,
        translation.get_language(),
        request.query_params,
        has_real=survey_has_real_responses(survey),
    )
    options = AnalysisOptions(
        weighted=form.weighting(default=False), letters_adjust=form.letters_adjust()
    )
    return survey_analysis(survey, form.response_filter(), options)


def _number(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, required=False, **kwargs)


def _object(help_text: str) -> serializers.DictField:
    return serializers.DictField(allow_null=True, required=False, help_text=help_text)


WEIGHTS_FIELD = _object(
    "weighted=1: the weights (n, n_effective, design_effect, min, q1, median, q3, max)."
)


class PresentKeysSerializer(serializers.Serializer):
    """Shows only the keys the analysis gave: a pair of one kind has no fields of another."""

    def to_representation(self, instance: dict) -> dict:
        shown = super().to_representation(instance)
        return {key: value for key, value in shown.items() if key in instance}


class FrequencySerializer(PresentKeysSerializer):
    choice = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    percent_of_mentions = serializers.FloatField(
        allow_null=True, required=False, help_text="Multi-choice questions only."
    )
    ci_half_width = serializers.FloatField(
        allow_null=True, help_text="Half the width of the 95 % interval, in percentage points."
    )
    n_for_3_points = serializers.IntegerField(
        help_text="Answers needed for a 95 % interval of ±3 points at the current share "
        "(normal approximation; share 0.5 while nobody answered)."
    )
    n_for_5_points = serializers.IntegerField(help_text="The same for ±5 points.")
    weighted_percent = _number(help_text="weighted=1: the weighted percent (svymean).")
    weighted_se = _number(help_text="weighted=1: its linearised standard error, in points.")
    weighted_ci_low = _number(help_text="weighted=1: 95 % interval on the logit scale.")
    weighted_ci_high = _number(help_text="weighted=1: its upper bound.")


class QuestionFrequenciesSerializer(PresentKeysSerializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=KINDS)
    n_answered = serializers.IntegerField()
    n_unanswered = serializers.IntegerField(help_text="Asked, and gave no answer.")
    n_not_asked = serializers.IntegerField(
        help_text="Not asked: the question's condition was false (skipped by design)."
    )
    frequencies = FrequencySerializer(many=True, required=False, help_text="Choice questions.")
    weighted = serializers.BooleanField(
        required=False, help_text="Number questions: always false (unweighted statistics)."
    )
    descriptives = _object(
        "Number questions: n, mean, sd (n − 1), median, q1, q3 (R type 7), min, max, "
        "quantile_definition, histogram (edges, counts, rule)."
    )


class FrequenciesApi(APIView):
    permission_classes = [CanViewAnalytics]
    throttle_classes = [SignedInThrottle]

    @extend_schema_serializer(component_name="Frequencies")
    class OutputSerializer(serializers.Serializer):
        survey = serializers.SlugField()
        n = serializers.IntegerField(help_text="Responses that pass the filters.")
        watermark = serializers.IntegerField(help_text="The newest response id included.")
        weighted = serializers.BooleanField()
        weights = WEIGHTS_FIELD
        questions = QuestionFrequenciesSerializer(many=True)

    @extend_schema(
        summary="Answer frequencies per question",
        parameters=FILTER_PARAMETERS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(self.OutputSerializer(_filtered_analysis(request, slug).to_json()).data)


def _codes() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False)


def _grid(cell: type[serializers.Field] = serializers.FloatField) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ListField(child=cell()), allow_null=True, required=False
    )


# One number per Cohen effect size, under the keys "0.1", "0.3", "0.5" (Cramér's V): not
# names a class body can declare.
EffectSizesSerializer = type(
    "EffectSizesSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One value per effect size (Cramér's V); null when the test cannot be done.",
        **{str(v): serializers.FloatField(allow_null=True) for v in EFFECT_SIZES},
    },
)


class ItemSummarySerializer(PresentKeysSerializer):
    """One 2×k (or 2×2) test inside a multiple-response pair."""

    choice = serializers.CharField(required=False, help_text="single×multi: the option.")
    a_choice = serializers.CharField(required=False, help_text="multi×multi: option of a.")
    b_choice = serializers.CharField(required=False, help_text="multi×multi: option of b.")
    statistic = _number()
    p = _number()
    p_adjusted = _number()


class PairSummarySerializer(PresentKeysSerializer):
    """A question pair's test without its tables (the dependence matrix's cell)."""

    a = serializers.CharField()
    b = serializers.CharField()
    kind = serializers.ChoiceField(choices=PAIR_KINDS)
    not_asked = _object(
        "Per question of the pair, the respondents not asked it (skip logic): not in n, which "
        "counts those asked and answering both."
    )
    number = serializers.CharField(
        required=False, help_text="Number pairs: which question is the number question."
    )
    n = serializers.IntegerField()
    statistic = _number()
    df = _number()
    p = _number()
    p_adjusted = _number()
    significant = serializers.BooleanField(allow_null=True)
    p_anytime = serializers.FloatField(
        allow_null=True,
        help_text="Anytime-valid p (the running minimum over all responses so far): safe to "
        "check after every response. Null when filters are applied: the guarantee covers "
        "the whole stream of responses.",
    )
    g2 = _number()
    g2_p = _number()
    cramers_v = _number()
    cramers_v_corrected = _number()
    min_expected = _number()
    cells_expected_below_5 = serializers.IntegerField(allow_null=True, required=False)
    cells_expected_below_1 = serializers.IntegerField(allow_null=True, required=False)
    share_expected_below_5 = _number()
    cochran_ok = serializers.BooleanField(allow_null=True, required=False)
    yates_statistic = _number()
    yates_p = _number()
    fisher_p = _number()
    p_exact = _number(help_text="Monte Carlo p, when expected counts are small.")
    shown_p = _number(help_text="The p the dashboards show and `significant` judges.")
    ordinal = serializers.BooleanField(required=False, help_text="Two ordinal questions.")
    linear_by_linear = _object("Ordinal pairs: M² = (n − 1) r², df 1, p (the shown p).")
    gamma = _object("Ordinal pairs: Goodman–Kruskal γ with ase, z, p.")
    tau_b = _object("Ordinal pairs: Kendall's τ-b with ase, z, p.")
    spearman = _object("Ordinal pairs: Spearman's ρ with z (t) and p.")
    letters = _object(
        "Column-proportion letters: column_letters, letters[row][column] (the columns the "
        "cell is significantly higher than), adjust, alpha."
    )
    rao_scott = _object(
        "weighted=1: Rao–Scott f, ndf, ddf, p_f (shown), chisq, p_chisq, design effects; "
        "with a multi-choice question, items per option and p_bonferroni."
    )
    permutations = serializers.IntegerField(allow_null=True, required=False)
    p_bonferroni = _number()
    rs2_statistic = _number()
    rs2_df = _number()
    rs2_p = _number()
    reason = serializers.CharField(allow_null=True, required=False)
    epsilon_squared = _number(help_text="Number pairs (Kruskal–Wallis): ε² = H / (n − 1).")
    groups = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Number pairs: per choice, the descriptives of the number in that group.",
    )
    weighted = serializers.BooleanField(
        required=False, help_text="Number pairs: always false (Kruskal–Wallis is unweighted)."
    )
    rows = _codes()
    columns = _codes()
    dropped_rows = _codes()
    dropped_columns = _codes()
    items = ItemSummarySerializer(many=True, required=False)
    power = EffectSizesSerializer(
        required=False,
        help_text="Power of the χ² test at the current n to detect Cramér's V = 0.1, 0.3, 0.5 "
        "(multiple-response pairs: one option's table at the Bonferroni level; none for "
        "number pairs).",
    )
    n_for_power = EffectSizesSerializer(
        required=False, help_text="The n (real, as pwr.chisq.test) for 80 % power."
    )
    power_df = serializers.IntegerField(
        allow_null=True, required=False, help_text="df of the powered test."
    )
    power_alpha = serializers.FloatField(
        allow_null=True, required=False, help_text="Level of the powered test: alpha, or alpha / m."
    )


class ItemSerializer(ItemSummarySerializer):
    table = _grid(serializers.IntegerField)


class PairSerializer(PairSummarySerializer):
    """A question pair's test with its contingency table and derived tables."""

    items = ItemSerializer(many=True, required=False)
    table = _grid(serializers.IntegerField)
    expected = _grid()
    adjusted_residuals = _grid()
    row_percent = _grid()
    column_percent = _grid()


class MatrixApi(APIView):
    permission_classes = [CanViewAnalytics]
    throttle_classes = [SignedInThrottle]

    @extend_schema_serializer(component_name="DependenceMatrix")
    class OutputSerializer(serializers.Serializer):
        survey = serializers.SlugField()
        n = serializers.IntegerField()
        watermark = serializers.IntegerField()
        weighted = serializers.BooleanField()
        weights = WEIGHTS_FIELD
        pairs = PairSummarySerializer(many=True)

    @extend_schema(
        summary="The dependence matrix: every question pair's test, without tables",
        parameters=FILTER_PARAMETERS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(self.OutputSerializer(_filtered_analysis(request, slug).to_json()).data)


class PairApi(APIView):
    permission_classes = [CanViewAnalytics]
    throttle_classes = [SignedInThrottle]

    @extend_schema(
        summary="One question pair's test with its tables (a and b in either order)",
        parameters=FILTER_PARAMETERS,
        responses={200: PairSerializer, **ERRORS},
    )
    def get(self, request: Request, slug: str, a: str, b: str) -> Response:
        analysis = _filtered_analysis(request, slug)
        pair = analysis.pair(a, b) or analysis.number_pair(a, b)
        if pair is None:
            raise exceptions.NotFound(_("There is no such pair of question codes."))
        return Response(PairSerializer(pair.to_json()).data)
