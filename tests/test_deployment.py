"""The Docker deployment files, checked without Docker (tests/cluster runs the same
topology from local binaries).

docker-compose.yml is validated against the official Compose Specification schema,
vendored from compose-spec/compose-spec (schema/compose-spec.json) at
tests/fixtures/compose-spec.json. No database or Django setup is needed.
"""

import copy
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from scripts.topology import RESPONDENT_NODES, STAFF_NODE, STAFF_PATHS, WEB_NODES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_PATH = ROOT / "docker-compose.yml"
DOCKERFILE_PATH = ROOT / "Dockerfile"
DOCKERIGNORE_PATH = ROOT / ".dockerignore"
SCHEMA_PATH = Path(__file__).resolve().parent / "fixtures" / "compose-spec.json"
DEFAULT_QUESTIONNAIRE = "surveys/questionnaires/us-russia-kz.json"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_PATH.read_text())


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


NGINX_CONFS = (ROOT / "deploy/nginx.conf", ROOT / "deploy/compose/nginx.conf")


def shell_script(compose: dict, service: str) -> str:
    """A service's shell script (command is exec form: sh -c SCRIPT)."""
    command = compose["services"][service]["command"]
    assert isinstance(command, list), "use exec form so the && chain runs in a shell"
    assert command[:2] == ["sh", "-c"]
    return command[2]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE_PATH.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_it_validates_the_compose_file_against_the_compose_spec(
    compose: dict, validator: Draft7Validator
) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(compose)
    ]
    assert errors == []


@pytest.mark.parametrize(
    "breakage",
    ["ports_as_mapping", "unknown_top_level_key", "unknown_service_key", "bad_depends_condition"],
)
def test_it_rejects_a_broken_compose_file(
    compose: dict, validator: Draft7Validator, breakage: str
) -> None:
    broken = copy.deepcopy(compose)
    web = broken["services"]["web-a"]
    if breakage == "ports_as_mapping":
        web["ports"] = {"8000": "8000"}
    elif breakage == "unknown_top_level_key":
        broken["servcies"] = {}
    elif breakage == "unknown_service_key":
        web["depend_on"] = ["db"]
    else:
        web["depends_on"]["redis"]["condition"] = "healthy"
    assert not validator.is_valid(broken)


@pytest.mark.parametrize(
    ("node", "database"), [("web-a", "pgbouncer"), ("web-b", "pgbouncer"), ("web-staff", "db")]
)
def test_it_starts_web_nodes_once_their_database_and_redis_are_healthy_and_migrated(
    compose: dict, node: str, database: str
) -> None:
    assert compose["services"][node]["depends_on"] == {
        database: {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_it_checks_the_health_of_every_long_running_service_and_restarts_it(
    compose: dict,
) -> None:
    services = compose["services"]
    assert {"db", "pgbouncer", "redis", "worker", "beat", "nginx", *WEB_NODES} <= set(services)
    for name, service in services.items():
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name


def test_it_runs_gthread_web_nodes_behind_nginx_only(compose: dict) -> None:
    services = compose["services"]
    for node in WEB_NODES:
        server = shlex.split(shell_script(compose, node))
        assert server[:3] == ["exec", "gunicorn", "config.wsgi:application"]
        assert server[server.index("--worker-class") + 1] == "gthread"
        assert "ports" not in services[node]
        assert services[node]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    published = [name for name, service in services.items() if "ports" in service]
    assert published == ["nginx"]


def python_says(probe: str, **environment: str) -> list[str]:
    """What a fresh Python process of this project prints running ``probe``, word by word
    (on SQLite in memory unless ``environment`` says otherwise)."""
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_it_gives_the_worker_less_cpu_weight_than_the_respondents_and_them_less_than_staff(
    compose: dict,
) -> None:
    def weight(service: str) -> int:
        return compose["services"][service].get("cpu_shares", 1024)  # Docker's default

    respondents = [weight(node) for node in RESPONDENT_NODES]
    assert all(weight("worker") < theirs < weight(STAFF_NODE) for theirs in respondents)
    shared = [weight(service) for service in ("nginx", "pgbouncer", "db", "redis")]
    assert all(theirs < weight(STAFF_NODE) for theirs in shared)


def test_it_tunes_the_garbage_collector_of_every_web_worker() -> None:
    """config.wsgi (what gunicorn loads) freezes what start-up loaded and collects the
    youngest generation less often (docs/benchmarks.md, "Several nodes")."""
    probe = (
        "import gc, config.wsgi as w; "
        "print(gc.get_threshold()[0] == w.YOUNGEST_THRESHOLD, gc.get_freeze_count() > 10000)"
    )
    assert python_says(probe) == ["True", "True"]


def test_it_opens_no_connection_while_loading_the_app_that_workers_share() -> None:
    """gunicorn loads config.wsgi once and forks the workers from it (config/gunicorn.py,
    preload_app): a database or cache connection opened while loading would be one socket
    shared by every worker."""
    probe = (
        "import config.wsgi; from django.db import connections; "
        "from django.core.cache import caches; "
        "print([a for a in connections if connections[a].connection is not None]); "
        "print(len(caches.all(initialized_only=True)))"
    )
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    assert python_says(probe, **production) == ["[]", "0"]


def test_it_has_gunicorn_load_the_app_before_forking_its_workers() -> None:
    settings = {}
    exec((ROOT / "config/gunicorn.py").read_text(), settings)
    assert settings["preload_app"] is True


def test_it_loads_the_analysis_stack_in_a_worker_not_in_a_web_process() -> None:
    probe = (
        "import sys, config.celery as c, config.wsgi; "
        "stack = ('scipy.stats', 'scipy.optimize', 'pandas'); "
        "print(any(m in sys.modules for m in stack)); "
        "c.analysis_stack_load(); "
        "print(all(m in sys.modules for m in stack))"
    )
    assert python_says(probe) == ["False", "True"]


def test_it_loads_the_template_tags_when_a_worker_starts() -> None:
    """(A web process loads them when it starts, config.wsgi.)"""
    probe = (
        "import sys, django; django.setup(); import config.celery as c; "
        "tags = 'rest_framework.templatetags.rest_framework'; "
        "print(tags in sys.modules); c.analysis_stack_load(); print(tags in sys.modules)"
    )
    assert python_says(probe) == ["False", "True"]


def test_it_pools_the_respondents_transactions_in_pgbouncer(compose: dict) -> None:
    pooler = compose["services"]["pgbouncer"]["environment"]
    assert pooler["POOL_MODE"] == "transaction"
    for node in ("web-a", "web-b", "worker"):
        pooled = compose["services"][node]["environment"]
        assert "@pgbouncer:5432/" in pooled["DATABASE_URL"], node
        assert pooled["DATABASE_TRANSACTION_POOLING"] == "1", node


def test_it_connects_the_staff_node_straight_to_postgresql(compose: dict) -> None:
    staff = compose["services"]["web-staff"]["environment"]
    assert "@db:5432/" in staff["DATABASE_URL"]
    assert staff["DATABASE_TRANSACTION_POOLING"] == "0"
    assert staff["REDIS_URL"] == compose["services"]["web-a"]["environment"]["REDIS_URL"]


def _directives(path: Path) -> dict[str, str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    pairs = (line.rstrip(";").split(None, 1) for line in lines if line.endswith(";"))
    return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}


def test_it_buffers_and_times_out_slow_clients_alike_in_both_nginx_configurations() -> None:
    cluster, compose = (_directives(path) for path in NGINX_CONFS)
    rules = (
        "client_header_timeout",
        "client_body_timeout",
        "client_max_body_size",
        "proxy_request_buffering",
        "proxy_next_upstream",
        "error_page",
    )
    assert {rule: cluster[rule] for rule in rules} == {rule: compose[rule] for rule in rules}
    assert cluster["proxy_request_buffering"] == "on"


def _upstreams(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each upstream block's servers: (address, " backup" or "")."""
    blocks = re.findall(r"upstream (\w+) \{(.*?)\}", path.read_text(), re.S)
    return {name: re.findall(r"server (\S+) [^;]*?( backup)?;", body) for name, body in blocks}


def test_it_routes_the_staff_pages_to_the_staff_node_in_both_nginx_configurations() -> None:
    for path in NGINX_CONFS:
        text = path.read_text().replace("@STAFF_PATHS@", STAFF_PATHS)
        staff = re.search(r"location ~ (\S+) \{\s*proxy_pass http://(\w+);", text)
        assert staff is not None and staff.groups() == (STAFF_PATHS, "staff"), path
        assert re.search(r"location / \{\s*proxy_pass http://respondents;", text), path
    assert _upstreams(NGINX_CONFS[1]) == {
        "respondents": [("web-a:8000", ""), ("web-b:8000", ""), ("web-staff:8000", " backup")],
        "staff": [("web-staff:8000", ""), ("web-a:8000", " backup"), ("web-b:8000", " backup")],
    }


def test_it_keeps_postgres_data_in_a_named_volume(compose: dict) -> None:
    mounts = compose["services"]["db"]["volumes"]
    data_mounts = [m for m in mounts if m.endswith(":/var/lib/postgresql/data")]
    assert len(data_mounts) == 1
    volume_name = data_mounts[0].split(":")[0]
    assert volume_name in compose["volumes"]


def test_it_migrates_and_imports_once_before_the_web_nodes_start(compose: dict) -> None:
    steps = [step.strip() for step in shell_script(compose, "migrate").split("&&")]
    assert len(steps) == 2
    assert shlex.split(steps[0]) == ["python", "manage.py", "migrate", "--noinput"]
    assert shlex.split(steps[1]) == [
        "python",
        "manage.py",
        "import_questionnaire",
        DEFAULT_QUESTIONNAIRE,
    ]
    assert "@db:5432/" in compose["services"]["migrate"]["environment"]["DATABASE_URL"]
    assert (ROOT / DEFAULT_QUESTIONNAIRE).is_file()


def test_it_runs_web_with_debug_off(compose: dict) -> None:
    for service in (*WEB_NODES, "worker"):
        assert str(compose["services"][service]["environment"]["DEBUG"]) == "0"


def test_it_requires_secret_key(compose: dict) -> None:
    environment = compose["services"]["web-a"]["environment"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", environment["SECRET_KEY"])


def test_it_builds_a_non_root_image_with_static_files() -> None:
    instructions = dockerfile_instructions()
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    collectstatic = [run for run in runs if "collectstatic --noinput" in run]
    assert len(collectstatic) == 1
    assert "SECRET_KEY=" in collectstatic[0] and "DEBUG=0" in collectstatic[0]
    env_lines = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "SECRET_KEY" not in env_lines, "the build-time key must not persist in the image"
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("EXPOSE", "8000") in instructions


def test_it_keeps_local_state_out_of_the_build_context() -> None:
    ignored = {
        line.strip()
        for line in DOCKERIGNORE_PATH.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git", "staticfiles", "__pycache__", "tests"} <= ignored
