import sys

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from surveys.management.arguments import survey_named, whole_number
from surveys.services import demo_responses_create


class Command(BaseCommand):
    help = (
        "Add synthetic demo responses (marked as demo). For us-russia-kz they follow the "
        "article's shares and findings; other surveys get uniformly random valid answers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", default="us-russia-kz", help="survey slug")
        parser.add_argument("--n", type=whole_number(1), default=1000, help="how many responses")
        parser.add_argument("--seed", type=whole_number(0), default=0, help="random seed")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the survey has responses"
        )

    def handle(self, *args, survey: str, n: int, seed: int, if_empty: bool, **options) -> None:
        target = survey_named(survey)
        if if_empty and target.responses.exists():
            self.stdout.write(f"{survey}: has responses already, no demo data added.")
            return
        with tqdm(total=n, unit="resp", disable=not sys.stderr.isatty()) as bar:
            stored = demo_responses_create(survey=target, n=n, seed=seed, on_batch=bar.update)
        self.stdout.write(f"{survey}: added {stored} demo responses.")
