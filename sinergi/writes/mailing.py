"""Notices by e-mail: the cron job's run finds the notices dates call for, then mails each notice not
mailed yet to its user, and records it as mailed once the mail server has taken it: each is sent once."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from sqlalchemy import Engine

from sinergi.core.db import read_session, write_session
from sinergi.core.settings import SmtpSettings
from sinergi.i18n.texts import translate
from sinergi.reads.notices import Mailing, notice_subject, notice_text, unmailed
from sinergi.writes.notices import find_due_notices, mark_mailed

# Seconds to wait for the mail server before the run gives up (the next run tries again).
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class MailRun:
    """What one run did: notices found from dates, mailed, and refused by the server (tried again next
    run)."""

    found: int
    mailed: int
    refused: int


def compose(mailing: Mailing, *, sender: str, lang: str) -> EmailMessage:
    """The e-mail of one notice, as plain text: the names in it are shown as typed."""
    message = EmailMessage()
    message["Subject"] = notice_subject(mailing.notice, lang)
    message["From"] = sender
    message["To"] = formataddr((mailing.name, mailing.email))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    body = [
        translate("notice.mail.greeting", lang, name=mailing.name),
        "",
        notice_text(mailing.notice, lang),
        "",
        translate("notice.mail.footer", lang),
    ]
    message.set_content("\n".join(body))
    return message


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
    if smtp.starttls:
        client.starttls(context=ssl.create_default_context())
    if smtp.user:
        client.login(smtp.user, smtp.password)
    return client


def send_notices(
    engine: Engine, *, smtp: SmtpSettings | None, lang: str = "id", now: datetime | None = None
) -> MailRun:
    """Find the notices dates call for, then (with ``smtp``) mail every notice not mailed yet to users
    who have an e-mail address, marking each as mailed right after the server took it. A notice the
    server refuses stays unmailed for the next run; a server that cannot be reached raises."""
    with write_session(engine) as session:
        found = find_due_notices(session, now=now)
    if smtp is None:
        return MailRun(found, 0, 0)
    with read_session(engine) as session:
        pending = unmailed(session=session)
    if not pending:
        return MailRun(found, 0, 0)
    mailed = refused = 0
    with _connect(smtp) as client:
        for mailing in pending:
            try:
                client.send_message(compose(mailing, sender=smtp.sender, lang=lang))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                refused += 1
                continue
            with write_session(engine) as session:
                mailed += mark_mailed(session, mailing.notice.id)
    return MailRun(found, mailed, refused)
