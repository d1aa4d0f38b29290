"""The library has no side effects on import; entry points set the offline flag and logging."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys

from stance_explorer import runtime
from stance_explorer.files import atomic_write_bytes


def test_importing_the_library_sets_no_environment_and_keeps_the_umask(repo_root):
    code = (
        "import os\n"
        "os.umask(0o027)\n"
        "import stance_explorer.encoders.base, stance_explorer.store, stance_explorer.encoders.onnx\n"
        "import stance_explorer.encoders.gpu, stance_explorer.dataset, stance_explorer.reader\n"
        "print(os.environ.get('HF_HUB_OFFLINE'), oct(os.umask(0)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["PYTHONPATH"] = str(repo_root)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "0o27"]


def test_store_files_follow_the_umask(tmp_path):
    atomic_write_bytes(tmp_path / "x.npy", lambda fh: fh.write(b"abc"))
    mode = stat.S_IMODE((tmp_path / "x.npy").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert (tmp_path / "x.npy").read_bytes() == b"abc"
    assert [p.name for p in tmp_path.iterdir()] == ["x.npy"]  # no temporary file left


def test_entry_point_shows_library_messages_on_stderr(capsys, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    runtime.prepare_process()
    runtime.prepare_process()  # twice: still one handler, one line per message
    logging.getLogger("stance_explorer.encoders.base").warning("CUDA fell back")
    assert capsys.readouterr().err.count("CUDA fell back") == 1
    assert os.environ["HF_HUB_OFFLINE"] == "1"
