from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ApplicationError
from surveys.questionnaire_files import questionnaire_load
from surveys.services import questionnaire_import


class Command(BaseCommand):
    help = (
        "Create or update a survey from a questionnaire file: the platform's JSON or an "
        "XLSForm workbook (.xlsx) from KoboToolbox or ODK. Re-importing changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="questionnaire file (.json or .xlsx)")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            spec = questionnaire_load(path)
            outcome = questionnaire_import(spec=spec)
        except ApplicationError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(f"{spec.slug}: {outcome} ({len(spec.questions)} questions)")
