"""Changing a questionnaire that may already have responses (issue 11, item 4), and the
surveys the questionnaire editor makes: new, and copied from a closed one.

On a survey with responses, adding questions or choices, rewording, reordering and changing
conditions, hints and bounds are allowed; deleting or recoding a question or choice that a
response uses, or changing the kind of a question that has answers, is refused with the
number of responses that use it. Every stored change raises the survey's revision
(surveys.signals), so analyses start over.
"""

from dataclasses import replace

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ApplicationError
from surveys.models import Survey, SurveyMember
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec, questionnaire_parse
from surveys.selectors import survey_questionnaire
from surveys.teams import MANAGE, reaches_all


class ChangeRefused(ApplicationError):
    """The change would orphan stored answers; the message says how many and what to do."""

    code = "change_refused"


def change_check(survey: Survey, old: QuestionnaireSpec, new: QuestionnaireSpec) -> None:
    """Refuse (ChangeRefused) a new version of the questionnaire that drops or recodes a
    question or choice some response uses, or changes the kind of an answered question."""
    problems: list[str] = []
    after = {question.code: question for question in new.questions}
    for question in old.answered_questions:
        problems += _question_problems(survey, question, after.get(question.code))
    if not problems:
        return
    if survey.responses.real().exists():
        hint = _(
            "To change it all the same, close this survey and copy it as a new one "
            "(the copy has no responses)."
        )
    else:
        hint = _(
            "They are all test or demo responses: delete them on the survey's responses "
            "page, then make the change again."
        )
    raise ChangeRefused(" ".join([*problems, hint]))


def _question_problems(survey: Survey, old: QuestionSpec, new: QuestionSpec | None) -> list[str]:
    if new is None or new.kind != old.kind:
        answered = survey.responses.filter(answers__has_key=old.code).count()
        if not answered:
            return []
        if new is None:
            message = ngettext(
                "Question %(code)s cannot be deleted or recoded: %(count)d response answers it.",
                "Question %(code)s cannot be deleted or recoded: %(count)d responses answer it.",
                answered,
            )
        else:
            message = ngettext(
                "The kind of question %(code)s cannot change: %(count)d response answers it.",
                "The kind of question %(code)s cannot change: %(count)d responses answer it.",
                answered,
            )
        return [message % {"code": old.code, "count": answered}]
    kept = set(new.choice_codes)
    problems = [
        message
        for choice in old.choices
        if choice.code not in kept and (message := _choice_problem(survey, old, choice.code))
    ]
    still_other = new.other_choice and new.other_choice.code
    if old.other_choice and still_other != old.other_choice.code and not problems:
        problems += _other_problem(survey, old)
    return problems


def _other_problem(survey: Survey, question: QuestionSpec) -> list[str]:
    """The free texts of an "other" choice are kept under its question's other key: they
    would have no column once the choice stops being "other"."""
    count = survey.responses.filter(answers__has_key=question.other_key).count()
    if not count:
        return []
    message = ngettext(
        "The “other” choice of question %(code)s must stay “other”: %(count)d response "
        "wrote its own answer there.",
        "The “other” choice of question %(code)s must stay “other”: %(count)d responses "
        "wrote their own answers there.",
        count,
    )
    return [message % {"code": question.code, "count": count}]


def _choice_problem(survey: Survey, question: QuestionSpec, choice: str) -> str:
    count = _chosen_count(survey, question, choice)
    if not count:
        return ""
    message = ngettext(
        "Choice %(choice)s of question %(code)s cannot be deleted or recoded: "
        "%(count)d response chose it.",
        "Choice %(choice)s of question %(code)s cannot be deleted or recoded: "
        "%(count)d responses chose it.",
        count,
    )
    return message % {"choice": choice, "code": question.code, "count": count}


def _chosen_count(survey: Survey, question: QuestionSpec, choice: str) -> int:
    """How many responses chose this choice. SQLite has no JSON containment, so there the
    ticks of a multi-choice question are looked at one response at a time."""
    answer = f"answers__{question.code}"
    if not question.is_multi:
        return survey.responses.filter(**{answer: choice}).count()
    if connection.vendor == "postgresql":
        return survey.responses.filter(answers__contains={question.code: [choice]}).count()
    ticked = survey.responses.filter(**{f"{answer}__isnull": False}).values_list(answer, flat=True)
    return sum(isinstance(codes, list) and choice in codes for codes in ticked)


@transaction.atomic
def survey_create(
    *, slug: str, languages: list[str], default_language: str, title: dict[str, str], user
) -> Survey:
    """A new survey without questions, closed until its maker opens it; a maker who does
    not reach every survey becomes its owner."""
    survey = Survey.objects.create(
        slug=slug,
        languages=languages,
        default_language=default_language,
        title=title,
        is_open=False,
    )
    _owner_add(survey, user)
    return survey


@transaction.atomic
def survey_copy(*, survey: Survey, slug: str, user) -> Survey:
    """Close the survey and copy its questionnaire and team as a new, closed survey at
    ``slug``, without responses: the way to change what the change rules refuse."""
    from surveys.services import questionnaire_import  # which checks changes with this module

    if Survey.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("A survey with the address %(slug)s exists already; choose another.") % {"slug": slug}
        )
    spec = survey_questionnaire(survey)
    copy = Survey.objects.create(
        slug=slug,
        languages=list(spec.languages),
        default_language=spec.default_language,
        title=spec.title,
        intro=spec.intro,
        is_open=False,
        time_zone=survey.time_zone,
    )
    if spec.questions:
        questionnaire_import(spec=replace(spec, slug=slug))
    SurveyMember.objects.bulk_create(
        SurveyMember(survey=copy, user_id=member.user_id, role=member.role)
        for member in survey.members.all()
    )
    _owner_add(copy, user)
    if survey.is_open:
        survey.is_open = False
        survey.save(update_fields=["is_open"])
    return Survey.objects.get(pk=copy.pk)


def _owner_add(survey: Survey, user) -> None:
    if not reaches_all(user, MANAGE):
        SurveyMember.objects.update_or_create(
            survey=survey, user=user, defaults={"role": SurveyMember.OWNER}
        )


def questionnaire_save(*, survey: Survey, document: dict) -> str:
    """Check a questionnaire document built in the editor as an imported file is checked
    (QuestionnaireInvalid naming the place), then store it under the change rules
    (ChangeRefused); return "updated" or "unchanged". A survey still without questions
    (which the file format needs) has only its title, introduction and default language
    stored, as the editor's forms checked them."""
    from surveys.services import questionnaire_import  # which checks changes with this module

    if not document["questions"] and not survey.questions.exists():
        survey.title, survey.intro = document["title"], document.get("intro", {})
        survey.default_language = document["default_language"]
        survey.save(update_fields=["title", "intro", "default_language", "revision"])
        return "updated"
    spec = questionnaire_parse({**document, "slug": survey.slug})
    outcome = questionnaire_import(spec=spec)
    survey.refresh_from_db()  # its revision, which the stored questionnaire is read under
    return outcome
