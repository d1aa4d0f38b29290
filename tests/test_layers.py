"""The import contracts of docs/architecture.md (pyproject.toml, checked by `lint-imports` in `make lint`)
catch a forbidden import: each case copies the code, adds one import that breaks a layer, and the check
on the copy fails naming that import, while the same check on the untouched copy does not name it.
The added imports sit inside functions: an import written lazily counts like any other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from facts import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("stance_explorer", "webapp", "app_pages", "devtools")
CONTRACT_NAMES = {
    c["id"]: c["name"]
    for c in tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
}


def _copy(dest: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(REPO_ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.npy", "*.npz"))
    shutil.copy(REPO_ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def _add_function(path: Path, body: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n\ndef _added_for_the_test():\n    {body}\n")


# (contract, file that gets the import, the import, what the failure names)
CASES = [
    (
        "library",
        "stance_explorer/schema.py",
        "from stance_explorer import store",
        "stance_explorer.schema is not allowed to import stance_explorer.store",
    ),
    (
        "library",
        "stance_explorer/encoders/onnx.py",
        "from stance_explorer.store import EmbeddingStore",
        "stance_explorer.encoders is not allowed to import stance_explorer.store",
    ),
    (
        "library",
        "stance_explorer/mapping/regions.py",
        "from stance_explorer.stance import Axis",
        "stance_explorer.mapping is not allowed to import stance_explorer.stance",
    ),
    (
        "folders",
        "webapp/text.py",
        "import app_pages.explore",
        "webapp is not allowed to import app_pages",
    ),
    (
        "streamlit-free",
        "stance_explorer/analysis/tables.py",
        "import streamlit",
        "stance_explorer is not allowed to import streamlit",
    ),
    (
        "thin-pages",
        "app_pages/heatmaps.py",
        "from stance_explorer.analysis.tables import counts_by",
        "app_pages.heatmaps is not allowed to import stance_explorer.analysis",
    ),
    (
        "pure",
        "stance_explorer/figures/map.py",
        "from stance_explorer.encoders.models import get_encoder",
        "stance_explorer.figures is not allowed to import stance_explorer.encoders",
    ),
    (
        "streamlit-free",
        "stance_explorer/views/__init__.py",
        "import webapp.state",
        "stance_explorer is not allowed to import webapp",
    ),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[str, subprocess.CompletedProcess]:
    """The check's output on an untouched copy, and its result once every case's import is added."""
    root = _copy(tmp_path_factory.mktemp("code"))
    before = _lint(root).stdout
    for _, file, statement, _ in CASES:
        _add_function(root / file, statement)
    # The library's layers are exhaustive: a new module must be given its layer in pyproject.toml.
    (root / "stance_explorer" / "newcomer.py").write_text('"""A module nobody placed."""\n')
    return before, _lint(root)


@pytest.mark.parametrize("contract,file,statement,named", CASES, ids=[c[1] + ":" + c[0] for c in CASES])
def test_a_forbidden_import_breaks_the_check(checked, contract, file, statement, named):
    before, after = checked
    assert named not in before
    assert after.returncode != 0, after.stdout + after.stderr
    assert named in after.stdout, after.stdout
    assert f"{CONTRACT_NAMES[contract]} BROKEN" in after.stdout


def test_a_module_outside_every_layer_breaks_the_check(checked):
    before, after = checked
    assert "stance_explorer.newcomer" not in before
    assert "stance_explorer.newcomer" in after.stdout + after.stderr
