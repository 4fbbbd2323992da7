"""The Content-Security-Policy middleware that builds the usual header once (core/csp.py):
every response gets exactly the headers django-csp itself would give it."""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import ContentSecurityPolicyMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
REPORTED = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-reports/"}}


def plain(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@csp_update({"img-src": "https://maps.example"})
def updated(request):
    return HttpResponse("map")


@csp_exempt()
def exempt(request):
    return HttpResponse("bare")


def headers_from(middleware_class, view, path="/s/us-russia-kz/", repeat=2) -> list[dict]:
    """The CSP headers of `repeat` requests through one instance of the middleware."""
    middleware = middleware_class(view)
    sent = []
    for _ in range(repeat):
        response = middleware(RequestFactory().get(path))
        sent.append({header: response.get(header) for header in HEADERS})
    return sent


@pytest.mark.parametrize("view", [plain, updated, exempt])
@override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORTED)
def test_it_sends_the_headers_django_csp_sends(view):
    ours = headers_from(ContentSecurityPolicyMiddleware, view)
    theirs = headers_from(CSPMiddleware, view)
    assert [_directives(h) for h in ours] == [_directives(h) for h in theirs]
    assert ours[0]["Content-Security-Policy-Report-Only"] is not None or view is exempt


@override_settings(DEBUG=True)
def test_it_leaves_django_s_debug_pages_as_django_csp_does():
    def missing(request):
        return HttpResponse(status=404)

    assert headers_from(ContentSecurityPolicyMiddleware, missing) == headers_from(
        CSPMiddleware, missing
    )
    assert headers_from(ContentSecurityPolicyMiddleware, missing)[0] == dict.fromkeys(HEADERS)
    assert headers_from(ContentSecurityPolicyMiddleware, plain)[0]["Content-Security-Policy"]


def test_it_sends_the_site_policy_on_a_usual_response():
    first, second = headers_from(ContentSecurityPolicyMiddleware, plain)
    assert "script-src 'self'" in first["Content-Security-Policy"]
    assert second == first
    assert first["Content-Security-Policy-Report-Only"] is None


def test_it_follows_a_change_of_the_settings():
    middleware = ContentSecurityPolicyMiddleware(plain)
    before = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        during = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    after = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    assert "default-src 'none'" in during
    assert "default-src 'self'" in before
    assert after == before


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_it_puts_a_page_s_nonce_in_its_header():
    middleware = ContentSecurityPolicyMiddleware(with_nonce)
    first = middleware(RequestFactory().get("/"))
    second = middleware(RequestFactory().get("/"))
    nonces = [r.content.decode().split("nonce='")[1].split("'")[0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    plain_header = ContentSecurityPolicyMiddleware(plain)(RequestFactory().get("/"))
    assert "nonce" not in plain_header["Content-Security-Policy"]


def test_it_refuses_a_nonce_asked_for_after_the_header_is_written():
    middleware = ContentSecurityPolicyMiddleware(plain)
    request = RequestFactory().get("/")
    middleware(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@override_settings(CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/admin/"], "DIRECTIVES": {}})
def test_it_leaves_out_the_paths_the_settings_exclude():
    admin, survey = (
        headers_from(ContentSecurityPolicyMiddleware, plain, path, repeat=1)[0]
        for path in ("/admin/", "/s/us-russia-kz/")
    )
    assert admin["Content-Security-Policy"] is None
    assert survey["Content-Security-Policy"] is not None


def test_it_keeps_a_header_the_view_set_itself():
    def own(request):
        response = HttpResponse()
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(own)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def _directives(headers: dict) -> dict:
    """The directives of each header as sets: django-csp's order of them varies by process."""
    return {
        name: None if value is None else {d.strip() for d in value.split(";")}
        for name, value in headers.items()
    }
