"""Workbooks like the ones offices keep by hand, with every oddity the importer must survive.

``build_action_plan`` and ``build_referral_register`` write messy but realistic trackers;
the ``EXPECTED_*`` constants say what importing them must give. The other builders make
files the importer must refuse.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

NBSP = "\u00a0"
LONG_PROGRESS = ("Weekly audit notes. " * 1600).strip() + "!"  # 32,000 characters
EMOJI_RTL = "Done \u2705 \u2014 \u0645\u0631\u0627\u062c\u0639\u0629 \u0627\u0644\u062d\u0627\u0644\u0629 \U0001F467"
FORMULA_LIKE = "=Training delivered to 40 staff"


def _fill(hex_rgb: str) -> PatternFill:
    return PatternFill("solid", fgColor=hex_rgb)


def _text_cell(ws, coordinate: str, text: str) -> None:
    """A cell holding text that looks like a formula (=, +, -, @): stored as text."""
    ws[coordinate] = text
    ws[coordinate].data_type = "s"


def _set_cached_formula(path: Path, sheet_xml: str, coordinate: str, formula: str,
                        cached: str) -> None:
    """Give a formula cell a cached text value, as Excel does when it saves a workbook
    (openpyxl itself never writes cached values)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet_xml:
                xml = data.decode("utf-8")
                cell = (f'<c r="{coordinate}" t="str"><f>{formula}</f>'
                        f'<v>{cached}</v></c>')
                xml, count = re.subn(rf'<c r="{coordinate}"[^>]*>.*?</c>', cell, xml, count=1)
                assert count == 1, f"no formula cell {coordinate} in {sheet_xml}"
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    shutil.move(tmp, path)


# --- the action plan ------------------------------------------------------------------------

ACTION_HEADERS = ["Source Review", "Theme", "Rec No.", "Recommendation", "LSCB Response",
                  "Action(s) to be taken", "Lead Agency", "Lead Officer",
                  "Target Date (dd/mm/yy)", "RAG", "Progress Update", "Date Completed"]

# What a fresh database holds after importing build_action_plan().
EXPECTED_PLAN = {
    "reviews": 3,          # Child L (SCR), Family A, Child I and Child M
    "new_themes": 1,       # Travelling communities (Neglect, Escalation of concerns exist)
    "recommendations": 12,  # Child L 1-2; Family A 4, 5, 9-12, 21, 22; Child I and M 3, 7
    "actions": 10,         # row 17 repeats row 16
    "links": 16,
    "progress_notes": 9,   # 8 written, and 'Amber/Green' (J16) kept beside its action
}


def build_action_plan(path: Path) -> Path:
    """A composite action plan tracker as an office keeps it (see the comments per row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws["A1"] = "Southampton LSCB \u2013 Composite SCR Action Plan"
    ws.merge_cells("A1:L1")
    ws["A2"] = "Updated:"
    ws["B2"] = "14/03/2017"
    # row 3: spacer; row 4: the header
    for column, header in enumerate(ACTION_HEADERS, start=1):
        ws.cell(4, column, header)
    # row 5: spacer

    # Child L: review and theme merged over three action rows; rec 2 merged over two.
    ws["A7"] = "Child L (SCR)"
    ws.merge_cells("A7:A9")
    ws["B7"] = "Neglect"
    ws.merge_cells("B7:B9")
    ws["C7"] = 1
    ws["D7"] = "Review the use of the neglect toolkit across agencies."
    ws["E7"] = "Accepted. The Board will audit use of the toolkit."
    ws["F7"] = "Audit neglect toolkit use"
    ws["G7"] = "Children's Services"
    ws["H7"] = "Head of Safeguarding"
    ws["I7"] = dt.datetime(2015, 3, 31)
    ws["J7"] = "G"
    ws["K7"] = "Audit completed in February."
    ws["L7"] = dt.datetime(2015, 2, 27)

    ws["C8"] = "2"
    ws.merge_cells("C8:C9")
    ws["D8"] = "Ensure practitioners are trained to recognise neglect."
    ws.merge_cells("D8:D9")
    ws["E8"] = "Endorsed."
    ws.merge_cells("E8:E9")
    ws["F8"] = "Train staff on neglect"
    ws["G8"] = f"Childrens{NBSP}Services "
    ws["H8"] = "Training Manager"
    ws["I8"] = "02.04.17"
    ws["J8"].fill = _fill("FFC000")  # amber by colour only
    ws["K8"] = "Two courses booked."

    ws["F9"] = "Refresh neglect strategy"
    ws["G9"] = "children\u2019s  services"
    ws["I9"] = "5 th February 2017"
    ws["J9"] = "r"

    # Family A: recommendation number lists, a new theme, month and quarter targets.
    ws["A10"] = "Family A"
    ws.merge_cells("A10:A12")
    ws["B10"] = "Travelling communities"
    ws.merge_cells("B10:B12")
    ws["C10"] = "9-12"
    ws["D10"] = "Recommendations about elective home education."
    ws["F10"] = "Write EHE protocol"
    ws["G10"] = "Childrens Servics"  # a typo: proposed, not confirmed
    ws["I10"] = "Sept 2014"
    ws["J10"] = "Amber"
    ws["K10"] = "Draft protocol out for consultation."

    ws["C11"] = "21 & 22"
    ws["F11"] = "Train EHE officers"
    ws["G11"] = f"Education{NBSP}"
    ws["I11"] = "Q3 2014/15"
    ws["J11"].fill = _fill("00B050")  # green by colour only
    _text_cell(ws, "K11", FORMULA_LIKE)

    ws["C12"] = "Rec 4 and 5"
    _text_cell(ws, "F12", "+44 helpline publicised")
    ws["G12"] = "Police"
    ws["H12"] = "=H7"  # a formula: its cached value is set below
    ws["I12"] = "Ongoing"
    ws["J12"] = "Blue"
    _text_cell(ws, "K12", "@comms team: poster campaign running")
    # row 13: spacer

    ws["A14"] = "Theme 3: Escalation of concerns"  # a heading row across the table
    ws.merge_cells("A14:L14")

    # Several reviews in one cell: linked to the numbers where each review has them.
    ws["A15"] = "Child I and Child M / Family A"
    ws["C15"] = "4, 9"
    ws["F15"] = "Escalation policy relaunched"
    ws["G15"] = "SCC Children's Services"
    ws["I15"] = "TBC"
    ws["J15"] = "g"
    ws["K15"] = EMOJI_RTL

    for row in (16, 17):  # row 17 duplicates row 16
        ws[f"A{row}"] = "Child I and Child M"
        ws[f"C{row}"] = 3
        ws[f"D{row}"] = "Audit how concerns are escalated between agencies."
        ws[f"F{row}"] = "Escalation audit"
        ws[f"G{row}"] = "CSC"
        ws[f"I{row}"] = "31/02/2015"
        ws[f"J{row}"] = "Amber/Green"

    ws["C18"] = 7
    ws["D18"] = "Run multi-agency training on escalation."
    ws["F18"] = "Multi-agency escalation training"
    ws["G18"] = "Polise"
    ws["I18"] = "03/31/2015"
    ws["J18"].fill = PatternFill("solid", fgColor=Color(theme=5))  # a theme colour: unreadable
    ws["K18"] = "Dates being set."

    ws["F19"] = "Record every escalation on the log"  # still under rec 7 of the row above
    ws["G19"] = "Hospital"
    ws["I19"] = "31/03/2015"
    ws["J19"] = "R"
    ws["K19"] = LONG_PROGRESS
    # row 20: spacer; rows 21-22: the legend
    ws["A21"] = "Key:"
    ws["B21"] = "R = off track"
    ws["C21"] = "A = some slippage"
    ws["D21"] = "G = on track"
    for column, (word, colour) in enumerate(
            [("Red", "FF0000"), ("Amber", "FFC000"), ("Green", "00B050"), ("Blue", "0070C0")],
            start=2):
        ws.cell(22, column, word).fill = _fill(colour)

    legend = wb.create_sheet("Notes")
    legend["A1"] = "This tracker is reviewed bi-weekly by the sub group."
    wb.save(path)
    _set_cached_formula(path, "xl/worksheets/sheet1.xml", "H12", "H7", "Head of Safeguarding")
    return path


# --- the referral register ------------------------------------------------------------------

REGISTER_HEADERS = ["Ref", "Date Referred", "Referring Agency", "Summary", "Location",
                    "Gender", "Age", "Decision", "Date of Decision", "Status"]

EXPECTED_REGISTER = {"referrals": 9, "decisions": 10}  # row 14 has no Ref: kept all the same
SQUEEZED_HISTORY = ("12/05/2016 Deferred pending post-mortem;\n"
                    "14/07/2016 Case mapping exercise agreed")
RTL_SUMMARY = "Sibling witnesses of domestic violence \U0001F467\U0001F466 \u2014 \u0634\u0647\u0648\u062f"


def build_referral_register(path: Path) -> Path:
    """A referral register with a referral listed twice and a squeezed decision history."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Referrals 2016-17"
    ws["A1"] = "NSCB SCR Sub Group \u2013 Referral Register"
    ws["A2"] = "Updated: 02/06/2017"
    for column, header in enumerate(REGISTER_HEADERS, start=1):
        ws.cell(4, column, header)
    rows = [
        # 5
        ["Ref053", dt.datetime(2017, 1, 5), "Police", "Extreme neglect and cruelty",
         "Northampton", "Male", "12 yrs", "Serious Case Review", "5 th February 2017",
         "SCR agreed and initiated"],
        # 6
        ["Ref057", "02.03.17", f"Childrens{NBSP}Services", "Murder by stabbing", "Northampton",
         "M", "17 yrs", "SCR", dt.datetime(2017, 4, 2), "SCR initiated"],
        # 7: impossible decision date: the decision falls back to the date referred
        ["Ref 050", "Sept 2016", "Polise", "CSE and grooming", "Kettering", "F", "16 yrs",
         "Case Mapping Exercise", "31/02/2017", "Review underway"],
        # 8: two decisions squeezed into one cell
        ["Ref044", dt.datetime(2016, 4, 12), "Hospital", "Sustained non-accidental injuries",
         "Northampton", "Male", "1 yr 11 mths", SQUEEZED_HISTORY, None,
         "Review completed September 2016"],
        # 9, 10: listed twice as the decision changed
        ["Ref021", dt.datetime(2015, 2, 3), "CCG", "Significant non-accidental injury",
         "Kettering", "Female", "6 wks", "Criteria not met - NFA", "10/03/2015", None],
        ["Ref021", dt.datetime(2015, 2, 3), "CCG", "Significant non-accidental injury",
         "Kettering", "Female", "6 wks", "Serious Case Review", "15/07/2015",
         "SCR completed. Published 26 th January 2017"],
        # 11: spacer
        [None] * 10,
        # 12
        ["Ref052", "13/05/2017", "Police", "CSE involving multiple victims", "Northampton",
         "Male and Female", "Various", "Thematic learning review", "13/05/2017", None],
        # 13: right-to-left text and emoji; a quarter as the decision date
        ["Ref054", "01/04/2017", "Children's Services", RTL_SUMMARY, "Wellingborough",
         "Both", "Various", "Single Agency Review", "Q1 2017/18", None],
        # 14: no Ref
        [None, "01/05/2017", "Police", "Referral withdrawn", None, None, None, None, None, None],
        # 15: legend
        ["Key: SCR = Serious Case Review", None, None, None, None, None, None, None, None,
         None],
        # 16: text that looks like a formula; a decision part nobody can read
        ["Ref056", "20/04/2017", "Community Health", "=non-accidental injury (suspected)",
         "-Rushden", "Female", "4 mths", "Deferred for more information; Panel to discuss",
         "27/04/2017", None],
        # 17: row 12 typed twice
        ["Ref052", "13/05/2017", "Police", "CSE involving multiple victims", "Northampton",
         "Male and Female", "Various", "Thematic learning review", "13/05/2017", None],
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and value[:1] in "=+-@":
                _text_cell(ws, ws.cell(5 + offset, column).coordinate, value)
            elif value is not None:
                ws.cell(5 + offset, column, value)
    wb.save(path)
    return path


# --- files to refuse ------------------------------------------------------------------------

def build_csv_renamed(path: Path) -> Path:
    path.write_text("Ref,Summary,Decision\nRef001,Neglect,NFA\n", encoding="utf-8")
    return path


def build_truncated(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def build_old_xls(path: Path) -> Path:
    """The start of an OLE2 compound file, as Excel 97-2003 writes."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                     + "Workbook".encode("utf-16-le") + b"\x00" * 512)
    return path


def build_password_protected(path: Path) -> Path:
    """An encrypted .xlsx is an OLE2 file holding an EncryptionInfo stream."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                     + "EncryptionInfo".encode("utf-16-le")
                     + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    return path


def build_empty_workbook(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


def build_unrelated_columns(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone", "Favourite colour"])
    ws.append(["A. Person", "01234 567890", "Green"])
    wb.save(path)
    return path


def build_large_action_plan(path: Path, rows: int) -> Path:
    """A plain action plan of ``rows`` actions (two per recommendation, 50 recommendations
    per review), for timing and memory checks."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Review", "Rec No", "Recommendation", "Action", "Lead Agency", "Target Date",
               "RAG", "Progress"])
    for i in range(rows):
        ws.append([f"SCR {i // 100}", i % 100 // 2 + 1, f"Recommendation {i // 2}",
                   f"Action {i}", "Police", "31/03/2015", "G", f"Update {i}"])
    wb.save(path)
    return path


# --- a tracker kept by several people over years: every doubt in one file --------------------

MESSY_HEADERS = ["Source Review", "Rec No", "Recommendation", "Action", "Lead Agency", "Lead Officer",
                 "Target Date", "RAG", "Status", "Progress", "Date Completed", "Notes"]
AMBER, GREEN = "FFC000", "00B050"


def build_messy_tracker(path: Path) -> Path:
    """Agencies written as initials, in full, as another trust and with typos; the office's
    words (CME, SAR, LCSPR, RR, DHR, Compleated); dates as months, quarters, years, "end of",
    Ongoing and TBC; RAG text against its colour, colour only, neither, a theme colour; a
    title, spacers, a legend, a column that is no field and a value beyond the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"] = "Northshire SCP \u2013 composite action plan (kept by hand)"
    ws["A2"] = "Updated:"
    ws["B2"] = dt.datetime(2016, 6, 1)
    for column, header in enumerate(MESSY_HEADERS, start=1):
        ws.cell(3, column, header)
    rows = {
        4: ["Child A (SCR)", 1, "Share information early.", "Write an information-sharing protocol", "UHS",
            "Named nurse", "May 2014", "G", "Compleated", "Protocol drafted", "2012", "Agreed at the March meeting"],
        5: [None, 2, "Train staff on the protocol.", "Train GPs on the protocol", "University Hospitals Southampton",
            None, "Q3 2014/15", None, "On-going", None, None, None],
        6: [None, 3, "Audit the protocol.", "Audit the protocol", "Solent NHS Trust", None, "2012", None, "Parked",
            None, "May 2014", None],
        7: ["CME Child B", 1, "Share the mapping findings.", "Share the mapping findings", "CSC; Police", None,
            "end of May 2014", "Amber/Green", None, "In hand", "Ongoing", None],
        # 8: a spacer
        9: ["Family C SAR", 1, "Brief adult services.", "Brief adult services", "Polise", None, "Ongoing", "R", None,
            None, "Q2 2013/14", None],
        10: ["LCSPR Child D", 1, "Publish the review.", "Publish the review", None, None, "TBC", None, None, None,
             "2099", None],
        11: ["RR Child E", 1, "Act on the rapid review.", "Rapid review actions", "Childrens Servics", None,
             "31/02/2015", "B", "Done", None, None, None],
        12: ["DHR Adult F", 1, "Learn from the homicide review.", "Domestic homicide action",
             "University Hospital Southampton", None, "Q1 2016", "A", None, None, None, None],
        # 13: a spacer
        14: ["Key:", "R = off track", "A = some slippage", "G = on track"],
    }
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(number, column, value)
    ws["H4"].fill = _fill(AMBER)  # "G" on amber: the text wins
    ws["H5"].fill = _fill(GREEN)  # colour only
    ws["H10"].fill = PatternFill("solid", fgColor=Color(theme=5))  # a theme colour: unreadable
    ws["M4"] = "see e-mail of 3 May"  # beyond the header: no column name at all
    wb.save(path)
    return path


# What the user says on the command line (and in the preview) to import it.
MESSY_AGENCIES = {"UHS": "University Hospitals Southampton", "University Hospital Southampton": "UHS"}
MESSY_WORDS = {"SAR": "Safeguarding Adults Review"}
