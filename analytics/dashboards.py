"""What each dashboard page shows: numbers for its tables and figures for its charts.

The page views and their JSON data endpoints share these, so a live redraw shows exactly
what a reload would."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics import charts
from analytics.charts import Labels
from analytics.filters import ResponseFilter, responses_filtered
from analytics.findings import (
    apa_report,
    decimal_text,
    effect_in_words,
    p_text,
    pair_sentence,
)
from analytics.power_monitor import power_sentences, still_needed
from analytics.results import (
    Analysis,
    NumberPair,
    NumberResult,
    Pair,
    QuestionResult,
    TwoWayPair,
    rounded,
)
from analytics.selectors import CACHE_SECONDS, watermark_cached
from core.shared import source_digest
from surveys.models import Provenance, Response, Survey
from surveys.questionnaire import QuestionnaireSpec

MATRIX_MEASURES = ("v", "p", "p_adjusted", "p_anytime")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "analytics"
PANELS_TEMPLATE = "analytics/_overview_panels.html"
PANELS_FORMAT = source_digest(TEMPLATES / "_overview_panels.html", TEMPLATES / "_number_panel.html")
FILTER_BAR_SECONDS = CACHE_SECONDS
FILTER_BAR_FORMAT = source_digest(TEMPLATES / "_filter_bar.html", TEMPLATES / "_filter_common.html")
RESIDUAL_CUTOFF = 1.96


@dataclass(frozen=True)
class Board:
    """One request's view of a survey: its questionnaire, the filter and the analysis."""

    survey: Survey
    spec: QuestionnaireSpec
    labels: Labels
    chosen: ResponseFilter
    analysis: Analysis


def cached_build(board: Board, page: str, build: Callable[[Board], dict]) -> dict:
    """A page's tables and figures, built once per watermark, filter, language and options
    (weighted or not): building Plotly figures costs more than the analysis itself. With
    them, the figures as the page embeds them (``figures_script``): escaping their JSON for
    HTML took a fifth of a view."""
    return watermark_cached(
        f"dashboard:{page}",
        board.survey,
        board.analysis.watermark,
        _described(board),
        lambda: _with_script(build(board)),
    )


def _described(board: Board) -> tuple:
    """What a page built from the board depends on besides the survey and the watermark."""
    return (
        board.chosen.cache_key(),
        board.labels.choices,
        board.labels.questions,
        board.labels.units,
        board.analysis.options,
    )


def overview_page() -> str:
    """The overview's name among the pages ``cached_build`` keeps: its panels hold the page's
    own words (the language) and their templates' source, its counts today's responses."""
    language, today = translation.get_language(), timezone.localdate()
    return f"overview:{language}:{today.isoformat()}:{PANELS_FORMAT}"


def filter_bar_key(board: Board, query: QueryDict, *, has_scheme: bool) -> str:
    """The key of a dashboard's filter bar, rendered (templates/analytics/dashboard.html
    keeps it in the "rendered" cache, each process its own): a select per single-choice
    question with its every option, about a fifth of a page's CPU to render, and the same
    for every view with the same query string, questionnaire (the labels), language,
    provenances kept by default, weighting and templates' source. Not the watermark: new
    responses do not change it."""
    described = (
        _described(board),
        sorted(query.lists()),
        has_scheme,
        bool(board.analysis.weights),
        translation.get_language(),
        FILTER_BAR_FORMAT,
    )
    digest = hashlib.sha256(repr(described).encode()).hexdigest()
    return f"{board.survey.pk}:{digest}"


def _with_script(built: dict) -> dict:
    return {**built, "figures_script": json_script(built["figures"], "figures")}


def response_counts(survey: Survey, watermark: int | None = None) -> dict:
    """All, today's, real, test, demo and suspect responses, in one query.

    With a ``watermark`` (the analysis a page shows), those stored up to it, cached for it
    and the day: the counts then agree with the figures beside them, and a page reloaded
    while responses pour in reads them from the shared cache instead of counting the
    survey's every response again (a scan that grows with the survey)."""
    today = timezone.localdate()
    if watermark is None:
        return _counted(survey, today, None)
    return watermark_cached(
        "counts", survey, watermark, today, lambda: _counted(survey, today, watermark)
    )


def _counted(survey: Survey, today: date, watermark: int | None) -> dict:
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    responses = Response.objects.filter(survey=survey)
    if watermark is not None:
        responses = responses.filter(pk__lte=watermark)
    return responses.aggregate(
        all=Count("id"),
        today=Count("id", filter=Q(submitted_at__gte=midnight)),
        real=Count("id", filter=Q(provenance=Provenance.REAL)),
        test=Count("id", filter=Q(provenance=Provenance.TEST)),
        demo=Count("id", filter=Q(provenance=Provenance.DEMO)),
        suspect=Count("id", filter=Q(is_suspect=True)),
    )


def responses_per_day(survey: Survey, chosen: ResponseFilter) -> list[tuple[date, int]]:
    responses = responses_filtered(survey, chosen)
    days = (
        responses.annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in days]


def overview_build(board: Board) -> dict:
    """A panel per analysed question in questionnaire order: a choice question's
    frequencies, a number question's descriptives and histogram; the panels rendered (half
    of the page's rendering) and the survey's response counts at the analysis's watermark,
    so that a view reads the whole overview from the shared cache in one round trip
    (``overview_page`` names it)."""
    analysed: dict[str, QuestionResult | NumberResult] = {
        q.code: q for q in board.analysis.questions
    } | {number.code: number for number in board.analysis.numbers}
    questions = [
        {
            "code": code,
            "text": board.labels.questions[code],
            "question": found,
            "rows": _frequency_rows(found, board.labels)
            if isinstance(found, QuestionResult)
            else _histogram_rows(found),
            "unit": board.labels.units[code],
        }
        for code, found in ((q.code, analysed.get(q.code)) for q in board.spec.questions)
        if found is not None
    ]
    figures = {
        f"freq-{question.code}": charts.frequency_figure(question, board.labels)
        for question in board.analysis.questions
    }
    figures |= {
        f"freq-{number.code}": charts.histogram_figure(number, board.labels.units[number.code])
        for number in board.analysis.numbers
    }
    figures["timeline"] = charts.timeline_figure(responses_per_day(board.survey, board.chosen))
    panels = {"questions": questions, "analysis": board.analysis}
    return {
        "questions": questions,
        "panels": render_to_string(PANELS_TEMPLATE, panels),
        "counts": response_counts(board.survey, board.analysis.watermark),
        "still_needed": still_needed(board.analysis, board.labels),
        "figures": figures,
    }


def _frequency_rows(question: QuestionResult, labels: Labels) -> list[dict]:
    rows = list(question.frequencies)
    if question.kind == "multi":
        rows = sorted(rows, key=lambda row: -(row.percent or 0))
    return [{"frequency": row, "label": labels.choice(question.code, row.choice)} for row in rows]


def _histogram_rows(number: NumberResult) -> list[dict]:
    histogram = number.descriptives.histogram
    if histogram is None:
        return []
    edges = histogram.edges
    return [
        {"low": low, "high": high, "count": count}
        for low, high, count in zip(edges[:-1], edges[1:], histogram.counts, strict=True)
    ]


def matrix_build(board: Board, show: str) -> dict:
    """The lower triangle of all pairs of the analysed questions (choice and number; not
    text or notes): one cell per tested pair, with its marks."""
    codes = [q.code for q in board.spec.questions if q.is_choice or q.is_number]
    pairs: dict[tuple[str, str], Pair | NumberPair] = {
        (pair.a, pair.b): pair for pair in (*board.analysis.pairs, *board.analysis.number_pairs)
    }
    grid = [
        [_matrix_cell(pairs.get((b, a)), show) if j < i else None for j, b in enumerate(codes)]
        for i, a in enumerate(codes)
    ]
    return {
        "codes": codes,
        "grid": [
            (code, board.labels.questions[code], row) for code, row in zip(codes, grid, strict=True)
        ],
        "questions": [(code, board.labels.questions[code]) for code in codes],
        "figures": {"matrix": charts.matrix_figure(grid, codes, show, board.labels.questions)},
    }


def _matrix_cell(pair: Pair | NumberPair | None, show: str) -> dict | None:
    if pair is None:
        return None
    if isinstance(pair, NumberPair):  # the effect size is ε²; no anytime p
        value = {"v": pair.test.epsilon_squared, "p": pair.shown_p}.get(show, pair.p_adjusted)
        value = None if show == "p_anytime" else value
        marks = "*" if pair.significant else ""
    else:
        value = {
            "v": pair.cramers_v_corrected,
            "p": pair.shown_p,
            "p_adjusted": pair.p_adjusted,
            "p_anytime": pair.p_anytime,
        }[show]
        marks = ("*" if pair.significant else "") + ("†" if pair.cochran_ok is False else "")
    text = decimal_text(value, 2)
    return {"pair": pair, "value": value, "text": f"{text}{marks}", "marks": marks}


def not_asked_lines(pair: Pair | NumberPair) -> list[str]:
    """ "12 respondents were not asked Q05 (skip logic)", for each of the pair's questions
    that some were not asked: they are not in the pair's n."""
    return [
        ngettext(
            "%(n)d respondent was not asked %(code)s (skip logic).",
            "%(n)d respondents were not asked %(code)s (skip logic).",
            n,
        )
        % {"n": n, "code": code.upper()}
        for code, n in zip((pair.a, pair.b), pair.not_asked, strict=True)
        if n
    ]


def number_pair_build(board: Board, pair: NumberPair) -> dict:
    """A number × single pair: the Kruskal–Wallis test, the groups' descriptives, box plots."""
    labels, test = board.labels, pair.test
    groups = [
        {"label": labels.choice(pair.grouping, code), "described": described}
        for code, described in zip(pair.groups, test.groups, strict=True)
    ]
    return {
        "pair": pair,
        "a_text": labels.questions[pair.a],
        "b_text": labels.questions[pair.b],
        "sentence": kruskal_sentence(pair, labels),
        "not_asked": not_asked_lines(pair),
        "groups": groups,
        "unit": labels.units[pair.number],
        "figures": {"pair": charts.box_figure(pair, labels)},
    }


def kruskal_sentence(pair: NumberPair, labels: Labels) -> str:
    test = pair.test
    names = {"number": labels.questions[pair.number], "groups": labels.questions[pair.grouping]}
    if test.p is None or test.statistic is None:
        return _("%(number)s could not be compared across the groups of %(groups)s yet.") % names
    if pair.significant:
        sentence = _("%(number)s differs across the groups of %(groups)s")
    else:
        sentence = _("%(number)s does not differ significantly across the groups of %(groups)s")
    h, e2 = decimal_text(test.statistic, 2), decimal_text(test.epsilon_squared, 3)
    report = f"Kruskal–Wallis H = {h}, df = {test.df}, p {p_text(test.p)}, ε² = {e2}"
    return f"{sentence % names} ({report}, n = {test.n})."


def pair_build(board: Board, pair: Pair) -> dict:
    labels = board.labels
    built: dict = {
        "pair": pair,
        "a_text": labels.questions[pair.a],
        "b_text": labels.questions[pair.b],
        "not_asked": not_asked_lines(pair),
        "sentence": pair_sentence(pair, labels),
        "apa": apa_report(pair),
        "power_sentences": power_sentences(pair),
        "effect": effect_in_words(pair.cramers_v_corrected),
    }
    if isinstance(pair, TwoWayPair):
        built["crosstab"] = _crosstab(pair, labels)
        built["figures"] = {"pair": charts.stacked_figure(pair, labels)}
        return built
    single, multi = (pair.a, pair.b) if labels.kinds[pair.b] == "multi" else (pair.b, pair.a)
    if pair.kind == "single×multi":
        groups = _answered_choices(
            board, single, len(pair.items[0].test.table) if pair.items else 0
        )
        built["options"] = [
            {
                "item": item,
                "label": labels.choice(multi, item.choice),
                "rows": list(zip(groups, item.test.table, strict=True)),
            }
            for item in pair.items
        ]
        built["figures"] = {"pair": charts.selected_share_figure(pair, groups, multi, labels)}
    else:
        built["figures"] = {}
    return built


def _answered_choices(board: Board, single: str, rows: int) -> list[str]:
    """Labels of the rows of a multiple-response table: the test drops choices nobody chose."""
    frequencies = board.analysis.question(single).frequencies
    chosen = [row.choice for row in frequencies if row.count]
    if len(chosen) != rows:
        chosen = [row.choice for row in frequencies][:rows]
    return [board.labels.choice(single, code) for code in chosen]


def _crosstab(pair: TwoWayPair, labels: Labels) -> dict:
    test = pair.test
    row_percent, column_percent = rounded(test.row_percent), rounded(test.column_percent)
    expected, residuals = rounded(test.expected), rounded(test.adjusted_residuals)
    kept = pair.weighted_kept()
    weighted = None if kept is None else rounded(100 * kept.totals / kept.totals.sum(axis=0))
    rows = []
    for i, row in enumerate(pair.rows):
        cells = [
            {
                "count": int(test.table[i, j]),
                "row_percent": _at(row_percent, i, j),
                "column_percent": _at(column_percent, i, j),
                "expected": _at(expected, i, j),
                "residual": _at(residuals, i, j),
                "shade": _shade(_at(residuals, i, j)),
                "letters": pair.letters.letters[i][j] if pair.letters else "",
                "weighted_column_percent": _at(weighted, i, j),
            }
            for j in range(len(pair.columns))
        ]
        rows.append({"label": labels.choice(pair.a, row), "cells": cells})
    names = pair.letters.column_letters if pair.letters else ("",) * len(pair.columns)
    columns = [
        {"label": labels.choice(pair.b, column), "letter": letter}
        for column, letter in zip(pair.columns, names, strict=True)
    ]
    adjust = pair.letters.adjust if pair.letters else ""
    return {"columns": columns, "rows": rows, "letters_adjust": _LETTER_METHODS.get(adjust, "")}


_LETTER_METHODS = {"bh": "Benjamini–Hochberg", "bonferroni": "Bonferroni"}


def _at(matrix: list[list[float]] | None, i: int, j: int) -> float | None:
    """A cell of a derived table, which is missing when the table could not be tested."""
    return None if matrix is None else matrix[i][j]


def _shade(residual: float | None) -> str:
    if residual is None:
        return ""
    if residual > RESIDUAL_CUTOFF:
        return "above"
    if residual < -RESIDUAL_CUTOFF:
        return "below"
    return ""
