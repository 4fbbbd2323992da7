from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.management.arguments import survey_named
from surveys.questionnaire import QuestionnaireInvalid
from surveys.questionnaire_files import QUESTIONNAIRE_FORMATS, questionnaire_write
from surveys.selectors import survey_questionnaire


class Command(BaseCommand):
    help = (
        "Write a survey's questionnaire as an XLSForm workbook (for KoboToolbox and ODK) or "
        "as the platform's JSON; import_questionnaire of the file gives the same survey."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--format", choices=list(QUESTIONNAIRE_FORMATS), required=True)
        parser.add_argument("--out", type=Path, required=True, help="the file to write")

    def handle(self, *args, slug: str, format: str, out: Path, **options) -> None:
        spec = survey_questionnaire(survey_named(slug))
        try:
            content = questionnaire_write(spec, format)
        except QuestionnaireInvalid as error:
            raise CommandError(f"{slug}: {error}") from None
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{out}: cannot write here ({error.strerror}).") from None
        self.stdout.write(f"{slug}: {len(spec.questions)} questions written to {out}")
