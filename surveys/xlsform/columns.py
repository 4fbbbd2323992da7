"""How XLSForm names languages and columns: "label::English (en)", "hint::kk", "label"."""

import re

from core.languages import language_codes
from surveys.questionnaire import QuestionnaireInvalid

# Kobo's and ODK's names of the platform's languages in a column: "label::English (en)".
LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}


class XLSFormInvalid(QuestionnaireInvalid):
    """The workbook is not an XLSForm this platform can take; the message names the place."""


def language_of(name: str) -> str | None:
    """The language code in an XLSForm language name: "English (en)", "en" or "English";
    None when it is none of the platform's languages."""
    name = name.strip()
    match = re.search(r"\(([A-Za-z-]+)\)$", name)
    code = (match[1] if match else name).lower()
    by_name = {english.lower(): code for code, english in LANGUAGE_NAMES.items()}
    return code if code in language_codes() else by_name.get(code)


def language_name(code: str) -> str:
    """The XLSForm name of a language: "English (en)"."""
    return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else code


def column_header(field: str, code: str) -> str:
    """The column of a translated field: column_header("label", "en") == "label::English (en)"."""
    return f"{field}::{language_name(code)}"


def unknown_language(place: str, name: str) -> str:
    names = ", ".join(language_name(code) for code in language_codes())
    return f"{place}: {name!r} is not one of the platform's languages ({names})."
