"""Atomic output: a failed run never leaves half-written files.

:func:`write_tables` is the one writer of result tables (CSV, an optional XLSX workbook,
``summary.json``): the solve command, the budget studies and the report context use it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    On an exception the temporary folder is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_dir(tmp, target)


def replace_dir(new: Path, target: Path, aside: Path | None = None) -> None:
    """Put folder ``new`` in place of ``target`` (which may exist): the old one is moved aside
    first and removed after the rename, so ``target`` is never half-written."""
    target = Path(target)
    old = None
    if target.exists():
        old = (Path(aside) if aside else target.parent) / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    Path(new).rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write JSON (UTF-8, diacritics kept) atomically."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_into(folder: Path, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any] | None,
                workbook: str | None, workbook_tables: Mapping[str, pd.DataFrame] | None, encoding: str) -> None:
    import pandas as pd

    for name, df in tables.items():
        text = df.to_csv(index=False, date_format="%Y-%m-%d")
        atomic_write_bytes(folder / f"{name}.csv", text.encode(encoding))
    if workbook is not None:
        fd, tmp = tempfile.mkstemp(prefix=f".{workbook}.", suffix=".xlsx", dir=folder)
        os.close(fd)
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, df in (workbook_tables if workbook_tables is not None else tables).items():
                    df.to_excel(xw, sheet_name=name[:31], index=False)
            os.replace(tmp, folder / workbook)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    if summary is not None:
        write_json(folder / "summary.json", summary)


def write_tables(out: str | os.PathLike[str], tables: Mapping[str, pd.DataFrame],
                 summary: Mapping[str, Any] | None = None, *, workbook: str | None = None,
                 workbook_tables: Mapping[str, pd.DataFrame] | None = None, encoding: str = "utf-8",
                 replace_folder: bool = True) -> Path:
    """Write result tables: ``<name>.csv`` per table (dates ISO), optionally one XLSX
    ``workbook`` (one sheet per table of ``workbook_tables``, default ``tables``) and
    ``summary.json``.

    Parameters
    ----------
    out
        The output folder.
    replace_folder
        ``True``: the command owns ``out``; it is built in a temporary folder that replaces
        ``out`` at the end (a failure leaves ``out`` as it was). ``False``: ``out`` is shared
        (e.g. a report folder that also holds figures); each file is written atomically into it.
    encoding
        Of the CSV files (``utf-8-sig`` for tables opened in Excel).

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    target = Path(out)
    if replace_folder:
        with atomic_dir(target) as tmp:
            _write_into(tmp, tables, summary, workbook, workbook_tables, encoding)
    else:
        target.mkdir(parents=True, exist_ok=True)
        _write_into(target, tables, summary, workbook, workbook_tables, encoding)
    return target
