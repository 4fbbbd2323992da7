"""An XLSForm workbook into the questionnaire document: the workbook, its settings and
languages, the choices sheet (the survey sheet is survey_sheet.py's)."""

import re
from pathlib import Path

from surveys.questionnaire import (
    CODE_PATTERN,
    QuestionnaireInvalid,
    QuestionnaireSpec,
    questionnaire_parse,
)
from surveys.xlsform.columns import (
    XLSFormInvalid,
    column_header,
    language_of,
    unknown_language,
)
from surveys.xlsform.survey_sheet import SurveySheet, Words, not_a_code

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
CHOICE_COLUMNS = frozenset(("list_name", "name"))
SETTINGS_COLUMNS = frozenset(("form_id", "form_title", "default_language", "version", "style"))


def xlsform_load(source: Path | bytes) -> QuestionnaireSpec:
    """Read and check an XLSForm workbook (a path or its bytes). A check of
    questionnaire_parse that fails names the workbook's row, not the question's index."""
    document, rows = _read(source)
    try:
        return questionnaire_parse(document)
    except QuestionnaireInvalid as error:
        message = re.sub(
            r"questions\[(\d+)\]",
            lambda match: f"survey sheet, row {rows[int(match[1])]}",
            str(error),
        )
        raise XLSFormInvalid(message) from None


def xlsform_read(source: Path | bytes) -> dict:
    """The questionnaire document of an XLSForm workbook (a path or its bytes), unchecked
    beyond what the workbook's shape needs: questionnaire_parse checks the rest."""
    return _read(source)[0]


def _read(source: Path | bytes) -> tuple[dict, list[int]]:
    """The document, and the survey sheet's row of each of its questions."""
    book = _workbook(source)
    settings = _settings(book)
    if not any(book.get("survey") or []):
        raise XLSFormInvalid("the workbook has no 'survey' sheet, or it is empty.")
    for name in ("external_choices", "entities", "osm"):
        if any(book.get(name) or []):
            raise XLSFormInvalid(f"the {name} sheet is not supported: remove it.")
    words = _words(book, settings)
    sheet = SurveySheet(words, _choice_lists(book.get("choices") or [], words))
    sheet.read(book["survey"])
    document = {
        "slug": _slug(settings),
        "languages": list(words.languages),
        "default_language": words.default,
        "title": _title(settings, words),
        "questions": sheet.questions,
    }
    intro = _intro(settings, words)
    if intro:
        document["intro"] = intro
    return document, sheet.rows


def _intro(settings: dict[str, str], words: Words) -> dict[str, str]:
    """The introduction in every language (intro_kk, intro_ru, …), or none."""
    intro = {code: settings.get(f"intro_{code}", "") for code in words.languages}
    missing = [code for code, text in intro.items() if not text.strip()]
    if missing and len(missing) < len(intro):
        raise XLSFormInvalid(
            f"settings sheet: intro_{missing[0]} is missing: give the introduction in every "
            "language of the survey, or in none."
        )
    return {} if missing else intro


def _workbook(source: Path | bytes) -> dict:
    import zlib

    from openpyxl.utils.exceptions import InvalidFileException
    from pyxform.errors import PyXFormError, PyXFormReadError
    from pyxform.xls2json_backends import xlsx_to_dict

    if isinstance(source, Path):
        if not source.is_file():
            raise XLSFormInvalid("no such file.")
        source = source.read_bytes()
    try:
        return xlsx_to_dict(source)
    except PyXFormReadError as error:
        raise XLSFormInvalid(_unreadable(error)) from None
    except PyXFormError as error:  # e.g. "Duplicate column header: type"
        raise XLSFormInvalid(f"{error}.") from None
    # A damaged workbook fails deeper, in the zip or XML reader (XML errors are SyntaxErrors).
    except (
        InvalidFileException,
        LookupError,
        SyntaxError,
        ValueError,
        EOFError,
        zlib.error,
    ) as error:
        raise XLSFormInvalid(_unreadable(error)) from None


def _unreadable(error: Exception) -> str:
    return (
        f"not a readable .xlsx workbook ({error}); save it as .xlsx from Excel, LibreOffice "
        "or KoboToolbox."
    )


def _settings(book: dict) -> dict[str, str]:
    rows = [row for row in book.get("settings") or [] if row]
    if not rows:
        raise XLSFormInvalid(
            "the workbook has no 'settings' sheet, or it is empty: add one with form_id "
            "(the survey's address) and form_title."
        )
    for column in rows[0]:
        if column not in SETTINGS_COLUMNS and not _extension_setting(column):
            raise XLSFormInvalid(f"settings sheet: column {column!r} is not supported.")
    return rows[0]


def _extension_setting(column: str) -> bool:
    """Kobo's bookkeeping ($...) and the title and introduction in a language (ours)."""
    prefix, _, code = column.rpartition("_")
    return column.startswith("$") or (prefix in ("form_title", "intro") and len(code) == 2)


def _slug(settings: dict[str, str]) -> str:
    form_id = settings.get("form_id", "")
    slug = form_id.lower().replace("_", "-")
    if not SLUG_PATTERN.match(slug):
        raise XLSFormInvalid(
            f"settings sheet: form_id {form_id!r} cannot be the survey's address: use up to "
            "50 letters, digits, hyphens or underscores, starting with a letter or digit."
        )
    return slug


def _title(settings: dict[str, str], words: Words) -> dict[str, str]:
    title = settings.get("form_title", "")
    titles = {code: settings.get(f"form_title_{code}", title) for code in words.languages}
    for code, text in titles.items():
        if not text.strip():
            raise XLSFormInvalid(
                f"settings sheet: the survey's title in {code!r} is missing: fill form_title "
                f"(or form_title_{code})."
            )
    return titles


def _words(book: dict, settings: dict[str, str]) -> Words:
    """The survey's languages, in the order of its label columns, and its default one."""
    default_name = settings.get("default_language")
    default = language_of(default_name) if default_name else None
    if default_name and default is None:
        raise XLSFormInvalid(unknown_language("settings sheet, default_language", default_name))
    languages: list[str] = []
    for column in (column for row in book.get("survey_header") or [] for column in row):
        field, _, name = column.partition("::")
        if field.strip().lower() != "label":
            continue
        code = language_of(name) if name else default
        if code is None:
            raise XLSFormInvalid(_unlabelled_language(column, name))
        if code not in languages:
            languages.append(code)
    if not languages:
        raise XLSFormInvalid(
            f"survey sheet: no label column ({column_header('label', 'en')} and so on)."
        )
    return Words(tuple(languages), default or languages[0])


def _unlabelled_language(column: str, name: str) -> str:
    if name:
        return unknown_language(f"survey sheet, column {column!r}", name)
    return (
        "survey sheet: the 'label' column names no language: set default_language in the "
        f"settings sheet, or name the column after its language, e.g. "
        f"{column_header('label', 'en')}."
    )


def _choice_lists(rows: list[dict[str, str]], words: Words) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = {}
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        place = f"choices sheet, row {number}"
        unknown = words.unknown_columns(row, CHOICE_COLUMNS)
        if unknown:
            raise XLSFormInvalid(f"{place}: column {unknown[0]!r} is not supported.")
        name = row.get("name", "")
        if not CODE_PATTERN.match(name):
            raise XLSFormInvalid(f"{place}: name {name!r} {not_a_code()}")
        list_name = row.get("list_name", "")
        choices = lists.setdefault(list_name, [])
        if any(choice["code"] == name for choice in choices):
            raise XLSFormInvalid(f"{place}: name {name!r} is already in list {list_name!r}.")
        choices.append({"code": name, "label": words.texts(row, "label", place, required=True)})
    return lists
