"""Every user-facing string, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

# key -> (Bahasa Indonesia, English)
TEXTS: Final[dict[str, tuple[str, str]]] = {
    "app.title": ("Sinergi", "Sinergi"),
    "app.tagline": (
        "Dasbor pemangku kepentingan untuk program TJSL",
        "Stakeholder dashboard for TJSL programs",
    ),
    "app.language": ("Bahasa", "Language"),
    "app.demo_notice": (
        "Angka capaian, anggaran dan penerima manfaat di sini adalah data contoh, bukan data resmi "
        "perusahaan.",
        "The achievement, budget and beneficiary figures here are demo data, not official company figures.",
    ),
    "nav.overview": ("Ringkasan", "Overview"),
    "overview.heading": ("Isi basis data", "What the database holds"),
    "overview.empty": (
        "Basis data masih kosong. Jalankan `python manage.py load-demo` untuk memuat data contoh, "
        "atau impor data program Anda.",
        "The database is empty. Run `python manage.py load-demo` to load the demo data, "
        "or import your programs.",
    ),
    "count.companies": ("Perusahaan", "Companies"),
    "count.programs": ("Program", "Programs"),
    "count.indicators": ("Indikator", "Indicators"),
    "count.results": ("Data capaian", "Results"),
    "count.meetings": ("Pertemuan", "Meetings"),
    "count.feedback_items": ("Masukan", "Feedback items"),
    "count.frameworks": ("Kerangka koordinasi", "Coordination frameworks"),
    "overview.points_heading": ("Poin koordinasi: {name}", "Coordination points: {name}"),
    "overview.no_framework": (
        "Belum ada kerangka koordinasi kabupaten/kota.",
        "No regency coordination framework yet.",
    ),
    "error.refused": ("Tindakan ini ditolak.", "This action was refused."),
    "error.result_locked": (
        "Data capaian ini sudah diverifikasi dan terkunci.",
        "This result has been verified and is locked.",
    ),
    "error.username_invalid": (
        "Nama pengguna '{username}' tidak sah: 3–60 huruf kecil, angka, titik, garis bawah "
        "atau tanda hubung.",
        "Username '{username}' is not valid: 3–60 lowercase letters, digits, dots, underscores or hyphens.",
    ),
    "error.username_taken": ("Nama pengguna '{username}' sudah dipakai.", "Username '{username}' is taken."),
    "error.password_weak": (
        "Kata sandi minimal {min} karakter.",
        "The password needs at least {min} characters.",
    ),
    "error.company_unknown": ("Perusahaan '{name}' tidak ditemukan.", "Company '{name}' not found."),
    "error.regency_unknown": ("Kabupaten/kota '{name}' tidak ditemukan.", "Regency '{name}' not found."),
    "point.deadline": ("Batas waktu: {date}", "Deadline: {date}"),
}


def translate(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in; an unknown key shows as itself."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text
