"""Django's LocaleMiddleware, without reading a language from the path when no URL is under
``i18n_patterns()`` (none of this project's is).

Django's middleware reads the path's first segment as a language code twice per request
whatever the URLconf, and uses what it finds only with ``i18n_patterns()``. A respondent's
path, ``/s/<slug>/``, starts with "s": Django looks "s" up among the languages and raises
and catches a LookupError, twice, on every submission (docs/benchmarks.md, "The language
of a path"). With ``i18n_patterns()`` in the URLconf, Django's own methods run unchanged.
Written by hand: Django has no setting for it.
"""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponseBase
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    """What Django's does when no URL is under i18n_patterns(), in the same order."""

    def process_request(self, request: HttpRequest) -> None:
        if _language_in_paths(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if _language_in_paths(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _language_in_paths(request: HttpRequest) -> bool:
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    return is_language_prefix_patterns_used(urlconf)[0]
