"""Sinergi's command line: database, backups, demo data, synthetic data, users, import, export and notices."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from sinergi.core.access import Viewer


def _engine(args: argparse.Namespace) -> Engine:
    from sinergi.core.db import engine_for, upgrade_database
    from sinergi.core.settings import database_url

    url = args.database_url or database_url()
    upgrade_database(url)
    return engine_for(url)


def cmd_init_db(args: argparse.Namespace) -> int:
    engine = _engine(args)
    print("Database is at the latest schema.")
    _hint_first_admin(engine)
    return 0


def _hint_first_admin(engine: Engine) -> None:
    """Nobody can sign in before the first admin exists: say how to create one."""
    from sqlalchemy import func
    from sqlmodel import select

    import models as m
    from sinergi.core.db import read_session

    with read_session(engine) as session:
        admins = session.exec(select(func.count()).where(m.User.role == m.Role.ADMIN)).one()
    if not admins:
        print(
            "No admin yet. Create the first one (the password is asked for, never put on the command line):\n"
            "  .venv/bin/python manage.py create-user admin --role admin"
        )


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sinergi.core.backup import BackupRefused, backup
    from sinergi.core.settings import database_url

    path = Path(args.file)
    try:
        size = backup(url=args.database_url or database_url(), path=path)
    except BackupRefused as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Wrote {path} ({size:,} bytes, readable by its owner only: it holds password hashes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sinergi.core.backup import BackupRefused, restore
    from sinergi.core.settings import database_url

    path = Path(args.file)
    try:
        restored = restore(url=args.database_url or database_url(), path=path, force=args.force)
    except BackupRefused as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Restored {path} (made at schema {restored.revision}); the database is at the latest schema.")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from sinergi.core.access import SYSTEM
    from sinergi.core.db import read_session
    from sinergi.reads import queries
    from sinergi.worlds.demo import load_demo

    engine = _engine(args)
    if args.if_empty:
        with read_session(engine) as session:
            if not queries.database_counts(session=session, viewer=SYSTEM).is_empty:
                print("Database already holds data; demo data not loaded.")
                return 0
    inserted = load_demo(engine=engine)
    total = sum(inserted.values())
    print(
        f"Demo data loaded: {total} rows added." if total else "Demo data already present; nothing changed."
    )
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from sinergi.worlds.synth import SCALES, build_synthetic

    counts = SCALES[args.scale]
    overrides = {
        name: value for name, value in vars(args).items() if name.startswith("n_") and value is not None
    }
    counts = replace(counts, **{name[2:]: value for name, value in overrides.items()})
    engine = _engine(args)
    started = time.perf_counter()
    inserted = build_synthetic(engine=engine, counts=counts, seed=args.seed)
    elapsed = time.perf_counter() - started
    for table, rows in sorted(inserted.items()):
        print(f"{table:28} {rows:>10,}")
    print(f"Built in {elapsed:.1f} s.")
    return 0


def cmd_rebuild_summaries(args: argparse.Namespace) -> int:
    from sinergi.core.db import read_session, write_session
    from sinergi.writes import feedback_figures, group_figures, summaries

    engine = _engine(args)
    if args.check:
        with read_session(engine) as session:
            found = summaries.differences(session)
            groups = group_figures.differences(session)
            feedback = feedback_figures.differences(session)
        for column, (program_id, period_id), kept, made in found[:20]:
            print(f"program {program_id}, period {period_id}: {column} kept {kept}, from the rows {made}")
        for column, key, kept, made in groups[:20]:
            print(f"group {key}: {column} kept {kept}, from the rows {made}")
        for column, key, kept, made in feedback[:20]:
            where = f"meeting {key[0]}" + (f", due {key[1]}" if len(key) > 1 else "")
            print(f"{where}: {column} kept {kept}, from the rows {made}")
        count = len(found) + len(groups) + len(feedback)
        print(f"{count} kept figures differ from their rows." if count else "Every kept figure is current.")
        return 1 if count else 0
    started = time.perf_counter()
    with write_session(engine) as session:
        made = summaries.rebuild(session)
        meetings = feedback_figures.rebuild(session)[feedback_figures.FIGURE.name]
    grouped = sum(count for name, count in made.items() if name != summaries.FIGURE.name)
    print(
        f"Made {made[summaries.FIGURE.name]:,} figures of programs per period, {grouped:,} of groups of "
        f"programs and the feedback figures of {meetings:,} meetings again in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from sinergi.core.access import SYSTEM
    from sinergi.core.db import write_session
    from sinergi.core.errors import DomainError
    from sinergi.i18n.texts import translate
    from sinergi.writes.accounts import UserInput, create_user

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("Passwords differ.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    engine = _engine(args)
    try:
        with write_session(engine) as session:
            user = create_user(
                actor=SYSTEM,
                session=session,
                data=UserInput(
                    username=args.username,
                    display_name=args.display_name or args.username,
                    email=args.email,
                    role=args.role,
                    company=args.company,
                    regency=args.regency,
                    password=password,
                ),
            )
    except DomainError as error:
        print(translate(error.key, "en", **error.values), file=sys.stderr)
        return 1
    print(f"User {user.username} ({user.role}) created.")
    return 0


def _acting_viewer(engine: Engine, username: str | None) -> Viewer | None:
    """The system operator, or the named user; None, said on stderr, when no such active user exists."""
    from sqlmodel import select

    import models as m
    from sinergi.core.access import SYSTEM, viewer_for
    from sinergi.core.db import read_session

    if not username:
        return SYSTEM
    with read_session(engine) as session:
        user = session.exec(select(m.User).where(m.User.username == username)).first()
    if user is None or user.disabled:
        print(f"No active user named {username}.", file=sys.stderr)
        return None
    return viewer_for(user)


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sinergi.core.access import AccessDenied
    from sinergi.i18n.texts import translate
    from sinergi.transfer import archive, importing, parsing
    from sinergi.transfer.sheets import header, sheet_name

    engine = _engine(args)
    viewer = _acting_viewer(engine, args.user)
    if viewer is None:
        return 1
    path = Path(args.file)
    try:
        sheets = parsing.read_upload(path.name, path.read_bytes(), entity=args.entity)
        report = importing.import_sheets(
            engine=engine, viewer=viewer, sheets=sheets, commit=not args.dry_run, file_name=path.name
        )
    except archive.FileRefused as error:
        print(translate(error.key, args.lang, **error.values), file=sys.stderr)
        return 1
    except AccessDenied as error:
        print(translate(error.key, args.lang), file=sys.stderr)
        return 1
    for problem in report.problems:
        sheet = sheet_name(problem.sheet, args.lang)
        column = header(problem.column, args.lang) if problem.column else "-"
        message = translate(problem.key, args.lang, **dict(problem.values))
        print(f"{sheet}, row {problem.row}, {column}: {message}", file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} errors; nothing was imported.", file=sys.stderr)
        return 1
    for sheet in sorted({*report.created, *report.updated, *report.unchanged}):
        print(
            f"{sheet:14} created {report.created.get(sheet, 0):>6}  updated {report.updated.get(sheet, 0):>6}"
            f"  unchanged {report.unchanged.get(sheet, 0):>6}"
        )
    print("Checked only; nothing was written." if args.dry_run else "Imported.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sinergi.core import spreadsheet
    from sinergi.core.db import read_session
    from sinergi.reads.filters import Filters
    from sinergi.transfer import exporting
    from sinergi.transfer.sheets import sheet_name

    engine = _engine(args)
    viewer = _acting_viewer(engine, args.user)
    if viewer is None:
        return 1
    path = Path(args.file)
    if args.template:
        sheets = exporting.template_sheets(viewer=viewer, lang=args.lang)
    else:
        with read_session(engine) as session:
            sheets = exporting.export_sheets(
                session=session, viewer=viewer, filters=Filters(), lang=args.lang
            )
    if path.suffix.lower() == ".csv":
        name = sheet_name(args.sheet, args.lang)
        if name not in sheets:
            print(f"Sheet {args.sheet} is not exported for this user.", file=sys.stderr)
            return 1
        path.write_bytes(spreadsheet.csv_bytes(sheets[name]))
    else:
        path.write_bytes(spreadsheet.workbook_bytes(sheets))
    print(f"Wrote {path}.")
    return 0


def cmd_send_notices(args: argparse.Namespace) -> int:
    from sinergi.core.settings import smtp_settings
    from sinergi.writes.mailing import send_notices

    engine = _engine(args)
    smtp = smtp_settings()
    run = send_notices(engine, smtp=smtp, lang=args.lang)
    print(f"Notices found from due dates: {run.found}.")
    if smtp is None:
        print("SINERGI_SMTP_HOST is not set: nothing mailed (the notices are in the app's inbox).")
        return 0
    print(f"Mailed: {run.mailed}; refused by the mail server (tried again next run): {run.refused}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument(
            "--database-url",
            default=None,
            help="SQLAlchemy URL of the database (default: $DATABASE_URL, else data/db/sinergi.db)",
        )
        sub.set_defaults(handler=handler)
        return sub

    command("init-db", cmd_init_db, "Bring the database to the latest schema.")
    backup = command("backup", cmd_backup, "Write a backup of the whole database to one file (0600).")
    backup.add_argument("file", help="the backup file to write (replaced when it exists)")
    restore = command(
        "restore", cmd_restore, "Replace the database with a backup, then bring it to the latest schema."
    )
    restore.add_argument("file", help="a file written by manage.py backup from a database of the same kind")
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    demo = command("load-demo", cmd_load_demo, "Load the demo world of the seed articles (idempotent).")
    demo.add_argument("--if-empty", action="store_true", help="Load only when the database holds no data.")

    synth = command("synth", cmd_synth, "Build a deterministic synthetic database of a named size.")
    synth.add_argument("--scale", choices=["small", "medium", "large", "xl"], default="small")
    synth.add_argument("--seed", type=int, default=42)
    for name in ("companies", "programs", "indicators", "periods", "meetings", "feedback_items", "regencies"):
        synth.add_argument(
            f"--{name.replace('_', '-')}", dest=f"n_{name}", type=int, help=f"override: {name}"
        )

    rebuild = command(
        "rebuild-summaries",
        cmd_rebuild_summaries,
        "Make the figures the pages read (per program and period, per meeting) again from their rows.",
    )
    rebuild.add_argument(
        "--check", action="store_true", help="only compare them with their rows; exit 1 if any differ"
    )

    user = command("create-user", cmd_create_user, "Create a user; the password is read from standard input.")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=["admin", "company", "agency", "viewer"])
    user.add_argument("--company", help="company name (role company)")
    user.add_argument("--regency", help="regency name (role agency)")
    user.add_argument("--display-name")
    user.add_argument("--email", default="")

    from sinergi.transfer.sheets import SHEETS

    entities = [spec.key for spec in SHEETS]
    importer = command(
        "import", cmd_import, "Import an .xlsx or .csv file; one bad row means nothing is imported."
    )
    importer.add_argument("file")
    importer.add_argument("--user", help="act as this user (default: the system operator, with full rights)")
    importer.add_argument("--entity", choices=entities, help="what a .csv holds (default: from its headers)")
    importer.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    importer.add_argument("--lang", choices=["id", "en"], default="en", help="language of the messages")

    exporter = command("export", cmd_export, "Export what a user may see as .xlsx (all sheets) or .csv.")
    exporter.add_argument("file", help="FILE.xlsx, or FILE.csv with --sheet")
    exporter.add_argument("--user", help="export what this user may see (default: everything)")
    exporter.add_argument("--sheet", choices=entities, default="programs", help="the sheet a .csv holds")
    exporter.add_argument("--lang", choices=["id", "en"], default="id", help="language of the headers")
    exporter.add_argument("--template", action="store_true", help="write the empty import template instead")

    notices = command(
        "send-notices",
        cmd_send_notices,
        "Find the notices due dates call for and mail each notice not mailed yet, once (run it from cron).",
    )
    notices.add_argument("--lang", choices=["id", "en"], default="id", help="language of the e-mails")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
