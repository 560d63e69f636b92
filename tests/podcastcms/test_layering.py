"""The project layer (settings, generic helpers) imports no app; only its URL configuration may."""

import ast
from pathlib import Path

import podcastcms

APPS = {"episodes", "people", "sponsors"}


def imported_top_level_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_project_layer_imports_no_app_outside_its_url_configuration():
    package = Path(podcastcms.__file__).parent
    offenders = {
        path.name: sorted(set(imported_top_level_packages(path)) & APPS)
        for path in sorted(package.glob("*.py"))
        if path.name != "urls.py"
    }
    assert {name: apps for name, apps in offenders.items() if apps} == {}
