import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.weighting import weights_set
from core.errors import ApplicationError
from surveys.management.arguments import survey_named


class Command(BaseCommand):
    help = (
        "Set a survey's weighting scheme from a JSON file "
        '({"method": "raking", "margins": {"q01": {"bachelor": 0.45, ...}}, "trim": [0.3, 3.0]}) '
        "and print the weights it gives now; on any error nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("path", type=Path, help="weighting scheme JSON file")

    def handle(self, *args, slug: str, path: Path, **options) -> None:
        survey = survey_named(slug)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path}: not a JSON file ({error}).") from None
        try:
            weights = weights_set(survey=survey, document=document)
        except ApplicationError as error:
            raise CommandError(f"{path}: {error.message}") from None
        shown = weights.to_json()
        self.stdout.write(
            f"{slug}: weights set for {weights.n} responses; effective n "
            f"{shown['n_effective']:.1f}, design effect {shown['design_effect']:.3f}, "
            f"weights from {shown['min']:.3g} to {shown['max']:.3g} "
            f"(quartiles {shown['q1']:.3g}, {shown['median']:.3g}, {shown['q3']:.3g})."
        )
