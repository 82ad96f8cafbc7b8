"""The tables of a plan: their files, columns, types and references.

One place describes every table so that loading, validation, writing and the
documentation agree. A plan is a folder of UTF-8 CSV files (``<table>.csv``) or
an Excel workbook with one sheet per table (sheet name = table name).

Column kinds
------------
``str``      text, normalised to Unicode NFC, stripped
``int``      whole number
``float``    number (``,`` as decimal separator is *not* accepted: it is ambiguous)
``date``     ISO ``yyyy-mm-dd`` or ``dd/mm/yyyy``; anything else is an error
``bool``     ``true/false``, ``yes/no``, ``1/0`` (also ``có/không``)
``list``     ``;``-separated text values (empty = empty list)

Money is in million VND (``*_mvnd`` columns), effort in person-days per week.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "int", "float", "date", "bool", "list"]


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    name: str
    kind: Kind
    required: bool = True  # the column must be present
    nullable: bool = False  # a cell may be empty
    minimum: float | None = None  # numbers must be >= minimum
    choices: tuple[str, ...] | None = None  # allowed values of a str column
    ref: str | None = None  # "table.column" the value (or each list item) must exist in
    ref_extra: tuple[str, ...] = ()  # values accepted besides the referenced ones
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One table of a plan."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True  # the file/sheet must exist
    doc: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


UNIT_LEVELS = ("province", "district", "commune")
"""Administrative levels a plan can belong to."""
COMMUNE_LEVELS = ("ntm", "nang_cao", "kieu_mau")
"""Recognition levels of a commune: NTM, advanced (nâng cao), model (kiểu mẫu)."""
CRITERIA_LISTS = ("commune", "district", "commune_advanced", "commune_model")
"""Lists of a criteria set (``criteria.set``): one per unit level and commune target level."""
LIST_OF_LEVEL = {"ntm": "commune", "nang_cao": "commune_advanced", "kieu_mau": "commune_model"}
"""The criteria list a commune aiming at a level is judged against."""

COVER_SHEET = "huong_dan"
"""The instructions sheet of a plan workbook made by ``plan new``: not a table, skipped when read."""
EXAMPLE_MARKS = ("VÍ DỤ", "EXAMPLE")
"""A row whose first cell starts with one of these is a template's example: an error if left in."""

SOURCE_DOC = "where the figure comes from: a FACTS.md item, the plan's section, or 'assumption: ...'"

TABLES: tuple[Table, ...] = (
    Table(
        "settings",
        key=("key",),
        doc="Plan-wide settings (start date, horizon, money rules, objective defaults).",
        columns=(
            Column("key", "str"),
            Column("value", "str", nullable=True, doc="empty: the setting is not set (its default applies)"),
            Column("description", "str", nullable=True),
            Column("source", "str", nullable=True, doc=SOURCE_DOC),
        ),
    ),
    Table(
        "unit",
        key=("code",),
        required=False,
        doc="Who owns the plan (one row): the unit's name, administrative code and level, the programme period, "
            "the criteria set and the recognition procedure of the package's catalogue "
            "(:mod:`ntm_sched.plan.catalog`). Every report, page and workbook takes the unit's name from here.",
        columns=(
            Column("code", "str", doc="administrative code of the statistics office: 2 digits for a province, "
                                      "3 for a district, 5 for a commune"),
            Column("name", "str", doc="the unit's name without its level word (NFC), e.g. the district's name"),
            Column("level", "str", choices=UNIT_LEVELS, doc="province, district or commune"),
            Column("period", "str", doc="programme period, 'yyyy-yyyy' (e.g. 2016-2020)"),
            Column("criteria_set", "str", nullable=True,
                   doc="criteria set id of the catalogue (e.g. ntm_2016_2020, ntm_2021_2025); empty: the plan's "
                       "own criteria.csv, not checked against a catalogue set"),
            Column("procedure", "str", nullable=True,
                   doc="recognition procedure id of the catalogue (e.g. qd2540_2016, qd18_2022): its steps are the "
                       "chains; rows of recognition_steps.csv override them (empty cells keep the catalogue's); "
                       "empty: the plan's own recognition_steps.csv only"),
            Column("title_vi", "str", required=False, nullable=True,
                   doc="the name as written in Vietnamese titles when not '<Level> <name>' (e.g. 'Thị xã ...')"),
            Column("title_en", "str", required=False, nullable=True,
                   doc="the name as written in English when not '<name> <level>'"),
            Column("invented", "bool", required=False, nullable=True,
                   doc="true for an invented example plan (a demonstration, not a real unit's plan): every report, "
                       "app page and budget page then opens with a banner saying so; empty: false"),
            Column("source", "str", nullable=True, doc=SOURCE_DOC),
        ),
    ),
    Table(
        "communes",
        key=("code",),
        doc="All communes of the district keyed by statistics-office code.",
        columns=(
            Column("code", "str", doc="5-digit statistics-office code"),
            Column("name", "str", doc="official name (NFC)"),
            Column("alias", "str", nullable=True, doc="the plan's spelling where it differs"),
            Column("status", "str", choices=("recognised", "not_recognised")),
            Column("criteria_met", "int", minimum=0),
            Column("missing_criteria", "list", nullable=True, ref="criteria.code"),
            Column("target_works_done", "date", nullable=True),
            Column("target_inspection", "date", nullable=True,
                   doc="district inspection (thẩm tra) done by this date"),
            Column("target_submission", "date", required=False, nullable=True,
                   doc="inspection done and dossier submitted to the province (trình tỉnh thẩm định) by this "
                       "date: the milestone the plan usually sets, e.g. 'thẩm tra và trình BCĐ tỉnh thẩm "
                       "định cuối tháng 11/2019'"),
            Column("target_appraisal", "date", nullable=True,
                   doc="provincial appraisal (thẩm định) finished by this date; only where the plan dates it"),
            Column("target_recognition", "date", nullable=True),
            Column("disadvantaged", "bool"),
            Column("plan_ref", "str", nullable=True),
            Column("note", "str", nullable=True),
            Column("target_level", "str", required=False, nullable=True, choices=COMMUNE_LEVELS,
                   doc="the level the plan aims at: ntm (default when empty), nang_cao (advanced) or kieu_mau "
                       "(model); it picks the commune's criteria list of the plan's criteria set"),
            Column("level_reached", "str", required=False, nullable=True, choices=COMMUNE_LEVELS,
                   doc="the highest level already recognised (empty: the target level when the status is "
                       "'recognised', none otherwise); a target whose prerequisite level is not reached is an error"),
            Column("district_code", "str", required=False, nullable=True, ref="districts.code",
                   doc="province plans: the district (districts.csv) the commune belongs to; required there"),
        ),
    ),
    Table(
        "criteria",
        key=("set", "code"),
        required=False,
        doc="Criteria lists: commune (NTM), commune_advanced (nâng cao), commune_model (kiểu mẫu) and district. "
            "Optional when the unit names a catalogue criteria set (its lists are used); when present, every row "
            "must agree with that set.",
        columns=(
            Column("set", "str", choices=CRITERIA_LISTS),
            Column("code", "str"),
            Column("group", "str", nullable=True),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("source", "str", nullable=True, doc=SOURCE_DOC),
        ),
    ),
    Table(
        "agencies",
        key=("agency_id",),
        doc="Agencies and review bodies; capacity in effort units (person-days) per week.",
        columns=(
            Column("agency_id", "str"),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("kind", "str", choices=("office", "committee", "province", "central", "commune", "front")),
            Column("weekly_capacity", "float", minimum=0),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
    Table(
        "capacity_changes",
        key=("agency_id", "start_date"),
        required=False,
        doc="Periods in which an agency's weekly capacity differs from its default.",
        columns=(
            Column("agency_id", "str", ref="agencies.agency_id"),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("weekly_capacity", "float", minimum=0),
            Column("source", "str", nullable=True, doc=SOURCE_DOC),
        ),
    ),
    Table(
        "work_types",
        key=("work_type",),
        doc="Kinds of work: unit cost, duration, parallelism, lead agency and effort.",
        columns=(
            Column("work_type", "str"),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("unit", "str"),
            Column("unit_cost_mvnd", "float", minimum=0, doc="total cost per unit, million VND"),
            Column("support_norm_mvnd", "float", nullable=True, minimum=0, doc="state support per unit"),
            Column("duration_fixed_days", "int", minimum=0),
            Column("duration_per_batch_days", "int", minimum=0,
                   doc="days per batch of `parallel_per_commune` units"),
            Column("parallel_per_commune", "int", minimum=1),
            Column("lead_agency", "str", ref="agencies.agency_id"),
            Column("effort_per_week", "float", minimum=0,
                   doc="effort units per week the lead agency spends while one task runs"),
            Column("calendar", "str", choices=("construction", "office")),
            Column("accelerable", "bool"),
            Column("source", "str", doc=SOURCE_DOC),
            Column("note", "str", nullable=True),
        ),
    ),
    Table(
        "tasks",
        key=("task_id",),
        doc="Remaining work items of the plan, one row each.",
        columns=(
            Column("task_id", "str"),
            Column("commune_code", "str", ref="communes.code", ref_extra=("DISTRICT",)),
            Column("criterion", "str"),
            Column("work_type", "str", ref="work_types.work_type"),
            Column("quantity", "float", minimum=0),
            Column("quantity_estimated", "bool", doc="true when the plan leaves the quantity open"),
            Column("unit", "str"),
            Column("description_vi", "str"),
            Column("description_en", "str", nullable=True),
            Column("plan_ref", "str"),
            Column("predecessors", "list", nullable=True, ref="tasks.task_id"),
            Column("lead_agency", "str", nullable=True, ref="agencies.agency_id",
                   doc="overrides the work type's lead agency"),
            Column("release_date", "date", nullable=True),
            Column("due_date", "date", nullable=True, doc="the plan's own due date for this item"),
            Column("estimate_note", "str", nullable=True),
            Column("share_remaining", "float", required=False, nullable=True, minimum=0,
                   doc="share (above 0, at most 1) of the work still to do when the work is under way "
                       "(the plan's 'hoàn thiện', 'hoàn thành', 'xây dựng xong'): the task's cost and duration "
                       "are the work type's times this share; empty = 1 (the whole work)"),
        ),
    ),
    Table(
        "sources",
        key=("source_id",),
        doc="Money sources and the work types each may pay for.",
        columns=(
            Column("source_id", "str"),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("pays_for", "list", ref="work_types.work_type", ref_extra=("*",),
                   doc="work types this source may pay ('*' = all)"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
    Table(
        "funding",
        key=("tranche_id",),
        doc="Tranches of money: amount, date available, optional commune earmark.",
        columns=(
            Column("tranche_id", "str"),
            Column("source_id", "str", ref="sources.source_id"),
            Column("date_available", "date"),
            Column("amount_mvnd", "float", minimum=0),
            Column("commune_code", "str", nullable=True, ref="communes.code", ref_extra=("DISTRICT",),
                   doc="earmark: only this commune's tasks may use the tranche"),
            Column("source", "str", doc=SOURCE_DOC),
            Column("district_code", "str", required=False, nullable=True, ref="districts.code",
                   doc="province plans: earmark for one district (districts.csv): only the tasks of its "
                       "communes may use the tranche (not with commune_code)"),
        ),
    ),
    Table(
        "calendar",
        key=("calendar", "start_date"),
        doc="Non-working periods (inclusive dates) of the construction and office calendars.",
        columns=(
            Column("calendar", "str", choices=("construction", "office")),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
    Table(
        "recognition_steps",
        key=("chain", "step"),
        required=False,
        doc="The recognition chain of a commune and of the district, step by step. Optional when the unit names "
            "a catalogue procedure: its rows then override the procedure's steps of the same chain and step "
            "(an empty cell keeps the catalogue's value), e.g. only ``chain,step,duration_days``.",
        columns=(
            Column("chain", "str", choices=("commune", "district")),
            Column("step", "str"),
            Column("order", "int", minimum=1),
            Column("name_vi", "str"),
            Column("name_en", "str"),
            Column("agency_id", "str", ref="agencies.agency_id"),
            Column("duration_days", "int", minimum=0),
            Column("effort_per_week", "float", minimum=0),
            Column("calendar", "str", choices=("construction", "office")),
            Column("milestone", "str", nullable=True,
                   choices=("works_done", "inspection", "submission", "appraisal", "recognition"),
                   doc="the communes' target-date column (``target_<milestone>``) this step's end is held to"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
    Table(
        "step_progress",
        key=("commune_code", "step"),
        required=False,
        doc="Recognition steps a commune has partly or wholly done at the plan's date (the plan's 'đang hoàn "
            "thiện hồ sơ', 'đã lấy ý kiến'): one row per commune and step of the commune chain. The step's "
            "duration for that commune is ceil(share_remaining * duration_days) (whole days, rounded up, as for "
            "a work's share_remaining); 0 = done. A commune without a row runs its whole chain.",
        columns=(
            Column("commune_code", "str", ref="communes.code",
                   doc="a commune not yet recognised (communes.csv)"),
            Column("step", "str", doc="a step of the commune chain (recognition_steps.csv, chain 'commune', or "
                                      "the unit's catalogue procedure)"),
            Column("share_remaining", "float", minimum=0,
                   doc="share (0 to 1) of the step still to do at the plan's date: 0 = done, 1 = not started; "
                       "the step takes ceil(share_remaining * duration_days) days"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
)

TABLES = TABLES + (
    Table(
        "districts",
        key=("code",),
        required=False,
        doc="Province plans: the districts whose communes the plan holds (communes.district_code).",
        columns=(
            Column("code", "str", doc="3-digit statistics-office code"),
            Column("name", "str", doc="the district's name without its level word (NFC)"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
    Table(
        "council_sessions",
        key=("session_id",),
        required=False,
        doc="Sittings of the provincial appraisal council. When present, every commune's step whose milestone "
            "is 'appraisal' starts on the date of one session, a session takes at most 'capacity' dossiers, and "
            "the steps before it end at least 'cutoff_days' before the session.",
        columns=(
            Column("session_id", "str"),
            Column("date", "date", doc="the session's date: the appraisals it takes start that day"),
            Column("capacity", "int", minimum=0, doc="the most commune dossiers the session appraises"),
            Column("cutoff_days", "int", minimum=0,
                   doc="days before the session by which a dossier must be in (its previous steps ended)"),
            Column("source", "str", doc=SOURCE_DOC),
        ),
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
