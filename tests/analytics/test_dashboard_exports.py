"""The dashboards' export menu: only for users who may export, carrying the page's filters."""

import csv
import html
import io
import re

import pytest

from surveys.models import ExportRecord
from surveys.services import demo_responses_create
from tests.factories import background_file, signed_in, user_in_group, user_in_role

BASE = "/dashboard/us-russia-kz"
API = "/api/v1/surveys/us-russia-kz"
PAGES = [f"{BASE}/", f"{BASE}/matrix/", f"{BASE}/pairs/q04/q01/", f"{BASE}/findings/"]
FILTER = "q01=teacher&language=ru&provenance=real&provenance=demo"
EVERY_PAGE = ["export.csv", "export.xlsx", "export.sav", "codebook.csv", "codebook.json"]
PUBLICATIONS = ["report.docx", "report.html", "bundle.zip"]


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=200, seed=11)
    return survey


def _export_links(page) -> list[str]:
    menu = re.search(r'<details class="export-menu">(.*?)</details>', page.content.decode(), re.S)
    if menu is None:
        return []
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', menu.group(1))]


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES)
def test_it_hides_the_export_menu_from_staff_without_the_permission(responses, url):
    page = signed_in(user_in_group("staff")).get(url)
    assert page.status_code == 200
    assert _export_links(page) == []
    assert "/export." not in page.content.decode()


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["admins", "superuser"])
def test_it_shows_export_links_carrying_the_filters(responses, url, who):
    client = signed_in(user_in_role("superuser") if who == "superuser" else user_in_group("admins"))
    links = _export_links(client.get(f"{url}?{FILTER}&show=p"))
    expected = [f"{API}/{name}" for name in EVERY_PAGE]
    if "matrix" in url:
        expected.append(f"{API}/analysis/matrix.csv")
    if "pairs" in url:
        expected.append(f"{API}/analysis/pairs/q01/q04.csv")
    expected += [f"{API}/{name}" for name in PUBLICATIONS]
    assert [link.split("?")[0] for link in links] == expected
    assert all(link.split("?")[1].startswith(FILTER) for link in links)
    assert not any("show=" in link for link in links)


def test_its_links_download_what_the_page_shows(responses):
    client = signed_in(user_in_group("admins"))
    page = client.get(f"{BASE}/pairs/q01/q04/?{FILTER}")
    shown_n = page.context["analysis"].n
    names = EVERY_PAGE + ["crosstab"] + PUBLICATIONS
    links = dict(zip(names, _export_links(page), strict=True))
    for name, link in links.items():
        if name in PUBLICATIONS:  # always made in the background
            assert background_file(client, link).status_code == 200
        else:
            assert client.get(link).status_code == 200
    body = b"".join(client.get(links["export.csv"]).streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(body, newline="")))) - 1 == shown_n
    for format in ("csv", "report-docx", "report-html", "bundle"):
        records = ExportRecord.objects.filter(format=format)
        assert {record.row_count for record in records} == {shown_n}


def test_it_labels_the_spss_file_in_the_page_language(responses):
    page = signed_in(user_in_group("admins")).get(f"{BASE}/", headers={"Accept-Language": "ru"})
    sav = next(link for link in _export_links(page) if "/export.sav" in link)
    assert "labels=" in sav


def test_it_translates_the_export_menu(responses):
    client = signed_in(user_in_group("admins"))
    client.cookies["django_language"] = "ru"
    assert "Экспорт" in client.get(f"{BASE}/").content.decode()
