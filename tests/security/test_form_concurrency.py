"""20 identical form submissions at once, through the real view, store one response.
(The service-level race is in tests/surveys/test_submission.py, the API's in tests/api.)"""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from surveys.models import Response
from tests.factories import form_data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_stores_one_response_when_20_browsers_send_the_same_form_at_once(survey, answers):
    data = form_data(answers, uuid.uuid4())
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def send() -> None:
        client = Client()
        client.cookies["django_language"] = "en"
        try:
            barrier.wait()
            statuses.append(client.post("/s/us-russia-kz/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 20
    assert Response.objects.count() == 1
