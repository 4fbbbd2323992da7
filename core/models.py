from django.db import models
from knox.models import AbstractAuthToken

PREFIX_LENGTH = 4  # of the key, shown to tell tokens apart; knox stores 15 to find them by


class ApiToken(AbstractAuthToken):
    """A named API token (django-rest-knox): only a SHA-512 digest of the key is stored, with
    the key's first characters to find it by, and it stops working at ``expiry``. The key
    itself is shown once, to whoever makes the token."""

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the script.")

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def prefix(self) -> str:
        """The key's first characters: enough to tell tokens apart, too few to guess it."""
        return self.token_key[:PREFIX_LENGTH]
