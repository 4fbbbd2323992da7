import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys import csv_format
from surveys.management.arguments import survey_named
from surveys.selectors import survey_questionnaire


class Command(BaseCommand):
    help = "Write the survey's responses as CSV (the format import_responses reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--labels", metavar="LANG", help="choice labels in LANG, not codes")

    def handle(self, *args, slug: str, out: Path | None, labels: str | None, **options) -> None:
        survey = survey_named(slug)
        if labels is not None and labels not in survey.languages:
            raise CommandError(f"--labels must be one of {survey.languages} (got {labels!r}).")
        spec = survey_questionnaire(survey)
        self.stdout.ending = ""
        handle = out.open("w", encoding="utf-8", newline="") if out else self.stdout
        try:
            writer = csv.writer(handle)
            writer.writerow(csv_format.header(spec))
            rows = survey.responses.order_by("pk").values_list(
                "pk", "submitted_at", "language", "answers"
            )
            for row in rows.iterator(chunk_size=5000):
                writer.writerow(csv_format.row_format(spec, *row, labels=labels))
        finally:
            if out:
                handle.close()
