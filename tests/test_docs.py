"""The README is the front door and docs/ holds the rest: no link, image or named file goes stale.

Checks the README's length, every relative link and image in README.md and docs/*.md (the file,
and a #anchor against the target's headings), every file path the docs name in the repository's
folders, and that docs/index.md (and mkdocs.yml, when present) lists every page.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from devtools.server import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
ALL_MD = [README, *PAGES]

README_MAX_LINES = 300
#: The folders whose file paths the docs name; a path under one of them must exist.
CHECKED_FOLDERS = (
    "tests",
    "benchmarks",
    "stance_explorer",
    "webapp",
    "app_pages",
    "devtools",
    "deploy",
    "data",
    "docs",
    "assets",
)


_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)\)")
_FOLDERS = "|".join(CHECKED_FOLDERS)
_PATH = re.compile(rf"(?<![\w/.<*-])((?:{_FOLDERS})/[\w./-]*\.[A-Za-z]\w*)")
_BARE_TEST = re.compile(r"(?<![\w/.-])(test_\w+\.py)\b")


def _prose(text: str) -> str:
    """The text without fenced blocks or code spans (where brackets are option syntax, not links)."""
    return _CODE.sub("", _FENCE.sub("", text))


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub and MkDocs make it (for the headings these docs use)."""
    s = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    s = re.sub(r"[^\w\s-]", "", s).strip().lower()
    return re.sub(r"[-\s]+", "-", s)


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)}


def _links(path: Path) -> list[str]:
    return [t for t in _LINK.findall(_prose(path.read_text(encoding="utf-8"))) if not re.match(r"[a-z]+:", t)]


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines; keep it ≤ {README_MAX_LINES} and move the rest to docs/"


def test_readme_keeps_the_two_commands():
    text = README.read_text(encoding="utf-8")
    for cmd in ("make run", "make test"):
        assert re.search(rf"^{cmd}\b", text, re.M), f"README.md lost the quickstart command {cmd!r}"
        target = cmd.split()[1]
        assert re.search(rf"^{target}:", (REPO_ROOT / "Makefile").read_text(), re.M), f"Makefile has no {target} target"


@pytest.mark.parametrize("md", ALL_MD, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_relative_links_and_images_resolve(md: Path):
    broken = []
    for target in _links(md):
        file, _, anchor = target.partition("#")
        dest = (md.parent / file).resolve() if file else md
        if not dest.exists():
            broken.append(
                f"{target} (no file {dest.relative_to(REPO_ROOT) if dest.is_relative_to(REPO_ROOT) else dest})"
            )
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.name})")
    assert not broken, f"{md.name}: " + "; ".join(broken)


@pytest.mark.parametrize("md", ALL_MD, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_named_paths_exist(md: Path):
    text = md.read_text(encoding="utf-8")
    named = {p.rstrip(".") for p in _PATH.findall(text)}
    missing = sorted(p for p in named if not (REPO_ROOT / p).exists())
    tests = {p.name for p in (REPO_ROOT / "tests").rglob("test_*.py")}
    missing += sorted({f"tests/**/{n}" for n in _BARE_TEST.findall(text) if n not in tests})
    assert not missing, f"{md.name} names files that do not exist: {missing}"


def test_index_lists_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {t.partition("#")[0] for t in _links(DOCS / "index.md")}
    unlisted = [p.name for p in PAGES if p.name != "index.md" and p.name not in linked]
    assert not unlisted, f"docs/index.md does not link {unlisted}"
    assert index.startswith("# ")


def test_mkdocs_nav_lists_every_page():
    cfg = REPO_ROOT / "mkdocs.yml"
    if not cfg.exists():
        pytest.skip("no mkdocs.yml")
    text = cfg.read_text(encoding="utf-8")
    assert re.search(r"^strict:\s*true\s*$", text, re.M), "mkdocs.yml must build with strict: true"
    nav = set(re.findall(r"([\w./-]+\.md)\s*$", text, re.M))
    missing = [p.name for p in PAGES if p.name not in nav]
    assert not missing, f"mkdocs.yml nav lacks {missing}"
