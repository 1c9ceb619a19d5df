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
    # The same in both languages: a label that changed with the choice would reset the switch.
    "app.language": ("Bahasa / Language", "Bahasa / Language"),
    "app.demo_notice": (
        "Angka capaian, anggaran dan penerima manfaat di sini adalah data contoh, bukan data resmi "
        "perusahaan.",
        "The achievement, budget and beneficiary figures here are demo data, not official company figures.",
    ),
    "nav.overview": ("Ringkasan", "Overview"),
    "nav.programs": ("Program", "Programs"),
    "nav.program": ("Detail program", "Program detail"),
    "nav.engagement": ("Pertemuan & masukan", "Meetings & feedback"),
    "nav.compliance": ("Kepatuhan", "Compliance"),
    "overview.title": ("Ringkasan program TJSL", "TJSL programs at a glance"),
    "tile.of_whole": ("dari {whole}", "of {whole}"),
    "overview.all_years": ("semua tahun", "all years"),
    "overview.tile.programs": ("Program aktif", "Active programs"),
    "overview.help.programs": (
        "Program yang belum selesai, dari semua program yang cocok dengan saringan.",
        "Programs not yet completed, out of all programs matching the filters.",
    ),
    "overview.tile.families": ("KK penerima manfaat", "Families reached"),
    "overview.tile.people": ("Jiwa penerima manfaat", "Individuals reached"),
    "overview.tile.budget": ("Anggaran terserap ({year})", "Budget spent ({year})"),
    "overview.help.budget": (
        "Terserap {spent} dari rencana {planned}.",
        "{spent} spent of a planned {planned}.",
    ),
    "overview.tile.on_track": ("Indikator sesuai target ({period})", "Indicators on track ({period})"),
    "overview.help.on_track": (
        "Indikator yang realisasinya mencapai ambang 'sesuai target' pada semester terakhir yang berdata.",
        "Indicators whose actual reaches the 'on track' threshold in the latest semester with data.",
    ),
    "overview.tile.meetings": ("Pertemuan", "Meetings held"),
    "overview.tile.feedback_closed": ("Masukan ditindaklanjuti", "Feedback items closed"),
    "overview.tile.compliance": ("Poin koordinasi terpenuhi", "Coordination points met"),
    "overview.help.compliance": (
        "Sel perusahaan × poin berstatus terpenuhi pada {name}, dari yang berlaku.",
        "Company × point cells met in {name}, out of those that apply.",
    ),
    "overview.by_pillar": ("Capaian per pilar ({period})", "Achievement by pillar ({period})"),
    "overview.by_company": ("Capaian per perusahaan ({period})", "Achievement by company ({period})"),
    "overview.share_of_results": ("Porsi indikator", "Share of indicators"),
    "overview.trend": ("Tren capaian per semester", "Achievement by semester"),
    "overview.average_achievement": ("Rata-rata capaian", "Average achievement"),
    "overview.trend_note": (
        "Capaian = realisasi terhadap target, memperhitungkan arah indikator; di atas 150% dihitung 150% "
        "agar satu indikator tidak menutupi yang lain. Garis putus-putus = 100%.",
        "Achievement = actual against target, in the indicator's direction; above 150% counts as 150% so one "
        "indicator cannot hide the others. Dashed line = 100%.",
    ),
    "overview.no_results": (
        "Belum ada data capaian untuk saringan ini. Isi target dan realisasi di halaman Data.",
        "No results for these filters yet. Enter targets and actuals on the Data page.",
    ),
    "overview.where": ("Lokasi program", "Where programs work"),
    "overview.no_places": (
        "Program yang cocok belum dikaitkan dengan desa/kelurahan.",
        "The matching programs are not linked to any village yet.",
    ),
    "overview.program_villages": ("Program × desa", "Program × village"),
    "overview.district": ("Kecamatan", "District"),
    "overview.village": ("Desa/kelurahan", "Village"),
    "overview.families_reached": ("KK terjangkau", "Families reached"),
    "overview.empty": (
        "Basis data masih kosong. Jalankan `python manage.py load-demo` untuk memuat data contoh, "
        "atau impor data program Anda.",
        "The database is empty. Run `python manage.py load-demo` to load the demo data, "
        "or import your programs.",
    ),
    "programs.title": ("Program", "Programs"),
    "programs.search": ("Cari program atau perusahaan", "Search programs or companies"),
    "programs.count": (
        "{count} program. Klik baris untuk membuka detail.",
        "{count} programs. Click a row to open it.",
    ),
    "programs.empty": (
        "Belum ada program. Tambahkan program di halaman Data atau muat data contoh.",
        "No programs yet. Add programs on the Data page or load the demo data.",
    ),
    "programs.open": ("Buka", "Open"),
    "programs.name": ("Program", "Program"),
    "programs.stage": ("Tahap", "Stage"),
    "programs.poverty": ("Kemiskinan", "Poverty"),
    "programs.status": ("Status", "Status"),
    "programs.achievement": ("Capaian", "Achievement"),
    "programs.gaps": ("Kesenjangan", "Gaps"),
    "programs.gaps_help": (
        "Indikator yang realisasinya di bawah target pada semester laporan.",
        "Indicators whose actual fell short of target in the reporting semester.",
    ),
    "programs.overdue": ("Tindak lanjut terlambat", "Overdue follow-ups"),
    "programs.overdue_help": (
        "Tindak lanjut yang belum selesai dan sudah lewat tenggat.",
        "Follow-up actions not done and past their due date.",
    ),
    "program.not_found": (
        "Program tidak ditemukan. Pilih program dari daftar.",
        "Program not found. Pick a program from the list.",
    ),
    "program.back": ("Semua program", "All programs"),
    "program.stage": ("Tahap: {stage}", "Stage: {stage}"),
    "program.ongoing": ("berjalan", "ongoing"),
    "program.poverty": ("Penanggulangan kemiskinan", "Poverty alleviation"),
    "program.by_sex": ("Laki-laki {men}, perempuan {women}.", "Men {men}, women {women}."),
    "program.indicators_on_track": ("Indikator sesuai target", "Indicators on track"),
    "program.indicators_on_track_help": (
        "Dihitung s.d. semester terakhir yang berdata: indikator kumulatif dijumlahkan, "
        "indikator per periode memakai semester terakhir.",
        "Counted up to the latest semester with data: cumulative indicators are added up, periodic ones use "
        "the latest semester.",
    ),
    "program.indicators": ("Indikator: rencana dan capaian", "Indicators: planned and achieved"),
    "program.no_indicators": (
        "Program ini belum punya indikator. Tambahkan indikator dan targetnya di halaman Data.",
        "This program has no indicators yet. Add indicators and their targets on the Data page.",
    ),
    "program.no_results": (
        "Belum ada target atau realisasi untuk indikator ini. Isi di halaman Data.",
        "No targets or actuals for this indicator yet. Enter them on the Data page.",
    ),
    "program.indicator": ("Indikator", "Indicator"),
    "program.unit": ("Satuan", "Unit"),
    "program.up_to": ("S.d. semester", "Up to"),
    "program.target": ("Target", "Target"),
    "program.actual": ("Realisasi", "Actual"),
    "program.gap": ("kesenjangan", "gap"),
    "program.gap_column": ("Kesenjangan", "Gap"),
    "program.baseline": ("Baseline {value} ({year})", "Baseline {value} ({year})"),
    "program.baseline_short": ("Baseline", "Baseline"),
    "program.no_baseline": ("Tanpa baseline", "No baseline"),
    "program.gaps_in": ("Di bawah target pada: {periods}", "Below target in: {periods}"),
    "program.table": ("Realisasi / target per semester", "Actual / target by semester"),
    "program.table_note": (
        "Sel berwarna = kesenjangan: realisasi lebih buruk dari target menurut arah indikator.",
        "Shaded cells are gaps: the actual is worse than the target in the indicator's direction.",
    ),
    "program.budget_people": ("Anggaran dan penerima manfaat", "Budget and beneficiaries"),
    "program.budget_planned": ("Rencana", "Planned"),
    "program.budget_spent": ("Realisasi", "Spent"),
    "program.absorbed": ("Serapan", "Absorbed"),
    "program.no_budget": ("Belum ada data anggaran.", "No budget recorded yet."),
    "program.families": ("Kepala keluarga (KK)", "Families"),
    "program.men": ("Laki-laki", "Men"),
    "program.women": ("Perempuan", "Women"),
    "program.planned": ("Rencana", "Planned"),
    "program.reached": ("Terjangkau", "Reached"),
    "program.places": ("Lokasi", "Places"),
    "program.partners": ("Mitra", "Partners"),
    "program.sdgs": ("TPB/SDGs: {sdgs}", "SDGs: {sdgs}"),
    "program.evaluations": ("Evaluasi dan tindak lanjut", "Evaluations and follow-up actions"),
    "program.no_actions": ("Belum ada tindak lanjut tercatat.", "No follow-up actions recorded yet."),
    "program.evaluation": ("Evaluasi", "Evaluation"),
    "program.held_on": ("Tanggal", "Date"),
    "program.action": ("Tindak lanjut", "Action"),
    "program.owner": ("Penanggung jawab", "Owner"),
    "program.due": ("Tenggat", "Due"),
    "program.actions_overdue": (
        "{count} tindak lanjut lewat tenggat.",
        "{count} follow-up actions are overdue.",
    ),
    "program.feedback": ("Masukan pemangku kepentingan", "Stakeholder feedback"),
    "program.no_feedback": ("Belum ada masukan untuk program ini.", "No feedback on this program yet."),
    "program.meeting": ("Pertemuan", "Meeting"),
    "program.source": ("Dari", "From"),
    "program.kind": ("Jenis", "Kind"),
    "program.said": ("Masukan", "Input"),
    "program.response": ("Tanggapan", "Response"),
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
    "download.csv": ("Data (CSV)", "Data (CSV)"),
    "download.png": ("Grafik (PNG)", "Chart (PNG)"),
    "filter.heading": ("Saring", "Filter"),
    "filter.all": ("Semua", "All"),
    "filter.regency": ("Kabupaten/kota", "Regency/city"),
    "filter.company": ("Perusahaan", "Company"),
    "filter.year": ("Tahun", "Year"),
    "filter.period": ("Semester", "Semester"),
    "filter.pillar": ("Pilar", "Pillar"),
    "filter.poverty": ("Hanya program penanggulangan kemiskinan", "Poverty alleviation only"),
    "filter.no_match": (
        "Tidak ada data yang cocok dengan saringan ini. Longgarkan saringan di sisi kiri.",
        "Nothing matches these filters. Loosen the filters on the left.",
    ),
    "login.title": ("Masuk ke Sinergi", "Sign in to Sinergi"),
    "login.intro": (
        "Masuk dengan akun dari admin Sinergi di instansi atau perusahaan Anda.",
        "Sign in with the account your organisation's Sinergi admin gave you.",
    ),
    "login.username": ("Nama pengguna", "Username"),
    "login.password": ("Kata sandi", "Password"),
    "login.submit": ("Masuk", "Sign in"),
    "login.failed": (
        "Gagal masuk. Periksa nama pengguna dan kata sandi, atau coba lagi beberapa menit lagi.",
        "Sign-in failed. Check the username and password, or try again in a few minutes.",
    ),
    "login.signed_in_as": ("Masuk sebagai {name} ({role})", "Signed in as {name} ({role})"),
    "login.logout": ("Keluar", "Sign out"),
    "role.admin": ("admin", "admin"),
    "role.company": ("perusahaan", "company"),
    "role.agency": ("instansi", "agency"),
    "role.viewer": ("pembaca", "viewer"),
    "error.access_denied": (
        "Anda tidak berhak mengakses data ini. Percobaan ini dicatat.",
        "You may not reach this data. The attempt has been logged.",
    ),
    "error.password_wrong": ("Kata sandi lama salah.", "The current password is wrong."),
    "error.weak_cookie_key": (
        "Kunci cookie terlalu lemah (minimal {min} byte acak, bukan contoh publik). Ganti cookie_key di "
        ".streamlit/secrets.toml atau hapus baris itu agar dibuat ulang.",
        "The cookie key is weak (at least {min} random bytes, not a public example). Replace cookie_key in "
        ".streamlit/secrets.toml or delete that line to have a new one generated.",
    ),
    "error.refused": ("Tindakan ini ditolak.", "This action was refused."),
    "error.result_locked": (
        "Data capaian ini sudah diverifikasi dan terkunci.",
        "This result has been verified and is locked.",
    ),
    "error.feedback_invalid": (
        "Masukan tidak dapat disimpan: pilih jenisnya dan tulis 1–{max} karakter.",
        "The feedback cannot be saved: choose its kind and write 1–{max} characters.",
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
    # The engagement page (/engagement).
    "engagement.title": ("Pertemuan & masukan", "Meetings & feedback"),
    "engagement.caption": (
        "Siapa yang hadir, apa yang disampaikan pemangku kepentingan, dan apa tindak lanjutnya.",
        "Who came, what stakeholders said, and what was done with it.",
    ),
    "engagement.empty": (
        "Belum ada pertemuan yang tercatat. Catat pertemuan beserta harapan dan masukan pesertanya di "
        "halaman Data, atau jalankan `python manage.py load-demo` untuk memuat data contoh.",
        "No meetings are recorded yet. Record meetings with their participants' expectations and input on "
        "the Data page, or run `python manage.py load-demo` to load the demo data.",
    ),
    "engagement.no_match": (
        "Tidak ada pertemuan yang cocok dengan saringan ini. Pilih kabupaten/kota, perusahaan, tahun atau "
        "semester lain di sisi kiri, atau pilih «Semua».",
        "No meeting matches these filters. Pick another regency, company, year or semester on the left, "
        "or choose «All».",
    ),
    "engagement.no_feedback": (
        "Belum ada masukan dari pertemuan ini. Catat harapan dan masukan peserta di halaman Data atau "
        "lewat formulir masukan pertemuan.",
        "No feedback from these meetings yet. Record participants' expectations and input on the Data "
        "page or through the meeting's feedback form.",
    ),
    "engagement.no_attendance": (
        "Belum ada organisasi yang tercatat hadir. Tambahkan daftar hadir pertemuan di halaman Data.",
        "No attending organisations are recorded yet. Add the meetings' attendance on the Data page.",
    ),
    "engagement.tile.meetings": ("Pertemuan", "Meetings"),
    "engagement.tile.attendees": ("Peserta hadir", "People present"),
    "engagement.tile.feedback": ("Masukan", "Feedback items"),
    "engagement.tile.followed_up": ("Sudah ditindaklanjuti", "Followed up"),
    "engagement.tile.followed_up_help": (
        "Masukan yang sedang diproses, selesai, atau ditolak dengan alasan: {count} dari {total}.",
        "Feedback in progress, done or declined with a reason: {count} of {total}.",
    ),
    "engagement.tile.overdue": ("Terlambat", "Overdue"),
    "engagement.tile.overdue_help": (
        "Masukan terbuka atau dalam proses yang tindak lanjutnya lewat batas waktu, atau yang belum "
        "dijawab lebih dari {days} hari setelah pertemuan.",
        "Open or in-progress feedback whose follow-up action is past due, or that got no response more "
        "than {days} days after the meeting.",
    ),
    "engagement.charts": ("Masukan dan kehadiran", "Feedback and attendance"),
    "engagement.chart.by_kind": ("Masukan menurut jenis", "Feedback by kind"),
    "engagement.chart.by_status": ("Masukan menurut status", "Feedback by status"),
    "engagement.chart.by_source": ("Masukan menurut jenis organisasi", "Feedback by organisation type"),
    "engagement.chart.attendance": ("Kehadiran menurut jenis organisasi", "Attendance by organisation type"),
    "engagement.axis.items": ("Jumlah masukan", "Feedback items"),
    "engagement.axis.people": ("Jumlah orang", "People"),
    "engagement.axis.kind": ("Jenis", "Kind"),
    "engagement.axis.status": ("Status", "Status"),
    "engagement.axis.org_type": ("Jenis organisasi", "Organisation type"),
    "engagement.meetings": ("Daftar pertemuan", "Meetings"),
    "engagement.attendance_note": (
        "Kolom per jenis organisasi menghitung orang dari organisasi yang tercatat hadir; jumlah peserta "
        "mencakup semua yang hadir.",
        "The columns per organisation type count the people of the organisations listed as present; "
        "people present counts everyone who came.",
    ),
    "engagement.col.date": ("Tanggal", "Date"),
    "engagement.col.kind": ("Jenis", "Kind"),
    "engagement.col.title": ("Judul", "Title"),
    "engagement.col.organiser": ("Penyelenggara", "Organiser"),
    "engagement.col.venue": ("Tempat", "Venue"),
    "engagement.col.attendees": ("Peserta hadir", "People present"),
    "engagement.col.organisations": ("Organisasi", "Organisations"),
    "engagement.col.meeting_date": ("Tanggal pertemuan", "Meeting date"),
    "engagement.col.source": ("Dari", "From"),
    "engagement.col.text": ("Masukan", "Feedback"),
    "engagement.col.program": ("Program", "Program"),
    "engagement.col.response": ("Tanggapan", "Response"),
    "engagement.col.status": ("Status", "Status"),
    "engagement.col.days_open": ("Hari terbuka", "Days open"),
    "engagement.days_open_help": (
        "Dari tanggal pertemuan sampai masukan ditutup, atau sampai hari ini bila belum ditutup.",
        "From the meeting to the day the item was closed, or to today while it is not.",
    ),
    "engagement.col.action": ("Tindak lanjut", "Follow-up action"),
    "engagement.col.action_status": ("Status tindak lanjut", "Action status"),
    "engagement.col.action_due": ("Batas waktu", "Due"),
    "engagement.col.reason": ("Mengapa terlambat", "Why overdue"),
    "engagement.reason.action_past_due": ("Tindak lanjut lewat batas waktu", "Action past due"),
    "engagement.reason.no_response": ("Belum dijawab setelah {days} hari", "No response after {days} days"),
    "engagement.declined": ("Ditolak: {reason}", "Declined: {reason}"),
    "engagement.overdue": ("Masukan yang terlambat ditindaklanjuti", "Overdue feedback"),
    "engagement.no_overdue": (
        "Tidak ada masukan yang terlambat ditindaklanjuti.",
        "No feedback is overdue.",
    ),
    "engagement.log": ("Anda menyampaikan, kami menindaklanjuti", "You said, we did"),
    "engagement.log_caption": (
        "Setiap masukan dari pertemuan terpilih, tanggapannya, dan tindak lanjut yang disepakati.",
        "Every feedback item from the selected meetings, its response and the agreed follow-up action.",
    ),
    # The compliance page (/compliance).
    "compliance_page.title": ("Kepatuhan poin koordinasi", "Compliance with coordination points"),
    "compliance_page.caption": (
        "Status setiap perusahaan terhadap poin hasil rapat koordinasi kabupaten/kota, dengan bukti dan "
        "verifikasinya.",
        "Each company's status against the points of a regency's coordination meeting, with the evidence "
        "and its verification.",
    ),
    "compliance_page.no_framework": (
        "Belum ada kerangka koordinasi kabupaten/kota. Admin dapat menambahkannya di halaman Admin, atau "
        "jalankan `python manage.py load-demo` untuk memuat contoh enam poin Rakor TJSP Kutai Kartanegara.",
        "No regency coordination framework yet. An admin can add one on the Admin page, or run "
        "`python manage.py load-demo` to load the example of Kutai Kartanegara's six TJSP points.",
    ),
    "compliance_page.no_points": (
        "Kerangka ini belum memiliki poin. Admin dapat menambahkannya di halaman Admin.",
        "This framework has no points yet. An admin can add them on the Admin page.",
    ),
    "compliance_page.no_companies": (
        "Belum ada perusahaan yang tercatat beroperasi di {regency}. Catat wilayah operasi perusahaan di "
        "halaman Data.",
        "No company is recorded as operating in {regency} yet. Record the companies' regencies on the "
        "Data page.",
    ),
    "compliance_page.framework": ("Kerangka koordinasi", "Coordination framework"),
    "compliance_page.framework_option": ("{name} (tahun rencana {year})", "{name} (plan year {year})"),
    "compliance_page.summary": (
        "Ditetapkan {regency} pada {issued} untuk tahun rencana {year}: {points} poin untuk {companies} "
        "perusahaan yang beroperasi di wilayahnya.",
        "Issued by {regency} on {issued} for plan year {year}: {points} points for the {companies} "
        "companies operating there.",
    ),
    "compliance_page.meeting": ("Hasil pertemuan: {title}.", "Agreed at: {title}."),
    "compliance_page.counts_help": (
        "Jumlah pasangan perusahaan × poin dengan status ini.",
        "Company × point pairs with this status.",
    ),
    "compliance_page.matrix_heading": ("Matriks kepatuhan", "Compliance matrix"),
    "compliance_page.matrix_caption": (
        "Satu baris per perusahaan, satu kolom per poin; arahkan kursor ke sel untuk membaca isi poin.",
        "One row per company, one column per point; hover over a cell to read the point.",
    ),
    "compliance_page.company": ("Perusahaan", "Company"),
    "compliance_page.point": ("Poin", "Point"),
    "compliance_page.points_heading": ("Isi poin", "The points"),
    "compliance_page.point_label": ("Poin {number}. {title}", "Point {number}. {title}"),
    "compliance_page.no_deadline": ("Tanpa batas waktu", "No deadline"),
    "compliance_page.evidence_needed": ("Bukti yang diperlukan: {evidence}", "Evidence needed: {evidence}"),
    "compliance_page.judged": ("Cara penilaian: {rule}", "How it is judged: {rule}"),
    "compliance_page.deadlines_heading": ("Batas waktu", "Deadlines"),
    "compliance_page.deadlines_caption": ("Dihitung dari hari ini, {today}.", "Counted from today, {today}."),
    "compliance_page.no_deadlines": ("Tidak ada poin dengan batas waktu.", "No point has a deadline."),
    "compliance_page.col_point": ("Poin", "Point"),
    "compliance_page.col_title": ("Judul", "Title"),
    "compliance_page.col_deadline": ("Batas waktu", "Deadline"),
    "compliance_page.col_time": ("Sisa waktu", "Time left"),
    "compliance_page.col_open": ("Perusahaan belum memenuhi", "Companies still open"),
    "compliance_page.days_left": ("{days} hari lagi", "{days} days left"),
    "compliance_page.days_left_one": ("1 hari lagi", "1 day left"),
    "compliance_page.due_today": ("Hari ini", "Due today"),
    "compliance_page.days_overdue": ("Lewat {days} hari", "{days} days overdue"),
    "compliance_page.days_overdue_one": ("Lewat 1 hari", "1 day overdue"),
    "compliance_page.detail_heading": ("Rincian per perusahaan", "Company detail"),
    "compliance_page.taking_part": (
        "Ikut serta dalam program kolaborasi kerangka ini.",
        "Takes part in this framework's collaboration program.",
    ),
    "compliance_page.declined": (
        "Menyatakan tidak ikut serta, dengan surat tertanggal {date}.",
        "Declined to take part, by a letter dated {date}.",
    ),
    "compliance_page.declined_no_letter": (
        "Menyatakan tidak ikut serta, tetapi surat alasannya belum tercatat.",
        "Declined to take part, but no letter giving the reasons is recorded.",
    ),
    "compliance_page.reason": ("Alasan: {reason}", "Reason: {reason}"),
    "compliance_page.no_participation": (
        "Keikutsertaan perusahaan ini belum tercatat.",
        "This company's participation is not recorded yet.",
    ),
    "compliance_page.programs_heading": (
        "Program penanggulangan kemiskinan yang dihitung untuk tahun {year}",
        "Poverty-alleviation programs counted for {year}",
    ),
    "compliance_page.no_programs": (
        "Belum ada program penanggulangan kemiskinan yang berjalan pada tahun {year}.",
        "No poverty-alleviation program runs in {year} yet.",
    ),
    "compliance_page.program_since": ("{stage}, sejak {start}", "{stage}, since {start}"),
    "compliance_page.program_between": ("{stage}, {start} – {end}", "{stage}, {start} – {end}"),
    "compliance_page.record_heading": (
        "Bukti dan verifikasi per poin",
        "Evidence and verification per point",
    ),
    "compliance_page.col_status": ("Status", "Status"),
    "compliance_page.col_basis": ("Dasar status", "Basis of the status"),
    "compliance_page.col_evidence": ("Bukti", "Evidence"),
    "compliance_page.col_document_date": ("Tanggal dokumen", "Document date"),
    "compliance_page.col_note": ("Catatan", "Note"),
    "compliance_page.col_verified_by": ("Diverifikasi oleh", "Verified by"),
    "compliance_page.col_verified_at": ("Tanggal verifikasi", "Verified on"),
    "compliance_page.basis_hand": ("Ditetapkan manual oleh verifikator", "Set by hand by a verifier"),
    "compliance_page.basis_awaiting": ("Menunggu verifikasi", "Awaiting verification"),
    "compliance_page.basis_declined": (
        "Perusahaan menyatakan tidak ikut serta",
        "The company declined to take part",
    ),
}

# Enumeration values: "<kind>.<value>".
ENUM_TEXTS: Final[dict[str, tuple[str, str]]] = {
    "pillar.economy": ("Ekonomi", "Economy"),
    "pillar.environment": ("Lingkungan", "Environment"),
    "pillar.disaster_resilience": ("Ketangguhan bencana", "Disaster resilience"),
    "pillar.health": ("Kesehatan", "Health"),
    "pillar.education": ("Pendidikan", "Education"),
    "pillar.infrastructure": ("Infrastruktur", "Infrastructure"),
    "pillar.social": ("Sosial", "Social"),
    "stage.planning": ("Perencanaan", "Planning"),
    "stage.implementation": ("Pelaksanaan", "Implementation"),
    "stage.monitoring_evaluation": ("Monitoring & evaluasi", "Monitoring & evaluation"),
    "stage.reporting": ("Pelaporan", "Reporting"),
    "stage.completed": ("Selesai", "Completed"),
    "sector.oil_gas": ("Minyak dan gas", "Oil and gas"),
    "sector.coal_mining": ("Pertambangan batu bara", "Coal mining"),
    "sector.plantation": ("Perkebunan", "Plantation"),
    "sector.other": ("Lainnya", "Other"),
    "org_type.government_agency": ("Instansi pemerintah (OPD)", "Government agency"),
    "org_type.village_government": ("Pemerintah desa/kelurahan", "Village government"),
    "org_type.community_group": ("Kelompok binaan", "Community group"),
    "org_type.implementing_partner": ("Mitra pelaksana", "Implementing partner"),
    "org_type.state_owned": ("BUMN/BUMD", "State-owned enterprise"),
    "org_type.private_company": ("Swasta/start-up", "Private company or start-up"),
    "org_type.academia": ("Akademisi", "Academia"),
    "org_type.media": ("Media", "Media"),
    "org_type.community_leader": ("Tokoh masyarakat", "Community leader"),
    "org_type.public": ("Peserta umum", "Public participant"),
    "partner_role.beneficiary_group": ("Kelompok binaan", "Beneficiary group"),
    "partner_role.implementing_partner": ("Mitra pelaksana", "Implementing partner"),
    "indicator_kind.output": ("Keluaran", "Output"),
    "indicator_kind.outcome": ("Hasil", "Outcome"),
    "indicator_kind.impact": ("Dampak", "Impact"),
    "direction.higher": ("Makin tinggi makin baik", "Higher is better"),
    "direction.lower": ("Makin rendah makin baik", "Lower is better"),
    "accumulation.periodic": ("Per periode", "Per period"),
    "accumulation.cumulative": ("Kumulatif", "Cumulative"),
    "result_state.draft": ("Draf", "Draft"),
    "result_state.submitted": ("Diajukan", "Submitted"),
    "result_state.verified": ("Terverifikasi", "Verified"),
    "achievement.on_track": ("Sesuai target", "On track"),
    "achievement.needs_attention": ("Perlu perhatian", "Needs attention"),
    "achievement.off_track": ("Di bawah target", "Off track"),
    "achievement.no_data": ("Belum ada data", "No data"),
    "action_status.open": ("Terbuka", "Open"),
    "action_status.in_progress": ("Dalam proses", "In progress"),
    "action_status.done": ("Selesai", "Done"),
    "action_status.cancelled": ("Dibatalkan", "Cancelled"),
    "meeting_kind.fgd": ("FGD", "FGD"),
    "meeting_kind.monev": ("Monev", "Monitoring & evaluation"),
    "meeting_kind.rakor": ("Rapat koordinasi", "Coordination meeting"),
    "meeting_kind.semester_evaluation": ("Evaluasi semester", "Semester evaluation"),
    "meeting_kind.socialisation": ("Sosialisasi", "Socialisation"),
    "feedback_kind.expectation": ("Harapan", "Expectation"),
    "feedback_kind.suggestion": ("Saran/masukan", "Suggestion"),
    "feedback_kind.concern": ("Keprihatinan", "Concern"),
    "feedback_kind.collaboration_offer": ("Tawaran kolaborasi", "Offer of collaboration"),
    "feedback_kind.appreciation": ("Apresiasi", "Appreciation"),
    "feedback_status.open": ("Terbuka", "Open"),
    "feedback_status.in_progress": ("Dalam proses", "In progress"),
    "feedback_status.done": ("Selesai", "Done"),
    "feedback_status.declined": ("Ditolak dengan alasan", "Declined with a reason"),
    "moderation.pending": ("Menunggu moderasi", "Awaiting moderation"),
    "moderation.approved": ("Disetujui", "Approved"),
    "moderation.hidden": ("Disembunyikan", "Hidden"),
    "compliance.met": ("Terpenuhi", "Met"),
    "compliance.partly_met": ("Sebagian", "Partly met"),
    "compliance.not_met": ("Tidak terpenuhi", "Not met"),
    "compliance.not_applicable": ("Tidak berlaku", "Not applicable"),
    "compliance.pending": ("Menunggu", "Pending"),
    "point_rule.manual": ("Dinilai manual", "Judged by hand"),
    "point_rule.min_poverty_programs": (
        "Dari data: jumlah program penanggulangan kemiskinan",
        "From the data: number of poverty-alleviation programs",
    ),
    "point_rule.document_by_deadline": (
        "Dari data: dokumen bertanggal sebelum batas waktu",
        "From the data: a document dated by the deadline",
    ),
    "point_rule.declined_only": (
        "Hanya bagi perusahaan yang menyatakan tidak ikut",
        "Only for a company that declined to take part",
    ),
}

TEXTS.update(ENUM_TEXTS)


def translate(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in; an unknown key shows as itself."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text
