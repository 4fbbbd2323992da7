"""Security events as one JSON object per line on the "security" logger, and the rule that
tells clients apart, shared by the API throttle and the login lockout.

What a line may hold: the event's name, survey slugs, formats, counts, user ids (numbers,
meaningful only to someone who can read the database), the client's network (IPv4 /24,
IPv6 /48, never the full address) and, for sign-in events, a keyed hash of the username
(repeated attempts on one account can be seen together; the name itself cannot be read
back). Never answers, free text, usernames, tokens or passwords.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
from datetime import UTC, datetime
from typing import cast

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

security_log = logging.getLogger("security")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "event", ...the event's fields}, one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        return json.dumps(line, ensure_ascii=False, default=str)


def security_event(
    event: str, request: HttpRequest | None = None, *, level: int = logging.WARNING, **fields
) -> None:
    if request is not None:
        fields["client"] = client_network(client_ip(request))
    security_log.log(level, event, extra={"fields": fields})


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the X-Forwarded-For entry added by the last trusted proxy when
    TRUSTED_PROXY_COUNT is set: the API throttle's own rule, so both agree."""
    # get_ident reads only the headers and META, which a Django request has too.
    return BaseThrottle().get_ident(cast(Request, request))


def client_network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def account_pseudonym(username: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    account = account_pseudonym(str(credentials.get("username", "")))
    security_event("login_failed", request, account=account)


def _locked_out(sender, request: HttpRequest, username: str | None = None, **kwargs):
    security_event("login_locked_out", request, account=account_pseudonym(username or ""))


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """The limit django-axes compares with the failures it counts.

    Axes counts per (username, address) and per address, and compares the larger count, the
    address's, with one limit. This gives the two their own: LOGIN_FAILURE_LIMIT for one
    username from one address (guessing one account's password), LOGIN_ADDRESS_FAILURE_LIMIT
    for all usernames from one address (password spraying).
    """
    locked = _account_failures(request, credentials) >= settings.LOGIN_FAILURE_LIMIT
    return 0 if locked else settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _account_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Recent failures for this username from this address."""
    from axes.attempts import get_cool_off_threshold
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    tried = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=client_ip(request),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(failures=Sum("failures_since_start"))["failures"]
    return tried or 0


def lockout_page(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """What django-axes shows instead of the sign-in form while an account, or every
    account from this address, is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    whole_address = _account_failures(request, credentials) < settings.LOGIN_FAILURE_LIMIT
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT if whole_address else settings.LOGIN_FAILURE_LIMIT
    context = {"minutes": minutes, "limit": limit, "whole_address": whole_address}
    return render(request, "registration/locked_out.html", context, status=429)


def receivers_connect() -> None:
    from axes.signals import user_locked_out

    user_login_failed.connect(_login_failed, dispatch_uid="security_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="security_locked_out")
