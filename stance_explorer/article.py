"""Read a news article (pasted text, .txt, .md or .html bytes) into plain text plus its metadata.

Nothing here raises on bad input: :func:`read_article` returns an :class:`Article` (or ``None``) and
a list of problems, each naming the file. HTML goes through trafilatura, imported only when an HTML
article arrives so the app's first page never pays for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stance_explorer import schema as S
from stance_explorer.dates import DateError, parse_date

# News articles are 5-100 KB of text (a saved page with its markup, a few hundred KB); a text
# larger than this is not one article, and reading it would keep the page busy for seconds.
DEFAULT_MAX_ARTICLE_BYTES = 1024 * 1024
# A saved web page carries scripts and styles around its text: the page may be larger, its text not.
MAX_HTML_PAGE_BYTES = 10 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_MAGIC = {
    b"%PDF": "a PDF document; copy the article's text from it and paste it, or save the page as .html or .txt",
    b"PK\x03\x04": "a ZIP archive (a Word .docx or Excel file?); save the article as .txt or .html",
    b"\xd0\xcf\x11\xe0": "an old Word/Excel file; save the article as .txt or .html",
    b"\x89PNG": "a PNG image, not an article's text",
    b"\xff\xd8\xff": "a JPEG image, not an article's text",
    b"GIF8": "a GIF image, not an article's text",
    b"\x1f\x8b": "a gzip archive; unpack it first",
}
# Some stored pages begin with " date YYYY-MM-DD": the publication date, not article text.
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


@dataclass
class Article:
    """One article's text (paragraphs separated by blank lines) and what is known about it."""

    text: str
    name: str = "article"
    title: str = ""
    date: str = ""  # YYYY-MM-DD, or "" when unknown
    url: str = ""
    kind: str = "text"  # text, markdown or html
    notes: list[str] = field(default_factory=list)


def _problem(name: str, message: str, severity: S.Severity = "error") -> S.Problem:
    return S.Problem(name, None, None, severity, message)


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Args:
        raw: The file's bytes.

    Returns:
        The decoded text; undecodable bytes become U+FFFD in the fallbacks.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def looks_like_html(text: str) -> bool:
    """Whether text looks like an HTML page (its first 2,000 characters hold HTML markup).

    Args:
        text: The decoded text.

    Returns:
        True when it starts as an HTML/XML document or has a common HTML tag near the start.
    """
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(p|div|article|body|head|meta)[\s>]", head)
    )


def normalize_text(text: str) -> str:
    """Paragraphs separated by one blank line; spaces tidied; quotes and words untouched.

    Args:
        text: The article text.

    Returns:
        The tidied text, stripped at both ends.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    text = re.sub(r"[ \t]+", " ", text)
    lines = [ln.strip() for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def markdown_to_text(md: str) -> str:
    """Drop Markdown markup that is not article text (headings' #, emphasis, links' targets, images).

    Args:
        md: The Markdown source.

    Returns:
        The text with that markup removed (paragraph breaks kept).
    """
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"^\s{0,3}#{1,6}\s*", "", md, flags=re.MULTILINE)
    md = re.sub(r"^\s{0,3}>\s?", "", md, flags=re.MULTILINE)
    md = re.sub(r"(\*\*|__)(.+?)\1", r"\2", md)
    md = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", md)
    md = re.sub(r"^\s*([-*_])\s*\1\s*\1[\s\1]*$", "", md, flags=re.MULTILINE)
    return md


def html_to_article(html: str, name: str) -> tuple[Article | None, list[S.Problem]]:
    """Main text and metadata of an HTML page, with trafilatura (no network).

    Args:
        html: The page's HTML.
        name: The file name, used in problems and as the article's name.

    Returns:
        (the article with title, URL and date where the page gives them, or None; the problems).
    """
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - the app pins trafilatura
        return None, [_problem(name, "reading HTML needs the trafilatura package (pip install -r requirements.txt)")]
    try:
        body = trafilatura.extract(
            html,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            favor_recall=True,
            with_metadata=False,
        )
        meta = trafilatura.extract_metadata(html)
    except Exception as exc:  # trafilatura raises on some malformed pages; the user gets one line
        return None, [
            _problem(name, f"the HTML could not be read ({type(exc).__name__}); save the article as text instead")
        ]
    if not body or not body.strip():
        return None, [_problem(name, "no article text was found in this HTML page; paste the article's text instead")]
    art = Article(text=normalize_text(_paragraphs(body)), name=name, kind="html")
    if meta is not None:
        art.title = (meta.title or "").strip()
        art.url = (meta.url or "").strip()
        if meta.date:
            try:
                art.date = parse_date(str(meta.date)[:10]).value.isoformat()
            except DateError:
                art.notes.append(f"the page's date '{meta.date}' was not understood")
    return art, []


def _paragraphs(body: str) -> str:
    # trafilatura writes one paragraph a line; the extractor reads blank-line-separated paragraphs.
    return "\n\n".join(ln for ln in body.split("\n") if ln.strip())


def _limit(name: str, max_bytes: int, head: bytes) -> int:
    """The size limit for a file: a web page may be larger than the article text it holds."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm") or (
        suffix not in (".txt", ".md", ".markdown") and looks_like_html(head.decode("utf-8", "replace"))
    ):
        return max(max_bytes, MAX_HTML_PAGE_BYTES)
    return max_bytes


def read_article(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> tuple[Article | None, list[S.Problem]]:
    """Read an article from a path, uploaded bytes, or pasted text (a ``str`` that is not a path).

    Returns the article (``None`` when it cannot be used) and the problems, each naming the file.

    Args:
        source: A path, the uploaded bytes, or the pasted text.
        name: The name problems use; None for the file name, "pasted text" or "article".
        max_bytes: The size limit for one article's text.

    Returns:
        (the Article or None, the list of problems).
    """
    if isinstance(source, Path):
        name = name or source.name
        try:
            size = source.stat().st_size
            if size > _limit(name, max_bytes, source.open("rb").read(2000) if size else b""):
                return None, [
                    _problem(
                        name,
                        f"the file is {_size_text(size)}, over the {_size_text(max_bytes)} limit for one article; is this really one news article?",
                    )
                ]
            raw = source.read_bytes()
        except OSError as exc:
            return None, [_problem(name, f"cannot open the file: {exc.strerror or exc}")]
    elif isinstance(source, str):
        name = name or "pasted text"
        raw = source.encode("utf-8")
    else:
        name = name or "article"
        raw = bytes(source)
    if len(raw) > _limit(name, max_bytes, raw[:2000]):
        return None, [
            _problem(
                name,
                f"the text is {_size_text(len(raw))}, over the {_size_text(max_bytes)} limit for one article; is this really one news article?",
            )
        ]
    if not raw.strip():
        return None, [_problem(name, "the article is empty")]
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            return None, [_problem(name, f"this is {what}")]
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_problem(name, "this is binary data, not an article's text")]
    text = decode_text(raw)
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t" or ch == "\ufffd")
    if controls > max(8, len(sample) // 100):
        return None, [_problem(name, "this is binary data, not an article's text")]
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm") or (suffix not in (".txt", ".md", ".markdown") and looks_like_html(text)):
        art, problems = html_to_article(text, name)
    else:
        kind = "markdown" if suffix in (".md", ".markdown") else "text"
        body = markdown_to_text(text) if kind == "markdown" else text
        art, problems = Article(text=normalize_text(body), name=name, kind=kind), []
    if art is None:
        return None, problems
    if len(art.text.encode("utf-8")) > max_bytes:
        return None, [
            _problem(
                name,
                f"the page's text is {_size_text(len(art.text.encode('utf-8')))}, over the {_size_text(max_bytes)} limit for one article",
            )
        ]
    m = _DATE_PREFIX.match(art.text)
    if m:
        art.text = art.text[m.end() :].lstrip()
        art.date = art.date or m.group(1)
    if len(re.findall(r"\w+", art.text)) < 5:
        return None, [_problem(name, "the article has almost no text (fewer than 5 words)")]
    return art, problems
