"""Print the database URL the test suite should use, choosing PostgreSQL when it answers.

DATABASE_URL wins when set. Otherwise the local PostgreSQL at 127.0.0.1:5432 (user
postgres) is used. When none answers, the suite falls back to SQLite with a loud notice,
unless REQUIRE_POSTGRES=1, which makes that a failure.
"""

import os
import sys

import dj_database_url
import psycopg2

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_answers(url: str) -> str | None:
    """None if the server answers (the suite creates its own test_<name> database)."""
    server = dict(dj_database_url.parse(url))
    try:
        psycopg2.connect(
            dbname="postgres",
            user=server["USER"] or None,
            password=server["PASSWORD"] or None,
            host=server["HOST"] or None,
            port=server["PORT"] or None,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as error:
        return str(error).strip().splitlines()[0]
    return None


def main() -> int:
    url = os.environ.get("DATABASE_URL", "").strip() or LOCAL_POSTGRES
    if not url.startswith("postgres"):
        print(url)
        return 0
    problem = postgres_answers(url)
    if problem is None:
        print(url)
        return 0
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        sys.stderr.write(
            f"PostgreSQL is required (REQUIRE_POSTGRES=1) but {url} does not answer: {problem}\n"
            "Start it (e.g. pg_ctlcluster 15 main start) or set DATABASE_URL.\n"
        )
        return 1
    sys.stderr.write(
        "\n" + "!" * 78 + f"\n  NO POSTGRESQL at {url} ({problem}).\n"
        "  Running the tests on SQLite instead. PostgreSQL-only behaviour is NOT tested.\n"
        + "!" * 78
        + "\n\n"
    )
    print("sqlite:///" + os.path.abspath("var/test.sqlite3"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
