"""Linked records one click away, and back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import actions, referrals
from ui.forms.links import LinkedRecordsPanel


def panel_for(qtbot, database, kind, record_id):
    panel = LinkedRecordsPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_record(database, kind, record_id)
    return panel


def texts(panel):
    return [(link.group, link.kind, link.text) for link in panel.links]


def test_referral_links_its_decisions_in_date_order_and_its_review(qtbot, office_database):
    panel = panel_for(qtbot, office_database, "referrals", 1)
    assert texts(panel) == [
        ("Decisions", "decisions", "20/03/2024 Deferred for more information"),
        ("Decisions", "decisions", "17/04/2024 Serious Case Review (stands)"),
        ("Reviews", "reviews", "SCR-01 — Child U"),
        ("Meetings", "meetings", "17/04/2024 Case review sub group"),
    ]


def test_clicking_a_link_asks_to_open_that_record(qtbot, office_database):
    panel = panel_for(qtbot, office_database, "referrals", 1)
    review_item = panel.link_items()[2]
    rect = panel.tree.visualItemRect(review_item)
    with qtbot.waitSignal(panel.open_requested) as opened:
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["reviews", 1]


def test_enter_on_a_link_opens_it_too(qtbot, office_database):
    panel = panel_for(qtbot, office_database, "reviews", 1)
    panel.tree.setFocus()
    panel.tree.setCurrentItem(panel.link_items()[1])  # recommendation R3
    with qtbot.waitSignal(panel.open_requested) as opened:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert opened.args == ["recommendations", 1]


def test_the_chain_down_and_back(qtbot, office_database):
    review = panel_for(qtbot, office_database, "reviews", 1)
    assert [(g, k) for g, k, _t in texts(review)] == [
        ("Referrals", "referrals"), ("Recommendations", "recommendations"),
        ("Recommendations", "recommendations"), ("Learning events", "learning")]
    rec = panel_for(qtbot, office_database, "recommendations", 1)
    assert texts(rec)[0] == ("Review", "reviews", "SCR-01 — Child U")
    assert [t for g, _k, t in texts(rec) if g == "Actions"] == [
        "A1: Relaunch the neglect toolkit with training. (In progress)",
        "A2: Audit supervision records for neglect cases. (Not started)"]
    action = panel_for(qtbot, office_database, "actions", 1)
    assert texts(action) == [
        ("Recommendations", "recommendations",
         "SCR-01 R3: Agencies should use the neglect toolkit at every assessment."),
        ("Progress updates", "progress_updates", "03/06/2024 Training dates agreed; toolkit being revised."),
    ]
    update = panel_for(qtbot, office_database, "progress_updates", 1)
    assert texts(update)[0][:2] == ("Action", "actions")
    decision = panel_for(qtbot, office_database, "decisions", 2)
    assert texts(decision)[0] == ("Referral", "referrals", "Ref053 — Child U")


def test_target_revisions_are_listed_but_not_links(qtbot, office_database):
    import datetime as dt
    with office_database.sessions.begin() as s:
        actions.get_action(s, 2).original_target_on = dt.date(2099, 12, 31)
        actions.revise_target(s, 2, dt.date(2099, 6, 30), reason="Tool delayed",
                              revised_on=dt.date(2024, 9, 1))
    panel = panel_for(qtbot, office_database, "actions", 2)
    revision = [link for link in panel.links if link.group == "Target revisions"]
    assert [(r.kind, r.text) for r in revision] == [
        (None, "01/09/2024: 31/12/2099 → 30/06/2099 (Tool delayed)")]
    assert len(panel.link_items()) == 2  # the two recommendations only


def test_archived_records_are_not_linked(qtbot, office_database):
    from app.services import archive
    with office_database.sessions.begin() as s:
        archive.archive(s, "decision", 1)
    panel = panel_for(qtbot, office_database, "referrals", 1)
    assert [t for g, _k, t in texts(panel) if g == "Decisions"] == ["17/04/2024 Serious Case Review (stands)"]


def test_nothing_linked_says_so(qtbot, office_database):
    with office_database.sessions.begin() as s:
        new_id = referrals.create_referral(s, reference="Ref070").id
    panel = panel_for(qtbot, office_database, "referrals", new_id)
    assert panel.links == [] and panel.empty.isVisible()
