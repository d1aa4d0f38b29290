"""The ``llm`` reader against a real OpenAI-compatible server: ``transformers serve`` on loopback,
serving tiny chat models the test builds itself (no hub, no network).

* a model wired to answer one fixed JSON reading (``tiny_models.save_chat_lm`` with an answer):
  the happy path, end to end, evidence checked against each statement;
* a randomly initialised model: it answers garbage, every statement gets a "malformed" note;
* a model wired to say "Sorry, I cannot help with that.": a refusal, noted per statement.

The parser is also tested on recorded answers of the shapes real models give.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import tiny_models

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.methods import AGAINST, LABELS
from stance_explorer.stance.readers import (
    LLM_KEY_ENV,
    LLM_MODEL_ENV,
    LLM_URL_ENV,
    ReaderUnavailable,
    ReadingCache,
    make_reader,
    read_through,
)
from stance_explorer.stance.readers.llm import LLMReader, chat_url, find_evidence, parse_answer

CLAIM = Axis("steel tariffs", favor="Steel tariffs are good for us.", against="Steel tariffs hurt us.")
TEXTS = [
    "The weather in Ottawa was fine today.",
    "Today We  Oppose these tariffs on our steel.",
    "Nos oponemos a los aranceles.",
]
KEY = "sk-test-5ecret-do-not-log"
AGAINST_ANSWER = ['{"stance": "', "against", '", "evidence": "', "we oppose", '", "confidence": 0.9}']


# ---------------------------------------------------------------------------- recorded answers
@pytest.mark.parametrize(
    "content, stance, confidence, evidence",
    [
        ('{"stance": "favor", "evidence": "a good deal", "confidence": 0.8}', "favor", 0.8, "a good deal"),
        (
            '```json\n{"Stance": "Favour", "evidence": "A GOOD deal", "confidence": "85%"}\n```',
            "favor",
            0.85,
            "a good deal",
        ),
        ('Here is my answer: {"stance": "none", "evidence": "", "confidence": 0.6}', "none", 0.6, ""),
        ('{"stance": "against", "evidence": "", "confidence": 0.1}', "against", 0.34, ""),
    ],
)
def test_recorded_answers_parse_into_a_reading(content, stance, confidence, evidence):
    got = parse_answer(content, "It is a good deal for our farmers.")
    assert (got.stance, got.evidence, got.note) == (stance, evidence, "")
    assert got.confidence == pytest.approx(confidence)


@pytest.mark.parametrize(
    "content, note",
    [
        ('{"stance": "maybe", "confidence": 0.5}', "malformed answer (stance 'maybe')"),
        ('{"stance": "favor"}', "malformed answer (no confidence"),
        ('{"stance": "favor", "confidence": 3000}', "malformed answer (no confidence"),
        ('{"stance": "favor", "confidence": ', "malformed answer (no JSON object)"),
        ("I'm sorry, but I can't assist with that.", "the model declined"),
    ],
)
def test_recorded_bad_answers_are_notes_not_readings(content, note):
    got = parse_answer(content, "It is a good deal.")
    assert got.stance is None and got.note.startswith(note)


def test_evidence_must_be_the_statements_own_words():
    text = "It is a  good deal for our farmers."
    assert find_evidence("GOOD deal", text) == "good deal"
    assert find_evidence("a great deal", text) is None
    got = parse_answer('{"stance": "favor", "evidence": "a great deal", "confidence": 0.9}', text)
    assert got.stance == "favor" and got.evidence == "" and "evidence dropped" in got.note


def test_a_key_in_the_url_is_refused_and_never_echoed():
    for url in (f"https://user:{KEY}@api.example.org/v1", f"https://api.example.org/v1?api_key={KEY}"):
        with pytest.raises(ReaderUnavailable) as err:
            LLMReader(url, "m", api_key="")
        assert KEY not in str(err.value) and "STANCE_EXPLORER_LLM_API_KEY" in str(err.value)
    assert chat_url("http://localhost:11434/v1/") == "http://localhost:11434/v1/chat/completions"


def test_key_comes_from_the_settings_and_is_masked():
    reader = make_reader("llm", settings={LLM_URL_ENV: "http://127.0.0.1:9/v1", LLM_MODEL_ENV: "m", LLM_KEY_ENV: KEY})
    assert KEY not in repr(reader) and "***" in repr(reader)
    assert KEY not in reader.label and KEY not in reader.version
    with pytest.raises(ReaderUnavailable) as err:  # port 9: nothing listens
        reader.read(CLAIM, ["a statement"])
    assert "cannot run" in str(err.value) and KEY not in str(err.value)
    with pytest.raises(ReaderUnavailable, match="needs the server's address"):
        make_reader("llm", settings={LLM_MODEL_ENV: "m"})


# ---------------------------------------------------------------------------- a real server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``transformers serve`` on loopback, loading the tiny models by path on demand."""
    root = tmp_path_factory.mktemp("llm")
    models = {
        "against": tiny_models.save_chat_lm(root / "against", AGAINST_ANSWER),
        "random": tiny_models.save_chat_lm(root / "random"),
        "sorry": tiny_models.save_chat_lm(root / "sorry", ["Sorry, ", "I cannot help with that."]),
    }
    port = _free_port()
    cli = Path(sys.executable).with_name("transformers")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    cmd = [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port), "--device", "cpu", "--format", "quiet"]
    log = open(root / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = (root / "serve.log").read_text()[-2000:]
                    raise RuntimeError("transformers serve did not start:\n" + tail) from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1", {k: str(v) for k, v in models.items()}, root / "serve.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
def test_real_server_happy_path_reads_with_the_statements_own_evidence(server, tmp_path):
    url, models, _ = server
    reader = LLMReader(url, models["against"], api_key=KEY, timeout=60)
    cache = ReadingCache(reader, tmp_path / "store")
    done = []
    out, n = read_through(reader, CLAIM, TEXTS, cache, progress=lambda d, t: done.append((d, t)))
    assert n == 3 and done[-1] == (3, 3)
    assert out.read.all()
    assert [LABELS[c] for c in out.stance_arrays().label] == ["against"] * 3
    np.testing.assert_allclose(out.probs[:, AGAINST], 0.9, atol=1e-6)
    # the model quoted "we oppose": found (in the statement's own case and spacing) only in the second
    assert out.evidence == ["", "We  Oppose", ""]
    assert "evidence dropped" in out.notes[0] and out.notes[1] == ""
    again, n_again = read_through(reader, CLAIM, TEXTS, ReadingCache(reader, tmp_path / "store"))
    assert n_again == 0 and again.evidence[1] == "We  Oppose"  # nothing asked twice; evidence kept


@pytest.mark.slow
def test_real_server_garbage_and_refusals_are_noted_per_statement(server):
    url, models, _ = server
    garbage = LLMReader(url, models["random"], max_tokens=24).read(CLAIM, TEXTS)
    assert not garbage.read.any()
    assert all(n.startswith("malformed answer") for n in garbage.notes)
    refused = LLMReader(url, models["sorry"]).read(CLAIM, TEXTS)
    assert not refused.read.any()
    assert refused.notes == ["the model declined: 'Sorry, I cannot help with that.'"] * 3
    assert (refused.stance_arrays().confidence == 0).all()  # not read: never a reading


@pytest.mark.slow
def test_real_server_time_out_is_a_note_and_the_rest_go_on(server):
    url, models, _ = server
    slow = LLMReader(url, models["against"], timeout=0.001, retries=1).read(CLAIM, TEXTS)
    assert not slow.read.any()
    assert all("timed out" in n for n in slow.notes), slow.notes


@pytest.mark.slow
def test_real_server_key_is_sent_but_never_logged(server):
    url, models, log = server
    reader = LLMReader(url, models["random"], api_key=KEY, max_tokens=8)
    out = reader.read(CLAIM, TEXTS[:1])
    assert all(KEY not in n for n in out.notes) and KEY not in repr(reader)
    assert KEY.encode() not in log.read_bytes()


def test_a_redirect_is_not_followed_so_the_key_stays_with_the_operators_server():
    # A plain HTTP server that only redirects (not an LLM endpoint): the key must not follow it.
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen: list[str] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    elsewhere = HTTPServer(("127.0.0.1", 0), Elsewhere)

    class Redirect(Elsewhere):
        def do_POST(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{elsewhere.server_port}/steal")
            self.end_headers()

    redirect = HTTPServer(("127.0.0.1", 0), Redirect)
    for srv in (elsewhere, redirect):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        reader = LLMReader(f"http://127.0.0.1:{redirect.server_port}/v1", "m", api_key=KEY)
        with pytest.raises(ReaderUnavailable, match="HTTP 302") as err:
            reader.read(CLAIM, ["a statement"])
        assert KEY not in str(err.value) and seen == []
    finally:
        for srv in (elsewhere, redirect):
            srv.shutdown()
