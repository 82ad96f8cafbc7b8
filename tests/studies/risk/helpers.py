"""Helpers of the risk tests: a small plan (two communes of Tân Yên, tight money, extra funding only
from 01/03/2020, so late money delays works) and scenario files naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data" / "tan_yen_2019"
SMALL_COMMUNES = ("07303", "07321")


def make_small_plan(folder: Path, communes: tuple[str, ...] = SMALL_COMMUNES) -> Path:
    """A copy of the Tân Yên plan with only ``communes`` (and no district works), written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in DATA.glob("*.csv"):
        shutil.copy2(p, folder / p.name)
    shutil.copytree(DATA / "risk", folder / "risk")
    rd = {"dtype": str, "keep_default_na": False}
    c = pd.read_csv(folder / "communes.csv", **rd)
    c[c["code"].isin(communes)].to_csv(folder / "communes.csv", index=False)
    t = pd.read_csv(folder / "tasks.csv", **rd)
    t = t[t["commune_code"].isin(communes)]
    keep = set(t["task_id"])
    t["predecessors"] = [";".join(x for x in p.split(";") if x in keep) for p in t["predecessors"]]
    t.to_csv(folder / "tasks.csv", index=False)
    if (folder / "step_progress.csv").exists():  # steps under way of the communes kept only
        sp = pd.read_csv(folder / "step_progress.csv", **rd)
        sp[sp["commune_code"].isin(communes)].to_csv(folder / "step_progress.csv", index=False)
    f = pd.read_csv(folder / "funding.csv", **rd)
    # the communes' own money (commune budgets, residents) plus one district tranche: money is tight,
    # so the plan must use the residents' contributions and their delay matters
    f = f[f["commune_code"].isin(communes) | (f["tranche_id"] == "HUYEN-004")].copy()
    f.loc[f["tranche_id"] == "HUYEN-004", "amount_mvnd"] = "1600"
    f.to_csv(folder / "funding.csv", index=False)
    s = pd.read_csv(folder / "settings.csv", **rd)
    # money beyond the tranches only from 01/03/2020 (a later budget round): short or late money delays works
    s.loc[s["key"] == "extra_funding_from", "value"] = "2020-03-01"
    # no district works in the small plan: the district owes no criterion of its own here
    s.loc[s["key"] == "district_missing_criteria", "value"] = ""
    s.to_csv(folder / "settings.csv", index=False)
    return folder


def write_scenario(folder: Path, plan: Path, name: str = "small", extra: str = "") -> Path:
    """A base.yaml naming ``plan`` and a scenario file with ``extra`` YAML (overrides)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(f"plan: {plan}\nsolver: {{time_limit: 20, seed: 0, workers: 1}}\n",
                                      encoding="utf-8")
    (folder / f"{name}.yaml").write_text(extra or "description: {en: small}\n", encoding="utf-8")
    return folder / f"{name}.yaml"
