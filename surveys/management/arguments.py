"""Command-line argument checks shared by the management commands."""

import argparse
from collections.abc import Callable

from django.core.management.base import CommandError

from surveys.models import Survey


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum} (got {value})")
        return value

    return parse


def survey_named(slug: str) -> Survey:
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        raise CommandError(f"No survey {slug!r}; import its questionnaire first.")
    return survey
