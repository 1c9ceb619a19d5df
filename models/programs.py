"""Programs, their indicators, reporting periods and the results reported per indicator and period."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import (
    INDICATOR_VALUE,
    PEOPLE,
    RUPIAH,
    Accumulation,
    Direction,
    IndicatorKind,
    PartnerRole,
    Pillar,
    ResultState,
    Stage,
    check_bounds,
    check_in,
    check_non_negative,
    utcnow,
)

BENEFICIARY_COLUMNS = (
    "families_planned",
    "families_reached",
    "men_planned",
    "men_reached",
    "women_planned",
    "women_reached",
)


class Program(SQLModel, table=True):
    """A company's TJSL / PPM program."""

    __tablename__ = "program"
    __bounds__ = dict.fromkeys(BENEFICIARY_COLUMNS, PEOPLE)
    __table_args__ = (
        UniqueConstraint("company_id", "name"),
        check_in("pillar", Pillar),
        check_in("stage", Stage),
        *check_non_negative(*BENEFICIARY_COLUMNS),
        *check_bounds(__bounds__),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        Index("ix_program_company_pillar", "company_id", "pillar"),
        # A company's poverty-alleviation programs and their dates, read from the index alone: what the
        # compliance rule counts for the companies of a framework, at the cost of those companies.
        Index("ix_program_company_poverty", "company_id", "poverty_alleviation", "start_date", "end_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="")
    pillar: str = Field(max_length=30)
    poverty_alleviation: bool = Field(default=False, index=True)
    stage: str = Field(default=Stage.PLANNING, max_length=30)
    start_date: date
    end_date: date | None = None
    families_planned: int = 0
    families_reached: int = 0
    men_planned: int = 0
    men_reached: int = 0
    women_planned: int = 0
    women_reached: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class ProgramPartner(SQLModel, table=True):
    """A partner group of a program: the group it supports or the partner that implements it."""

    __tablename__ = "program_partner"
    __table_args__ = (check_in("role", PartnerRole),)

    program_id: int = Field(foreign_key="program.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    role: str = Field(default=PartnerRole.BENEFICIARY_GROUP, max_length=30)


class ProgramVillage(SQLModel, table=True):
    """A village where a program works."""

    __tablename__ = "program_village"

    program_id: int = Field(foreign_key="program.id", primary_key=True)
    village_id: int = Field(foreign_key="village.id", primary_key=True, index=True)


class ProgramSdg(SQLModel, table=True):
    """A Sustainable Development Goal (1–17) a program contributes to."""

    __tablename__ = "program_sdg"
    __table_args__ = (CheckConstraint("sdg BETWEEN 1 AND 17", name="sdg_range"),)

    program_id: int = Field(foreign_key="program.id", primary_key=True)
    sdg: int = Field(primary_key=True)


class ProgramBudget(SQLModel, table=True):
    """Budget planned and spent for one program and year, in whole rupiah."""

    __tablename__ = "program_budget"
    __bounds__ = {"planned": RUPIAH, "spent": RUPIAH}
    __table_args__ = (
        UniqueConstraint("program_id", "year"),
        *check_non_negative("planned", "spent"),
        *check_bounds(__bounds__),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    year: int = Field(index=True)
    planned: int = Field(default=0, sa_type=BigInteger)
    spent: int = Field(default=0, sa_type=BigInteger)


class Indicator(SQLModel, table=True):
    """What a program measures to tell whether it succeeds."""

    __tablename__ = "indicator"
    __bounds__ = {"baseline_value": INDICATOR_VALUE}
    __table_args__ = (
        UniqueConstraint("program_id", "name"),
        *check_bounds(__bounds__),
        check_in("kind", IndicatorKind),
        check_in("direction", Direction),
        check_in("accumulation", Accumulation),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=40)
    kind: str = Field(default=IndicatorKind.OUTPUT, max_length=20)
    baseline_value: float | None = None
    baseline_year: int | None = None
    direction: str = Field(default=Direction.HIGHER_IS_BETTER, max_length=10)
    accumulation: str = Field(default=Accumulation.PERIODIC, max_length=20)


class Period(SQLModel, table=True):
    """A reporting period: a semester such as 2023-S1."""

    __tablename__ = "period"
    __table_args__ = (
        UniqueConstraint("year", "semester"),
        CheckConstraint("semester IN (1, 2)", name="semester_valid"),
        CheckConstraint("end_date > start_date", name="dates_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=10)
    year: int
    semester: int
    start_date: date
    end_date: date


class Result(SQLModel, table=True):
    """Target and actual of one indicator in one period, and where its verification stands."""

    __tablename__ = "result"
    __bounds__ = {"target": INDICATOR_VALUE, "actual": INDICATOR_VALUE}
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_id"),
        *check_bounds(__bounds__),
        check_in("state", ResultState),
        Index("ix_result_period_indicator", "period_id", "indicator_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    period_id: int = Field(foreign_key="period.id")
    target: float | None = None
    actual: float | None = None
    narrative: str = Field(default="")
    evidence: str = Field(default="")
    # Why an actual far from its target or from the period before is right, as its writer confirmed.
    plausibility_note: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    state: str = Field(default=ResultState.DRAFT, max_length=20)
    submitted_at: datetime | None = None
    verified_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    verified_at: datetime | None = None
    # Why the agency sent the result back; shown to the company until it submits the result again.
    return_note: str = Field(default="", max_length=2000, sa_column_kwargs={"server_default": ""})
    returned_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    returned_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class FigureCounts(SQLModel):
    """What indicators add up to in one period, as kept per program and per group of programs.

    Counts are of the indicators counted in the period (due there, or reported anyway); those ending in
    ``_v`` count as a verified-only view does, where a result no agency verified is not there. Statuses
    follow the thresholds in force.
    """

    counted: int = 0
    counted_v: int = 0
    reported: int = 0  # an actual entered
    submitted: int = 0  # sent for verification, verified ones included
    verified: int = 0
    on_track: int = 0
    needs_attention: int = 0
    off_track: int = 0
    on_track_v: int = 0
    needs_attention_v: int = 0
    off_track_v: int = 0
    measured: int = 0  # with an achievement (target and actual)
    measured_v: int = 0
    achievement_sum: float = 0.0  # of achievements capped at the overview's cap, over ``measured``
    achievement_sum_v: float = 0.0
    gaps: int = 0
    gaps_v: int = 0


class ProgramPeriodFigure(FigureCounts, table=True):
    """What a program's indicators add up to in one period, kept by every write of the rows it comes
    from (results, indicators, programs, periods, the thresholds) in that write's own transaction, so
    pages read one row per program instead of every result. Derived data: ``manage.py
    rebuild-summaries`` makes it again from the source rows.
    """

    __tablename__ = "program_period_figure"
    __table_args__ = (Index("ix_program_period_figure_period", "period_id", "program_id"),)

    program_id: int = Field(primary_key=True)
    period_id: int = Field(primary_key=True)


# Figures per group of programs: the programs of one company, pillar and poverty flag. A view that
# narrows programs only by those (a province's or a company's, a pillar's) adds up a row per group
# instead of a row per program; a view across companies adds up the figures per pillar and flag, and
# one across pillars those per company. Kept with the program figures, in the same transaction, by
# remaking every group of each company a write touched (and adding the change to the figures across
# companies); derived data like them.


class GroupPeriodFigure(FigureCounts, table=True):
    """The figures of a group's programs in one period: the sums of their ``program_period_figure``."""

    __tablename__ = "group_period_figure"
    __table_args__ = (Index("ix_group_period_figure_period", "period_id"),)

    company_id: int = Field(primary_key=True)
    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)
    period_id: int = Field(primary_key=True)


class CompanyPeriodFigure(FigureCounts, table=True):
    """The figures of a company's programs in one period, across pillars."""

    __tablename__ = "company_period_figure"
    __table_args__ = (Index("ix_company_period_figure_period", "period_id"),)

    company_id: int = Field(primary_key=True)
    period_id: int = Field(primary_key=True)


class PillarPeriodFigure(FigureCounts, table=True):
    """The figures of every company's programs of one pillar and poverty flag in one period."""

    __tablename__ = "pillar_period_figure"

    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)
    period_id: int = Field(primary_key=True)


class ProgramTotals(SQLModel):
    """Programs counted, the beneficiaries they plan and reached, and their budget over all years."""

    programs: int = 0
    active: int = 0  # not completed
    families_planned: int = 0
    families_reached: int = 0
    people_planned: int = 0
    people_reached: int = 0
    budget_planned: int = Field(default=0, sa_type=BigInteger)
    budget_spent: int = Field(default=0, sa_type=BigInteger)


class GroupFigure(ProgramTotals, table=True):
    """A group's programs, beneficiaries and budget."""

    __tablename__ = "group_figure"

    company_id: int = Field(primary_key=True)
    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)


class PillarFigure(ProgramTotals, table=True):
    """Every company's programs of one pillar and poverty flag: their beneficiaries and budget."""

    __tablename__ = "pillar_figure"

    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)


class GroupPlace(SQLModel, table=True):
    """How many of a group's program × village links lie in one regency."""

    __tablename__ = "group_place"

    company_id: int = Field(primary_key=True)
    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)
    regency_id: int = Field(primary_key=True)
    program_villages: int = 0


class PillarPlace(SQLModel, table=True):
    """How many of every company's program × village links of one pillar and flag lie in a regency."""

    __tablename__ = "pillar_place"

    pillar: str = Field(primary_key=True, max_length=30)
    poverty_alleviation: bool = Field(primary_key=True)
    regency_id: int = Field(primary_key=True)
    program_villages: int = 0
