"""The dashboards' filters as command-line options: ``--filter q01=teacher`` (any filter of
the dashboards by its name, repeatable), ``--since``, ``--until``, ``--demo``, ``--suspect``."""

from django.core.management.base import CommandError, CommandParser
from django.http import QueryDict

from analytics.filters import ResponseFilter
from analytics.forms import FilterInvalid, filter_parse
from surveys.models import Survey
from surveys.selectors import survey_questionnaire


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
    parser.add_argument("--demo", choices=("include", "exclude"), help="demo data (default: in)")
    parser.add_argument("--suspect", choices=("include", "exclude"), help="suspect responses")


def filter_chosen(survey: Survey, options: dict) -> ResponseFilter:
    """The filter these options choose; CommandError naming what is wrong."""
    query = QueryDict(mutable=True)
    for given in options["filter"]:
        name, equals, value = given.partition("=")
        if not equals or not name:
            raise CommandError(f"--filter {given!r}: write NAME=VALUE, e.g. --filter q01=teacher.")
        query.appendlist(name, value)
    for name in ("since", "until", "demo", "suspect"):
        if options[name]:
            query[name] = options[name]
    known = {"language", "since", "until", "demo", "suspect"}
    known |= {q.code for q in survey_questionnaire(survey).single_choice_questions}
    unknown = sorted(set(query) - known)
    if unknown:
        raise CommandError(
            f"Unknown filter {', '.join(unknown)}; use one of {', '.join(sorted(known))}."
        )
    try:
        return filter_parse(survey_questionnaire(survey), "en", query).response_filter()
    except FilterInvalid as error:
        raise CommandError(str(error)) from None
