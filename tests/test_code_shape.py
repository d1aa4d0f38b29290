"""The library stays readable: no function in stance_explorer/ runs over 80 lines (issue 22)."""

from __future__ import annotations

import ast

from facts import REPO_ROOT

MAX_LINES = 80


def test_no_library_function_is_over_80_lines():
    long = []
    for path in sorted((REPO_ROOT / "stance_explorer").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_LINES:
                    long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "split these into named helpers: " + "; ".join(long)
