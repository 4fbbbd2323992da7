"""Plotly figures for the dashboards, as JSON-ready dicts drawn by static/js/dashboard.js.

Colours are the Okabe–Ito palette, which stays distinguishable with colour-blindness.

Written by hand as plain dicts of plotly.js's figure schema (https://plotly.com/javascript/
reference/; plotly.py's "figures as dictionaries"), not built with plotly.py's graph objects:
their validation and serialisation (the default template copied into every figure) took
0.7 s of the worker's CPU in each refresh of the dashboards (3 languages × 11 figures, about
20 ms a figure), most of a refresh and of the time a new response takes to show. The dicts
are what the graph objects gave, with only the part of plotly.py's default template that
these figures use; tests/analytics/test_charts.py checks every figure against plotly.py's
schema.
"""

from datetime import date

from django.utils.translation import gettext as _

from analytics.results import (
    MultipleResponsePair,
    NumberPair,
    NumberResult,
    QuestionResult,
    TwoWayPair,
)
from surveys.models import in_language
from surveys.questionnaire import QuestionnaireSpec

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Sequential, colour-blind safe: cividis (Nuñez, Anderton & Renslow 2018, PLoS ONE 13(7):
# e0199239), in the ten steps of plotly.py's plotly.colors.sequential.Cividis.
CIVIDIS = [
    "#00224e", "#123570", "#3b496c", "#575d6d", "#707173",
    "#8a8678", "#a59c74", "#c3b369", "#e1cc55", "#fee838",
]  # fmt: skip
# Light = weak association (small Ṽ, large p), dark = strong.
P_SCALE = [[k / (len(CIVIDIS) - 1), colour] for k, colour in enumerate(CIVIDIS)]
V_SCALE = [[k / (len(CIVIDIS) - 1), colour] for k, colour in enumerate(reversed(CIVIDIS))]
# What plotly.py's default template ("plotly", plotly.io.templates) gave these figures: axes
# that make room for their labels, the text colour, the bars' outline, the colour bar.
AXIS = {
    "automargin": True,
    "gridcolor": "white",
    "linecolor": "white",
    "ticks": "",
    "title": {"standoff": 15},
    "zerolinecolor": "white",
    "zerolinewidth": 2,
}
TEMPLATE = {
    "layout": {
        "autotypenumbers": "strict",
        "font": {"color": "#2a3f5f"},
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
        "xaxis": AXIS,
        "yaxis": AXIS,
    },
    "data": {
        "bar": [{"type": "bar", "marker": {"line": {"color": "#E5ECF6", "width": 0.5}}}],
        "heatmap": [{"type": "heatmap", "colorbar": {"outlinewidth": 0, "ticks": ""}}],
    },
}
LAYOUT = {
    "template": TEMPLATE,
    "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "plot_bgcolor": "#fff",
    "paper_bgcolor": "#fff",
}


class Labels:
    """Question texts and choice labels of one questionnaire in one language."""

    def __init__(self, spec: QuestionnaireSpec, language: str) -> None:
        fallback = spec.default_language
        self.kinds = {q.code: q.kind for q in spec.questions}
        self.questions = {q.code: in_language(q.text, language, fallback) for q in spec.questions}
        self.units = {q.code: in_language(q.unit, language, fallback) for q in spec.questions}
        self.choices = {
            q.code: {c.code: in_language(c.label, language, fallback) for c in q.choices}
            for q in spec.questions
        }

    def choice(self, question: str, choice: str) -> str:
        return self.choices[question].get(choice, choice)


def _figure(traces: list[dict], **layout) -> dict:
    return {"data": traces, "layout": {**LAYOUT, **layout}}


def _title(text: str) -> dict:
    return {"text": text}


def frequency_figure(question: QuestionResult, labels: Labels) -> dict:
    """Horizontal bars: percent of respondents per choice with the 95 % Wilson interval."""
    rows = list(question.frequencies)
    if question.kind == "multi":
        rows = sorted(rows, key=lambda row: row.percent or 0.0)
    else:
        rows.reverse()
    # With no answers (an empty filter) percentages and intervals are None: draw nothing.
    # Weighted: the weighted percent with its logit interval (analytics/rao_scott.py).
    shown = [row.weighted or row for row in rows]
    percent = [entry.percent or 0.0 for entry in shown]
    low = [
        entry.ci_low if entry.ci_low is not None else p
        for entry, p in zip(shown, percent, strict=True)
    ]
    high = [
        entry.ci_high if entry.ci_high is not None else p
        for entry, p in zip(shown, percent, strict=True)
    ]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": percent,
        "y": [labels.choice(question.code, row.choice) for row in rows],
        "text": [f"{row.count} · {share:.1f} %" for row, share in zip(rows, percent, strict=True)],
        "textposition": "inside",
        "insidetextanchor": "start",
        "marker": {"color": OKABE_ITO[0]},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [h - p for h, p in zip(high, percent, strict=True)],
            "arrayminus": [p - lo for p, lo in zip(percent, low, strict=True)],
            "color": "#444",
        },
        "hovertemplate": "%{y}: %{x:.1f} %<extra></extra>",
    }
    return _figure(
        [bars],
        height=90 + 34 * len(rows),
        # xgettext:no-python-format
        xaxis={"title": _title(_("% of respondents (95 % interval)")), "rangemode": "tozero"},
        yaxis={"automargin": True},
    )


def timeline_figure(days: list[tuple[date, int]]) -> dict:
    """Responses per day."""
    bars = {
        "type": "bar",
        "x": [day.isoformat() for day, _n in days],
        "y": [n for _day, n in days],
        "marker": {"color": OKABE_ITO[0]},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    return _figure([bars], height=260, yaxis={"title": _title(_("Responses per day"))})


def matrix_figure(
    cells: list[list[dict | None]], codes: list[str], show: str, texts: dict[str, str]
) -> dict:
    """The heatmap of all pairs: colour = the chosen measure, text = the marks; hovering a
    cell names both questions by their text (``texts``: code → question text)."""
    values = [[cell["value"] if cell else None for cell in row] for row in cells]
    text = [[cell["text"] if cell else "" for cell in row] for row in cells]
    asked = [[f"{a.upper()}: {texts[a]}<br>{b.upper()}: {texts[b]}" for b in codes] for a in codes]
    is_v = show == "v"
    heatmap = {
        "type": "heatmap",
        "z": values,
        "x": codes,
        "y": codes,
        "text": text,
        "texttemplate": "%{text}",
        "colorscale": V_SCALE if is_v else P_SCALE,
        "zmin": 0,
        "zmax": 1 if not is_v else max([v for row in values for v in row if v] or [0.5]),
        "hoverongaps": False,
        "customdata": asked,
        "hovertemplate": "%{customdata}<br>%{z:.3f}<extra></extra>",
        "colorbar": {"title": _title(_colorbar_title(show))},
    }
    return _figure([heatmap], height=520, yaxis={"autorange": "reversed"}, xaxis={"side": "top"})


def _colorbar_title(show: str) -> str:
    titles = {"v": "Ṽ", "p": "p", "p_adjusted": _("adjusted p"), "p_anytime": _("safe p")}
    return titles[show]


def stacked_figure(pair: TwoWayPair, labels: Labels) -> dict:
    """Row percentages of a crosstab as stacked horizontal bars, one bar per row category."""
    rows = [labels.choice(pair.a, code) for code in pair.rows]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": labels.choice(pair.b, column),
            "y": rows,
            "x": [_share_of_row(row, k) for row in pair.test.table.tolist()],
            "marker": {"color": OKABE_ITO[k % len(OKABE_ITO)]},
            "hovertemplate": "%{y}: %{x:.1f} %<extra>%{fullData.name}</extra>",
        }
        for k, column in enumerate(pair.columns)
    ]
    return _figure(
        traces,
        barmode="stack",
        height=120 + 40 * len(rows),
        # xgettext:no-python-format
        xaxis={"title": _title(_("% of the row")), "range": [0, 100]},
        yaxis={"automargin": True, "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )


def selected_share_figure(
    pair: MultipleResponsePair, groups: list[str], multi: str, labels: Labels
) -> dict:
    """For a single × multi pair: per option, the share of each group who selected it."""
    traces = [
        {
            "type": "bar",
            "name": group,
            "x": [labels.choice(multi, item.choice) for item in pair.items],
            "y": [_share(item.test.table[k]) for item in pair.items],
            "marker": {"color": OKABE_ITO[k % len(OKABE_ITO)]},
        }
        for k, group in enumerate(groups)
    ]
    return _figure(
        traces,
        barmode="group",
        height=380,
        yaxis={"title": _title(_("% who selected the option"))},
    )


def _share_of_row(counts: list[int], k: int) -> float | None:
    total = sum(counts)
    return 100 * counts[k] / total if total else None


def _share(counts: tuple[int, ...]) -> float | None:
    total = sum(counts)
    return 100 * counts[0] / total if total else None


def histogram_figure(number: NumberResult, unit: str) -> dict:
    """The answers to a number question as a histogram (bins: analytics/numbers.py)."""
    histogram = number.descriptives.histogram
    edges, counts = (histogram.edges, histogram.counts) if histogram else ((), ())
    bars = {
        "type": "bar",
        "x": [(low + high) / 2 for low, high in zip(edges[:-1], edges[1:], strict=True)],
        "width": [high - low for low, high in zip(edges[:-1], edges[1:], strict=True)],
        "y": list(counts),
        "marker": {"color": OKABE_ITO[0], "line": {"color": "#fff", "width": 1}},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    return _figure(
        [bars],
        height=280,
        bargap=0,
        xaxis={"title": _title(unit or _("answer"))},
        yaxis={"title": _title(_("Respondents"))},
    )


def box_figure(pair: NumberPair, labels: Labels) -> dict:
    """One box per group of the single-choice question: quartiles, median and, as whiskers,
    the minimum and maximum (drawn from the groups' descriptives, not every answer)."""
    kept = [
        (labels.choice(pair.grouping, code), group)
        for code, group in zip(pair.groups, pair.test.groups, strict=True)
        if group.n
    ]
    box = {
        "type": "box",
        "y": [name for name, _group in kept],
        "q1": [group.q1 for _name, group in kept],
        "median": [group.median for _name, group in kept],
        "q3": [group.q3 for _name, group in kept],
        "lowerfence": [group.minimum for _name, group in kept],
        "upperfence": [group.maximum for _name, group in kept],
        "mean": [group.mean for _name, group in kept],
        "orientation": "h",
        "marker": {"color": OKABE_ITO[0]},
        "boxmean": True,
    }
    return _figure(
        [box],
        height=120 + 50 * len(kept),
        xaxis={"title": _title(labels.questions[pair.number])},
        yaxis={"automargin": True, "autorange": "reversed"},
    )
