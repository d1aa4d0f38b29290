"""Start `streamlit run` on a free localhost port and stop it; Debian Chromium's launch settings.

One place for what the browser tests (tests/e2e), benchmarks/load.py and benchmarks/cold_start.py
all need, so they start the app the same way.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from stance_explorer.files import REPO_ROOT  # the checkout the app runs from: one definition

CHROMIUM = os.environ.get("STANCE_E2E_CHROMIUM", "/usr/bin/chromium")  # the Debian package
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--disable-background-networking",  # no network here: background fetches only flood the log
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Console errors that are not the app's, filtered narrowly (browser tests and benchmarks alike):
#  1. Resources on other hosts: this machine has no network. The page icon (a Material Symbol)
#     and Streamlit's icon font come from fonts.gstatic.com and fail with ERR_NAME_NOT_RESOLVED.
#  2. Streamlit's frontend, opened at /<page>, first probes /<page>/_stcore/health and
#     /<page>/_stcore/host-config to discover its base path; those 404s are part of that probe.
#     Only those two endpoints one level below a page path are filtered.
_STCORE_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


def is_noise(text: str, location_url: str, app_origin: str) -> bool:
    """Whether a browser console error is offline noise rather than the app's own error."""
    if not text.startswith("Failed to load resource") or not location_url:
        return False
    loc = urlsplit(location_url)
    origin = f"{loc.scheme}://{loc.netloc}"
    if loc.scheme in ("http", "https") and origin != app_origin:
        return True  # 1. another host
    return origin == app_origin and "404" in text and bool(_STCORE_PROBE.match(loc.path))  # 2. base-path probe


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    """True when Streamlit's health endpoint answers "ok"."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            return resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class AppServer:
    """A ``streamlit run`` child process in its own process group."""

    url: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def start_app(
    log_path: Path,
    *,
    script: str | Path = "app.py",
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    bundled_data: bool = True,
    timeout_s: float = 60,
) -> AppServer:
    """Start ``script`` on a free localhost port and wait until its health endpoint answers "ok".

    ``bundled_data`` drops STANCE_EXPLORER_DATA/STORE from the environment, so the app shows the
    bundled statements whatever the calling shell points it at.
    """
    port = port or free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    if bundled_data:
        env.pop("STANCE_EXPLORER_DATA", None)
        env.pop("STANCE_EXPLORER_STORE", None)
    env.update(extra_env or {})
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log_path, "wb") as log:  # the child keeps its own handle
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = AppServer(f"http://127.0.0.1:{port}", proc, Path(log_path))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {proc.returncode} before it was healthy:\n{server.log()[-4000:]}"
            )
        if healthy(server.url):
            return server
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout_s:.0f} s:\n{server.log()[-4000:]}")


# ---------------------------------------------------------------------------- "the page is idle"
# Shown while a script runs or the page is still coming together; elements greyed out from the
# previous run carry data-stale.
BUSY_SELECTORS = (
    '[data-testid="stStatusWidget"]',
    '[data-testid="stStatusWidgetRunningIcon"]',
    '[data-testid="stSkeleton"]',
    '[data-testid="stAppSkeleton"]',
    '[data-testid="stSpinner"]',
    '[data-stale="true"]',
)

#: For ``page.wait_for_function(IDLE_JS, arg=[settle_ms, selector, text])``. The page is idle once
#: rendered content is there (``text`` inside ``selector`` when given, else any element in the main
#: block), nothing in BUSY_SELECTORS is, and that has held for ``settle_ms`` -- a rerun triggered by
#: an interaction takes a moment to show. Returns the page-clock time it became idle, else false.
IDLE_JS = """
([settle, selector, text]) => {
  const q = (s) => document.querySelector(s);
  const ready = selector
    ? Array.from(document.querySelectorAll(selector)).some(e => (e.innerText || '').includes(text))
    : !!q('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
  const busy = !ready || __BUSY__;
  const now = performance.now();
  if (busy) { window.__idleSince = null; return false; }
  if (window.__idleSince == null) { window.__idleSince = now; return false; }
  return now - window.__idleSince >= settle ? window.__idleSince : false;
}
""".replace("__BUSY__", " || ".join(f"!!q('{s}')" for s in BUSY_SELECTORS))

#: Run before each wait on IDLE_JS: forgets when the page last became idle, so a wait that starts
#: right after a click or a key cannot return the idle time of the run before it.
IDLE_RESET_JS = "window.__idleSince = null"
