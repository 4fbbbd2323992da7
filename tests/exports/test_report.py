"""The Results report: the DOCX read back with python-docx (headings, Word tables, pictures
with alt text, APA sentences that carry the analysis' numbers), the HTML page in every
language, the filters, the article beside the data, the command, the API and the buttons."""

import html
import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from analytics.forms import filter_parse
from analytics.results import AnalysisOptions
from analytics.selectors import survey_analysis
from analytics.weighting import weights_set
from exports.models import ExportJob
from surveys.models import ExportRecord
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.analytics.test_weighted_analysis import SCHEME
from tests.factories import (
    background_file,
    field_study,
    questionnaire,
    response_add,
    signed_in,
    user_in_group,
)

pytestmark = pytest.mark.postgres

BASE = "/api/v1/surveys/us-russia-kz"
APA = re.compile(
    r"^χ²\((\d+), N = ([\d\u202f]+)\) = ([\d.]+), p ([<=]) (\.\d+)(?: \(Monte Carlo\))?, "
    r"Ṽ = (\.\d+)$"
)


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=600, seed=5)
    return survey


def _docx(survey, tmp_path, *options: str):
    out = tmp_path / "report.docx"
    call_command("report", survey.slug, "--out", str(out), *options, stdout=io.StringIO())
    return Document(str(out))


def _html(survey, tmp_path, *options: str) -> str:
    out = tmp_path / "report.html"
    call_command(
        "report",
        survey.slug,
        "--format",
        "html",
        "--out",
        str(out),
        *options,
        stdout=io.StringIO(),
    )
    return html.unescape(out.read_text())


def test_it_writes_word_headings_tables_and_pictures_with_alt_text(responses, tmp_path):
    document = _docx(responses, tmp_path, "--language", "en")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings[:2] == ["Methods", "Results: Answers to each question"]
    assert "Which questions depend on each other" in headings
    assert "The article beside the data" in headings
    analysis = survey_analysis(responses)
    dependent = [pair for pair in analysis.pairs if pair.significant]
    # facts, questions, one per question, the matrix, statistics (+ crosstab) per pair, article
    assert len(document.tables) >= 1 + 1 + len(analysis.questions) + 1 + len(dependent) + 1
    pictures = document.inline_shapes
    assert len(pictures) == len(analysis.questions)
    for picture in pictures:
        assert picture._inline.docPr.get("descr").startswith("Bar chart of the answers to")
    assert document.tables[0].rows[0].cells[1].text == "600"


def test_it_reports_each_dependent_pair_with_the_analysis_numbers(responses, tmp_path):
    document = _docx(responses, tmp_path, "--language", "en")
    sentences = [p.text for p in document.paragraphs if p.text.startswith("χ²(")]
    analysis = survey_analysis(responses)
    two_way = [pair for pair in analysis.pairs if pair.kind == "single×single"]
    dependent = sorted(
        (pair for pair in two_way if pair.significant and pair.ordinal is None),
        key=lambda pair: -(pair.cramers_v_corrected or 0.0),
    )
    assert len(sentences) == len(dependent) > 0
    trends = [p.text for p in document.paragraphs if p.text.startswith("M²(1, N = ")]
    assert len(trends) == sum(1 for pair in two_way if pair.significant and pair.ordinal)
    for sentence, pair in zip(sentences, dependent, strict=True):
        df, n, x2, relation, p, v = APA.match(sentence).groups()
        assert (int(df), int(n.replace("\u202f", ""))) == (pair.df, pair.test.n)
        assert float(x2) == round(pair.test.statistic, 2)
        assert float(v) == round(pair.cramers_v_corrected, 2)
        if relation == "<":
            assert pair.shown_p < 0.001 and p == ".001"
        else:
            assert float(p) == round(pair.shown_p, 3)


@pytest.mark.parametrize(
    ("language", "methods", "decimal"),
    [("en", "Methods", "p < .001"), ("ru", "Методы", "p < 0,001"), ("kk", "Әдістер", "p < 0,001")],
)
def test_it_words_and_formats_the_report_in_each_language(
    responses, tmp_path, language, methods, decimal
):
    page = _html(responses, tmp_path, "--language", language)
    assert f'<html lang="{language}">' in page
    assert f"<h2>{methods}</h2>" in page
    assert decimal in page
    title = {"en": "Influence of US–Russia", "ru": "Влияние отношений", "kk": "Ресей-АҚШ"}
    assert title[language] in page
    if language != "en":
        assert not re.search(r"Ṽ = \.\d", page) and "Ṽ = 0," in page


def test_it_inlines_every_chart_with_alt_text_and_prints_a_section_per_page(responses, tmp_path):
    page = _html(responses, tmp_path, "--language", "en")
    images = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)
    assert len(images) == 10 and all(alt.startswith("Bar chart") for alt in images)
    assert "section.report-section { break-before: page; }" in page
    assert "print this page" in page


def test_it_reports_only_the_filtered_responses(responses, tmp_path):
    document = _docx(responses, tmp_path, "--language", "en", "--filter", "q01=teacher")
    spec = survey_questionnaire(responses)
    chosen = filter_parse(spec, "en", {"q01": ["teacher"]}, has_real=False).response_filter()
    n = survey_analysis(responses, chosen).n
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Responses analysed"] == str(n)
    # Demo data only: the default counts it, and the report says so.
    assert facts["Filters"] == "Q01: Teaching staff; including test, demo responses"


def test_it_sets_the_article_beside_only_the_article_survey(db, tmp_path):
    study = field_study()
    demo_responses_create(survey=study, n=60, seed=2)
    page = _html(study, tmp_path, "--language", "en")
    assert "The article beside the data" not in page
    assert "Field study" in page


def test_it_refuses_bad_command_line_input(survey, tmp_path):
    with pytest.raises(CommandError, match="write NAME=VALUE"):
        call_command("report", survey.slug, "--out", str(tmp_path / "r"), "--filter", "q01")
    with pytest.raises(CommandError, match="Enter a valid date"):
        call_command("report", survey.slug, "--out", str(tmp_path / "r"), "--since", "May")
    with pytest.raises(CommandError, match="No survey"):
        call_command("report", "nope", "--out", str(tmp_path / "r"))


@pytest.mark.parametrize(
    ("address", "content_type", "disposition"),
    [
        (
            f"{BASE}/report.docx?lang=ru",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
        (f"{BASE}/report.html?lang=kk&q01=teacher", "text/html", "inline"),
        (f"{BASE}/bundle.zip?provenance=real&provenance=demo", "application/zip", "attachment"),
    ],
)
def test_it_serves_reports_and_bundles_to_admins_and_logs_them(
    responses, address, content_type, disposition
):
    assert Client().get(address).status_code == 401
    assert signed_in(user_in_group("staff", username="staff")).get(address).status_code == 403
    response = background_file(signed_in(user_in_group("admins")), address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith(disposition)
    assert ExportRecord.objects.get().format == address.rsplit("/", 1)[1].split("?")[0].replace(
        ".", "-"
    ).replace("bundle-zip", "bundle")
    content = b"".join(response.streaming_content)
    if address.endswith("lang=ru"):
        text = "".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert "Методы" in text
    if "bundle" in address:
        archive = zipfile.ZipFile(io.BytesIO(content))
        assert "us-russia-kz-bundle/recompute.R" in archive.namelist()


def test_it_answers_a_report_language_it_does_not_know_with_400(responses):
    response = signed_in(user_in_group("admins")).get(f"{BASE}/report.html?lang=de")
    assert response.status_code == 400
    assert response.json()["errors"] == {"lang": "Choose one of: kk, ru, en."}


@pytest.mark.parametrize("page", ["findings/", ""])
def test_it_offers_the_report_and_bundle_on_the_findings_and_overview_pages(responses, page):
    address = f"/dashboard/us-russia-kz/{page}?q01=teacher"
    shown = signed_in(user_in_group("admins")).get(address).content.decode()
    assert 'class="publish"' in shown
    assert "/api/v1/surveys/us-russia-kz/report.docx?q01=teacher&amp;lang=en" in shown
    assert "/api/v1/surveys/us-russia-kz/bundle.zip?q01=teacher" in shown
    staff = signed_in(user_in_group("staff", username="staff")).get(address).content.decode()
    assert 'class="publish"' not in staff


def test_it_tabulates_each_option_of_a_dependent_multiple_response_pair(db, tmp_path):
    survey = questionnaire("ticks", [("s", "single", ["a", "b"]), ("m", "multi", ["x", "y"])])
    for k in range(40):
        group = "a" if k % 2 else "b"
        response_add(survey, {"s": group, "m": ["x"] if group == "a" or k % 5 == 0 else ["y"]})
    document = _docx(survey, tmp_path, "--language", "en")
    pair = survey_analysis(survey).pair("s", "m")
    assert pair.significant
    sentence = next(p.text for p in document.paragraphs if p.text.startswith("X²_S = "))
    assert sentence.startswith(f"X²_S = {pair.test.statistic:.2f}; χ²_RS2(")
    options = next(t for t in document.tables if t.rows[0].cells[0].text == "Option")
    assert [row.cells[0].text for row in options.rows[1:]] == ["x", "y"]
    assert options.rows[1].cells[1].text == f"{pair.items[0].test.statistic:.2f}"


def test_it_reports_a_survey_without_responses(db, tmp_path):
    study = field_study()
    page = _html(study, tmp_path, "--language", "ru")
    assert "No pair of questions" not in page
    assert "На уровне значимости 5 % ни одна пара вопросов не зависит друг от друга." in page
    document = _docx(study, tmp_path, "--language", "en", "--filter", "language=ru")
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Responses analysed"] == "0"
    assert facts["Collected"] == "–"


def test_it_marks_monte_carlo_pairs_and_says_why(db, tmp_path):
    survey = questionnaire(
        "sparse", [("s1", "single", ["a", "b", "c", "d"]), ("s2", "single", ["a", "b", "c"])]
    )
    demo_responses_create(survey=survey, n=20, seed=4)
    pair = survey_analysis(survey).pair("s1", "s2")
    assert pair.cochran_ok is False and pair.test.p_exact is not None
    page = _html(survey, tmp_path, "--language", "en")
    assert "<td>χ² †</td>" in page
    assert "S1 – S2: expected counts are too small for the χ² approximation" in page
    assert f"<td>{pair.shown_p:.3f}".replace("0.", ".", 1) in page


def test_it_offers_the_report_and_bundle_on_the_admin_export_page(responses):
    user = user_in_group("admins", is_staff=True)
    client = signed_in(user)
    page = reverse("admin:surveys_survey_export", args=[responses.pk])
    assert "Results report, Word (.docx)" in client.get(page).content.decode()
    response = client.post(page, {"format": "report-docx", "labels": "kk", "q01": "teacher"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/jobs/{job.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "Ready: made from" in shown and f"/api/v1/exports/{job.pk}/file" in shown
    file = client.get(f"/api/v1/exports/{job.pk}/file")
    document = Document(io.BytesIO(b"".join(file.streaming_content)))
    assert "Әдістер" in [p.text for p in document.paragraphs]
    assert ExportRecord.objects.get().filters["answers"] == {"q01": ["teacher"]}


def test_it_reports_a_weighted_survey_unweighted_when_asked(responses, tmp_path):
    weights_set(survey=responses, document=SCHEME)
    page = _html(responses, tmp_path, "--language", "en", "--unweighted")
    assert "this report shows the unweighted analysis" in page
    assert "Rao–Scott F" not in page
    assert "Kish" not in page


def _rao_scott(test: dict) -> str:
    """The sentence the weighted report must print, from the analysis' own numbers."""
    return (
        (
            f"F({test['ndf']:.2f}, {test['ddf']:,.1f}) = {test['f']:.2f}, {_p(test['p_f'])}; "
            f"first order χ²({test['df']}) = {test['chisq']:.2f}, {_p(test['p_chisq'])}"
        )
        .replace(",", "\u202f")
        .replace("\u202f ", ", ")
    )  # thousands: a thin space


def _p(p: float) -> str:
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


def test_it_reports_a_weighted_survey_weighted_with_rao_scott_sentences(responses, tmp_path):
    weights_set(survey=responses, document=SCHEME)
    document = _docx(responses, tmp_path, "--language", "en")
    analysis = survey_analysis(responses, options=AnalysisOptions(weighted=True)).to_json()
    text = [p.text for p in document.paragraphs]
    assert "Weights" in text
    weights = analysis["weights"]
    kish = f"Kish's effective sample size is {weights['n_effective']:.1f} of 600 weighted"
    assert any(paragraph.startswith(kish) for paragraph in text)
    dependent = [
        pair for pair in analysis["pairs"] if pair["significant"] and "p_f" in pair["rao_scott"]
    ]
    assert dependent
    for pair in dependent:
        assert _rao_scott(pair["rao_scott"]) in text
    first = next(t for t in document.tables if t.rows[0].cells[0].text == "Answer")  # Q01
    assert first.rows[0].cells[2].text == "Weighted percent"
    share = analysis["questions"][0]["frequencies"][0]["weighted_percent"]
    assert first.rows[1].cells[2].text == f"{share:.1f}"
    assert "Rao, J. N. K., & Scott, A. J. (1984)" in "".join(text)


def test_it_serves_the_unweighted_report_of_a_weighted_survey_with_weighted_0(responses):
    weights_set(survey=responses, document=SCHEME)
    client = signed_in(user_in_group("admins"))
    for query, expected in (("", True), ("&weighted=0", False)):
        response = background_file(client, f"{BASE}/report.html?lang=en{query}")
        assert response.status_code == 200
        page = b"".join(response.streaming_content).decode()
        assert ("Rao–Scott F" in page) is expected


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", "Эффективный объём выборки по Кишу"), ("kk", "Киш бойынша іріктеменің тиімді көлемі")],
)
def test_it_words_the_weights_in_each_language(responses, tmp_path, language, words):
    weights_set(survey=responses, document=SCHEME)
    page = _html(responses, tmp_path, "--language", language)
    assert words in page
    assert re.search(r"F\(\d+,\d\d, [\d\u202f]+,\d\) = \d+,\d\d, p [<=] 0,\d{3}", page)
