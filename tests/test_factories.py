"""The shared builders store what the app itself would."""

from io import StringIO

from django.core.management import call_command

from surveys.models import Choice, Question
from tests import factories


def test_it_copies_the_default_survey_exactly_as_the_import_stored_it(db):
    factories.default_survey().delete()
    copied = factories.default_survey()  # the rows the first import of this process stored
    out = StringIO()
    call_command("import_questionnaire", str(factories.DEFAULT_QUESTIONNAIRE), stdout=out)
    assert "unchanged" in out.getvalue()
    assert Question.objects.filter(survey=copied).count() == 10
    assert Choice.objects.filter(question__survey=copied).count() == 39
