"""The values a new database starts with: editable lists, clocks and settings.

Taken from the vocabulary of the seed documents and DOMAIN.md; every one is data the
office can change afterwards.
"""

from __future__ import annotations

import datetime as dt


WT2015 = dt.date(2015, 3, 26)  # Working Together 2015 published
WT2018 = dt.date(2018, 6, 29)  # Working Together 2018 in force

# code, name, length, unit, start event, done event, applies from, applies until, source
CLOCKS = [
    ("notification", "Serious incident notification to Ofsted / National Panel", 5,
     "working_days", "referral.date_aware", "referral.notification_sent_on", WT2015, None,
     "Working Together 2015, 2018, 2023"),
    ("rapid_review", "Rapid review sent to the National Panel", 15,
     "working_days", "referral.date_aware", "referral.rapid_review_sent_on", WT2018, None,
     "Working Together 2018, 2023"),
    ("panel_told_no_scr", "National Panel told of a decision not to hold an SCR", 14,
     "days", "decision.decided_on", "referral.panel_told_of_decision_on", WT2015,
     WT2018 - dt.timedelta(days=1), "Working Together 2015"),
    ("scr_complete", "Serious case review completed", 6,
     "months", "review.initiated_on", "review.completed_on", None, None, "Working Together 2015"),
    ("lcspr_published", "LCSPR published", 6,
     "months", "review.decision_on", "review.published_on", WT2018, None, "Working Together 2018"),
    ("report_kept_online", "Published report kept on the website (at least)", 12,
     "months", "review.published_on", None, None, None, "Working Together 2013-2018"),
]

# review types: code, name, clock code that sets the target date
REVIEW_TYPES = [
    ("scr", "Serious Case Review", "scr_complete"),
    ("lcspr", "Local Child Safeguarding Practice Review", "lcspr_published"),
    ("rapid", "Rapid Review", "rapid_review"),
    ("case_mapping", "Case Mapping Exercise", None),
    ("thematic", "Thematic Learning Review", None),
    ("single_agency", "Single Agency Review", None),
    ("multi_agency", "Multi-agency review (below SCR level)", None),
    ("sar", "Safeguarding Adults Review", None),
    ("dhr", "Domestic Homicide Review", None),
]

# decision outcomes: code, name, review type code the outcome commissions
DECISION_OUTCOMES = [
    ("nfa", "No further action", None),
    ("single_agency", "Single Agency Review", "single_agency"),
    ("case_mapping", "Case Mapping Exercise", "case_mapping"),
    ("thematic", "Thematic Learning Review", "thematic"),
    ("scr", "Serious Case Review", "scr"),
    ("multi_agency", "Multi-agency review below the level of an SCR", "multi_agency"),
    ("rapid", "Rapid Review", "rapid"),
    ("lcspr", "Local Child Safeguarding Practice Review", "lcspr"),
    ("national_panel", "Referred to the National Panel", None),
    ("deferred_pm", "Deferred pending post-mortem", None),
    ("deferred_criminal", "Deferred pending criminal proceedings", None),
    ("deferred_fof", "Deferred pending finding of fact in care proceedings", None),
    ("more_info", "Deferred for more information", None),
]

METHODOLOGIES = [
    "Traditional (individual management reviews)",
    "Systems-based",
    "Welsh model (Child Practice Review)",
    "Case mapping workshop",
    "Appreciative inquiry",
]

# review statuses: code, name, still open?
REVIEW_STATUSES = [
    ("agreed", "Agreed", True),
    ("initiated", "Initiated", True),
    ("underway", "Underway", True),
    ("on_hold", "On hold (parallel proceedings)", True),
    ("completed", "Completed", False),
    ("published", "Published", False),
    ("closed", "Closed", False),
]

# action statuses: code, name, still open?
ACTION_STATUSES = [
    ("not_started", "Not started", True),
    ("in_progress", "In progress", True),
    ("complete", "Complete", False),
    ("closed", "Closed", False),
]

# closure reasons: code (see app.rules), name
CLOSURE_REASONS = [
    ("implemented", "Implemented and verified"),
    ("risk_accepted", "Closed, risk accepted"),
    ("superseded", "Superseded"),
    ("not_implemented", "Not implemented"),
    ("no_longer_applicable", "No longer applicable"),
    ("merged", "Merged with another action"),
]

REFERRAL_CATEGORIES = [
    "Non-accidental injury",
    "Neglect",
    "Child sexual exploitation",
    "Death",
    "Sexual abuse",
    "Domestic abuse",
    "Serious youth violence",
    "Other",
]

RESPONSE_STATUSES = ["Accepted", "Endorsed", "Partially accepted", "Not accepted", "Awaiting response"]

LEARNING_EVENT_TYPES = [
    "Practitioner learning event",
    "De-brief (practitioners involved)",
    "Wider de-brief",
    "Training",
    "6-step briefing",
    "7-minute briefing",
    "Newsletter",
]

# The seed 002 themes, then a few others offices commonly use.
THEMES = [
    "Using child protection procedures effectively",
    "Neglect",
    "Escalation of concerns",
    "Staffing and supervision",
    "Thinking family",
    "Health issues",
    "Diversity",
    "Elective home education",
    "Rapid response to child death",
    "Liaison with other areas",
    "Involvement in the SCR process",
    "Policies and procedures",
    "Information sharing",
]

# name, short name, sector, other spellings
AGENCIES = [
    ("Police", "Police", "police", ["Constabulary", "Hampshire Constabulary"]),
    ("Children's Services", "CSC", "local authority",
     ["Childrens Services", "Children's Social Care", "SCC Children's Services",
      "Children and Families Services"]),
    ("Education", "Education", "education", ["Schools", "Education Services"]),
    ("Clinical Commissioning Group", "CCG", "health", ["CCG", "Clinical Commissioning Groups"]),
    ("Acute Hospital Trust", "Hospital", "health", ["Hospital", "University Hospital"]),
    ("Community Health Trust", "Community Health", "health", ["Community Health"]),
    ("Adult Services", "Adults", "local authority", ["Adult Social Care"]),
    ("Probation", "Probation", "probation", []),
    ("Housing", "Housing", "housing", []),
    ("Safeguarding Partnership", "Partnership", "partnership",
     ["LSCB", "Safeguarding Children Board", "The Board"]),
    ("Safeguarding Adults Board", "SAB", "partnership", ["Adults Safeguarding Board", "Adult Safeguarding Board"]),
    ("Multi-Agency Safeguarding Hub", "MASH", "partnership", ["Multi Agency Safeguarding Hub"]),
    ("MARAC", "MARAC", "partnership",
     ["Multi-Agency Risk Assessment Conference", "Multi Agency Risk Assessment Conference"]),
]

# The office's own words (``app.word_aliases``): each list's entries, "WORD = what it means"
# ("or" between the meanings of a word that has several, which an import always asks about).
WORDS = {
    "alias:review_type": [
        "SCR = Serious Case Review", "Serious Case = Serious Case Review",
        "Serious Case Reveiw = Serious Case Review", "Serous Case Review = Serious Case Review",
        "LCSPR = Local Child Safeguarding Practice Review", "CSPR = Local Child Safeguarding Practice Review",
        "Practice Review = Local Child Safeguarding Practice Review",
        "Local Safeguarding Practice Review = Local Child Safeguarding Practice Review",
        "RR = Rapid Review", "Rapid Reveiw = Rapid Review",
        "CME = Case Mapping Exercise", "Case Mapping = Case Mapping Exercise",
        "Thematic = Thematic Learning Review", "Thematic Review = Thematic Learning Review",
        "Single Agency = Single Agency Review",
        "SAR = Single Agency Review or Safeguarding Adults Review",
        "Safeguarding Adult Review = Safeguarding Adults Review",
        "Safeguarding Adults = Safeguarding Adults Review",
        "DHR = Domestic Homicide Review", "Domestic Homicide = Domestic Homicide Review",
        "Below SCR = Multi-agency review (below SCR level)",
        "Multi-agency Review = Multi-agency review (below SCR level)",
        "Multi Agency Review = Multi-agency review (below SCR level)",
    ],
    "alias:action_status": [
        "Not yet started = Not started", "To start = Not started", "Not begun = Not started",
        "Ongoing = In progress", "On going = In progress", "On-going = In progress", "Underway = In progress",
        "Under way = In progress", "Started = In progress", "On track = In progress", "Open = In progress",
        "WIP = In progress", "Work in progress = In progress", "Inprogress = In progress",
        "In-progress = In progress", "Incomplete = In progress", "Not complete = In progress",
        "Not completed = In progress", "Partially complete = In progress", "Part complete = In progress",
        "Completed = Complete", "Compleated = Complete", "Complet = Complete", "Comleted = Complete",
        "Done = Complete", "Achieved = Complete", "Implemented = Complete", "Finished = Complete",
        "Superseded = Closed", "Withdrawn = Closed", "No longer required = Closed",
    ],
    "alias:rag": [
        "R = Red", "A = Amber", "G = Green", "B = Blue", "C = Blue",
        "Orange = Amber", "Yellow = Amber", "Complete = Blue", "Completed = Blue",
        "Off track = Red", "On track = Green",
    ],
    "alias:decision_outcome": [
        "NFA = No further action", "Not met = No further action", "Criteria not met = No further action",
        "Does not meet = No further action", "Not meet = No further action", "No review = No further action",
        "Not agreed = No further action",
        "SCR = Serious Case Review", "Serious Case = Serious Case Review",
        "LCSPR = Local Child Safeguarding Practice Review", "CSPR = Local Child Safeguarding Practice Review",
        "Practice Review = Local Child Safeguarding Practice Review",
        "RR = Rapid Review", "CME = Case Mapping Exercise", "Case Mapping = Case Mapping Exercise",
        "Thematic = Thematic Learning Review", "Single Agency = Single Agency Review",
        "SAR = Single Agency Review or Safeguarding Adults Review",
        "Below the level = Multi-agency review below the level of an SCR",
        "Below SCR = Multi-agency review below the level of an SCR",
        "Below an SCR = Multi-agency review below the level of an SCR",
        "Multi-agency review = Multi-agency review below the level of an SCR",
        "Multi agency review = Multi-agency review below the level of an SCR",
        "Post-mortem = Deferred pending post-mortem", "Post mortem = Deferred pending post-mortem",
        "Criminal proceedings = Deferred pending criminal proceedings",
        "Criminal investigation = Deferred pending criminal proceedings",
        "Police investigation = Deferred pending criminal proceedings",
        "Pending trial = Deferred pending criminal proceedings",
        "Awaiting trial = Deferred pending criminal proceedings",
        "Finding of fact = Deferred pending finding of fact in care proceedings",
        "Finding-of-fact = Deferred pending finding of fact in care proceedings",
        "National Panel = Referred to the National Panel",
        "More information = Deferred for more information", "Further information = Deferred for more information",
        "Deferred = Deferred for more information", "Defer = Deferred for more information",
        "Pending = Deferred for more information",
    ],
    "alias:referral_category": [
        "NAI = Non-accidental injury", "Non accidental injury = Non-accidental injury",
        "CSE = Child sexual exploitation", "CSA = Sexual abuse", "Child sexual abuse = Sexual abuse",
        "DA = Domestic abuse", "DV = Domestic abuse", "Domestic violence = Domestic abuse",
        "SYV = Serious youth violence",
    ],
}

SETTINGS = {
    "partnership_name": "Safeguarding Children Partnership",
    "protective_marking": "OFFICIAL-SENSITIVE",
    "date_format": "dd/MM/yyyy",
    "logo_path": "",
}
