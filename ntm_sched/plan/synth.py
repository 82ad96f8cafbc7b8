"""A synthetic province (``ntm-sched plan synth``): districts and communes drawn from the shipped plan.

Nothing in ntm-sched had run more than one district; a province (Bắc Giang had 209 commune-level units
in 10 district-level units) is what the provincial appraisal council and provincial money bind. This
module writes a **SYNTHETIC** province plan in the ordinary plan format (a folder of CSV files,
validated like any plan), drawn from the shipped Tân Yên plan (``data/tan_yen_2019``):

* every synthetic commune copies one of the shipped plan's not-yet-recognised communes (drawn at
  random): its missing criteria and its remaining works (work types, quantities scaled by a factor
  drawn in ``[0.6, 1.4]``, rounded to whole units where the shipped quantity is whole, the share
  still to do and the predecessors between them); its target dates are the template's moved by a
  whole number of months drawn in ``[0, MAX_SHIFT_MONTHS]`` (a month-end stays a month-end), and so
  are its works' due dates;
* costs and durations are the shipped work types' (copied); the funding mix is the shipped plan's:
  the commune budget and residents' contributions of each commune are its template's tranches scaled
  by the ratio of the two communes' costs and moved with its dates; the district budget (``HUYEN``)
  becomes one earmark per district, the programme capital (``NTM_TW_TINH``) is split into district
  earmarks (by cost, :data:`EARMARKED_SHARE` of it) and a pool every district shares, and the
  integrated programmes (``LONG_GHEP``) stay one shared pool; each source's total is the shipped
  plan's total of it per million VND of works, times the province's works;
* each district has its own offices (``KT_HT_981``...: the shipped district's offices and weekly
  capacities) that lead its communes' works; the chain steps' district agencies (the Fatherland Front's
  survey, the district inspection) are pooled across districts (the shipped capacity times the
  number of districts: the plan format gives a step one agency); the provincial agencies (steering
  committee, chairman's office) are the shipped plan's;
* the provincial appraisal council sits every :data:`SESSION_CADENCE_DAYS` days (never on a break
  day of the office calendar nor when the shipped plan closes the provincial committee for Tết),
  takes at most :data:`SESSION_CAPACITY` dossiers (a session seen covering 11 communes: Bắc Giang,
  an assumption copied from the project's facts file) and wants each dossier
  :data:`SESSION_CUTOFF_DAYS` days before it (assumption); the appraisal step's weekly effort is 0
  (the council's load is its sessions).

Every file written says SYNTHETIC (the ``source`` column, a commune's ``note``, a task's
``plan_ref``, and the ``SYNTHETIC.txt`` note that also lists the files); codes cannot be mistaken for
real units (province 99; districts 980-999; communes from 90001: the statistics office's district
codes end below 980 and its commune codes below 33000). The same arguments give byte-identical files.
"""

from __future__ import annotations

import calendar as _calendar
import csv
import datetime as dt
import io
import math
import os
import random
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ntm_sched.errors import InputError

from .cells import nfc
from .io import load_plan
from .model import Plan
from .records import (
    Agency,
    Commune,
    CouncilSession,
    District,
    PlanTask,
    Source,
    Tranche,
    Unit,
)
from .schema import TABLE_BY_NAME

MARK = "SYNTHETIC"
"""The word every file written carries."""
NOTE_FILE = "SYNTHETIC.txt"
"""The note written beside the tables: what made them, and the list of files (the folder's marker)."""
PROVINCE_CODE = "99"
DISTRICT_CODES = tuple(str(c) for c in range(980, 1000))
"""District codes a synthetic province may use (at most 20 districts)."""
FIRST_COMMUNE = 90001
MAX_SHIFT_MONTHS = 9
SESSION_CADENCE_DAYS = 14
SESSION_CAPACITY = 11
SESSION_CUTOFF_DAYS = 7
EARMARKED_SHARE = 0.6
HORIZON_END = dt.date(2022, 6, 30)
OFFICE_KINDS = ("office",)
POOLED = ("MTTQ", "BCD_HUYEN")
"""District agencies of the chain steps, pooled across districts."""

_FIRST = ("An", "Bình", "Cao", "Đông", "Hòa", "Hợp", "Lam", "Liên", "Ngọc", "Phúc", "Quang", "Song", "Tân", "Thanh",
          "Việt", "Xuân", "Đại", "Hưng", "Minh", "Nghĩa", "Phong", "Quế", "Sơn", "Tiến", "Trung", "Vân", "Yên",
          "Đồng", "Lạc", "Mỹ")
_SECOND = ("Sơn", "Hà", "Trung", "Lợi", "Thịnh", "Mỹ", "Phú", "Lạc", "Vân", "Xá", "Hải", "Dương", "Long", "Tiến",
           "Hưng", "Thành", "Lâm", "Phong", "Hòa", "Quang", "Định", "Khê", "Lĩnh", "Nam", "Bắc", "Đông", "Tây",
           "Châu", "Giang", "Hiệp")


class SynthError(InputError):
    """The arguments cannot make a province, or the output folder is not one this command may write."""


@dataclass(frozen=True)
class SynthSpec:
    """What to draw: ``communes`` communes in ``districts`` districts, with ``seed``."""

    communes: int
    districts: int
    seed: int

    def __post_init__(self) -> None:
        if self.districts < 1 or self.districts > len(DISTRICT_CODES):
            raise SynthError(f"--districts must be 1 to {len(DISTRICT_CODES)} (codes 980-999), got {self.districts}")
        if self.communes < self.districts:
            raise SynthError(f"--communes ({self.communes}) must be at least --districts ({self.districts})")
        if self.communes > len(_FIRST) * len(_SECOND):
            raise SynthError(f"--communes must be at most {len(_FIRST) * len(_SECOND)}")


def shift_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by ``months`` whole months; a month's last day stays the last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = _calendar.monthrange(year, month)[1]
    was_last = d.day == _calendar.monthrange(d.year, d.month)[1]
    return dt.date(year, month, last if was_last else min(d.day, last))


def _names(rnd: random.Random, n: int, taken: set[str]) -> list[str]:
    pairs = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
    rnd.shuffle(pairs)
    out = [nfc(p) for p in pairs if nfc(p) not in taken][:n]
    taken.update(out)
    return out


def _cost(plan: Plan, t: PlanTask) -> float:
    return float(t.quantity) * float(plan.work_type(t.work_type).unit_cost_mvnd) * t.share


def _src(text: str) -> str:
    return f"{MARK}: {text}"


def synth_plan(spec: SynthSpec, shipped: Plan) -> Plan:
    """The synthetic province of ``spec`` drawn from ``shipped`` (module docstring); validated on creation.

    Parameters
    ----------
    spec
        Communes, districts, seed.
    shipped
        The plan the distributions come from (the shipped Tân Yên plan).

    Returns
    -------
    Plan
        A province plan (``unit.level == 'province'``).
    """
    rnd = random.Random(spec.seed)
    tag = f"seed {spec.seed}, drawn from the shipped plan {shipped.unit.name if shipped.unit else ''}"
    templates = [c for c in shipped.not_recognised()]
    start = shipped.setting_date("plan_start")

    # districts and their communes (round robin: sizes differ by at most one)
    # never a name of the shipped plan's own communes: a synthetic file names no real place
    taken: set[str] = {nfc(c.name) for c in shipped.communes}
    d_names = _names(rnd, spec.districts, taken)
    districts = [District(code=DISTRICT_CODES[k], name=d_names[k], source=_src(f"invented district ({tag})"))
                 for k in range(spec.districts)]
    c_names = _names(rnd, spec.communes, taken)
    communes: list[Commune] = []
    tasks: list[PlanTask] = []
    funding: list[Tranche] = []
    cost_of: dict[str, float] = {}
    offices = sorted(a.agency_id for a in shipped.agencies if a.kind in OFFICE_KINDS)
    n_tr = 0

    def shift(d: dt.date | None, months: int) -> dt.date | None:
        return None if d is None else max(start, shift_months(d, months))

    for i in range(spec.communes):
        code = str(FIRST_COMMUNE + i)
        dist = districts[i % spec.districts]
        tpl = templates[rnd.randrange(len(templates))]
        months = rnd.randint(0, MAX_SHIFT_MONTHS)
        communes.append(replace(
            tpl, code=code, name=c_names[i], alias=None, plan_ref=None, district_code=dist.code,
            target_works_done=shift(tpl.target_works_done, months),
            target_inspection=shift(tpl.target_inspection, months),
            target_submission=shift(tpl.target_submission, months),
            target_appraisal=shift(tpl.target_appraisal, months),
            target_recognition=shift(tpl.target_recognition, months),
            note=_src(f"commune drawn from {tpl.name} ({tpl.code}), its dates moved {months} month(s) ({tag})")))
        own = shipped.tasks_of(tpl.code)
        rename = {t.task_id: f"{code}{t.task_id[len(tpl.code):]}" if t.task_id.startswith(tpl.code)
                  else f"{code}-{t.task_id}" for t in own}
        ccost = 0.0
        for t in own:
            f = rnd.uniform(0.6, 1.4)
            q = float(t.quantity)
            q2 = max(1, round(q * f)) if q.is_integer() and q > 0 else round(q * f, 2)
            wt = shipped.work_type(t.work_type)
            lead = t.lead_agency or wt.lead_agency
            nt = replace(t, task_id=rename[t.task_id], commune_code=code, quantity=q2,
                         predecessors=tuple(rename[p] for p in t.predecessors if p in rename),
                         lead_agency=f"{lead}_{dist.code}" if lead in offices else t.lead_agency,
                         release_date=shift(t.release_date, months), due_date=shift(t.due_date, months),
                         plan_ref=_src(f"{tpl.code} {t.plan_ref}"))
            tasks.append(nt)
            ccost += _cost(shipped, nt)
        cost_of[code] = ccost
        tcost = sum(_cost(shipped, t) for t in own) or 1.0
        for tr in shipped.funding:
            if tr.commune_code != tpl.code:
                continue
            n_tr += 1
            amount = math.floor(float(tr.amount_mvnd) * ccost / tcost)
            funding.append(replace(tr, tranche_id=f"{tr.source_id}-{code}-{n_tr}", commune_code=code,
                                   amount_mvnd=amount, date_available=shift(tr.date_available, months) or start,
                                   source=_src(f"{tpl.name}'s tranche {tr.tranche_id} x its cost ratio")))

    # pooled money: each shared source's total per million VND of the shipped plan's works
    shipped_cost = sum(_cost(shipped, t) for t in shipped.tasks) or 1.0
    province_cost = sum(cost_of.values())
    dist_cost: dict[str | None, float] = defaultdict(float)
    for c in communes:
        dist_cost[c.district_code] += cost_of[c.code]
    pooled = [tr for tr in shipped.funding if not tr.commune_code]
    for tr in pooled:
        total = float(tr.amount_mvnd) * province_cost / shipped_cost
        earmarked = 1.0 if tr.source_id == "HUYEN" else (EARMARKED_SHARE if tr.source_id == "NTM_TW_TINH" else 0.0)
        if earmarked < 1.0:
            funding.append(replace(tr, tranche_id=f"{tr.tranche_id}-P",
                                   amount_mvnd=math.floor(total * (1 - earmarked)),
                                   source=_src(f"shared by every district: {tr.source_id} per million VND of works "
                                               f"as in {tr.tranche_id} of the shipped plan")))
        if earmarked > 0:
            for d in districts:
                share = dist_cost[d.code] / province_cost if province_cost else 0.0
                funding.append(replace(tr, tranche_id=f"{tr.tranche_id}-{d.code}", district_code=d.code,
                                       amount_mvnd=math.floor(total * earmarked * share),
                                       source=_src(f"earmarked for district {d.name} (its share of the works)")))

    # agencies: each district's offices, pooled chain agencies, the shipped provincial ones
    agencies: list[Agency] = []
    for a in shipped.agencies:
        if a.kind in OFFICE_KINDS:
            agencies.append(replace(a, source=_src("the work types' default lead agency (each district's own "
                                                   "office leads its communes' works)")))
            for d in districts:
                agencies.append(replace(a, agency_id=f"{a.agency_id}_{d.code}", name_vi=f"{a.name_vi} huyện {d.name}",
                                        name_en=f"{a.name_en}, {d.name} district",
                                        source=_src(f"the shipped district's capacity ({a.weekly_capacity:g})")))
        elif a.agency_id in POOLED:
            agencies.append(replace(a, weekly_capacity=float(a.weekly_capacity) * spec.districts,
                                    name_vi=f"{a.name_vi} (gộp {spec.districts} huyện)",
                                    source=_src(f"{spec.districts} x the shipped capacity, pooled across districts "
                                                "(assumption: the plan format gives a step one agency)")))
        else:
            agencies.append(replace(a, source=_src(f"the shipped plan's: {a.source}")))

    steps = [replace(s, effort_per_week=0.0 if s.chain == "commune" and s.milestone == "appraisal"
                     else s.effort_per_week,
                     source=_src("the shipped plan's step" + (" with no weekly effort: the council's load is "
                                 "its sessions" if s.chain == "commune" and s.milestone == "appraisal" else "")))
             for s in shipped.recognition_steps]
    breaks = [replace(b, source=_src(f"the shipped plan's: {b.source}")) for b in shipped.calendar]
    changes = [replace(c, source=_src(f"the shipped plan's: {c.source}")) for c in shipped.capacity_changes]
    sessions = _sessions(start, shipped)
    last_target = max(c.target_recognition for c in communes if c.target_recognition)
    settings = []
    for s in shipped.setting_rows:
        value = s.value
        if s.key == "horizon_end":
            value = HORIZON_END.isoformat()
        elif s.key == "communes_target":
            value = last_target.isoformat()
        elif s.key.startswith("district_target_") or s.key == "district_missing_criteria":
            value = ""
        settings.append(replace(s, value=value, source=_src(f"the shipped plan's setting ({s.source or ''})"
                                                            if value == s.value else "changed for the province")))
    unit = Unit(code=PROVINCE_CODE, name=nfc("Giả Lập"), level="province",
                period=shipped.unit.period if shipped.unit else "2016-2020",
                criteria_set=shipped.unit.criteria_set if shipped.unit else None,
                procedure=shipped.unit.procedure if shipped.unit else None,
                title_vi=f"Tỉnh Giả Lập ({MARK}, {spec.communes} xã, {spec.districts} huyện, seed {spec.seed})",
                title_en=f"{MARK} province ({spec.communes} communes, {spec.districts} districts, seed {spec.seed})",
                invented=True, source=_src(f"{spec.communes} communes in {spec.districts} districts, {tag}; "
                                           "code 99 is no province of the statistics office's list"))
    return Plan(
        setting_rows=tuple(settings), unit_rows=(unit,), communes=tuple(communes),
        criteria=tuple(replace(c, source=_src(f"the shipped plan's: {c.source or ''}")) for c in shipped.criteria),
        agencies=tuple(agencies), capacity_changes=tuple(changes),
        work_types=tuple(replace(w, source=_src(f"the shipped plan's: {w.source}")) for w in shipped.work_types),
        tasks=tuple(tasks), sources=tuple(_synth_source(s, shipped) for s in shipped.sources),
        funding=tuple(funding), calendar=tuple(breaks), recognition_steps=tuple(steps),
        districts=tuple(districts), council_sessions=tuple(sessions))


def _sessions(start: dt.date, shipped: Plan) -> list[CouncilSession]:
    """The council's sessions: every :data:`SESSION_CADENCE_DAYS` days from four weeks after the plan's date,
    moved past office break days and the provincial committee's closures."""
    closed = set()
    for b in shipped.calendar:
        if b.calendar == "office":
            d = b.start_date
            while d <= b.end_date:
                closed.add(d)
                d += dt.timedelta(days=1)
    for c in shipped.capacity_changes:
        if c.agency_id == "BCD_TINH" and float(c.weekly_capacity) == 0:
            d = c.start_date
            while d <= c.end_date:
                closed.add(d)
                d += dt.timedelta(days=1)
    out: list[CouncilSession] = []
    d = start + dt.timedelta(days=28)
    while d <= HORIZON_END - dt.timedelta(days=60):
        day = d
        while day in closed:
            day += dt.timedelta(days=1)
        if not out or day > out[-1].date:
            out.append(CouncilSession(
                session_id=f"HD-{len(out) + 1:03d}", date=day, capacity=SESSION_CAPACITY,
                cutoff_days=SESSION_CUTOFF_DAYS,
                source=_src(f"every {SESSION_CADENCE_DAYS} days (assumption); capacity {SESSION_CAPACITY}: one "
                            "session seen covering 11 communes (the project's domain facts, FACTS.md; assumption); "
                            f"dossier {SESSION_CUTOFF_DAYS} days before (assumption)")))
        d += dt.timedelta(days=SESSION_CADENCE_DAYS)
    return out


def plan_files(plan: Plan) -> dict[str, bytes]:
    """The CSV files of ``plan``'s non-empty tables (file name -> bytes), as :func:`~.io.write_plan` writes them."""
    out: dict[str, bytes] = {}
    for name, table in TABLE_BY_NAME.items():
        rows = plan.text_rows(name)
        if not rows:
            continue
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.name for c in table.columns])
        w.writerows(rows)
        out[table.filename] = buf.getvalue().encode("utf-8")
    return out


def _note(spec: SynthSpec, files: Sequence[str], source: str) -> bytes:
    lines = [f"{MARK} province plan written by `ntm-sched plan synth --communes {spec.communes} --districts "
             f"{spec.districts} --seed {spec.seed}`.",
             f"Every figure is drawn from the shipped plan {source}; no row describes a real commune or district.",
             "Files (this command replaces them, and only them, when run again into this folder):",
             *files, ""]
    return "\n".join(lines).encode("utf-8")


def _synth_source(s: Source, shipped: Plan) -> Source:
    """A shipped source for the synthetic province: one that only a single commune of the shipped plan
    receives (a special support named after it) is renamed, since synthetic communes drawn from that
    commune receive it; no place of the shipped plan is named in a synthetic file."""
    communes = {tr.commune_code for tr in shipped.funding if tr.source_id == s.source_id}
    if len(communes) == 1 and next(iter(communes)):
        return replace(s, name_vi="Hỗ trợ đặc thù cho xã khó khăn (theo mẫu kế hoạch gốc)",
                       name_en="Special support for a disadvantaged commune (as in the source plan)",
                       source=_src(f"the shipped plan's {s.source_id}, renamed: {s.source}"))
    return replace(s, source=_src(f"the shipped plan's: {s.source}"))


def write_synth(spec: SynthSpec, out: str | os.PathLike[str], shipped: Plan | None = None) -> Path:
    """Write the synthetic province of ``spec`` into the folder ``out``.

    ``out`` must not exist, be empty, or hold only the files a previous run of this command wrote there
    (listed in its ``SYNTHETIC.txt``): a folder holding anything else is refused (no user file is ever
    replaced). The files are written to a temporary folder beside ``out`` and moved in.

    Raises
    ------
    SynthError
        ``out`` is a file, or a folder this command did not make.
    """
    if shipped is None:
        from ntm_sched.io import data_dir

        shipped = load_plan(data_dir() / "tan_yen_2019")
    path = Path(out)
    ours: set[str] = set()
    if path.exists():
        if not path.is_dir():
            raise SynthError(f"{path}: exists and is not a folder; refusing to write there")
        present = {p.name for p in path.iterdir()}
        note = path / NOTE_FILE
        if present:
            if not note.is_file() or MARK not in note.read_text(encoding="utf-8", errors="replace"):
                raise SynthError(f"{path}: the folder is not empty and was not made by 'plan synth'; "
                                 "refusing to write there (give a new folder)")
            ours = {ln.strip() for ln in note.read_text(encoding="utf-8").splitlines()[3:] if ln.strip()} | {NOTE_FILE}
            stray = sorted(present - ours)
            if stray:
                raise SynthError(f"{path}: holds files 'plan synth' did not write ({', '.join(stray[:5])}); "
                                 "refusing to write there")
    plan = synth_plan(spec, shipped)
    files = plan_files(plan)
    files[NOTE_FILE] = _note(spec, sorted(files), shipped.unit.name if shipped.unit else str(shipped.source_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if not path.exists():
            os.rename(tmp, path)
            return path
        for name in sorted(ours - set(files)):
            (path / name).unlink(missing_ok=True)
        for name in sorted(files):
            os.replace(tmp / name, path / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
