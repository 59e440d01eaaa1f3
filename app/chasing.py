"""Chasing the leads of actions: who to chase, who is due a chase today, and the e-mails.

A chase goes to each **lead officer** (within their agency) of the actions chosen, or to the
**agency** where no officer is named; actions with neither are left out. Each gets one
e-mail, written as an ``.eml`` file that Outlook opens as a new message ready to send
(``X-Unsent: 1``): addressed from the office's chase addresses (``chase_addresses``: the
officer's, else the agency's; kept in the settings rather than in the lead officer's entry,
which travels in every workbook, where the privacy check stops an e-mail address), with the office's subject and text (``app.settings``:
``chase_subject``, ``chase_template``, placeholders ``CHASE_PLACEHOLDERS``), the actions
listed one a line, and the agency's pack (its open actions' workbook, ``app.excel.export``)
attached. Writing them records a chase on each action listed (``app.services.chases``).

What counts as overdue or due soon is ``app.rules``'s, read through the plan's read model.
**The schedule** (``ChaseSchedule``, from the settings) says when an open action is chased:
so many days before its target date, on the day, then every so many days while it is
overdue. An action is *due a chase today* once the latest of those days on or before today
has come and nobody has chased it since: a chase missed over a weekend is still due on the
Monday.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups, privacy_scan, rules
from app.errors import UserError
from app.queries.action_plan import ActionRow, PlanFilter, read_action_plan
from app.queries.driver import Dates, driver_rows
from app.services.chases import record_chases
from app.settings import OfficeSettings, get_settings
from app.text import clean, plural
from db.models import Action, Chase

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_UNSAFE_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


class ChaseHoldsFindings(UserError):
    """The privacy check found in a chase e-mail or its workbook what should not leave the
    office; nothing was written. Writing them ``despite_findings`` goes ahead knowingly;
    ``record_stopped`` keeps the decision to stop in the audit trail."""

    def __init__(self, message: str, document: str, findings: list):
        super().__init__(message)
        self.document, self.findings = document, findings

    def record_stopped(self, session: Session) -> None:
        """Record in the audit trail that the chase was stopped to put the records right."""
        privacy_scan.record_privacy_decision(session, self.document, self.findings, proceeded=False)


# --- the schedule ---------------------------------------------------------------------------

def _days(text: str) -> int | None:
    text = clean(text)
    return int(text) if text.isdigit() and int(text) > 0 else None


@dataclass(frozen=True)
class ChaseSchedule:
    """When an open action is chased: ``days_before`` its target (None: not before), on the
    day itself if ``on_the_day``, then every ``every_days_overdue`` days after it while
    overdue (None: not again)."""

    days_before: int | None = 14
    on_the_day: bool = True
    every_days_overdue: int | None = 14

    @classmethod
    def from_settings(cls, settings: OfficeSettings) -> ChaseSchedule:
        """The office's schedule (``chase_days_before``, ``chase_on_the_day``,
        ``chase_every_days_overdue``)."""
        return cls(_days(settings.chase_days_before), clean(settings.chase_on_the_day).lower() != "no",
                   _days(settings.chase_every_days_overdue))

    def last_due(self, target_on: dt.date, today: dt.date) -> dt.date | None:
        """The latest day on or before ``today`` on which an action due on ``target_on`` is
        to be chased; None if none has come yet."""
        days = []
        if self.days_before:
            days.append(target_on - dt.timedelta(days=self.days_before))
        if self.on_the_day:
            days.append(target_on)
        if self.every_days_overdue and today > target_on:
            rounds = (today - target_on).days // self.every_days_overdue
            if rounds:
                days.append(target_on + dt.timedelta(days=rounds * self.every_days_overdue))
        return max((day for day in days if day <= today), default=None)

    def is_due(self, row: ActionRow, today: dt.date) -> bool:
        """Whether the open action ``row`` (read as at ``today``) is due a chase today: a day
        the schedule chases it has come, and it has not been chased since."""
        if row.state in (rules.COMPLETED, rules.CLOSED) or row.target_on is None:
            return False
        return self.chased_too_long_ago(self.last_due(row.target_on, today), row.last_chased)

    @staticmethod
    def chased_too_long_ago(due: dt.date | None, last_chased: dt.date | None) -> bool:
        """Whether an open action whose latest chase day is ``due`` still needs it."""
        return due is not None and (last_chased is None or last_chased < due)

    def days_ahead(self) -> int | None:
        """How far after today a target may be and its action already be due a chase (None:
        the schedule never chases)."""
        if self.days_before:
            return self.days_before
        if self.on_the_day:
            return 0
        return -self.every_days_overdue if self.every_days_overdue else None

    def describe(self) -> str:
        """The schedule in words: "14 days before the target, on the day, then every 14
        days while overdue"."""
        parts = [f"{plural(self.days_before, 'day')} before the target"] if self.days_before else []
        if self.on_the_day:
            parts.append("on the day")
        if self.every_days_overdue:
            parts.append(f"{'then ' if parts else ''}every {plural(self.every_days_overdue, 'day')} while overdue")
        return ", ".join(parts) or "never"


# --- who is chased --------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """One person or agency to chase, and the actions the chase is about (overdue first)."""

    agency: str | None
    officer: str | None  # None: the agency as a whole
    address: str | None  # from the office's chase addresses: the officer's, else the agency's
    actions: tuple[ActionRow, ...]

    @property
    def name(self) -> str:
        """Who the e-mail greets: the officer, else the agency."""
        return self.officer or self.agency or ""

    @property
    def label(self) -> str:
        """Who was chased, as the chase records it: "Jane Hart (Police)", or "Police"."""
        return f"{self.officer} ({self.agency})" if self.officer and self.agency else self.name

    def count(self, state: str) -> int:
        return sum(row.state == state for row in self.actions)


def recipients(session: Session, today: dt.date | None = None, *, agency: str | None = None,
               due_today: bool = False) -> list[Recipient]:
    """Who to chase on ``today`` (default today) and about what, by agency then officer: the
    open actions overdue or due soon of each lead officer (or agency, where none is named),
    or, with ``due_today``, those the schedule says are due a chase today. ``agency`` (a name
    or known spelling) narrows it to that agency's actions."""
    today = today or dt.date.today()
    lead = lookups.agency(session, agency, field="agency") if agency else None
    settings = get_settings(session)
    schedule, addresses = ChaseSchedule.from_settings(settings), settings.chase_address_book
    plan = read_action_plan(session, today, PlanFilter(agency_id=lead.id if lead else None, open_only=True),
                            with_updates=False)
    if due_today:
        rows = [row for row in plan.rows if schedule.is_due(row, today)]
    else:
        rows = [row for row in plan.rows if row.state in (rules.OVERDUE, rules.DUE_SOON)]
    groups: dict[tuple, list[ActionRow]] = defaultdict(list)
    for row in rows:
        if clean(row.lead_officer) or row.lead_agency:
            groups[(row.lead_agency or "", clean(row.lead_officer).casefold())].append(row)
    found = []
    for _key, actions in sorted(groups.items()):
        agency, officer = actions[0].lead_agency, clean(actions[0].lead_officer) or None
        address = next((addresses[name.casefold()] for name in (officer, agency)
                        if name and name.casefold() in addresses), None)
        actions.sort(key=lambda row: (row.target_on or dt.date.max, row.reference))
        found.append(Recipient(agency, officer, address, tuple(actions)))
    return found


def due_today(session: Session, today: dt.date | None = None) -> list[Recipient]:
    """Who is due a chase today by the office's schedule, each with the actions due (for the
    dashboard, and ``main.py chase --due-today``)."""
    return recipients(session, today, due_today=True)


def count_due_today(session: Session, today: dt.date | None = None) -> tuple[int, int]:
    """(leads, actions) as ``due_today`` lists them, counted without building the plan, for
    the dashboard: one query over the open actions whose target is near enough. A past date
    is read through the plan, which rebuilds the actions as they stood then."""
    today = today or dt.date.today()
    if today < dt.date.today():
        due = due_today(session, today)
        return len(due), sum(len(lead.actions) for lead in due)
    schedule = ChaseSchedule.from_settings(get_settings(session))
    ahead = schedule.days_ahead()
    if ahead is None:
        return 0, 0
    chased = (select(Chase.action_id, func.max(Chase.chased_on).label("chased_on"))
              .where(Chase.archived_at.is_(None), Chase.chased_on <= today).group_by(Chase.action_id).subquery())
    rows = driver_rows(session, select(Action.target_on, Action.lead_agency_id, Action.lead_officer, chased.c.chased_on)
                       .outerjoin(chased, chased.c.action_id == Action.id)
                       # "+ 0": SQLite reads the table straight through, twice as fast as walking
                       # the status index and fetching a third of the rows out of order.
                       .where(Action.archived_at.is_(None), (Action.status_id + 0).in_(rules.open_status_ids_clause()),
                              Action.target_on <= today + dt.timedelta(days=ahead)))
    day, officers, last_due = Dates(), {}, {}
    leads: set[tuple] = set()
    actions = 0
    for target_on, agency_id, officer, last_chased in rows:
        target_on = day[target_on]
        if target_on not in last_due:
            last_due[target_on] = schedule.last_due(target_on, today)
        if officer not in officers:
            officers[officer] = clean(officer).casefold()
        if (officers[officer] or agency_id is not None) and \
                schedule.chased_too_long_ago(last_due[target_on], day[last_chased]):
            leads.add((agency_id, officers[officer]))
            actions += 1
    return len(leads), actions


# --- the e-mails ----------------------------------------------------------------------------

def action_line(row: ActionRow, today: dt.date, settings: OfficeSettings) -> str:
    """One action as the e-mail lists it: reference, what it is, its target and where it stands."""
    when = f"target {settings.format_date(row.target_on)}" if row.target_on else "no target date"
    if row.state == rules.OVERDUE:
        when += f", overdue by {plural((today - row.target_on).days, 'day')}"
    elif row.state == rules.DUE_SOON:
        when += ", due soon" if row.target_on != today else ", due today"
    if row.last_chased:
        when += f"; last chased {settings.format_date(row.last_chased)}"
    return f"- {row.reference}: {clean(row.description)} ({when})"


def _filled(text: str, values: dict[str, str]) -> str:
    try:
        return text.format(**values)
    except (KeyError, ValueError, IndexError) as err:
        raise UserError(f"The chase e-mail's wording cannot be filled in ({err}); correct it in "
                        "Settings (the placeholders offered are listed there).", field="chase_template") from None


def message(recipient: Recipient, today: dt.date, settings: OfficeSettings, *, subject: str | None = None,
            template: str | None = None) -> EmailMessage:
    """The chase e-mail to ``recipient`` as a new, unsent message (no attachment yet), in the
    office's words unless ``subject`` or ``template`` is given."""
    lines = "\n".join(action_line(row, today, settings) for row in recipient.actions)
    values = {"name": recipient.name, "agency": recipient.agency or "", "count": str(len(recipient.actions)),
              "overdue": str(recipient.count(rules.OVERDUE)), "due_soon": str(recipient.count(rules.DUE_SOON)),
              "actions": lines, "partnership": settings.partnership_name, "date": settings.format_date(today)}
    template = template if template is not None else settings.chase_template
    body = _filled(template, values)
    if "{actions}" not in template:  # the list goes in, wherever the office's text put it or not
        body += "\n\n" + lines
    email = EmailMessage()
    email["X-Unsent"] = "1"  # Outlook opens it as a new message, ready to send
    if recipient.address:
        email["To"] = formataddr((recipient.name, recipient.address))
    email["Subject"] = clean(_filled(subject if subject is not None else settings.chase_subject, values))
    email.set_content(body + "\n")
    return email


@dataclass(frozen=True)
class WrittenChase:
    """One chase e-mail written: to whom, the file, and how many actions it lists."""

    recipient: Recipient
    path: Path
    subject: str

    def describe(self) -> str:
        to = f" <{self.recipient.address}>" if self.recipient.address else " (no address: fill in To)"
        return f"{self.path.name}: {self.recipient.label}{to}, {plural(len(self.recipient.actions), 'action')}"


def _safe(name: str) -> str:
    return _UNSAFE_IN_FILE_NAMES.sub("-", name).strip(" .") or "Chase"


def write_chases(session: Session, folder: Path, chosen: Iterable[Recipient], *, today: dt.date | None = None,
                 subject: str | None = None, template: str | None = None, despite_findings: bool = False,
                 progress: Callable[[int, int, str], None] | None = None) -> list[WrittenChase]:
    """Write one ``.eml`` per recipient in ``folder``, each with its agency's pack attached,
    and record a chase on each action it lists, in ``session``'s unit of work.

    Every e-mail and pack is checked for what must not leave the office (``app.privacy_scan``)
    before any is written: if anything is found, nothing is written unless
    ``despite_findings`` (the decision is then recorded in the audit trail)."""
    from app.excel import export  # the workbook libraries, only when e-mails are written

    chosen = list(chosen)
    today = today or dt.date.today()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; choose a folder for the chase e-mails.")
    settings = get_settings(session)
    never_print = privacy_scan.never_print_terms(session)
    report = progress or (lambda done, total, text: None)
    emails: list[tuple[Recipient, EmailMessage, Path]] = []
    with tempfile.TemporaryDirectory(prefix="chase-") as packs_folder:
        packs: dict[str, tuple[Path, list]] = {}
        for done, recipient in enumerate(chosen):
            report(done, len(chosen), f"Writing the e-mail to {recipient.label}…")
            email = message(recipient, today, settings, subject=subject, template=template)
            findings = privacy_scan.scan_text(email.get_content(), never_print, f"the e-mail to {recipient.label}")
            if recipient.agency:
                if recipient.agency not in packs:
                    pack = Path(packs_folder) / export.pack_file_name(recipient.agency, today)
                    export.export_action_plan(session, pack, agency=recipient.agency, open_only=True, today=today)
                    packs[recipient.agency] = (pack, privacy_scan.scan_workbook(pack, never_print))
                pack, pack_findings = packs[recipient.agency]
                findings += pack_findings
                email.add_attachment(pack.read_bytes(), *XLSX_TYPE, filename=pack.name)
            name = f"Chase - {_safe(recipient.label)} - {today:%Y-%m-%d}.eml"
            if findings:
                if not despite_findings:
                    raise ChaseHoldsFindings(
                        f"The chase to {recipient.label} holds details that should not leave the office "
                        f"({privacy_scan.summarise(findings)}: {findings[0].describe()}). Nothing was written "
                        "and nobody was chased; correct the records first.", name, findings)
                privacy_scan.record_privacy_decision(session, name, findings, proceeded=True)
            emails.append((recipient, email, folder / name))
    report(len(chosen), len(chosen), "Recording the chases…")
    written = []
    for recipient, email, path in emails:
        record_chases(session, [row.id for row in recipient.actions], chased_on=today, to_whom=recipient.label,
                      subject=email["Subject"], note=f"E-mail written to {path.name}")
        written.append(WrittenChase(recipient, path, email["Subject"]))
    folder.mkdir(parents=True, exist_ok=True)
    crlf = EmailMessage().policy.clone(linesep="\r\n")  # as Outlook and Windows Mail write .eml files
    partials = [(privacy_scan.partial_path(path), path) for _recipient, _email, path in emails]
    try:  # all of them or none: a full disk leaves no e-mail behind whose chase was not recorded
        for (partial, _path), (_recipient, email, _) in zip(partials, emails):
            partial.write_bytes(email.as_bytes(policy=crlf))
        for partial, path in partials:
            partial.replace(path)
    finally:
        for partial, _path in partials:
            partial.unlink(missing_ok=True)
    return written
