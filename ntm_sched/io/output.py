"""Atomic output that never destroys a user's file.

:func:`write_tables` is the one writer of result tables (CSV, an optional XLSX workbook,
``summary.json``): the solve command, the budget studies and the report context use it.

Every folder a command publishes goes through :func:`atomic_dir` / :func:`replace_dir`:
it is written into a temporary folder beside its target and renamed into place at the
end, so a failed run never leaves half-written files. A target is replaced only when it
is missing, empty, or a previous output of ntm-sched (it holds the marker file
:data:`MARKER`, written into every published folder); anything else is refused with an
:class:`OutputTargetError` before anything is touched. Files (e.g. a benchmark CSV) go
through :func:`publish_file`, which replaces only a file it recognises as its own.

Names given by users (scenario names, run names) are checked by :func:`check_name`, and
every folder written under a root by :func:`child_of`, so that nothing is written
outside ``outputs/`` (or an explicit output folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ntm_sched.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

MARKER = ".ntm-sched-output"
"""File written into every folder ntm-sched publishes: the folder may be replaced by a later run."""


class OutputTargetError(InputError):
    """An output target that must not be replaced (a user's folder or file), or a path that
    would leave the output folder. Raised before anything is written."""


def is_our_output(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a folder ntm-sched published: it holds :data:`MARKER`, or it is a
    report, failed-report or batch folder written before the marker existed (:func:`_is_legacy_output`)."""
    p = Path(path)
    if not p.is_dir() or p.is_symlink():
        return False
    return (p / MARKER).is_file() or _is_legacy_output(p)


def _is_legacy_output(p: Path) -> bool:
    """Folders of earlier versions (no marker) recognised by files only ntm-sched writes there,
    so that ``make report`` and nightly batches keep working after an upgrade:

    * a report: ``run.json`` with ``scenario``, ``run`` and ``parameters``, and ``summary.json``;
    * a failed report: ``<name>.failed`` holding only ``error.txt`` (and ``report.ipynb``);
    * a batch run folder: ``batch.log``, ``index.html`` and ``summary.csv`` with the batch's header.
    """
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
        run = json.loads((p / "run.json").read_text(encoding="utf-8"))
        if isinstance(run, dict) and {"scenario", "run", "parameters"} <= set(run) and (p / "summary.json").is_file():
            return True
    with contextlib.suppress(OSError):
        names = {c.name for c in p.iterdir()}
        if p.name.endswith(".failed") and "error.txt" in names and names <= {"error.txt", "report.ipynb"}:
            return True
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
        head = (p / "summary.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        if head.startswith("scenario,ok,status,") and (p / "batch.log").is_file() and (p / "index.html").is_file():
            return True
    return False


def check_output_target(target: str | os.PathLike[str]) -> Path:
    """Raise :class:`OutputTargetError` unless ``target`` may be replaced by a new output folder:
    it does not exist, or it is an empty folder, or a previous output of ntm-sched.

    Returns ``target`` as a :class:`~pathlib.Path`. Touches nothing.
    """
    p = Path(target)
    if p.is_symlink():
        raise OutputTargetError(f"{p}: is a symbolic link; ntm-sched does not write through links: "
                                f"choose another output folder")
    if not p.exists():
        return p
    if not p.is_dir():
        raise OutputTargetError(f"{p}: is a file, not a folder; refusing to replace it (an output folder "
                                f"is written here): choose a new or empty folder")
    if is_our_output(p):
        return p
    try:
        empty = not any(p.iterdir())
    except OSError as exc:
        raise OutputTargetError(f"{p}: cannot read the folder: {exc}") from None
    if not empty:
        raise OutputTargetError(f"{p}: the folder exists, is not empty and is not an ntm-sched output "
                                f"(no {MARKER} file in it); refusing to replace it: choose a new or empty "
                                f"folder, or move its contents away yourself")
    return p


def mark_output(folder: str | os.PathLike[str], kind: str = "output") -> None:
    """Write :data:`MARKER` into ``folder`` (what wrote it), so a later run may replace it."""
    (Path(folder) / MARKER).write_text(json.dumps({"written_by": "ntm-sched", "kind": kind}) + "\n",
                                       encoding="utf-8")


def remove_output(path: str | os.PathLike[str]) -> bool:
    """Remove ``path`` only if it is an ntm-sched output folder; return whether it was removed."""
    if is_our_output(path):
        shutil.rmtree(path, ignore_errors=True)
        return True
    return False


def check_name(name: str, what: str = "name") -> str:
    """``name`` if it is one plain path component (no separator, not ``.``/``..``, not hidden,
    no control character); else :class:`OutputTargetError` naming ``what``."""
    s = str(name)
    bad = (not s or s in (".", "..") or s.startswith(".") or "/" in s or "\\" in s or os.sep in s
           or (os.altsep is not None and os.altsep in s) or any(ord(c) < 32 for c in s) or s != s.strip())
    if bad:
        raise OutputTargetError(f"{what} {s!r}: expected a plain name (one path component: no '/' or '\\', "
                                f"not '.' or '..', not starting with '.', no surrounding spaces)")
    return s


def child_of(root: str | os.PathLike[str], *names: str, what: str = "name") -> Path:
    """``root / names...`` after checking each name (:func:`check_name`) and that the result,
    links resolved, stays inside ``root``; else :class:`OutputTargetError`."""
    base = Path(root).resolve()
    p = base
    for n in names:
        p = p / check_name(n, what)
    if not p.resolve().is_relative_to(base):
        raise OutputTargetError(f"{p}: resolves to {p.resolve()}, outside the output folder {base}; refusing "
                                f"to write there")
    return p


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def tmp_prefix(name: str) -> str:
    """Prefix of a temporary folder made by this process for ``name``: its pid lets a later
    run tell a live temporary folder from one left by a killed run (:func:`clean_stale`)."""
    return f"{name}.tmp-{os.getpid()}-"


def clean_stale(folder: str | os.PathLike[str], name: str | None = None) -> list[Path]:
    """Remove temporary folders in ``folder`` left by runs that were killed (SIGKILL, power
    loss): folders named by :func:`tmp_prefix` (``[.]<name>.tmp-<pid>-xxxxxxxx``) or set aside by
    :func:`replace_dir` (``.<name>.old-<pid>``) whose process is gone. With ``name``, only
    those of that target name. Returns what was removed; nothing else is ever touched."""
    d = Path(folder)
    removed: list[Path] = []
    if not d.is_dir():
        return removed
    stem = re.escape(name) if name is not None else r"[^/]+"
    pat = re.compile(rf"^(?:\.?{stem}\.tmp-(?P<pid>\d+)-[a-z0-9_]{{8}}|\.{stem}\.old-(?P<old>\d+))$")
    for p in d.iterdir():
        m = pat.match(p.name)
        if m is None or p.is_symlink() or not p.is_dir():
            continue
        if not _pid_alive(int(m.group("pid") or m.group("old"))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], kind: str = "output") -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    ``target`` is checked first (:func:`check_output_target`): a user's folder or file is
    refused before anything is written. On an exception (or a signal) the temporary folder
    is removed and ``target`` is left as it was. Temporary folders of killed runs beside
    ``target`` are removed.
    """
    target = check_output_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix="." + tmp_prefix(target.name), dir=target.parent))
    try:
        yield tmp
        mark_output(tmp, kind)
        replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_dir(new: Path, target: Path, aside: Path | None = None, kind: str = "output") -> None:
    """Put folder ``new`` in place of ``target``: the old one (an ntm-sched output, see
    :func:`check_output_target`, else :class:`OutputTargetError` and nothing is touched) is
    moved aside first and removed after the rename, so ``target`` is never half-written.
    ``new`` gets the :data:`MARKER` if it has none."""
    target = check_output_target(target)
    if not (Path(new) / MARKER).exists():
        mark_output(new, kind)
    old = None
    if target.exists():
        old = (Path(aside) if aside else target.parent) / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    Path(new).rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_output_file(path: str | os.PathLike[str], ours: Callable[[Path], bool]) -> Path:
    """Raise :class:`OutputTargetError` unless file ``path`` is missing or ``ours(path)``
    recognises it as an earlier output of the same command. Touches nothing."""
    p = Path(path)
    if p.is_symlink() or p.is_dir():
        raise OutputTargetError(f"{p}: is a {'link' if p.is_symlink() else 'folder'}, not a file written by "
                                f"ntm-sched; refusing to replace it: choose a new file name")
    if p.exists() and not ours(p):
        raise OutputTargetError(f"{p}: the file exists and is not an earlier output of this command; refusing "
                                f"to replace it: choose a new file name, or move it away yourself")
    return p


def publish_file(path: str | os.PathLike[str], text: str, ours: Callable[[Path], bool]) -> Path:
    """Write ``text`` to file ``path`` atomically, after :func:`check_output_file`."""
    p = check_output_file(path, ours)
    atomic_write_text(p, text)
    return p


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` via a temporary file and an atomic rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


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
                 replace_folder: bool = True, kind: str = "output") -> Path:
    """Write result tables: ``<name>.csv`` per table (dates ISO), optionally one XLSX
    ``workbook`` (one sheet per table of ``workbook_tables``, default ``tables``) and
    ``summary.json``.

    Parameters
    ----------
    out
        The output folder.
    replace_folder
        ``True``: the command owns ``out``; it is built in a temporary folder that replaces
        ``out`` at the end (a failure leaves ``out`` as it was); ``out`` must be missing, empty
        or an earlier ntm-sched output (:func:`check_output_target`), marked as ``kind``. ``False``: ``out`` is shared
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
        with atomic_dir(target, kind=kind) as tmp:
            _write_into(tmp, tables, summary, workbook, workbook_tables, encoding)
    else:
        target.mkdir(parents=True, exist_ok=True)
        _write_into(target, tables, summary, workbook, workbook_tables, encoding)
    return target
