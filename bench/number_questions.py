"""The cost of number questions and skip logic: a full analysis of the default questionnaire
(today's: ten choice questions) against the same with a number question and one more ordinal
question added, the number asked only when Q04 is "yes" (skip logic).

For each size N, the median wall-clock seconds of
  encode    responses_encode (SQL-side coding streamed by COPY; the number column and the
            not-asked flags are two more columns of it);
  counts    counts_compute;
  analysis  analysis_build (the extended survey: also the number's descriptives and its ten
            Kruskal–Wallis tests against the single-choice and ordinal questions);
  total     the three together, what a cold full analysis costs;
then the ratio extended / today's. And the dashboard's analysis after a refresh
(survey_analysis with Django's cache cleared, the snapshot and its matrix in memory), which
for the extended survey reads the matrix for the number's values.

Uses its own PostgreSQL database, created and dropped here. The default survey gets its
responses from demo_responses_create (up to 100,000) and copies of them (INSERT … SELECT);
the extended survey gets a copy of each of them with the number (0–59 hours, Q04 = yes only,
else ``skipped``) and the ordinal answer added in SQL.

    .venv/bin/python bench/number_questions.py --sizes 100000,1000000
"""

import argparse
import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script, this folder would come first on sys.path

from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
SEEDED_AT_MOST = 100_000
EXTENDED = "us-russia-kz-numbers"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--database", default="bench_numbers", help="created, then dropped")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(sizes, args.repeat)


def _extended_document() -> dict:
    """The default questionnaire with Q11 (number, asked if Q04 = yes) and Q12 (ordinal)."""
    document = json.loads(QUESTIONNAIRE.read_text())
    document = copy.deepcopy(document) | {"slug": EXTENDED}
    texts = {"kk": "Сағат", "ru": "Часы", "en": "Hours a week spent on the news"}
    levels = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
    document["questions"] += [
        {
            "code": "q11",
            "kind": "number",
            "text": texts,
            "min": 0,
            "max": 100,
            "integer": True,
            "relevant": "${q04} = 'yes'",
        },
        {
            "code": "q12",
            "kind": "ordinal",
            "text": {"kk": "Сенім", "ru": "Доверие", "en": "Trust in the news"},
            "choices": [
                {"code": code, "label": {"kk": en, "ru": en, "en": en}} for code, en in levels
            ],
        },
    ]
    return document


def _run(sizes: list[int], repeat: int) -> None:
    from django.core.management import call_command

    from surveys.models import Survey
    from surveys.questionnaire import questionnaire_parse
    from surveys.services import questionnaire_import

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    questionnaire_import(spec=questionnaire_parse(_extended_document()))
    today = Survey.objects.get(slug="us-russia-kz")
    extended = Survey.objects.get(slug=EXTENDED)
    rows = []
    for n in sizes:
        started = time.perf_counter()
        _responses_grow(today, extended, n)
        made = time.perf_counter() - started
        print(f"N = {n:,}: made in {made:.1f} s; measuring…", file=sys.stderr, flush=True)
        rows.append({"n": n, **_measure(today, extended, repeat)})
    _print(rows, repeat)


def _responses_grow(today, extended, n: int) -> None:
    from django.db import connection

    from surveys.services import demo_responses_create

    seeded = min(n, SEEDED_AT_MOST)
    if seeded > today.responses.count():
        demo_responses_create(survey=today, n=seeded - today.responses.count(), seed=n)
    with connection.cursor() as cursor:
        while (missing := n - today.responses.count()) > 0:
            cursor.execute(_COPY_ROWS, [today.pk, today.pk, missing])
        existing = extended.responses.count()
        cursor.execute(_EXTEND_ROWS, [extended.pk, today.pk, existing, n - existing])
        cursor.execute("VACUUM ANALYZE surveys_response")


_COPY_ROWS = """
    INSERT INTO surveys_response
        (survey_id, answers, language, submitted_at, client_token, duration_ms, provenance)
    SELECT %s, answers, language, submitted_at, gen_random_uuid(), duration_ms, provenance
    FROM surveys_response WHERE survey_id = %s ORDER BY id LIMIT %s
"""

_EXTEND_ROWS = """
    INSERT INTO surveys_response
        (survey_id, answers, skipped, language, submitted_at, client_token, duration_ms,
         provenance)
    SELECT %s,
        answers
        || CASE WHEN answers->>'q04' = 'yes'
            THEN jsonb_build_object('q11', floor(random() * 60)::int) ELSE '{}' END
        || jsonb_build_object(
            'q12', (ARRAY['low', 'medium', 'high'])[1 + floor(random() * 3)::int]),
        CASE WHEN answers->>'q04' = 'yes' THEN '[]'::jsonb ELSE '["q11"]'::jsonb END,
        language, submitted_at, gen_random_uuid(), duration_ms, provenance
    FROM surveys_response WHERE survey_id = %s ORDER BY id OFFSET %s LIMIT %s
"""


def _measure(today, extended, repeat: int) -> dict:
    """Median seconds per phase, the two surveys interleaved round by round."""
    runs: dict[str, list[float]] = {}
    for survey in (today, extended):  # warm the page cache for both alike
        _full(survey)
    for _round in range(repeat):
        for name, survey in (("today", today), ("extended", extended)):
            for phase, seconds in _full(survey).items():
                runs.setdefault(f"{name}_{phase}", []).append(seconds)
    for name, survey in (("today", today), ("extended", extended)):
        _dashboard(survey)  # the snapshot and its matrix, built once
        runs[f"{name}_dashboard"] = [_dashboard(survey) for _round in range(repeat)]
    return {name: statistics.median(values) for name, values in runs.items()}


def _full(survey) -> dict[str, float]:
    """A cold full analysis from PostgreSQL, as analytics.selectors does it, timed by phase."""
    from analytics.analysis import analysis_build
    from analytics.counts import Shape, counts_compute
    from analytics.encode import Layout, responses_encode
    from analytics.results import AnalysisOptions
    from surveys.selectors import survey_questionnaire, survey_watermark

    watermark = survey_watermark(survey)
    started = time.perf_counter()
    spec = survey_questionnaire(survey)
    layout = Layout.of(spec)
    encoded = responses_encode(survey, spec)
    encoded_at = time.perf_counter()
    counts = counts_compute(Shape.of(spec), layout, encoded)
    counted_at = time.perf_counter()
    answers = {q.code: encoded.values[:, layout.indices(q.code)] for q in spec.choice_questions}
    numbers = {code: encoded.number(layout, code) for code in layout.numbers}
    analysis_build(spec, counts, AnalysisOptions(), answers, watermark=watermark, numbers=numbers)
    done_at = time.perf_counter()
    return {
        "encode": encoded_at - started,
        "counts": counted_at - encoded_at,
        "analysis": done_at - counted_at,
        "total": done_at - started,
    }


def _dashboard(survey) -> float:
    from django.core.cache import cache

    from analytics.selectors import survey_analysis

    cache.clear()
    started = time.perf_counter()
    survey_analysis(survey)
    return time.perf_counter() - started


def _print(rows: list[dict], repeat: int) -> None:
    import numpy as np
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nMachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, PostgreSQL "
        f"{version}, numpy {np.__version__}; load average {load}. Median of {repeat} runs.\n"
    )
    header = ["N", "phase", "today's (10 choice)", "+ number + ordinal", "×"]
    lines = [header]
    for row in rows:
        for phase in ("encode", "counts", "analysis", "total", "dashboard"):
            old, new = row[f"today_{phase}"], row[f"extended_{phase}"]
            lines.append([f"{row['n']:,}", phase, f"{old:.3f}", f"{new:.3f}", f"{new / old:.2f}"])
    widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
    for k, line in enumerate(lines):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    main()
