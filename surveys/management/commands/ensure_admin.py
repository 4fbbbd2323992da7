import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string


class Command(BaseCommand):
    help = (
        "Create the admin superuser if it does not exist, with the password from "
        "ADMIN_PASSWORD or a random one printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        users = get_user_model().objects
        if users.filter(username=username).exists():
            self.stdout.write(f"Admin login: {username} (password as printed when it was created)")
            return
        password = os.environ.get("ADMIN_PASSWORD") or get_random_string(16)
        users.create_superuser(username=username, email="", password=password)
        self.stdout.write(f"Admin login: {username} / {password}")
