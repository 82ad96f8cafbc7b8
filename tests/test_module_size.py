"""At most three modules over 450 lines, each saying at its top why it is one module.

A module grows past that size when it holds several jobs; split it by job (issue 20) or,
when it is one job, say why in a ``Size (~N lines): ...`` line of its docstring.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "ntm_sched"
LIMIT = 450
MAX_LARGE = 3


def _large() -> dict[str, str]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > LIMIT:
            out[str(path.relative_to(PKG.parent))] = ast.get_docstring(ast.parse(text)) or ""
    return out


def test_few_large_modules_each_with_its_reason() -> None:
    large = _large()
    assert len(large) <= MAX_LARGE, f"more than {MAX_LARGE} modules over {LIMIT} lines: {sorted(large)}"
    assert [m for m, doc in large.items() if "Size (~" not in doc] == []
