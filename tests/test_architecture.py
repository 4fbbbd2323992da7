"""The layers of docs/architecture.md hold: imports point down only, and nothing that
start-up touches imports the heavy numeric and file-format libraries."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: a package may import from those before it, never from those after it.
LAYERS = ("core", "surveys", "analytics", "exports", "api", "editor")
HEAVY = (
    "scipy",
    "pandas",
    "openpyxl",
    "pyxform",
    "pyreadstat",
    "plotly",
    "matplotlib",
    "docx",
    "celery",
    "kombu",
)


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", LAYERS)
def test_it_imports_only_from_lower_layers(package):
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & above)
        for path in _modules(package)
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_it_imports_plotly_in_tests_only():
    """plotly.py is a test dependency (requirements-dev.txt): it checks the figures that
    analytics/charts.py writes as plain dicts; the app never loads it."""
    importers = [
        str(path.relative_to(ROOT))
        for package in (*LAYERS, "config")
        for path in _modules(package)
        if "plotly" in _imported_packages(path)
    ]
    assert importers == []


def test_it_keeps_config_free_of_app_code():
    apps = set(LAYERS)
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & apps)
        for path in _modules("config")
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_it_starts_without_the_heavy_libraries():
    """Settings, every app's admin and models, and every URL module load without scipy,
    pandas, openpyxl, pyxform, pyreadstat, plotly, matplotlib or python-docx: they are
    imported where they are used."""
    script = (
        "import django, json, sys; django.setup();"
        "from django.contrib import admin; admin.autodiscover();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from django.core.management import get_commands, load_command_class;"
        "[load_command_class(app, name) for name, app in get_commands().items()"
        " if not app.startswith('django')];"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
