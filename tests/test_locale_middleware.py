"""core.locale.LocaleMiddleware does what Django's does: the same language active, the same
Vary and Content-Language headers; with i18n_patterns() it is Django's."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware import locale as django_locale
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from core import locale

urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse("page")))


def handled(middleware_class, request, answer) -> tuple[str, str, dict]:
    """The language active in the view, the request's LANGUAGE_CODE and the answer's
    headers, through one middleware."""
    seen = {}

    def view(request):
        seen["active"] = translation.get_language()
        return answer()

    with translation.override(None):
        response = middleware_class(view)(request)
    return seen["active"], request.LANGUAGE_CODE, dict(response.headers)


REQUESTS = [
    ("/s/us-russia-kz/", {}),
    ("/s/us-russia-kz/", {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}),
    ("/ru/dashboard/", {"HTTP_ACCEPT_LANGUAGE": "kk"}),
    ("/kk/", {"HTTP_COOKIE": "django_language=en"}),
    ("/api/v1/surveys/x/", {"HTTP_COOKIE": "django_language=xx", "HTTP_ACCEPT_LANGUAGE": "fr"}),
]


@pytest.mark.parametrize("answer", [HttpResponse, HttpResponseNotFound])
@pytest.mark.parametrize(("where", "headers"), REQUESTS)
def test_it_chooses_the_language_as_django_does(where, headers, answer):
    ours = handled(locale.LocaleMiddleware, RequestFactory().get(where, **headers), answer)
    django = handled(django_locale.LocaleMiddleware, RequestFactory().get(where, **headers), answer)
    assert ours == django
    assert ours[2]["Vary"] == "Accept-Language"


@pytest.mark.parametrize("answer", [HttpResponse, HttpResponseNotFound])
def test_it_reads_the_language_from_the_path_under_i18n_patterns(answer):
    requests = [RequestFactory().get("/ru/page/", HTTP_ACCEPT_LANGUAGE="kk") for _ in range(2)]
    for request in requests:
        request.urlconf = __name__
    ours = handled(locale.LocaleMiddleware, requests[0], answer)
    assert ours == handled(django_locale.LocaleMiddleware, requests[1], answer)
    assert ours[:2] == ("ru", "ru")
