"""A question knows its columns: the export's, the codebook's and the encoded matrix's are
the same names in the same order."""

from analytics.encode import Layout
from analytics.snapshot import questionnaire_fingerprint
from exports.codebook import codebook_entries
from surveys import csv_format
from surveys.selectors import survey_questionnaire

Q03_OPTIONS = ["sanctions", "cyber", "trade", "espionage", "spheres", "nuclear", "armed", "other"]


def test_it_names_the_columns_of_a_single_choice_question(survey):
    q01 = survey_questionnaire(survey).questions[0]
    assert [column.name for column in q01.answer_columns] == ["q01"]
    assert q01.export_columns == ("q01",)
    assert (q01.other_choice, q01.other_column) == (None, None)


def test_it_names_the_columns_of_a_multi_choice_question_with_other(survey):
    q03 = survey_questionnaire(survey).questions[2]
    assert q03.is_multi
    assert [column.option for column in q03.answer_columns] == Q03_OPTIONS
    assert q03.export_columns == (*(f"q03.{o}" for o in Q03_OPTIONS), "q03.other_text")
    assert q03.other_choice is not None and q03.other_choice.code == "other"
    assert (q03.other_key, q03.other_column) == ("q03_other", "q03.other_text")


def test_it_uses_the_same_columns_in_the_csv_the_codebook_and_the_matrix(survey):
    spec = survey_questionnaire(survey)
    header = csv_format.header(spec)
    entries = codebook_entries(spec)
    assert header == [*csv_format.META_COLUMNS, *(c for e in entries for c in e["columns"])]
    matrix = [column.name for column in Layout.of(spec).columns]
    assert matrix == [
        c for c in header[len(csv_format.META_COLUMNS) :] if not c.endswith(".other_text")
    ]


def test_it_starts_stored_matrices_over_when_the_language_order_changes(survey, settings):
    spec = survey_questionnaire(survey)
    before = questionnaire_fingerprint(spec)
    settings.LANGUAGES = list(reversed(settings.LANGUAGES))
    assert questionnaire_fingerprint(spec) != before
