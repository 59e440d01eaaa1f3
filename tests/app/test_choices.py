"""What the forms offer to choose from: which records, and how each is labelled."""

from __future__ import annotations

import pytest

from app.choices import LABEL_CHARS, record_choices
from app.services import archive, recommendations
from db.models import Recommendation
from tests.ui.conftest import add_case_records

pytestmark = pytest.mark.both_engines


@pytest.fixture
def case(session):
    add_case_records(session)
    session.flush()
    return session


def test_record_choices_leave_out_archived_unless_current(case):
    archive.archive(case, "recommendation", 2)
    labels = [label for _i, label in record_choices(case, "recommendations")]
    assert labels == ["SCR-01 R3: Agencies should use the neglect toolkit at every assessment."]
    assert len(record_choices(case, "recommendations", include=[2])) == 2
    assert record_choices(case, "recommendations", only=[2]) == [
        (2, "SCR-01 R4: Supervision should test whether drift in a neglect case is challenged.")]
    assert record_choices(case, "meetings") == [(1, "17/04/2024 Case review sub group")]
    assert case.get(Recommendation, 2).archived_at is not None


def test_long_texts_are_labelled_on_one_line_and_cut_short(case):
    long_text = "Agencies should:\n\n-\tshare chronologies;\r\n- " + "check the plan again " * 20
    added = recommendations.add_recommendation(case, 1, text=long_text)
    case.flush()
    label = dict(record_choices(case, "recommendations"))[added.id]
    text = label.removeprefix("SCR-01 R5: ")
    assert text.startswith("Agencies should: - share chronologies; - check the plan again check")
    assert len(text) == LABEL_CHARS and text.endswith("…") and "\n" not in text


def test_open_actions_are_offered_with_their_references(case):
    assert record_choices(case, "actions") == [
        (1, "A1: Relaunch the neglect toolkit with training."),
        (2, "A2: Audit supervision records for neglect cases.")]
    assert record_choices(case, "actions", include=[3])[-1] == (3, "A3: Publish the learning briefing.")


def test_unknown_choices_are_a_bug():
    with pytest.raises(ValueError, match="no choices called 'cases'"):
        record_choices(None, "cases")
