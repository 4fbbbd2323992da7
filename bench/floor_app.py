"""The floor for bench/load.py: a bare Django view that stores one posted JSON body.

Django's request handling with no middleware, no DRF, no validation, and one INSERT in
autocommit on the same kind of persistent connection as the app (DATABASE_URL through
config.env, conn_max_age=60 with health checks). A submission cannot be cheaper than this
on the same server, so the app's rate is compared with it.

    DATABASE_URL=postgres://... gunicorn bench.floor_app:application   (bench/load.py
    creates its table: bench_floor (id bigserial, token uuid, body jsonb))
"""

import uuid

from django.conf import settings

from config.env import envdatabase

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": envdatabase("DATABASE_URL", "")},
)

from django.core.wsgi import get_wsgi_application  # noqa: E402  (needs the settings above)
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def insert_one(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (token, body) VALUES (%s, %s)",
            [uuid.uuid4(), request.body.decode()],
        )
    return HttpResponse(status=201)


urlpatterns = [path("floor/", insert_one)]
application = get_wsgi_application()
