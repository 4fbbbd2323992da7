"""Where in the editor's forms a questionnaire error belongs.

``questionnaire_parse`` names the place of what is wrong, e.g.
``questions[2] (q05).choices[1].label: missing the 'en' translation.``; the editor shows the
message next to that field: here, the English label of the second choice of the third
question. Pure: no Django.
"""

import re
from dataclasses import dataclass

_QUESTION = re.compile(
    r"^questions\[(?P<index>\d+)\](?: \([^)]*\))?"
    r"(?:\.(?P<key>\w+)(?:\[(?P<choice>\d+)\])?(?:\.(?P<choice_key>\w+))?)?: (?P<message>.*)$",
    re.DOTALL,
)
_DUPLICATE_CODE = re.compile(r"^questions: duplicate question code '(?P<code>[^']*)'\.$")
_RESERVED_CODE = re.compile(r"^questions \((?P<code>[^)]*)\): (?P<message>.*)$", re.DOTALL)
_SURVEY = re.compile(r"^(?P<key>title|intro|default_language|languages): (?P<message>.*)$")
_LANGUAGE = re.compile(r"the '(?P<language>[a-z]+)' translation")
# Texts per language: the form has one field per language, named "<key>_<language>".
_PER_LANGUAGE = ("text", "hint", "unit", "label", "title", "intro")


@dataclass(frozen=True)
class Place:
    """The field at fault: ``question`` (its index in the questionnaire) is None for the
    survey's own fields, ``choice`` the index of the choice when a choice is at fault,
    ``field`` the form field's name (None: the form or choice list as a whole)."""

    message: str
    question: int | None = None
    choice: int | None = None
    field: str | None = None


def error_place(error: str, codes: list[str]) -> Place:
    """The place of a ``questionnaire_parse`` error; ``codes`` are the questionnaire's
    question codes in order (a duplicate or reserved code is reported by code)."""
    if match := _QUESTION.match(error):
        message = match["message"]
        if match["choice"] is not None:
            field = _field(match["choice_key"], message)
            return Place(message, int(match["index"]), int(match["choice"]), field)
        key = match["key"]
        field = None if key in (None, "choices") else _field(key, message)
        return Place(message, int(match["index"]), None, field)
    if (match := _DUPLICATE_CODE.match(error)) and match["code"] in codes:
        index = len(codes) - 1 - codes[::-1].index(match["code"])  # the later of the two
        return Place(error, index, None, "code")
    if (match := _RESERVED_CODE.match(error)) and match["code"] in codes:
        return Place(match["message"], codes.index(match["code"]), None, "code")
    if match := _SURVEY.match(error):
        return Place(match["message"], None, None, _field(match["key"], match["message"]))
    return Place(error)


def _field(key: str | None, message: str) -> str | None:
    if key is None:
        return None
    if key in _PER_LANGUAGE and (language := _LANGUAGE.search(message)):
        return f"{key}_{language['language']}"
    return key
