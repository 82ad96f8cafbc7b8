"""Fixtures of the plan tests; the plan itself is built in plan_fixture.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plan.plan_fixture import plan_tables, write_tables


@pytest.fixture
def tables() -> dict[str, list[dict[str, str]]]:
    return plan_tables()


@pytest.fixture
def plan_dir(tmp_path: Path, tables) -> Path:
    return write_tables(tmp_path / "plan", tables)
