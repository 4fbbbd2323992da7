from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.languages import language_codes
from exports.management.filters import filter_arguments, filter_chosen
from exports.services import ExportRefused, export_make
from surveys.management.arguments import survey_named


class Command(BaseCommand):
    help = (
        "Write the survey's Results report (Methods, Results, the article beside the data) as "
        "a Word document or a printable HTML page, with the dashboards' filters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--format", choices=("docx", "html"), default="docx")
        parser.add_argument("--out", type=Path, required=True, help="file to write")
        parser.add_argument(
            "--language", choices=language_codes(), help="default: the survey's default language"
        )
        parser.add_argument(
            "--unweighted",
            action="store_true",
            help="the unweighted analysis even when the survey has a weighting scheme "
            "(default: weighted then, as the dashboards)",
        )
        filter_arguments(parser)

    def handle(
        self,
        *args,
        slug: str,
        format: str,
        out: Path,
        language: str | None,
        unweighted: bool,
        **options,
    ):
        survey = survey_named(slug)
        chosen = filter_chosen(survey, options)
        try:
            export = export_make(
                survey=survey,
                format=f"report-{format}",
                chosen=chosen,
                language=language,
                weighted=False if unweighted else None,
            )
            out.write_bytes(b"".join(export.content))
        except ExportRefused as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(f"{out}: the report of {export.row_count} responses.")
