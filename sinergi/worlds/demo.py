"""The demo world of the five seed articles, loaded idempotently by natural keys."""

from __future__ import annotations

import random
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

import models as m
from models import Accumulation as Acc
from models import (
    ActionStatus,
    ComplianceStatus,
    FeedbackKind,
    FeedbackStatus,
    MeetingKind,
    Moderation,
    OrgType,
    PartnerRole,
    PointRule,
    RegencyKind,
    ResultState,
    Sector,
    Stage,
    VillageKind,
)
from models import Direction as Dir
from models import IndicatorKind as Kind
from models import Pillar as P
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core.db import reads

KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
INDEXIM = "PT Indexim Coalindo"
# The Kukar companies are invented: the seed names none of the companies at the rakor.
LOA_KULU = "PT Loa Kulu Bara Sejahtera"
JANGGUT = "PT Janggut Sawit Nusantara"
KENOHAN = "PT Kenohan Agro Lestari"
SANGA = "PT Sanga Energi Batubara"

BPP = "Kota Balikpapan"
PPU = "Kabupaten Penajam Paser Utara"
KUTIM = "Kabupaten Kutai Timur"
KUKAR = "Kabupaten Kutai Kartanegara"

# ---------------------------------------------------------------------------------------------------------
# Places: (regency, regency kind, district, village, village kind). Village names are unique in the demo.
PLACES: tuple[tuple[str, RegencyKind, str, str, VillageKind], ...] = (
    (BPP, RegencyKind.KOTA, "Balikpapan Barat", "Margasari", VillageKind.KELURAHAN),
    (BPP, RegencyKind.KOTA, "Balikpapan Barat", "Baru Tengah", VillageKind.KELURAHAN),
    (BPP, RegencyKind.KOTA, "Balikpapan Barat", "Baru Ilir", VillageKind.KELURAHAN),
    (BPP, RegencyKind.KOTA, "Balikpapan Utara", "Karang Joang", VillageKind.KELURAHAN),
    (BPP, RegencyKind.KOTA, "Balikpapan Utara", "Muara Rapak", VillageKind.KELURAHAN),
    (PPU, RegencyKind.KABUPATEN, "Penajam", "Saloloang", VillageKind.KELURAHAN),
    (PPU, RegencyKind.KABUPATEN, "Penajam", "Nenang", VillageKind.KELURAHAN),
    (PPU, RegencyKind.KABUPATEN, "Sepaku", "Bumi Harapan", VillageKind.DESA),
    (KUTIM, RegencyKind.KABUPATEN, "Kaubun", "Bukit Permata", VillageKind.DESA),
    (KUTIM, RegencyKind.KABUPATEN, "Karangan", "Baay", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Tenggarong", "Loa Ipuh", VillageKind.KELURAHAN),
    (KUKAR, RegencyKind.KABUPATEN, "Loa Kulu", "Jembayan", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Loa Kulu", "Loa Kulu Kota", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Muara Badak", "Badak Baru", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Sanga-Sanga", "Sanga-Sanga Dalam", VillageKind.KELURAHAN),
    (KUKAR, RegencyKind.KABUPATEN, "Kembang Janggut", "Kembang Janggut", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Kembang Janggut", "Kelekat", VillageKind.DESA),
    (KUKAR, RegencyKind.KABUPATEN, "Kenohan", "Kahala", VillageKind.DESA),
)

# (name, short name, sector, regencies)
COMPANIES: tuple[tuple[str, str, Sector, tuple[str, ...]], ...] = (
    (KPI, "KPI Balikpapan", Sector.OIL_GAS, (BPP, PPU)),
    (INDEXIM, "Indexim", Sector.COAL_MINING, (KUTIM,)),
    (LOA_KULU, "Loa Kulu Bara", Sector.COAL_MINING, (KUKAR,)),
    (JANGGUT, "Janggut Sawit", Sector.PLANTATION, (KUKAR,)),
    (KENOHAN, "Kenohan Agro", Sector.PLANTATION, (KUKAR,)),
    (SANGA, "Sanga Energi", Sector.COAL_MINING, (KUKAR,)),
)

DEMO_COMPANY_NAMES: tuple[str, ...] = tuple(name for name, *_ in COMPANIES)


@reads(m.Company)
def holds_demo_data(*, session: Session) -> bool:
    """Whether the demo companies are in the database, so the pages can say the figures are invented."""
    statement = select(func.count()).select_from(m.Company).where(col(m.Company.name).in_(DEMO_COMPANY_NAMES))
    return bool(session.exec(statement).one())


AGENCY, VILLAGE_GOV, GROUP, PARTNER, BUMN, PRIVATE, ACADEMIA, MEDIA, LEADER = (
    OrgType.GOVERNMENT_AGENCY,
    OrgType.VILLAGE_GOVERNMENT,
    OrgType.COMMUNITY_GROUP,
    OrgType.IMPLEMENTING_PARTNER,
    OrgType.STATE_OWNED,
    OrgType.PRIVATE_COMPANY,
    OrgType.ACADEMIA,
    OrgType.MEDIA,
    OrgType.COMMUNITY_LEADER,
)
# Stakeholders: (name, type, regency, village or None).
BPBD = "Badan Penanggulangan Bencana Daerah (BPBD) Kota Balikpapan"
KEC_BPP_BARAT = "Kecamatan Balikpapan Barat"
DLH_BPP = "Dinas Lingkungan Hidup Kota Balikpapan"
DINSOS_BPP = "Dinas Sosial Kota Balikpapan"
BLK = "Balai Latihan Kerja (BLK) Kalimantan Timur"
DISPERKIM = "Dinas Perumahan dan Permukiman Kota Balikpapan"
DINKES = "Dinas Kesehatan Kota Balikpapan"
DKUMKMP = "Dinas Koperasi, UMKM dan Perindustrian Kota Balikpapan"
DISNAKER = "Dinas Ketenagakerjaan Kota Balikpapan"
BAPPEDALITBANG = "Bappedalitbang Kota Balikpapan"
KEL_MARGASARI = "Pemerintah Kelurahan Margasari"
KEL_BARU_TENGAH = "Pemerintah Kelurahan Baru Tengah"
KEL_BARU_ILIR = "Pemerintah Kelurahan Baru Ilir"
KEL_KARANG_JOANG = "Pemerintah Kelurahan Karang Joang"
KEL_MUARA_RAPAK = "Pemerintah Kelurahan Muara Rapak"
KILANG_BPP = "PT Kilang Pertamina Balikpapan"
RUMAH_BUMN = "Rumah BUMN Kalimantan Timur"
CIROWASTE = "Cirowaste"
POLTEKBA = "Politeknik Negeri Balikpapan"
RADIO = "Radio Komunitas Suara Teluk Balikpapan"
RT30 = "Ketua RT 30 Kampung Atas Air Margasari"
YAYASAN_TELUK = "Yayasan Peduli Teluk Balikpapan"
GRP_SAMPAH = "Kelompok Pengelola Sampah Terpadu Margasari"
GRP_MARIOJELA = "Kelompok Mariojela (Margasari Olah Jelantah)"
GRP_KSB_MARGASARI = "Kelompok Kampung Siaga Bencana Margasari"
GRP_KSB_BARU_TENGAH = "Kelompok Kampung Siaga Bencana Baru Tengah"
GRP_BSF = "Kelompok Tani Ternak Terpadu Karang Joang"
GRP_RAWABENING = "Kelompok Rawabening (Rain Water Harvesting and Urban Farming)"
GRP_KIM = "Koperasi Kriya Inovasi Mandara (KIM)"
BAPPELITBANG_PPU = "Bappelitbang Kabupaten Penajam Paser Utara"
DLH_PPU = "Dinas Lingkungan Hidup Kabupaten Penajam Paser Utara"
KEL_SALOLOANG = "Pemerintah Kelurahan Saloloang"
YAYASAN_KUTIM = "Yayasan Bina Potensi Desa Kutai Timur"
DESA_BUKIT_PERMATA = "Pemerintah Desa Bukit Permata"
DESA_BAAY = "Pemerintah Desa Baay"
GRP_BUKIT_PERMATA = "Kelompok Usaha Bersama Bukit Permata Mandiri"
GRP_BAAY = "Kelompok Madu Kelulut Baay Lestari"
TOKOH_BUKIT_PERMATA = "Tokoh Masyarakat Desa Bukit Permata"
TOKOH_BAAY = "Tokoh Adat Desa Baay"
BAPPEDA_KUKAR = "Bappeda Kabupaten Kutai Kartanegara"
DINSOS_KUKAR = "Dinas Sosial Kabupaten Kutai Kartanegara"
DPMD_KUKAR = "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Kutai Kartanegara"
SETDA_KUKAR = "Sekretariat Daerah Kabupaten Kutai Kartanegara"
DESA_JEMBAYAN = "Pemerintah Desa Jembayan"
DESA_KEMBANG_JANGGUT = "Pemerintah Desa Kembang Janggut"
LPM_MAHAKAM = "Lembaga Pemberdayaan Masyarakat Mahakam Lestari"
GRP_JEMBAYAN = "Pokdakan Jembayan Bersatu"
GRP_KEMBANG_JANGGUT = "Kelompok Wanita Tani Kembang Janggut Sejahtera"
GRP_KAHALA = "Kelompok Orang Tua Siswa Kahala"
GRP_SANGA = "Kelompok Tani Hutan Sanga-Sanga Hijau"

ORGANISATIONS: tuple[tuple[str, OrgType, str, str | None], ...] = (
    (BPBD, AGENCY, BPP, None),
    (KEC_BPP_BARAT, AGENCY, BPP, None),
    (DLH_BPP, AGENCY, BPP, None),
    (DINSOS_BPP, AGENCY, BPP, None),
    (BLK, AGENCY, BPP, None),
    (DISPERKIM, AGENCY, BPP, None),
    (DINKES, AGENCY, BPP, None),
    (DKUMKMP, AGENCY, BPP, None),
    (DISNAKER, AGENCY, BPP, None),
    (BAPPEDALITBANG, AGENCY, BPP, None),
    (KEL_MARGASARI, VILLAGE_GOV, BPP, "Margasari"),
    (KEL_BARU_TENGAH, VILLAGE_GOV, BPP, "Baru Tengah"),
    (KEL_BARU_ILIR, VILLAGE_GOV, BPP, "Baru Ilir"),
    (KEL_KARANG_JOANG, VILLAGE_GOV, BPP, "Karang Joang"),
    (KEL_MUARA_RAPAK, VILLAGE_GOV, BPP, "Muara Rapak"),
    (KILANG_BPP, BUMN, BPP, None),
    (RUMAH_BUMN, BUMN, BPP, None),
    (CIROWASTE, PRIVATE, BPP, None),
    (POLTEKBA, ACADEMIA, BPP, None),
    (RADIO, MEDIA, BPP, None),
    (RT30, LEADER, BPP, "Margasari"),
    (YAYASAN_TELUK, PARTNER, BPP, None),
    (GRP_SAMPAH, GROUP, BPP, "Margasari"),
    (GRP_MARIOJELA, GROUP, BPP, "Margasari"),
    (GRP_KSB_MARGASARI, GROUP, BPP, "Margasari"),
    (GRP_KSB_BARU_TENGAH, GROUP, BPP, "Baru Tengah"),
    (GRP_BSF, GROUP, BPP, "Karang Joang"),
    (GRP_RAWABENING, GROUP, BPP, "Margasari"),
    (GRP_KIM, GROUP, PPU, "Saloloang"),
    (BAPPELITBANG_PPU, AGENCY, PPU, None),
    (DLH_PPU, AGENCY, PPU, None),
    (KEL_SALOLOANG, VILLAGE_GOV, PPU, "Saloloang"),
    (YAYASAN_KUTIM, PARTNER, KUTIM, None),
    (DESA_BUKIT_PERMATA, VILLAGE_GOV, KUTIM, "Bukit Permata"),
    (DESA_BAAY, VILLAGE_GOV, KUTIM, "Baay"),
    (GRP_BUKIT_PERMATA, GROUP, KUTIM, "Bukit Permata"),
    (GRP_BAAY, GROUP, KUTIM, "Baay"),
    (TOKOH_BUKIT_PERMATA, LEADER, KUTIM, "Bukit Permata"),
    (TOKOH_BAAY, LEADER, KUTIM, "Baay"),
    (BAPPEDA_KUKAR, AGENCY, KUKAR, None),
    (DINSOS_KUKAR, AGENCY, KUKAR, None),
    (DPMD_KUKAR, AGENCY, KUKAR, None),
    (SETDA_KUKAR, AGENCY, KUKAR, None),
    (DESA_JEMBAYAN, VILLAGE_GOV, KUKAR, "Jembayan"),
    (DESA_KEMBANG_JANGGUT, VILLAGE_GOV, KUKAR, "Kembang Janggut"),
    (LPM_MAHAKAM, PARTNER, KUKAR, None),
    (GRP_JEMBAYAN, GROUP, KUKAR, "Jembayan"),
    (GRP_KEMBANG_JANGGUT, GROUP, KUKAR, "Kembang Janggut"),
    (GRP_KAHALA, GROUP, KUKAR, "Kahala"),
    (GRP_SANGA, GROUP, KUKAR, "Sanga-Sanga Dalam"),
)

# Semesters 2022-S1 … 2025-S1: (year, semester).
PERIODS: tuple[tuple[int, int], ...] = (
    (2022, 1),
    (2022, 2),
    (2023, 1),
    (2023, 2),
    (2024, 1),
    (2024, 2),
    (2025, 1),
)
# Results up to this semester are verified, the next one submitted, the last one still being entered.
LAST_VERIFIED = "2024-S1"
LATEST = "2025-S1"


@dataclass(frozen=True)
class Ind:
    """An indicator and how its invented targets and actuals run from semester to semester.

    A periodic target starts at ``first_target`` and changes by ``step`` each semester (negative when
    lower is better). A cumulative indicator reports what each semester added, the way the rules sum
    it up to date: ``first_target`` in its first semester, ``step`` in every later one.
    """

    name: str
    unit: str
    kind: Kind
    first_target: float
    step: float
    _: KW_ONLY
    baseline: float | None = None
    direction: Dir = Dir.HIGHER_IS_BETTER
    accumulation: Acc = Acc.PERIODIC
    decimals: int = 0
    # Semesters in which the actual fell clearly short, as the evaluations of the seeds found.
    shortfalls: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Prog:
    """A program with its places, partners, money, beneficiaries and indicators."""

    company: str
    name: str
    description: str
    pillar: P
    sdgs: tuple[int, ...]
    stage: Stage
    start: date
    end: date | None = None
    poverty: bool = False
    villages: tuple[str, ...]
    groups: tuple[str, ...]
    implementers: tuple[str, ...] = ()
    beneficiaries: tuple[int, int, int, int, int, int]  # in the order of BENEFICIARY_COLUMNS
    budget: tuple[tuple[int, int, int], ...]  # (year, planned, spent) in whole rupiah
    indicators: tuple[Ind, ...]


OUTPUT, OUTCOME, IMPACT = Kind.OUTPUT, Kind.OUTCOME, Kind.IMPACT
LOWER, CUMULATIVE = Dir.LOWER_IS_BETTER, Acc.CUMULATIVE

PROGRAMS: tuple[Prog, ...] = (
    Prog(
        company=KPI,
        name="Pengelolaan Sampah Terpadu Margasari",
        description="Pemilahan sampah rumah tangga, bank sampah dan pengomposan di permukiman pesisir "
        "Kelurahan Margasari untuk mengurangi sampah yang dibuang ke TPA dan ke laut.",
        pillar=P.ENVIRONMENT,
        sdgs=(11, 12, 14),
        stage=Stage.MONITORING_EVALUATION,
        start=date(2021, 7, 1),
        villages=("Margasari",),
        groups=(GRP_SAMPAH,),
        implementers=(YAYASAN_TELUK,),
        beneficiaries=(320, 286, 180, 164, 240, 231),
        budget=(
            (2022, 175_000_000, 168_400_000),
            (2023, 160_000_000, 151_250_000),
            (2024, 150_000_000, 139_800_000),
            (2025, 120_000_000, 48_600_000),
        ),
        indicators=(
            Ind(
                "Sampah rumah tangga terbuang ke TPA",
                "ton",
                OUTCOME,
                38.0,
                -2.5,
                baseline=42.0,
                direction=LOWER,
                decimals=1,
                shortfalls=("2022-S2",),
            ),
            Ind(
                "Sampah terpilah dan terolah",
                "ton",
                OUTPUT,
                12.0,
                14.0,
                baseline=0.0,
                accumulation=CUMULATIVE,
                decimals=1,
            ),
            Ind("Rumah tangga aktif memilah sampah", "KK", OUTCOME, 120, 25, baseline=85),
        ),
    ),
    Prog(
        company=KPI,
        name="Mariojela – Margasari Olah Jelantah",
        description="Pengumpulan minyak jelantah rumah tangga di Margasari untuk diolah menjadi sabun dan "
        "bahan baku biodiesel, agar tidak dibuang ke saluran dan laut.",
        pillar=P.ENVIRONMENT,
        sdgs=(7, 12, 14),
        stage=Stage.IMPLEMENTATION,
        start=date(2022, 1, 10),
        villages=("Margasari",),
        groups=(GRP_MARIOJELA,),
        beneficiaries=(150, 138, 40, 35, 140, 131),
        budget=(
            (2022, 95_000_000, 91_800_000),
            (2023, 110_000_000, 104_500_000),
            (2024, 100_000_000, 97_350_000),
            (2025, 90_000_000, 37_200_000),
        ),
        indicators=(
            Ind("Minyak jelantah terkumpul", "liter", OUTPUT, 1200, 250),
            Ind(
                "Rumah tangga penyetor jelantah",
                "KK",
                OUTPUT,
                60,
                15,
                accumulation=CUMULATIVE,
                shortfalls=("2022-S2",),
            ),
            Ind(
                "Pendapatan kelompok dari produk olahan jelantah",
                "juta rupiah",
                OUTCOME,
                6.0,
                1.5,
                baseline=0.0,
                decimals=1,
            ),
        ),
    ),
    Prog(
        company=KPI,
        name="Kampung Siaga Bencana Margasari",
        description="Pembentukan dan pelatihan relawan siaga bencana, jalur evakuasi dan simulasi kebakaran "
        "di permukiman padat atas air Kelurahan Margasari.",
        pillar=P.DISASTER_RESILIENCE,
        sdgs=(11, 13),
        stage=Stage.MONITORING_EVALUATION,
        start=date(2021, 9, 1),
        villages=("Margasari",),
        groups=(GRP_KSB_MARGASARI,),
        beneficiaries=(400, 372, 210, 198, 230, 221),
        budget=(
            (2022, 150_000_000, 146_900_000),
            (2023, 140_000_000, 133_700_000),
            (2024, 130_000_000, 128_450_000),
            (2025, 100_000_000, 41_000_000),
        ),
        indicators=(
            Ind(
                "Relawan siaga bencana terlatih", "orang", OUTPUT, 20, 8, baseline=8, accumulation=CUMULATIVE
            ),
            Ind("Warga ikut simulasi evakuasi", "orang", OUTPUT, 80, 15),
            Ind(
                "Waktu tanggap awal kejadian kebakaran",
                "menit",
                OUTCOME,
                20.0,
                -1.5,
                baseline=25.0,
                direction=LOWER,
                decimals=1,
            ),
        ),
    ),
    Prog(
        company=KPI,
        name="Kampung Siaga Bencana Baru Tengah",
        description="Relawan siaga bencana, alat pemadam api ringan dan rencana evakuasi warga Kelurahan "
        "Baru Tengah yang bertetangga dengan kilang.",
        pillar=P.DISASTER_RESILIENCE,
        sdgs=(11, 13),
        stage=Stage.REPORTING,
        start=date(2021, 9, 1),
        end=date(2024, 12, 31),
        villages=("Baru Tengah",),
        groups=(GRP_KSB_BARU_TENGAH,),
        beneficiaries=(350, 341, 190, 186, 205, 199),
        budget=(
            (2022, 140_000_000, 137_200_000),
            (2023, 135_000_000, 129_900_000),
            (2024, 120_000_000, 118_750_000),
        ),
        indicators=(
            Ind(
                "Relawan siaga bencana terlatih", "orang", OUTPUT, 18, 7, baseline=5, accumulation=CUMULATIVE
            ),
            Ind("Rumah dilengkapi alat pemadam api ringan", "rumah", OUTPUT, 40, 10, shortfalls=("2023-S1",)),
            Ind("Kejadian kebakaran permukiman", "kejadian", IMPACT, 4, -0.4, baseline=6, direction=LOWER),
        ),
    ),
    Prog(
        company=KPI,
        name="Pertanian dan Peternakan Terintegrasi dengan BSF Karang Joang",
        description="Budidaya maggot Black Soldier Fly dari sampah organik sebagai pakan ternak dan ikan, "
        "kasgot sebagai pupuk kebun kelompok di Kelurahan Karang Joang.",
        pillar=P.ECONOMY,
        sdgs=(2, 8, 12),
        stage=Stage.IMPLEMENTATION,
        start=date(2022, 2, 1),
        villages=("Karang Joang",),
        groups=(GRP_BSF,),
        implementers=(YAYASAN_TELUK,),
        beneficiaries=(60, 52, 45, 41, 30, 27),
        budget=(
            (2022, 185_000_000, 176_300_000),
            (2023, 165_000_000, 158_900_000),
            (2024, 150_000_000, 144_100_000),
            (2025, 140_000_000, 52_400_000),
        ),
        indicators=(
            Ind("Produksi maggot BSF", "kg", OUTPUT, 900, 150, shortfalls=("2022-S2", "2023-S1")),
            Ind("Sampah organik diolah maggot", "ton", OUTPUT, 6.0, 5.5, accumulation=CUMULATIVE, decimals=1),
            Ind("Kenaikan pendapatan anggota", "persen", OUTCOME, 8.0, 2.0, baseline=0.0, decimals=1),
        ),
    ),
    Prog(
        company=KPI,
        name="Rawabening – Rain Water Harvesting dan Urban Farming",
        description="Penampungan air hujan untuk budidaya sayuran hidroponik dan olahan sayur oleh ibu-ibu "
        "Kampung Atas Air, Kelurahan Margasari, yang kekurangan air tawar dan lahan.",
        pillar=P.ENVIRONMENT,
        sdgs=(2, 6, 11),
        stage=Stage.IMPLEMENTATION,
        start=date(2023, 2, 24),
        villages=("Margasari",),
        groups=(GRP_RAWABENING,),
        beneficiaries=(52, 48, 10, 8, 48, 45),
        budget=(
            (2023, 125_000_000, 119_600_000),
            (2024, 115_000_000, 112_300_000),
            (2025, 100_000_000, 44_800_000),
        ),
        indicators=(
            Ind("Air hujan tertampung dan dimanfaatkan", "m³", OUTPUT, 60, 10),
            Ind("Produksi sayuran hidroponik", "kg", OUTPUT, 350, 60),
            Ind("Pendapatan kelompok", "juta rupiah", OUTCOME, 9.0, 3.0, baseline=0.0, decimals=1),
        ),
    ),
    Prog(
        company=KPI,
        name="Kriya Sabut Kelapa Koperasi Kriya Inovasi Mandara",
        description="Pengolahan limbah sabut kelapa menjadi kerajinan, cocopeat dan cocofiber oleh anggota "
        "koperasi, sebagian besar ibu rumah tangga, di Kelurahan Saloloang, Penajam.",
        pillar=P.ECONOMY,
        sdgs=(5, 8, 12),
        stage=Stage.IMPLEMENTATION,
        start=date(2024, 1, 15),
        villages=("Saloloang",),
        groups=(GRP_KIM,),
        beneficiaries=(40, 36, 5, 4, 60, 57),
        budget=((2024, 90_000_000, 86_500_000), (2025, 110_000_000, 38_900_000)),
        indicators=(
            Ind("Produk sabut kelapa terjual", "buah", OUTPUT, 400, 120),
            Ind("Anggota perempuan aktif", "orang", OUTCOME, 35, 5),
            Ind("Sabut kelapa terolah", "ton", OUTPUT, 8.0, 6.0, accumulation=CUMULATIVE, decimals=1),
        ),
    ),
    Prog(
        company=INDEXIM,
        name="Pengembangan Ekonomi Potensial Desa Bukit Permata",
        description="PPM Pengembangan Ekonomi Potensial Desa: usaha olahan pangan dan pupuk organik kelompok "
        "di Desa Bukit Permata, Kecamatan Kaubun, bersama mitra pelaksana.",
        pillar=P.ECONOMY,
        sdgs=(1, 8),
        stage=Stage.MONITORING_EVALUATION,
        start=date(2022, 1, 3),
        poverty=True,
        villages=("Bukit Permata",),
        groups=(GRP_BUKIT_PERMATA,),
        implementers=(YAYASAN_KUTIM,),
        beneficiaries=(45, 41, 38, 35, 27, 24),
        budget=(
            (2022, 210_000_000, 198_700_000),
            (2023, 225_000_000, 214_300_000),
            (2024, 200_000_000, 187_900_000),
            (2025, 180_000_000, 70_500_000),
        ),
        indicators=(
            Ind("Kelompok usaha aktif", "kelompok", OUTPUT, 3, 0.5),
            Ind(
                "Omzet usaha kelompok",
                "juta rupiah",
                OUTCOME,
                15.0,
                3.0,
                baseline=0.0,
                decimals=1,
                shortfalls=("2023-S1",),
            ),
            Ind(
                "Keluarga penerima manfaat di bawah garis kemiskinan",
                "KK",
                IMPACT,
                26,
                -2,
                baseline=28,
                direction=LOWER,
            ),
        ),
    ),
    Prog(
        company=INDEXIM,
        name="Pengembangan Ekonomi Potensial Desa Baay",
        description="PPM Pengembangan Ekonomi Potensial Desa: budidaya dan pemasaran madu kelulut kelompok "
        "di Desa Baay, Kecamatan Karangan, bersama mitra pelaksana.",
        pillar=P.ECONOMY,
        sdgs=(1, 8, 15),
        stage=Stage.MONITORING_EVALUATION,
        start=date(2022, 1, 3),
        poverty=True,
        villages=("Baay",),
        groups=(GRP_BAAY,),
        implementers=(YAYASAN_KUTIM,),
        beneficiaries=(38, 33, 30, 27, 22, 20),
        budget=(
            (2022, 190_000_000, 181_200_000),
            (2023, 200_000_000, 192_600_000),
            (2024, 185_000_000, 176_450_000),
            (2025, 170_000_000, 64_300_000),
        ),
        indicators=(
            Ind("Produksi madu kelulut", "liter", OUTPUT, 40, 10, shortfalls=("2023-S1",)),
            Ind("Anggota kelompok terlatih", "orang", OUTPUT, 20, 6, accumulation=CUMULATIVE),
            Ind("Pendapatan tambahan rata-rata anggota", "ribu rupiah/bulan", OUTCOME, 350, 50, baseline=0.0),
        ),
    ),
    Prog(
        company=LOA_KULU,
        name="Budidaya Ikan Air Tawar Keluarga Prasejahtera Jembayan",
        description="Kolam ikan nila bagi keluarga sasaran RBPK (P3KE/DTKS) di Desa Jembayan, dengan "
        "pendampingan teknis dan pemasaran.",
        pillar=P.ECONOMY,
        sdgs=(1, 2, 8),
        stage=Stage.MONITORING_EVALUATION,
        start=date(2023, 2, 1),
        poverty=True,
        villages=("Jembayan",),
        groups=(GRP_JEMBAYAN,),
        implementers=(LPM_MAHAKAM,),
        beneficiaries=(60, 54, 60, 52, 25, 23),
        budget=(
            (2023, 250_000_000, 241_800_000),
            (2024, 230_000_000, 219_400_000),
            (2025, 200_000_000, 76_300_000),
        ),
        indicators=(
            Ind("Keluarga sasaran RBPK yang didampingi", "KK", OUTPUT, 30, 10, accumulation=CUMULATIVE),
            Ind("Produksi ikan nila", "kg", OUTPUT, 1500, 300),
        ),
    ),
    Prog(
        company=LOA_KULU,
        name="Rehabilitasi Rumah Tidak Layak Huni Loa Kulu",
        description="Perbaikan rumah tidak layak huni keluarga miskin ekstrem sasaran RBPK di Desa "
        "Loa Kulu Kota.",
        pillar=P.INFRASTRUCTURE,
        sdgs=(1, 11),
        stage=Stage.REPORTING,
        start=date(2023, 3, 1),
        end=date(2024, 12, 31),
        poverty=True,
        villages=("Loa Kulu Kota",),
        groups=(),
        implementers=(LPM_MAHAKAM,),
        beneficiaries=(40, 38, 70, 66, 72, 70),
        budget=((2023, 400_000_000, 388_500_000), (2024, 350_000_000, 344_900_000)),
        indicators=(
            Ind("Rumah direhabilitasi", "rumah", OUTPUT, 10, 8, accumulation=CUMULATIVE),
            Ind(
                "Keluarga miskin ekstrem yang dihuni rumah layak",
                "KK",
                OUTCOME,
                10,
                8,
                accumulation=CUMULATIVE,
            ),
        ),
    ),
    Prog(
        company=JANGGUT,
        name="Kebun Pangan Keluarga Kembang Janggut",
        description="Bibit, pupuk dan pendampingan kebun pangan pekarangan bagi keluarga sasaran RBPK di "
        "Desa Kembang Janggut.",
        pillar=P.ECONOMY,
        sdgs=(1, 2),
        stage=Stage.IMPLEMENTATION,
        start=date(2023, 4, 1),
        poverty=True,
        villages=("Kembang Janggut",),
        groups=(GRP_KEMBANG_JANGGUT,),
        beneficiaries=(80, 71, 30, 26, 85, 79),
        budget=(
            (2023, 180_000_000, 171_250_000),
            (2024, 175_000_000, 166_800_000),
            (2025, 160_000_000, 58_900_000),
        ),
        indicators=(
            Ind("Keluarga penerima bibit dan pendampingan", "KK", OUTPUT, 40, 10),
            Ind(
                "Keluarga sasaran dengan pangan cukup",
                "persen",
                OUTCOME,
                60.0,
                5.0,
                baseline=45.0,
                decimals=1,
            ),
        ),
    ),
    Prog(
        company=KENOHAN,
        name="Beasiswa Anak Petani Plasma Kenohan",
        description="Beasiswa sekolah menengah bagi anak petani plasma di Desa Kahala, Kecamatan Kenohan.",
        pillar=P.EDUCATION,
        sdgs=(4,),
        stage=Stage.IMPLEMENTATION,
        start=date(2023, 7, 1),
        villages=("Kahala",),
        groups=(GRP_KAHALA,),
        beneficiaries=(35, 32, 18, 16, 17, 16),
        budget=(
            (2023, 120_000_000, 114_000_000),
            (2024, 130_000_000, 127_500_000),
            (2025, 130_000_000, 65_000_000),
        ),
        indicators=(
            Ind("Penerima beasiswa", "orang", OUTPUT, 25, 5),
            Ind("Penerima beasiswa naik kelas atau lulus", "persen", OUTCOME, 90.0, 1.0, decimals=1),
        ),
    ),
    Prog(
        company=SANGA,
        name="Reklamasi Partisipatif Lahan Pascatambang Sanga-Sanga",
        description="Revegetasi lahan pascatambang dengan tanaman lokal bersama kelompok tani hutan di "
        "Sanga-Sanga dan Muara Badak.",
        pillar=P.ENVIRONMENT,
        sdgs=(13, 15),
        stage=Stage.COMPLETED,
        start=date(2022, 1, 1),
        end=date(2023, 12, 31),
        villages=("Sanga-Sanga Dalam", "Badak Baru"),
        groups=(GRP_SANGA,),
        beneficiaries=(30, 30, 28, 28, 12, 11),
        budget=((2022, 300_000_000, 291_000_000), (2023, 280_000_000, 279_400_000)),
        indicators=(
            Ind("Luas lahan direvegetasi", "ha", OUTPUT, 5.0, 4.0, accumulation=CUMULATIVE, decimals=1),
            Ind("Bibit tanaman lokal tertanam", "batang", OUTPUT, 2000, 500),
        ),
    ),
)


@dataclass(frozen=True, kw_only=True)
class Mtg:
    """A meeting of the seeds, who came and which programs it discussed."""

    key: str
    kind: MeetingKind
    title: str
    held_on: date
    venue: str
    regency: str
    purpose: str
    attendee_count: int
    attendance: tuple[tuple[str, int], ...]
    programs: tuple[str, ...] = ()
    company: str | None = None
    organiser: str | None = None  # an organisation, for meetings a government calls


KPI_MONEV_PROGRAMS = tuple(p.name for p in PROGRAMS[:5])
MEETINGS: tuple[Mtg, ...] = (
    Mtg(
        key="eval-indexim",
        kind=MeetingKind.SEMESTER_EVALUATION,
        title="Evaluasi Semesteran PPM Pengembangan Ekonomi Potensial Desa",
        held_on=date(2023, 5, 12),
        venue="Sangatta, Kutai Timur",
        regency=KUTIM,
        company=INDEXIM,
        purpose="Membandingkan rencana dengan capaian program PPM di Desa Bukit Permata dan Desa Baay, "
        "mengidentifikasi kesenjangan dan merumuskan tindak lanjut bersama mitra pelaksana, penerima "
        "manfaat, tokoh masyarakat dan pemerintah desa.",
        attendee_count=26,
        attendance=(
            (YAYASAN_KUTIM, 4),
            (GRP_BUKIT_PERMATA, 5),
            (GRP_BAAY, 5),
            (DESA_BUKIT_PERMATA, 2),
            (DESA_BAAY, 2),
            (TOKOH_BUKIT_PERMATA, 1),
            (TOKOH_BAAY, 2),
        ),
        programs=(
            "Pengembangan Ekonomi Potensial Desa Bukit Permata",
            "Pengembangan Ekonomi Potensial Desa Baay",
        ),
    ),
    Mtg(
        key="monev-kpi-2022",
        kind=MeetingKind.MONEV,
        title="Monitoring dan Evaluasi Program CSR PT KPI Unit Balikpapan 2022",
        held_on=date(2022, 9, 27),
        venue="Gedung Banua Patra, Balikpapan",
        regency=BPP,
        company=KPI,
        purpose="Memastikan pelaksanaan Program Kerja 2022 di lapangan sesuai rencana, melaporkan "
        "implementasinya, dan mempertemukan lima kelompok mitra binaan dengan pemangku kepentingan untuk "
        "saling memberi harapan dan masukan.",
        attendee_count=42,
        attendance=(
            (BPBD, 2),
            (KEC_BPP_BARAT, 1),
            (DLH_BPP, 1),
            (DINSOS_BPP, 1),
            (BLK, 1),
            (KEL_BARU_TENGAH, 1),
            (KEL_MARGASARI, 1),
            (GRP_SAMPAH, 4),
            (GRP_MARIOJELA, 4),
            (GRP_KSB_MARGASARI, 4),
            (GRP_KSB_BARU_TENGAH, 4),
            (GRP_BSF, 4),
        ),
        programs=KPI_MONEV_PROGRAMS,
    ),
    Mtg(
        key="fgd-kpi-2023",
        kind=MeetingKind.FGD,
        title="FGD Review Rencana Strategis Program TJSL 2023",
        held_on=date(2023, 1, 17),
        venue="Gedung Banua Patra, Balikpapan",
        regency=BPP,
        company=KPI,
        purpose="Meninjau rencana strategis program pemberdayaan masyarakat 2023, memberi masukan kepada "
        "kelompok mitra binaan dan memperkenalkan program TJSL kepada pemangku kepentingan Kota Balikpapan.",
        attendee_count=55,
        attendance=(
            (DISPERKIM, 1),
            (KEL_BARU_TENGAH, 1),
            (KEL_MARGASARI, 1),
            (KEL_BARU_ILIR, 1),
            (KEL_KARANG_JOANG, 1),
            (KEL_MUARA_RAPAK, 1),
            (DLH_BPP, 1),
            (DINKES, 1),
            (DKUMKMP, 1),
            (DISNAKER, 2),
            (DINSOS_BPP, 1),
            (BPBD, 1),
            (BLK, 1),
            (KEC_BPP_BARAT, 1),
            (KILANG_BPP, 2),
            (RUMAH_BUMN, 1),
            (CIROWASTE, 2),
            (GRP_SAMPAH, 3),
            (GRP_MARIOJELA, 3),
            (GRP_KSB_MARGASARI, 3),
            (GRP_KSB_BARU_TENGAH, 3),
            (GRP_BSF, 3),
        ),
        programs=(*KPI_MONEV_PROGRAMS, "Rawabening – Rain Water Harvesting dan Urban Farming"),
    ),
    Mtg(
        key="fgd-kpi-2025",
        kind=MeetingKind.FGD,
        title="FGD Rencana Strategis dan Rencana Kerja TJSL 2025",
        # The article gives no date; the 2025 work plan is discussed late in 2024.
        held_on=date(2024, 11, 21),
        venue="Gedung Banua Patra, Balikpapan",
        regency=BPP,
        company=KPI,
        purpose="Menampung aspirasi pemangku kepentingan Kota Balikpapan dan Kabupaten Penajam Paser Utara "
        "untuk Rencana Strategis dan Rencana Kerja TJSL 2025, dengan berbagi pengalaman para local hero.",
        attendee_count=48,
        attendance=(
            (BAPPEDALITBANG, 2),
            (BAPPELITBANG_PPU, 2),
            (DLH_PPU, 1),
            (KEL_SALOLOANG, 1),
            (GRP_KIM, 3),
            (GRP_RAWABENING, 3),
            (KEL_MARGASARI, 1),
            (KEC_BPP_BARAT, 1),
            (DLH_BPP, 1),
            (GRP_SAMPAH, 2),
            (GRP_MARIOJELA, 2),
            (GRP_KSB_MARGASARI, 2),
            (GRP_BSF, 2),
            (POLTEKBA, 1),
            (RADIO, 1),
            (RT30, 1),
        ),
        programs=(
            "Pengelolaan Sampah Terpadu Margasari",
            "Mariojela – Margasari Olah Jelantah",
            "Kampung Siaga Bencana Margasari",
            "Pertanian dan Peternakan Terintegrasi dengan BSF Karang Joang",
            "Rawabening – Rain Water Harvesting dan Urban Farming",
            "Kriya Sabut Kelapa Koperasi Kriya Inovasi Mandara",
        ),
    ),
    Mtg(
        key="rakor-kukar",
        kind=MeetingKind.RAKOR,
        title="Rakor Penyusunan Rencana Program Kolaborasi TJSP tentang Penanggulangan Kemiskinan Tahun 2023",
        held_on=date(2022, 9, 9),
        venue="Ruang Batara, Bappeda Kabupaten Kutai Kartanegara, Tenggarong",
        regency=KUKAR,
        organiser=BAPPEDA_KUKAR,
        purpose="Menyelaraskan program TJSP perusahaan di Kutai Kartanegara dengan penanggulangan kemiskinan "
        "ekstrem tahun rencana 2023; dipimpin Bupati Kukar.",
        attendee_count=64,
        attendance=((BAPPEDA_KUKAR, 6), (SETDA_KUKAR, 4), (DINSOS_KUKAR, 3), (DPMD_KUKAR, 2)),
    ),
)


@dataclass(frozen=True, kw_only=True)
class Action:
    """A follow-up action, agreed at an evaluation or in answer to feedback."""

    key: str
    program: str
    description: str
    owner: str
    due: date
    status: ActionStatus
    completed_on: date | None = None
    evaluation: str | None = None
    indicator: str | None = None


@dataclass(frozen=True, kw_only=True)
class Evl:
    """A monev or semester evaluation of one company's programs for one semester."""

    key: str
    company: str
    period: str
    meeting: str
    title: str
    held_on: date
    notes: str
    programs: tuple[str, ...]


BUKIT_PERMATA = "Pengembangan Ekonomi Potensial Desa Bukit Permata"
BAAY = "Pengembangan Ekonomi Potensial Desa Baay"
SAMPAH, MARIOJELA, KSB_MARGASARI, KSB_BARU_TENGAH, BSF = KPI_MONEV_PROGRAMS
RAWABENING = "Rawabening – Rain Water Harvesting dan Urban Farming"
KRIYA = "Kriya Sabut Kelapa Koperasi Kriya Inovasi Mandara"

EVALUATIONS: tuple[Evl, ...] = (
    Evl(
        key="eval-indexim",
        company=INDEXIM,
        period="2023-S1",
        meeting="eval-indexim",
        title="Evaluasi Semesteran PPM 2023-S1 – Pengembangan Ekonomi Potensial Desa",
        held_on=date(2023, 5, 12),
        notes="Evaluasi partisipatif bersama mitra pelaksana, penerima manfaat, tokoh masyarakat dan "
        "pemerintah desa: bukan untuk mencari kesalahan, melainkan mengidentifikasi kesenjangan dan "
        "memperoleh pembelajaran. Omzet kelompok di Bukit Permata dan produksi madu di Baay di bawah "
        "rencana.",
        programs=(BUKIT_PERMATA, BAAY),
    ),
    Evl(
        key="monev-kpi-2022",
        company=KPI,
        period="2022-S2",
        meeting="monev-kpi-2022",
        title="Monev Program CSR PT KPI Unit Balikpapan 2022-S2",
        held_on=date(2022, 9, 27),
        notes="Pelaporan implementasi Program Kerja 2022 oleh lima kelompok mitra binaan; kendala tiap "
        "program dibahas bersama pemangku kepentingan.",
        programs=KPI_MONEV_PROGRAMS,
    ),
)

# Follow-up actions; several are still open long after their due date, as happens.
ACTIONS: tuple[Action, ...] = (
    Action(
        key="pengering",
        program=BUKIT_PERMATA,
        evaluation="eval-indexim",
        indicator="Omzet usaha kelompok",
        description="Perbaiki alat pengering dan atur pembelian bahan baku bersama melalui koperasi desa.",
        owner=YAYASAN_KUTIM,
        due=date(2023, 7, 31),
        status=ActionStatus.DONE,
        completed_on=date(2023, 7, 18),
    ),
    Action(
        key="stup",
        program=BAAY,
        evaluation="eval-indexim",
        indicator="Produksi madu kelulut",
        description="Tambah 40 stup kelulut dan latih pemanen baru di Desa Baay.",
        owner="Tim CSR PT Indexim Coalindo",
        due=date(2023, 9, 30),
        status=ActionStatus.DONE,
        completed_on=date(2023, 10, 5),
    ),
    Action(
        key="pasar-madu",
        program=BAAY,
        evaluation="eval-indexim",
        description="Dampingi pemasaran madu kelulut ke toko oleh-oleh dan koperasi karyawan di Sangatta.",
        owner=YAYASAN_KUTIM,
        due=date(2023, 12, 31),
        status=ActionStatus.IN_PROGRESS,
    ),
    Action(
        key="pembukuan",
        program=BUKIT_PERMATA,
        evaluation="eval-indexim",
        description="Pelatihan pembukuan sederhana bagi pengurus kelompok usaha.",
        owner=YAYASAN_KUTIM,
        due=date(2024, 3, 31),
        status=ActionStatus.OPEN,
    ),
    Action(
        key="balai-desa",
        program=BUKIT_PERMATA,
        evaluation="eval-indexim",
        description="Gelar sesi evaluasi semester berikutnya di balai desa agar lebih banyak penerima "
        "manfaat hadir.",
        owner="Tim CSR PT Indexim Coalindo",
        due=date(2023, 11, 30),
        status=ActionStatus.DONE,
        completed_on=date(2023, 11, 17),
    ),
    Action(
        key="pilah-sumber",
        program=SAMPAH,
        evaluation="monev-kpi-2022",
        indicator="Sampah rumah tangga terbuang ke TPA",
        description="Perluas pemilahan di sumber: tambah 60 rumah tangga nasabah dan jemput sampah terpilah "
        "dua kali seminggu.",
        owner=GRP_SAMPAH,
        due=date(2023, 3, 31),
        status=ActionStatus.DONE,
        completed_on=date(2023, 3, 28),
    ),
    Action(
        key="rekap-dlh",
        program=SAMPAH,
        evaluation="monev-kpi-2022",
        description="Kirim rekap bulanan data sampah terolah ke DLH Kota Balikpapan.",
        owner="Tim CSR PT KPI Unit Balikpapan",
        due=date(2023, 1, 31),
        status=ActionStatus.DONE,
        completed_on=date(2023, 1, 30),
    ),
    Action(
        key="titik-jelantah",
        program=MARIOJELA,
        evaluation="monev-kpi-2022",
        indicator="Rumah tangga penyetor jelantah",
        description="Tambah titik pengumpulan jelantah di RT lain di Kelurahan Margasari.",
        owner=GRP_MARIOJELA,
        due=date(2022, 12, 31),
        status=ActionStatus.DONE,
        completed_on=date(2022, 12, 15),
    ),
    Action(
        key="sop-bpbd",
        program=KSB_BARU_TENGAH,
        evaluation="monev-kpi-2022",
        description="Susun SOP evakuasi dan latihan gabungan Kampung Siaga Bencana Baru Tengah bersama BPBD.",
        owner=f"{GRP_KSB_BARU_TENGAH} dan BPBD Kota Balikpapan",
        due=date(2023, 6, 30),
        status=ActionStatus.IN_PROGRESS,
    ),
    Action(
        key="apar",
        program=KSB_BARU_TENGAH,
        evaluation="monev-kpi-2022",
        indicator="Rumah dilengkapi alat pemadam api ringan",
        description="Pendataan ulang rumah yang belum memiliki APAR dan pengadaan tahap kedua.",
        owner="Tim CSR PT KPI Unit Balikpapan",
        due=date(2023, 4, 30),
        status=ActionStatus.DONE,
        completed_on=date(2023, 5, 22),
    ),
    Action(
        key="sertifikasi-bsf",
        program=BSF,
        evaluation="monev-kpi-2022",
        indicator="Produksi maggot BSF",
        description="Sertifikasi pelatihan budidaya maggot BSF dan pakan bersama BLK Kalimantan Timur.",
        owner="Tim CSR PT KPI Unit Balikpapan",
        due=date(2023, 8, 31),
        status=ActionStatus.OPEN,
    ),
    Action(
        key="jual-kasgot",
        program=BSF,
        evaluation="monev-kpi-2022",
        description="Uji coba penjualan pupuk kasgot ke toko pertanian (dibatalkan: kasgot dipakai untuk "
        "kebun kelompok sendiri).",
        owner=GRP_BSF,
        due=date(2022, 12, 31),
        status=ActionStatus.CANCELLED,
    ),
    Action(
        key="cirowaste",
        program=SAMPAH,
        description="Uji coba aplikasi pencatatan dan penjemputan sampah Cirowaste di Margasari.",
        owner=f"{CIROWASTE} dan {GRP_SAMPAH}",
        due=date(2023, 4, 30),
        status=ActionStatus.DONE,
        completed_on=date(2023, 4, 25),
    ),
    Action(
        key="tandon",
        program=RAWABENING,
        description="Perbaiki tandon air hujan yang bocor dan jadwalkan perawatan bulanan.",
        owner=GRP_RAWABENING,
        due=date(2025, 3, 31),
        status=ActionStatus.IN_PROGRESS,
    ),
    Action(
        key="narasumber-kim",
        program=KRIYA,
        description="Koperasi KIM menjadi narasumber pelatihan kriya bagi kelompok binaan di Balikpapan.",
        owner="Tim CSR PT KPI Unit Balikpapan",
        due=date(2026, 6, 30),
        status=ActionStatus.OPEN,
    ),
)


@dataclass(frozen=True, kw_only=True)
class Said:
    """A statement a stakeholder made at a meeting and what became of it."""

    meeting: str
    org: str
    speaker: str = ""
    kind: FeedbackKind
    text: str
    program: str | None = None
    status: FeedbackStatus = FeedbackStatus.OPEN
    response: str = ""
    decline_reason: str = ""
    follow_up: str | None = None
    closed_on: date | None = None


FEEDBACK: tuple[Said, ...] = (
    # Seed 000: the semester evaluation in Sangatta.
    Said(
        meeting="eval-indexim",
        org=DESA_BAAY,
        speaker="Kepala Desa Baay",
        kind=FeedbackKind.EXPECTATION,
        program=BAAY,
        text="Pendampingan kelompok madu kelulut diharapkan berlanjut sampai kelompok mampu memasarkan "
        "sendiri, bukan sekadar kegiatan seremonial.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Pendampingan pemasaran ke Sangatta sedang berjalan bersama mitra pelaksana.",
        follow_up="pasar-madu",
    ),
    Said(
        meeting="eval-indexim",
        org=YAYASAN_KUTIM,
        speaker="Koordinator lapangan mitra pelaksana",
        kind=FeedbackKind.CONCERN,
        program=BUKIT_PERMATA,
        text="Omzet kelompok di Bukit Permata di bawah rencana karena harga bahan baku naik dan alat "
        "pengering belum berfungsi penuh.",
        status=FeedbackStatus.DONE,
        response="Alat pengering diperbaiki pada Juli 2023; bahan baku kini dibeli bersama melalui "
        "koperasi desa.",
        follow_up="pengering",
        closed_on=date(2023, 7, 18),
    ),
    Said(
        meeting="eval-indexim",
        org=TOKOH_BUKIT_PERMATA,
        kind=FeedbackKind.SUGGESTION,
        program=BUKIT_PERMATA,
        text="Evaluasi bersama seperti ini sebaiknya juga diadakan di balai desa supaya lebih banyak "
        "penerima manfaat ikut memberi masukan.",
        status=FeedbackStatus.DONE,
        response="Evaluasi semester berikutnya digelar di balai desa masing-masing.",
        follow_up="balai-desa",
        closed_on=date(2023, 11, 17),
    ),
    Said(
        meeting="eval-indexim",
        org=GRP_BUKIT_PERMATA,
        speaker="Bendahara kelompok",
        kind=FeedbackKind.SUGGESTION,
        program=BUKIT_PERMATA,
        text="Pengurus kelompok membutuhkan pelatihan pembukuan sederhana agar laporan keuangan rapi.",
        follow_up="pembukuan",
    ),
    # Seed 001: the monev at Gedung Banua Patra.
    Said(
        meeting="monev-kpi-2022",
        org=BPBD,
        speaker="Silvi Rahmadina, Kepala BPBD Kota Balikpapan",
        kind=FeedbackKind.APPRECIATION,
        program=KSB_MARGASARI,
        text="BPBD sangat mengapresiasi Program Kampung Siaga Bencana yang sejalan dengan program BPBD, "
        "Kampung Tangguh Bencana.",
        status=FeedbackStatus.DONE,
        response="Apresiasi disampaikan kepada kelompok; kedua kelompok KSB diundang pada apel siaga BPBD.",
        closed_on=date(2022, 10, 20),
    ),
    Said(
        meeting="monev-kpi-2022",
        org=BPBD,
        speaker="Silvi Rahmadina, Kepala BPBD Kota Balikpapan",
        kind=FeedbackKind.COLLABORATION_OFFER,
        program=KSB_BARU_TENGAH,
        text="Ke depan BPBD ingin berkolaborasi dengan kelompok Kampung Siaga Bencana agar masyarakat siaga "
        "terhadap bencana dan mitigasinya.",
        status=FeedbackStatus.IN_PROGRESS,
        response="SOP evakuasi dan latihan gabungan sedang disusun bersama BPBD.",
        follow_up="sop-bpbd",
    ),
    Said(
        meeting="monev-kpi-2022",
        org=DLH_BPP,
        kind=FeedbackKind.SUGGESTION,
        program=SAMPAH,
        text="Data sampah yang dipilah dan diolah kelompok sebaiknya dilaporkan tiap bulan ke DLH agar "
        "tercatat dalam capaian pengurangan sampah kota.",
        status=FeedbackStatus.DONE,
        response="Rekap bulanan dikirim ke DLH sejak Januari 2023.",
        follow_up="rekap-dlh",
        closed_on=date(2023, 1, 30),
    ),
    Said(
        meeting="monev-kpi-2022",
        org=KEL_MARGASARI,
        speaker="Lurah Margasari",
        kind=FeedbackKind.CONCERN,
        program=MARIOJELA,
        text="Titik pengumpulan jelantah baru ada di satu RT sehingga warga RT lain enggan menyetor.",
        status=FeedbackStatus.DONE,
        response="Titik pengumpulan ditambah di tiga RT lain pada Desember 2022.",
        follow_up="titik-jelantah",
        closed_on=date(2022, 12, 15),
    ),
    Said(
        meeting="monev-kpi-2022",
        org=BLK,
        kind=FeedbackKind.COLLABORATION_OFFER,
        program=BSF,
        text="BLK menawarkan pelatihan bersertifikat budidaya maggot BSF dan pengolahan pakan bagi anggota "
        "kelompok.",
        follow_up="sertifikasi-bsf",
    ),
    Said(
        meeting="monev-kpi-2022",
        org=KEC_BPP_BARAT,
        kind=FeedbackKind.SUGGESTION,
        program=SAMPAH,
        text="Pengelolaan sampah terpadu diperluas ke seluruh kelurahan di Kecamatan Balikpapan Barat.",
        status=FeedbackStatus.DECLINED,
        decline_reason="Anggaran dan pendampingan 2023 terbatas pada kelurahan ring 1; perluasan dikaji "
        "dalam rencana strategis berikutnya.",
        closed_on=date(2022, 11, 10),
    ),
    Said(
        meeting="monev-kpi-2022",
        org=DINSOS_BPP,
        kind=FeedbackKind.EXPECTATION,
        program=BSF,
        text="Anggota kelompok baru diharapkan diprioritaskan dari keluarga yang tercatat dalam DTKS.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Daftar calon anggota dicocokkan dengan DTKS bersama Dinas Sosial.",
    ),
    # Seed 002: FGD reviewing the 2023 strategic plan.
    Said(
        meeting="fgd-kpi-2023",
        org=DISNAKER,
        speaker="Yudiarso, Kepala Bidang Penempatan dan Perluasan Kerja",
        kind=FeedbackKind.EXPECTATION,
        text="Kerja sama dan keterlibatan para pemangku kepentingan perlu dipertahankan dan ditindaklanjuti; "
        "program jangka panjang CSR diharapkan menambah lapangan kerja di Balikpapan.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Jumlah tenaga kerja yang terserap kelompok binaan dilaporkan tiap semester ke Disnaker.",
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=KEC_BPP_BARAT,
        speaker="Arsulul Chairi, Sekretaris Kecamatan Balikpapan Barat",
        kind=FeedbackKind.APPRECIATION,
        text="Kecamatan mendukung FGD untuk menjaring masukan bagi program perusahaan, dan mendukung program "
        "CSR yang sangat membantu masyarakat Balikpapan Barat.",
        status=FeedbackStatus.DONE,
        response="Kecamatan dilibatkan dalam peresmian Program Rawabening pada Februari 2023.",
        closed_on=date(2023, 2, 24),
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=CIROWASTE,
        kind=FeedbackKind.COLLABORATION_OFFER,
        program=SAMPAH,
        text="Cirowaste menawarkan aplikasi pencatatan dan penjemputan sampah terpilah untuk kelompok "
        "pengelola sampah Margasari.",
        status=FeedbackStatus.DONE,
        response="Uji coba aplikasi berjalan Februari–April 2023 dan dilanjutkan kelompok.",
        follow_up="cirowaste",
        closed_on=date(2023, 4, 25),
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=RUMAH_BUMN,
        kind=FeedbackKind.SUGGESTION,
        program=MARIOJELA,
        text="Produk olahan kelompok binaan, misalnya sabun dari jelantah, dikurasi dan dipajang di "
        "Rumah BUMN agar pasarnya lebih luas.",
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=DINKES,
        kind=FeedbackKind.CONCERN,
        program=BSF,
        text="Budidaya maggot dekat permukiman perlu memperhatikan bau dan sanitasi agar tidak menimbulkan "
        "keluhan warga.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Kandang maggot dipindah ke lahan kelompok dan dipasang penutup.",
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=DISPERKIM,
        speaker="Kepala Dinas Perumahan dan Permukiman",
        kind=FeedbackKind.SUGGESTION,
        program=RAWABENING,
        text="Penampungan air hujan diselaraskan dengan penataan kawasan permukiman atas air di Margasari.",
        status=FeedbackStatus.DONE,
        response="Lokasi tandon disepakati bersama Disperkim sebelum peresmian program.",
        closed_on=date(2023, 2, 20),
    ),
    Said(
        meeting="fgd-kpi-2023",
        org=KEL_BARU_ILIR,
        speaker="Plt. Lurah Baru Ilir",
        kind=FeedbackKind.EXPECTATION,
        text="Kelurahan Baru Ilir berharap menjadi lokasi program TJSL pada tahun berikutnya.",
        status=FeedbackStatus.DECLINED,
        decline_reason="Baru Ilir belum masuk prioritas program 2023; akan dikaji dalam Renstra 2024–2025.",
        closed_on=date(2023, 3, 1),
    ),
    # Seed 003: FGD for the 2025 strategic plan and work plan.
    Said(
        meeting="fgd-kpi-2025",
        org=BAPPEDALITBANG,
        speaker="Murni, Kepala Bappedalitbang Kota Balikpapan",
        kind=FeedbackKind.EXPECTATION,
        text="FGD diharapkan meningkatkan partisipasi aktif masyarakat dan memberi apresiasi yang "
        "menumbuhkan kepercayaan diri warga untuk berinovasi dan berkontribusi.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Penghargaan local hero dimasukkan dalam Rencana Kerja 2025.",
    ),
    Said(
        meeting="fgd-kpi-2025",
        org=GRP_KIM,
        speaker="Rusni Febriyanti, Ketua Pengurus Koperasi KIM",
        kind=FeedbackKind.APPRECIATION,
        program=KRIYA,
        text="FGD menjadi ruang belajar dan berbagi pengalaman; kelompok yang dulu belajar otodidak lewat "
        "YouTube membuktikan sabut kelapa bisa bernilai ekonomi.",
        status=FeedbackStatus.DONE,
        response="Koperasi KIM diundang menjadi narasumber pelatihan kriya pada 2025.",
        follow_up="narasumber-kim",
        closed_on=date(2024, 12, 10),
    ),
    Said(
        meeting="fgd-kpi-2025",
        org=GRP_RAWABENING,
        speaker="Sarwana, Ketua Kelompok Rawabening",
        kind=FeedbackKind.EXPECTATION,
        program=RAWABENING,
        text="Diharapkan lebih banyak program berbasis pemberdayaan yang dimulai dari kemauan belajar dan "
        "berinovasi, agar potensi lokal menjadi peluang ekonomi berkelanjutan.",
    ),
    Said(
        meeting="fgd-kpi-2025",
        org=BAPPELITBANG_PPU,
        kind=FeedbackKind.SUGGESTION,
        text="Program di Penajam Paser Utara diselaraskan dengan rencana pembangunan daerah penyangga IKN.",
    ),
    Said(
        meeting="fgd-kpi-2025",
        org=POLTEKBA,
        kind=FeedbackKind.COLLABORATION_OFFER,
        program=RAWABENING,
        text="Mahasiswa dapat mendampingi pencatatan produksi dan pemasaran digital kelompok.",
    ),
    Said(
        meeting="fgd-kpi-2025",
        org=RT30,
        kind=FeedbackKind.CONCERN,
        program=RAWABENING,
        text="Beberapa tandon air hujan di rumah warga bocor dan perlu perawatan rutin.",
        status=FeedbackStatus.IN_PROGRESS,
        response="Perbaikan tandon dijadwalkan bersama kelompok.",
        follow_up="tandon",
    ),
    # Seed 004: the Kukar rakor.
    Said(
        meeting="rakor-kukar",
        org=DINSOS_KUKAR,
        kind=FeedbackKind.SUGGESTION,
        text="Perusahaan memakai data P3KE dan DTKS dari RBPK sebagai rujukan penerima manfaat, bukan "
        "data sendiri.",
        status=FeedbackStatus.DONE,
        response="Dicantumkan dalam poin 2 dan 4 hasil rakor.",
        closed_on=date(2022, 9, 9),
    ),
    Said(
        meeting="rakor-kukar",
        org=DPMD_KUKAR,
        kind=FeedbackKind.EXPECTATION,
        text="Program perusahaan di desa diselaraskan dengan RKPDes agar tidak tumpang tindih dengan "
        "dana desa.",
    ),
)

FRAMEWORK_NAME = "Rakor TJSP Penanggulangan Kemiskinan 2023"
# (number, title, text, deadline, evidence needed, rule, rule_min)
POINTS: tuple[tuple[int, str, str, date | None, str, PointRule, int | None], ...] = (
    (
        1,
        "Peran aktif menghapus kemiskinan ekstrem",
        "Seluruh perusahaan di wilayah Kukar berperan aktif dalam program penanggulangan kemiskinan "
        "ekstrem sesuai Inpres Nomor 4 Tahun 2022 tentang Percepatan Penghapusan Kemiskinan Ekstrem, yaitu "
        "nol persen pada tahun 2024.",
        None,
        "Pernyataan komitmen perusahaan dan daftar program yang menyasar keluarga miskin ekstrem.",
        PointRule.MANUAL,
        None,
    ),
    (
        2,
        "Usulan keikutsertaan melalui RBPK",
        "Pemkab Kukar menyediakan data sasaran by name by address berdasarkan P3KE dan DTKS melalui aplikasi "
        "Rumah Besar Penanggulangan Kemiskinan (RBPK). Perusahaan menginput usulan keikutsertaan di aplikasi "
        "paling lambat akhir November 2022; pada minggu I–III Desember 2022 OPD pengampu dan perusahaan "
        "menggelar rapat konsolidasi dan verifikasi lapangan terpadu terhadap sasaran.",
        date(2022, 11, 30),
        "Bukti input usulan di RBPK dan berita acara verifikasi lapangan terpadu.",
        PointRule.MANUAL,
        None,
    ),
    (
        3,
        "Penguatan TJSP sesuai Instruksi Bupati",
        "Penanggulangan kemiskinan di Kukar ditindaklanjuti dengan Instruksi Bupati untuk memperkuat "
        "pelaksanaan TJSP/TJSL di masing-masing perusahaan.",
        None,
        "Tindak lanjut perusahaan atas Instruksi Bupati, misalnya kebijakan TJSP internal.",
        PointRule.MANUAL,
        None,
    ),
    (
        4,
        "Kesepakatan program kolaborasi 2023",
        "OPD dan perusahaan menyusun dan menyepakati kerja sama program kolaborasi tahun rencana 2023 dengan "
        "melampirkan sasaran individu/keluarga melalui aplikasi RBPK Kukar, paling lambat Januari 2023.",
        date(2023, 1, 31),
        "Dokumen kesepakatan program kolaborasi yang ditandatangani, dengan lampiran sasaran dari RBPK.",
        PointRule.DOCUMENT_BY_DEADLINE,
        None,
    ),
    (
        5,
        "Minimal satu program penanggulangan kemiskinan",
        "Seluruh perusahaan, termasuk sektor perkebunan dan pertambangan, mengakomodasi minimal satu program "
        "penanggulangan kemiskinan yang disesuaikan dengan karakteristik wilayah sasaran kerja TJSP "
        "masing-masing.",
        None,
        "Program penanggulangan kemiskinan tahun rencana 2023 yang tercatat di Sinergi.",
        PointRule.MIN_POVERTY_PROGRAMS,
        1,
    ),
    (
        6,
        "Alasan tertulis bila tidak ikut serta",
        "Perusahaan yang tidak dapat ikut serta dalam program penanggulangan kemiskinan ekstrem melalui "
        "CSR/TJSP menyampaikan alasan secara tertulis kepada Bupati Kukar melalui Kepala Bappeda Kukar.",
        None,
        "Surat resmi perusahaan kepada Bupati Kukar melalui Kepala Bappeda.",
        PointRule.DECLINED_ONLY,
        None,
    ),
)

# (company, declined, reason, letter date)
PARTICIPATION: tuple[tuple[str, bool, str, date | None], ...] = (
    (LOA_KULU, False, "", None),
    (JANGGUT, False, "", None),
    (KENOHAN, False, "", None),
    (
        SANGA,
        True,
        "Penambangan berakhir pada 2022 dan perusahaan memasuki tahap reklamasi dan pascatambang; anggaran "
        "TJSP 2023 seluruhnya terikat pada kewajiban pascatambang.",
        date(2022, 10, 24),
    ),
)

MET, PARTLY, NOT_MET, NA = (
    ComplianceStatus.MET,
    ComplianceStatus.PARTLY_MET,
    ComplianceStatus.NOT_MET,
    ComplianceStatus.NOT_APPLICABLE,
)
# (company, point, evidence, document date, status set by hand or None). Manual points left None are pending;
# points 4–6 are judged by the rules from the document date, the programs and the participation.
COMPLIANCE: tuple[tuple[str, int, str, date | None, ComplianceStatus | None], ...] = (
    (
        LOA_KULU,
        1,
        "Surat komitmen direksi 3 Oktober 2022; dua program 2023 menyasar keluarga P3KE.",
        None,
        MET,
    ),
    (
        LOA_KULU,
        2,
        "Usulan diinput di RBPK 24 November 2022; ikut verifikasi lapangan 12 Desember 2022.",
        date(2022, 11, 24),
        MET,
    ),
    (LOA_KULU, 3, "Kebijakan TJSP internal diperbarui mengikuti Instruksi Bupati.", None, MET),
    (
        LOA_KULU,
        4,
        "Kesepakatan dengan Dinas Sosial dan DPMD ditandatangani 20 Januari 2023.",
        date(2023, 1, 20),
        None,
    ),
    (JANGGUT, 1, "Surat komitmen 30 September 2022.", None, MET),
    (
        JANGGUT,
        2,
        "Usulan diinput 29 November 2022 untuk dua dari tiga desa sasaran; Desa Kelekat menyusul.",
        date(2022, 11, 29),
        PARTLY,
    ),
    (JANGGUT, 3, "Menunggu dokumen kebijakan TJSP internal.", None, None),
    (
        JANGGUT,
        4,
        "Kesepakatan ditandatangani 14 Februari 2023, setelah batas Januari 2023.",
        date(2023, 2, 14),
        None,
    ),
    (
        KENOHAN,
        1,
        "Komitmen tertulis ada, tetapi belum ada program yang menyasar keluarga miskin ekstrem.",
        None,
        PARTLY,
    ),
    (KENOHAN, 2, "Tidak ada usulan yang diinput di RBPK sampai 30 November 2022.", None, NOT_MET),
    (KENOHAN, 4, "Draf kesepakatan masih dibahas dengan Dinas Sosial.", None, None),
    (SANGA, 1, "Perusahaan menyatakan tidak ikut serta (surat 24 Oktober 2022).", None, NA),
    (
        SANGA,
        6,
        "Surat Direktur kepada Bupati Kukar melalui Kepala Bappeda, 24 Oktober 2022.",
        date(2022, 10, 24),
        None,
    ),
)

# Every table the demo fills, in the order it fills them.
DEMO_TABLES: tuple[type[SQLModel], ...] = (
    m.Regency,
    m.District,
    m.Village,
    m.Company,
    m.CompanyRegency,
    m.Organisation,
    m.Period,
    m.Program,
    m.ProgramSdg,
    m.ProgramVillage,
    m.ProgramPartner,
    m.ProgramBudget,
    m.Indicator,
    m.Result,
    m.Meeting,
    m.MeetingAttendance,
    m.MeetingProgram,
    m.Evaluation,
    m.EvaluationProgram,
    m.FollowUpAction,
    m.FeedbackItem,
    m.Framework,
    m.FrameworkPoint,
    m.FrameworkParticipation,
    m.ComplianceRecord,
)

Row = TypeVar("Row", bound=SQLModel)


def _table(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


def _at(day: date, hour: int = 3) -> datetime:
    """A moment of ``day`` in UTC (03:00 UTC is 11:00 in Balikpapan)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _id(row: SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{row!r} has no id yet"
    return value


class _Loader:
    """Looks rows up by natural key and adds only the missing ones, counting what it added."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.added: dict[str, int] = {_table(model): 0 for model in DEMO_TABLES}

    def ensure(self, model: type[Row], key: dict[str, Any], **values: Any) -> Row:
        row = self.session.exec(select(model).filter_by(**key)).first()
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            # Flushed at once: the next rows need its id, and a natural-key lookup must see it.
            self.session.flush()
            self.added[_table(model)] += 1
        return row


def _period_code(year: int, semester: int) -> str:
    return f"{year}-S{semester}"


def _semester_dates(year: int, semester: int) -> tuple[date, date]:
    if semester == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def _series(program: Prog, ind: Ind, codes: list[str]) -> list[tuple[float, float]]:
    """Invented targets and actuals, the same on every run (seeded by the program and indicator names)."""
    rng = random.Random(f"{program.name}|{ind.name}")
    lower = ind.direction == Dir.LOWER_IS_BETTER
    out: list[tuple[float, float]] = []
    for index, code in enumerate(codes):
        if ind.accumulation == Acc.CUMULATIVE:
            target = ind.first_target if index == 0 else ind.step
        else:
            target = max(ind.first_target + ind.step * index, 0.0)
        # Mostly near the target, sometimes clearly short of it: that is where the gaps come from.
        factor = rng.uniform(0.92, 1.22) if lower else rng.uniform(0.8, 1.12)
        if code in ind.shortfalls:
            factor = 1.35 if lower else 0.7
        out.append((round(target, ind.decimals), round(target * factor, ind.decimals)))
    return out


def _load_places(loader: _Loader) -> tuple[dict[str, m.Regency], dict[str, m.Village]]:
    regencies: dict[str, m.Regency] = {}
    villages: dict[str, m.Village] = {}
    for regency_name, regency_kind, district_name, village_name, village_kind in PLACES:
        if regency_name not in regencies:
            regencies[regency_name] = loader.ensure(m.Regency, {"name": regency_name}, kind=regency_kind)
        district = loader.ensure(
            m.District, {"regency_id": _id(regencies[regency_name]), "name": district_name}
        )
        villages[village_name] = loader.ensure(
            m.Village, {"district_id": _id(district), "name": village_name}, kind=village_kind
        )
    return regencies, villages


def _load_programs(
    loader: _Loader,
    companies: dict[str, m.Company],
    organisations: dict[str, m.Organisation],
    villages: dict[str, m.Village],
    periods: dict[str, m.Period],
) -> tuple[dict[str, m.Program], dict[tuple[str, str], m.Indicator]]:
    programs: dict[str, m.Program] = {}
    indicators: dict[tuple[str, str], m.Indicator] = {}
    for spec in PROGRAMS:
        program = loader.ensure(
            m.Program,
            {"company_id": _id(companies[spec.company]), "name": spec.name},
            description=spec.description,
            pillar=spec.pillar,
            poverty_alleviation=spec.poverty,
            stage=spec.stage,
            start_date=spec.start,
            end_date=spec.end,
            **dict(zip(BENEFICIARY_COLUMNS, spec.beneficiaries, strict=True)),
        )
        programs[spec.name] = program
        program_id = _id(program)
        for sdg in spec.sdgs:
            loader.ensure(m.ProgramSdg, {"program_id": program_id, "sdg": sdg})
        for village in spec.villages:
            loader.ensure(m.ProgramVillage, {"program_id": program_id, "village_id": _id(villages[village])})
        roles = [(g, PartnerRole.BENEFICIARY_GROUP) for g in spec.groups]
        roles += [(i, PartnerRole.IMPLEMENTING_PARTNER) for i in spec.implementers]
        for organisation, role in roles:
            loader.ensure(
                m.ProgramPartner,
                {"program_id": program_id, "organisation_id": _id(organisations[organisation])},
                role=role,
            )
        for year, planned, spent in spec.budget:
            loader.ensure(
                m.ProgramBudget, {"program_id": program_id, "year": year}, planned=planned, spent=spent
            )
        # The semesters the program ran in.
        active = [
            period
            for period in sorted(periods.values(), key=lambda p: p.start_date)
            if period.end_date >= spec.start and (spec.end is None or period.start_date <= spec.end)
        ]
        for position, ind in enumerate(spec.indicators):
            indicator = loader.ensure(
                m.Indicator,
                {"program_id": program_id, "name": ind.name},
                unit=ind.unit,
                kind=ind.kind,
                baseline_value=ind.baseline,
                baseline_year=spec.start.year - 1 if ind.baseline is not None else None,
                direction=ind.direction,
                accumulation=ind.accumulation,
            )
            indicators[(spec.name, ind.name)] = indicator
            values = _series(spec, ind, [p.code for p in active])
            for period, (target, actual) in zip(active, values, strict=True):
                loader.ensure(
                    m.Result,
                    {"indicator_id": _id(indicator), "period_id": _id(period)},
                    **_result_fields(period, target, actual, ind.unit, still_entering=position % 2 == 1),
                )
    return programs, indicators


def _result_fields(
    period: m.Period, target: float, actual: float, unit: str, *, still_entering: bool
) -> dict[str, Any]:
    """State, times and text of a result: older semesters verified, the latest one partly still a draft."""
    submitted = _at(period.end_date + timedelta(days=20))
    if period.code == LATEST and still_entering:
        return {
            "target": target,
            "actual": None,
            "state": ResultState.DRAFT,
            "updated_at": _at(period.end_date),
        }
    fields: dict[str, Any] = {
        "target": target,
        "actual": actual,
        "narrative": f"Capaian semester {period.code}: {actual:g} {unit} dari target {target:g} {unit}.",
        "evidence": f"Laporan kegiatan kelompok semester {period.code}",
        "state": ResultState.SUBMITTED,
        "submitted_at": submitted,
        "updated_at": submitted,
    }
    if period.code <= LAST_VERIFIED:
        verified = _at(period.end_date + timedelta(days=45))
        fields.update(state=ResultState.VERIFIED, verified_at=verified, updated_at=verified)
    return fields


def _load_engagement(
    loader: _Loader,
    regencies: dict[str, m.Regency],
    companies: dict[str, m.Company],
    organisations: dict[str, m.Organisation],
    programs: dict[str, m.Program],
    indicators: dict[tuple[str, str], m.Indicator],
    periods: dict[str, m.Period],
) -> dict[str, m.Meeting]:
    meetings: dict[str, m.Meeting] = {}
    for mtg in MEETINGS:
        meeting = loader.ensure(
            m.Meeting,
            {"title": mtg.title, "held_on": mtg.held_on},
            kind=mtg.kind,
            venue=mtg.venue,
            organiser_company_id=_id(companies[mtg.company]) if mtg.company else None,
            organiser_organisation_id=_id(organisations[mtg.organiser]) if mtg.organiser else None,
            regency_id=_id(regencies[mtg.regency]),
            purpose=mtg.purpose,
            attendee_count=mtg.attendee_count,
        )
        meetings[mtg.key] = meeting
        for organisation, head_count in mtg.attendance:
            loader.ensure(
                m.MeetingAttendance,
                {"meeting_id": _id(meeting), "organisation_id": _id(organisations[organisation])},
                head_count=head_count,
            )
        for name in mtg.programs:
            loader.ensure(m.MeetingProgram, {"meeting_id": _id(meeting), "program_id": _id(programs[name])})

    evaluations: dict[str, m.Evaluation] = {}
    for evl in EVALUATIONS:
        evaluation = loader.ensure(
            m.Evaluation,
            {"company_id": _id(companies[evl.company]), "title": evl.title},
            period_id=_id(periods[evl.period]),
            meeting_id=_id(meetings[evl.meeting]),
            held_on=evl.held_on,
            notes=evl.notes,
        )
        evaluations[evl.key] = evaluation
        for name in evl.programs:
            loader.ensure(
                m.EvaluationProgram, {"evaluation_id": _id(evaluation), "program_id": _id(programs[name])}
            )

    actions: dict[str, m.FollowUpAction] = {}
    for act in ACTIONS:
        # A closed action was last touched when it was completed; an open one keeps the load time.
        touched = {"updated_at": _at(act.completed_on)} if act.completed_on else {}
        actions[act.key] = loader.ensure(
            m.FollowUpAction,
            {"program_id": _id(programs[act.program]), "description": act.description},
            evaluation_id=_id(evaluations[act.evaluation]) if act.evaluation else None,
            indicator_id=_id(indicators[(act.program, act.indicator)]) if act.indicator else None,
            owner=act.owner,
            due_date=act.due,
            status=act.status,
            completed_on=act.completed_on,
            **touched,
        )

    held_on = {mtg.key: mtg.held_on for mtg in MEETINGS}
    for said in FEEDBACK:
        source = organisations[said.org]
        created = _at(held_on[said.meeting], hour=4)
        closed = _at(said.closed_on) if said.closed_on else None
        loader.ensure(
            m.FeedbackItem,
            {"meeting_id": _id(meetings[said.meeting]), "text": said.text},
            organisation_id=_id(source),
            source_type=source.org_type,
            speaker=said.speaker,
            program_id=_id(programs[said.program]) if said.program else None,
            kind=said.kind,
            response=said.response,
            status=said.status,
            decline_reason=said.decline_reason,
            follow_up_id=_id(actions[said.follow_up]) if said.follow_up else None,
            moderation=Moderation.APPROVED,
            created_at=created,
            closed_at=closed,
            updated_at=closed or created,
        )
    return meetings


def _load_framework(
    loader: _Loader,
    regencies: dict[str, m.Regency],
    companies: dict[str, m.Company],
    meetings: dict[str, m.Meeting],
) -> None:
    framework = loader.ensure(
        m.Framework,
        {"regency_id": _id(regencies[KUKAR]), "name": FRAMEWORK_NAME},
        plan_year=2023,
        issued_on=date(2022, 9, 9),
        meeting_id=_id(meetings["rakor-kukar"]),
    )
    points: dict[int, m.FrameworkPoint] = {}
    for number, title, text, deadline, evidence, rule, rule_min in POINTS:
        points[number] = loader.ensure(
            m.FrameworkPoint,
            {"framework_id": _id(framework), "number": number},
            title=title,
            text=text,
            deadline=deadline,
            evidence_needed=evidence,
            rule=rule,
            rule_min=rule_min,
        )
    for company, declined, reason, letter_on in PARTICIPATION:
        loader.ensure(
            m.FrameworkParticipation,
            {"framework_id": _id(framework), "company_id": _id(companies[company])},
            declined=declined,
            decline_reason=reason,
            decline_letter_on=letter_on,
        )
    for company, number, evidence, document_date, status in COMPLIANCE:
        verified = _at(date(2023, 2, 28)) if status is not None else None
        loader.ensure(
            m.ComplianceRecord,
            {"company_id": _id(companies[company]), "point_id": _id(points[number])},
            evidence=evidence,
            document_date=document_date,
            manual_status=status,
            note="Diverifikasi Bappeda Kukar." if status is not None else "",
            verified_at=verified,
            updated_at=verified or _at(document_date or date(2023, 1, 31)),
        )


def load_demo(*, session: Session) -> dict[str, int]:
    """Insert what is missing of the demo world; return the rows added per table (all zero when present)."""
    loader = _Loader(session)
    regencies, villages = _load_places(loader)

    companies: dict[str, m.Company] = {}
    for name, short_name, sector, operating_in in COMPANIES:
        company = loader.ensure(m.Company, {"name": name}, short_name=short_name, sector=sector)
        companies[name] = company
        for regency in operating_in:
            loader.ensure(
                m.CompanyRegency, {"company_id": _id(company), "regency_id": _id(regencies[regency])}
            )

    organisations: dict[str, m.Organisation] = {}
    for name, org_type, regency, village in ORGANISATIONS:
        organisations[name] = loader.ensure(
            m.Organisation,
            {"name": name},
            org_type=org_type,
            regency_id=_id(regencies[regency]),
            village_id=_id(villages[village]) if village else None,
        )

    periods: dict[str, m.Period] = {}
    for year, semester in PERIODS:
        start, end = _semester_dates(year, semester)
        code = _period_code(year, semester)
        periods[code] = loader.ensure(
            m.Period, {"code": code}, year=year, semester=semester, start_date=start, end_date=end
        )

    programs, indicators = _load_programs(loader, companies, organisations, villages, periods)
    meetings = _load_engagement(loader, regencies, companies, organisations, programs, indicators, periods)
    _load_framework(loader, regencies, companies, meetings)
    return loader.added
