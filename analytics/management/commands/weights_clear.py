from django.core.management.base import BaseCommand, CommandParser

from analytics.weighting import weights_clear
from surveys.management.arguments import survey_named


class Command(BaseCommand):
    help = "Remove a survey's weighting scheme (its analyses are then unweighted only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")

    def handle(self, *args, slug: str, **options) -> None:
        removed = weights_clear(survey=survey_named(slug))
        self.stdout.write(
            f"{slug}: weighting scheme removed." if removed else f"{slug}: had no weighting scheme."
        )
