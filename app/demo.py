"""The demo office: a realistic database built from the five seed documents.

``write_demo`` fills a new database (default lists already seeded) with the referrals,
decisions, reviews, recommendations, responses, actions, meetings and learning events
that the published seed papers describe, plus a little current work dated relative to
"today" so that a new user opens a live office: a notification clock about to run out, a
rapid review due, an LCSPR underway, actions overdue and due soon, a meeting coming up.

Everything is written through the ORM models, so the audit trail records it. Facts and
dates come from the seeds; where a seed gives no date a plausible one is chosen and used
consistently, and records invented to complete a seed's counts say so in a comment. The
wording is our own. Subjects are the seeds' pseudonyms; officers appear as roles only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.dates import add_working_days
from app.defaults import WT2015, WT2018
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from db.models import (
    Action,
    AgencyResponse,
    Decision,
    Dissemination,
    LearningEvent,
    ListItem,
    ListKind,
    Meeting,
    PanelReport,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    TargetRevision,
)

D = dt.date

# Agency names as kept in the default agency list (app/defaults.py).
POLICE = "Police"
CSC = "Children's Services"
EDUCATION = "Education"
CCG = "Clinical Commissioning Group"
HOSPITAL = "Acute Hospital Trust"
COMMUNITY = "Community Health Trust"
ADULTS = "Adult Services"
BOARD = "Safeguarding Partnership"

REG5 = "Regulation 5, LSCB Regulations 2006"
WT2023 = "Working Together 2023: criteria for a local child safeguarding practice review"


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo wrote, for a message to the user and for tests."""

    referrals: int
    decisions: int
    reviews: int
    recommendations: int
    agency_responses: int
    actions_open: int
    actions_complete: int  # implemented and verified
    actions_closed: int  # closed for another reason: superseded, risk accepted
    actions_overdue: int
    oldest_overdue_days: int | None  # how overdue the first on the dashboard's list is
    actions_signed_off: int
    meetings: int
    learning_events: int
    disseminations: int
    panel_reports: int

    def __str__(self) -> str:
        overdue = (f"{self.actions_overdue} overdue, the oldest by {self.oldest_overdue_days} "
                   f"days" if self.actions_overdue else "none overdue")
        return (f"{self.referrals} referrals, {self.decisions} decisions, {self.reviews} reviews, "
                f"{self.recommendations} recommendations, {self.actions_open} open actions "
                f"({overdue}), {self.actions_complete} complete, {self.actions_closed} closed, "
                f"{self.meetings} meetings, {self.learning_events} learning events.")


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    """The first date on or after ``day`` falling on ``weekday`` (Monday is 0)."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


# --- the shape of seed 002's response document ----------------------------------------

CIM = "SCR-2013-01"  # Child I and Child M
FAMILY_A = "SCR-2013-02"
CHILD_L = "SCR-2013-03"


@dataclass(frozen=True)
class _Rec:
    """One recommendation as the response document numbers it (1-29)."""

    document_number: int
    review: str
    addressed_to: str
    text: str
    response_detail: str = ""


@dataclass(frozen=True)
class _Done:
    """An "action taken and change made": complete, with evidence."""

    description: str
    agency: str
    officer: str
    completed_on: dt.date
    evidence: str
    impact: str | None = None
    signed_off: bool = False  # at the seed's own sign-off meeting; else at a later one


@dataclass(frozen=True)
class _Then:
    """How the office followed an open action up after the seed's date.

    Later progress and target moves, then the closure: "Implemented and verified" with
    evidence (signed off at the sub group's next meeting), or another closure reason
    with a note saying why. ``closed_on`` None: the action is still open.
    """

    closed_on: dt.date | None
    evidence: str | None = None
    impact: str | None = None
    reason: str = "Implemented and verified"
    note: str | None = None
    updates: tuple[tuple[dt.date, str], ...] = ()
    revisions: tuple[tuple[dt.date, dt.date, str], ...] = ()  # revised on, new target, why


@dataclass(frozen=True)
class _ToDo:
    """An "action to be taken": open, with a target and progress so far."""

    description: str
    agency: str
    officer: str
    target: dt.date | None
    rag: str
    updates: tuple[tuple[dt.date, str], ...] = ()
    revised: tuple[dt.date, dt.date, str] | None = None  # revised on, new target, why
    target_text: str | None = None
    started: bool = True
    then: _Then | None = None  # what happened after the seed's date


@dataclass(frozen=True)
class _Theme:
    name: str
    response: str
    recs: tuple[_Rec, ...]
    done: tuple[_Done, ...] = ()
    to_do: tuple[_ToDo, ...] = ()


SOTON_SIGN_OFF = D(2014, 7, 15)  # sub-committee meeting that signed off evidenced actions
SOTON_PUBLISHED = D(2014, 5, 29)  # date of the LSCB's response document

# The seed's action plan is shown as it stood at its last review, 18 November 2014; the
# "then" of each action to be taken is how the office followed it up. The sub-committee
# went on meeting every other month and signed each evidenced action off at its next
# meeting; the first of 2015 also signed off the older evidenced actions left unsigned.
SOTON_FOLLOW_UP_MEETINGS = (
    D(2015, 1, 20), D(2015, 3, 17), D(2015, 5, 19), D(2015, 7, 21), D(2015, 9, 15),
    D(2015, 11, 17), D(2016, 1, 19), D(2016, 3, 15), D(2016, 11, 15),
)

SEED_002: tuple[_Theme, ...] = (
    _Theme(
        "Using child protection procedures effectively",
        "Accepted. The Board agrees it must make sure child protection procedures are "
        "followed across the partnership and will seek assurance on this from children's "
        "services, police, health and education.",
        (
            _Rec(1, CIM, "Southampton LSCB",
                 "Review how the 4LSCB joint working protocol between maternity services and "
                 "children's social care for safeguarding unborn babies (2011) is used, and "
                 "make sure it is followed across Southampton.",
                 "The protocol was refreshed in 2013; the Board will check it is used and ask "
                 "both services how they protect unborn babies together."),
            _Rec(2, CIM, "Southampton LSCB",
                 "Evaluate how well strategy meetings work, checking that:\n"
                 "- they are held face to face, not by telephone, when needed\n"
                 "- every relevant member of staff takes part\n"
                 "- meetings and discussions are recorded as the procedures require.",
                 "Strategy discussions are now coordinated by the MASH. The Board will ask "
                 "the local authority and police to show procedure is followed when the "
                 "MASH's first quarter is reviewed."),
            _Rec(3, CIM, "Southampton LSCB",
                 "Evaluate how child protection conferences are run, so that everyone with "
                 "relevant contact with the family is invited and every key professional "
                 "sends a report.",
                 "An independent audit of conferences has been done and a multi-agency audit "
                 "of core groups is in hand; the Board will act on what both find."),
            _Rec(4, CIM, "Southampton LSCB",
                 "Review practice on Residence Order applications to be sure that:\n"
                 "- the court knows of any safeguarding concerns\n"
                 "- social workers understand they must answer the court's requests for "
                 "information.",
                 "The residence order for Child I was never completed, which the Board finds "
                 "unsatisfactory. The review panel asked the court why, and the Board will "
                 "seek the court's assurance that practice has changed."),
            _Rec(5, FAMILY_A, "Southampton LSCB; local authority",
                 "Require the local authority to show that, where a child may be at risk of "
                 "significant harm, enquiries and assessments start without delay and meet "
                 "procedure and good practice, including:\n"
                 "- direction by a suitably senior officer\n"
                 "- seeing each child and treating them as an individual\n"
                 "- consulting those with parental responsibility\n"
                 "- thorough checks with other agencies\n"
                 "- specialist advice where needed\n"
                 "- formal feedback to referrers\n"
                 "- following the lone working guidance\n"
                 "- a manager countersigning key decisions, including a decision to take no "
                 "further action.",
                 "The MASH procedure sets timescales for each step; the Board will test "
                 "compliance through its audits."),
            _Rec(6, FAMILY_A, "Southampton LSCB; local authority",
                 "Require the local authority to make sure relevant staff know that formal "
                 "child protection procedures may still be needed, or become needed, for "
                 "children in its care."),
            _Rec(7, CHILD_L, "Southampton LSCB",
                 "Use this review's findings to strengthen how fully agencies take part in "
                 "the MASH and share information when a child needs protecting.",
                 "The MASH works fully only if every key agency is in it. The Independent "
                 "Chair will ask for an evaluation of its first three months, including who "
                 "sits in it, and will check police and adult services are engaged."),
        ),
        (
            _Done("Set up a Multi Agency Safeguarding Hub as the single front door for "
                  "safeguarding concerns about children, with navigators from partner "
                  "agencies pooling what they know before a decision is made.",
                  CSC, "MASH Service Manager", D(2014, 3, 3),
                  "MASH operating with set timescales; partners have signed an information "
                  "sharing protocol; the LSCB receives regular progress reports.",
                  signed_off=True),
            _Done("Update the 4LSCB guidance on strategy discussions.", BOARD,
                  "4LSCB Procedures Group representative", D(2012, 9, 28),
                  "Revised guidance published in the online procedures (a further refresh "
                  "is in hand)."),
            _Done("Audit child protection conferences.", BOARD, "LSCB Business Manager",
                  D(2012, 11, 30), "Audit report presented to the LSCB.",
                  impact="Conference guidance in the 4LSCB procedures is being rewritten "
                         "in the light of the audit.",
                  signed_off=True),
            _Done("Include in the 4LSCB procedures guidance on children living away from home, "
                  "including families in temporary accommodation, and the safeguards to "
                  "observe.", BOARD, "4LSCB Procedures Group representative", D(2013, 6, 28),
                  "Guidance chapter live in the 4LSCB procedures."),
            _Done("Update maternity safeguarding processes and staff training.", HOSPITAL,
                  "Named Midwife for Safeguarding", D(2014, 2, 28),
                  "Revised maternity safeguarding process issued; training records held by "
                  "the trust.", signed_off=True),
        ),
        (
            _ToDo("Raise awareness of the recently revised maternity and children's social "
                  "care protocol.", BOARD, "LSCB Business Manager", D(2014, 9, 30), "Amber",
                  ((D(2014, 7, 15), "Protocol sent to maternity and social work team managers; "
                                    "briefing for community midwives booked."),),
                  then=_Then(D(2015, 1, 16), "Briefings held for community midwives and for "
                             "every social work team; the protocol is on the LSCB website.")),
            _ToDo("Audit cases where maternity and children and families services have worked "
                  "together.", BOARD, "Chair, Quality Assurance Sub-Group", D(2014, 12, 31),
                  "Amber", ((D(2014, 11, 18), "Case sample agreed with both services."),),
                  revised=(D(2014, 11, 18), D(2015, 3, 31),
                           "Moved so the audit follows the protocol awareness sessions."),
                  then=_Then(D(2016, 11, 15), reason="Superseded",
                             note="After the Hampshire Child U review the four LSCBs rewrote "
                                  "the unborn baby protocol; auditing joint work under it moved "
                                  "into the 4LSCB audit programme. Closure agreed by the "
                                  "sub-committee on 15/11/2016.",
                             updates=((D(2015, 3, 17), "Audit held back: the 4LSCB is reviewing "
                                                       "the unborn baby protocol."),),
                             revisions=((D(2015, 3, 17), D(2015, 12, 31),
                                         "Wait for the reviewed protocol so the audit tests "
                                         "current practice."),))),
            _ToDo("Audit cases with strategy discussions and meetings and report the findings "
                  "to the LSCB.", BOARD, "Chair, Quality Assurance Sub-Group", D(2014, 12, 31),
                  "Amber",
                  then=_Then(D(2015, 4, 30), "Audit of 40 cases reported to the LSCB in May 2015.",
                             impact="A repeat dip sample a year on found police and health "
                                    "taking part in nearly every strategy discussion.",
                             updates=((D(2015, 3, 17), "Case files read; report being "
                                                       "written."),))),
            _ToDo("Make the statutory process for strategy discussions and meetings clear to "
                  "all staff.", CSC, "Head of Safeguarding, Children's Services",
                  D(2014, 9, 30), "Green",
                  ((D(2014, 7, 15), "Practice note drafted for team managers."),),
                  then=_Then(D(2015, 1, 9), "Practice note issued to team managers and linked from "
                             "the online procedures.")),
            _ToDo("Review how well the MASH is working after 12 weeks, strategy discussions "
                  "included, with a dip sample of cases.", CSC, "MASH Service Manager",
                  D(2014, 6, 30), "Red",
                  ((D(2014, 6, 17), "Police navigators joined late; review start moved."),
                   (D(2014, 10, 14), "Dip sample of 30 cases under way.")),
                  revised=(D(2014, 6, 17), D(2014, 9, 30),
                           "The 12 weeks now run from the police navigators' start."),
                  then=_Then(D(2015, 2, 27), "MASH evaluation, with the dip sample of 30 cases, "
                             "received by the LSCB.",
                             impact="Strategy discussions in the sample were held within the "
                                    "procedure's timescale; the MASH now reports timeliness "
                                    "every month.")),
            _ToDo("Secure police engagement in the Southampton MASH.", POLICE,
                  "Detective Chief Inspector, Public Protection", D(2014, 6, 30), "Amber",
                  ((D(2014, 6, 17), "Police navigators agreed; start date awaited."),),
                  then=_Then(D(2015, 1, 30), "Police navigators in the MASH full time since "
                             "October 2014; attendance log for their first quarter.")),
            _ToDo("Raise staff awareness of current and future family law proceedings.", CSC,
                  "Principal Social Worker", D(2014, 12, 31), "Green", started=False,
                  then=_Then(D(2015, 3, 31), "Four briefings for social workers run with the "
                             "council's legal service; slides on the intranet.",
                             updates=((D(2015, 1, 20), "Sessions booked with legal "
                                                       "services."),))),
            _ToDo("Independent Chair to contact the chair of the Family Justice Board to be "
                  "assured the court's procedural issues are resolved.", BOARD,
                  "Independent Chair, LSCB", D(2014, 7, 31), "Green",
                  ((D(2014, 7, 15), "Letter sent; meeting being arranged."),),
                  then=_Then(D(2015, 2, 10), "Reply from the Family Justice Board chair describing "
                             "the changes to court practice, tabled at the sub-committee.")),
        ),
    ),
    _Theme(
        "Neglect",
        "Accepted. Neglect is a serious factor in most local and national serious case "
        "reviews and affects children of every age. The Board will shape its response on "
        "Ofsted's report on professional responses to neglect, 'In the child's time'.",
        (
            _Rec(8, FAMILY_A, "Southampton LSCB",
                 "Develop and carry out an improvement programme for local neglect policy and "
                 "practice, drawing on Ofsted's recent guidance on services for neglected "
                 "children and on what earlier local initiatives achieved."),
        ),
        (
            _Done("Agree a partnership threshold document that describes the signs of "
                  "concern, neglect included.", BOARD, "LSCB Business Manager",
                  D(2014, 3, 25), "Threshold document approved by the Board and published.",
                  signed_off=True),
            _Done("Produce a neglect toolkit.", BOARD, "LSCB Business Manager", D(2012, 10, 31),
                  "Toolkit published in 2012; the review shows more is needed."),
        ),
        (
            _ToDo("Consider the findings of Ofsted's report on neglect.", BOARD,
                  "LSCB Business Manager", D(2014, 7, 31), "Green",
                  ((D(2014, 7, 15), "Summary paper on the Ofsted findings going to the Board."),),
                  then=_Then(D(2014, 12, 11), "Board minutes recording its discussion of the "
                             "summary paper.")),
            _ToDo("Draw up a multi-agency neglect action plan covering the Ofsted findings and "
                  "local issues.", BOARD, "LSCB Business Manager", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 4, 23), "Neglect strategy and multi-agency action plan "
                             "approved by the Board.",
                             impact="Neglect made a Board priority, with measures reported to "
                                    "each quarterly meeting.",
                             updates=((D(2015, 1, 20), "Draft plan out to partners for "
                                                       "comment."),))),
            _ToDo("Review and update the neglect toolkit.", BOARD,
                  "Chair, Learning and Development Sub-Group", D(2015, 3, 31), "Amber",
                  started=False,
                  then=_Then(None,  # the one 2014 action still open; restarted in current_work()
                             updates=(
                                 (D(2015, 3, 17), "Review begun; the toolkit will be "
                                                  "rewritten to match the neglect strategy."),
                                 (D(2015, 11, 17), "The four LSCBs agreed to write one "
                                                   "shared toolkit instead of four."),
                                 (D(2016, 11, 15), "Partners chose to build the toolkit "
                                                   "around a validated neglect assessment "
                                                   "tool; practitioners are trained first."),
                                 (D(2018, 3, 20), "Assessment tool training under way across "
                                                  "the partners; toolkit held for the new "
                                                  "safeguarding partnership."),
                                 (D(2020, 6, 16), "Paused: safeguarding staff redeployed "
                                                  "during the pandemic."),
                             ),
                             revisions=(
                                 (D(2015, 3, 17), D(2015, 12, 31),
                                  "To follow the neglect strategy due in April."),
                                 (D(2015, 11, 17), D(2016, 12, 30),
                                  "Now one joint 4LSCB toolkit."),
                                 (D(2016, 11, 15), D(2018, 3, 29),
                                  "Training in the assessment tool comes first."),
                                 (D(2018, 3, 20), D(2020, 3, 31),
                                  "Held until the partnership arrangements replace the LSCB."),
                                 (D(2020, 6, 16), D(2021, 3, 31),
                                  "Paused during the pandemic."),
                             ))),
        ),
    ),
    _Theme(
        "Escalation of concerns",
        "Accepted. Challenge between agencies is central to keeping children safe, and the "
        "reviews show the escalation procedure is not well known in Southampton. The Board "
        "will make sure the 4LSCB procedure is fit for purpose, known and used.",
        (
            _Rec(9, CIM, "Southampton LSCB",
                 "Promote the escalation procedures as part of building a culture in which "
                 "constructive challenge between agencies is seen as a normal and positive "
                 "part of safeguarding."),
            _Rec(10, FAMILY_A, "Southampton LSCB; all agencies",
                 "- require every agency to remind its staff of the arrangements for "
                 "escalating concerns to senior managers\n"
                 "- set up an audit programme across agencies on how well escalation is used "
                 "and works."),
            _Rec(11, CHILD_L, "Southampton LSCB; all agencies",
                 "Make sure all agencies know and use the Resolving Professional "
                 "Disagreements procedure agreed by the Hampshire, Isle of Wight, Portsmouth "
                 "and Southampton LSCBs when concerns need escalating."),
            _Rec(12, CIM, "Southampton LSCB; Children's Services",
                 "Ask Children's Services to name a strategic safeguarding lead for early "
                 "years services and show that childminders are supported to escalate "
                 "concerns when unhappy with children's social care's response.",
                 "The local authority has said an early years safeguarding lead will be "
                 "created in the transformation of children and family services; the Board "
                 "will check through its quality assurance reports."),
        ),
        (
            _Done("Make the 4LSCB Resolving Professional Disagreements procedure available to "
                  "all staff.", BOARD, "4LSCB Procedures Group representative",
                  D(2013, 10, 31), "Procedure published in the 4LSCB online procedures."),
            _Done("Cover escalation in the learning workshops on these reviews.", BOARD,
                  "LSCB Training Coordinator", D(2014, 5, 20),
                  "Workshop programme and attendance lists.", signed_off=True),
        ),
        (
            _ToDo("Review the current escalation procedure.", BOARD,
                  "4LSCB Procedures Group representative", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 6, 30), "Revised escalation procedure, with a flowchart for "
                             "practitioners, published in the 4LSCB online procedures.",
                             revisions=((D(2015, 1, 20), D(2015, 6, 30),
                                         "Joined to the 4LSCB procedures review so the four "
                                         "areas keep one procedure."),))),
            _ToDo("Raise awareness of the Resolving Professional Disagreements procedure.",
                  BOARD, "LSCB Training Coordinator", D(2014, 9, 30), "Green",
                  ((D(2014, 9, 16), "Article in the LSCB newsletter; flyer for team meetings."),),
                  then=_Then(D(2014, 12, 12), "Newsletter article, team meeting flyer and a slot "
                             "on every multi-agency course.",
                             impact="The LSCB office logged more escalations in 2015 than in "
                                    "2014, most of them resolved at the first stage.")),
            _ToDo("Seek assurance on each member agency's internal escalation procedure through "
                  "Section 11 audits and single agency reports.", BOARD,
                  "Chair, Quality Assurance Sub-Group", D(2015, 3, 31), "Amber", started=False,
                  then=_Then(D(2015, 12, 18), "Section 11 returns from every member agency, each "
                             "naming its internal escalation route.",
                             impact="Two agencies with no written procedure wrote one after "
                                    "the audit.",
                             updates=((D(2015, 9, 15), "Question added to the 2015 Section 11 "
                                                       "audit tool; returns due in "
                                                       "November."),))),
            _ToDo("Ask the Principal Social Worker for a report to the LSCB, with data on cases "
                  "escalated by partners.", CSC, "Principal Social Worker", D(2014, 10, 31),
                  "Amber", revised=(D(2014, 10, 14), D(2015, 1, 31),
                                    "Escalation data not yet recorded in the case system."),
                  then=_Then(D(2015, 7, 10), "Principal Social Worker's report to the LSCB with "
                             "the first quarter's escalation figures.",
                             updates=((D(2015, 3, 17), "Escalation field added to the case "
                                                       "system; first quarter being "
                                                       "counted."),),
                             revisions=((D(2015, 3, 17), D(2015, 7, 31),
                                         "A full quarter of data is needed first."),))),
        ),
    ),
    _Theme(
        "Staffing and supervision",
        "Accepted. The Board will review supervision and debriefing arrangements for staff "
        "in children and family services and develop multi-agency supervision standards "
        "that allow for different services and roles.",
        (
            _Rec(13, CIM, "Southampton LSCB",
                 "Set a core standard for safeguarding supervision and seek evidence it is in "
                 "place. The standard should:\n"
                 "- allow for agencies' different governance, cultures and structures\n"
                 "- encourage reflection, critical analysis and evidence-informed practice\n"
                 "- give staff the emotional support that sound safeguarding decisions need\n"
                 "- require the quality of supervision to be evaluated regularly."),
            _Rec(14, FAMILY_A, "Southampton LSCB; local authority",
                 "Require the local authority to show that staff at every level of children's "
                 "services get suitable and effective professional supervision."),
            _Rec(15, FAMILY_A, "Southampton LSCB; all agencies",
                 "Ask all agencies to review how staff are debriefed after complex "
                 "multi-agency operations, so that debriefs are joint where appropriate and "
                 "inform future planning."),
            _Rec(16, FAMILY_A, "Southampton LSCB; local authority",
                 "Ask the local authority to look into the review's evidence that some current "
                 "or former staff did not fully grasp the concerns in this case, and act as "
                 "needed.",
                 "Staff involved who still work for the local authority know the findings; "
                 "formal assurance will be sought."),
            _Rec(17, FAMILY_A, "Southampton LSCB; local authority housing, children's social "
                               "care and education",
                 "Require the local authority's housing, children's social care and education "
                 "services to show how they are dealing with poor working relationships within "
                 "and between staff groups that could affect children's safety.",
                 "Board members report that these relationship problems have been resolved; "
                 "formal assurance will be sought."),
        ),
        (
            _Done("Adopt a workforce development strategy and professional development "
                  "programme for a stable, well trained children's services workforce, "
                  "first line managers in particular.", CSC, "Head of Workforce Development",
                  D(2014, 4, 30), "Strategy and programme approved by the People Directorate."),
            _Done("Give community health staff regular clinical supervision that covers "
                  "safeguarding, and a safeguarding children specialist they can call seven "
                  "days a week.", COMMUNITY, "Named Nurse, Safeguarding Children",
                  D(2014, 1, 31), "Supervision policy and on-call rota.",
                  impact="Supervision records show safeguarding discussed in most sessions "
                         "sampled.", signed_off=True),
            _Done("Develop the hospital's supervision guidance further, with implementation "
                  "monitored by its safeguarding and governance groups.", HOSPITAL,
                  "Named Nurse, Safeguarding Children", D(2014, 3, 31),
                  "Guidance issued; monitoring reports to the trust's safeguarding group."),
            _Done("Start gathering core supervision standards and plan a multi-agency staff "
                  "survey on supervision.", BOARD, "Chair, Learning and Development Sub-Group",
                  D(2014, 5, 15), "Draft standards and survey plan tabled at the sub-group."),
        ),
        (
            _ToDo("Review Board members' supervision policies.", BOARD,
                  "Chair, Learning and Development Sub-Group", D(2014, 10, 31), "Green",
                  ((D(2014, 9, 16), "Policies received from six of nine agencies."),),
                  then=_Then(D(2015, 1, 14), "All nine agencies' policies received and compared; "
                             "summary tabled at the sub-group.")),
            _ToDo("Set core standards to assess the policies against.", BOARD,
                  "Chair, Learning and Development Sub-Group", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 4, 24), "Multi-agency safeguarding supervision standards "
                             "agreed by the Board.")),
            _ToDo("Identify what each key agency must do to meet the standards.", BOARD,
                  "Chair, Learning and Development Sub-Group", D(2015, 1, 31), "Amber",
                  started=False,
                  then=_Then(D(2015, 6, 26), "Each key agency's gap analysis against the "
                             "standards, with an improvement plan where one was needed.",
                             revisions=((D(2015, 1, 20), D(2015, 6, 30),
                                         "The standards were agreed later than planned."),))),
            _ToDo("Report the findings to the LSCB chair.", BOARD,
                  "Chair, Learning and Development Sub-Group", D(2015, 2, 28), "Amber",
                  started=False,
                  then=_Then(D(2015, 9, 8), "Findings reported to the Independent Chair and "
                             "presented to the Board.",
                             impact="A repeat staff survey found more staff saying supervision "
                                    "helped them think cases through than in 2014.",
                             revisions=((D(2015, 1, 20), D(2015, 9, 30),
                                         "Follows the agencies' gap analysis."),))),
            _ToDo("Independent Chair to seek formal assurance from the Director of People about "
                  "the individuals involved in the review.", BOARD, "Independent Chair, LSCB",
                  D(2014, 7, 31), "Green",
                  then=_Then(D(2015, 1, 9), "Director of People's letter of assurance on file.")),
            _ToDo("Independent Chair to seek formal assurance from the Director of People that "
                  "the staff relationship issues are resolved.", BOARD,
                  "Independent Chair, LSCB", D(2014, 7, 31), "Green",
                  then=_Then(D(2015, 1, 9), "The same letter covers housing, social care and "
                             "education, with the joint team meetings now held.")),
        ),
    ),
    _Theme(
        "Thinking family",
        "Accepted. Agencies must work with whole families, fathers included, to keep "
        "children safe. The Board is working with the People Director and the Local "
        "Safeguarding Adults Board to align their oversight, and will seek assurance that "
        "the People Directorate's transformation covers these points.",
        (
            _Rec(18, CIM, "Southampton LSCB",
                 "Review the partnership's 'Think Family' approach so that:\n"
                 "- adults' and children's services assess and provide services together "
                 "where a parent has a learning disability or mental health problem\n"
                 "- fathers are included\n"
                 "- staff can assess the parenting capacity of adults with a learning "
                 "disability\n"
                 "- adults' and children's social care can see each other's records where "
                 "needed."),
            _Rec(19, FAMILY_A, "Southampton LSCB",
                 "When spreading this review's lessons, include the need for a 'Think Family' "
                 "approach so that staff working with vulnerable adults stay alert to their "
                 "children's safety and wellbeing."),
            _Rec(20, CHILD_L, "Southampton LSCB; all agencies",
                 "Require that lead professionals are told when a new adult comes into "
                 "significant contact with a family whose children are in need or need "
                 "protection."),
        ),
        (
            _Done("Hold learning workshops on these reviews that stress a 'Think Family' "
                  "approach.", BOARD, "LSCB Training Coordinator", D(2014, 5, 20),
                  "Workshop programme and attendance lists."),
            _Done("Draft plans to align the management of the children's and adults' "
                  "safeguarding boards.", BOARD, "LSCB Business Manager", D(2014, 5, 1),
                  "Draft plan considered by both boards' chairs."),
        ),
        (
            _ToDo("Independent Chair to seek assurance from the Directors of Adult and "
                  "Children's Services that the approach is in place.", BOARD,
                  "Independent Chair, LSCB", D(2014, 9, 30), "Green",
                  then=_Then(D(2015, 2, 20), "Joint written assurance from both directors, with "
                             "the adults' and children's joint working protocol attached.")),
            _ToDo("Commission research into family experiences to inform the People "
                  "Directorate's transformation plans.", CSC, "Director of People",
                  D(2015, 3, 31), "Amber", started=False,
                  then=_Then(D(2016, 1, 19), reason="Closed, risk accepted",
                             note="Not funded when the transformation programme was "
                                  "re-scoped. The sub-committee accepted the risk on "
                                  "19/01/2016 because families' views are now gathered through "
                                  "conference feedback and the MASH's family survey.",
                             updates=((D(2015, 5, 19), "No budget for the research in the "
                                                       "re-scoped programme."),))),
            _ToDo("Coordinate support to the LSCB and the Local Safeguarding Adults Board.",
                  BOARD, "LSCB Business Manager", D(2014, 12, 31), "Green",
                  then=_Then(D(2015, 4, 1), "One business unit and business manager now serve "
                             "both boards.",
                             impact="A joint Think Family sub-group of the two boards met "
                                    "from June 2015.")),
            _ToDo("Place an adult services navigator in the MASH.", ADULTS,
                  "Head of Adult Safeguarding", D(2014, 9, 30), "Red",
                  ((D(2014, 9, 16), "Post agreed; recruitment under way."),),
                  revised=(D(2014, 9, 16), D(2014, 12, 31), "Recruitment took longer than "
                                                             "planned."),
                  then=_Then(D(2015, 2, 16), "Adult services navigator working in the MASH since "
                             "February 2015.",
                             impact="MASH records show adult services checks on referrals "
                                    "where a parent is known to them.",
                             updates=((D(2015, 1, 20), "Navigator appointed; starts in "
                                                       "February."),))),
            _ToDo("Put the 4LSCB joint working protocol into practice and check it works "
                  "through LSCB and LSAB quality assurance.", BOARD,
                  "Chair, Quality Assurance Sub-Group", D(2015, 3, 31), "Amber",
                  then=_Then(D(2016, 2, 26), "Joint LSCB and LSAB audit of cases where a parent "
                             "has a learning disability or mental ill health.",
                             impact="Adults' and children's workers assessed together in most "
                                    "of the cases audited.",
                             revisions=((D(2015, 3, 17), D(2016, 2, 29),
                                         "Set in the adults' board's 2015-16 audit "
                                         "programme."),))),
            _ToDo("Stress in SCR workshops and LSCB safeguarding training the use of a "
                  "chronology and genogram to spot new adults around a child.", BOARD,
                  "LSCB Training Coordinator", None, "Green", target_text="Ongoing",
                  then=_Then(D(2015, 6, 30), "Chronology and genogram exercise built into the core "
                             "multi-agency course and every SCR workshop.",
                             impact="Course evaluations show practitioners using the genogram "
                                    "exercise in their own casework.")),
        ),
    ),
    _Theme(
        "Health issues",
        "Accepted. The Board will spread knowledge of the links between dental care and "
        "safeguarding through its training, and is seeking assurance that hospital "
        "discharge procedures have improved after the review found discharges at times "
        "unsuitable for vulnerable families.",
        (
            _Rec(21, CIM, "Southampton LSCB; University Hospital",
                 "Seek assurance that the hospital has systems to check discharge plans "
                 "against everything known, and keeps vulnerable children safe when they are "
                 "discharged out of hours."),
            _Rec(22, FAMILY_A, "Southampton LSCB",
                 "When spreading this review's lessons, include the links between "
                 "safeguarding and dental care."),
        ),
        (
            _Done("Arrange learning workshops for paediatricians on these reviews.", HOSPITAL,
                  "Named Doctor, Safeguarding Children", D(2014, 5, 28),
                  "Workshop dates agreed with the paediatric department."),
            _Done("Start a review of discharge procedures in the hospital's children's "
                  "areas.", HOSPITAL, "Head of Nursing, Women and Children", D(2014, 5, 15),
                  "Review terms of reference agreed by the trust."),
        ),
        (
            _ToDo("Independent Chair to write to the hospital trust for assurance on discharge "
                  "procedures for vulnerable children.", BOARD, "Independent Chair, LSCB",
                  D(2014, 7, 31), "Green",
                  then=_Then(D(2015, 2, 6), "Trust's reply describing the new discharge checklist "
                             "for children's wards, out-of-hours discharges included.")),
            _ToDo("Add the links between safeguarding and dental care to multi-agency "
                  "training.", BOARD, "LSCB Training Coordinator", D(2014, 12, 31), "Green",
                  then=_Then(D(2015, 3, 27), "Dental neglect session added to the multi-agency "
                             "neglect course.")),
        ),
    ),
    _Theme(
        "Diversity",
        "Accepted. The Board will lead work on diversity and safeguarding in the city. The "
        "Independent Chair will review how inclusive the Board's policies, data, training, "
        "membership and contacts are for all communities, Gypsy and Traveller communities in "
        "particular.",
        (
            _Rec(23, FAMILY_A, "Southampton LSCB",
                 "Share the findings in ways that remind agencies and communities that race "
                 "and culture must never outweigh everyone's shared duty to keep children "
                 "safe."),
            _Rec(24, FAMILY_A, "Southampton LSCB; Department for Education",
                 "Tell the Department for Education that research on safeguarding children "
                 "from Gypsy and Traveller communities is lacking."),
        ),
        (
            _Done("Include learning about Gypsy and Traveller communities in the staff "
                  "workshops on these reviews.", BOARD, "LSCB Training Coordinator",
                  D(2014, 5, 20), "Workshop materials."),
        ),
        (
            _ToDo("Thread diversity through all of the LSCB's learning and development work.",
                  BOARD, "Chair, Learning and Development Sub-Group", None, "Green",
                  target_text="Ongoing",
                  then=_Then(D(2016, 3, 15), reason="Superseded",
                             note="Replaced by the Board's learning and development "
                                  "strategy for 2016-19, which makes equality and diversity a "
                                  "required part of every course and its evaluation. Closure "
                                  "agreed by the sub-committee on 15/03/2016.")),
        ),
    ),
    _Theme(
        "Elective home education",
        "Accepted. The Board's education lead has assured it that closer monitoring of, and "
        "support for, home-educating families is planned in the second phase of the children "
        "and family services transformation. The Chair will also raise the issues nationally.",
        (
            _Rec(25, FAMILY_A, "Southampton LSCB; Department for Education",
                 "- ask the DfE to clarify what 'suitable education' means for children "
                 "educated otherwise than at school\n"
                 "- ask the DfE to look again at the evidence of safeguarding concerns for "
                 "home-educated children, SCRs included, and check national guidance is "
                 "strong enough\n"
                 "- make sure local multi-agency guidance on home-educated children reflects "
                 "this review\n"
                 "- ask every agency how it could do more for home-educated children."),
        ),
        (
            _Done("Receive a single agency report on the number of electively home educated "
                  "children and plans to support and monitor them.", EDUCATION,
                  "Head of Education", D(2014, 4, 15), "Report received and discussed by the "
                                                       "Board."),
        ),
        (
            _ToDo("Review local elective home education procedures in the light of the "
                  "findings.", EDUCATION, "Head of Education", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 7, 17), "Revised local procedure: a visit offered to every "
                             "family and a check against social care records.",
                             impact="The register of home-educated children is now checked "
                                    "against social care records every term.",
                             revisions=((D(2015, 1, 20), D(2015, 7, 31),
                                         "Waits for the DfE's reply to the Board."),))),
            _ToDo("Independent Chair to write to the DfE about the concerns, before "
                  "publication.", BOARD, "Independent Chair, LSCB", D(2014, 5, 28), "Amber",
                  then=_Then(D(2015, 1, 9), "Letter to the Department for Education and its reply "
                             "on file.")),
        ),
    ),
    _Theme(
        "Rapid response to child death",
        "Accepted. Rapid response was not good enough at the time. A designated doctor for "
        "child deaths is now in post and each rapid response is discussed across agencies; "
        "the Board will audit recent cases to check this works.",
        (
            _Rec(26, CIM, "Southampton LSCB; Child Death Overview Panel",
                 "Review how well rapid response under the 4LSCB protocol works, especially "
                 "for the safety of surviving siblings, and develop the service with the Child "
                 "Death Overview Panel."),
        ),
        (
            _Done("Appoint a designated doctor for rapid response in Southampton.", CCG,
                  "Designated Doctor for Child Deaths", D(2013, 9, 30), "Doctor in post.",
                  signed_off=True),
            _Done("Train staff in the multi-agency rapid response process (continuing).", CCG,
                  "Designated Doctor for Child Deaths", D(2014, 3, 31),
                  "Training records; sessions continue each year."),
        ),
        (
            _ToDo("Audit recent cases where rapid response was used.", BOARD,
                  "Chair, Child Death Overview Panel", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 6, 19), "CDOP audit of rapid response cases presented to the "
                             "LSCB.",
                             impact="Surviving siblings' safety was considered in every case "
                                    "sampled since the designated doctor started.",
                             revisions=((D(2015, 1, 20), D(2015, 6, 30),
                                         "Widened to the designated doctor's first full "
                                         "year."),))),
        ),
    ),
    _Theme(
        "Liaison with other areas",
        "Accepted. The Board will improve how information is obtained when children move "
        "into Southampton, learning from other boards' practice.",
        (
            _Rec(27, FAMILY_A, "Southampton LSCB; all agencies",
                 "Have local agencies agree guidelines for actively seeking, receiving and "
                 "sharing information when children who may need safeguarding move into the "
                 "area, tackling the weaknesses this review found."),
            _Rec(28, FAMILY_A, "Southampton LSCB; Norfolk Safeguarding Children Board",
                 "Brief the Norfolk Safeguarding Children Board on this review's content, "
                 "process and outcome so that it can act as it sees fit.",
                 "The Independent Chair sent Norfolk's chair the final overview report and the "
                 "concerns about the family's time there; Norfolk has confirmed its own "
                 "review."),
        ),
        (
            _Done("Send the Norfolk Safeguarding Children Board the report with a commentary "
                  "from the review author.", BOARD, "Independent Chair, LSCB",
                  D(2014, 4, 30), "Letter and reply on file."),
            _Done("Norfolk confirmed it is commissioning its own SCR into the family's time in "
                  "Norfolk.", BOARD, "Independent Chair, LSCB", D(2014, 5, 20),
                  "Reply from Norfolk's chair."),
        ),
        (
            _ToDo("Review current procedures for children moving into the area.", BOARD,
                  "4LSCB Procedures Group representative", D(2014, 12, 31), "Amber",
                  then=_Then(D(2015, 5, 29), "4LSCB procedure on children moving across "
                             "boundaries revised and published.")),
            _ToDo("Find good practice elsewhere and improve local arrangements.", BOARD,
                  "LSCB Business Manager", D(2014, 10, 31), "Green",
                  then=_Then(D(2015, 2, 27), "Practice from three other boards summarised and used "
                             "in the revised procedure.")),
            _ToDo("Promote the revised procedures to staff.", BOARD,
                  "LSCB Training Coordinator", D(2015, 3, 31), "Green", started=False,
                  then=_Then(D(2015, 9, 11), "Procedure promoted in the newsletter, team briefings "
                             "and the induction course.",
                             revisions=((D(2015, 3, 17), D(2015, 9, 30),
                                         "The revised procedure came out later than "
                                         "planned."),))),
        ),
    ),
    _Theme(
        "Involvement in the SCR process",
        "Accepted. Family members were involved where this did not affect parallel "
        "proceedings, weighed against the trauma the surviving children had suffered, and "
        "their contributions shaped the findings. For Family A the therapeutic service "
        "working with the children looked at how they could take part; the Board agreed this "
        "work continues.",
        (
            _Rec(29, FAMILY_A, "Southampton LSCB; local authority",
                 "Remind the local authority to keep looking for ways to help the young "
                 "people at the centre of this review understand the review and why it was "
                 "held, and, if they wish, to help pass on its lessons."),
        ),
        (
            _Done("Offer interviews to all family members and include the views of those who "
                  "took part in the overview reports.", BOARD, "LSCB Business Manager",
                  D(2014, 3, 31), "Interview records; overview reports."),
            _Done("Analyse fully how the Family A children were involved in the review.", CSC,
                  "Therapeutic Service Manager", D(2014, 4, 30), "Analysis report."),
        ),
        (
            _ToDo("Brief the Family A children and young people sensitively on the findings and "
                  "publication, and make sure their therapeutic needs continue to be met.", CSC,
                  "Head of Service, Children Looked After", D(2014, 6, 30), "Amber",
                  ((D(2014, 6, 17), "Two of the young people briefed with their therapist."),),
                  then=_Then(D(2015, 4, 24), "Every young person who wished to be briefed has "
                             "been, with their therapist; therapy continues under their "
                             "care plans.")),
        ),
    ),
)


# Seed 003 shows the Child U plan as it stood in June 2018. The subgroup signed each
# evidenced action off at its next meeting after completion.
HSCB_FOLLOW_UP_MEETINGS = (
    D(2016, 11, 21), D(2017, 1, 16), D(2018, 1, 15), D(2018, 5, 21), D(2018, 11, 19),
    D(2019, 5, 20),
)


# --- seed 004: Northamptonshire referrals and reviews, 2016-17 ----------------------------

@dataclass(frozen=True)
class _NRef:
    """A referral in seed 004's tables, with its decision and its review."""

    ref: str
    referred: dt.date
    summary: str
    location: str
    gender: str
    age: str
    category: str
    agency: str
    decided: dt.date
    outcome: str
    review_type: str
    status: str
    status_note: str
    methodology: str | None = None
    initiated: dt.date | None = None
    learning_event: dt.date | None = None
    completed: dt.date | None = None
    published: dt.date | None = None
    briefing: dt.date | None = None
    delay_reason: str | None = None
    notes: str | None = None
    family_involvement: str | None = None


TRADITIONAL = "Traditional (individual management reviews)"
WELSH = "Welsh model (Child Practice Review)"
MAPPING = "Case mapping workshop"
SOLE_AUTHOR = "Independent author, also chairing the review panel"

# Seed 004 gives each review's status in April 2017; the status here is where it stands
# now, and the seed's words are kept in the review's notes after this.
AT_APRIL_2017 = "April 2017 (annual report):"

# Refs marked "invented" are not in seed 004: they complete its count of ten referrals
# considered in 2016-17 (0 no further action, 2 single agency reviews, 5 case mapping
# exercises, 1 thematic learning review, 2 SCRs); the seed names neither single agency
# review and only three of the case mapping exercises agreed that year.
SEED_004: tuple[_NRef, ...] = (
    _NRef("Ref023", D(2014, 10, 14), "Death following non-accidental injury", "Deanshanger",
          "Male", "4 mths", "Death", POLICE, D(2014, 11, 19), "scr", "scr", "Published",
          "SCR completed. Published 6 July 2016", methodology=TRADITIONAL,
          initiated=D(2014, 12, 15), learning_event=D(2015, 5, 12), completed=D(2016, 4, 29),
          published=D(2016, 7, 6), briefing=D(2016, 7, 20),
          delay_reason="Legal proceedings ran in parallel; the judge's remarks at sentencing "
                       "meant a further report had to be commissioned before publication."),
    _NRef("Ref021", D(2015, 2, 10), "Significant non-accidental injury", "Kettering",
          "Female", "6 wks", "Non-accidental injury", HOSPITAL, D(2015, 2, 18), "scr", "scr",
          "Published", "SCR completed. Published 26 January 2017", methodology=TRADITIONAL,
          initiated=D(2015, 3, 16), learning_event=D(2015, 9, 22), completed=D(2016, 10, 28),
          published=D(2017, 1, 26), briefing=D(2017, 2, 8),
          delay_reason="Legal proceedings: publication waited for the end of the criminal "
                       "trial.",
          notes="Media handled by one-to-one interviews with the Independent Chair instead of "
                "an open press session; this worked well and will be used again."),
    # Seed 004 prints "Published 20th October 2017", after the report's own date (June
    # 2017) and against its statement that three SCRs were published in 2016-17, so the
    # year is taken to be 2016.
    _NRef("Ref035", D(2015, 5, 12), "Death following dog attack", "Daventry", "Female",
          "6 mths", "Death", POLICE, D(2015, 5, 20), "scr", "scr", "Published",
          "SCR completed. Published 20 October 2016", methodology=TRADITIONAL,
          initiated=D(2015, 6, 22), learning_event=D(2015, 11, 17), completed=D(2016, 7, 29),
          published=D(2016, 10, 20), briefing=D(2016, 11, 2),
          delay_reason="Waited for the outcome of legal proceedings."),
    _NRef("Ref044", D(2015, 7, 14), "Sustained non-accidental injuries", "Northampton",
          "Male", "1 yr 11 mths", "Non-accidental injury", CSC, D(2015, 7, 15),
          "case_mapping", "case_mapping", "Completed",
          "Review completed September 2016; 6-step briefing on the NSCB website",
          methodology=MAPPING, initiated=D(2015, 9, 1), learning_event=D(2016, 6, 14),
          completed=D(2016, 9, 28), briefing=D(2016, 10, 12)),
    _NRef("Ref047", D(2015, 9, 8), "Neglect", "Northampton", "Male", "1 yr", "Neglect",
          COMMUNITY, D(2015, 9, 16), "case_mapping", "case_mapping", "Completed",
          "Review completed February 2016; 6-step briefing on the NSCB website",
          methodology=MAPPING, initiated=D(2015, 10, 5), learning_event=D(2015, 12, 8),
          completed=D(2016, 2, 24), briefing=D(2016, 3, 9)),
    # invented
    _NRef("Ref048", D(2016, 4, 5), "Sudden unexpected death of an infant while co-sleeping",
          "Corby", "Male", "7 wks", "Death", POLICE, D(2016, 4, 20), "case_mapping",
          "case_mapping", "Completed",
          "Review completed November 2016; 6-step briefing on the NSCB website",
          methodology=MAPPING, initiated=D(2016, 5, 9), learning_event=D(2016, 9, 13),
          completed=D(2016, 11, 25), briefing=D(2016, 12, 7),
          notes="Learning fed into the NSCB safe sleeping booklet."),
    # invented
    _NRef("Ref049", D(2016, 5, 3), "Missed health appointments and failure to thrive",
          "Wellingborough", "Female", "3 yrs", "Neglect", COMMUNITY, D(2016, 5, 18),
          "single_agency", "single_agency", "Completed",
          "Single agency review by the community health trust completed October 2016",
          initiated=D(2016, 6, 1), completed=D(2016, 10, 31)),
    # Seed 004 lists Ref050 with the new case mapping exercises but notes that it will be
    # done as a thematic learning review with a published report: it is the year's one
    # thematic learning review, run through a case mapping workshop.
    _NRef("Ref050", D(2016, 9, 6), "CSE and grooming", "Kettering", "Female", "16 yrs",
          "Child sexual exploitation", POLICE, D(2016, 9, 21), "thematic", "thematic",
          "Published", "Workshop held June 2017; thematic learning review published March 2018",
          methodology=MAPPING, initiated=D(2016, 11, 7), learning_event=D(2017, 6, 13),
          completed=D(2017, 12, 15), published=D(2018, 3, 8), briefing=D(2018, 3, 21),
          notes=f"{AT_APRIL_2017} review underway and workshop arranged for June 2017; to be "
                "written up as a thematic learning review with a published report."),
    _NRef("Ref051", D(2016, 10, 4), "Siblings in repeat PLO processes", "Daventry", "Male",
          "7 yrs", "Neglect", CSC, D(2016, 10, 19), "case_mapping", "case_mapping",
          "Completed", "Workshop held May 2017; review completed July 2017; 6-step briefing on "
                       "the NSCB website",
          methodology=MAPPING, initiated=D(2016, 12, 5), learning_event=D(2017, 5, 16),
          completed=D(2017, 7, 28), briefing=D(2017, 8, 9),
          notes=f"{AT_APRIL_2017} review underway and workshop arranged for May 2017."),
    _NRef("Ref054", D(2016, 11, 29), "Sibling witnesses of domestic violence",
          "Wellingborough", "Both", "Various", "Domestic abuse", POLICE, D(2016, 12, 14),
          "case_mapping", "case_mapping", "Completed",
          "Workshop held May 2017; review completed August 2017; 6-step briefing on the NSCB "
          "website", methodology=MAPPING, initiated=D(2017, 1, 23), learning_event=D(2017, 5, 23),
          completed=D(2017, 8, 25), briefing=D(2017, 9, 6),
          notes=f"{AT_APRIL_2017} review underway and workshop arranged for May 2017."),
    _NRef("Ref053", D(2017, 1, 3), "Extreme neglect and cruelty", "Northampton", "Male",
          "12 yrs", "Neglect", CSC, D(2017, 1, 18), "scr", "scr", "Published",
          "SCR agreed and initiated 5 February 2017; published June 2018", methodology=WELSH,
          initiated=D(2017, 2, 5), completed=D(2018, 3, 29), published=D(2018, 6, 14),
          delay_reason="Parallel criminal proceedings: the report waited for the trial to end.",
          family_involvement="Priority for 2017-18: hear the family's views and above all "
                             "the child's own voice, wishes and feelings."),
    # invented
    _NRef("Ref055", D(2017, 1, 5), "Serious self-harm by a young person in care", "Brackley",
          "Female", "14 yrs", "Other", CSC, D(2017, 1, 18), "case_mapping", "case_mapping",
          "Completed", "Workshop held July 2017; review completed October 2017; 6-step briefing "
                       "on the NSCB website",
          methodology=MAPPING, initiated=D(2017, 3, 6), learning_event=D(2017, 7, 11),
          completed=D(2017, 10, 27), briefing=D(2017, 11, 8),
          notes=f"{AT_APRIL_2017} review underway and workshop arranged for July 2017."),
    _NRef("Ref056", D(2017, 2, 1), "Non-accidental injury", "Rushden", "Female", "4 mths",
          "Non-accidental injury", HOSPITAL, D(2017, 2, 15), "case_mapping", "case_mapping",
          "Completed", "Workshop held May 2017; review completed September 2017; 6-step "
                       "briefing on the NSCB website",
          methodology=MAPPING, initiated=D(2017, 3, 13), learning_event=D(2017, 5, 30),
          completed=D(2017, 9, 29), briefing=D(2017, 10, 11),
          notes=f"{AT_APRIL_2017} review underway and workshop arranged for May 2017."),
    _NRef("Ref057", D(2017, 3, 1), "Murder by stabbing", "Northampton", "Male", "17 yrs",
          "Serious youth violence", POLICE, D(2017, 3, 15), "scr", "scr", "Published",
          "SCR initiated 2 April 2017; published September 2018", methodology=WELSH,
          initiated=D(2017, 4, 2), completed=D(2018, 7, 16), published=D(2018, 9, 20),
          delay_reason="Criminal trial; the judge's sentencing remarks meant a further report "
                       "had to be commissioned."),
    # invented
    _NRef("Ref058", D(2017, 3, 2), "Head injury to a baby with a delay in seeking treatment",
          "Towcester", "Male", "9 mths", "Non-accidental injury", HOSPITAL, D(2017, 3, 15),
          "single_agency", "single_agency", "Completed",
          "Single agency review by the acute hospital trust completed August 2017",
          initiated=D(2017, 4, 3), completed=D(2017, 8, 31),
          notes=f"{AT_APRIL_2017} single agency review by the acute hospital trust underway."),
    # Considered at the first meeting of 2017-18, so outside the year's ten.
    _NRef("Ref052", D(2017, 3, 28), "CSE involving multiple victims", "Northampton",
          "Male and Female", "Various", "Child sexual exploitation", POLICE, D(2017, 4, 19),
          "scr", "scr", "Published",
          "SCR initiated 13 May 2017; held back for the criminal trials; published October 2019",
          methodology=WELSH, initiated=D(2017, 5, 13), learning_event=D(2017, 11, 21),
          completed=D(2018, 12, 14), published=D(2019, 10, 17), briefing=D(2019, 10, 30),
          delay_reason="Many victims and participants, and police investigations and trials "
                       "running alongside the review.",
          notes="Complex: many victims and participants to consider; timeliness risk raised "
                "with the NSCB Chair. In 2017-18 the report was drafted and publication put "
                "on hold until the last criminal trial ended."),
)

# Monthly sub group meetings, 2016-17 (and the first of 2017-18).
NSCB_MEETINGS = (
    D(2016, 4, 20), D(2016, 5, 18), D(2016, 6, 15), D(2016, 7, 20), D(2016, 8, 17),
    D(2016, 9, 21), D(2016, 10, 19), D(2016, 11, 16), D(2016, 12, 14), D(2017, 1, 18),
    D(2017, 2, 15), D(2017, 3, 15), D(2017, 4, 19),
)
NSCB_CHAIR_TO_DEC_2016 = "Assistant Director for Early Help, Safeguarding and Children's Services"
NSCB_CHAIR_FROM_JAN_2017 = "Strategic Manager for Safeguarding and Quality Assurance (interim)"

# For each completed or published review: practitioner learning event, de-brief of those
# involved, wider de-brief (seed 004: wider de-briefs averaged about 70).
NSCB_DEBRIEFS = {
    "Ref023": (18, 11, 68),
    "Ref021": (16, 12, 72),
    "Ref035": (15, 9, 70),
}

# Agencies' evidence that they spread a 6-step briefing: agency, days after issue, evidence.
DISSEMINATION_PATTERN = (
    (HOSPITAL, 14, "Discussed at ward safeguarding huddles; staff said the format made the "
                   "learning easy to pass on."),
    (CSC, 21, "Taken to every team meeting in the locality; feedback returned to the sub "
              "group."),
    (POLICE, 28, "Circulated to public protection officers with a supervision prompt."),
    (COMMUNITY, 18, "Used in health visitor and school nurse group supervision."),
    (EDUCATION, 35, "Sent to designated safeguarding leads in schools."),
)


# --- writing ------------------------------------------------------------------------------

class _DemoWriter:
    """Adds the demo records to one session, looking list values up once."""

    def __init__(self, session: Session, today: dt.date):
        self.s = session
        self.today = today
        self._items: dict[tuple[str, str], ListItem] = {}
        self._agencies: dict = {}
        self._themes: dict = {}
        self._meetings: dict[tuple[dt.date, str], Meeting] = {}
        self._actions: dict[str, Action] = {}

    # lookups
    def item(self, kind: str, name_or_code: str) -> ListItem:
        key = (kind, name_or_code)
        if key not in self._items:
            self._items[key] = lookups.list_item(self.s, kind, name_or_code)
        return self._items[key]

    def agency(self, name: str):
        if name not in self._agencies:
            self._agencies[name] = lookups.agency(self.s, name)
        return self._agencies[name]

    def theme(self, name: str):
        if name not in self._themes:
            self._themes[name] = lookups.theme(self.s, name)
        return self._themes[name]

    # records
    def meeting(self, held_on: dt.date, title: str, chair: str | None = None,
                notes: str | None = None) -> Meeting:
        key = (held_on, title)
        if key not in self._meetings:
            self._meetings[key] = Meeting(held_on=held_on, title=title, chair=chair, notes=notes)
            self.s.add(self._meetings[key])
        return self._meetings[key]

    def referral(self, reference: str, *, category: str | None = None,
                 agency: str | None = None, **fields) -> Referral:
        referral = Referral(
            reference=reference,
            category=self.item(ListKind.REFERRAL_CATEGORY, category) if category else None,
            referring_agency=self.agency(agency) if agency else None, **fields)
        self.s.add(referral)
        return referral

    def decide(self, referral: Referral, decided_on: dt.date, outcome: str, rationale: str, *,
               by: str, meeting: Meeting | None = None, criteria_met: bool | None = None,
               basis: str | None = None) -> Decision:
        decision = Decision(decided_on=decided_on, decided_by=by, rationale=rationale,
                            outcome=self.item(ListKind.DECISION_OUTCOME, outcome),
                            criteria_met=criteria_met, criteria_basis=basis)
        # Joined to its referral (and so to the session) before the meeting, whose
        # back-reference would otherwise hold an object the session does not know yet.
        referral.decisions.append(decision)
        decision.meeting = meeting
        # Under Working Together 2015 the National Panel was told of each decision not to
        # hold an SCR; this office did so within a week.
        outcome_code = decision.outcome.code or ""
        if (WT2015 <= decided_on < WT2018 and outcome_code not in ("scr", "lcspr")
                and not outcome_code.startswith(("deferred", "more_info"))):
            referral.panel_told_of_decision_on = decided_on + dt.timedelta(days=7)
        if meeting is not None and referral not in meeting.referrals_considered:
            meeting.referrals_considered.append(referral)
        return decision

    def review(self, reference: str, title: str, review_type: str, referrals: list[Referral], *,
               status: str, methodology: str | None = None, **fields) -> Review:
        review = Review(
            reference=reference, title=title,
            review_type=self.item(ListKind.REVIEW_TYPE, review_type),
            status=self.item(ListKind.REVIEW_STATUS, status),
            methodology=self.item(ListKind.METHODOLOGY, methodology) if methodology else None,
            **fields)
        self.s.add(review)
        review.referrals = list(referrals)
        return review

    def recommendation(self, review: Review, number: int, text: str, *, theme: str,
                       addressed_to: str, response: str, response_on: dt.date,
                       document_number: str | None = None,
                       status: str = "Accepted") -> Recommendation:
        rec = Recommendation(number=number, text=text, addressed_to=addressed_to,
                             theme=self.theme(theme), board_response=response,
                             response_on=response_on, document_number=document_number,
                             response_status=self.item(ListKind.RESPONSE_STATUS, status))
        review.recommendations.append(rec)
        return rec

    def completed_action(self, done: _Done, recs: list[Recommendation], *, theme: str | None,
                         reference: str, sign_off: Meeting | None = None) -> Action:
        action = Action(reference=reference, description=done.description,
                        lead_agency=self.agency(done.agency), lead_officer=done.officer,
                        status=self.item(ListKind.ACTION_STATUS, "complete"), rag="Blue",
                        completed_on=done.completed_on, evidence_of_completion=done.evidence,
                        evidence_of_impact=done.impact,
                        closure_reason=self.item(ListKind.CLOSURE_REASON,
                                                 "Implemented and verified"))
        if theme:
            action.theme = self.theme(theme)
        if sign_off is not None:
            action.signed_off_meeting = sign_off
            action.signed_off_on = sign_off.held_on
        action.recommendations = list(recs)
        self.s.add(action)
        self._actions[reference] = action
        return action

    def open_action(self, todo: _ToDo, recs: list[Recommendation], *, theme: str | None,
                    reference: str, evidence_required: str | None = None) -> Action:
        status = "in_progress" if todo.started or todo.updates else "not_started"
        action = Action(reference=reference, description=todo.description,
                        lead_agency=self.agency(todo.agency), lead_officer=todo.officer,
                        status=self.item(ListKind.ACTION_STATUS, status), rag=todo.rag,
                        original_target_on=todo.target, target_on=todo.target,
                        target_text=todo.target_text, evidence_required=evidence_required)
        if theme:
            action.theme = self.theme(theme)
        for update_on, text in todo.updates:
            action.updates.append(ProgressUpdate(update_on=update_on, text=text, rag=todo.rag,
                                                 author=todo.officer))
        if todo.revised:
            self.revise(action, *todo.revised)
        action.recommendations = list(recs)
        self.s.add(action)
        self._actions[reference] = action
        return action

    @staticmethod
    def revise(action: Action, revised_on: dt.date, new_target: dt.date, reason: str) -> None:
        """Move the target, keeping the original and the move (as ``revise_target`` does)."""
        action.target_revisions.append(TargetRevision(
            old_target_on=action.target_on, new_target_on=new_target, revised_on=revised_on,
            reason=reason))
        action.target_on = new_target

    def follow_up(self, action: Action, then: _Then, meetings: list[Meeting]) -> None:
        """Record what the office did after the seed's date, the way ``close_action`` and
        ``sign_off`` in app/services/actions.py would: later progress and target moves, then
        the closure. An action implemented and verified is Complete, rated Blue, and signed
        off at the first of ``meetings`` after its completion; any other reason leaves it
        Closed with a note and its last RAG, and unsigned (there is no evidence to sign)."""
        for update_on, text in then.updates:
            action.updates.append(ProgressUpdate(update_on=update_on, text=text,
                                                 author=action.lead_officer))
        for revision in then.revisions:
            self.revise(action, *revision)
        if then.closed_on is None:
            if then.updates:
                action.status = self.item(ListKind.ACTION_STATUS, "in_progress")
            return
        implemented = then.reason == "Implemented and verified"
        action.status = self.item(ListKind.ACTION_STATUS, "complete" if implemented else "closed")
        action.closure_reason = self.item(ListKind.CLOSURE_REASON, then.reason)
        action.completed_on = then.closed_on
        action.evidence_of_completion = then.evidence
        action.evidence_of_impact = then.impact
        action.closure_note = then.note
        if implemented:
            action.rag = "Blue"
            meeting = next(m for m in meetings if m.held_on > then.closed_on)
            action.signed_off_meeting = meeting
            action.signed_off_on = meeting.held_on

    def learning_event(self, event_type: str, title: str, *, review: Review | None = None,
                       held_on: dt.date | None = None, attendance: int | None = None,
                       facilitator: str | None = None, notes: str | None = None) -> LearningEvent:
        event = LearningEvent(event_type=self.item(ListKind.LEARNING_EVENT_TYPE, event_type),
                              title=title, review=review, held_on=held_on,
                              attendance=attendance, facilitator=facilitator, notes=notes)
        self.s.add(event)
        return event

    def disseminate(self, event: LearningEvent) -> None:
        """Record each agency's evidence of spreading a briefing, as seed 004 asks."""
        for agency, days, evidence in DISSEMINATION_PATTERN:
            on = event.held_on + dt.timedelta(days=days)
            if on <= self.today:
                event.disseminations.append(Dissemination(
                    agency=self.agency(agency), disseminated_on=on, evidence=evidence))

    # --- the seeds ------------------------------------------------------------------------

    def southampton_2014(self) -> None:
        """Seed 002: three SCRs, their referrals and decisions, 29 recommendations, actions."""
        panel = "Serious case review sub-committee, Southampton LSCB"
        by = "LSCB serious case review sub-committee"
        jan11 = self.meeting(D(2011, 1, 11), panel)
        apr11 = self.meeting(D(2011, 4, 19), panel)
        jan13 = self.meeting(D(2013, 1, 15), panel)
        apr13 = self.meeting(D(2013, 4, 16), panel)
        may13 = self.meeting(D(2013, 5, 14), panel)
        jul13 = self.meeting(D(2013, 7, 16), panel,
                             notes="Earlier decisions on Child I and Child L reviewed with the "
                                   "local authority.")
        sign_off = self.meeting(SOTON_SIGN_OFF, panel,
                                notes="Composite action plan: evidenced actions signed off.")
        follow_ups = [self.meeting(held_on, panel, notes="Composite action plan for the 2014 "
                                   "reviews followed up; evidenced actions signed off.")
                      for held_on in SOTON_FOLLOW_UP_MEETINGS]

        child_m = self.referral(
            "SO-2011-01", subject="Child M", date_referred=D(2011, 1, 7), date_aware=D(2011, 1, 6),
            summary="Death of a two-year-old subject to a child protection plan",
            location="Southampton", gender="Male", age_text="2 yrs", category="Death",
            agency=CSC, notification_sent_on=D(2011, 1, 10))
        child_i = self.referral(
            "SO-2011-02", subject="Child I", date_referred=D(2011, 4, 12),
            date_aware=D(2011, 4, 11), summary="Death of a four-year-old, half-brother of Child M",
            location="Southampton", gender="Male", age_text="4 yrs", category="Death",
            agency=CSC, notification_sent_on=D(2011, 4, 14))
        family_a = self.referral(
            "SO-2013-01", subject="Family A", date_referred=D(2013, 1, 8),
            summary="Long-term neglect and abuse of seven home-educated siblings by their "
                    "father on a travellers' site", location="Southampton", gender="Both",
            age_text="Various", category="Neglect", agency=POLICE)
        child_l = self.referral(
            "SO-2013-02", subject="Child L", date_referred=D(2013, 1, 7),
            date_aware=D(2012, 12, 28),
            summary="Girl brought to A&E with 92 bruises of different ages, confused, "
                    "amphetamines in her urine", location="Southampton", gender="Female",
            age_text="6 yrs", category="Non-accidental injury", agency=HOSPITAL)

        # The seed says the review waited for "Child I's post-mortem"; Child I was then
        # alive, so the deferral is recorded as waiting for Child M's own post-mortem.
        self.decide(child_m, D(2011, 1, 11), "deferred_pm",
                    "No SCR for now; look again once the post-mortem results are known.",
                    by=by, meeting=jan11)
        self.decide(child_i, D(2011, 4, 19), "deferred_criminal",
                    "SCR criteria met, but the review is not to start until police and "
                    "pathology results and a finding of fact in the younger sibling's care "
                    "proceedings are available.", by=by, meeting=apr11, criteria_met=True,
                    basis=REG5)
        self.decide(child_i, D(2013, 5, 14), "multi_agency",
                    "The CPS has decided not to prosecute. A review is to be held, but below "
                    "the level of an SCR.", by=by, meeting=may13)
        for child in (child_i, child_m):
            self.decide(child, D(2013, 7, 16), "scr",
                        "Earlier decision reviewed by the local authority and the LSCB: an SCR "
                        "is to start covering both Child I and Child M.",
                        by="Local authority and LSCB", meeting=jul13, criteria_met=True,
                        basis=REG5)
        self.decide(family_a, D(2013, 1, 15), "scr", "The case meets the SCR criteria.",
                    by=by, meeting=jan13, criteria_met=True, basis=REG5)
        self.decide(child_l, D(2013, 1, 15), "more_info",
                    "Not enough information to decide whether an SCR is warranted.",
                    by=by, meeting=jan13)
        self.decide(child_l, D(2013, 4, 16), "multi_agency",
                    "SCR criteria judged not met, but there are single and multi-agency "
                    "lessons: the LSCB chair asks for a multi-agency review.",
                    by="Independent Chair, LSCB", meeting=apr13, criteria_met=False,
                    basis=REG5)
        self.decide(child_l, D(2013, 7, 16), "scr",
                    "Decision reviewed by the local authority and the LSCB: the case meets "
                    "the SCR criteria after all.", by="Local authority and LSCB",
                    meeting=jul13, criteria_met=True, basis=REG5)

        common = dict(status="Published", methodology=TRADITIONAL, published_on=SOTON_PUBLISHED)
        reviews = {
            CIM: self.review(
                CIM, "Child I and Child M", "scr", [child_i, child_m],
                lead_reviewers="Two independent lead reviewers",
                decision_on=D(2013, 7, 16), initiated_on=D(2013, 8, 19),
                completed_on=D(2014, 4, 24),
                delay_reason="Start held back from 2011 to 2013 by the police investigation, "
                             "pathology results and the finding of fact in care proceedings.",
                family_involvement="Family members offered interviews; their views are in the "
                                   "overview report.",
                summary="Two half-brothers died three months apart in 2011. No criminal "
                        "charges; the finding of fact found both had been neglected and the "
                        "inquest returned open verdicts.", **common),
            FAMILY_A: self.review(
                FAMILY_A, "Family A", "scr", [family_a],
                lead_reviewers="Two independent lead reviewers",
                decision_on=D(2013, 1, 15), initiated_on=D(2013, 2, 18),
                completed_on=D(2014, 5, 8),
                delay_reason="Criminal proceedings against the father ran in parallel.",
                family_involvement="The children's therapeutic service assessed how they "
                                   "could take part; this work continues.",
                summary="A father and seven children moved from Norfolk to a travellers' site "
                        "in 2011. The home-educated children were neglected and abused over "
                        "years; all are now in care and the father is serving a long "
                        "sentence.", **common),
            CHILD_L: self.review(
                CHILD_L, "Child L", "scr", [child_l],
                lead_reviewers="Two independent lead reviewers",
                decision_on=D(2013, 7, 16), initiated_on=D(2013, 8, 19),
                completed_on=D(2014, 4, 10),
                family_involvement="Mother offered an interview.",
                summary="A six-year-old with many bruises and amphetamines in her system, "
                        "known to health, education and social care; poor school attendance "
                        "and little engagement from her mother.", **common),
        }

        numbers: dict[str, int] = {key: 0 for key in reviews}
        action_no = 0
        for theme in SEED_002:
            theme_recs = []
            for rec in theme.recs:
                numbers[rec.review] += 1  # numbered within its review in document order
                response = theme.response + (" " + rec.response_detail if rec.response_detail
                                             else "")
                theme_recs.append(self.recommendation(
                    reviews[rec.review], numbers[rec.review], rec.text, theme=theme.name,
                    addressed_to=rec.addressed_to, response=response,
                    response_on=SOTON_PUBLISHED, document_number=str(rec.document_number)))
            # The response document attaches its actions to the theme, not to single
            # recommendations, so each action answers every recommendation of its theme.
            for done in theme.done:
                action_no += 1
                self.completed_action(done, theme_recs, theme=theme.name,
                                      reference=f"SO14-{action_no:02d}",
                                      sign_off=sign_off if done.signed_off else follow_ups[0])
            for todo in theme.to_do:
                action_no += 1
                action = self.open_action(todo, theme_recs, theme=theme.name,
                                          reference=f"SO14-{action_no:02d}")
                self.follow_up(action, todo.then, follow_ups)

    def hampshire_child_u(self) -> None:
        """Seed 003: Child U, the board's and each agency's response to four recommendations."""
        title = "Serious case review subgroup, Hampshire SCB"
        subgroup = self.meeting(D(2015, 7, 20), title)
        follow_ups = [self.meeting(held_on, title, notes="Child U action plan reviewed; "
                                   "evidenced actions signed off.")
                      for held_on in HSCB_FOLLOW_UP_MEETINGS]
        child_u = self.referral(
            "HA-2015-01", subject="Child U", date_referred=D(2015, 7, 1),
            summary="Serious injury to a baby, including head injury", location="Hampshire",
            category="Non-accidental injury", agency=CSC)
        self.decide(child_u, D(2015, 7, 20), "scr",
                    "Criteria met; commissioning arrangements agreed in line with Working "
                    "Together 2015.", by="SCR subgroup, Hampshire SCB", meeting=subgroup,
                    criteria_met=True, basis=REG5)
        review = self.review(
            "SCR-2015-01", "Child U", "scr", [child_u], status="Published",
            methodology="Systems-based",
            lead_reviewers="Independent safeguarding specialist",
            decision_on=D(2015, 7, 20), initiated_on=D(2015, 9, 1),
            learning_event_on=D(2016, 1, 19), completed_on=D(2016, 6, 30),
            published_on=D(2016, 10, 13),
            notes="Systems method chosen so that frontline practitioners took full part. A "
                  "reference group of senior staff from the agencies involved advised the "
                  "reviewer; the SCR subgroup quality-assured the draft before the Board saw "
                  "it.")
        responded = D(2016, 10, 13)
        recs_data = (
            ("Policies and procedures",
             "Review the key policies, procedures and protocols for multi-professional "
             "practice, update them by their review dates, and make sure they reflect current "
             "statutory guidance and how local services are actually run.",
             "Accepted. Key policies checked and listed; health and children's services keep "
             "their parts current.",
             {BOARD: "A task and finish group of police, health and children's services "
                     "checked every Hampshire and 4LSCB policy was current and picked out the "
                     "key ones. A policy briefing newsletter has started with the 4LSCB "
                     "procedures group.",
              CCG: "Health will keep working with the Board on clear guidance for frontline "
                   "staff. The CCGs will keep the health content of key policies in line with "
                   "research and NICE guidance; work on the unborn baby protocol has begun "
                   "and the bruising protocol has just been updated.",
              CSC: "Children's Services will make sure updated policies, procedures and "
                   "protocols match its own procedures and practice."}),
            ("Policies and procedures",
             "Link policies and procedures to the practice they govern (for example the "
             "Maternity and Children's Services Unborn Babies Safeguarding Protocol and the "
             "HSCB protocol for multi-agency child in need planning), so that assessments, "
             "plans and actions are updated, above all when a baby is born.",
             "Accepted. The child in need planning protocol will require a fresh assessment "
             "and plan after a birth.",
             {BOARD: "The multi-agency child in need planning protocol will say plainly that "
                     "assessments, plans and actions must be brought up to date after a baby "
                     "is born.",
              CCG: "Designated professionals will keep helping named professionals in provider "
                   "trusts to show frontline staff how policy links to outcomes, and will seek "
                   "assurance that assessments and plans are kept current, particularly at a "
                   "birth.",
              CSC: "Children's Services will help update the procedures and make sure "
                   "managers and staff revisit assessments after key events such as the birth "
                   "of a vulnerable baby."}),
            ("Information sharing",
             "Consider a strategy for raising practitioners' awareness, use of and compliance "
             "with policies, procedures and protocols, especially on:\n"
             "- managing and sharing information between people, organisations, teams and "
             "services\n"
             "- involving parents and carers (fathers and partners included) and children in "
             "meetings and in agreeing, and working to, shared plans.",
             "Accepted. Compliance tested through Section 11 and multi-agency audits; learning "
             "shared through forums, briefings, toolkits and training.",
             {BOARD: "The Quality Assurance subgroup will seek assurance that key policies are "
                     "current and followed. Section 11 audits test awareness and compliance "
                     "(2016/17), with face-to-face challenge added in 2017/18 and independent "
                     "checking of self-assessments planned for 2018/19. Learning goes out "
                     "through practitioner forums, Spotlight briefings, online toolkits "
                     "(neglect, unidentified adults), a refreshed training programme, "
                     "messages to school safeguarding leads and newsletters.",
              CCG: "The CCG safeguarding team will be helped to pick out the key policies for "
                   "health staff, primary care included, put them in handbooks and keep "
                   "raising awareness through training and briefings. The Health Learning "
                   "and Inquiry Working Group is spreading SCR learning.",
              CSC: "Children's Services will keep procedures short and easy to reach, and "
                   "staff are explicitly encouraged to use new approaches and resources to "
                   "engage families who are hard to reach."}),
            ("Health issues",
             "Consider developing, running and evaluating a local public campaign on "
             "preventing injuries to babies, severe head injury in particular, perhaps as "
             "part of wider advice on safe and positive parenting.",
             "Accepted. The Board has joined national work on preventing abusive head trauma; "
             "launch expected September 2018.",
             {BOARD: "The Board has joined a national group on preventing abusive head trauma, "
                     "built around coping with a crying baby; launch expected September 2018. "
                     "A task and finish group on unidentified adults in children's lives "
                     "produced an online toolkit supporting a Think Family approach.",
              CCG: "The CCG safeguarding team supports a public campaign on behalf of the NHS. "
                   "Its December 2016 GP conference has a speaker on non-accidental injury in "
                   "babies and will promote the bruising protocol.",
              CSC: "Children's Services welcomes the campaign and is passing its messages on "
                   "through its own channels and directly to the families it works with."}),
        )
        recs = []
        for number, (theme, text, summary, by_agency) in enumerate(recs_data, start=1):
            rec = self.recommendation(review, number, text, theme=theme,
                                      addressed_to="Hampshire SCB and partner agencies",
                                      response=summary, response_on=responded)
            for agency, answer in by_agency.items():
                rec.agency_responses.append(AgencyResponse(agency=self.agency(agency),
                                                           text=answer, response_on=responded))
            recs.append(rec)

        done = (
            (_Done("Task and finish group to check all Hampshire and 4LSCB policies are "
                   "current and identify the key ones.", BOARD, "HSCB Business Manager",
                   D(2016, 9, 30), "List of key policies agreed; policy briefing newsletter "
                                   "launched with the 4LSCB procedures group."), [0]),
            (_Done("Update the bruising protocol.", CCG, "Designated Nurse, CCGs",
                   D(2016, 8, 31), "Revised protocol published.",
                   impact="Bruising in non-mobile babies referred in line with the protocol in "
                          "the cases sampled."), [0, 3]),
            (_Done("Speaker on non-accidental injury in babies at the CCG GP conference, "
                   "promoting the bruising protocol.", CCG, "Designated Doctor, CCGs",
                   D(2016, 12, 8), "Conference programme and attendance."), [2, 3]),
            (_Done("Test awareness of and compliance with key policies in the 2016/17 and "
                   "2017/18 Section 11 audits.", BOARD, "Chair, Quality Assurance Subgroup",
                   D(2018, 3, 29), "Audit reports, including face-to-face challenge "
                                   "sessions."), [2]),
            (_Done("Publish an online toolkit on unidentified adults in children's lives.",
                   BOARD, "HSCB Business Manager", D(2017, 11, 30),
                   "Toolkit on the HSCB website."), [2, 3]),
        )
        for number, (item, rec_index) in enumerate(done, start=1):
            self.completed_action(item, [recs[i] for i in rec_index], theme=None,
                                  reference=f"CU-{number:02d}",
                                  sign_off=next(m for m in follow_ups
                                                if m.held_on > item.completed_on))
        to_do = (
            (_ToDo("State in the child in need planning protocol that assessments, plans and "
                   "actions are updated after a baby is born.", BOARD,
                   "HSCB Business Manager", D(2017, 3, 31), "Amber",
                   ((D(2017, 3, 14), "Draft wording agreed with children's services."),),
                   revised=(D(2017, 3, 14), D(2017, 9, 29),
                            "Held for the wider 4LSCB procedures update."),
                   then=_Then(D(2018, 10, 31), "Protocol reissued in the autumn 4LSCB "
                              "procedures release: a fresh assessment and plan are required "
                              "after a birth.",
                              revisions=((D(2018, 7, 16), D(2018, 10, 31),
                                          "The 4LSCB release moved to the autumn."),))), [1]),
            (_ToDo("Add a further check of agencies' self-assessments to the 2018/19 Section 11 "
                   "audit.", BOARD, "Chair, Quality Assurance Subgroup", D(2019, 3, 29),
                   "Green",
                   then=_Then(D(2019, 4, 26), "2018/19 Section 11 report: a sample of "
                              "each agency's self-assessment checked against its own records.",
                              impact="Two agencies lowered ratings the check did not bear out and "
                                     "put plans in place.")), [2]),
            (_ToDo("Launch the coping-with-crying campaign to prevent abusive head trauma.",
                   BOARD, "HSCB Business Manager", D(2018, 9, 28), "Amber",
                   ((D(2018, 6, 12), "Campaign materials with the national group for sign-off."),),
                   then=_Then(D(2018, 10, 22), "Campaign launched in maternity units and "
                              "by health visitors, with leaflets and a short film.",
                              impact="Most new parents asked in early 2019 remembered the "
                                     "coping-with-crying advice.",
                              revisions=((D(2018, 9, 17), D(2018, 10, 31),
                                          "Launch moved so maternity staff could be briefed "
                                          "first."),))),
             [3]),
        )
        for number, (item, rec_index) in enumerate(to_do, start=len(done) + 1):
            action = self.open_action(item, [recs[i] for i in rec_index], theme=None,
                                      reference=f"CU-{number:02d}")
            self.follow_up(action, item.then, follow_ups)

    def northamptonshire_2016_17(self) -> None:
        """Seed 004: referrals, decisions, reviews, meetings, de-briefs and briefings."""
        title = "SCR sub group, Northamptonshire SCB"
        for held_on in NSCB_MEETINGS:
            chair = NSCB_CHAIR_TO_DEC_2016 if held_on < D(2017, 1, 1) else NSCB_CHAIR_FROM_JAN_2017
            self.meeting(held_on, title, chair=chair,
                         notes="Briefing paper on the status of every review; composite "
                               "action plan and 6-step briefing dissemination checked.")
        outcome_words = {
            "scr": "Meets the SCR criteria.",
            "case_mapping": "Learning for several agencies; a case mapping exercise is "
                            "proportionate.",
            "single_agency": "Learning lies mainly with one agency; single agency review.",
            "thematic": "Common themes with other cases; thematic learning review with a "
                        "published report.",
        }
        for n in SEED_004:
            referral = self.referral(n.ref, date_referred=n.referred, summary=n.summary,
                                     location=n.location, gender=n.gender, age_text=n.age,
                                     category=n.category, agency=n.agency)
            # Meetings before 2016-17 are created here, without the chair seed 004 omits.
            self.decide(referral, n.decided, n.outcome, outcome_words[n.outcome],
                        by="SCR sub group", meeting=self.meeting(n.decided, title),
                        criteria_met=True if n.outcome == "scr" else None,
                        basis="Working Together 2015, chapter 4" if n.outcome == "scr" else None)
            review = self.review(
                n.ref, f"{n.ref} - {n.summary}", n.review_type, [referral], status=n.status,
                methodology=n.methodology, status_note=n.status_note,
                lead_reviewers=SOLE_AUTHOR if n.methodology == WELSH else None,
                decision_on=n.decided, initiated_on=n.initiated,
                learning_event_on=n.learning_event, completed_on=n.completed,
                published_on=n.published, briefing_issued_on=n.briefing,
                delay_reason=n.delay_reason, notes=n.notes,
                family_involvement=n.family_involvement)
            self._northants_learning(n, review)
        self._northants_training()

    def _northants_learning(self, n: _NRef, review: Review) -> None:
        if n.ref in NSCB_DEBRIEFS:
            midway, involved, wider = NSCB_DEBRIEFS[n.ref]
            self.learning_event("Practitioner learning event", f"{n.ref} practitioner "
                                "learning event", review=review, held_on=n.learning_event,
                                attendance=midway, facilitator="Independent author")
            self.learning_event("De-brief (practitioners involved)", f"{n.ref} de-brief for "
                                "practitioners involved", review=review,
                                held_on=n.published + dt.timedelta(days=21),
                                attendance=involved, facilitator="NSCB Project Officer")
            self.learning_event("Wider de-brief", f"{n.ref} wider de-brief (100 places)",
                                review=review, held_on=n.published + dt.timedelta(days=35),
                                attendance=wider, facilitator="NSCB Project Officer")
        elif n.learning_event:
            self.learning_event("Practitioner learning event", f"{n.ref} case mapping "
                                "workshop", review=review, held_on=n.learning_event,
                                attendance=14, facilitator="NSCB Project Officer")
        if n.briefing:
            briefing = self.learning_event(
                "6-step briefing", f"{n.ref} 6-step briefing", review=review,
                held_on=n.briefing, facilitator="NSCB Project Officer",
                notes="On the NSCB website and in the bi-monthly newsletter.")
            self.disseminate(briefing)

    def _northants_training(self) -> None:
        for held_on, attendance in ((D(2016, 6, 14), 28), (D(2016, 9, 13), 31),
                                    (D(2016, 11, 15), 26), (D(2017, 2, 7), 30)):
            self.learning_event("Training", "Learning from Serious Case Reviews (multi-agency)",
                                held_on=held_on, attendance=attendance,
                                facilitator="Barnardo's")
        self.learning_event("Training", "Learning from local SCRs: Healthwatch",
                            held_on=D(2016, 12, 6), attendance=12,
                            facilitator="NSCB Project Officer",
                            notes="Requested by the agency; very positive feedback.")
        for held_on, attendance in ((D(2017, 2, 9), 42), (D(2017, 2, 23), 38)):
            self.learning_event("Training", "Learning from local SCRs: health colleagues",
                                held_on=held_on, attendance=attendance,
                                facilitator="NSCB Project Officer",
                                notes="Two sessions, 80 professionals in all.")

    def southampton_scrutiny(self) -> None:
        """Seeds 000 and 001: thematic NAI review and SCR Clare, each with a panel report."""
        commissioned = D(2018, 3, 20)
        infants = [
            self.referral("SO-2018-01", subject="Infant 1", date_referred=D(2018, 2, 26),
                          date_aware=D(2018, 2, 23), notification_sent_on=D(2018, 2, 28),
                          summary="Death of an infant following non-accidental injury",
                          location="Southampton", gender="Male", age_text="3 mths",
                          category="Death", agency=POLICE),
            self.referral("SO-2018-02", subject="Infant 2", date_referred=D(2018, 1, 22),
                          date_aware=D(2018, 1, 19), notification_sent_on=D(2018, 1, 25),
                          summary="Serious non-accidental injury to an infant",
                          location="Southampton", gender="Female", age_text="10 wks",
                          category="Non-accidental injury", agency=HOSPITAL),
            self.referral("SO-2018-03", subject="Infant 3", date_referred=D(2017, 12, 4),
                          date_aware=D(2017, 12, 1), notification_sent_on=D(2017, 12, 7),
                          summary="Serious non-accidental injury to an infant",
                          location="Southampton", gender="Male", age_text="5 mths",
                          category="Non-accidental injury", agency=HOSPITAL),
        ]
        group = "Serious case review sub group, Southampton LSCB"
        meeting = self.meeting(commissioned, group)
        for infant in infants:
            self.decide(infant, commissioned, "scr",
                        "Criteria met. Similar ages, similar parental backgrounds and a short "
                        "span of time: considered together in one thematic review.",
                        by="Independent chair, LSCB", meeting=meeting, criteria_met=True,
                        basis=REG5)
        nai = self.review(
            "SCR-2018-01", "Thematic review: non-accidental injury to three infants", "scr",
            infants, status="Published", decision_on=commissioned,
            initiated_on=D(2018, 5, 14), completed_on=D(2021, 7, 30),
            published_on=D(2021, 11, 25), briefing_issued_on=D(2021, 11, 25),
            lead_reviewers="Independent author",
            summary="How well agencies worked together for three infants, two seriously "
                    "harmed and one who died. The National Panel judged the report a good "
                    "example of a high-quality review.",
            delay_reason="Ran well past six months; reasons are given in the overview report.")
        self.learning_event("6-step briefing", "NAI thematic review 6-step briefing",
                            review=nai, held_on=D(2021, 11, 25),
                            facilitator="Safeguarding Partnership Manager")
        self.s.add(PanelReport(
            review=nai, decision_maker="Children and Families Scrutiny Panel",
            subject="Thematic Serious Case Review: non-accidental injury",
            decision_on=D(2022, 1, 27),
            report_of="Independent Chair of the Southampton Safeguarding Children Partnership",
            contact_details="Independent Chair, Southampton Safeguarding Children Partnership\n"
                            "Author: Southampton Safeguarding Partnership Manager",
            brief_summary="Briefs the Panel on the thematic SCR into non-accidental injury, "
                          "its recommendations and progress so far.",
            recommendations_text="(i) The Panel notes the review report and the Partnership "
                                 "Response, and discusses progress on the endorsed "
                                 "recommendations with representatives of the statutory "
                                 "safeguarding partners.",
            reasons="The former LSCB commissioned this review in March 2018 to look at how "
                    "well agencies worked together for three infants. Its purpose is learning, "
                    "not blame. The partnership has accepted and endorsed the author's "
                    "recommendations; the Panel is asked to scrutinise their implementation.",
            alternative_options="Criteria met for Serious Case Review",
            detail="Report and Partnership Response published 25 November 2021. Two infants "
                   "were seriously harmed and one died; they were reviewed together because "
                   "of their similar ages, parental backgrounds and timing. The independent "
                   "chair decided on publication with the CCG, police and city council; the "
                   "DfE and National Panel were told first. Progress is monitored by the "
                   "Serious Incident and Learning Group, and the council's own actions also "
                   "through its Improvement Plan.",
            resource_implications="None at this stage",
            statutory_basis="Working Together to Safeguard Children 2015, and the 2018 "
                            "revision",
            appendices="SSCP Serious Case Review - Overview Report\nSSCP 6 Step Briefing\n"
                       "SSCP Partnership Response - Thematic Review - Non Accidental Injury"))

        clare = self.referral(
            "SO-2018-04", subject="Clare (not her real name)", date_referred=D(2018, 9, 3),
            date_aware=D(2018, 8, 31), notification_sent_on=D(2018, 9, 5),
            rapid_review_sent_on=D(2018, 9, 19),
            summary="Murder of a 13-year-old girl", location="Southampton", gender="Female",
            age_text="13 yrs", category="Death", agency=POLICE)
        sept = self.meeting(D(2018, 9, 18), group)
        self.decide(clare, D(2018, 9, 18), "scr", "Criteria met for a serious case review.",
                    by="Independent chair, LSCB", meeting=sept, criteria_met=True, basis=REG5)
        review = self.review(
            "SCR-2018-02", "Clare", "scr", [clare], status="Published",
            decision_on=D(2018, 9, 18), initiated_on=D(2018, 11, 5),
            completed_on=D(2020, 7, 31), published_on=D(2020, 11, 3),
            lead_reviewers="Independent author",
            summary="Published as the Clare Learning Report.",
            delay_reason="Parallel criminal proceedings: the perpetrator was convicted and "
                         "sentenced in 2019.",
            family_involvement="The decision to publish weighed the duty of care to the "
                               "family against sharing the learning, and was confirmed with "
                               "family members.")
        self.s.add(PanelReport(
            review=review, decision_maker="Children and Families Scrutiny Panel",
            subject="Serious Case Review - Clare", decision_on=D(2020, 12, 3),
            report_of="Independent Chair of the Southampton Safeguarding Children Partnership",
            contact_details="Independent Chair, Southampton Safeguarding Children Partnership\n"
                            "Author: Southampton Safeguarding Partnership Manager",
            brief_summary="Briefs the Panel on the Clare Learning Report, its recommendations "
                          "and progress so far.",
            recommendations_text="(i) The Panel notes the Learning Report and the Partnership "
                                 "Response, and discusses progress on the endorsed "
                                 "recommendations with representatives of the statutory "
                                 "safeguarding partners.",
            reasons="The former LSCB commissioned a serious case review of how well agencies "
                    "worked together to protect Clare. Its purpose is learning, not blame. The "
                    "partnership has accepted and endorsed the author's recommendations; the "
                    "Panel is asked to scrutinise their implementation.",
            alternative_options="Criteria met for Serious Case Review",
            detail="Learning Report and Partnership Response published 3 November 2020. Clare "
                   "was murdered aged 13; the perpetrator was convicted and sentenced in 2019. "
                   "The independent chair decided on publication with the statutory partners, "
                   "balancing the duty of care to the family with sharing the learning, and "
                   "the family agreed. The DfE and National Panel were told first. Progress is "
                   "monitored by the Serious Incident and Learning Group and the council's "
                   "Improvement Plan.",
            resource_implications="None at this stage",
            statutory_basis="Working Together to Safeguard Children 2015, and the 2018 "
                            "revision",
            appendices="SSCP Clare Learning Report\nSSCP Partnership Response"))

    # --- current work, dated from today ---------------------------------------------------

    def current_work(self) -> None:
        """Invented live cases so a new user sees clocks running and actions to chase."""
        today = self.today
        group = "Case review sub group"
        chair = "Head of Safeguarding, CCG (chair)"
        last_meeting = self.meeting(
            _next_weekday(today - dt.timedelta(days=28), 1), group, chair=chair,
            notes="Progress on the Child R LCSPR; composite action plan reviewed; one action "
                  "signed off.")
        next_meeting = self.meeting(
            _next_weekday(today + dt.timedelta(days=7), 1), group, chair=chair,
            notes="Agenda: decision on the Child T referral; draft Child S rapid review; "
                  "overdue actions from the Child Q LCSPR.")

        # Child Q: an LCSPR published a few months ago, with its action plan under way.
        aware_q = today - dt.timedelta(days=420)
        child_q = self.referral(
            f"CR-{aware_q.year}-03", subject="Child Q", date_aware=aware_q,
            date_referred=add_working_days(aware_q, 1),
            notification_sent_on=add_working_days(aware_q, 3),
            rapid_review_sent_on=add_working_days(aware_q, 13),
            summary="Baby admitted with a skull fracture after discharge home from the "
                    "neonatal unit", location="Southampton", gender="Female", age_text="8 wks",
            category="Non-accidental injury", agency=HOSPITAL)
        self.decide(child_q, add_working_days(aware_q, 1), "rapid", "Serious incident "
                    "notified; rapid review to be held.", by="Statutory safeguarding partners")
        lcspr_q_on = add_working_days(aware_q, 14)
        self.decide(child_q, lcspr_q_on, "lcspr", "The rapid review found learning about "
                    "discharge planning and information sharing that a local review could "
                    "bring out.", by="Statutory safeguarding partners", criteria_met=True,
                    basis=WT2023)
        self.review(f"RR-{aware_q.year}-03", "Child Q rapid review", "rapid", [child_q],
                    status="Completed", decision_on=add_working_days(aware_q, 1),
                    initiated_on=add_working_days(aware_q, 1),
                    completed_on=add_working_days(aware_q, 13),
                    notes="Converted into an LCSPR.")
        lcspr_q = self.review(
            f"LCSPR-{lcspr_q_on.year}-02", "Child Q", "lcspr", [child_q], status="Published",
            methodology="Systems-based", lead_reviewers="Independent reviewer (commissioned)",
            decision_on=lcspr_q_on, initiated_on=lcspr_q_on + dt.timedelta(days=21),
            learning_event_on=lcspr_q_on + dt.timedelta(days=90),
            completed_on=today - dt.timedelta(days=150),
            published_on=today - dt.timedelta(days=120),
            briefing_issued_on=today - dt.timedelta(days=118),
            family_involvement="Both parents met the reviewer.")
        briefing = self.learning_event("7-minute briefing", "Child Q 7-minute briefing",
                                       review=lcspr_q, held_on=today - dt.timedelta(days=118),
                                       facilitator="Partnership Business Manager")
        self.disseminate(briefing)
        responded = today - dt.timedelta(days=120)
        recs = [
            self.recommendation(
                lcspr_q, 1, "Partners should make sure the health visiting team and the GP "
                "hear within one working day when a baby on a child in need or child "
                "protection plan goes home from hospital.", theme="Information sharing",
                addressed_to="Acute Hospital Trust; CCG; Community Health Trust",
                response="Accepted. Electronic discharge notices are being built and GP "
                         "practices will be audited.", response_on=responded),
            self.recommendation(
                lcspr_q, 2, "The partnership should relaunch its escalation procedure and audit "
                "whether practitioners use it.", theme="Escalation of concerns",
                addressed_to="Safeguarding Partnership", response="Accepted.",
                response_on=responded),
            self.recommendation(
                lcspr_q, 3, "Children's and adult services should agree how every adult living "
                "in or often visiting a baby's home is identified, checked and recorded at "
                "assessment.", theme="Thinking family",
                addressed_to="Children's Services; Adult Services; Police",
                response="Accepted. Assessment guidance to be revised jointly.",
                response_on=responded),
        ]

        def days(n: int) -> dt.date:
            return today + dt.timedelta(days=n)

        self.open_action(_ToDo(
            "Send an electronic discharge notice to the health visiting team and GP for every "
            "baby on a plan.", HOSPITAL, "Named Nurse, Safeguarding Children", days(-60),
            "Amber", ((days(-90), "Specification agreed with the system supplier."),
                      (days(-62), "Supplier needs a second test cycle."),
                      (days(-14), "Second test passed; go-live booked.")),
            revised=(days(-62), days(12), "The system supplier needed a second test cycle.")),
            [recs[0]], theme="Information sharing", reference="CQ-01",
            evidence_required="Go-live confirmation and a month's notice log.")
        self.open_action(_ToDo(
            "Audit a sample of GP records to check discharge notices for babies on plans are "
            "received and acted on within a working day.", CCG, "Designated Nurse, CCG",
            days(-9), "Red", ((days(-40), "Sample of 12 practices chosen."),
                              (days(-12), "Half of the practices have returned records."))),
            [recs[0]], theme="Information sharing", reference="CQ-02",
            evidence_required="Audit report to the sub group.")
        self.completed_action(_Done(
            "Relaunch the escalation procedure with a 7-minute briefing and a practitioner "
            "lunchtime session.", BOARD, "Partnership Business Manager", days(-50),
            "Briefing sent to all partners; session recording on the partnership website.",
            impact="Escalations logged by the partnership rose in the quarter after the "
                   "relaunch."), [recs[1]], theme="Escalation of concerns", reference="CQ-03",
            sign_off=last_meeting)
        self.open_action(_ToDo(
            "Audit escalations raised in the six months after the relaunch and report whether "
            "they were resolved.", BOARD, "Chair, Quality Assurance Sub-Group", days(25),
            "Green", started=False), [recs[1]], theme="Escalation of concerns",
            reference="CQ-04", evidence_required="Audit report.")
        self.open_action(_ToDo(
            "Revise assessment guidance so every adult in or often visiting the household is "
            "identified, checked and recorded.", CSC, "Head of Service, Assessment", days(-18),
            "Red", ((days(-45), "First draft shared with adult services."),)),
            [recs[2]], theme="Thinking family", reference="CQ-05",
            evidence_required="Published guidance and a dip sample of assessments.")
        self.open_action(_ToDo(
            "Pass domestic abuse notifications for households with a baby to health visiting "
            "through the MASH within one working day.", POLICE, "Detective Inspector, MASH",
            days(5), "Amber", ((days(-16), "Process agreed; data-sharing sign-off awaited."),)),
            [recs[0], recs[2]], theme="Information sharing", reference="CQ-06",
            evidence_required="Process note and a month's figures.")
        self.open_action(_ToDo(
            "Add a prompt about children in the household to adult mental health and learning "
            "disability assessments.", ADULTS, "Head of Adult Safeguarding", days(40), "Green",
            started=False), [recs[2]], theme="Thinking family", reference="CQ-07")

        # The one 2014 action still open: the neglect toolkit, paused in 2020, picked up
        # again when the sub group went through its long-standing actions, and now a little
        # overdue while the relaunch waits for sign-off.
        toolkit = self._actions["SO14-18"]
        for update_on, text in (
                (days(-420), "Restarted after the sub group reviewed its long-standing "
                             "actions; new timetable agreed."),
                (days(-130), "Draft tested in a multi-agency neglect audit; schools asked "
                             "for a shorter version."),
                (days(-30), "Final draft approved by the sub group; launch waits for the "
                            "partnership executive's sign-off.")):
            toolkit.updates.append(ProgressUpdate(update_on=update_on, text=text,
                                                  rag="Amber", author=toolkit.lead_officer))
        self.revise(toolkit, days(-420), days(-120), "Restarted with a new timetable.")
        self.revise(toolkit, days(-130), days(-12), "Time to write a short version for "
                                                    "schools.")
        toolkit.evidence_required = "The published toolkit and its launch briefing."

        # Child P: an LCSPR past its six months, held back for a criminal trial (seed 004:
        # the delay and its reason are data to keep and report, not an error).
        aware_p = today - dt.timedelta(days=290)
        child_p = self.referral(
            f"CR-{aware_p.year}-04",
            subject="Child P", date_aware=aware_p, date_referred=add_working_days(aware_p, 1),
            notification_sent_on=add_working_days(aware_p, 3),
            rapid_review_sent_on=add_working_days(aware_p, 14),
            summary="Baby with a head injury; a parent charged with causing grievous bodily harm",
            location="Southampton", gender="Female", age_text="3 mths",
            category="Non-accidental injury", agency=POLICE)
        self.decide(child_p, add_working_days(aware_p, 1), "rapid", "Serious incident "
                    "notified; rapid review to be held.", by="Statutory safeguarding partners")
        lcspr_p_on = add_working_days(aware_p, 15)
        self.decide(child_p, lcspr_p_on, "lcspr", "The rapid review found learning about how "
                    "bruising in a non-mobile baby was followed up by three agencies.",
                    by="Statutory safeguarding partners", criteria_met=True, basis=WT2023)
        self.review(
            f"LCSPR-{lcspr_p_on.year}-03", "Child P", "lcspr", [child_p],
            status="On hold (parallel proceedings)", methodology="Systems-based",
            lead_reviewers="Independent reviewer (commissioned)", decision_on=lcspr_p_on,
            initiated_on=lcspr_p_on + dt.timedelta(days=20),
            status_note="Practitioner conversations paused at the police's request until the "
                        "trial; the draft waits for the verdict.",
            delay_reason="Parallel criminal proceedings: the trial is listed for next spring.")

        # Child R: an LCSPR underway, practitioner learning event coming up.
        aware_r = today - dt.timedelta(days=150)
        child_r = self.referral(
            f"CR-{aware_r.year}-01", subject="Child R", date_aware=aware_r,
            date_referred=add_working_days(aware_r, 1),
            notification_sent_on=add_working_days(aware_r, 2),
            rapid_review_sent_on=add_working_days(aware_r, 12),
            summary="Toddler admitted to hospital malnourished and with untreated injuries",
            location="Southampton", gender="Male", age_text="2 yrs", category="Neglect",
            agency=HOSPITAL)
        self.decide(child_r, add_working_days(aware_r, 1), "rapid", "Serious incident "
                    "notified; rapid review to be held.", by="Statutory safeguarding partners")
        lcspr_r_on = add_working_days(aware_r, 14)
        self.decide(child_r, lcspr_r_on, "lcspr", "Several agencies were involved and the "
                    "rapid review left questions about how neglect was recognised.",
                    by="Statutory safeguarding partners", criteria_met=True, basis=WT2023)
        lcspr_r = self.review(
            f"LCSPR-{lcspr_r_on.year}-01", "Child R", "lcspr", [child_r], status="Underway",
            methodology="Systems-based", lead_reviewers="Independent reviewer (commissioned)",
            decision_on=lcspr_r_on, initiated_on=lcspr_r_on + dt.timedelta(days=15),
            learning_event_on=days(16),
            status_note="Agency chronologies in; practitioner learning event booked.",
            family_involvement="Mother has met the reviewer; father invited.")
        last_meeting.referrals_considered.append(child_r)
        self.learning_event("Practitioner learning event", "Child R practitioner learning "
                            "event", review=lcspr_r, held_on=days(16),
                            facilitator="Independent reviewer")

        # Child S: a rapid review due with the National Panel within ten working days.
        aware_s = add_working_days(today, -6)
        child_s = self.referral(
            f"CR-{aware_s.year}-02", subject="Child S", date_aware=aware_s, date_referred=aware_s,
            notification_sent_on=add_working_days(aware_s, 2),
            summary="Stab wound to a teenager known to youth justice", location="Southampton",
            gender="Male", age_text="15 yrs", category="Serious youth violence", agency=POLICE)
        self.decide(child_s, add_working_days(aware_s, 1), "rapid", "Serious incident "
                    "notified; rapid review to be held.", by="Statutory safeguarding partners")
        self.review(f"RR-{aware_s.year}-02", "Child S rapid review", "rapid", [child_s],
                    status="Underway", decision_on=add_working_days(aware_s, 1),
                    initiated_on=add_working_days(aware_s, 1),
                    status_note="Agency returns requested; rapid review meeting booked.")
        next_meeting.referrals_considered.append(child_s)

        # Child T: just reported; the notification has not been sent yet.
        aware_t = add_working_days(today, -2)
        child_t = self.referral(
            f"CR-{aware_t.year}-03", subject="Child T", date_aware=aware_t,
            date_referred=add_working_days(aware_t, 1),
            summary="Unexplained fractures in a baby", location="Southampton",
            gender="Female", age_text="7 mths", category="Non-accidental injury", agency=CSC,
            notes="Notification to the National Panel being drafted.")
        next_meeting.referrals_considered.append(child_t)


def _summary(session: Session, today: dt.date) -> DemoSummary:
    def count(model, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    open_ids = select(ListItem.id).where(ListItem.kind == ListKind.ACTION_STATUS,
                                         ListItem.is_open.is_(True))

    def status(code: str):
        return select(ListItem.id).where(ListItem.kind == ListKind.ACTION_STATUS,
                                         ListItem.code == code)

    overdue = (Action.status_id.in_(open_ids), Action.target_on < today)
    oldest_target = session.scalar(select(func.min(Action.target_on)).where(*overdue))
    return DemoSummary(
        referrals=count(Referral),
        decisions=count(Decision),
        reviews=count(Review),
        recommendations=count(Recommendation),
        agency_responses=count(AgencyResponse),
        actions_open=count(Action, Action.status_id.in_(open_ids)),
        actions_complete=count(Action, Action.status_id.in_(status("complete"))),
        actions_closed=count(Action, Action.status_id.in_(status("closed"))),
        actions_overdue=count(Action, *overdue),
        oldest_overdue_days=(today - oldest_target).days if oldest_target else None,
        actions_signed_off=count(Action, Action.signed_off_meeting_id.is_not(None)),
        meetings=count(Meeting),
        learning_events=count(LearningEvent),
        disseminations=count(Dissemination),
        panel_reports=count(PanelReport),
    )


def write_demo(session: Session, today: dt.date | None = None) -> DemoSummary:
    """Fill a new database with the demo office and return how much was written.

    ``today`` dates the live part (clocks running, actions overdue and due soon); it
    defaults to the current date. The caller owns the unit of work. Raises ``UserError``
    if the database already holds referrals or reviews, so real work is never mixed with
    demo data.
    """
    if (session.scalar(select(Referral.id).limit(1)) is not None
            or session.scalar(select(Review.id).limit(1)) is not None):
        raise UserError("This database already holds referrals or reviews. The demo office "
                        "can only be written into a new, empty database.")
    today = today or dt.date.today()
    writer = _DemoWriter(session, today)
    writer.southampton_2014()
    writer.hampshire_child_u()
    writer.northamptonshire_2016_17()
    writer.southampton_scrutiny()
    writer.current_work()
    session.flush()
    return _summary(session, today)
