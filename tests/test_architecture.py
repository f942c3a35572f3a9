"""The layers of docs/architecture.md, checked on the source: each app imports only the apps
below it, its migrations depend only on those, and no module grows past what one reads."""

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# Lowest first. workday and portal both compose the apps below and do not use each other.
LAYERS = {
    "clinic": 0,
    "patients": 1,
    "messaging": 2,
    "treatments": 3,
    "consents": 4,
    "scheduling": 5,
    "workday": 6,
    "portal": 6,
}
LONGEST_MODULE = 600
# Reverse relations a lower layer would follow upward without importing anything, by the app
# whose code or templates (their folders under templates/) must not mention them.
UPWARD_RELATIONS = {
    "patients": ([".appointments", ".plans", ".formulations", ".allergens"], ["patients"]),
    "treatments": ([".appointments"], ["treatments", "documents"]),
}


def app_modules(app: str) -> list[Path]:
    return [path for path in sorted((PROJECT / app).rglob("*.py")) if "migrations" not in path.parts]


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            apps |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps & set(LAYERS)


def migration_dependencies(path: Path) -> set[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "dependencies" for t in node.targets):
            return {
                element.elts[0].value
                for element in node.value.elts
                if isinstance(element, ast.Tuple) and isinstance(element.elts[0], ast.Constant)
            }
    return set()


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    upward = {
        f"{path.relative_to(PROJECT)} imports {other}"
        for path in app_modules(app)
        for other in imported_apps(path)
        if other != app and LAYERS[other] >= LAYERS[app]
    }
    assert not upward, sorted(upward)


@pytest.mark.parametrize("app", LAYERS)
def test_an_apps_migrations_depend_only_on_the_apps_below_it(app):
    upward = {
        f"{path.relative_to(PROJECT)} depends on {other}"
        for path in sorted((PROJECT / app / "migrations").glob("0*.py"))
        for other in migration_dependencies(path) & set(LAYERS)
        if other != app and LAYERS[other] >= LAYERS[app]
    }
    assert not upward, sorted(upward)


@pytest.mark.parametrize("app", UPWARD_RELATIONS)
def test_an_app_does_not_reach_up_through_reverse_relations(app):
    names, template_folders = UPWARD_RELATIONS[app]
    sources = [*app_modules(app), *(p for f in template_folders for p in (PROJECT / "templates" / f).rglob("*.html"))]
    found = {
        f"{path.relative_to(PROJECT)} reads {name}" for path in sources for name in names if name in path.read_text()
    }
    assert not found, sorted(found)


@pytest.mark.parametrize("app", [*LAYERS, "bench"])
def test_no_module_is_longer_than_one_reads(app):
    long = {
        f"{path.relative_to(PROJECT)}: {n} lines"
        for path in app_modules(app)
        if (n := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert not long, sorted(long)


def test_the_layers_are_checked_against_every_app_installed():
    from django.conf import settings

    ours = {app for app in settings.INSTALLED_APPS if (PROJECT / app).is_dir()}
    assert ours == set(LAYERS)
