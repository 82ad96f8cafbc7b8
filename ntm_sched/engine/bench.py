"""PSPLIB benchmark runner (the command line is :mod:`ntm_sched.cli.bench`: ``ntm-sched bench psplib``)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ntm_sched.engine.checker import check
from ntm_sched.engine.options import resolve_options
from ntm_sched.engine.psplib import read_psplib
from ntm_sched.engine.result import Status
from ntm_sched.engine.solve import solve


def read_reference(path: str | Path) -> dict[str, int]:
    """``instance -> makespan`` from a reference CSV; a missing file, a missing column or a makespan
    that is not a whole number raises ``ValueError`` naming file, row and column."""
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ValueError(f"{p}: reference file not found") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ValueError(f"{p}: cannot read the reference CSV: {exc}") from None
    missing = [c for c in ("instance", "makespan") if c not in df.columns]
    if missing:
        raise ValueError(f"{p}: row 1 (header): missing column(s) {', '.join(missing)} (expected columns "
                         f"instance,makespan; found {', '.join(map(str, df.columns)) or 'none'})")
    out: dict[str, int] = {}
    for i, (inst, mk) in enumerate(zip(df["instance"], df["makespan"], strict=True), start=2):
        try:
            out[str(inst).strip()] = int(str(mk).strip())
        except ValueError:
            raise ValueError(f"{p}: row {i}, column makespan: expected a whole number, got {mk!r}") from None
    return out


def _instance_key(p: Path) -> list[int | str]:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.stem)]


def run_psplib_bench(
    dir: str | Path,
    reference_csv: str | Path | None = None,
    time_limit: float | None = None,
    workers: int | None = None,
    out_csv: str | Path | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Solve every ``.sm``/``.mm`` file of ``dir`` and check every schedule.

    Parameters
    ----------
    dir
        Folder of PSPLIB instances.
    reference_csv
        Optional ``instance,makespan`` CSV of reference (optimal) makespans.
    time_limit, workers
        Per-instance solver settings (the default seed; ``None``: the defaults of
        :class:`~ntm_sched.engine.options.SolveOptions`).
    out_csv
        Where to write the table (optional); an existing file is never replaced
        (``FileExistsError``). ``ntm-sched bench --out`` replaces its own earlier table.
    progress
        Show a tqdm progress bar (else one plain line per instance).

    Returns
    -------
    pandas.DataFrame
        Columns ``instance, makespan, lower_bound, status, runtime_s, checked``
        and, with a reference, ``reference, at_reference``.

    Raises
    ------
    RuntimeError
        If the checker rejects a schedule.
    """
    # the answer measured is the makespan (one number), not which optimal schedule is shown: the
    # canonical pass would add a second search per instance to the figures of the first
    opts = resolve_options(time_limit=time_limit, workers=workers, explain=False, canonical=False)
    if out_csv is not None and Path(out_csv).exists():
        raise FileExistsError(f"{out_csv}: exists; refusing to replace it (the command line replaces only its "
                              f"own earlier table)")
    d = Path(dir)
    files = sorted([*d.glob("*.sm"), *d.glob("*.mm")], key=_instance_key)
    if not files:
        raise FileNotFoundError(f"no .sm or .mm file in {d}")
    ref = {}
    if reference_csv is not None:
        ref = read_reference(reference_csv)
    rows = []
    it = files
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(files, unit="inst")
        it = bar
    for f in it:
        p = read_psplib(f)
        r = solve(p, opts)
        mk = r.solution.makespan if r.solution is not None else None
        if r.solution is not None:
            rep = r.check if r.check is not None else check(p, r.solution)
            if not rep.ok:
                raise RuntimeError(f"{f}: checker rejected the engine schedule:\n{rep}")
        row = dict(instance=f.stem, makespan=mk,
                   lower_bound=int(r.best_bound) if r.best_bound is not None else None,
                   status=r.status.value, runtime_s=round(r.runtime_s, 3), checked=r.solution is not None)
        if ref:
            row["reference"] = ref.get(f.stem)
            row["at_reference"] = mk is not None and mk == ref.get(f.stem)
        rows.append(row)
        if bar is not None:
            bar.set_postfix_str(f"{f.stem} {r.status.value} {mk}")
        else:
            print(f"{f.stem:12s} {r.status.value:9s} makespan={mk} bound={row['lower_bound']} "
                  f"{r.runtime_s:.2f}s", flush=True)
    df = pd.DataFrame(rows)
    if out_csv is not None:
        Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
        with open(out_csv, "x", encoding="utf-8") as fh:  # never replaces a file
            fh.write(df.to_csv(index=False))
    return df


def summary(df: pd.DataFrame) -> dict:
    """Headline figures of a benchmark table.

    Returns
    -------
    dict
        ``instances``, ``optimal`` (proven), ``at_reference``, ``mean_gap_to_reference``
        (relative, over instances with a reference and a schedule), ``total_time_s``,
        ``unproven`` (names) and ``text`` (one line).
    """
    out = {
        "instances": len(df),
        "optimal": int((df.status == Status.OPTIMAL.value).sum()),
        "total_time_s": float(df.runtime_s.sum()),
        "unproven": df.loc[df.status != Status.OPTIMAL.value, "instance"].tolist(),
    }
    if "reference" in df:
        ok = df.dropna(subset=["reference", "makespan"])
        out["at_reference"] = int(df.at_reference.sum())
        out["with_reference"] = int(df.reference.notna().sum())
        out["mean_gap_to_reference"] = (
            float(((ok.makespan - ok.reference) / ok.reference).mean()) if len(ok) else float("nan")
        )
    text = f"{out['optimal']}/{out['instances']} proven optimal"
    if "at_reference" in out:
        text += f", {out['at_reference']}/{out['with_reference']} at reference, mean gap to reference " \
                f"{out['mean_gap_to_reference']:.2%}"
    text += f", total {out['total_time_s']:.1f} s"
    if out["unproven"]:
        text += f", unproven: {', '.join(out['unproven'])}"
    out["text"] = text
    return out
