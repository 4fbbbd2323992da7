from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.management.filters import filter_arguments, filter_chosen
from exports.services import ExportRefused, export_make
from surveys.management.arguments import survey_named


class Command(BaseCommand):
    help = (
        "Write the reproducible bundle: a ZIP with the responses CSV, the codebook, "
        "analysis.json and an R and a Python script that recompute every number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--out", type=Path, required=True, help="the .zip file to write")
        parser.add_argument(
            "--unweighted",
            action="store_true",
            help="the unweighted analysis even when the survey has a weighting scheme "
            "(default: weighted then, as the dashboards)",
        )
        filter_arguments(parser)

    def handle(self, *args, slug: str, out: Path, unweighted: bool, **options) -> None:
        survey = survey_named(slug)
        chosen = filter_chosen(survey, options)
        try:
            export = export_make(
                survey=survey,
                format="bundle",
                chosen=chosen,
                weighted=False if unweighted else None,
            )
        except ExportRefused as error:
            raise CommandError(str(error)) from None
        try:
            with out.open("wb") as handle:
                for chunk in export.content:
                    handle.write(chunk)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(
            f"{out}: {export.row_count} responses, with recompute.R and recompute.py."
        )
