"""The survey sheet, row by row, into questions: which types, columns, constraints and
appearances are taken, groups flattened into a heading note, and all else refused by row."""

import re

from surveys.questionnaire import CODE_PATTERN, TEXT_MAX_LENGTH
from surveys.xlsform.columns import XLSFormInvalid, column_header, language_of

SELECT = re.compile(
    r"^(?P<command>select_one|select one|select_multiple|select multiple) (?P<list>\S+)"
    r"(?P<other> (or_other|or other|or specify other))?$"
)
BOUND = re.compile(r"^\.\s*(?P<op><=|>=)\s*(?P<value>-?\d+(\.\d+)?([eE][-+]?\d+)?)$")
STRING_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(?P<value>\d+)$")
SIMPLE_TYPES = {"integer": "number", "decimal": "number", "text": "text", "note": "note"}
# Filled in by the device, not asked: passed over (a response keeps its own times).
METADATA_TYPES = frozenset(
    ("start", "end", "today", "deviceid", "username", "audit", "phonenumber", "simserial")
    + ("subscriberid", "email")
)
# Appearances that only lay a question out; any other changes what is asked and is refused.
LAYOUT_APPEARANCES = frozenset(
    ("minimal", "quick", "horizontal", "horizontal-compact", "compact", "likert", "columns")
    + ("columns-pack", "multiline", "field-list", "table-list")
)
# Translated columns that are read (label, hint, unit) or taken and not used: the platform
# shows its own messages, in the respondent's language.
TRANSLATED = ("label", "hint", "unit", "constraint_message", "required_message")
SURVEY_COLUMNS = frozenset(
    ("type", "name", "required", "relevant", "constraint", "appearance", "ordinal")
)
# The label of the choice that or_other adds when the list has no choice named "other".
OTHER_LABELS = {
    "kk": "Басқа (нақтылаңыз)",
    "ru": "Другое (уточните)",
    "en": "Other (please specify)",
}


def not_a_code() -> str:
    return (
        "is not a valid code: use lower-case letters, digits and underscores, starting with a "
        "letter (and change the conditions that use it)."
    )


class Words:
    """The survey's languages, and the texts of a row in each of them."""

    def __init__(self, languages: tuple[str, ...], default: str) -> None:
        self.languages = languages
        self.default = default

    def texts(self, row: dict[str, str], field: str, place: str, required: bool) -> dict:
        """{language: text} of a translated field; when one language has it, all must."""
        texts = {}
        for column, value in row.items():
            name, _, language = column.partition("::")
            if name.strip().lower() == field:
                texts[language_of(language) if language else self.default] = value
        if not texts and not required:
            return {}
        for code in self.languages:
            if not texts.get(code, "").strip():
                raise XLSFormInvalid(
                    f"{place}: {field}: missing the {code!r} translation "
                    f"(column {column_header(field, code)})."
                )
        return {code: texts[code] for code in self.languages}

    def unknown_columns(self, row: dict[str, str], known: frozenset[str]) -> list[str]:
        """The columns of a row that hold a value the platform does not read."""
        return [column for column in row if column not in known and not self._taken(column)]

    def _taken(self, column: str) -> bool:
        field, _, language = column.partition("::")
        if column.startswith("$"):  # Kobo's bookkeeping: $kuid, $autoname, $given_name
            return True
        return field in TRANSLATED and (not language or language_of(language) in self.languages)


class SurveySheet:
    """Reads the survey sheet's rows into ``questions`` (the document's) and ``rows``
    (the row of each)."""

    def __init__(self, words: Words, lists: dict[str, list[dict]]) -> None:
        self.words = words
        self.lists = lists
        self.questions: list[dict] = []
        self.rows: list[int] = []
        self.groups: list[tuple[int, str]] = []  # the open groups: (row, condition)
        self.seen: dict[str, int] = {}

    def read(self, rows: list[dict[str, str]]) -> None:
        for number, row in enumerate(rows, start=2):
            if row:
                self._row(number, row, f"survey sheet, row {number}")
        if self.groups:
            raise XLSFormInvalid(
                f"survey sheet, row {self.groups[-1][0]}: this 'begin group' has no 'end group'."
            )
        if not self.questions:
            raise XLSFormInvalid("survey sheet: no questions.")

    def _row(self, number: int, row: dict[str, str], place: str) -> None:
        kind = " ".join(row.get("type", "").split())
        if not kind:
            raise XLSFormInvalid(f"{place}: the type is empty: fill it in or delete the row.")
        unknown = self.words.unknown_columns(row, SURVEY_COLUMNS)
        if unknown:
            raise XLSFormInvalid(f"{place}: column {unknown[0]!r} is not supported.")
        appearance = row.get("appearance", "")
        if appearance and appearance not in LAYOUT_APPEARANCES:
            raise XLSFormInvalid(f"{place}: appearance {appearance!r} is not supported.")
        if kind in ("begin group", "begin_group"):
            if self.words.texts(row, "label", place, required=False):
                self._add(number, self._common(row, place, "note"))
            self.groups.append((number, row.get("relevant", "").strip()))
        elif kind in ("end group", "end_group"):
            if not self.groups:
                raise XLSFormInvalid(f"{place}: 'end group' without a 'begin group' before it.")
            self.groups.pop()
        elif kind not in METADATA_TYPES:
            self._add(number, self._question(row, place, kind))

    def _question(self, row: dict[str, str], place: str, kind: str) -> dict:
        select = SELECT.match(kind)
        if select:
            return self._select(row, place, select)
        if kind not in SIMPLE_TYPES:
            raise XLSFormInvalid(
                f"{place}: type {kind!r} is not supported: use select_one, select_multiple, "
                "integer, decimal, text, note or begin group / end group."
            )
        question = self._common(row, place, SIMPLE_TYPES[kind])
        if kind in ("integer", "decimal"):
            unit = self.words.texts(row, "unit", place, required=False)
            return (
                question
                | {"integer": kind == "integer"}
                | _bounds(row, place)
                | _present("unit", unit)
            )
        if kind == "text":
            return question | _max_length(row, place)
        return question

    def _common(self, row: dict[str, str], place: str, kind: str) -> dict:
        """What every question has: code, kind, required, text, condition and hint."""
        name = row.get("name", "")
        if not CODE_PATTERN.match(name):
            raise XLSFormInvalid(f"{place}: name {name!r} {not_a_code()}")
        if name in self.seen:
            raise XLSFormInvalid(
                f"{place}: name {name!r} is already used in row {self.seen[name]}."
            )
        if _yes(row.get("ordinal", ""), place) and kind != "single":
            raise XLSFormInvalid(f"{place}: 'ordinal' applies to a select_one only.")
        if row.get("constraint") and kind not in ("number", "text"):
            raise XLSFormInvalid(f"{place}: a constraint is supported on numbers and texts only.")
        relevant = _all_of(
            [condition for _row, condition in self.groups] + [row.get("relevant", "")]
        )
        hint = self.words.texts(row, "hint", place, required=False)
        return (
            {
                "code": name,
                "kind": kind,
                "required": kind != "note" and _yes(row.get("required", ""), place),
                "text": self.words.texts(row, "label", place, required=True),
            }
            | _present("relevant", relevant)
            | _present("hint", hint)
        )

    def _select(self, row: dict[str, str], place: str, select: re.Match) -> dict:
        multi = select["command"].endswith("multiple")
        ordinal = _yes(row.get("ordinal", ""), place)
        question = self._common(row, place, "multi" if multi else "single")
        listed = self.lists.get(select["list"])
        if not listed:
            raise XLSFormInvalid(
                f"{place}: list {select['list']!r} has no choices in the choices sheet."
            )
        choices = [dict(choice) for choice in listed]
        if select["other"]:
            choices = _with_other(choices, self.words.languages)
        return question | {"kind": "ordinal" if ordinal else question["kind"], "choices": choices}

    def _add(self, number: int, question: dict) -> None:
        self.seen[question["code"]] = number
        self.questions.append(question)
        self.rows.append(number)


def _bounds(row: dict[str, str], place: str) -> dict:
    """A number's constraint as min and max: ". >= 0", ". <= 120" or both joined by and."""
    constraint = row.get("constraint", "").strip()
    bounds: dict[str, int | float] = {}
    for part in re.split(r"\s+and\s+", constraint) if constraint else []:
        match = BOUND.match(part.strip())
        key = {"<=": "max", ">=": "min"}[match["op"]] if match else None
        if match is None or key is None or key in bounds:
            raise XLSFormInvalid(
                f"{place}: constraint {constraint!r} is not supported on a number: write "
                "'. >= 0', '. <= 120' or '. >= 0 and . <= 120'."
            )
        value = match["value"]
        bounds[key] = int(value) if value.lstrip("-").isdigit() else float(value)
    return bounds


def _max_length(row: dict[str, str], place: str) -> dict:
    """A text's constraint as its longest answer: "string-length(.) <= 200"."""
    constraint = row.get("constraint", "").strip()
    if not constraint:
        return {}
    match = STRING_LENGTH.match(constraint)
    if not match:
        raise XLSFormInvalid(
            f"{place}: constraint {constraint!r} is not supported on a text: write "
            f"'string-length(.) <= 200' (at most {TEXT_MAX_LENGTH})."
        )
    return {"max_length": int(match["value"])}


def _yes(value: str, place: str) -> bool:
    from pyxform.aliases import yes_no

    value = value.strip()
    if value in ("", "0", "1"):
        return value == "1"
    if value not in yes_no:
        raise XLSFormInvalid(f"{place}: {value!r} is not yes or no (a condition is not supported).")
    return yes_no[value]


def _present(key: str, value: object) -> dict:
    return {key: value} if value else {}


def _all_of(conditions: list[str]) -> str:
    """The conditions of the enclosing groups and of the question, all of which must hold."""
    conditions = [condition.strip() for condition in conditions if condition.strip()]
    if len(conditions) == 1:
        return conditions[0]
    return " and ".join(f"({condition})" for condition in conditions)


def _with_other(choices: list[dict], languages: tuple[str, ...]) -> list[dict]:
    """or_other: the list's choice named "other" (as pyxform), or one added at the end."""
    for choice in choices:
        if choice["code"] == "other":
            choice["other"] = True
            return choices
    label = {code: OTHER_LABELS.get(code, OTHER_LABELS["en"]) for code in languages}
    return [*choices, {"code": "other", "label": label, "other": True}]
