"""The dashboards' filters as command-line options: ``--filter q01=teacher`` (any filter of
the dashboards by its name, repeatable), ``--since``, ``--until``, ``--provenance``
(repeatable), ``--suspect``."""

from django.core.management.base import CommandError, CommandParser
from django.http import QueryDict

from analytics.filters import ResponseFilter
from analytics.forms import FilterInvalid, filter_parse
from surveys.models import Provenance, Survey
from surveys.selectors import survey_has_real_responses, survey_questionnaire


def filter_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a dashboard filter, e.g. q01=teacher or language=kk (repeatable)",
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="responses from this day on")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="responses up to this day")
    parser.add_argument(
        "--provenance",
        action="append",
        default=[],
        choices=Provenance.values,
        help="count responses of this provenance (repeatable); default: real only once the "
        "survey has a real response, else all",
    )
    parser.add_argument("--suspect", choices=("include", "exclude"), help="suspect responses")


def filter_chosen(survey: Survey, options: dict) -> ResponseFilter:
    """The filter these options choose; CommandError naming what is wrong."""
    query = QueryDict(mutable=True)
    for given in options["filter"]:
        name, equals, value = given.partition("=")
        if not equals or not name:
            raise CommandError(f"--filter {given!r}: write NAME=VALUE, e.g. --filter q01=teacher.")
        query.appendlist(name, value)
    for name in ("since", "until", "suspect"):
        if options[name]:
            query[name] = options[name]
    query.setlist("provenance", options["provenance"])
    known = {"language", "since", "until", "provenance", "suspect"}
    known |= {q.code for q in survey_questionnaire(survey).single_choice_questions}
    unknown = sorted(set(query) - known)
    if unknown:
        raise CommandError(
            f"Unknown filter {', '.join(unknown)}; use one of {', '.join(sorted(known))}."
        )
    try:
        spec = survey_questionnaire(survey)
        has_real = survey_has_real_responses(survey)
        return filter_parse(spec, "en", query, has_real=has_real).response_filter()
    except FilterInvalid as error:
        raise CommandError(str(error)) from None
