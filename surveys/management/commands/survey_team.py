from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.management.arguments import survey_named
from surveys.models import SurveyMember
from surveys.services import survey_member_remove, survey_member_set

ROLES = [role for role, _ in SurveyMember.ROLES]


class Command(BaseCommand):
    help = (
        "List a survey's team, or add a user to it with a role (owner: edit, share, manage "
        "members; analyst: dashboards, responses, exports; viewer: dashboards only), or "
        "remove one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--add", metavar="USERNAME", help="add (or re-role) this user")
        action.add_argument("--remove", metavar="USERNAME", help="take this user out")
        parser.add_argument("--role", choices=ROLES, help="the role given by --add")

    def handle(self, *args, slug: str, add: str | None, remove: str | None, role, **options):
        survey = survey_named(slug)
        if add is not None:
            if role is None:
                raise CommandError("--add needs --role owner, analyst or viewer.")
            survey_member_set(survey=survey, user=self.user_named(add), role=role)
            self.stdout.write(f"{slug}: {add} is now {role}.")
        elif remove is not None:
            if not survey_member_remove(survey=survey, user=self.user_named(remove)):
                raise CommandError(f"{remove} is not in the team of {slug}.")
            self.stdout.write(f"{slug}: {remove} removed from the team.")
        for member in survey.members.select_related("user").order_by("role", "user__username"):
            self.stdout.write(f"{member.user.get_username()}\t{member.role}")

    @staticmethod
    def user_named(username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; create it in the admin first.")
        return user
