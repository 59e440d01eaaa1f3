"""The pack for a sub group meeting: one PDF, a contents page whose page numbers are right,
pages numbered through the pack, and the words of each part (checked against the database)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.cli import main
from app.errors import UserError
from app.privacy_scan import save_never_print_terms
from app.reports.pack import build_pack
from db.models import Action, Agency, ListItem, Meeting
from tests.app.reports.conftest import GENERATED, pdf_pages
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines

PARTS = ["Case review sub group briefing paper", "Actions overdue, by agency",
         "RAG ratings of the meeting\u2019s agencies", "Action plan of the meeting\u2019s agencies"]


@pytest.fixture(scope="module")
def meeting_on(demo_db) -> dt.date:
    """The demo office's latest meeting."""
    with demo_db.sessions() as s:
        return s.scalar(select(func.max(Meeting.held_on)))


@pytest.fixture(scope="module")
def pack(demo_db, meeting_on, tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    with demo_db.sessions() as s:
        result = build_pack(s, path, meeting_on=meeting_on, generated=GENERATED)
    return result, pdf_pages(path), PdfReader(str(path))


def test_the_contents_page_gives_the_page_each_part_really_starts_on(pack):
    result, pages, reader = pack
    contents = pages[0]
    assert "Sub group meeting pack" in contents and "Contents" in contents
    listed = {}
    for n, part in enumerate(PARTS, 1):
        found = re.search(rf"{n}\. {re.escape(part)} [ .]*page (\d+)", contents)
        assert found, f"part {n} is not on the contents page"
        listed[n] = int(found.group(1))
    assert listed[1] == 2 and sorted(listed.values()) == list(listed.values())
    # Each part's heading is on the page the contents give, at the top of its body...
    for n, part in enumerate(PARTS, 1):
        page = pages[listed[n] - 1]
        body = re.sub(r"^.*?Page \d+ of \d+ ", "", page, count=1)
        assert body.startswith(f"{n}. {part}"), f"part {n} does not start page {listed[n]}"
    # ...and its bookmark leads there too.
    marks = {item.title: reader.get_destination_page_number(item) + 1
             for item in reader.outline if not isinstance(item, list)}
    assert {n: marks[f"{n}. {part}"] for n, part in enumerate(PARTS, 1)} == listed
    assert result.title.startswith("Sub group meeting pack: ")


def test_page_numbers_run_through_the_pack(pack):
    result, pages, _reader = pack
    assert result.pages == len(pages) >= 5
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page


def _meeting_agencies(session, meeting_on: dt.date) -> set[str]:
    """Agencies leading an action open on the meeting's date or closed since the last meeting,
    from the records (the demo's open actions were all added before the meeting)."""
    before = session.scalar(select(func.max(Meeting.held_on)).where(Meeting.held_on < meeting_on))
    rows = session.execute(select(Agency.name, ListItem.is_open, Action.completed_on)
                           .join(Agency, Agency.id == Action.lead_agency_id)
                           .join(ListItem, ListItem.id == Action.status_id)
                           .where(Action.archived_at.is_(None))).all()
    return {name for name, is_open, completed in rows
            if is_open or (completed is not None and before < completed <= meeting_on)}


def test_the_parts_say_what_the_papers_say_for_the_meetings_agencies(demo, pack, meeting_on):
    _result, pages, _reader = pack
    text = " ".join(pages)
    on = f"{meeting_on:%d/%m/%Y}"
    agencies = _meeting_agencies(demo, meeting_on)
    assert agencies
    # The contents page says in words which agencies these are, and why.
    found = re.search(r"The meeting\u2019s agencies, .*? are those leading an action that was open on "
                      rf"{on}, or that was completed or closed since the last meeting on \S+ \(for the sub group "
                      r"to sign off\)\. For this meeting: (.*?)\.", pages[0])
    assert found and set(found.group(1).split(", ")) == agencies
    # The briefing paper's sections, the overdue actions, the ratings and the plan.
    for words in ("Reviews", "Decisions since the last meeting", "Clocks due before the next meeting",
                  f"Open actions whose target date is before {on}.", "RAG ratings by lead agency",
                  "RAG ratings by theme", "All agencies", "The actions, by agency"):
        assert words in text
    overdue = demo.execute(select(Action.reference).join(ListItem, ListItem.id == Action.status_id)
                           .where(ListItem.is_open, Action.target_on < meeting_on,
                                  Action.archived_at.is_(None))).scalars().all()
    parts = " ".join(pages[1:])  # past the contents page
    part_2 = parts[parts.index(f"2. {PARTS[1]}"):parts.index(f"3. {PARTS[2]}")]
    assert overdue and all(ref in part_2 for ref in overdue)
    part_4 = parts[parts.index(f"4. {PARTS[3]}"):]
    open_actions = demo.execute(select(Action.reference, Action.description).join(
        ListItem, ListItem.id == Action.status_id).where(ListItem.is_open, Action.archived_at.is_(None))).all()
    for reference, _description in open_actions:
        assert reference in part_4
    for agency in agencies:
        assert agency in part_4


def test_a_date_with_no_meeting_is_refused_naming_the_closest(demo, meeting_on, tmp_path):
    with pytest.raises(UserError, match=r"no meeting on .* is on record.*The closest meetings on record: .*"
                                        + meeting_on.strftime("%d/%m/%Y")) as refused:
        build_pack(demo, tmp_path / "p.pdf", meeting_on=meeting_on - dt.timedelta(days=1))
    assert refused.value.field == "meeting_on"
    assert not (tmp_path / "p.pdf").exists()


# --- the command ---------------------------------------------------------------------------

def run(capsys, db, *args):
    code = main(["report", *args, "--db", db_arg(db)])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_pack_on_the_command_line(capsys, demo_db, meeting_on, tmp_path):
    out_file = tmp_path / "pack.pdf"
    code, out, err = run(capsys, demo_db, "pack", "--meeting", f"{meeting_on:%d/%m/%Y}", "--out", str(out_file))
    assert (code, err) == (0, "")
    pages = pdf_pages(out_file)
    assert out.strip() == f"Sub group meeting pack: {meeting_on:%d/%m/%Y}: {len(pages)} pages written to {out_file}"
    with pytest.raises(SystemExit):
        main(["report", "pack", "--help"])
    help_text = capsys.readouterr().out
    assert "--meeting DATE" in help_text and "contents page" in help_text and "--agency" not in help_text
    with pytest.raises(SystemExit):
        run(capsys, demo_db, "pack", "--out", str(out_file))
    assert "the following arguments are required: --meeting" in capsys.readouterr().err


def test_the_pack_is_privacy_checked(capsys, database, tmp_path):
    from tests.app.excel.test_export import build_plan

    with database.sessions.begin() as s:
        ids = build_plan(s)
        s.get(Action, ids["escalation"]).description = "Publish the policy; NHS 943 476 5919."
        s.add(Meeting(held_on=dt.date(2025, 6, 30)))
        save_never_print_terms(s, ["Jayden Marsh"])
    folder = tmp_path / "papers"
    folder.mkdir()
    code, out, err = run(capsys, database, "pack", "--meeting", "30/06/2025", "--out", str(folder / "pack.pdf"))
    assert (code, out) == (1, "")
    assert "pack.pdf holds details that should not leave the office (1 NHS number):" in err
    assert re.search(r"NHS number \*+919 \(page \d+\)", err)
    assert list(folder.iterdir()) == []
