"""The report's assumption tables: every assumption of the plan with where it comes from, and
what a scenario changes (its overrides), with names in the report's language."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_sched.i18n import (
    VI,
    agency_names,
    commune_names,
    current_lang,
    label,
    name_field,
    source_names,
)
from ntm_sched.units import format_money

from .tables import date_text

# ---------------------------------------------------------------------------
# assumptions and overrides
# ---------------------------------------------------------------------------
_ID_COLUMNS = {"agencies": "agency_id", "calendar": "name_en", "criteria": "code", "funding": "tranche_id",
               "recognition_steps": "step", "settings": "key", "sources": "source_id", "work_types": "work_type",
               "capacity_changes": "agency_id", "communes": "code", "tasks": "task_id", "step_progress": "step"}

LABELS_KEYS = frozenset(VI)


def source_kind(text: str) -> str:
    """Kind of a ``source`` cell: 'scenario', 'assumption', 'estimate', 'V' or 'plan'."""
    t = str(text)
    low = t.lower()
    if "scenario" in low:
        return "scenario"
    if "assumption" in low:
        return "assumption"
    if "estimate" in low:
        return "estimate"
    if "(v)" in low or "(v," in low:
        return "V"
    return "plan"


def _row_name(name: str, r: Any, plan: Any, names: dict[str, dict[Any, str]]) -> str:
    """The name of one row of a plan table (never its code when a name exists)."""
    lang = current_lang()
    nm = name_field(lang)
    if name == "agencies" or name == "capacity_changes":
        txt = names["agency"].get(str(r["agency_id"]), str(r["agency_id"]))
        if name == "capacity_changes":
            txt += f" ({date_text(r['start_date'])}–{date_text(r['end_date'])})"
        return txt
    if name == "sources":
        return names["source"].get(str(r["source_id"]), str(r["source_id"]))
    if name == "funding":
        txt = f"{names['source'].get(str(r['source_id']), str(r['source_id']))}, {date_text(r['date_available'])}"
        cc = r.get("commune_code")
        if isinstance(cc, str) and cc:
            txt += f", {names['commune'].get(cc, cc)}"
        return txt
    if name == "criteria":
        return f"{label('criteria_set_' + str(r['set']), lang)} {r['code']}. {r[nm]}"
    if name == "communes":
        return str(r["name"])
    if name == "calendar":
        return str(r[nm])
    if name == "settings":
        return str(r.get("description") or r["key"])
    if name == "step_progress":
        steps = {(s.chain, s.step): getattr(s, nm) for s in plan.recognition_steps}
        step = steps.get(("commune", str(r["step"])), str(r["step"]))
        return f"{names['commune'].get(str(r['commune_code']), str(r['commune_code']))}: {step}"
    if name == "tasks":
        desc = r.get(name_field(lang, "description"))
        return f"{names['commune'].get(str(r['commune_code']), str(r['commune_code']))}: {desc}"
    if nm in r and isinstance(r[nm], str) and r[nm]:
        return str(r[nm])
    return str(r.get(_ID_COLUMNS.get(name, ""), ""))


def assumptions(plan: Any) -> pd.DataFrame:
    """Every row of every plan table that has a ``source`` column: what it is (by name) and where it comes from."""
    lang = current_lang()
    cols = [label("table", lang), label("assumption", lang), label("kind", lang), label("origin", lang)]
    names = {"agency": agency_names(plan, lang), "source": source_names(plan, lang),
             "commune": commune_names(plan, lang)}
    rows = []
    for name in _ID_COLUMNS:
        try:
            t = plan.table(name)
        except (KeyError, ValueError):
            continue
        src_col = "source" if "source" in t.columns else ("estimate_note" if "estimate_note" in t.columns else None)
        if src_col is None or not len(t):
            continue
        for _, r in t.iterrows():
            s = r[src_col]
            if s is None or (isinstance(s, float) and pd.isna(s)) or str(s).strip() == "":
                continue
            rows.append({cols[0]: label(f"t_{name}", lang), cols[1]: _row_name(name, r, plan, names),
                         cols[2]: label(f"k_{source_kind(str(s))}", lang), cols[3]: str(s)})
    return pd.DataFrame(rows, columns=cols)


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(d, dict):
        out = []
        for k, v in d.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, d)]


def _value_text(v: Any) -> str:
    lang = current_lang()
    if isinstance(v, bool):
        return label("true" if v else "false", lang)
    if isinstance(v, float):
        return f"{v:g}".replace(".", label("num_decimal", lang))
    return str(v)


def overrides(scenario: Any, plan: Any = None) -> pd.DataFrame:
    """The scenario's own overrides in words (sources, agencies and communes by name), without
    its description."""
    lang = current_lang()
    cols = [label("key", lang), label("value", lang)]
    own = {k: v for k, v in (scenario.overrides or {}).items() if k != "description"}
    names: dict[str, str] = {}
    if plan is not None:
        names = {**source_names(plan, lang), **agency_names(plan, lang), **commune_names(plan, lang)}
    rows = []
    for key, v in _flatten(own):
        parts = key.split(".")
        head = ".".join(parts[:2])
        if parts[0] == "funding" and parts[1] == "add" or head == "funding.add":
            txt = label("o_funding.add", lang)
            if isinstance(v, list):
                v = "; ".join(f"{names.get(str(t.get('source_id')), t.get('source_id'))} "
                              f"{date_text(t.get('date_available'))} "
                              f"{format_money(float(t.get('amount_mvnd', 0)), lang)}"
                              for t in v if isinstance(t, dict))
        elif len(parts) == 3 and f"o_{head}" in LABELS_KEYS:
            txt = label(f"o_{head}", lang, name=names.get(parts[2], parts[2]))
        elif head == "deadlines.shift_days" and len(parts) == 3:
            txt = label("o_deadlines.shift_days.one", lang, name=names.get(parts[2], parts[2]))
        elif f"o_{key}" in LABELS_KEYS:
            txt = label(f"o_{key}", lang)
        elif f"o_{parts[0]}" in LABELS_KEYS:
            txt = label(f"o_{parts[0]}", lang, name=".".join(parts[1:]))
        else:
            txt = key
        rows.append((txt, _value_text(v)))
    return pd.DataFrame(rows, columns=cols)
