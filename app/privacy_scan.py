"""Pseudonyms stay pseudonyms: scan what is about to leave the program for what must not.

Before an export or report is saved, its text is scanned for identifying details that have
no place in a document about a pseudonymised child: valid NHS numbers (the Modulus 11 check
digit is tested, so reference numbers do not trip it), UK postcodes, dates of birth ("DOB",
"d.o.b.", "date of birth", "born on" followed by a date), e-mail addresses, UK telephone
numbers, and every term on the office's own "never print" list (a child's real name
recorded elsewhere, say).

Findings say what was found and where ("Sheet 'Action plan' F14", "page 3"), with the
matched text masked but for its last few characters, so the list itself does not repeat
what it warns about. The user then fixes the document or goes ahead knowingly;
``record_privacy_decision`` puts that decision in the audit trail (kinds and places only,
never the matched text).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from openpyxl import load_workbook
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db.audit import current_user
from db.models import AuditEntry, Setting

NEVER_PRINT_KEY = "never_print"

NHS_NUMBER = "NHS number"
POSTCODE = "postcode"
DATE_OF_BIRTH = "date of birth"
EMAIL = "e-mail address"
PHONE = "phone number"
NEVER_PRINT = "word on the never-print list"
_PLURALS = {NHS_NUMBER: "NHS numbers", POSTCODE: "postcodes", DATE_OF_BIRTH: "dates of birth",
            EMAIL: "e-mail addresses", PHONE: "phone numbers", NEVER_PRINT: "words on the never-print list"}

# 10 digits, optionally spaced (or hyphenated) 3-3-4 with the same separator twice.
_NHS = re.compile(r"(?<![0-9])[0-9]{3}([ -]?)[0-9]{3}\1[0-9]{4}(?![0-9])")
# The standard UK postcode pattern (outward code, optional space, inward code); BFPO and
# overseas territories are left out.
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (r"(?:[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}"  # 03/04/2015, 3.4.15
         r"|[0-9]{4}-[0-9]{2}-[0-9]{2}"  # 2015-04-03
         rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+[0-9]{{4}}"  # 3rd April 2015
         rf"|{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s+[0-9]{{4}}"  # April 3, 2015
         rf"|{_MONTH}\s+[0-9]{{4}})")  # April 2015
_DOB = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|born(?:\s+(?:on|in))?)\s*[:-]?\s*{_DATE}",
    re.IGNORECASE)
# Starts only where a run of address characters starts: linear time on long runs of letters.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# +44 or a leading 0 (a bracketed area code allowed), then digits in groups; the digit count
# is checked in code (9 or 10 after the 0 / +44).
_PHONE = re.compile(
    r"(?<![0-9+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)[0-9]{2,4}\)?(?:[\s-]?[0-9]){5,8}(?![0-9])")


def nhs_number_is_valid(digits: str) -> bool:
    """Whether ten digits pass the NHS number's Modulus 11 check-digit test."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1)))
    check = (11 - total % 11) % 11  # a remainder of 0 gives check digit 0
    return check != 10 and check == int(digits[9])


def _uk_phone(text: str) -> bool:
    digits = re.sub(r"[^0-9]", "", text)
    national = digits[2:].removeprefix("0") if text.startswith("+") else digits[1:]
    return len(national) in (9, 10)


def mask(text: str) -> str:
    """The text with all but its last few characters replaced by ``*``."""
    keep = 3 if len(text) >= 9 else 2 if len(text) >= 6 else 1 if len(text) >= 3 else 0
    return "*" * (len(text) - keep) + text[len(text) - keep:]


@dataclass(frozen=True)
class Finding:
    """Something that must not leave the program: what kind, where, and the text masked."""

    kind: str
    masked: str
    where: str  # "Sheet 'Action plan' F14", "page 3"; empty for a single text
    position: int  # the character offset within that cell's or page's text

    def describe(self) -> str:
        place = f"{self.where}, " if self.where else ""
        return f"{self.kind} {self.masked} ({place}character {self.position + 1})"


def _never_print_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One pattern for the whole list: each term as a whole word (or phrase), any case."""
    cleaned = {" ".join(t.split()).casefold(): " ".join(t.split()) for t in terms if t and t.strip()}
    if not cleaned:
        return None
    # Longest first, so "Jane Smith" is reported whole rather than as "Jane".
    alternatives = sorted((r"\s+".join(map(re.escape, t.split())) for t in cleaned.values()),
                          key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


class _Scanner:
    """The patterns, compiled once for a whole document."""

    def __init__(self, never_print: Iterable[str]):
        self.checks: list[tuple[str, re.Pattern, object]] = [
            (NHS_NUMBER, _NHS, lambda m: nhs_number_is_valid(re.sub(r"[ -]", "", m.group()))),
            (DATE_OF_BIRTH, _DOB, None),
            (EMAIL, _EMAIL, None),
            (PHONE, _PHONE, lambda m: _uk_phone(m.group())),
            (POSTCODE, _POSTCODE, None),
        ]
        words = _never_print_pattern(never_print)
        if words is not None:
            self.checks.insert(0, (NEVER_PRINT, words, None))

    def scan(self, text: str, where: str) -> list[Finding]:
        found: list[Finding] = []
        taken: list[tuple[int, int]] = []  # spans already reported: a phone number is not also a postcode
        for kind, pattern, accept in self.checks:
            for match in pattern.finditer(text):
                start, end = match.span()
                if accept is not None and not accept(match):
                    continue
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                found.append(Finding(kind, mask(match.group()), where, start))
        return sorted(found, key=lambda f: f.position)


def scan_text(text: str, never_print: Iterable[str] = (), where: str = "") -> list[Finding]:
    """Everything in ``text`` that must not leave the program, in the order it appears."""
    return _Scanner(never_print).scan(text, where)


def scan_cells(cells: Iterable[tuple[str, object]], never_print: Iterable[str] = ()) -> list[Finding]:
    """Scan ``(where, value)`` pairs (workbook cells, report pages); empty values are skipped."""
    scanner = _Scanner(never_print)
    found: list[Finding] = []
    for where, value in cells:
        if value is not None and value != "":
            found.extend(scanner.scan(value if isinstance(value, str) else str(value), where))
    return found


def workbook_cells(path: Path) -> Iterator[tuple[str, object]]:
    """Every sheet name and non-empty cell of an Excel workbook, as ``(where, value)``."""
    workbook = load_workbook(path, read_only=True)
    try:
        for sheet in workbook.worksheets:
            yield f"Sheet name '{sheet.title}'", sheet.title
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield f"Sheet '{sheet.title}' {cell.coordinate}", cell.value
    finally:
        workbook.close()


def summarise(findings: list[Finding]) -> str:
    """"2 NHS numbers, 1 postcode" — counts by kind, without the text found."""
    counts = Counter(f.kind for f in findings)
    return ", ".join(f"{n} {_PLURALS[kind] if n > 1 else kind}" for kind, n in counts.items()) or "nothing"


# --- the never-print list and the decision, in the database ---------------------------------

def _terms(text: str) -> list[str]:
    seen, terms = set(), []
    for line in text.splitlines():
        term = " ".join(line.split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def never_print_terms(session: Session) -> list[str]:
    """The office's never-print list (one term per line in the ``never_print`` setting)."""
    return _terms(session.scalar(select(Setting.value).where(Setting.key == NEVER_PRINT_KEY)) or "")


def _how_many(terms: list[str]) -> str:
    return f"{len(terms)} term{'' if len(terms) == 1 else 's'}"


def _audit_user(session: Session) -> str:
    return session.info.get("audit_user") or current_user()


def save_never_print_terms(session: Session, terms: Iterable[str]) -> list[str]:
    """Replace the never-print list; return it as stored (trimmed, duplicates removed).

    The list holds the very names that must not be printed, so it is written with a statement
    rather than through the ORM: the field-by-field audit trail would otherwise copy every
    name into its old and new values. One audit entry records that the list changed and its size.
    """
    old = never_print_terms(session)
    new = _terms("\n".join(terms))
    stored = session.scalar(select(Setting.key).where(Setting.key == NEVER_PRINT_KEY))
    if stored is None:
        session.execute(insert(Setting).values(key=NEVER_PRINT_KEY, value="\n".join(new)))
    else:
        session.execute(update(Setting).where(Setting.key == NEVER_PRINT_KEY).values(value="\n".join(new)))
    session.add(AuditEntry(user=_audit_user(session), operation="update", table_name="setting",
                           record_id=NEVER_PRINT_KEY, field="value",
                           old_value=_how_many(old), new_value=_how_many(new)))
    session.flush()
    return new


def record_privacy_decision(session: Session, document: str, findings: list[Finding],
                            proceeded: bool) -> AuditEntry:
    """Record in the audit trail what the privacy check found in ``document`` and what the user
    chose: to go ahead knowingly (``proceeded``) or to stop and fix it. Kinds and places only."""
    decision = "Proceeded knowingly" if proceeded else "Stopped to fix the document"
    places = list(dict.fromkeys(f.where for f in findings if f.where))
    detail = f"{decision}. Found {summarise(findings)}"
    if places:
        shown = ", ".join(places[:20]) + (f" and {len(places) - 20} more places" if len(places) > 20 else "")
        detail += f" at {shown}"
    entry = AuditEntry(user=_audit_user(session), operation="privacy-check", table_name="export",
                       record_id=document[:60], field="decision",
                       old_value=None, new_value=detail + ".")
    session.add(entry)
    session.flush()
    return entry
