"""The one error type of the domain.

Services and selectors raise an ``ApplicationError`` (or a subclass) when a request cannot be
served as asked; its message is a sentence for the person, saying what to change. Pages
show it, commands print it, and the API's one exception handler (``api.errors``) turns it
into a 4xx body: ``status`` and ``code`` say which, ``errors`` names the fields at fault.
A message may be a lazy translation, so that it reaches the person in their language.
"""

from django.utils.functional import Promise


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors
