"""Chasing: the schedule's worked examples, who is due a chase today, and the .eml files the
``chase`` command writes (read back with the ``email`` package, the workbook with openpyxl),
each chase recorded on its actions and in their history.

Targets are set from today, so what is overdue or due soon does not depend on the day the
tests run.
"""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app import lookups
from app.audit_query import AuditFilter, audit_rows
from app.chasing import ChaseSchedule, due_today, recipients
from app.cli import main
from app.errors import ValidationError
from app.privacy_scan import save_never_print_terms
from app.services.chases import record_chases
from app.settings import get_settings, save_settings
from db.models import Action, AuditEntry, Chase, ListKind
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def add_action(session, reference, agency, target, officer=None, status="In progress", **fields) -> Action:
    action = Action(reference=reference, description=f"Action {reference}: review the neglect toolkit.",
                    lead_agency=lookups.agency(session, agency) if agency else None, lead_officer=officer,
                    status=lookups.list_item(session, ListKind.ACTION_STATUS, status), target_on=target, **fields)
    session.add(action)
    session.flush()
    return action


@pytest.fixture
def office(database):
    """Police: P1 overdue (Jane Hart, whose address the office keeps), P2 due soon (Jane
    Hart), P3 due in 2099 (not chased); Children's Services: C1 overdue (no officer named:
    the agency, no address kept); C2 complete and past its target (never chased)."""
    with database.sessions.begin() as s:
        save_settings(s, chase_addresses="jane hart = jane.hart@police.example.uk\n"
                                         "Adult Services = adults@council.example.uk")
        hart = "Jane Hart"
        add_action(s, "P1", "Police", TODAY - 30 * DAY, hart)
        add_action(s, "P2", "Police", TODAY + 5 * DAY, hart)
        add_action(s, "P3", "Police", dt.date(2099, 12, 31), hart)
        add_action(s, "C1", "Children's Services", TODAY - 3 * DAY)
        add_action(s, "C2", "Children's Services", TODAY - 40 * DAY, status="Complete",
                   completed_on=TODAY - 50 * DAY, evidence_of_completion="Training register.")
    return database


# --- the schedule ------------------------------------------------------------------------------

def test_the_schedule_chases_14_days_before_on_the_day_then_every_14_days_overdue():
    schedule = ChaseSchedule(days_before=14, on_the_day=True, every_days_overdue=14)
    target = dt.date(2026, 12, 18)
    expected = {
        dt.date(2026, 12, 3): None,                       # nothing yet
        dt.date(2026, 12, 4): dt.date(2026, 12, 4),       # 14 days before
        dt.date(2026, 12, 17): dt.date(2026, 12, 4),
        dt.date(2026, 12, 18): dt.date(2026, 12, 18),     # on the day
        dt.date(2026, 12, 31): dt.date(2026, 12, 18),
        dt.date(2027, 1, 1): dt.date(2027, 1, 1),         # 14 days overdue
        dt.date(2027, 1, 14): dt.date(2027, 1, 1),
        dt.date(2027, 1, 15): dt.date(2027, 1, 15),       # 28 days overdue
        dt.date(2027, 1, 20): dt.date(2027, 1, 15),
    }
    assert {day: schedule.last_due(target, day) for day in expected} == expected
    assert schedule.describe() == "14 days before the target, on the day, then every 14 days while overdue"


def test_a_schedule_without_reminders_before_or_after_chases_on_the_day_only():
    schedule = ChaseSchedule(days_before=None, on_the_day=True, every_days_overdue=None)
    target = dt.date(2026, 12, 18)
    assert schedule.last_due(target, dt.date(2026, 12, 17)) is None
    assert schedule.last_due(target, dt.date(2027, 6, 1)) == target
    assert schedule.describe() == "on the day"


def test_who_is_due_a_chase_today_follows_the_schedule_and_the_chases_recorded(database):
    with database.sessions.begin() as s:
        ids = {ref: add_action(s, ref, "Police", target, f"Officer {ref}").id for ref, target in {
            "T14": TODAY + 14 * DAY,      # 14 days before: due
            "T13": TODAY + 13 * DAY,      # 14 days before was yesterday; chased then: not due
            "T20": TODAY + 20 * DAY,      # not yet
            "T0": TODAY,                  # on the day: due
            "O14": TODAY - 14 * DAY,      # 14 days overdue: due
            "O10": TODAY - 10 * DAY,      # chased the day after its target: not due again until day 14
            "O7": TODAY - 7 * DAY,        # the chase on the day was missed: still due
        }.items()}
        record_chases(s, [ids["T13"]], chased_on=TODAY - DAY, to_whom="Officer T13", subject="Chase")
        record_chases(s, [ids["O10"]], chased_on=TODAY - 9 * DAY, to_whom="Officer O10", subject="Chase")
    with database.readers() as s:
        due = due_today(s)
    assert sorted(row.reference for r in due for row in r.actions) == ["O14", "O7", "T0", "T14"]
    assert {r.name for r in due} == {"Officer O14", "Officer O7", "Officer T0", "Officer T14"}

    with database.sessions.begin() as s:  # the office stops chasing ahead of the target
        save_settings(s, chase_days_before="")
    with database.readers() as s:
        assert sorted(row.reference for r in due_today(s) for row in r.actions) == ["O14", "O7", "T0"]


# --- settings ---------------------------------------------------------------------------------

def test_the_chase_wording_keeps_its_lines_and_refuses_a_placeholder_not_offered(session):
    save_settings(session, chase_template="Dear {name},\n\nPlease update these:\n{actions}\n\nThanks")
    assert get_settings(session).chase_template == "Dear {name},\n\nPlease update these:\n{actions}\n\nThanks"
    with pytest.raises(ValidationError) as refused:
        save_settings(session, chase_template="Dear {officer},", chase_days_before="two weeks",
                      chase_on_the_day="maybe")
    assert "{officer} is not a placeholder" in refused.value.problems["chase_template"]
    assert "whole number" in refused.value.problems["chase_days_before"]
    assert refused.value.problems["chase_on_the_day"] == "must be yes or no"


def test_chase_addresses_are_a_name_and_an_address_a_line(session):
    save_settings(session, chase_addresses="Police = safeguarding@police.example.uk\n\n Jane Hart=jh@x.example.uk")
    assert get_settings(session).chase_address_book == {"police": "safeguarding@police.example.uk",
                                                        "jane hart": "jh@x.example.uk"}
    with pytest.raises(ValidationError) as refused:
        save_settings(session, chase_addresses="Police = safeguarding@police.example.uk\nJane Hart, by phone")
    assert refused.value.problems["chase_addresses"].startswith("line 2 should be a name, then =")


def test_recipients_are_each_lead_officer_or_the_agency_with_actions_overdue_or_due_soon(office):
    with office.readers() as s:
        found = recipients(s)
    assert [(r.label, r.address, [row.reference for row in r.actions]) for r in found] == [
        ("Children's Services", None, ["C1"]),
        ("Jane Hart (Police)", "jane.hart@police.example.uk", ["P1", "P2"]),
    ]


# --- the command line ---------------------------------------------------------------------------

def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def test_chase_writes_one_eml_per_lead_ready_to_send_with_the_agency_pack(office, tmp_path, capsys, data_dir):
    out = tmp_path / "chases"
    assert main(["chase", "--db", db_arg(office), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 chase e-mails written" in printed and "recorded on 3 actions" in printed
    backups = list((data_dir / "backups").glob("*before-chase*"))
    if office.on_server:  # the server's backups are IT's: no file is made
        assert "Backed up" not in printed and not backups
    else:
        assert "Backed up the database first" in printed and backups

    files = sorted(out.glob("*.eml"))
    assert [f.name for f in files] == [f"Chase - Children's Services - {TODAY:%Y-%m-%d}.eml",
                                       f"Chase - Jane Hart (Police) - {TODAY:%Y-%m-%d}.eml"]
    police = read_eml(files[1])
    assert police["X-Unsent"] == "1"
    assert police["To"] == "Jane Hart <jane.hart@police.example.uk>"
    assert police["Subject"] == "Safeguarding Children Partnership action plan: 2 overdue or due soon (Jane Hart)"
    body = police.get_body(("plain",)).get_content()
    assert body.startswith("Dear Jane Hart,")
    assert f"- P1: Action P1: review the neglect toolkit. (target {TODAY - 30 * DAY:%d/%m/%Y}, overdue by 30 days)" in body
    assert f"- P2: Action P2: review the neglect toolkit. (target {TODAY + 5 * DAY:%d/%m/%Y}, due soon)" in body
    assert "P3" not in body and "C1" not in body

    [attachment] = list(police.iter_attachments())
    assert attachment.get_filename() == f"Action plan - Police - {TODAY:%Y-%m-%d}.xlsx"
    book = openpyxl.load_workbook(BytesIO(attachment.get_content()), read_only=True)
    cells = {value for row in book["Action plan"].iter_rows(values_only=True) for value in row}
    assert {"P1", "P2", "P3"} <= cells and not {"C1", "C2"} & cells  # the Police's open actions only

    childrens = read_eml(files[0])
    assert childrens["To"] is None  # no address held: the officer fills it in in Outlook
    assert "Dear Children's Services," in childrens.get_body(("plain",)).get_content()

    with office.readers() as s:
        chases = s.execute(select(Action.reference, Chase.chased_on, Chase.to_whom, Chase.subject, Chase.note)
                           .join(Chase, Chase.action_id == Action.id).order_by(Action.reference)).all()
        assert [(ref, on, to) for ref, on, to, _subject, _note in chases] == [
            ("C1", TODAY, "Children's Services"), ("P1", TODAY, "Jane Hart (Police)"),
            ("P2", TODAY, "Jane Hart (Police)")]
        assert chases[1].subject == police["Subject"] and chases[1].note == f"E-mail written to {files[1].name}"
        p1 = s.scalar(select(Action.id).where(Action.reference == "P1"))
        history = audit_rows(s, AuditFilter(table="action", record_id=str(p1)))
        assert any(row.operation == "chase" and row.new_value.startswith("Chased Jane Hart (Police) by e-mail")
                   for row in history)


def test_chase_for_one_agency_and_only_those_due_today(office, tmp_path, capsys):
    assert main(["chase", "--db", db_arg(office), "--agency", "police", "--out", str(tmp_path / "a")]) == 0
    assert [f.name for f in (tmp_path / "a").glob("*.eml")] == [f"Chase - Jane Hart (Police) - {TODAY:%Y-%m-%d}.eml"]
    # Chased today: nobody is due again today.
    assert main(["chase", "--db", db_arg(office), "--due-today", "--out", str(tmp_path / "b")]) == 0
    assert "Children's Services" in capsys.readouterr().out  # C1 was not chased yet: due (3 days overdue)
    assert [f.name for f in (tmp_path / "b").glob("*.eml")] == [f"Chase - Children's Services - {TODAY:%Y-%m-%d}.eml"]
    assert main(["chase", "--db", db_arg(office), "--due-today", "--out", str(tmp_path / "c")]) == 0
    assert "Nobody to chase" in capsys.readouterr().out
    assert not (tmp_path / "c").exists()


def test_a_chase_holding_a_never_print_name_is_refused_unless_despite_findings(office, tmp_path, capsys):
    with office.sessions.begin() as s:
        save_never_print_terms(s, ["Hart"])
    out = tmp_path / "chases"
    assert main(["chase", "--db", db_arg(office), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "should not leave the office" in err and "add --despite-findings" in err
    assert not out.exists()
    with office.readers() as s:
        assert s.scalar(select(Chase.id)) is None  # nobody chased
        assert s.scalar(select(AuditEntry.new_value).where(AuditEntry.operation == "privacy-check")).startswith(
            "Stopped to fix the document")
    assert main(["chase", "--db", db_arg(office), "--out", str(out), "--despite-findings"]) == 0
    assert len(list(out.glob("*.eml"))) == 2
