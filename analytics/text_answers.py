"""The free-text answers of a survey for staff: the answers to its text questions and the
texts of its "other" options, searched, a keyset page at a time (analytics/browse.py), with
the frequencies of their words (analytics/words.py)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.filters import ResponseFilter, responses_filtered
from analytics.selectors import watermark_cached
from analytics.words import WordCount, word_frequencies
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireSpec
from surveys.selectors import survey_watermark

TEXTS_PER_FETCH = 5_000


@dataclass(frozen=True)
class TextSource:
    """Where free texts are kept: a text question's answer, or an "other" option's text."""

    key: str  # the key of the answers document
    name: str  # the question's code and text, for people


def text_sources(spec: QuestionnaireSpec, labels: Labels) -> list[TextSource]:
    """Every text question, then every "other" text, in questionnaire order."""

    def name(code: str) -> str:
        return f"{code.upper()}. {labels.questions[code]}"

    texts = [TextSource(q.code, name(q.code)) for q in spec.questions if q.is_text]
    others = [
        TextSource(q.other_key, f"{name(q.code)} ({_('other')})")
        for q in spec.questions
        if q.other_column
    ]
    return texts + others


def text_answers_found(
    survey: Survey, chosen: ResponseFilter, key: str, search: str = ""
) -> QuerySet:
    """The chosen responses with a text under ``key``, containing ``search`` (any case)."""
    found = (
        responses_filtered(survey, chosen)
        .filter(**{f"answers__{key}__isnull": False})
        .exclude(**{f"answers__{key}": ""})
        .annotate(text=KeyTextTransform(key, "answers"))
        .only("id", "submitted_at", "language")
    )
    return found.filter(**{f"answers__{key}__icontains": search}) if search else found


def text_words(
    survey: Survey, chosen: ResponseFilter, key: str, search: str = ""
) -> list[WordCount]:
    """The most frequent words of the texts ``text_answers_found`` finds (stop words of the
    survey's languages left out), counted once per watermark: reading every text of a large
    survey takes seconds."""

    def count() -> list[WordCount]:
        texts = text_answers_found(survey, chosen, key, search).values_list("text", flat=True)
        return word_frequencies(texts.iterator(chunk_size=TEXTS_PER_FETCH), survey.languages)

    described = (chosen.cache_key(), key, search)
    return watermark_cached("words", survey, survey_watermark(survey), described, count)
