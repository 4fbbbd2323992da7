"""A questionnaire spec into an XLSForm workbook (openpyxl) that Kobo and ODK open and that
xlsform_load reads back to the same spec."""

import io

from surveys.questionnaire import TEXT_MAX_LENGTH, QuestionnaireSpec, QuestionSpec
from surveys.xlsform.columns import XLSFormInvalid, column_header, language_name


def xlsform_write(spec: QuestionnaireSpec) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx) that Kobo and ODK open and that
    xlsform_load reads back to the same spec."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    lists = _lists_by_choices(spec)
    _write_sheet(
        survey, _survey_header(spec), [_survey_row(spec, q, lists) for q in spec.questions]
    )
    _write_sheet(
        book.create_sheet("choices"),
        ["list_name", "name", *(column_header("label", code) for code in spec.languages)],
        [
            [name, choice.code, *(choice.label[code] for code in spec.languages)]
            for question in _first_of_each_list(spec, lists)
            for name in [lists[_list_key(question)]]
            for choice in question.choices
        ],
    )
    settings = {
        "form_id": spec.slug,
        "form_title": spec.title[spec.default_language],
        "default_language": language_name(spec.default_language),
        **{f"form_title_{code}": spec.title[code] for code in spec.languages},
        **{f"intro_{code}": spec.intro[code] for code in spec.languages if spec.intro},
    }
    _write_sheet(book.create_sheet("settings"), list(settings), [list(settings.values())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lists_by_choices(spec: QuestionnaireSpec) -> dict[tuple, str]:
    """One choice list per distinct set of choices, named after its first question."""
    lists: dict[tuple, str] = {}
    for question in spec.choice_questions:
        other = question.other_choice
        if other is not None and other.code != "other":
            raise XLSFormInvalid(
                f"{question.code}: XLSForm knows an 'other' choice only by the name 'other' "
                f"(or_other); rename the choice {other.code!r} to 'other' to export."
            )
        lists.setdefault(_list_key(question), question.code)
    return lists


def _list_key(question: QuestionSpec) -> tuple:
    return tuple((c.code, tuple(c.label.items()), c.is_other) for c in question.choices)


def _first_of_each_list(spec: QuestionnaireSpec, lists: dict) -> list[QuestionSpec]:
    return [q for q in spec.choice_questions if lists[_list_key(q)] == q.code]


def _survey_header(spec: QuestionnaireSpec) -> list[str]:
    translated = [
        column_header(field, code) for field in ("label", "hint") for code in spec.languages
    ]
    units = [column_header("unit", code) for code in spec.languages]
    return ["type", "name", *translated, "required", "relevant", "constraint", "ordinal", *units]


def _survey_row(spec: QuestionnaireSpec, question: QuestionSpec, lists: dict) -> list:
    texts = [question.text, question.hint]
    return [
        _type(question, lists),
        question.code,
        *(words.get(code, "") for words in texts for code in spec.languages),
        "yes" if question.required else "",
        question.relevant,
        _constraint(question),
        "yes" if question.is_ordinal else "",
        *(question.unit.get(code, "") for code in spec.languages),
    ]


def _type(question: QuestionSpec, lists: dict) -> str:
    if question.is_choice:
        command = "select_multiple" if question.is_multi else "select_one"
        other = " or_other" if question.other_choice else ""
        return f"{command} {lists[_list_key(question)]}{other}"
    if question.is_number:
        return "integer" if question.integer else "decimal"
    return question.kind  # text or note


def _constraint(question: QuestionSpec) -> str:
    if question.is_text and question.max_length != TEXT_MAX_LENGTH:
        return f"string-length(.) <= {question.max_length}"
    bounds = [(">=", question.minimum), ("<=", question.maximum)]
    return " and ".join(f". {op} {value}" for op, value in bounds if value is not None)


def _write_sheet(sheet, header: list[str], rows: list[list]) -> None:
    for values in [header, *rows]:
        sheet.append([None if value == "" else value for value in values])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text starting with "=" stays text, never a formula
