"""Skip-logic conditions: the XLSForm subset parsed, checked against earlier questions,
judged as ODK does, written back canonically, and said in words."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.conditions import (
    And,
    Answer,
    Comparison,
    ConditionInvalid,
    CountSelected,
    Not,
    Or,
    Selected,
    condition_holds,
    condition_json,
    condition_parse,
    condition_text,
    condition_words,
)
from surveys.questionnaire import QuestionnaireInvalid, questionnaire_parse
from tests.conditions_generated import CONDITIONS, ORDER
from tests.factories import skip_logic_document

SPEC = questionnaire_parse(skip_logic_document())
EARLIER = {question.code: question for question in SPEC.questions}  # all, for the parser


def parsed(source: str):
    return condition_parse(source, EARLIER)


def test_it_parses_a_choice_comparison():
    assert parsed("${q01} = 'yes'") == Comparison(Answer("q01", "single"), "=", "yes")


def test_it_parses_an_ordinal_comparison_with_the_order_of_its_choices():
    assert parsed('${q02}>="sometimes"') == Comparison(
        Answer("q02", "ordinal", ORDER), ">=", "sometimes"
    )


def test_it_parses_selected_and_count_selected():
    assert parsed("selected( ${q03} , 'phone')") == Selected("q03", "phone")
    assert parsed("count-selected(${q03}) >= 2") == Comparison(
        CountSelected("q03"), ">=", Decimal(2)
    )


def test_it_binds_and_tighter_than_or_and_reads_both_from_the_left():
    a, b, c = (f"${{q04}} = {n}" for n in (1, 2, 3))
    one, two, three = (Comparison(Answer("q04", "number"), "=", Decimal(n)) for n in (1, 2, 3))
    assert parsed(f"{a} or {b} and {c}") == Or(one, And(two, three))
    assert parsed(f"({a} or {b}) and {c}") == And(Or(one, two), three)
    assert parsed(f"{a} and {b} and {c}") == And(And(one, two), three)
    assert parsed(f"not({a}) or {b}") == Or(Not(one), two)


def test_it_reads_the_empty_text_as_no_answer():
    assert parsed("${q06} != ''") == Comparison(Answer("q06", "text"), "!=", "")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("${q01} = 'maybe'", "at character 10: 'maybe' is not a choice of q01"),
        ("${q01} < 'yes'", "at character 8: < needs an ordered answer"),
        ("${q03} = 'phone'", "at character 8: q03 is a multi-choice question; ask whether"),
        ("${q04} > '5'", "at character 10: q04 is a number question: compare it with a number"),
        ("${q02} > 2", "at character 10: q02 is an ordinal question; compare it with a text"),
        ("${zz} = 'a'", "at character 1: there is no question zz."),
        ("${about} = ''", "at character 1: about is a note, which takes no answer."),
        ("${q01} = ", "at character 10: expected a number or a text in quotes"),
        ("${q01} = 'yes' and", "at character 19: expected '(' or a question such as ${q04}"),
        ("(${q01} = 'yes'", "at character 16: expected ')' or 'or', but it ends."),
        ("${q01} = 'yes')", "at character 15: expected 'or' or the end, but found ')'."),
        ("${q01} == 'yes'", "at character 9: expected a number or a text in quotes"),
        ("${q01} = 'yes' & 1", "at character 16: '&' is not part of a condition"),
        ("count-selected(${q01}) > 1", "at character 1: count-selected() needs a multi-choice"),
        ("selected(${q04}, '5')", "at character 10: selected() needs a choice question"),
        ("selected(${q03}, 'tv')", "at character 18: 'tv' is not a choice of q03"),
        ("${q06} < ''", "at character 8: '' (no answer) takes only = or !=."),
        ("${q01} = 'yes' ${q01}", "at character 16: expected ')' or 'and' or 'or' or the end"),
        ("", "at character 1: expected"),
    ],
)
def test_it_refuses_a_bad_condition_naming_the_character(source, message):
    with pytest.raises(ConditionInvalid) as error:
        parsed(source)
    assert message in error.value.message


def test_it_names_a_forward_reference():
    earlier = {"q01": EARLIER["q01"]}
    with pytest.raises(ConditionInvalid, match="at character 1: q02 is not before this question"):
        condition_parse("${q02} = 'daily'", earlier, later=frozenset({"q02", "q03"}))


def test_it_refuses_a_questionnaire_whose_condition_is_wrong_naming_the_question():
    document = skip_logic_document()
    document["questions"][4]["relevant"] = "${q03} = 'phone'"
    with pytest.raises(QuestionnaireInvalid) as error:
        questionnaire_parse(document)
    assert error.value.message.startswith(
        "questions[4] (q04).relevant: at character 8: q03 is a multi-choice question"
    )


def test_it_refuses_a_condition_on_the_question_itself_or_a_later_one():
    document = skip_logic_document()
    document["questions"][1]["relevant"] = "${q02} = 'daily'"
    with pytest.raises(QuestionnaireInvalid, match=r"questions\[1\] \(q01\).relevant: at char"):
        questionnaire_parse(document)
    document["questions"][1]["relevant"] = "${q01} = 'yes'"
    with pytest.raises(QuestionnaireInvalid, match="q01 is not before this question"):
        questionnaire_parse(document)


@pytest.mark.parametrize(
    ("source", "answers", "holds"),
    [
        ("${q01} = 'yes'", {"q01": "yes"}, True),
        ("${q01} = 'yes'", {"q01": "no"}, False),
        ("${q01} = 'yes'", {}, False),  # no answer is the empty value: = is false
        ("${q01} != 'yes'", {}, True),  # ... and != is true, as in ODK
        ("${q01} = ''", {}, True),
        ("${q01} != ''", {"q01": "no"}, True),
        ("${q02} >= 'sometimes'", {"q02": "daily"}, True),
        ("${q02} >= 'sometimes'", {"q02": "never"}, False),
        ("${q02} < 'daily'", {"q02": "sometimes"}, True),
        ("${q02} < 'daily'", {}, False),  # order comparisons with no answer are false
        ("${q04} > 17.5", {"q04": 18}, True),
        ("${q04} <= 17.5", {"q04": 17.5}, True),
        ("${q04} != 18", {}, True),
        ("${q04} < 18", {}, False),
        ("selected(${q03}, 'phone')", {"q03": ["phone", "laptop"]}, True),
        ("selected(${q03}, 'phone')", {"q03": []}, False),
        ("selected(${q01}, 'yes')", {"q01": "yes"}, True),  # a single choice: its answer
        ("count-selected(${q03}) >= 2", {"q03": ["phone", "laptop"]}, True),
        ("count-selected(${q03}) = 0", {}, True),
        ("${q03} = ''", {"q03": []}, True),  # nothing ticked is the empty value too
        ("${q06} = 'more time'", {"q06": "more time"}, True),
        ("not(${q01} = 'yes') and ${q04} > 30", {"q01": "no", "q04": 40}, True),
        ("${q01} = 'yes' or ${q04} > 30", {"q01": "no", "q04": 20}, False),
    ],
)
def test_it_judges_a_condition_as_odk_does(source, answers, holds):
    assert condition_holds(parsed(source), answers) is holds


def test_it_writes_a_condition_canonically():
    source = 'not( ${q02}<"daily" )and(${q01}="yes"or count-selected( ${q03} )>=2.50)'
    assert condition_text(parsed(source)) == (
        "not(${q02} < 'daily') and (${q01} = 'yes' or count-selected(${q03}) >= 2.5)"
    )
    assert condition_text(parsed('${q06} = "it\'s"')) == '${q06} = "it\'s"'


def test_it_gives_the_form_a_tree_to_judge():
    assert condition_json(parsed("not(${q02} > 'never') or selected(${q03}, 'phone')")) == {
        "op": "or",
        "args": [
            {
                "op": "not",
                "args": [
                    {
                        "op": "compare",
                        "question": "q02",
                        "count": False,
                        "kind": "ordinal",
                        "operator": ">",
                        "value": "never",
                        "order": list(ORDER),
                    }
                ],
            },
            {"op": "selected", "question": "q03", "choice": "phone"},
        ],
    }


def test_it_says_a_condition_in_words_with_question_numbers_and_choice_labels():
    condition = parsed("${q01} = 'yes' or ${q01} = 'partly' and count-selected(${q03}) >= 2")
    assert condition_words(condition, SPEC, "en") == (
        "the answer to question 1 is “Yes” or the answer to question 1 is “Partly” and "
        "the number of options chosen in question 3 is at least 2"
    )
    words = condition_words(parsed("not(${q04} < 20.5) and ${q06} != ''"), SPEC, "en")
    assert words == ("not (the answer to question 4 is less than 20.5) and question 6 is answered")


@settings(max_examples=300, deadline=None)
@given(CONDITIONS)
def test_it_reads_back_what_it_writes(condition):
    assert parsed(condition_text(condition)) == condition


@settings(max_examples=200, deadline=None)
@given(CONDITIONS, st.data())
def test_it_reads_any_spacing_quoting_and_extra_parentheses_the_same(condition, data):
    assert parsed(_loosely_written(condition, data)) == condition


def _loosely_written(condition, data) -> str:
    """The condition as a person might type it: any spaces, either quotes, more brackets."""

    def space() -> str:
        return data.draw(st.sampled_from(["", " ", "  ", "\n", "\t "]))

    def quoted(text: str) -> str:
        quotes = data.draw(st.sampled_from(["'", '"'])) if "'" not in text else '"'
        quotes = "'" if '"' in text else quotes
        return f"{quotes}{text}{quotes}"

    def written(node) -> str:
        if isinstance(node, Or | And):
            word = "or" if isinstance(node, Or) else "and"
            return f"({space()}{written(node.left)} {word} {written(node.right)}{space()})"
        if isinstance(node, Not):
            return f"not{space()}({space()}{written(node.operand)}{space()})"
        if isinstance(node, Selected):
            return f"selected({space()}${{{node.code}}}{space()},{space()}{quoted(node.choice)})"
        reference = f"${{{node.subject.code}}}"
        if isinstance(node.subject, CountSelected):
            reference = f"count-selected({space()}{reference}{space()})"
        value = node.value
        shown = quoted(value) if isinstance(value, str) else f"{value:f}"
        return f"{reference}{space()}{node.operator}{space()}{shown}"

    return written(condition)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "the answer to question 1 is not “No” and (question 6 is answered or "
            "the answer to question 2 is “Sometimes” or comes after it)",
        ),
        (
            "ru",
            "ответ на вопрос 1: не «Нет» и (на вопрос 6 дан ответ или "
            "ответ на вопрос 2: «Иногда» или позже по порядку)",
        ),
        (
            "kk",
            "1-сұрақтың жауабы: «Жоқ» емес және (6-сұраққа жауап берілген немесе "
            "2-сұрақтың жауабы: «Кейде» немесе ретте одан кейін)",
        ),
    ],
)
def test_it_says_a_condition_in_each_language_of_the_survey(language, words):
    condition = parsed("${q01} != 'no' and (${q06} != '' or ${q02} >= 'sometimes')")
    assert condition_words(condition, SPEC, language) == words


def test_it_writes_decimals_with_a_comma_in_kazakh_and_russian_words():
    condition = parsed("${q05} >= 2.5")
    assert condition_words(condition, SPEC, "ru") == "ответ на вопрос 5: не меньше 2,5"
    assert condition_words(condition, SPEC, "en") == "the answer to question 5 is at least 2.5"


@pytest.mark.parametrize(
    ("source", "answers"),
    [
        ("${q04} > 3", {"q04": "twelve"}),
        ("${q04} > 3", {"q04": True}),
        ("${q02} >= 'never'", {"q02": "often"}),
        ("${q06} = 'x'", {"q06": 5}),
    ],
)
def test_it_counts_an_answer_not_of_the_question_kind_as_no_answer(source, answers):
    condition = parsed(source)
    assert condition_holds(condition, answers) is condition_holds(condition, {})
