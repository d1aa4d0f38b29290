"""`pip install .` gives a working CLI: pyproject declares what the library imports, pinned as the app pins it."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions

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


def test_the_wheel_carries_every_file_the_library_reads(repo_root, tmp_path):
    """`pip install .` must not drop data files: an installed CLI once fell back to another
    zero-shot cut-off without a word because stance_weights/zero_shot.json was left out."""
    import shutil
    import subprocess
    import zipfile

    src = tmp_path / "src"  # a copy, so the build leaves nothing in the working tree
    shutil.copytree(
        repo_root / "stance_explorer", src / "stance_explorer", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo_root / name, src / name)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("stance_explorer-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    package = repo_root / "stance_explorer"
    wanted = {
        p.relative_to(repo_root).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert wanted - inside == set(), f"left out of the wheel: {sorted(wanted - inside)}"
    assert "stance_explorer/stance/weights/zero_shot.json" in inside
