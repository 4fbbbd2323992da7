import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.management.arguments import survey_named
from surveys.services import ImportRefused, responses_import


class Command(BaseCommand):
    help = "Load responses from a CSV in the export format: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("path", type=Path, help="CSV file (UTF-8, as export_responses writes)")

    def handle(self, *args, slug: str, path: Path, **options) -> None:
        survey = survey_named(slug)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                stored = responses_import(
                    survey=survey, records=reader, fieldnames=reader.fieldnames
                )
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text; save the CSV as UTF-8.") from None
        except csv.Error as error:
            raise CommandError(f"{path}: not a readable CSV ({error}).") from None
        except ImportRefused as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        self.stdout.write(f"{slug}: imported {stored} responses.")
