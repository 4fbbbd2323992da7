"""The responses browser's keyset pages against OFFSET pages, at N responses.

Prints, for pages 1, 10, 100 and 1,000 (50 rows each, newest first, the default filter:
real responses only), the median time of
  keyset  analytics.browse.responses_page after the previous page's last row, as the
          browser's "Next page" link asks for it;
  offset  the same rows read with OFFSET (order_by(...)[offset:offset + 50]), the usual
          paginator's way;
and each one's ratio to page 1 of the same kind.

Uses its own PostgreSQL database, created and dropped here. The first 100,000 responses
are made by demo_responses_create and marked real; the rest are copies of them made in SQL
(bench/analytics.py's way).

    .venv/bin/python bench/browse.py --n 1000000
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.analytics import QUESTIONNAIRE, _responses_grow  # noqa: E402
from bench.scratch import django_setup, scratch_database  # noqa: E402

PAGES = (1, 10, 100, 1_000)
PAGE_ROWS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="responses")
    parser.add_argument("--repeat", type=int, default=7, help="timed reads per page")
    parser.add_argument("--database", default="bench_browse", help="created, then dropped")
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    how, seconds = _responses_grow(survey, args.n)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE surveys_response SET provenance = 'real'")
        cursor.execute("VACUUM ANALYZE surveys_response")
    print(f"N = {args.n:,}: {how} in {seconds:.1f} s; measuring…", file=sys.stderr, flush=True)
    rows = [_measure(survey, page, args.repeat) for page in PAGES]
    _print(args, rows)


def _measure(survey, page: int, repeat: int) -> dict:
    from analytics.browse import Cursor, responses_page
    from analytics.filters import filter_default, responses_filtered

    responses = responses_filtered(survey, filter_default(survey))
    newest_first = responses.order_by("-submitted_at", "-id")
    offset = (page - 1) * PAGE_ROWS
    before = newest_first[offset - 1] if offset else None
    after = Cursor.of(before) if before else None
    keyset, paged = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        found = responses_page(responses, after=after, size=PAGE_ROWS)
        keyset.append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = list(newest_first[offset : offset + PAGE_ROWS])
        paged.append(time.perf_counter() - started)
    assert [r.pk for r in found.rows] == [r.pk for r in expected], "keyset and OFFSET differ"
    return {
        "page": page,
        "keyset": statistics.median(keyset),
        "offset": statistics.median(paged),
    }


def _print(args: argparse.Namespace, rows: list[dict]) -> None:
    first = rows[0]
    print(f"\nN = {args.n:,} real responses; {PAGE_ROWS} rows a page; median of {args.repeat}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| page | keyset ms | × page 1 | OFFSET ms | × page 1 | OFFSET ÷ keyset |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['page']:,} | {row['keyset'] * 1000:.1f} "
            f"| {row['keyset'] / first['keyset']:.2f} | {row['offset'] * 1000:.1f} "
            f"| {row['offset'] / first['offset']:.2f} | {row['offset'] / row['keyset']:.1f} |"
        )


if __name__ == "__main__":
    main()
