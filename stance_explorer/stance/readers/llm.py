"""The ``llm`` reader: an OpenAI-compatible chat endpoint (Ollama, a llama.cpp server, vLLM, a hosted API).

For each statement the reader asks, in one chat request, for a JSON object::

    {"stance": "favor" | "against" | "none", "evidence": "<the statement's own words>", "confidence": 0..1}

**One statement per request, several requests at once** (``concurrency``, default 4): a small local
model answers one statement far more reliably than a numbered list, a malformed answer then costs
one statement, not a batch, and servers that batch (vLLM, llama.cpp with ``--parallel``, Ollama with
``OLLAMA_NUM_PARALLEL``) batch concurrent requests themselves. Each request times out
(``timeout`` seconds) and is retried on a time-out, a dropped connection, 429 and 5xx, with
back-off. A refusal, a malformed answer, or a request that keeps failing is a note on that statement
(not read; asked again next time, since only readings are cached), and the rest go on. A server
that cannot be reached at all, or refuses the key, stops the reading with :class:`ReaderUnavailable`.

**Evidence** must be words of the statement: the quoted words are looked up in the statement (exact,
then ignoring case and spacing) and replaced by the statement's own characters; words not found are
dropped, with a note. **Confidence** is the model's own; it is kept at or above a third, so the
model's label stays the most probable one.

**The API key** comes from ``STANCE_EXPLORER_LLM_API_KEY`` or Streamlit secrets, passed in by the
caller: never from the URL (a URL with user info or a key-like query parameter is refused), never
in a link, and masked in this reader's ``repr``, its label and every error message. Only the
operator sets the URL and the model (environment, secrets or the CLI's flags); a visitor cannot.

Plain ``urllib`` from the standard library: no new dependency.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.readers.base import ReaderOutput, ReaderUnavailable, ReadProgress, probs_from_labels

SYSTEM_PROMPT = (
    "You read one statement by a public official and say what position it takes on a claim. "
    "favor: the statement supports or agrees with the claim. against: it rejects, opposes or dismisses "
    "the claim. none: it is about something else, or takes no position on the claim. "
    'Answer with one JSON object and nothing else: {"stance": "favor" or "against" or "none", '
    '"evidence": "the few words of the statement that decide it, copied exactly, or an empty string", '
    '"confidence": a number from 0 to 1}.'
)
#: Changes whenever the prompt does: part of the reader's version, so old readings are not reused.
PROMPT_VERSION = hashlib.sha256(SYSTEM_PROMPT.encode("utf-8")).hexdigest()[:8]
_STANCES = {
    "favor": "favor",
    "favour": "favor",
    "for": "favor",
    "support": "favor",
    "supports": "favor",
    "against": "against",
    "oppose": "against",
    "opposes": "against",
    "none": "none",
    "neutral": "none",
    "neither": "none",
}
_REFUSAL = re.compile(r"\b(sorry|cannot|can't|can not|unable|won't|refuse|not able)\b", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"(key|token|secret|password|auth)", re.IGNORECASE)
_MIN_CONFIDENCE = 0.34


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: the key would go with the request to wherever it points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib's hook
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _body(exc: urllib.error.HTTPError) -> str:
    """The start of an error reply's body, for the message (": model 'x' not found")."""
    try:
        text = exc.read(300).decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - the body is only a hint
        return ""
    return f": {_clip(text, 120)}" if text.strip() else ""


class _Fatal(Exception):
    """The server cannot be used at all (unreachable, or the key refused): stops the reading."""


@dataclass
class Answer:
    """One statement's parsed answer: its label and confidence, or why there is none."""

    stance: str | None = None
    confidence: float = 0.0
    evidence: str = ""
    note: str = ""


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def find_evidence(quoted: str, text: str) -> str | None:
    """The statement's own characters for the words the model quoted, or None when they are not there.

    Args:
        quoted: the words the model gave as evidence.
        text: the statement.

    Returns:
        The matching span of ``text`` (exact, else ignoring case and runs of spaces), or None.
    """
    quoted = quoted.strip().strip("\"'“”‘’").strip()
    if not quoted:
        return ""
    if quoted in text:
        return quoted
    pattern = r"\s+".join(re.escape(w) for w in quoted.split())
    hit = re.search(pattern, text, flags=re.IGNORECASE)
    return hit.group(0) if hit else None


def _json_object(content: str) -> dict | None:
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        got = json.loads(content[start : end + 1])
    except ValueError:
        return None
    return got if isinstance(got, dict) else None


def _confidence(value) -> float | None:
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    try:
        c = float(value)
    except (TypeError, ValueError):
        return None
    if 1.0 < c <= 100.0:
        c /= 100.0
    return c if 0.0 <= c <= 1.0 else None


def parse_answer(content: str | None, text: str, refusal: str | None = None) -> Answer:
    """Read a model's answer for one statement (see the module doc).

    Args:
        content: the answer's text.
        text: the statement it was asked about.
        refusal: the API's own refusal field, when the server set one.

    Returns:
        An :class:`Answer`: a stance with its confidence and evidence, or a note saying why not.
    """
    if refusal:
        return Answer(note=f"the model refused: {_clip(refusal)}")
    content = str(content or "").strip()
    got = _json_object(content)
    if got is None:
        if content and _REFUSAL.search(content):
            return Answer(note=f"the model declined: '{_clip(content)}'")
        return Answer(note=f"malformed answer (no JSON object): '{_clip(content)}'")
    fields = {str(k).strip().lower(): v for k, v in got.items()}
    stance = _STANCES.get(str(fields.get("stance", "")).strip().lower())
    if stance is None:
        return Answer(
            note=f"malformed answer (stance {_clip(str(fields.get('stance', '')), 30)!r}): '{_clip(content)}'"
        )
    conf = _confidence(fields.get("confidence"))
    if conf is None:
        return Answer(note=f"malformed answer (no confidence from 0 to 1): '{_clip(content)}'")
    quoted = fields.get("evidence") or ""
    evidence = find_evidence(str(quoted), text) if isinstance(quoted, str) else None
    note = "" if evidence is not None else f"evidence dropped, not the statement's words: '{_clip(str(quoted), 60)}'"
    return Answer(stance, max(conf, _MIN_CONFIDENCE), evidence or "", note)


def user_prompt(claim: Axis, text: str) -> str:
    """The user message for one statement: the claim, its opposite when given, and the statement.

    Args:
        claim: the claim.
        text: the statement, exactly as quoted.

    Returns:
        The message.
    """
    lines = [f"Claim: {claim.claim}"]
    if claim.against:
        lines.append(f"Rejecting the claim sounds like: {claim.against}")
    if claim.favor and claim.target not in claim.favor:
        lines.append(f"Topic: {claim.target}")
    lines.append(f'Statement: """{text}"""')
    return "\n".join(lines)


def chat_url(url: str) -> str:
    """The chat-completions address of an OpenAI-compatible base URL; a URL carrying a secret is refused.

    Args:
        url: ``http(s)://host[:port]/v1`` (or the full ``…/chat/completions``).

    Returns:
        The chat-completions URL.

    Raises:
        ReaderUnavailable: no URL, not http(s), or user info / a key-like query parameter in it.
    """
    url = str(url or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReaderUnavailable(
            "The LLM reader needs the server's address, e.g. http://localhost:11434/v1 (STANCE_EXPLORER_LLM_URL)."
        )
    if parts.username or parts.password or any(_SECRET_QUERY.search(k) for k, _ in urllib.parse.parse_qsl(parts.query)):
        raise ReaderUnavailable(
            f"The LLM URL for {parts.hostname} carries a secret; remove it and set STANCE_EXPLORER_LLM_API_KEY instead."
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


class LLMReader:
    """Reads with a chat model behind an OpenAI-compatible ``/chat/completions`` endpoint.

    Args:
        url: the server's base URL (``http://localhost:11434/v1``); only the operator sets it.
        model: the model name the server knows (``llama3.1:8b``, a vLLM model id…).
        api_key: the bearer key, from the environment or secrets ("" for a local server).
        timeout: seconds per request.
        retries: further tries after a time-out, a dropped connection, 429 or 5xx.
        concurrency: requests in flight at once.
        max_tokens: the answer's length limit.
        json_mode: ask for ``response_format: json_object`` (servers that do not know it ignore it).

    Raises:
        ReaderUnavailable: no URL or model, or a URL that carries a secret.
    """

    name = "llm"
    cacheable = True

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = 60.0,
        retries: int = 2,
        concurrency: int = 4,
        max_tokens: int = 200,
        json_mode: bool = True,
    ) -> None:
        self.url = chat_url(url)
        self.model = str(model or "").strip()
        if not self.model:
            raise ReaderUnavailable("The LLM reader needs a model name (STANCE_EXPLORER_LLM_MODEL, or --reader-model).")
        self._key = str(api_key or "")
        self.timeout, self.retries, self.concurrency = float(timeout), int(retries), max(1, int(concurrency))
        self.max_tokens, self.json_mode = int(max_tokens), bool(json_mode)
        self.host = urllib.parse.urlsplit(self.url).netloc
        self.version = f"{self.model}|prompt-{PROMPT_VERSION}"
        self.label = f"LLM {self.model} at {self.host} (a model's reading, not a label)"

    def __repr__(self) -> str:
        return f"LLMReader(url={self.url!r}, model={self.model!r}, api_key={'***' if self._key else ''!r})"

    def _mask(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def _request(self, claim: Axis, text: str) -> dict:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": user_prompt(claim, text)},
            ],
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        req = urllib.request.Request(self.url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
        with _OPENER.open(req, timeout=self.timeout) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def _post(self, claim: Axis, text: str) -> dict:
        """The server's JSON reply for one statement, with retries; raises _Fatal or RuntimeError."""
        last = ""
        for attempt in range(self.retries + 1):
            wait = 0.5 * 2**attempt
            try:
                return self._request(claim, text)
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise _Fatal(f"the server at {self.host} refused the API key (HTTP {exc.code})") from None
                if exc.code in (404, 405) or 300 <= exc.code < 400:
                    raise _Fatal(f"the server at {self.host} answered HTTP {exc.code}{_body(exc)}") from None
                if exc.code != 429 and exc.code < 500:
                    raise RuntimeError(f"the server answered HTTP {exc.code}{_body(exc)}") from None
                last = f"HTTP {exc.code}{_body(exc)}"
                retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
                wait = min(float(retry_after), 10.0) if retry_after.replace(".", "", 1).isdigit() else wait
            except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, ConnectionRefusedError):
                    raise _Fatal(f"nothing answers at {self.host} (connection refused)") from None
                last = "timed out" if "timed out" in str(reason) else f"{type(reason).__name__}"
            except ValueError:
                last = "the reply was not JSON"
            if attempt < self.retries:
                time.sleep(wait)
        raise RuntimeError(f"no answer after {self.retries + 1} tries ({last})")

    def read_one(self, claim: Axis, text: str) -> Answer:
        """Ask about one statement.

        Args:
            claim: the claim.
            text: the statement.

        Returns:
            Its :class:`Answer` (a note instead of a stance when the request or the answer failed).

        Raises:
            ReaderUnavailable: the server cannot be reached at all, or refuses the key.
        """
        try:
            reply = self._post(claim, text)
        except _Fatal as exc:
            raise ReaderUnavailable(self._mask(f"The LLM reader cannot run: {exc}.")) from None
        except RuntimeError as exc:
            return Answer(note=self._mask(f"not read: {exc}"))
        try:
            choice = reply["choices"][0]
            message = choice.get("message") or {}
        except (KeyError, IndexError, TypeError, AttributeError):
            return Answer(note=f"malformed reply from the server: '{_clip(self._mask(json.dumps(reply)))}'")
        if choice.get("finish_reason") == "content_filter":
            return Answer(note="the model refused: the server's content filter stopped the answer")
        return parse_answer(message.get("content"), text, message.get("refusal"))

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """Read every statement: the first alone (a dead server or a refused key stops here), then the
        rest ``concurrency`` at a time (a server lost mid-way is a note on each statement it leaves).

        Args:
            claim: the claim.
            texts: the statements' texts.
            progress: called as ``progress(done, total)`` as answers come in.

        Returns:
            The readings; a refusal, a malformed answer or a failed request is a note, not a reading.

        Raises:
            ReaderUnavailable: the server cannot be reached at all, or refuses the key.
        """
        answers: list[Answer | None] = [None] * len(texts)
        if not texts:
            return ReaderOutput.empty(0)
        answers[0] = self.read_one(claim, texts[0])
        if progress is not None:
            progress(1, len(texts))
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self.read_one, claim, texts[i]): i for i in range(1, len(texts))}
            for done, fut in enumerate(as_completed(futures), start=2):
                try:
                    answers[futures[fut]] = fut.result()
                except ReaderUnavailable as exc:  # the server went away mid-way: a note, the rest go on
                    answers[futures[fut]] = Answer(note=f"not read: {exc}")
                if progress is not None:
                    progress(done, len(texts))
        return _output(answers)


def _output(answers: Sequence[Answer]) -> ReaderOutput:
    """The reader output of parsed answers: read where there is a stance."""
    out = ReaderOutput.empty(len(answers))
    read = [i for i, a in enumerate(answers) if a.stance is not None]
    if read:
        out.probs[read] = probs_from_labels([answers[i].stance for i in read], [answers[i].confidence for i in read])
        out.read[read] = True
    out.notes = [a.note for a in answers]
    out.evidence = [a.evidence for a in answers]
    return out
