"""import_responses and export_responses: one format, all or nothing, exact round trip."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Response, Survey
from surveys.services import demo_responses_create
from tests.factories import response_add


def export(slug: str) -> str:
    out = io.StringIO()
    call_command("export_responses", slug, stdout=out)
    return out.getvalue()


def import_text(tmp_path, slug: str, text: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_responses", slug, str(path), stdout=io.StringIO())


def answers_of(survey: Survey) -> list[tuple]:
    """Each response's answers, language and time to the second (as exports give it)."""
    rows = survey.responses.order_by("pk").values_list("answers", "language", "submitted_at")
    return [
        (json.dumps(a, sort_keys=True), lang, at.replace(microsecond=0)) for a, lang, at in rows
    ]


def test_it_round_trips_demo_responses_exactly(survey, copy_survey, tmp_path):
    demo_responses_create(survey=survey, n=300, seed=2)
    import_text(tmp_path, "copy", export("us-russia-kz"))
    assert answers_of(copy_survey) == answers_of(survey)


HOSTILE = st.text(
    # Cf: format characters, which storing removes (surveys/answers.py, FREE_TEXT_NOTE)
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf"), whitelist_characters="\n\t"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() and len(text.replace("\r\n", "\n").strip()) <= 500)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        HOSTILE,
        st.sampled_from(
            ["=1+1", "+7", "-3", "@SUM(A1)", "'quoted", '"><img onerror=x>', 'a,b\n"c"']
        ),
    )
)
def test_it_round_trips_hostile_other_text(survey, copy_survey, answers, tmp_path, text):

    Response.objects.all().delete()
    response_add(survey, {**answers, "q03_other": text}, language="kk")
    import_text(tmp_path, "copy", export("us-russia-kz"))
    assert answers_of(copy_survey) == answers_of(survey)


def test_it_neutralises_formula_cells_in_the_export(survey, answers):

    response_add(survey, {**answers, "q03_other": "=HYPERLINK(1)"})
    record = next(csv.DictReader(io.StringIO(export("us-russia-kz"))))
    assert record["q03.other_text"] == "'=HYPERLINK(1)"
    assert record["q03.sanctions"] == "1"


def valid_csv() -> str:
    header = (
        "response_id,submitted_at,language,q01,q02,q03.sanctions,q03.cyber,q03.trade,"
        "q03.espionage,q03.spheres,q03.nuclear,q03.armed,q03.other,q03.other_text,"
        "q04,q05,q06,q07,q08,q09,q10"
    )
    row = (
        "1,2026-11-01T10:00:00+05:00,ru,teacher,full,1,0,0,0,0,0,0,0,,"
        "yes,no,difficult,yes,no,neutral,low"
    )
    return "\n".join([header, row, row.replace("teacher", "bachelor")]) + "\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("bachelor", "dean"), "row 3, column q01"),
        (lambda t: t.replace("+05:00,ru,teacher", "+05:00,de,teacher"), "row 2, column language"),
        (
            lambda t: t.replace("2026-11-01T10:00:00+05:00,ru,b", "yesterday,ru,b"),
            "row 3, column submitted_at",
        ),
        (
            lambda t: t.replace("2026-11-01T10:00:00+05:00,ru,b", "2026-11-01T10:00:00,ru,b"),
            "row 3, column submitted_at: .* needs a UTC offset",
        ),
        (lambda t: t.replace("full,1,0", "full,2,0", 1), "row 2, column q03.sanctions"),
        (lambda t: t.replace(",q10\n", ",q11\n"), "header: unknown column"),
        (lambda t: t.replace("neutral,low\n", "neutral,low,extra\n", 1), "row 2: more cells"),
        (
            lambda t: t.replace("1,0,0,0,0,0,0,0,,yes", "0,0,0,0,0,0,0,0,,yes", 1),
            "row 2, column q03.\\*: Please tick at least one",
        ),
    ],
)
def test_it_refuses_a_bad_file_naming_row_and_column_and_stores_nothing(
    survey, tmp_path, change, message
):
    with pytest.raises(CommandError, match=message):
        import_text(tmp_path, "us-russia-kz", change(valid_csv()))
    assert Response.objects.count() == 0


def test_it_imports_a_valid_file(survey, tmp_path):
    import_text(tmp_path, "us-russia-kz", valid_csv())
    stored = list(Response.objects.order_by("pk"))
    assert [r.answers["q01"] for r in stored] == ["teacher", "bachelor"]
    assert stored[0].submitted_at.isoformat() == "2026-11-01T05:00:00+00:00"


def test_it_refuses_a_file_that_is_not_utf8(survey, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(valid_csv().replace("teacher", "t\xe9acher").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_responses", "us-russia-kz", str(path))


def test_it_exports_labels_in_the_chosen_language(survey, answers):

    response_add(survey, answers)
    out = io.StringIO()
    call_command("export_responses", "us-russia-kz", "--labels", "kk", stdout=out)
    record = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert record["q01"] == "Оқытушы"
