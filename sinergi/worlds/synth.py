"""Deterministic synthetic databases at benchmark scales, bulk-inserted with explicit ids."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlmodel import SQLModel

import models as m
from sinergi.core.db import table_of, write_session
from sinergi.rules.activity import program_runs
from sinergi.writes import feedback_figures, summaries

Row = dict[str, Any]


@dataclass(frozen=True)
class SynthCounts:
    """How many rows of the main tables a synthetic database gets."""

    companies: int
    programs: int
    indicators: int
    periods: int  # semesters from 2020-S1 on
    meetings: int
    feedback_items: int
    regencies: int


SCALES: dict[str, SynthCounts] = {
    "small": SynthCounts(
        companies=5, programs=40, indicators=200, periods=12, meetings=20, feedback_items=500, regencies=2
    ),
    "medium": SynthCounts(
        companies=20,
        programs=400,
        indicators=2_000,
        periods=12,
        meetings=200,
        feedback_items=5_000,
        regencies=3,
    ),
    "large": SynthCounts(
        companies=50,
        programs=2_000,
        indicators=20_000,
        periods=12,
        meetings=500,
        feedback_items=50_000,
        regencies=5,
    ),
    # A province: ten times the large scale, every regency of East Kalimantan, 2.4 million results.
    "xl": SynthCounts(
        companies=500,
        programs=20_000,
        indicators=200_000,
        periods=12,
        meetings=5_000,
        feedback_items=500_000,
        regencies=10,
    ),
}

FIRST_YEAR = 2020
# SQLite's page cache while a synthetic database is built, in KiB.
BUILD_CACHE_KIB = 512 * 1024
DISTRICTS_PER_REGENCY = 10
VILLAGES_PER_DISTRICT = 10
# Users are never generated: the accounts tables may hold an admin already and stay untouched.
ACCOUNT_TABLES = frozenset({"app_user", "audit_log", "setting"})
# Bookkeeping that is never empty: the caches' write counters, raised for what this writes.
BOOKKEEPING_TABLES = frozenset({"table_version"})
# Meetings happen in East Kalimantan; times are stored in UTC but written as local office hours.
WITA = timezone(timedelta(hours=8), "WITA")

REGENCIES = (
    ("Kutai Kartanegara", m.RegencyKind.KABUPATEN),
    ("Kutai Timur", m.RegencyKind.KABUPATEN),
    ("Balikpapan", m.RegencyKind.KOTA),
    ("Penajam Paser Utara", m.RegencyKind.KABUPATEN),
    ("Samarinda", m.RegencyKind.KOTA),
    ("Paser", m.RegencyKind.KABUPATEN),
    ("Berau", m.RegencyKind.KABUPATEN),
    ("Kutai Barat", m.RegencyKind.KABUPATEN),
    ("Bontang", m.RegencyKind.KOTA),
    ("Mahakam Ulu", m.RegencyKind.KABUPATEN),
)
PLACE_HEADS = (
    "Sungai", "Muara", "Loa", "Tanjung", "Batu", "Bukit", "Teluk", "Long", "Rantau", "Karang",
    "Gunung", "Tanah", "Sepaku", "Kembang", "Marang", "Sebulu", "Manggar", "Baru", "Lempake", "Kota",
)  # fmt: skip
PLACE_TAILS = (
    "Jawa", "Baru", "Permata", "Indah", "Makmur", "Jaya", "Lestari", "Kayu", "Hulu", "Hilir", "Tengah",
    "Merdeka", "Sari", "Harapan", "Joang", "Raya", "Kaubun", "Baay", "Janji", "Seberang", "Asri", "Bakti",
    "Rejo", "Ilir", "Pantai", "Timur", "Ulu", "Kecil",
)  # fmt: skip
COMPANY_WORDS = (
    "Kaltim", "Mahakam", "Borneo", "Nusantara", "Etam", "Kutai", "Banua", "Sinar", "Bumi", "Karya",
    "Prima", "Samudra", "Perkasa", "Abadi", "Mandiri", "Cahaya", "Tunggal", "Sentosa", "Berlian",
)  # fmt: skip
SECTOR_WORDS = {
    m.Sector.OIL_GAS: ("Energi", "Petro", "Migas"),
    m.Sector.COAL_MINING: ("Coalindo", "Batubara", "Minerals"),
    m.Sector.PLANTATION: ("Agro", "Sawit", "Plantation"),
    m.Sector.OTHER: ("Semen", "Logistik", "Industri"),
}
FIRST_NAMES = (
    "Ahmad", "Siti", "Budi", "Rahmawati", "Hendra", "Nurul", "Agus", "Dewi", "Yusuf", "Fitri",
    "Rudi", "Aisyah", "Syahrul", "Wahyuni", "Eko", "Rina", "Irwan", "Sri", "Andi", "Lestari",
)  # fmt: skip
LAST_NAMES = (
    "Saputra", "Hidayat", "Rahman", "Sari", "Pratama", "Wijaya", "Kurniawan", "Nugroho", "Lubis",
    "Siregar", "Daeng", "Santoso", "Halim", "Effendi",
)  # fmt: skip

AGENCIES = (
    "Bappeda", "BPBD", "DLH", "Dinas Sosial", "Disnaker", "Dinas Kesehatan", "Dinas Pendidikan",
    "Dinas Pertanian", "DPMD", "Dinas Koperasi dan UKM",
)  # fmt: skip
GROUP_KINDS = (
    "Kelompok Tani", "Kelompok Wanita Tani", "Bank Sampah", "Kampung Siaga Bencana", "Koperasi Kriya",
    "Pokdarwis", "Kelompok Peternak", "Kelompok Nelayan", "Posyandu", "Karang Taruna",
    "UMKM Olahan Pangan", "Kelompok Olah Jelantah",
)  # fmt: skip
OTHER_ORGS: dict[m.OrgType, tuple[str, ...]] = {
    m.OrgType.IMPLEMENTING_PARTNER: ("Yayasan Borneo Lestari", "Lembaga Mitra Desa", "Yayasan Kaltim Hijau"),
    m.OrgType.STATE_OWNED: ("Rumah BUMN", "BRI Cabang", "PLN UP3", "Pegadaian Cabang"),
    m.OrgType.PRIVATE_COMPANY: ("Startup Agritek Etam", "CV Kriya Mandara", "Startup Daur Ulang Banua"),
    m.OrgType.ACADEMIA: (
        "Universitas Mulawarman",
        "Politeknik Negeri Samarinda",
        "Institut Teknologi Kalimantan",
    ),
    m.OrgType.MEDIA: ("Kaltimpedia", "Kaltim Post", "Tribun Kaltim", "kaltimonline.com"),
    m.OrgType.COMMUNITY_LEADER: ("Tokoh Adat", "Tokoh Agama", "Tokoh Pemuda", "Ketua RT"),
}

PROGRAM_THEMES: dict[m.Pillar, tuple[str, ...]] = {
    m.Pillar.ECONOMY: (
        "Pengembangan Ekonomi Potensial Desa", "Pemberdayaan UMKM", "Olah Jelantah", "Kerajinan Sabut Kelapa",
        "Pertanian dan Peternakan Terintegrasi dengan BSF",
    ),
    m.Pillar.ENVIRONMENT: (
        "Pengelolaan Sampah Terpadu", "Bank Sampah", "Panen Air Hujan dan Urban Farming",
        "Rehabilitasi Mangrove",
    ),
    m.Pillar.DISASTER_RESILIENCE: ("Kampung Siaga Bencana", "Kampung Tangguh Bencana", "Relawan Bencana"),
    m.Pillar.HEALTH: ("Pencegahan Stunting", "Posyandu Sehat", "Sanitasi dan Air Bersih"),
    m.Pillar.EDUCATION: ("Beasiswa Pelajar", "Rumah Baca", "Pelatihan Vokasi Pemuda"),
    m.Pillar.INFRASTRUCTURE: ("Jalan Usaha Tani", "Bedah Rumah Tidak Layak Huni", "Penerangan Jalan Surya"),
    m.Pillar.SOCIAL: ("Pendampingan Keluarga Miskin Ekstrem", "Bantuan Lansia", "Pemberdayaan Disabilitas"),
}  # fmt: skip
PILLAR_SDGS: dict[m.Pillar, tuple[int, ...]] = {
    m.Pillar.ECONOMY: (1, 2, 8),
    m.Pillar.ENVIRONMENT: (6, 12, 13, 14, 15),
    m.Pillar.DISASTER_RESILIENCE: (11, 13),
    m.Pillar.HEALTH: (2, 3, 6),
    m.Pillar.EDUCATION: (4, 8),
    m.Pillar.INFRASTRUCTURE: (6, 7, 9, 11),
    m.Pillar.SOCIAL: (1, 5, 10),
}


class IndicatorTemplate(NamedTuple):
    name: str
    unit: str
    kind: m.IndicatorKind
    direction: m.Direction
    low: float  # range of a plausible first-period target
    high: float
    decimals: int


_OUT, _OUTCOME, _IMPACT = m.IndicatorKind.OUTPUT, m.IndicatorKind.OUTCOME, m.IndicatorKind.IMPACT
_UP, _DOWN = m.Direction.HIGHER_IS_BETTER, m.Direction.LOWER_IS_BETTER
_DRAFT, _SUBMITTED, _VERIFIED = m.ResultState.DRAFT, m.ResultState.SUBMITTED, m.ResultState.VERIFIED
_RETURNED = m.ResultState.RETURNED
RETURN_NOTES = (
    "Mohon lampirkan daftar hadir kegiatan sebagai bukti.",
    "Realisasi berbeda dengan laporan kelompok; mohon periksa kembali.",
)
COMMON_INDICATORS = (
    IndicatorTemplate("Penerima manfaat terlayani", "orang", _OUT, _UP, 20, 300, 0),
    IndicatorTemplate("Pelatihan terlaksana", "kegiatan", _OUT, _UP, 4, 24, 0),
    IndicatorTemplate("Kepuasan penerima manfaat", "%", _OUTCOME, _UP, 60, 90, 1),
    IndicatorTemplate("Kelompok aktif", "kelompok", _OUT, _UP, 3, 20, 0),
)
PILLAR_INDICATORS: dict[m.Pillar, tuple[IndicatorTemplate, ...]] = {
    m.Pillar.ECONOMY: (
        IndicatorTemplate("Pendapatan rata-rata anggota", "Rp/bulan", _OUTCOME, _UP, 1_500_000, 4_500_000, 0),
        IndicatorTemplate("Produk terjual", "unit", _OUT, _UP, 50, 800, 0),
        IndicatorTemplate("Omzet kelompok", "Rp juta", _OUTCOME, _UP, 10, 250, 1),
        IndicatorTemplate("Anggota dengan usaha mandiri", "orang", _IMPACT, _UP, 5, 60, 0),
    ),
    m.Pillar.ENVIRONMENT: (
        IndicatorTemplate("Sampah terkelola", "ton", _OUT, _UP, 5, 120, 1),
        IndicatorTemplate("Timbulan sampah ke TPA", "ton", _IMPACT, _DOWN, 20, 200, 1),
        IndicatorTemplate("Minyak jelantah terkumpul", "liter", _OUT, _UP, 200, 3_000, 0),
        IndicatorTemplate("Bibit tertanam", "batang", _OUT, _UP, 500, 10_000, 0),
    ),
    m.Pillar.DISASTER_RESILIENCE: (
        IndicatorTemplate("Relawan terlatih", "orang", _OUT, _UP, 15, 80, 0),
        IndicatorTemplate("Simulasi evakuasi", "kegiatan", _OUT, _UP, 2, 8, 0),
        IndicatorTemplate("Waktu tanggap darurat", "menit", _OUTCOME, _DOWN, 15, 90, 0),
    ),
    m.Pillar.HEALTH: (
        IndicatorTemplate("Prevalensi balita stunting", "%", _IMPACT, _DOWN, 8, 35, 1),
        IndicatorTemplate("Ibu hamil terdampingi", "orang", _OUT, _UP, 20, 150, 0),
        IndicatorTemplate("Kunjungan posyandu", "kunjungan", _OUT, _UP, 100, 1_200, 0),
        IndicatorTemplate("Kasus diare", "kasus", _IMPACT, _DOWN, 10, 60, 0),
    ),
    m.Pillar.EDUCATION: (
        IndicatorTemplate("Penerima beasiswa", "orang", _OUT, _UP, 10, 120, 0),
        IndicatorTemplate("Lulusan pelatihan yang bekerja", "%", _OUTCOME, _UP, 40, 85, 1),
        IndicatorTemplate("Angka putus sekolah", "%", _IMPACT, _DOWN, 2, 12, 1),
    ),
    m.Pillar.INFRASTRUCTURE: (
        IndicatorTemplate("Rumah direhabilitasi", "unit", _OUT, _UP, 10, 60, 0),
        IndicatorTemplate("Jalan usaha tani dibangun", "m", _OUT, _UP, 200, 3_000, 0),
        IndicatorTemplate("Keluarga dengan akses air bersih", "KK", _OUTCOME, _UP, 20, 200, 0),
    ),
    m.Pillar.SOCIAL: (
        IndicatorTemplate("Keluarga miskin ekstrem terdampingi", "KK", _OUT, _UP, 10, 150, 0),
        IndicatorTemplate("Lansia terbantu", "orang", _OUT, _UP, 20, 200, 0),
        IndicatorTemplate("Keluarga keluar dari kemiskinan ekstrem", "KK", _IMPACT, _UP, 5, 60, 0),
    ),
}

NARRATIVE_MET = (
    "Kegiatan berjalan sesuai rencana kerja.",
    "Capaian didukung partisipasi aktif anggota kelompok.",
    "Target tercapai berkat pendampingan rutin fasilitator.",
)
NARRATIVE_GAP = (
    "Kegiatan tertunda karena cuaca dan banjir.",
    "Sebagian anggota kelompok belum aktif mengikuti kegiatan.",
    "Pencairan anggaran terlambat sehingga kegiatan bergeser.",
    "Harga bahan baku naik, produksi berkurang.",
)
FEEDBACK_TEXTS: dict[m.FeedbackKind, tuple[str, ...]] = {
    m.FeedbackKind.EXPECTATION: (
        "Kami berharap program {topic} berlanjut dan menjangkau lebih banyak keluarga.",
        "Harapan kami ada pendampingan pemasaran untuk produk {topic}.",
        "Mohon program {topic} melibatkan pemuda dan perempuan desa.",
    ),
    m.FeedbackKind.SUGGESTION: (
        "Sebaiknya sasaran {topic} diselaraskan dengan data P3KE dan DTKS melalui RBPK.",
        "Perlu pelatihan pembukuan lanjutan bagi pengurus {topic}.",
        "Jadwal monev {topic} sebaiknya diumumkan lebih awal kepada kelurahan.",
    ),
    m.FeedbackKind.CONCERN: (
        "Peralatan {topic} sering rusak dan belum ada anggaran perawatan.",
        "Pencairan bantuan {topic} terlambat dari jadwal.",
        "Belum semua warga miskin ekstrem tercakup dalam {topic}.",
    ),
    m.FeedbackKind.COLLABORATION_OFFER: (
        "Dinas kami siap menyediakan tenaga penyuluh untuk {topic}.",
        "Kampus kami menawarkan mahasiswa KKN untuk mendampingi {topic}.",
        "Kami bersedia menjadi pembeli tetap produk {topic}.",
    ),
    m.FeedbackKind.APPRECIATION: (
        "Terima kasih, {topic} sangat membantu ekonomi keluarga kami.",
        "Kami mengapresiasi keterbukaan perusahaan dalam {topic}.",
    ),
}
GENERAL_TOPIC = "program TJSL perusahaan"
EVALUATION_NOTES = "Membandingkan rencana dengan capaian bersama penerima manfaat dan pemerintah desa."
RESPONSES = (
    "Akan dimasukkan dalam rencana kerja semester berikutnya.",
    "Sudah dikoordinasikan dengan OPD terkait.",
    "Masukan diterima dan dibahas bersama mitra pelaksana.",
)
DECLINE_REASONS = (
    "Di luar wilayah operasi perusahaan.",
    "Tidak sesuai dengan pilar program tahun berjalan.",
    "Anggaran tahun berjalan sudah ditetapkan.",
    "Sudah ditangani program pemerintah daerah.",
)
ACTION_TEXTS = (
    "Tambah pendampingan teknis untuk {subject}",
    "Jadwalkan ulang kegiatan {subject} bersama kelompok",
    "Koordinasikan {subject} dengan OPD pengampu",
    "Perbaiki pencatatan data {subject}",
)
ACTION_OWNERS = ("Tim CSR", "Ketua kelompok", "Fasilitator lapangan", "Mitra pelaksana", "OPD pengampu")
VENUES = ("Gedung Banua Patra", "Ruang Batara Bappeda", "Aula Kantor Camat", "Balai Desa", "Kantor Lurah")

MEETING_KIND_WEIGHTS = {
    m.MeetingKind.FGD: 30,
    m.MeetingKind.MONEV: 25,
    m.MeetingKind.RAKOR: 10,
    m.MeetingKind.SEMESTER_EVALUATION: 20,
    m.MeetingKind.SOCIALISATION: 15,
}
FEEDBACK_STATUS_WEIGHTS = {
    m.FeedbackStatus.OPEN: 30,
    m.FeedbackStatus.IN_PROGRESS: 25,
    m.FeedbackStatus.DONE: 35,
    m.FeedbackStatus.DECLINED: 10,
}
MODERATION_WEIGHTS = {m.Moderation.APPROVED: 70, m.Moderation.PENDING: 20, m.Moderation.HIDDEN: 10}
STAGE_WEIGHTS = {  # of programs past their first year and not ended
    m.Stage.IMPLEMENTATION: 50,
    m.Stage.MONITORING_EVALUATION: 25,
    m.Stage.REPORTING: 20,
}


class PointTemplate(NamedTuple):
    title: str
    text: str  # formatted with head (Bupati / Wali Kota), regency and the plan years
    evidence_needed: str
    rule: m.PointRule
    rule_min: int | None
    deadline: tuple[int, int, int] | None  # (years after the plan year, month, day)


# Kutai Kartanegara's six points of 9 Sep 2022; other regencies reuse them for their own plan years.
FRAMEWORK_POINTS = (
    PointTemplate(
        "Peran aktif penghapusan kemiskinan ekstrem",
        "Seluruh perusahaan di wilayah {regency} berperan aktif dalam penanggulangan kemiskinan ekstrem "
        "sesuai Inpres No. 4 Tahun 2022 (nol persen pada tahun 2024).",
        "Surat komitmen perusahaan",
        m.PointRule.MANUAL,
        None,
        None,
    ),
    PointTemplate(
        "Usulan keikutsertaan melalui RBPK",
        "Pemkab menyediakan data by name by address (P3KE, DTKS) melalui RBPK; perusahaan menginput usulan "
        "keikutsertaan paling lambat akhir November {prev}, lalu rapat konsolidasi dan verifikasi lapangan "
        "terpadu minggu I–III Desember {prev}.",
        "Tangkapan layar usulan di aplikasi RBPK",
        m.PointRule.DOCUMENT_BY_DEADLINE,
        None,
        (-1, 11, 30),
    ),
    PointTemplate(
        "Penguatan TJSP/TJSL",
        "Instruksi {head} memperkuat pelaksanaan TJSP/TJSL di masing-masing perusahaan.",
        "Struktur tim TJSL perusahaan",
        m.PointRule.MANUAL,
        None,
        None,
    ),
    PointTemplate(
        "Kesepakatan program kolaborasi",
        "OPD dan perusahaan menyusun dan menyepakati program kolaborasi tahun {year} dengan melampirkan "
        "sasaran individu/keluarga melalui RBPK paling lambat Januari {year}.",
        "Naskah kesepakatan bertanda tangan",
        m.PointRule.DOCUMENT_BY_DEADLINE,
        None,
        (0, 1, 31),
    ),
    PointTemplate(
        "Minimal satu program penanggulangan kemiskinan",
        "Seluruh perusahaan, termasuk sektor perkebunan dan pertambangan, melaksanakan minimal satu program "
        "penanggulangan kemiskinan sesuai wilayahnya pada tahun {year}.",
        "Program penanggulangan kemiskinan tahun rencana",
        m.PointRule.MIN_POVERTY_PROGRAMS,
        1,
        None,
    ),
    PointTemplate(
        "Alasan tertulis bila tidak berpartisipasi",
        "Perusahaan yang tidak dapat berpartisipasi menyampaikan alasan tertulis kepada {head} melalui "
        "Kepala Bappeda.",
        "Surat alasan kepada {head}",
        m.PointRule.DECLINED_ONLY,
        None,
        None,
    ),
)


def _unique(name: str, used: set[str]) -> str:
    """``name``, numbered when taken, so unique constraints hold at any scale."""
    candidate, number = name, 2
    while candidate in used:
        candidate = f"{name} {number}"
        number += 1
    used.add(candidate)
    return candidate


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in office hours of ``day``, timezone-aware as the datetime columns require."""
    return datetime.combine(day, time(rng.randint(8, 16), rng.randrange(60)), WITA)


def _insert(connection: Connection, table: Table, rows: Iterable[Row]) -> int:
    """Insert ``rows`` (dicts with the same keys) in one stream, past SQLAlchemy's per-row work.

    Each value goes through its column's bind processing for the dialect, as an ``insert()`` would
    convert it; SQLite then takes all rows in one ``executemany`` fed by a generator, PostgreSQL in one
    ``COPY``. Memory stays flat however many rows there are.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    dialect = connection.dialect
    processors = [
        (index, processor)
        for index, name in enumerate(names)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    count = 0

    def values() -> Iterator[list[Any]]:
        nonlocal count
        for row in chain((first,), iterator):
            if len(row) != len(names):
                raise ValueError(f"{table.name}: a row with other columns than {names}")
            value = [row[name] for name in names]
            for index, processor in processors:
                if value[index] is not None:
                    value[index] = processor(value[index])
            count += 1
            yield value

    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    driver = connection.connection.driver_connection
    assert driver is not None
    if dialect.name == "postgresql":
        statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for value in values():
                copy.write_row(value)
    else:
        marks = ", ".join("?" for _ in names)
        cursor = driver.cursor()
        try:
            cursor.executemany(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", values())
        finally:
            cursor.close()
    return count


def _refuse_non_empty(connection: Connection) -> None:
    # Ids are assigned from 1, so any existing row would collide or mix with the synthetic data.
    filled = [
        table.name
        for table in SQLModel.metadata.sorted_tables
        if table.name not in ACCOUNT_TABLES | BOOKKEEPING_TABLES
        and connection.execute(select(func.count()).select_from(table)).scalar_one()
    ]
    if filled:
        raise ValueError(
            f"synthetic data needs an empty database; these tables hold rows: {', '.join(filled)}"
        )


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    # Rows inserted with explicit ids leave PostgreSQL's sequences at 1; the next ORM insert would collide.
    for table in tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )


@dataclass(slots=True)
class _Program:
    id: int
    company: int  # index into companies
    regency: int  # index into regencies
    name: str
    pillar: m.Pillar
    poverty: bool
    start: date
    end: date | None
    indicators: list[tuple[int, str]] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Indicator:
    id: int
    template: IndicatorTemplate
    base: float
    accumulation: m.Accumulation
    first: int  # the periods, by index, in which the program runs
    last: int


@dataclass(slots=True)
class _Meeting:
    id: int
    kind: m.MeetingKind
    held_on: date
    company: int | None
    attendees: list[int]
    programs: list[int]


@dataclass(frozen=True, slots=True)
class _Period:
    id: int
    code: str
    year: int
    semester: int
    start: date
    end: date


def _runs_in(program: _Program, period: _Period) -> bool:
    return program_runs(start=program.start, end=program.end, first=period.start, last=period.end)


class _Synth:
    """Rows of every table in foreign-key order; later sections read the choices earlier ones made."""

    def __init__(self, counts: SynthCounts, seed: int) -> None:
        self.counts = counts
        self.seed = seed
        self.periods = [self._period(index) for index in range(counts.periods)]
        # Statuses of actions and results are judged as seen a month after the last period.
        self.today = self.periods[-1].end + timedelta(days=31)
        self.regency_names: list[str] = []
        self.regency_kinds: list[m.RegencyKind] = []
        self.villages: list[list[tuple[int, str]]] = []  # per regency: (village id, name)
        self.kelurahan: set[int] = set()  # ids of urban villages
        self.company_regencies: list[list[int]] = []
        self.company_short: list[str] = []
        self.org_types: list[m.OrgType] = []  # index = organisation id - 1
        self.regional_orgs: list[list[int]] = []
        self.general_orgs: list[int] = []
        self.groups: list[list[int]] = []  # community groups per regency
        self.bappeda: list[int] = []
        self.programs: list[_Program] = []
        self.indicators: list[_Indicator] = []
        self.gaps: set[tuple[int, int]] = set()  # (indicator id, period index) below target
        self.meetings: list[_Meeting] = []
        self.program_village_rows: list[Row] = []
        self.attendance_rows: list[Row] = []
        self.actions: list[Row] = []
        self.evaluation_programs: list[Row] = []
        self.declined: set[tuple[int, int]] = set()  # (regency, company) that declined the framework

    def _rng(self, section: str) -> random.Random:
        # One stream per section: changing how one table is generated leaves the others as they were.
        return random.Random(f"{self.seed}:{section}")

    def _period(self, index: int) -> _Period:
        year, semester = FIRST_YEAR + index // 2, index % 2 + 1
        start = date(year, 1 if semester == 1 else 7, 1)
        end = date(year, 6, 30) if semester == 1 else date(year, 12, 31)
        return _Period(index + 1, f"{year}-S{semester}", year, semester, start, end)

    def _active_periods(self, program: _Program) -> tuple[int, int]:
        """Indexes of the first and last period the program runs in (first > last if none)."""
        running = [index for index, period in enumerate(self.periods) if _runs_in(program, period)]
        return (running[0], running[-1]) if running else (1, 0)

    def _plan_year(self, regency: int) -> int:
        return min(FIRST_YEAR + 3 + regency % 3, self.periods[-1].year)

    def _person(self, rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    def tables(self) -> Iterator[tuple[type[SQLModel], Iterable[Row]]]:
        """Each model with its rows; the caller inserts one before asking for the next."""
        yield m.Regency, self.regency_rows()
        yield m.District, self.district_rows()
        yield m.Village, self.village_rows()
        yield m.Company, self.company_rows()
        yield m.CompanyRegency, self.company_regency_rows()
        yield m.Organisation, self.organisation_rows()
        yield m.Period, self.period_rows()
        yield m.Program, self.program_rows()
        yield m.ProgramVillage, self.program_village_rows
        yield m.ProgramSdg, self.program_sdg_rows()
        yield m.ProgramPartner, self.program_partner_rows()
        yield m.ProgramBudget, self.program_budget_rows()
        yield m.Indicator, self.indicator_rows()
        yield m.Result, self.result_rows()
        yield m.Meeting, self.meeting_rows()
        yield m.MeetingAttendance, self.attendance_rows
        yield m.MeetingProgram, self.meeting_program_rows()
        yield m.Evaluation, self.evaluation_rows()
        yield m.EvaluationProgram, self.evaluation_programs
        feedback = self.feedback_rows()  # adds the actions that answer feedback, inserted first
        yield m.FollowUpAction, self.actions
        yield m.FeedbackItem, feedback
        yield m.Framework, self.framework_rows()
        yield m.FrameworkPoint, self.point_rows()
        yield m.FrameworkParticipation, self.participation_rows()
        yield m.ComplianceRecord, self.compliance_rows()

    # Places and organisations

    def regency_rows(self) -> list[Row]:
        rows: list[Row] = []
        for index in range(self.counts.regencies):
            name, kind = (
                REGENCIES[index] if index < len(REGENCIES) else (f"Sintetis {index + 1}", "kabupaten")
            )
            self.regency_names.append(name)
            self.regency_kinds.append(m.RegencyKind(kind))
            rows.append({"id": index + 1, "name": name, "kind": kind, "province": "Kalimantan Timur"})
        return rows

    def _place_name(self, rng: random.Random, used: set[str]) -> str:
        return _unique(f"{rng.choice(PLACE_HEADS)} {rng.choice(PLACE_TAILS)}", used)

    def district_rows(self) -> list[Row]:
        rng = self._rng("district")
        rows: list[Row] = []
        for regency in range(self.counts.regencies):
            used: set[str] = set()
            for _ in range(DISTRICTS_PER_REGENCY):
                name = self._place_name(rng, used)
                rows.append({"id": len(rows) + 1, "regency_id": regency + 1, "name": name})
        return rows

    def village_rows(self) -> list[Row]:
        rng = self._rng("village")
        rows: list[Row] = []
        for regency in range(self.counts.regencies):
            # Unique across the regency, not only the district, so program names built from them read well.
            used: set[str] = set()
            villages: list[tuple[int, str]] = []
            for district in range(DISTRICTS_PER_REGENCY):
                for _ in range(VILLAGES_PER_DISTRICT):
                    urban = self.regency_kinds[regency] == m.RegencyKind.KOTA or rng.random() < 0.15
                    village_id, name = len(rows) + 1, self._place_name(rng, used)
                    rows.append(
                        {
                            "id": village_id,
                            "district_id": regency * DISTRICTS_PER_REGENCY + district + 1,
                            "name": name,
                            "kind": m.VillageKind.KELURAHAN if urban else m.VillageKind.DESA,
                        }
                    )
                    villages.append((village_id, name))
                    if urban:
                        self.kelurahan.add(village_id)
            self.villages.append(villages)
        return rows

    def company_rows(self) -> list[Row]:
        rng = self._rng("company")
        used: set[str] = set()
        rows: list[Row] = []
        for index in range(self.counts.companies):
            sector = rng.choice(list(m.Sector))
            first, second = rng.sample(COMPANY_WORDS, 2)
            name = _unique(f"PT {first} {second} {rng.choice(SECTOR_WORDS[sector])}", used)
            short = f"{first[:3]}{second[:3]}".upper()
            self.company_short.append(short)
            rows.append({"id": index + 1, "name": name, "short_name": short, "sector": sector})
            # Round robin first, so every regency has companies to judge against its framework.
            regencies = [index % self.counts.regencies]
            regencies += [
                r for r in range(self.counts.regencies) if r not in regencies and rng.random() < 0.3
            ]
            self.company_regencies.append(sorted(regencies))
        return rows

    def company_regency_rows(self) -> list[Row]:
        return [
            {"company_id": company + 1, "regency_id": regency + 1}
            for company, regencies in enumerate(self.company_regencies)
            for regency in regencies
        ]

    def organisation_rows(self) -> list[Row]:
        rng = self._rng("organisation")
        programs = self.counts.programs
        used: set[str] = set()
        rows: list[Row] = []
        self.regional_orgs = [[] for _ in range(self.counts.regencies)]
        self.groups = [[] for _ in range(self.counts.regencies)]

        def add(org_type: m.OrgType, name: str, regency: int | None, village: int | None = None) -> int:
            org_id = len(rows) + 1
            rows.append(
                {
                    "id": org_id,
                    "name": _unique(name, used),
                    "org_type": org_type,
                    "regency_id": None if regency is None else regency + 1,
                    "village_id": village,
                }
            )
            self.org_types.append(org_type)
            (self.general_orgs if regency is None else self.regional_orgs[regency]).append(org_id)
            return org_id

        for regency, regency_name in enumerate(self.regency_names):
            for agency in AGENCIES:
                org_id = add(m.OrgType.GOVERNMENT_AGENCY, f"{agency} {regency_name}", regency)
                if agency == "Bappeda":
                    self.bappeda.append(org_id)
        # Regional organisations grow with the number of programs they take part in.
        regional = (
            (m.OrgType.COMMUNITY_GROUP, max(3, programs // 10)),
            (m.OrgType.VILLAGE_GOVERNMENT, max(2, programs // 40)),
            (m.OrgType.COMMUNITY_LEADER, max(2, programs // 100)),
        )
        for org_type, count in regional:
            for _ in range(count):
                regency = rng.randrange(self.counts.regencies)
                village_id, village = rng.choice(self.villages[regency])
                if org_type == m.OrgType.COMMUNITY_GROUP:
                    org_id = add(org_type, f"{rng.choice(GROUP_KINDS)} {village}", regency, village_id)
                    self.groups[regency].append(org_id)
                elif org_type == m.OrgType.VILLAGE_GOVERNMENT:
                    office = "Kantor Kelurahan" if village_id in self.kelurahan else "Pemerintah Desa"
                    add(org_type, f"{office} {village}", regency, village_id)
                else:
                    leader = f"{rng.choice(OTHER_ORGS[org_type])} {village} ({self._person(rng)})"
                    add(org_type, leader, regency, village_id)
        for org_type in (
            m.OrgType.IMPLEMENTING_PARTNER,
            m.OrgType.STATE_OWNED,
            m.OrgType.PRIVATE_COMPANY,
            m.OrgType.ACADEMIA,
            m.OrgType.MEDIA,
        ):
            per = 50 if org_type == m.OrgType.IMPLEMENTING_PARTNER else 200
            for _ in range(max(1, programs // per)):
                add(org_type, rng.choice(OTHER_ORGS[org_type]), None)
        return rows

    # Programs and their indicators

    def period_rows(self) -> list[Row]:
        return [
            {
                "id": p.id,
                "code": p.code,
                "year": p.year,
                "semester": p.semester,
                "start_date": p.start,
                "end_date": p.end,
            }
            for p in self.periods
        ]

    def program_rows(self) -> list[Row]:
        rng = self._rng("program")
        used: list[set[str]] = [set() for _ in range(self.counts.companies)]
        first_day = date(FIRST_YEAR - 2, 1, 1)
        span = (self.periods[-1].end - timedelta(days=180) - first_day).days
        rows: list[Row] = []
        for index in range(self.counts.programs):
            # Every company gets a program before the rest are spread at random.
            company = index if index < self.counts.companies else rng.randrange(self.counts.companies)
            regency = rng.choice(self.company_regencies[company])
            villages = rng.sample(self.villages[regency], rng.randint(1, 3))
            places = ", ".join(name for _, name in villages)
            pillar = rng.choice(list(m.Pillar))
            name = _unique(f"{rng.choice(PROGRAM_THEMES[pillar])} {villages[0][1]}", used[company])
            # Skewed early: most programs run through most periods, a few are young.
            start = first_day + timedelta(days=int(span * rng.random() ** 2))
            end = start + timedelta(days=365 * rng.randint(3, 7)) if rng.random() < 0.3 else None
            if end and end < self.today:
                stage = m.Stage.COMPLETED
            elif start > self.today - timedelta(days=365):
                stage = rng.choice((m.Stage.PLANNING, m.Stage.IMPLEMENTATION))
            else:
                stage = _weighted(rng, STAGE_WEIGHTS)
            poverty = rng.random() < (0.6 if pillar in (m.Pillar.SOCIAL, m.Pillar.ECONOMY) else 0.15)
            program = _Program(index + 1, company, regency, name, pillar, poverty, start, end)
            self.programs.append(program)
            families = rng.randint(20, 400)
            men, women = rng.randint(families // 2, families * 2), rng.randint(families // 2, families * 2)
            reach = 0.0 if stage == m.Stage.PLANNING else rng.uniform(0.3, 1.15)
            rows.append(
                {
                    "id": program.id,
                    "company_id": company + 1,
                    "name": name,
                    "description": f"Program {self.company_short[company]} di {places}.",
                    "pillar": pillar,
                    "poverty_alleviation": poverty,
                    "stage": stage,
                    "start_date": start,
                    "end_date": end,
                    "families_planned": families,
                    "families_reached": round(families * reach),
                    "men_planned": men,
                    "men_reached": round(men * reach),
                    "women_planned": women,
                    "women_reached": round(women * reach),
                    "updated_at": _at(start, rng),
                    "version": 1,
                }
            )
            self.program_village_rows += [{"program_id": program.id, "village_id": v} for v, _ in villages]
        return rows

    def program_sdg_rows(self) -> list[Row]:
        rng = self._rng("program_sdg")
        rows: list[Row] = []
        for program in self.programs:
            options = PILLAR_SDGS[program.pillar]
            sdgs = set(rng.sample(options, rng.randint(1, min(3, len(options)))))
            if program.poverty:
                sdgs.add(1)
            if rng.random() < 0.2:
                sdgs.add(17)
            rows += [{"program_id": program.id, "sdg": sdg} for sdg in sorted(sdgs)]
        return rows

    def program_partner_rows(self) -> list[Row]:
        rng = self._rng("program_partner")
        all_groups = [group for groups in self.groups for group in groups]
        implementers = [
            o for o in self.general_orgs if self.org_types[o - 1] == m.OrgType.IMPLEMENTING_PARTNER
        ]
        rows: list[Row] = []
        for program in self.programs:
            program.partners.append(rng.choice(self.groups[program.regency] or all_groups))
            rows.append(
                {
                    "program_id": program.id,
                    "organisation_id": program.partners[0],
                    "role": m.PartnerRole.BENEFICIARY_GROUP,
                }
            )
            if rng.random() < 0.5:
                program.partners.append(rng.choice(implementers))
                rows.append(
                    {
                        "program_id": program.id,
                        "organisation_id": program.partners[1],
                        "role": m.PartnerRole.IMPLEMENTING_PARTNER,
                    }
                )
        return rows

    def program_budget_rows(self) -> list[Row]:
        rng = self._rng("program_budget")
        last_year = self.periods[-1].year
        rows: list[Row] = []
        for program in self.programs:
            final = min(program.end.year if program.end else last_year, last_year)
            for year in range(program.start.year, final + 1):
                planned = rng.randint(10, 400) * 5_000_000
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "program_id": program.id,
                        "year": year,
                        "planned": planned,
                        "spent": int(round(planned * rng.uniform(0.55, 1.08), -3)),
                    }
                )
        return rows

    def indicator_rows(self) -> list[Row]:
        rng = self._rng("indicator")
        per_program, extra = divmod(self.counts.indicators, self.counts.programs)
        rows: list[Row] = []
        for program in self.programs:
            active = self._active_periods(program)
            used: set[str] = set()
            choices = PILLAR_INDICATORS[program.pillar] + COMMON_INDICATORS
            for _ in range(per_program + (1 if program.id <= extra else 0)):
                template = rng.choice(choices)
                name = _unique(template.name, used)
                countable = template.unit != "%" and template.direction == _UP
                cumulative = countable and rng.random() < 0.25
                indicator = _Indicator(
                    len(rows) + 1,
                    template,
                    rng.uniform(template.low, template.high),
                    m.Accumulation.CUMULATIVE if cumulative else m.Accumulation.PERIODIC,
                    *active,
                )
                self.indicators.append(indicator)
                program.indicators.append((indicator.id, name))
                baseline = indicator.base * (0.6 if template.direction == _UP else 1.3)
                rows.append(
                    {
                        "id": indicator.id,
                        "program_id": program.id,
                        "name": name,
                        "unit": template.unit,
                        "kind": template.kind,
                        "baseline_value": round(baseline, template.decimals) if rng.random() < 0.9 else None,
                        "baseline_year": max(program.start.year - 1, FIRST_YEAR - 1),
                        "direction": template.direction,
                        "accumulation": indicator.accumulation,
                    }
                )
        return rows

    def result_rows(self) -> Iterator[Row]:
        """A generator: 240,000 dicts at the large scale need not sit in memory at once."""
        rng = self._rng("result")
        rows = (
            self._result(rng, indicator, index)
            for indicator in self.indicators
            for index in range(len(self.periods))
        )
        for result_id, row in enumerate(rows, start=1):
            yield {"id": result_id} | row

    def _result(self, rng: random.Random, indicator: _Indicator, index: int) -> Row:
        period, last = self.periods[index], len(self.periods) - 1
        row: Row = {
            "indicator_id": indicator.id,
            "period_id": period.id,
            "target": None,
            "actual": None,
            "narrative": "",
            "evidence": "",
            "state": _DRAFT,
            "submitted_at": None,
            "verified_by_id": None,
            "verified_at": None,
            "return_note": "",
            "returned_at": None,
            "updated_at": _at(period.end, rng),
            "version": 1,
        }
        # Every indicator has a row in every period, but outside the program's run it stays empty.
        if not indicator.first <= index <= indicator.last:
            return row
        template, step = indicator.template, index - indicator.first
        up = template.direction == _UP
        if indicator.accumulation == m.Accumulation.CUMULATIVE:
            target = indicator.base * (step + 1)
        else:
            target = indicator.base * (1 + 0.04 * step if up else max(0.4, 1 - 0.04 * step))
        target = round(target, template.decimals)
        missed = rng.random() < 0.3
        if up:
            factor = rng.uniform(0.45, 0.97) if missed else rng.uniform(1.0, 1.25)
        else:
            factor = rng.uniform(1.04, 1.6) if missed else rng.uniform(0.75, 1.0)
        actual: float | None = round(target * factor, template.decimals)
        if index == last:
            state = _weighted(rng, {_DRAFT: 6, _SUBMITTED: 4})
            if state == _DRAFT and rng.random() < 0.6:
                actual = None  # not yet reported
        elif index == last - 1:
            state = _weighted(rng, {_VERIFIED: 5, _SUBMITTED: 4, _DRAFT: 1, _RETURNED: 1})
        else:
            state = _weighted(rng, {_VERIFIED: 90, _SUBMITTED: 7, _DRAFT: 3})
        gap = actual is not None and (actual < target if up else actual > target)
        if gap:
            self.gaps.add((indicator.id, index))
        row |= {"target": target, "actual": actual, "state": state}
        if actual is not None:
            row["narrative"] = rng.choice(NARRATIVE_GAP if gap else NARRATIVE_MET)
            row["evidence"] = f"bukti/{period.code}/IND-{indicator.id}.pdf" if rng.random() < 0.5 else ""
        if state != _DRAFT:
            row["submitted_at"] = row["updated_at"] = _at(
                period.end + timedelta(days=rng.randint(5, 30)), rng
            )
        if state == _VERIFIED:
            row["verified_at"] = row["updated_at"] = row["submitted_at"] + timedelta(days=rng.randint(3, 30))
        if state == _RETURNED:
            row["returned_at"] = row["updated_at"] = row["submitted_at"] + timedelta(days=rng.randint(3, 30))
            row["return_note"] = rng.choice(RETURN_NOTES)
        return row

    # Meetings, evaluations, feedback

    def meeting_rows(self) -> list[Row]:
        rng = self._rng("meeting")
        first_day, last_day = self.periods[0].start, self.periods[-1].end
        by_company_regency: dict[tuple[int, int], list[_Program]] = {}
        poverty_by_regency: list[list[int]] = [[] for _ in range(self.counts.regencies)]
        for program in self.programs:
            by_company_regency.setdefault((program.company, program.regency), []).append(program)
            if program.poverty:
                poverty_by_regency[program.regency].append(program.id)
        rows: list[Row] = []
        for index in range(self.counts.meetings):
            company: int | None = None
            # The first meetings are the rakors where each regency issued its framework.
            if index < self.counts.regencies:
                regency, kind = index, m.MeetingKind.RAKOR
                held_on = date(self._plan_year(regency) - 1, 9, 9)
            else:
                kind = _weighted(rng, MEETING_KIND_WEIGHTS)
                held_on = first_day + timedelta(days=rng.randrange((last_day - first_day).days))
                if kind == m.MeetingKind.RAKOR:
                    regency = rng.randrange(self.counts.regencies)
                else:
                    company = rng.randrange(self.counts.companies)
                    regency = rng.choice(self.company_regencies[company])
            regency_name = self.regency_names[regency]
            if company is None:
                pool = poverty_by_regency[regency]
                programs = rng.sample(pool, min(len(pool), rng.randint(0, 3)))
                partners: list[int] = []
                short = regency_name
            else:
                own = by_company_regency.get((company, regency), [])
                chosen = rng.sample(
                    own, min(len(own), 1 if kind == m.MeetingKind.SOCIALISATION else rng.randint(1, 5))
                )
                programs = [p.id for p in chosen]
                partners = [o for p in chosen for o in p.partners]
                short = self.company_short[company]
            pool = self.regional_orgs[regency] + self.general_orgs
            attendees = list(dict.fromkeys(partners + rng.sample(pool, min(len(pool), rng.randint(3, 12)))))
            meeting = _Meeting(index + 1, kind, held_on, company, attendees, programs)
            self.meetings.append(meeting)
            counts = [self._head_count(rng, org) for org in attendees]
            self.attendance_rows += [
                {"meeting_id": meeting.id, "organisation_id": org, "head_count": n}
                for org, n in zip(attendees, counts, strict=True)
            ]
            semester = 1 if held_on.month <= 6 else 2
            titles = {
                m.MeetingKind.FGD: f"FGD Harapan dan Masukan Pemangku Kepentingan {short} {held_on.year}",
                m.MeetingKind.MONEV: f"Monev Program CSR {short} Semester {semester} {held_on.year}",
                m.MeetingKind.RAKOR: f"Rakor TJSP Penanggulangan Kemiskinan {regency_name} {held_on.year}",
                m.MeetingKind.SEMESTER_EVALUATION: f"Evaluasi Partisipatif {short} {semester}/{held_on.year}",
                m.MeetingKind.SOCIALISATION: f"Sosialisasi Program TJSL {short} {held_on.year}",
            }
            rows.append(
                {
                    "id": meeting.id,
                    "kind": kind,
                    "title": titles[kind],
                    "held_on": held_on,
                    "venue": f"{rng.choice(VENUES)}, {regency_name}",
                    "organiser_company_id": None if company is None else company + 1,
                    "organiser_organisation_id": self.bappeda[regency] if company is None else None,
                    "regency_id": regency + 1,
                    "purpose": f"Membahas {len(programs)} program bersama pemangku kepentingan.",
                    "attendee_count": sum(counts) + rng.randint(0, 25),
                }
            )
        return rows

    def _head_count(self, rng: random.Random, org: int) -> int:
        return (
            rng.randint(2, 10) if self.org_types[org - 1] == m.OrgType.COMMUNITY_GROUP else rng.randint(1, 3)
        )

    def meeting_program_rows(self) -> list[Row]:
        return [{"meeting_id": mt.id, "program_id": p} for mt in self.meetings for p in mt.programs]

    def _action(
        self, rng: random.Random, program: int, subject: str, start: date, **links: int | None
    ) -> Row:
        due = start + timedelta(days=rng.randint(30, 180))
        if due < self.today:
            status = _weighted(
                rng,
                {
                    m.ActionStatus.DONE: 70,
                    m.ActionStatus.CANCELLED: 10,
                    m.ActionStatus.IN_PROGRESS: 10,
                    m.ActionStatus.OPEN: 10,
                },
            )
        else:
            status = _weighted(rng, {m.ActionStatus.OPEN: 5, m.ActionStatus.IN_PROGRESS: 5})
        completed = None
        if status == m.ActionStatus.DONE:
            completed = min(start + timedelta(days=rng.randint(7, (due - start).days + 30)), self.today)
        row = {
            "id": len(self.actions) + 1,
            "program_id": program,
            "evaluation_id": None,
            "indicator_id": None,
            "description": rng.choice(ACTION_TEXTS).format(subject=subject.lower()),
            "owner": rng.choice(ACTION_OWNERS),
            "due_date": due,
            "status": status,
            "completed_on": completed,
            "updated_at": _at(completed or start, rng),
            "version": 1,
        } | links
        self.actions.append(row)
        return row

    def evaluation_rows(self) -> list[Row]:
        rng = self._rng("evaluation")
        by_company: list[list[_Program]] = [[] for _ in range(self.counts.companies)]
        for program in self.programs:
            by_company[program.company].append(program)
        reviews: dict[int, list[_Meeting]] = {}
        for meeting in self.meetings:
            if meeting.company is not None and meeting.kind in (
                m.MeetingKind.MONEV,
                m.MeetingKind.SEMESTER_EVALUATION,
            ):
                reviews.setdefault(meeting.company, []).append(meeting)
        rows: list[Row] = []
        for company, programs in enumerate(by_company):
            for index, period in enumerate(self.periods):
                if period.semester == 1 and rng.random() > 0.3:
                    continue
                started = [p for p in programs if _runs_in(p, period)]
                if not started:
                    continue
                # A review meeting within two months after the semester is where the evaluation took place.
                window = (period.end, period.end + timedelta(days=60))
                review = next(
                    (mt for mt in reviews.get(company, []) if window[0] < mt.held_on <= window[1]), None
                )
                held_on = review.held_on if review else period.end + timedelta(days=rng.randint(10, 30))
                evaluation_id = len(rows) + 1
                rows.append(
                    {
                        "id": evaluation_id,
                        "company_id": company + 1,
                        "period_id": period.id,
                        "meeting_id": review.id if review else None,
                        "title": f"Evaluasi Semester {period.code} {self.company_short[company]}",
                        "held_on": held_on,
                        "notes": EVALUATION_NOTES,
                    }
                )
                for program in rng.sample(started, min(len(started), rng.randint(2, 6))):
                    self.evaluation_programs.append(
                        {"evaluation_id": evaluation_id, "program_id": program.id}
                    )
                    gaps = [(i, name) for i, name in program.indicators if (i, index) in self.gaps][:3]
                    for indicator_id, name in gaps:
                        if rng.random() < 0.7:
                            self._action(
                                rng,
                                program.id,
                                name,
                                held_on,
                                evaluation_id=evaluation_id,
                                indicator_id=indicator_id,
                            )
        return rows

    def feedback_rows(self) -> list[Row]:
        rng = self._rng("feedback")
        names = {program.id: program.name for program in self.programs}
        org_types = list(m.OrgType)
        meeting_indexes = sorted(rng.randrange(len(self.meetings)) for _ in range(self.counts.feedback_items))
        rows: list[Row] = []
        for index in meeting_indexes:
            meeting = self.meetings[index]
            if meeting.attendees and rng.random() < 0.8:
                speaker_org: int = rng.choice(meeting.attendees)
                organisation: int | None = speaker_org
                source_type: m.OrgType | None = self.org_types[speaker_org - 1]
            else:  # a public participant, who may or may not say where they come from
                organisation = None
                source_type = rng.choice(org_types) if rng.random() < 0.7 else None
            program = rng.choice(meeting.programs) if meeting.programs and rng.random() < 0.6 else None
            kind = rng.choice(list(FEEDBACK_TEXTS))
            topic = names[program] if program else GENERAL_TOPIC
            status = _weighted(rng, FEEDBACK_STATUS_WEIGHTS)
            created = _at(meeting.held_on, rng)
            closed = None
            if status in (m.FeedbackStatus.DONE, m.FeedbackStatus.DECLINED):
                closed = created + timedelta(days=rng.randint(3, 120))
            follow_up = None
            if (
                program
                and status in (m.FeedbackStatus.IN_PROGRESS, m.FeedbackStatus.DONE)
                and rng.random() < 0.15
            ):
                follow_up = self._action(rng, program, topic, meeting.held_on)["id"]
            rows.append(
                {
                    "id": len(rows) + 1,
                    "meeting_id": meeting.id,
                    "organisation_id": organisation,
                    "source_type": source_type,
                    "speaker": self._person(rng) if rng.random() < 0.7 else "",
                    "program_id": program,
                    "kind": kind,
                    "text": rng.choice(FEEDBACK_TEXTS[kind]).format(topic=topic),
                    "response": "" if status == m.FeedbackStatus.OPEN else rng.choice(RESPONSES),
                    "status": status,
                    "decline_reason": rng.choice(DECLINE_REASONS)
                    if status == m.FeedbackStatus.DECLINED
                    else "",
                    "follow_up_id": follow_up,
                    "moderation": _weighted(rng, MODERATION_WEIGHTS),
                    "created_at": created,
                    "closed_at": closed,
                    "updated_at": closed or created,
                    "version": 1,
                }
            )
        return rows

    # Coordination frameworks and compliance

    def _head(self, regency: int) -> str:
        return "Bupati" if self.regency_kinds[regency] == m.RegencyKind.KABUPATEN else "Wali Kota"

    def framework_rows(self) -> list[Row]:
        return [
            {
                "id": regency + 1,
                "regency_id": regency + 1,
                "name": f"Rakor TJSP Penanggulangan Kemiskinan {self._plan_year(regency)}",
                "plan_year": self._plan_year(regency),
                "issued_on": date(self._plan_year(regency) - 1, 9, 9),
                "meeting_id": regency + 1 if regency < len(self.meetings) else None,
            }
            for regency in range(self.counts.regencies)
        ]

    def _point_deadline(self, regency: int, point: PointTemplate) -> date | None:
        if point.deadline is None:
            return None
        years, month, day = point.deadline
        return date(self._plan_year(regency) + years, month, day)

    def point_rows(self) -> list[Row]:
        rows: list[Row] = []
        for regency in range(self.counts.regencies):
            year = self._plan_year(regency)
            words = {
                "head": self._head(regency),
                "regency": self.regency_names[regency],
                "year": year,
                "prev": year - 1,
            }
            for number, point in enumerate(FRAMEWORK_POINTS, start=1):
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "framework_id": regency + 1,
                        "number": number,
                        "title": point.title,
                        "text": point.text.format(**words),
                        "deadline": self._point_deadline(regency, point),
                        "evidence_needed": point.evidence_needed.format(**words),
                        "rule": point.rule,
                        "rule_min": point.rule_min,
                    }
                )
        return rows

    def _members(self) -> Iterator[tuple[int, int]]:
        """(regency, company) for every company operating in a regency, in a stable order."""
        for regency in range(self.counts.regencies):
            for company, regencies in enumerate(self.company_regencies):
                if regency in regencies:
                    yield regency, company

    def participation_rows(self) -> list[Row]:
        rng = self._rng("participation")
        rows: list[Row] = []
        for regency, company in self._members():
            declined = rng.random() < 0.1
            if declined:
                self.declined.add((regency, company))
            rows.append(
                {
                    "framework_id": regency + 1,
                    "company_id": company + 1,
                    "declined": declined,
                    "decline_reason": rng.choice(DECLINE_REASONS) if declined else "",
                    "decline_letter_on": date(self._plan_year(regency) - 1, 12, rng.randint(1, 20))
                    if declined
                    else None,
                }
            )
        return rows

    def compliance_rows(self) -> list[Row]:
        rng = self._rng("compliance")
        manual = {
            m.ComplianceStatus.MET: 50,
            m.ComplianceStatus.PARTLY_MET: 20,
            m.ComplianceStatus.NOT_MET: 15,
            m.ComplianceStatus.PENDING: 15,
        }
        rows: list[Row] = []
        for regency, company in self._members():
            declined = (regency, company) in self.declined
            for number, point in enumerate(FRAMEWORK_POINTS, start=1):
                deadline = self._point_deadline(regency, point)
                document = None
                status = None
                if (
                    point.rule == m.PointRule.DOCUMENT_BY_DEADLINE
                    and deadline
                    and not declined
                    and rng.random() < 0.85
                ):
                    document = deadline + timedelta(days=rng.randint(-40, 15))  # about one in four late
                elif point.rule == m.PointRule.MANUAL:
                    status = m.ComplianceStatus.NOT_APPLICABLE if declined else _weighted(rng, manual)
                elif point.rule == m.PointRule.DECLINED_ONLY and declined:
                    document = date(self._plan_year(regency) - 1, 12, 10)
                if point.rule == m.PointRule.DECLINED_ONLY and not declined:
                    evidence = ""
                else:
                    evidence = "" if status == m.ComplianceStatus.PENDING else point.evidence_needed
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "company_id": company + 1,
                        "point_id": regency * len(FRAMEWORK_POINTS) + number,
                        "evidence": evidence.format(head=self._head(regency)),
                        "document_date": document,
                        "manual_status": status,
                        "note": "",
                        "verified_by_id": None,
                        "verified_at": None,
                        "updated_at": _at(document or date(self._plan_year(regency), 2, 1), rng),
                        "version": 1,
                    }
                )
        return rows


def build_synthetic(*, engine: Engine, counts: SynthCounts, seed: int = 42) -> dict[str, int]:
    """Fill an empty database with ``counts`` of synthetic data; returns the rows inserted per table.

    The same seed gives the same content. Everything is one transaction: a failure leaves the
    database empty rather than half filled and refusing the next attempt.
    """
    if min(counts.companies, counts.programs, counts.periods, counts.regencies) < 1:
        raise ValueError("companies, programs, periods and regencies must each be at least 1")
    if counts.feedback_items and not counts.meetings:
        raise ValueError("feedback items need at least one meeting")
    synth = _Synth(counts, seed)
    inserted: dict[str, int] = {}
    with write_session(engine) as session:
        connection = session.connection()
        _refuse_non_empty(connection)
        with _build_cache(connection):
            for model, rows in synth.tables():
                table = table_of(model)
                inserted[table.name] = _insert(connection, table, rows)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, [SQLModel.metadata.tables[name] for name in inserted])
            # Written in bulk, past the ORM: say which tables, so the caches' versions follow.
            session.info.setdefault("written_tables", set()).update(inserted)
            # The figures the pages read, made from what was written.
            inserted.update(summaries.rebuild(session))
            inserted.update(feedback_figures.rebuild(session))
    return inserted


@contextmanager
def _build_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes being filled while the rows go in (the
    default 2 MB makes every insert into a large index read and spill pages); the connection's own
    setting is put back afterwards, as it returns to the pool."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
