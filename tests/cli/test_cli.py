"""The ntm-sched command: verbs, outputs and exit codes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ntm_sched.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_every_verb_is_mounted() -> None:
    parser = build_parser()
    for argv in (["validate", "x"], ["solve"], ["report", "base"], ["batch"], ["budget", "cuts"],
                 ["bench", "psplib", "d"]):
        args = parser.parse_args(argv)
        assert callable(args.func), argv
