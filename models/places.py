"""Places and the organisations that act in them: regencies, districts, villages, companies, stakeholders."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import OrgType, RegencyKind, Sector, VillageKind, check_in


class Regency(SQLModel, table=True):
    """A kabupaten or kota."""

    __tablename__ = "regency"
    __table_args__ = (check_in("kind", RegencyKind),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    kind: str = Field(default=RegencyKind.KABUPATEN, max_length=20)
    province: str = Field(default="Kalimantan Timur", max_length=120)


class District(SQLModel, table=True):
    """A kecamatan."""

    __tablename__ = "district"
    __table_args__ = (UniqueConstraint("regency_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    regency_id: int = Field(foreign_key="regency.id", index=True)
    name: str = Field(max_length=120)


class Village(SQLModel, table=True):
    """A desa or kelurahan."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("district_id", "name"), check_in("kind", VillageKind))

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(default=VillageKind.DESA, max_length=20)


class Company(SQLModel, table=True):
    """A company that runs TJSL / CSR / PPM programs."""

    __tablename__ = "company"
    __table_args__ = (check_in("sector", Sector),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    short_name: str = Field(max_length=60)
    sector: str = Field(max_length=20)


class CompanyRegency(SQLModel, table=True):
    """A regency a company operates in."""

    __tablename__ = "company_regency"

    company_id: int = Field(foreign_key="company.id", primary_key=True)
    regency_id: int = Field(foreign_key="regency.id", primary_key=True, index=True)


class Organisation(SQLModel, table=True):
    """A stakeholder organisation: an agency, a village government, a partner group, a school…"""

    __tablename__ = "organisation"
    __table_args__ = (check_in("org_type", OrgType),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    org_type: str = Field(max_length=30, index=True)
    regency_id: int | None = Field(default=None, foreign_key="regency.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id")
