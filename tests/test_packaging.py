"""`pip install .` gives a working CLI: pyproject declares what the library imports, pinned as the app pins it."""

from __future__ import annotations

import ast
import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

# Optional extras; the library says how to install each when missing: --backend onnx, and the
# scale extra (requirements-scale.txt) for `embed --engine ray`, the search index and a corpus's rows.
OPTIONAL = {"onnx", "onnxruntime", "ray", "faiss", "duckdb"}
OPTIONAL |= {"umap", "openTSNE"}  # the projections extra (map methods other than the default PaCMAP)


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[name.split("[")[0].strip().lower()] = version.strip()  # ray[data] pins ray
    return out


def _third_party_imports(folder) -> set[str]:
    names = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "stance_explorer" and n != "__future__"}


def test_pyproject_declares_every_library_import_with_the_app_pins(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text("utf-8"))["project"]
    declared = _pins(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared |= _pins(extra)
    runtime = _pins((repo_root / "requirements.txt").read_text("utf-8").splitlines())
    dev = _pins((repo_root / "requirements-dev.txt").read_text("utf-8").splitlines())
    dev |= _pins((repo_root / "requirements-scale.txt").read_text("utf-8").splitlines())
    for name, version in declared.items():
        assert (runtime | dev).get(name) == version, f"{name}=={version} differs from requirements*.txt"
    dists = packages_distributions()
    for module in _third_party_imports(repo_root / "stance_explorer") - OPTIONAL:
        names = {d.lower() for d in dists.get(module, [module])}
        assert names & set(_pins(project["dependencies"])), (
            f"the library imports {module} but pyproject does not declare it"
        )
    assert project["scripts"]["stance-explorer"] == "stance_explorer.cli:main"


@pytest.fixture(scope="module")
def wheel(repo_root, tmp_path_factory) -> Path:
    """The package built as a wheel, from a copy, so the build leaves nothing in the working tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(
        repo_root / "stance_explorer", src / "stance_explorer", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo_root / name, src / name)
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (built,) = tmp.glob("stance_explorer-*.whl")
    return built


def test_the_wheel_carries_every_file_the_library_reads(repo_root, wheel):
    """`pip install .` must not drop data files: an installed CLI once fell back to another
    zero-shot cut-off without a word because stance_weights/zero_shot.json was left out."""
    inside = set(zipfile.ZipFile(wheel).namelist())
    package = repo_root / "stance_explorer"
    wanted = {
        p.relative_to(repo_root).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert wanted - inside == set(), f"left out of the wheel: {sorted(wanted - inside)}"
    assert "stance_explorer/stance/weights/zero_shot.json" in inside
    for name in ("statements.csv", "SOURCES.md", "stance_axes.csv", "stance_labels.csv", "claims.csv"):
        assert f"stance_explorer/data/{name}" in inside


#: Run by the installed package, from a folder outside the checkout: what it has, as JSON.
INSTALLED_PROBE = """
import json, pathlib
import stance_explorer
from stance_explorer import stance as T
from stance_explorer.dataset import BUNDLED_CSV
from stance_explorer.reader import read_statements
from stance_explorer.package_data import defaults
presets = T.load_presets()
print(json.dumps({
    "package": str(pathlib.Path(stance_explorer.__file__).resolve().parent),
    "presets": [[p.name, p.topic, p.axis.target, p.axis.against] for p in presets],
    "labels": [str(p.labels_path) for p in presets if p.labels_path],
    "labelled": [len(T.read_labels(p.labels_path).labels) for p in presets if p.labels_path],
    "aliases": {a: T.preset_named(a, presets).name for p in presets for a in p.aliases},
    "claims": list(T.DEFAULT_CLAIMS),
    "statements": len(read_statements(BUNDLED_CSV).frame),
    "defaults": defaults(),
}))
"""


@pytest.mark.slow
def test_the_installed_wheel_has_every_preset_when_run_from_another_folder(repo_root, wheel, tmp_path):
    """A fresh virtual environment outside the checkout, the wheel installed with no index and no
    network (the dependencies come from this environment's site-packages through a .pth file), run
    from a folder that is not the checkout: every preset, its hand labels and the bundled data are there."""
    venv_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True, timeout=300)
    python = venv_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's dependencies (pandas, numpy...) without the checkout: nothing here installs stance_explorer.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"HF_HUB_OFFLINE": "1", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    inst = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert inst.returncode == 0, inst.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [str(python), "-c", INSTALLED_PROBE], capture_output=True, text=True, timeout=300, cwd=elsewhere, env=env
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    package = Path(got["package"])
    assert package.is_relative_to(venv_dir) and not package.is_relative_to(repo_root)
    with (repo_root / "stance_explorer" / "data" / "stance_axes.csv").open(encoding="utf-8", newline="") as fh:
        shipped = list(csv.DictReader(fh))
    assert [p[0] for p in got["presets"]] == [r["name"] for r in shipped]
    assert [p[2] for p in got["presets"]] == [r["target"] for r in shipped]
    assert got["labels"] and all(Path(p).is_relative_to(package) for p in got["labels"])
    assert got["labelled"] == [75]
    assert got["aliases"]["Security cooperation"] == next(
        r["name"] for r in shipped if r["topic"] == "security/cartels"
    )
    assert got["claims"] and got["statements"] == 199
    assert got["defaults"]["tracker"]["speaker"] == "Donald Trump"
