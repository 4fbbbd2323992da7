import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from surveys.models import Survey
from surveys.services import demo_responses_create


class Command(BaseCommand):
    help = (
        "Add synthetic demo responses (marked as demo). For us-russia-kz they follow the "
        "article's shares and findings; other surveys get uniformly random valid answers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", default="us-russia-kz", help="survey slug")
        parser.add_argument("--n", type=int, default=1000, help="how many responses")
        parser.add_argument("--seed", type=int, default=0, help="random seed")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the survey has responses"
        )

    def handle(self, *args, survey: str, n: int, seed: int, if_empty: bool, **options) -> None:
        if n < 1:
            raise CommandError(f"--n must be at least 1 (got {n}).")
        if seed < 0:
            raise CommandError(f"--seed must be zero or positive (got {seed}).")
        target = Survey.objects.filter(slug=survey).first()
        if target is None:
            raise CommandError(f"No survey {survey!r}; import its questionnaire first.")
        if if_empty and target.responses.exists():
            self.stdout.write(f"{survey}: has responses already, no demo data added.")
            return
        with tqdm(total=n, unit="resp", disable=not sys.stderr.isatty()) as bar:
            stored = demo_responses_create(survey=target, n=n, seed=seed, on_batch=bar.update)
        self.stdout.write(f"{survey}: added {stored} demo responses.")
