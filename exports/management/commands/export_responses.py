from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.services import ExportRefused, export_make
from surveys.management.arguments import survey_named

FORMATS = ("csv", "xlsx", "sav", "codebook-csv", "codebook-json")
BINARY = ("xlsx", "sav")


class Command(BaseCommand):
    help = (
        "Write the survey's responses as CSV (the format import_responses reads), Excel or "
        "SPSS, or its codebook. Streamed: memory stays flat however many responses there are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="default: csv")
        parser.add_argument("--labels", metavar="LANG", help="choice labels in LANG, not codes")
        parser.add_argument(
            "--bom", action="store_true", help="start CSV with a UTF-8 byte order mark (Excel)"
        )

    def handle(
        self, *args, slug: str, out: Path | None, format: str, labels: str | None, bom: bool, **_
    ) -> None:
        survey = survey_named(slug)
        if format in BINARY and out is None:
            raise CommandError(f"--format {format} writes a binary file: give --out PATH.")
        try:
            export = export_make(survey=survey, format=format, labels=labels, bom=bom)
        except ExportRefused as error:
            raise CommandError(str(error)) from None
        if out is None:
            self.stdout.ending = ""
            for chunk in export.content:
                self.stdout.write(chunk.decode())
            return
        with out.open("wb") as handle:
            for chunk in export.content:
                handle.write(chunk)
