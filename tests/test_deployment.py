"""The Docker deployment files, checked without Docker.

docker-compose.yml is validated against the official Compose Specification schema,
vendored from compose-spec/compose-spec (schema/compose-spec.json) at
tests/fixtures/compose-spec.json. No database or Django setup is needed.
"""

import copy
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

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


def web_command(compose: dict) -> str:
    """The web service's shell script (command is exec form: sh -c SCRIPT)."""
    command = compose["services"]["web"]["command"]
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
    web = broken["services"]["web"]
    if breakage == "ports_as_mapping":
        web["ports"] = {"8000": "8000"}
    elif breakage == "unknown_top_level_key":
        broken["servcies"] = {}
    elif breakage == "unknown_service_key":
        web["depend_on"] = ["db"]
    else:
        web["depends_on"]["db"]["condition"] = "healthy"
    assert not validator.is_valid(broken)


def test_it_starts_web_only_once_db_is_healthy(compose: dict) -> None:
    assert compose["services"]["web"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_it_keeps_postgres_data_in_a_named_volume(compose: dict) -> None:
    mounts = compose["services"]["db"]["volumes"]
    data_mounts = [m for m in mounts if m.endswith(":/var/lib/postgresql/data")]
    assert len(data_mounts) == 1
    volume_name = data_mounts[0].split(":")[0]
    assert volume_name in compose["volumes"]


def test_it_migrates_and_imports_before_starting_gunicorn(compose: dict) -> None:
    steps = [step.strip() for step in web_command(compose).split("&&")]
    assert len(steps) == 3
    assert shlex.split(steps[0]) == ["python", "manage.py", "migrate", "--noinput"]
    assert shlex.split(steps[1]) == [
        "python",
        "manage.py",
        "import_questionnaire",
        DEFAULT_QUESTIONNAIRE,
    ]
    server = shlex.split(steps[2])
    assert server[:3] == ["exec", "gunicorn", "config.wsgi:application"]
    assert "0.0.0.0:8000" in server
    assert (ROOT / DEFAULT_QUESTIONNAIRE).is_file()


def test_it_runs_web_with_debug_off(compose: dict) -> None:
    assert str(compose["services"]["web"]["environment"]["DEBUG"]) == "0"


def test_it_requires_secret_key(compose: dict) -> None:
    environment = compose["services"]["web"]["environment"]
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
