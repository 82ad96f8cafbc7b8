"""Where the project's own files are.

:func:`project_root` (:func:`data_dir`, :func:`notebooks_dir`) finds the plan data, the
scenarios and the notebooks: in a source checkout (and an editable install) they sit next to
the package (``data/``, ``notebooks/``); a plain ``pip install .`` or a wheel puts a copy under
``<prefix>/share/ntm-sched/`` (``[tool.setuptools.data-files]`` in ``pyproject.toml``), so
``ntm-sched report base`` works from any folder without the checkout.
"""

from __future__ import annotations

import site
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------
# where the project's own files are (a checkout, or installed under share/ntm-sched)
# ---------------------------------------------------------------------------

SHARE_NAME = "ntm-sched"


def _complete(root: Path) -> bool:
    return (root / "data" / "plans.csv").is_file() and (root / "notebooks").is_dir()


def project_root() -> Path:
    """The folder holding ``data/`` and ``notebooks/``.

    The checkout next to the package first, then ``share/ntm-sched`` of the running
    interpreter's prefix (a venv or the system), of the user base (``pip install --user``)
    and of the base prefix.

    Returns
    -------
    pathlib.Path
        The first of those folders that has ``data/plans.csv`` (the shipped plans, each with its
        ``scenarios/``) and ``notebooks/``.

    Raises
    ------
    FileNotFoundError
        Neither exists: the package was installed without its data files.
    """
    candidates = [Path(__file__).resolve().parents[2]]  # ntm_sched/io/paths.py -> the checkout
    for prefix in (sys.prefix, getattr(site, "USER_BASE", None) or "", sys.base_prefix):
        if prefix:
            candidates.append(Path(prefix) / "share" / SHARE_NAME)
    for c in candidates:
        if _complete(c):
            return c
    raise FileNotFoundError("ntm-sched: the plan data and notebooks were not found in "
                            + ", ".join(str(c) for c in candidates)
                            + " (reinstall the package: pip install ntm-sched)")


def data_dir() -> Path:
    """``data/`` (plans, scenarios, budget examples)."""
    return project_root() / "data"


def notebooks_dir() -> Path:
    """``notebooks/`` (the report, the explorer, the budget lab, the app pages)."""
    return project_root() / "notebooks"
