"""The hosted demo: the Community Cloud entry point and its pins, hosted mode, the Dockerfile."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import DATA, REPO_ROOT, new_app
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from streamlit.testing.v1 import AppTest

from webapp import hosting, saving
from webapp.pages import PAGES as APP_PAGES

DEPLOY = REPO_ROOT / "deploy"
ENTRY = DEPLOY / "streamlit_app.py"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Runtime packages the deploy file adds to the root ones, taken from requirements-dev.txt.
DEPLOY_EXTRAS = {"onnxruntime", "onnx"}
TITLES = {p.name: p.heading for p in APP_PAGES}


def read_requirements(path: Path) -> tuple[dict[str, Requirement], list[str]]:
    """Pinned requirements by normalized name, and the option lines (``--...``); ``-r`` is followed."""
    reqs: dict[str, Requirement] = {}
    options: list[str] = []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            sub, _ = read_requirements(path.parent / line[3:].strip())
            reqs.update(sub)
        elif line.startswith("-"):
            options.append(line)
        else:
            req = Requirement(line)  # raises InvalidRequirement on anything pip would reject
            assert canonicalize_name(req.name) not in reqs, f"{path.name}: {req.name} twice"
            reqs[canonicalize_name(req.name)] = req
    return reqs, options


def pinned_version(req: Requirement) -> Version:
    specs = list(req.specifier)
    assert len(specs) == 1 and specs[0].operator == "==", f"{req} is not pinned with =="
    return Version(specs[0].version)


# ---------------------------------------------------------------------------- requirements
def test_deploy_requirements_parse_and_name_only_the_cpu_index():
    reqs, options = read_requirements(DEPLOY / "requirements.txt")
    assert options == [f"--extra-index-url {CPU_INDEX}"]
    assert {str(pinned_version(r)) for r in reqs.values()}  # every line is an exact pin
    torch = pinned_version(reqs["torch"])
    assert torch.local == "cpu", "the deploy file must ask for the CPU build, or pip may take the CUDA one"
    assert all(r.marker is None and not r.extras and r.url is None for r in reqs.values())


def test_deploy_pins_are_the_root_pins():
    root, _ = read_requirements(REPO_ROOT / "requirements.txt")
    dev, _ = read_requirements(REPO_ROOT / "requirements-dev.txt")
    deploy, _ = read_requirements(DEPLOY / "requirements.txt")
    assert set(deploy) == set(root) | DEPLOY_EXTRAS, "deploy/requirements.txt lists other packages than the root one"
    for name in deploy:
        want = pinned_version(root[name] if name in root else dev[name])
        got = pinned_version(deploy[name])
        assert got.public == want.public, f"{name}: deploy pins {got}, the root files pin {want}"


# ---------------------------------------------------------------------------- the entry point
@pytest.fixture
def hosted_env(monkeypatch):
    """Hosted mode on, searches with the exact model (the int8 path has its own test below)."""
    monkeypatch.setenv(hosting.HOSTED_ENV, "1")
    monkeypatch.setenv(hosting.QUERY_ENCODER_ENV, "exact")


def test_deploy_entry_point_serves_every_page(hosted_env):
    at = AppTest.from_file(str(ENTRY), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES["explore"]
    page_files = sorted((REPO_ROOT / "app_pages").glob("*.py"))
    assert {p.stem for p in page_files} == set(TITLES)  # every page script is in the registry, and no other
    for path in page_files:
        at.switch_page(f"../app_pages/{path.name}").run()
        assert not at.exception, (path.name, [e.value for e in at.exception])
        assert at.title, f"{path.name} drew no title through deploy/streamlit_app.py"
        assert at.title[0].value == TITLES[path.stem]
    # The hosted About text says what differs from a local run.
    assert any("This hosted demo" in m.value for m in at.sidebar.markdown)


# ---------------------------------------------------------------------------- hosted mode
UPLOAD = b"""speaker,date,text,topic
Jane Tester,2026-03-01,We will test every tariff until the numbers add up,tariffs
Jane Tester,2026-03-05,The trade agreement deserves a careful review,USMCA/trade
"""


def data_page_with_an_added_upload() -> AppTest:
    at = new_app()
    at.context["url"] = "http://localhost:8501/data"  # the server's own address, for good measure
    at.run()
    at.switch_page(f"app_pages/{DATA}.py").run()
    at.file_uploader(key="uploader").upload("mine.csv", UPLOAD, "text/csv").run()
    at.button(key="add_mine.csv").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Merged data" in h.value for h in at.subheader)
    return at


def save_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if "Save" in b.label]


@pytest.mark.parametrize("hosted", [False, True])
def test_hosted_mode_never_offers_to_write_to_the_server_disk(monkeypatch, tmp_path, hosted):
    # The operator turned saving on: a local run offers it, a hosted one must not.
    monkeypatch.setenv(saving.SAVE_DIR_ENV, str(tmp_path / "saves"))
    monkeypatch.setenv(hosting.HOSTED_ENV, "1" if hosted else "0")
    monkeypatch.setenv(hosting.QUERY_ENCODER_ENV, "exact")
    at = data_page_with_an_added_upload()
    assert bool(save_buttons(at)) is not hosted, save_buttons(at)
    if hosted:
        assert not any("press Save" in c.value for c in at.caption)


def test_hosted_mode_turns_the_save_folder_off(monkeypatch, tmp_path):
    monkeypatch.setenv(saving.SAVE_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(hosting.HOSTED_ENV, "0")
    assert saving.save_dir() == tmp_path
    monkeypatch.setenv(hosting.HOSTED_ENV, "1")
    assert saving.save_dir() is None
    with pytest.raises(RuntimeError):
        saving.save_merged(pd.DataFrame({"speaker": ["A"], "date": ["2026-01-01"], "text": ["x"]}))
    assert list(tmp_path.iterdir()) == []


def test_hosted_upload_cap_names_the_file_and_the_limit(monkeypatch):
    rows = "\n".join(
        f"Cap Tester,2026-01-{1 + i % 28:02d},Statement number {i} about tariffs,tariffs"
        for i in range(hosting.HOSTED_MAX_ROWS + 1)
    )
    big = ("speaker,date,text,topic\n" + rows + "\n").encode()
    for flag, refused in (("0", False), ("1", True)):
        monkeypatch.setenv(hosting.HOSTED_ENV, flag)
        at = new_app().run()
        at.switch_page(f"app_pages/{DATA}.py").run()
        at.file_uploader(key="uploader").upload("big.csv", big, "text/csv").run()
        assert not at.exception, [e.value for e in at.exception]
        errors = [e.value for e in at.error]
        if refused:
            assert any("big.csv" in e and f"{hosting.HOSTED_MAX_ROWS:,}" in e for e in errors), errors
            assert any("hosted demo" in c.value for c in at.caption)
        else:
            assert not errors, errors


def test_hosted_flag_values(monkeypatch):
    for value, on in (("1", True), ("true", True), ("ON", True), ("0", False), ("", False), ("no", False)):
        monkeypatch.setenv(hosting.HOSTED_ENV, value)
        assert hosting.hosted() is on, value


# A fresh interpreter: in this one, other tests have already imported torch.
SEARCH_PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file({str(ENTRY)!r}, default_timeout=600)
    at.query_params["q"] = "the trade deal is irrelevant"
    at.run()
    print(json.dumps({{
        "exceptions": [e.value for e in at.exception],
        "captions": [c.value for c in at.main.caption],
        "torch": "torch" in sys.modules,
    }}))
    """
)


@pytest.mark.model
@pytest.mark.slow
def test_hosted_search_uses_the_int8_model_without_torch_in_the_server():
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCE_EXPLORER_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")  # deploy/streamlit_app.py turns hosted mode on
    proc = subprocess.run(
        [sys.executable, "-c", SEARCH_PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["exceptions"] == []
    assert any("best matches for" in c for c in out["captions"]), out["captions"]
    assert out["torch"] is False, "a hosted search imported torch into the server process"


# ---------------------------------------------------------------------------- the container
def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (REPO_ROOT / "Dockerfile").read_text("utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_copies_files_that_exist_and_runs_as_a_non_root_user():
    steps = dockerfile_instructions()
    assert steps[0][0] == "FROM" and re.search(r"python:3\.11[\w.-]*-slim", steps[0][1]), steps[0]
    copies = [rest.split() for word, rest in steps if word == "COPY"]
    assert copies
    ignored = (REPO_ROOT / ".dockerignore").read_text("utf-8").split()
    for parts in copies:
        sources = [p for p in parts[:-1] if not p.startswith("--")]
        for src in sources:
            assert (REPO_ROOT / src).exists(), f"COPY {src}: no such file in the repository"
            assert src.rstrip("/") not in ignored, f"COPY {src}, but .dockerignore leaves it out"
    for needed in (
        "stance_explorer/data/statements.csv",
        "embeddings",
        "deploy/requirements.txt",
        "app.py",
        ".streamlit/config.toml",
    ):
        assert needed not in ignored, f".dockerignore leaves out {needed}, which the image needs"
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), users
    runs = " ".join(rest for word, rest in steps if word == "RUN")
    assert "deploy/requirements.txt" in runs, "the image must install the CPU-torch requirements"
    health = [rest for word, rest in steps if word == "HEALTHCHECK"]
    assert health and "/_stcore/health" in health[0]
    cmd = [rest for word, rest in steps if word in ("CMD", "ENTRYPOINT")]
    assert cmd and "--server.fileWatcherType" in cmd[-1] and "none" in cmd[-1]
    envs = " ".join(rest for word, rest in steps if word == "ENV")
    assert f"{hosting.HOSTED_ENV}=1" in envs


def dockerfile_shell_command(word: str) -> str:
    """The shell command of the Dockerfile's CMD (JSON form ["sh", "-c", cmd]) or HEALTHCHECK."""
    rest = [r for w, r in dockerfile_instructions() if w == word][-1]
    if word == "HEALTHCHECK":
        return rest.split(" CMD ", 1)[1].strip()
    args = json.loads(rest)
    assert args[:2] == ["sh", "-c"], args
    return args[2]


@pytest.mark.slow
def test_dockerfile_cmd_serves_the_app_and_its_healthcheck_sees_it(tmp_path):
    """Not a container build (no Docker engine here): the image's start and health commands, run
    from the repository with this environment's streamlit, on a free port."""
    from devtools.server import free_port

    port = str(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCE_EXPLORER_")}
    env.update(
        PORT=port,
        STANCE_EXPLORER_HOSTED="1",
        HF_HUB_OFFLINE="1",
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    )
    health = dockerfile_shell_command("HEALTHCHECK")
    cmd = dockerfile_shell_command("CMD").replace("--server.address=0.0.0.0", "--server.address=127.0.0.1")
    assert (
        subprocess.run(["sh", "-c", health], env=env, capture_output=True, timeout=30).returncode != 0
    )  # nothing up yet
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(
            ["sh", "-c", cmd], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        healthy = False
        while time.monotonic() < deadline and server.poll() is None and not healthy:
            healthy = subprocess.run(["sh", "-c", health], env=env, capture_output=True, timeout=30).returncode == 0
            time.sleep(0.5)
        assert healthy, (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
