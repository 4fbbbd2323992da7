"""A questionnaire file in and out: read and checked into a spec (surveys.questionnaire),
or written from one, as the questionnaire JSON format (docs/architecture.md#contracts) or an
XLSForm workbook (surveys.xlsform), chosen by the file's extension."""

import json
from pathlib import Path

from surveys.questionnaire import (
    ChoiceSpec,
    QuestionnaireInvalid,
    QuestionnaireSpec,
    QuestionSpec,
    questionnaire_parse,
)
from surveys.xlsform import xlsform_load, xlsform_write


def questionnaire_load(path: Path) -> QuestionnaireSpec:
    """Read and check a questionnaire file, JSON or XLSForm by its extension."""
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError:
        raise QuestionnaireInvalid("no such file.") from None
    except IsADirectoryError:
        raise QuestionnaireInvalid("this is a folder, not a questionnaire file.") from None
    return questionnaire_read(Path(path).name, content)


def questionnaire_read(name: str, content: bytes) -> QuestionnaireSpec:
    """Check a questionnaire file's content, JSON or XLSForm by the extension of its name."""
    extension = Path(name).suffix.lower()
    if extension == ".xlsx":
        return xlsform_load(content)
    if extension != ".json":
        raise QuestionnaireInvalid(
            f"{extension or 'a name without extension'} is not a questionnaire format: give "
            "a questionnaire JSON file (.json) or an XLSForm workbook (.xlsx)."
        )
    try:
        document = json.loads(content.decode("utf-8-sig"))  # a byte-order mark is fine
    except UnicodeDecodeError:
        raise QuestionnaireInvalid("not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise QuestionnaireInvalid(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    return questionnaire_parse(document)


# The formats a questionnaire is written in, with their file extensions.
QUESTIONNAIRE_FORMATS = {"json": ".json", "xlsform": ".xlsx"}


def questionnaire_write(spec: QuestionnaireSpec, format: str) -> bytes:
    """The questionnaire as a file in one of QUESTIONNAIRE_FORMATS; questionnaire_read of
    it gives the same spec."""
    if format == "xlsform":
        return xlsform_write(spec)
    text = json.dumps(questionnaire_document(spec), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def questionnaire_document(spec: QuestionnaireSpec) -> dict:
    """The questionnaire document of a spec, as questionnaire_parse takes it back: parsing
    the document gives the same spec. Optional parts are written only when set."""
    document = {
        "slug": spec.slug,
        "languages": list(spec.languages),
        "default_language": spec.default_language,
        "title": dict(spec.title),
        "questions": [_question_document(question) for question in spec.questions],
    }
    if spec.intro:
        document["intro"] = dict(spec.intro)
    return document


def _question_document(question: QuestionSpec) -> dict:
    document: dict = {
        "code": question.code,
        "kind": question.kind,
        "required": question.required,
        "text": dict(question.text),
    }
    if question.is_choice:
        document["choices"] = [_choice_document(choice) for choice in question.choices]
    if question.relevant:
        document["relevant"] = question.relevant
    if question.hint:
        document["hint"] = dict(question.hint)
    if question.is_number:
        bounds = {"min": question.minimum, "max": question.maximum}
        document |= {key: value for key, value in bounds.items() if value is not None}
        document["integer"] = question.integer
        if question.unit:
            document["unit"] = dict(question.unit)
    if question.is_text:
        document["max_length"] = question.max_length
    return document


def _choice_document(choice: ChoiceSpec) -> dict:
    document: dict = {"code": choice.code, "label": dict(choice.label)}
    if choice.is_other:
        document["other"] = True
    return document
