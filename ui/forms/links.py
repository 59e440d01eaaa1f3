"""Linked records one click away: a referral's decisions and reviews, a review's
recommendations, a recommendation's actions, an action's progress updates, and back.

Reading follows the model's relationships in one read-only session; archived records are
left out."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.database import Database
from db.models import (
    Action, Decision, LearningEvent, Meeting, ProgressUpdate, Recommendation, Referral, Review,
)
from ui.widgets.date_edit import format_uk_date

# The registers whose records link to others (the reference lists do not).
LINKED_KINDS = frozenset({"referrals", "decisions", "reviews", "recommendations", "actions",
                          "progress_updates", "meetings", "learning"})
NOTHING_CHOSEN = "Choose one record in the table to see the records linked to it."
NOTHING_LINKED = "Nothing is linked to this record."

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Link:
    """One linked record: the group it is listed under, its register key and id (None for
    an entry that only informs, such as a target revision), and its text."""

    group: str
    kind: str | None
    record_id: int | None
    text: str


def _d(value) -> str:
    return format_uk_date(value) or "no date"


def _short(text: str | None, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _live(records):
    return [r for r in records if getattr(r, "archived_at", None) is None]


def _referral(r: Referral) -> str:
    return f"{r.reference} — {r.subject}" if r.subject else r.reference


def _recommendation(r: Recommendation) -> str:
    return f"{r.review.reference} R{r.number}: {_short(r.text, 60)}"


def _action(a: Action) -> str:
    return f"{a.reference or f'Action {a.id}'}: {_short(a.description, 60)} ({a.status.name})"


def linked_records(session, kind: str, record_id: int) -> list[Link]:
    """The records linked to one record, grouped, in the order the office reads them."""
    links: list[Link] = []

    def add(group, link_kind, records, text):
        for r in _live(records):
            links.append(Link(group, link_kind, r.id, text(r)))

    if kind == "referrals":
        r = session.get(Referral, record_id)
        if r is None:
            return []
        decisions = _live(r.decisions)  # in date order (the relationship's order)
        for i, d in enumerate(decisions):
            latest = " (stands)" if i == len(decisions) - 1 else ""
            links.append(Link("Decisions", "decisions", d.id, f"{_d(d.decided_on)} {d.outcome.name}{latest}"))
        add("Reviews", "reviews", r.reviews, lambda v: f"{v.reference} — {v.title}")
        add("Meetings", "meetings", sorted(r.meetings, key=lambda m: m.held_on),
            lambda m: f"{_d(m.held_on)} {m.title}")
    elif kind == "decisions":
        d = session.get(Decision, record_id)
        if d is None:
            return []
        add("Referral", "referrals", [d.referral], _referral)
        if d.meeting is not None:
            add("Meeting", "meetings", [d.meeting], lambda m: f"{_d(m.held_on)} {m.title}")
        add("Other decisions on this referral", "decisions", [x for x in d.referral.decisions if x.id != d.id],
            lambda x: f"{_d(x.decided_on)} {x.outcome.name}")
        add("Reviews", "reviews", d.referral.reviews, lambda v: f"{v.reference} — {v.title}")
    elif kind == "reviews":
        v = session.get(Review, record_id)
        if v is None:
            return []
        add("Referrals", "referrals", v.referrals, _referral)
        add("Recommendations", "recommendations", v.recommendations, _recommendation)
        add("Learning events", "learning", v.learning_events, lambda e: f"{_d(e.held_on)} {e.title}")
    elif kind == "recommendations":
        rec = session.get(Recommendation, record_id)
        if rec is None:
            return []
        add("Review", "reviews", [rec.review], lambda v: f"{v.reference} — {v.title}")
        add("Actions", "actions", sorted(rec.actions, key=lambda a: a.id), _action)
    elif kind == "actions":
        a = session.get(Action, record_id)
        if a is None:
            return []
        add("Recommendations", "recommendations", a.recommendations, _recommendation)
        add("Progress updates", "progress_updates", a.updates,
            lambda u: f"{_d(u.update_on)} {_short(u.text, 70)}")
        for t in a.target_revisions:
            links.append(Link("Target revisions", None, None,
                              f"{_d(t.revised_on)}: {_d(t.old_target_on)} → {_d(t.new_target_on)}"
                              + (f" ({_short(t.reason, 50)})" if t.reason else "")))
        if a.signed_off_meeting is not None:
            add("Signed off at", "meetings", [a.signed_off_meeting], lambda m: f"{_d(m.held_on)} {m.title}")
    elif kind == "progress_updates":
        u = session.get(ProgressUpdate, record_id)
        if u is None:
            return []
        add("Action", "actions", [u.action], _action)
    elif kind == "meetings":
        m = session.get(Meeting, record_id)
        if m is None:
            return []
        add("Referrals considered", "referrals", m.referrals_considered, _referral)
        add("Decisions taken", "decisions", m.decisions,
            lambda d: f"{d.referral.reference}: {d.outcome.name}")
    elif kind == "learning":
        e = session.get(LearningEvent, record_id)
        if e is None:
            return []
        if e.review is not None:
            add("Review", "reviews", [e.review], lambda v: f"{v.reference} — {v.title}")
        add("Disseminated by", "disseminations", e.disseminations,
            lambda x: f"{x.agency.name} ({_d(x.disseminated_on)})")
    return links


class LinkedRecordsPanel(QWidget):
    """The records linked to the one chosen, as links: a click (or Enter) asks to open one."""

    open_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel("Linked records")
        self.heading.setObjectName("linkedHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.tree = QTreeWidget()
        self.tree.setObjectName("linkedRecords")
        self.tree.setAccessibleName("Linked records")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 2px 0px; }")
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.itemActivated.connect(self._on_item_clicked)
        self.empty = QLabel(NOTHING_CHOSEN)
        self.empty.setObjectName("linkedEmpty")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)  # greyed: a hint, not a record
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        self.links: list[Link] = []

    def show_record(self, database: Database, kind: str, record_id: int | None) -> None:
        """List the records linked to ``record_id`` of register ``kind`` (none for None)."""
        self.tree.clear()
        self.links = []
        if record_id is not None:
            with database.readers() as session:
                self.links = linked_records(session, kind, record_id)
        groups: dict[str, QTreeWidgetItem] = {}
        link_font = QFont(self.tree.font())
        link_font.setUnderline(True)
        link_colour = self.palette().link()
        for link in self.links:
            group = groups.get(link.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [link.group])
                font = QFont(self.tree.font())
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[link.group] = group
            item = QTreeWidgetItem(group, [link.text])
            item.setToolTip(0, link.text)
            if link.kind is not None:
                item.setData(0, KIND_ROLE, link.kind)
                item.setData(0, ID_ROLE, link.record_id)
                item.setFont(0, link_font)
                item.setForeground(0, link_colour)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.expandAll()
        self.empty.setText(NOTHING_CHOSEN if record_id is None else NOTHING_LINKED)
        self.empty.setVisible(not self.links)

    def link_items(self) -> list[QTreeWidgetItem]:
        """The clickable entries, in the order shown."""
        items = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            items.extend(group.child(j) for j in range(group.childCount())
                         if group.child(j).data(0, KIND_ROLE) is not None)
        return items

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind = item.data(0, KIND_ROLE)
        if kind is not None:
            self.open_requested.emit(kind, int(item.data(0, ID_ROLE)))
