"""The code stays readable: no function in the library, the Streamlit glue or the pages runs over 80
lines (issue 22, issue 28); no module reaches for another module's private name; the repository's
root is computed in one place."""

from __future__ import annotations

import ast
import re

import pytest
from facts import REPO_ROOT

MAX_LINES = 80
#: The folders of the app and the library; tests and benchmarks are scripts of their own.
CODE_FOLDERS = ("stance_explorer", "webapp", "app_pages", "devtools")
OUR_PACKAGES = ("stance_explorer", "webapp", "app_pages", "devtools")


def _sources(*folders: str):
    for folder in folders:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text("utf-8"))


@pytest.mark.parametrize("folder", CODE_FOLDERS)
def test_no_function_is_over_80_lines(folder):
    long = []
    for path, tree in _sources(folder):
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_LINES:
                    long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "split these into named helpers: " + "; ".join(long)


def test_no_module_imports_another_modules_private_name():
    """A name that starts with ``_`` is its module's own; another module needing it means it belongs lower,
    public (as ``files.atomic_write_bytes`` for the store and the map's projections)."""
    private = []
    for path, tree in _sources(*CODE_FOLDERS):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OUR_PACKAGES:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.module}.{alias.name}")
    assert not private, "make these public where they belong: " + "; ".join(private)


#: Scripts run by path, which must find the checkout before they can import anything from it.
_BOOTSTRAP = re.compile(r"^(benchmarks|deploy)/|^devtools/bundle\.py$")
_ROOT_FROM_FILE = re.compile(r"Path\(__file__\)\.resolve\(\)\.(parent\.parent|parents\[\d\])")


def test_the_repository_root_is_computed_in_one_place():
    found = []
    for folder in (*CODE_FOLDERS, "tests", "benchmarks", "deploy"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            rel = path.relative_to(REPO_ROOT).as_posix()
            if _ROOT_FROM_FILE.search(path.read_text("utf-8")) and not _BOOTSTRAP.search(rel):
                found.append(rel)
    assert found == ["stance_explorer/files.py"], found
