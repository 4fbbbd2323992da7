from rest_framework.authtoken.models import TokenProxy


class ApiToken(TokenProxy):
    """An API token as the admin shows it. DRF's token names itself by its full key, and the
    admin prints an object's name in titles, breadcrumbs, messages and its action log; this
    one is named by the key's first four characters."""

    class Meta:
        proxy = True
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.key[:4]}…"
