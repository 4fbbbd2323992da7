"""The dashboards' figures, written as plain dicts (analytics/charts.py), against plotly.py's
own schema: building a graph object from a dict refuses any property plotly.js does not
have and any value it would not take, and writes back what it would have drawn."""

import json

import plotly.graph_objects as go
import pytest

from tests.factories import every_kind_responses, every_kind_study, signed_in, user_in_group

BASE = "/dashboard/every-kind"
PAGES = [
    "/",
    "/matrix/",
    "/matrix/?show=p",
    "/pairs/region/works/",
    "/pairs/region/media/",
    "/pairs/hours/trust/",
]


@pytest.fixture
def staff(db):
    survey = every_kind_study()
    every_kind_responses(survey, 120, seed=3)
    return signed_in(user_in_group("staff"))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_draws_every_figure_in_plotlys_schema(staff, language):
    drawn: set[str] = set()
    for path in PAGES:
        page = staff.get(f"{BASE}{path}", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200, path
        for name, figure in page.context["figures"].items():
            plain = json.loads(json.dumps(figure))  # what the page embeds
            assert plain == figure, f"{path} {name}: not plain JSON"
            # ValueError on anything plotly.js would not draw; the same figure back, or
            # plotly.py would have added, dropped or changed something.
            assert json.loads(go.Figure(plain).to_json()) == plain, f"{path} {name}"
            drawn |= {trace["type"] for trace in plain["data"]}
    assert drawn == {"bar", "heatmap", "box"}


def test_it_would_refuse_a_figure_plotly_does_not_know():
    with pytest.raises(ValueError, match="colour"):
        go.Figure({"data": [{"type": "bar", "x": [1], "colour": "#000"}]})
