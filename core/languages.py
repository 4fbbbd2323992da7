"""The languages the platform speaks, as settings.LANGUAGES lists them (kk, ru, en).

Read when asked, not at import, so code that only parses (surveys.questionnaire) needs no
settings until it checks a language. The order matters: the encoded matrix stores a
response's language as its index here (analytics.encode).
"""

from django.conf import settings


def language_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_names() -> dict[str, str]:
    """Each language's name in itself, by code: {"kk": "Қазақша", ...}."""
    return dict(settings.LANGUAGES)
