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

Nothing leaves before it is checked: ``write_checked`` writes a document under a partial
name beside the one asked for and scans it; the ``CheckedFile`` it returns takes its final
name (``put_in_place``) only once nothing was found or the user went ahead, and is deleted
otherwise (``discard``). The window asks (``ui.privacy_prompt``); the command line refuses
unless told ``--despite-findings`` (``settle_on_command_line``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.errors import UserError
from app.excel.visible_text import WorkbookText, column_letter, read_workbook_text
from app.file_permissions import make_private
from db.audit import audit_user
from db.models import AuditEntry, Setting

if TYPE_CHECKING:
    from app.database import Database

NEVER_PRINT_KEY = "never_print"

NHS_NUMBER = "NHS number"
POSTCODE = "postcode"
DATE_OF_BIRTH = "date of birth"
EMAIL = "e-mail address"
PHONE = "phone number"
NEVER_PRINT = "word on the never-print list"
_PLURALS = {NHS_NUMBER: "NHS numbers", POSTCODE: "postcodes", DATE_OF_BIRTH: "dates of birth",
            EMAIL: "e-mail addresses", PHONE: "phone numbers", NEVER_PRINT: "words on the never-print list"}

# Speed: a pattern that starts with a plain character or set lets the regex engine skip
# straight to where a match could start, which is several times faster on long text. So the
# look-behind that says what may not come before a match is written after the first
# character (and looks back over it), and the case-blind part follows a first character
# given in both cases. What each pattern finds is unchanged (tests compare the plain forms).

# 10 digits, optionally spaced (or hyphenated, or dotted) 3-3-4 with the same separator twice. Not run
# into letters: the hex of an id or a fingerprint (an export's hidden columns) is no number.
_NHS = re.compile(r"[0-9](?<![0-9A-Za-z][0-9])[0-9]{2}([ .-]?)[0-9]{3}\1[0-9]{4}(?![0-9A-Za-z])")
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
# "DOB", "d.o.b.", "date of birth" or "born (on|in)", starting a word, then a date.
_DOB = re.compile(
    r"[bBdD](?<!\w[bBdD])(?i:(?<=[dD])(?:\.?\s?o\.?\s?b\b\.?|ate\s+of\s+birth)|(?<=[bB])orn(?:\s+(?:on|in))?)"
    rf"(?i:\s*[:-]?\s*{_DATE})")
# Starts only where a run of address characters starts: linear time on long runs of letters.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# +44 or a leading 0 (a bracketed area code allowed), then digits in groups; the digit count
# is checked in code (9 or 10 after the 0 / +44). Not run into letters, as NHS numbers.
_PHONE = re.compile(
    r"(?:\+(?<![0-9A-Za-z+]\+)44\s?(?:\(0\)\s?)?|\((?<![0-9A-Za-z+]\()0|0(?<![0-9A-Za-z+]0))"
    r"[0-9]{2,4}\)?(?:[\s-]?[0-9]){5,8}(?![0-9A-Za-z])")
# Quick tests for the two patterns that cannot start that way: each finds something every
# match holds, and the pattern then runs only on the texts where its test found something.
# An e-mail address holds an "@". A postcode ends in a digit and two letters ending a word,
# after 2 to 4 letters and digits starting a word, and perhaps a space (the hex of an
# export's fingerprints never has that shape).
_EMAIL_HINT = re.compile("@")
_POSTCODE_HINT = re.compile(r"[0-9][^\W\d_]{2}(?!\w)(?:" + "|".join(
    rf"(?<=(?<!\w)\w{{{outward}}}{space}[0-9]\w\w)" for outward in (2, 3, 4) for space in ("", " ")) + ")")


def nhs_number_is_valid(digits: str) -> bool:
    """Whether ten digits are a valid NHS number (python-stdnum's Modulus 11 check)."""
    from stdnum.gb import nhs  # here: only a text that looks like one needs it

    return len(digits) == 10 and digits.isascii() and digits.isdigit() and nhs.is_valid(digits)


# What a reader sees as a space, a dash or nothing at all, written in other characters: text
# is read in these plain forms before it is scanned, so a number typed with non-breaking
# spaces or a name with a soft hyphen is found as if typed plainly.
_ODD_SPACES = re.compile("[\t\u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def as_read(text: str) -> str:
    """``text`` as a reader reads it: Unicode compatibility forms composed (NFKC: an accent
    typed as a separate mark joins its letter), every kind of space a plain space, every
    dash a hyphen, soft hyphens and zero-width characters gone."""
    if text.isascii() and "\t" not in text:  # most text: nothing to do
        return text
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _ODD_SPACES.sub(" ", _DASHES.sub("-", text))


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
    position: int | None  # the character offset within that cell's text; None on a page

    def describe(self) -> str:
        places = [self.where] if self.where else []
        if self.position is not None:
            places.append(f"character {self.position + 1}")
        return f"{self.kind} {self.masked} ({', '.join(places)})"


def _never_print_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One pattern for the whole list: each term as a whole word (or phrase), any case."""
    cleaned = {" ".join(t.split()).casefold(): " ".join(t.split()) for t in terms if t and t.strip()}
    if not cleaned:
        return None
    # Longest first, so "Jane Smith" is reported whole rather than as "Jane".
    phrases = sorted((t.split() for t in cleaned.values()), key=lambda words: len(r"\s+".join(map(re.escape, words))),
                     reverse=True)
    if not all(words[0][0].isascii() for words in phrases):
        alternatives = (r"\s+".join(map(re.escape, words)) for words in phrases)
        return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
    # The fast form (see above): a first character that could start a term (either case of
    # each term's first, or any beyond ASCII, which may be the same letter to a case-blind
    # match), then each term's rest, case-blind, where its own first character came before.
    firsts = "".join(sorted({re.escape(c) for words in phrases for c in (words[0][0].lower(), words[0][0].upper())}))
    alternatives = (rf"(?<={re.escape(words[0][0])}){re.escape(words[0][1:])}"
                    + "".join(rf"\s+{re.escape(word)}" for word in words[1:]) for words in phrases)
    return re.compile(rf"[{firsts}\x80-\U0010ffff](?<!\w[\s\S])(?i:{'|'.join(alternatives)})(?!\w)")


# The texts of a document are joined with this character between them and each pattern
# runs once over the lot, which saves a call per text and pattern. No pattern matches it
# (nor crosses it), and to every look-behind and look-ahead it is what the start or end of a
# text is, so each text is scanned exactly as it would be alone.
_JOIN = "\x00"


class _Scanner:
    """The patterns, compiled once for a whole document."""

    def __init__(self, never_print: Iterable[str], allowed: Iterable[str] = ()):
        # (kind, pattern, accept the match?, quick test a text must pass first)
        self.checks: list[tuple[str, re.Pattern, Callable | None, re.Pattern | None]] = [
            (NHS_NUMBER, _NHS, lambda m: nhs_number_is_valid(re.sub(r"[ .-]", "", m.group())), None),
            (DATE_OF_BIRTH, _DOB, None, None),
            (EMAIL, _EMAIL, None, _EMAIL_HINT),
            (PHONE, _PHONE, lambda m: _uk_phone(m.group()), None),
            (POSTCODE, _POSTCODE, None, _POSTCODE_HINT),
        ]
        terms = [as_read(t) for t in never_print if t]
        words = _never_print_pattern(terms)
        if words is not None:
            self.checks.insert(0, (NEVER_PRINT, words, None, None))
        # A never-print term holding the joining character could match across two texts.
        self.joinable = not any(_JOIN in t for t in terms)
        # Details a document prints on purpose (an officer's work telephone on the panel report).
        self.allowed = {_allowed_key(text) for text in allowed if _allowed_key(text)}

    def scan(self, text: str, where: str) -> list[Finding]:
        return [Finding(kind, masked, where, position)
                for position, kind, masked in self.scan_texts([text]).get(0, ())]

    def scan_texts(self, texts: Sequence[str]) -> dict[int, list[tuple[int, str, str]]]:
        """What each of ``texts`` holds, as ``(position, kind, masked text)`` in the order it
        appears, by the text's index; texts holding nothing are left out. Each text is read
        as a reader reads it (``as_read``), positions counted in that form."""
        texts = [as_read(text) for text in texts]
        if not self.joinable:
            return {i: found for i, text in enumerate(texts) if (found := self._scan_joined([text]).get(0))}
        return self._scan_joined(texts)

    def _scan_joined(self, texts: Sequence[str]) -> dict[int, list[tuple[int, str, str]]]:
        joined = _JOIN.join(texts)
        # starts[i]: where text i begins in ``joined``; starts[i + 1] - 1: where it ends.
        starts = list(accumulate(map((1).__add__, map(len, texts)), initial=0))
        found: dict[int, list[tuple[int, str, str]]] = {}
        taken: dict[int, list[tuple[int, int]]] = {}  # reported spans: a phone number is not also a postcode
        for kind, pattern, accept, hint in self.checks:
            windows = _spans(starts, _SPAN) if hint is None else _texts_holding(hint, joined, starts)
            for first, last in windows:
                for match in pattern.finditer(joined, first, last):
                    if accept is not None and not accept(match):
                        continue
                    if kind != NEVER_PRINT and self.allowed and _allowed_key(match.group()) in self.allowed:
                        continue
                    start, end = match.span()
                    index = bisect_right(starts, start) - 1
                    spans = taken.setdefault(index, [])
                    if any(start < e and s < end for s, e in spans):
                        continue
                    spans.append((start, end))
                    found.setdefault(index, []).append((start - starts[index], kind, mask(match.group())))
        for index in found:
            found[index].sort(key=itemgetter(0))
        return found


def _allowed_key(text: str) -> str:
    """A detail as compared with the ones a document may print: letters and digits only."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# Characters the regex engine reads in one call. It holds the interpreter while it reads, so
# shorter calls let another thread (a workbook being compressed) have it in between.
_SPAN = 1 << 20


def _spans(starts: list[int], size: int) -> Iterator[tuple[int, int]]:
    """The joined texts in spans of about ``size`` characters, each ending where a text ends."""
    end, first = starts[-1] - 1, 0
    while first < end:
        index = bisect_left(starts, first + size)
        last = starts[index] - 1 if index < len(starts) else end
        yield first, last
        first = last + 1


def _texts_holding(hint: re.Pattern, joined: str, starts: list[int]) -> Iterator[tuple[int, int]]:
    """The span in ``joined`` of each text in which ``hint`` finds something."""
    position = 0
    while (match := hint.search(joined, position)) is not None:
        index = bisect_right(starts, match.start()) - 1
        position = starts[index + 1]
        yield starts[index], position - 1


def scan_text(text: str, never_print: Iterable[str] = (), where: str = "") -> list[Finding]:
    """Everything in ``text`` that must not leave the program, in the order it appears."""
    return _Scanner(never_print).scan(text, where)


def _as_text(value: object) -> str:
    """A cell's value as a reader sees it: a whole number without a decimal point."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scan_cells(cells: Iterable[tuple[str, object]], never_print: Iterable[str] = (),
               allowed: Iterable[str] = ()) -> list[Finding]:
    """Scan ``(where, value)`` pairs (workbook cells, report pages); empty values are skipped.
    ``allowed``: details the document prints on purpose, which are not findings.

    Each distinct text is scanned once, however many cells hold it."""
    kept = [(where, _as_text(value)) for where, value in cells if value is not None and value != ""]
    texts = list(dict.fromkeys(text for _where, text in kept))
    by_text = dict(zip(texts, range(len(texts))))
    found = _Scanner(never_print, allowed).scan_texts(texts)
    return [Finding(kind, masked, where, position)
            for where, text in kept if (index := by_text[text]) in found
            for position, kind, masked in found[index]]


def scan_pages(pages: Iterable[str], never_print: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[Finding]:
    """Scan a printed document's text, one string per page; a finding says its page.

    The character offset within a page's text means nothing to someone holding the paper,
    so it is left out."""
    found = scan_cells(((f"page {number}", text) for number, text in enumerate(pages, 1)), never_print, allowed)
    return [replace(finding, position=None) for finding in found]


def _workbook_places(book: WorkbookText) -> Iterator[tuple[str, object]]:
    for sheet in book.sheets:
        yield f"Sheet name '{sheet.name}'", sheet.name
        for number, row in enumerate(sheet.rows, 1):
            for index, value in enumerate(row):
                if value is not None and value != "":
                    yield f"Sheet '{sheet.name}' {column_letter(index)}{number}", value
        for cell, formula in sheet.formulas:
            yield f"Sheet '{sheet.name}' {cell} (formula)", formula
        for what, text in sheet.extras:
            yield f"Sheet '{sheet.name}' {what}", text
    for what, text in book.parts:
        yield what.capitalize(), text


def workbook_cells(path: Path) -> Iterator[tuple[str, object]]:
    """Every piece of text a reader of the workbook at ``path`` can see, as ``(where, value)``:
    each sheet's name, cells (hidden sheets too), formulas, headers and footers, drop-down
    lists and messages, then the text of the file's other parts (document properties...)."""
    return _workbook_places(read_workbook_text(path))


def scan_workbook(path: Path, never_print: Iterable[str] = ()) -> list[Finding]:
    """Scan everything a reader of the workbook at ``path`` can see (``workbook_cells``)."""
    book = read_workbook_text(path)
    # Each distinct text once, without naming places; only a workbook holding something
    # is gone through cell by cell to say where.
    texts = list(dict.fromkeys(_as_text(value) for value in book.values() if value is not None and value != ""))
    if not _Scanner(never_print).scan_texts(texts):
        return []
    return scan_cells(_workbook_places(book), never_print)


def summarise(findings: Sequence[Finding]) -> str:
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
    session.add(AuditEntry(user=audit_user(session), operation="update", table_name="setting",
                           record_id=NEVER_PRINT_KEY, field="value",
                           old_value=_how_many(old), new_value=_how_many(new)))
    session.flush()
    return new


def record_privacy_decision(session: Session, document: str, findings: Sequence[Finding],
                            proceeded: bool) -> AuditEntry:
    """Record in the audit trail what the privacy check found in ``document`` and what the user
    chose: to go ahead knowingly (``proceeded``) or to stop and fix it. Kinds and places only."""
    decision = "Proceeded knowingly" if proceeded else "Stopped to fix the document"
    places = list(dict.fromkeys(f.where for f in findings if f.where))
    detail = f"{decision}. Found {summarise(findings)}"
    if places:
        shown = ", ".join(places[:20]) + (f" and {len(places) - 20} more places" if len(places) > 20 else "")
        detail += f" at {shown}"
    entry = AuditEntry(user=audit_user(session), operation="privacy-check", table_name="export",
                       record_id=document[:60], field="decision",
                       old_value=None, new_value=detail + ".")
    session.add(entry)
    session.flush()
    return entry


# --- nothing leaves before it is checked ----------------------------------------------------

Result = TypeVar("Result")
Progress = Callable[[int, int, str], None]


def partial_path(path: Path) -> Path:
    """Where a document waits for the check: beside ``path``, same suffix, named so that
    nobody takes it for the finished document (``~Plan.part.xlsx``)."""
    return path.with_name(f"~{path.stem}.part{path.suffix}")


@dataclass(frozen=True)
class CheckedFile:
    """A document written under its partial name and scanned: it takes its final name only
    once nothing was found or the user chose to go ahead."""

    partial: Path
    final: Path
    findings: tuple[Finding, ...]

    def put_in_place(self) -> Path:
        """Give the document its final name (replacing an earlier copy); return it."""
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            make_private(self.partial)  # readable by the user only, like the database
            os.replace(self.partial, self.final)
        except PermissionError as err:
            raise UserError(f"{self.final} could not be written: it may be open in another program. "
                            "Close it and try again.") from err
        finally:
            self.discard()
        return self.final

    def discard(self) -> None:
        """Delete the partial document (and its partial folder, once empty)."""
        self.partial.unlink(missing_ok=True)
        if self.partial.parent != self.final.parent:
            try:
                self.partial.parent.rmdir()
            except OSError:
                pass  # other documents still wait there


def write_checked(out: Path, write: Callable[[Path], Result],
                  scan: Callable[[Path, Result], Iterable[Finding]], *,
                  progress: Progress | None = None) -> tuple[Result, CheckedFile]:
    """``write(partial)`` writes the document meant for ``out`` under its partial name, then
    ``scan(partial, result)`` says what it holds. ``progress(done, total, text)``, if given,
    is called before and after the scan; if it (or anything) raises, the partial file is
    deleted. Returns ``write``'s result and the document waiting to take its name."""
    out = Path(out)
    partial = partial_path(out)
    try:
        result = write(partial)
        if progress is not None:
            progress(1, 2, f"Checking {out.name} for personal details…")
        checked = CheckedFile(partial, out, tuple(scan(partial, result)))
        if progress is not None:
            progress(2, 2, "")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result, checked


# --- workbooks checked as they are written ---------------------------------------------------

# Characters written before the texts gathered are scanned: enough to scan each repeated
# text once in most workbooks, few enough to keep memory flat on the largest.
_BATCH_CHARACTERS = 16_000_000


class TextCheck:
    """The check of one workbook as it is written: its writer hands over every text it puts
    in the file (``add``; ``add_workbook`` for a file it wrote whole), then says when the
    workbook is complete at its path (``written``). Texts are scanned in batches, each
    distinct text of a batch once. Only a workbook in which nothing was found is known to be
    clean; any other is read back and scanned place by place, to say where."""

    def __init__(self, waiting: _WaitingWorkbooks, path: Path):
        self._waiting = waiting
        self._path = path
        self._pending: dict[str, None] = {}
        self._characters = 0
        self._found = False

    def add(self, texts: Sequence[str]) -> None:
        """Texts as written into the workbook."""
        self._pending.update(dict.fromkeys(texts))
        self._characters += sum(map(len, texts))  # as written, repeats too: it only sizes the batch
        if self._characters >= _BATCH_CHARACTERS:
            self.scan()

    def add_workbook(self, path: Path) -> None:
        """Everything a reader can see in the workbook file at ``path`` (``workbook_cells``)."""
        self.add([_as_text(value) for value in read_workbook_text(path).values() if value is not None and value != ""])

    def written(self) -> None:
        """The workbook is complete at its path, with nothing else in it."""
        self.scan()
        if not self._found:
            self._waiting.clean[_path_key(self._path)] = _digest(self._path)

    def scan(self) -> None:
        """Scan the texts handed over so far (``written`` scans what is left)."""
        if not self._found and self._pending:
            self._found = bool(self._waiting.scanner.scan_texts(list(self._pending)))
        self._pending.clear()
        self._characters = 0


class _WaitingWorkbooks:
    """The workbooks a check waits for, and which of them were found clean as written."""

    def __init__(self, never_print: Sequence[str]):
        self.never_print = never_print
        self.scanner = _Scanner(never_print)
        self.clean: dict[str, bytes] = {}  # path -> the digest of the file found clean

    def findings(self, path: Path) -> list[Finding]:
        """What the workbook at ``path`` holds: nothing, when it is the very file found clean
        as it was written; otherwise as read back from the file."""
        if self.clean.get(_path_key(path)) == _digest(path):
            return []
        return scan_workbook(path, self.never_print)


_WAITING: ContextVar[_WaitingWorkbooks | None] = ContextVar("workbooks_waiting_for_the_check", default=None)


def check_as_written(path: Path) -> TextCheck | None:
    """For a workbook writer (``app.excel.workbook_style``): a ``TextCheck`` to hand the texts
    it writes to ``path``, when a checked write (``write_checked_workbook``) is under way; else
    None, and the workbook is read back instead."""
    waiting = _WAITING.get()
    return None if waiting is None else TextCheck(waiting, Path(path))


@contextmanager
def _checking_as_written(never_print: Sequence[str]) -> Iterator[_WaitingWorkbooks]:
    waiting = _WaitingWorkbooks(never_print)
    token = _WAITING.set(waiting)
    try:
        yield waiting
    finally:
        _WAITING.reset(token)


def _path_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _digest(path: Path) -> bytes:
    """A fingerprint of the file's bytes: a file changed after it was checked is checked again."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "blake2b").digest()


def write_checked_workbook(session: Session, out: Path, write: Callable[[Path], Result], *,
                           progress: Progress | None = None) -> tuple[Result, CheckedFile]:
    """``write_checked`` for a workbook: everything a reader can see in it is scanned, as it
    is written (a workbook of ``app.excel.workbook_style``) or read back from the file."""
    with _checking_as_written(never_print_terms(session)) as waiting:
        return write_checked(out, write, lambda partial, _result: waiting.findings(partial), progress=progress)


def write_checked_workbooks(session: Session, folder: Path, write: Callable[[Path], list[Result]], *,
                            progress: Progress | None = None) -> tuple[list[Result], list[CheckedFile]]:
    """``write(partial_folder)`` writes several workbooks (each result with its ``path``) into
    a partial folder beside ``folder``; each is scanned and waits to take its name in
    ``folder``. If ``progress`` (called before each scan) or anything raises, all are deleted."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; choose a folder for the workbooks.")
    partial = partial_path(folder)
    ours = not partial.exists()  # else someone else's folder: only our own files are deleted
    waiting: list[CheckedFile] = []
    results: list[Result] = []
    try:
        with _checking_as_written(never_print_terms(session)) as written:
            results = write(partial)
            for number, result in enumerate(results, 1):
                if progress is not None:
                    progress(number, len(results), f"Checking {result.path.name} for personal details…")
                waiting.append(CheckedFile(result.path, folder / result.path.name,
                                           tuple(written.findings(result.path))))
    except BaseException:
        if ours:  # a failed write may have left files it never returned
            shutil.rmtree(partial, ignore_errors=True)
        for result in results:
            result.path.unlink(missing_ok=True)
        raise
    if not results and ours:
        shutil.rmtree(partial, ignore_errors=True)
    return results, waiting


# --- the command line -----------------------------------------------------------------------

DESPITE_FINDINGS = "--despite-findings"


def add_despite_findings_option(parser) -> None:
    """The command-line flag that writes a document the check found something in."""
    parser.add_argument(DESPITE_FINDINGS, dest="despite_findings", action="store_true",
                        help="write the file even if the privacy check finds personal details in it "
                             "(NHS numbers, names on the never-print list...); the decision is "
                             "recorded in the audit trail")


def settle_on_command_line(database: Database, waiting: Sequence[CheckedFile], *,
                           despite: bool) -> list[Path]:
    """Put the checked documents in place, unless the check found something and the user
    did not say ``--despite-findings``: then each finding is printed to stderr, nothing is
    written, the decision is recorded and a ``UserError`` says how to go ahead knowingly.
    Returns the paths written."""
    found = [checked for checked in waiting if checked.findings]
    try:
        database.wait_for_open_check()  # nothing read from a file that failed its check leaves
        if found:
            for checked in found:
                print(f"{checked.final.name} holds details that should not leave the office "
                      f"({summarise(checked.findings)}):", file=sys.stderr)
                for finding in checked.findings:
                    print(f"  {finding.describe()}", file=sys.stderr)
            with database.sessions.begin() as session:
                for checked in found:
                    record_privacy_decision(session, checked.final.name, checked.findings, despite)
        if found and not despite:
            where = waiting[0].final if len(waiting) == 1 else waiting[0].final.parent
            raise UserError(
                f"Nothing was written to {where}. Correct the records and run the command again; or, if you "
                f"are sure these details may be sent, add {DESPITE_FINDINGS} to write the file "
                "anyway (that decision is recorded in the audit trail).")
        if found:
            print(f"Written anyway, as {DESPITE_FINDINGS} asks; the decision is recorded in the "
                  "audit trail.", file=sys.stderr)
        return [checked.put_in_place() for checked in waiting]
    finally:
        for checked in waiting:
            checked.discard()
