"""Bringing an office's hand-kept Excel trackers into the database, keeping every value.

Two kinds of workbook are understood: a composite **action plan** tracker (review, theme,
recommendation, response, actions, RAG...) and a **referral register** (Ref, dates, summary,
location, gender, age, decision, status).

``plan_import`` reads the workbook and says what *would* be created, with every doubt by sheet
and cell, without writing anything; ``apply_import`` writes that plan in the caller's
transaction, through the services (``app.services``), which check and audit every record, and
once the transaction is committed saves the import report beside the database
(``import_doubts``). Nothing a cell holds is dropped: it goes into a field or, where it cannot
be understood, is kept as text beside its record, with a doubt (``legacy_reading`` says how
each cell is read; ``legacy_plan`` how agencies are settled; ``legacy_writing`` what counts as
already present).

The workbook is read once, however large (``tracker_book``): checked before any reader sees it
(``workbook_guard``: a cell at the far corner, a zip bomb or millions of empty rows are refused
with a plain sentence), then read with calamine. A sheet of up to 200,000 rows is read; a
tracker of 100,000 actions is planned and written in seconds.

What the user says is remembered: agency spellings become aliases when the import is applied,
and the column mapping, agency choices and words decided can be saved for workbooks of the same
name (``save_mapping``) or in a mapping file (the command line's ``--mapping``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from app import paths
from app.errors import UserError
from app.excel.agency_matching import AgencyMatcher
from app.excel.import_doubts import ImportWarning, report_path, write_report
from app.excel.legacy_plan import (ACTION_PLAN, KIND_NAMES, KINDS, NEW_AGENCY_SECTOR, REFERRAL_REGISTER,
                                   LegacyImportPlan, SheetLayout, short_list)
from app.excel.legacy_reading import (FIELDS, HEADER_SCAN_ROWS, KEY_FIELDS, find_header, header_score, headers_of,
                                      read_into, skip_title_rows, updated_on)
from app.excel.legacy_writing import Writer
from app.excel.tracker_book import TrackerBook, open_tracker, release
from app.excel.workbook_guard import column_number
from app.lookups import find_agency
from app.memory import collecting_afterwards
from app.output_folder import default_output_folder
from app.services.bulk import wait_for_other_imports
from app.text import clean, match_key
from app.word_aliases import WORD_LISTS, Words

__all__ = ["ACTION_PLAN", "REFERRAL_REGISTER", "KINDS", "FIELDS", "NEW_AGENCY_SECTOR", "ImportWarning",
           "LegacyImportPlan", "SheetLayout", "apply_import", "decide_word", "detect_kind", "load_mapping", "mapping_of",
           "open_tracker", "plan_import", "read_mapping_file", "save_mapping"]

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
# What a mapping may give a column not to import (besides None or ""), and one whose values
# are to be kept as text beside their records (as for a column the mapping leaves out).
_IGNORED_COLUMN = ("-", "none", "ignore", "(ignore)")
_KEEP_COLUMN = ("keep", "(keep as text)")


# --- recognising and planning -----------------------------------------------------------------

def _book(path_or_book: str | Path | TrackerBook) -> TrackerBook:
    return path_or_book if isinstance(path_or_book, TrackerBook) else open_tracker(path_or_book)


def detect_kind(path: str | Path | TrackerBook) -> str | None:
    """"action-plan", "referral-register" or None, judged by the header words of its sheets.

    A file that cannot be opened, or is beyond what can be read safely, raises ``UserError``.
    The book stays open for the ``plan_import`` that usually follows.
    """
    book = _book(path)
    firsts = [book.sheet(name).first_rows(HEADER_SCAN_ROWS) for name in book.sheet_names]
    scores = {kind: max((header_score(rows, kind) for rows in firsts), default=0) for kind in KINDS}
    kind = max(KINDS, key=lambda k: scores[k])
    return kind if scores[kind] else None


def plan_import(session: Session, path: str | Path | TrackerBook, kind: str | None = None,
                mapping: dict[str, str | None] | None = None, *, header_row: int | None = None,
                agencies: dict[str, str] | None = None, words: dict[str, str] | None = None,
                progress: Progress | None = None) -> LegacyImportPlan:
    """Read a hand-kept tracker and say what importing it would create. Writes nothing.

    ``kind`` is "action-plan" or "referral-register" (None: detected from the headers).
    ``mapping`` (column letter -> field; "ignore" or None not to import a column; a column
    left out is kept as text beside each record) replaces the proposed one for every sheet; without it, a mapping saved for this file name is used when its columns still fit,
    else one is proposed from the header words. ``header_row`` says where the header is when
    it cannot be found (it then applies to every sheet). ``agencies`` maps spellings to what
    they are (``LegacyImportPlan.map_agency``) and ``words`` words to what they mean here
    ("SAR" -> "Safeguarding Adults Review"); what was saved for this file name is used
    otherwise. ``progress(done, total, text)`` hears of each few thousand rows read.

    A file that cannot be read, is beyond the limits, has no sheet with the expected columns,
    or has no row under its header raises ``UserError`` naming the file.
    """
    if kind is not None and kind not in KINDS:
        raise UserError(f"'{kind}' is not a kind of tracker; use {' or '.join(KINDS)}.")
    book = _book(path)
    try:
        with collecting_afterwards():
            return _plan_book(session, book, kind, mapping, header_row, agencies, words, progress)
    finally:
        release(book)


def _plan_book(session: Session, book: TrackerBook, kind: str | None, mapping: dict | None, header_row: int | None,
               agencies: dict[str, str] | None, words: dict[str, str] | None,
               progress: Progress | None) -> LegacyImportPlan:
    if kind is None:
        kind = detect_kind(book)
    if kind is None:
        raise UserError(_nothing_recognised(book))
    saved = _saved(kind, book.path) or {}
    layouts, source = _layouts(book, kind, mapping, header_row, saved or None)
    office_words = Words(session)
    # Words first: what a review's type or a decision is depends on them as the rows are read.
    _decide_words(office_words, saved.get("words", {}), given=False)
    _decide_words(office_words, words or {}, given=True)
    plan = _plan(session, book, kind, layouts, source, office_words, progress)
    _decide_agencies(plan, saved.get("agencies", {}), given=False)
    _decide_agencies(plan, agencies or {}, given=True)
    return plan


def empty_message(book: TrackerBook) -> str | None:
    """What to say of a workbook whose every sheet is empty; None when a sheet holds anything."""
    if book.sheet_names and not all(book.sheet(name).empty for name in book.sheet_names):
        return None
    return f"{book.path.name} is empty: no sheet holds anything, so there is nothing to import. Nothing was written."


def _nothing_recognised(book: TrackerBook) -> str:
    return empty_message(book) or (
        f"{book.path.name} has no sheet that looks like an action plan or a referral register (no header row with "
        "columns such as Action, Recommendation, RAG or Ref, Decision, Summary).")


def _plan(session: Session, book: TrackerBook, kind: str, layouts: list[tuple[SheetLayout, list]], source: str,
          words: Words, progress: Progress | None) -> LegacyImportPlan:
    updated = next(filter(None, (updated_on(rows, layout.header_row) for layout, rows in layouts)), None)
    plan = LegacyImportPlan(book.path, kind, [layout for layout, _ in layouts], source, updated or dt.date.today(),
                            AgencyMatcher(session), words, updated)
    names = {layout.name for layout, _ in layouts}
    for name in book.sheet_names:
        if name not in names:
            sheet = book.sheet(name)
            what = ("it is empty" if sheet.empty else
                    f"it has no header of {KIND_NAMES[kind]}, so what it holds is not imported")
            plan.warn(name, "A1", f"this sheet is not imported: {what}.", "sheet-skipped",
                      "" if sheet.empty else _sheet_text(sheet))
    last_rows = {}
    for layout, rows in layouts:
        skip_title_rows(plan, layout, rows)
        last_rows[layout.name] = book.last_row(layout.name)
    if progress is not None:
        progress(0, sum(last_rows.values()), f"Reading {book.path.name}…")
    read_into(plan, session, book, last_rows, progress)
    if plan.rows_read == 0 or not (plan.actions or plan.recommendations or plan.referrals):
        where = "; ".join(f"sheet '{l.name}' has its header on row {l.header_row}" for l, _ in layouts)
        raise UserError(f"{book.path.name}: {where}, but no row under it holds anything to import, so there is "
                        "nothing to import. Nothing was written.")
    return plan


def _sheet_text(sheet, limit: int = 20) -> str:
    """The first few values of a sheet not imported, for the import report."""
    texts = []
    for _number, values in sheet.rows(1, 200):
        texts += [str(v) for v in values if v != ""]
        if len(texts) >= limit:
            break
    return short_list(texts, limit)


def _decide_agencies(plan: LegacyImportPlan, agencies: dict[str, str], *, given: bool) -> None:
    """Take the user's agency choices: ``given`` now (a spelling this file does not hold is
    refused), or saved for this file name (such ones are passed over)."""
    for spelling, target in agencies.items():
        if match_key(spelling) in plan.agencies:
            plan.map_agency(spelling, target)
        elif given:
            raise UserError(f"--agency: '{clean(spelling)}' is not an agency spelling in {plan.path.name}. The "
                            f"spellings there are: {short_list([m.spelling for m in plan.agencies.values()])}.")


def _decide_words(words: Words, meanings: dict[str, str], *, given: bool) -> None:
    """Take what the user said words mean: ``given`` now (a word nobody has, or a meaning
    that is no value, is refused), or saved for this file name (such ones are passed over)."""
    for word, meaning in meanings.items():
        try:
            decide_word(words, word, meaning)
        except UserError:
            if given:
                raise


def decide_word(words: Words, word: str, meaning: str) -> None:
    """Say what ``word`` means for this import, in every word list where it is a word and
    the meaning is a value; a ``UserError`` if it is in none."""
    decided = []
    problems = []
    for kind in WORD_LISTS:
        if words.read(kind, word).word is None:
            continue
        try:
            decided.append(words.decide(kind, word, meaning))
        except ValueError as err:
            problems.append(str(err))
    if not decided:
        reason = problems[0] if problems else f"'{clean(word)}' is not one of the office's words (see Lists)"
        raise UserError(f"--word {clean(word)}={clean(meaning)}: {reason}.")


# --- layouts ---------------------------------------------------------------------------------

def _layouts(book: TrackerBook, kind: str, mapping: dict | None, header_row: int | None,
             saved: dict | None) -> tuple[list[tuple[SheetLayout, list]], str]:
    """Each sheet to import, with its header row, mapping and first rows, and where the mapping
    came from. A given mapping is used on every sheet whose header row it fits; else a saved
    mapping on every sheet whose header words are still those it was saved with; else the
    proposal."""
    given = _check_mapping(kind, mapping, book.path) if mapping is not None else None
    remembered = None
    if given is None and saved is not None:
        try:
            remembered = _check_mapping(kind, saved["columns"], book.path), dict(saved.get("headers", {}))
        except (UserError, KeyError, TypeError, AttributeError):
            remembered = None  # a damaged memory of choices: propose afresh
    layouts, sources = [], set()
    for name in book.sheet_names:
        sheet = book.sheet(name)
        if sheet.empty:
            continue
        rows = sheet.first_rows(max(HEADER_SCAN_ROWS, header_row or 0))
        found = find_header(rows, kind)
        row = header_row or (found[0] if found else None)
        if row is None:
            continue
        headers = headers_of(rows, row)
        if given is not None:
            columns, ignored = given
            if header_row and not all(letter in headers for letter in columns):
                continue  # the header row of this sheet does not fit the mapping
            source = "given"
        elif remembered is not None and all(match_key(remembered[1].get(letter)) == match_key(headers.get(letter))
                                            for letter in remembered[0][0]):
            (columns, ignored), source = remembered[0], "saved"
        elif found is not None:
            columns, ignored, source = found[1], frozenset(), "proposed"
        else:
            continue
        layouts.append((SheetLayout(name, row, dict(columns), headers, frozenset(ignored)), rows))
        sources.add(source)
    if not layouts:
        if empty_message(book):
            raise UserError(empty_message(book))
        looked_for = ", ".join(s[0].title() for s in list(FIELDS[kind].values())[:8])
        raise UserError(f"{book.path.name}: no sheet has the columns of {KIND_NAMES[kind]} (looked in the first "
                        f"{HEADER_SCAN_ROWS} rows for headers such as {looked_for}).")
    source = next(s for s in ("given", "saved", "proposed") if s in sources)
    return layouts, source


def _check_mapping(kind: str, mapping: dict, path: Path) -> tuple[dict[str, str], frozenset[str]]:
    """(letter -> field, letters ignored) of a mapping the user gave; a ``UserError`` naming
    the file for anything wrong in it."""
    fields = FIELDS[kind]
    checked: dict[str, str] = {}
    ignored: set[str] = set()
    for letter, name in mapping.items():
        letter = clean(str(letter)).upper()
        if not letter.isalpha() or not letter.isascii() or len(letter) > 3 or column_number(letter) > 16384:
            raise UserError(f"Column mapping for {path.name}: '{letter}' is not a column letter.")
        if name is not None and str(name).casefold() in _KEEP_COLUMN:
            continue  # as a column the mapping leaves out: its values are kept as text
        if name is None or name == "" or str(name).casefold() in _IGNORED_COLUMN:
            ignored.add(letter)
            continue
        if name not in fields:
            raise UserError(f"Column mapping for {path.name}: '{name}' (column {letter}) is not a field of "
                            f"{KIND_NAMES[kind]}; the fields are {', '.join(fields)}.")
        if name in checked.values():
            raise UserError(f"Column mapping for {path.name}: '{name}' is given to more than one column.")
        checked[letter] = name
    if not any(f in checked.values() for f in KEY_FIELDS[kind]):
        raise UserError(f"Column mapping for {path.name}: one column must be {' or '.join(KEY_FIELDS[kind])}.")
    return checked, frozenset(ignored)


# --- remembering what the user said -----------------------------------------------------------

def _mappings_file() -> Path:
    return paths.data_dir() / "import-mappings.json"


def _read_mappings() -> dict:
    try:
        found = json.loads(_mappings_file().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return {}  # a damaged memory of choices is not worth stopping an import for
    return found if isinstance(found, dict) else {}


def mapping_of(plan: LegacyImportPlan) -> dict:
    """What the user settled for this import, as a mapping file holds it: kind, columns
    (ignored ones as "ignore"), the header words they were set for, agency spellings and words."""
    sheet = plan.sheets[0] if plan.sheets else None
    columns: dict[str, str] = dict(plan.mapping)
    if sheet is not None:
        columns.update({letter: "ignore" for letter in sheet.ignored})
    return {"kind": plan.kind, "columns": columns, "headers": dict(sheet.headers) if sheet else {},
            "agencies": {plan.agencies[key].spelling: target for key, target in plan.agency_choices.items()},
            "words": {word: value for (_kind, word), value in plan.words.decided.items()}}


def save_mapping(plan: LegacyImportPlan, path: str | Path) -> Path:
    """Remember what the user settled (``mapping_of``) for workbooks called like ``path``;
    kept as JSON in the data folder, keyed by file name. Returns that JSON file."""
    mappings = _read_mappings()
    mappings[Path(path).name.casefold()] = mapping_of(plan)
    target = _mappings_file()
    target.write_text(json.dumps(mappings, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def load_mapping(path: str | Path) -> dict[str, str] | None:
    """The column mapping remembered for workbooks called like ``path``, or None."""
    saved = _read_mappings().get(Path(path).name.casefold())
    return dict(saved["columns"]) if isinstance(saved, dict) and "columns" in saved else None


def _saved(kind: str, path: Path) -> dict | None:
    saved = _read_mappings().get(path.name.casefold())
    if not isinstance(saved, dict) or saved.get("kind") != kind:
        return None
    return saved


def read_mapping_file(path: Path) -> dict:
    """A mapping file given on the command line (``--mapping``): its columns, agencies and
    words; a ``UserError`` naming the file for anything that is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"There is no mapping file at {path}.") from None
    except IsADirectoryError:
        raise UserError(f"--mapping: {path} is a folder; give the mapping file (JSON).") from None
    except PermissionError:
        raise UserError(f"--mapping: {path} cannot be read (permission denied).") from None
    except (ValueError, UnicodeDecodeError, OSError) as err:
        raise UserError(f"{Path(path).name} is not a column mapping (JSON) file: {err}.") from None
    columns = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise UserError(f"{Path(path).name} should map column letters to fields, e.g. "
                        '{"A": "review", "B": "action"}.')
    found = {"columns": {str(k): (None if v is None else str(v)) for k, v in columns.items()
                         if k not in ("agencies", "words", "kind", "headers")}}
    for part in ("agencies", "words"):
        value = data.get(part, {}) if isinstance(data, dict) else {}
        if not isinstance(value, dict):
            raise UserError(f"{Path(path).name}: '{part}' should map each spelling to what it is.")
        found[part] = {str(k): str(v) for k, v in value.items()}
    return found


# --- applying --------------------------------------------------------------------------------

def apply_import(session: Session, plan: LegacyImportPlan) -> str:
    """Write the plan in the caller's transaction and say what was done. Every record goes
    through its service (``app.services``), which checks and audits it. Once the transaction
    is committed, the import report is saved beside the database (not if it is rolled back).

    Refused (``UserError``, nothing written) while a word that means several things is
    undecided. Records found again are left as they are, so applying the same workbook twice
    creates nothing the second time; on a database server two imports at once are written one
    after the other (``bulk.wait_for_other_imports``), so that the second finds the first's.
    """
    undecided = plan.words_to_decide()
    if undecided:
        first = undecided[0]
        words = "; ".join(f"'{w.word.word}' ({' or '.join(w.word.meanings)}, {short_list([c for _, c in w.cells], 5)})"
                          for w in undecided)
        raise UserError(f"{plan.path.name} uses words that could mean more than one thing: {words}. Say which is "
                        f"meant (--word \"{first.word.word}={first.word.meanings[-1]}\", or choose in the preview) "
                        "and import again. Nothing was written.")
    doubts = plan.warnings
    wait_for_other_imports(session)  # on a server: another import's records are then found again
    _refuse_agencies_added_meanwhile(session, plan)
    writer = Writer(session, plan)
    with collecting_afterwards():
        writer.write()
    summary = writer.summary()
    report = _report_target(session, plan)
    if doubts:
        summary += f"\n{len(doubts):,} doubts, each kept in the import report" + (f": {report}." if report else ".")
    if report is not None:
        _write_after_commit(session, report, summary, doubts)
    return summary


def _refuse_agencies_added_meanwhile(session: Session, plan: LegacyImportPlan) -> None:
    """Refuse a plan that would add an agency someone else added since its preview (another
    import, most likely): the preview decided which spellings are new, and what they now mean
    is for the user to see again. Everything else is found again as it is written."""
    added = [name for name, _marked in plan.new_agencies().values() if find_agency(session, name) is not None]
    if added:
        raise UserError(f"{plan.path.name} would add the agenc{'ies' if len(added) > 1 else 'y'} "
                        f"{', '.join(repr(name) for name in added)}, which someone else added after the preview was "
                        f"made (another import?). Import {plan.path.name} again to see what it would do now. "
                        "Nothing was written.")


def _report_target(session: Session, plan: LegacyImportPlan) -> Path | None:
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite":
        # A database on a server has no folder of its own: the report goes where this
        # person's papers and exports go, named after the database.
        return report_path(default_output_folder() / url.database, plan.path)
    if not url.database or url.database == ":memory:":
        return None
    return report_path(Path(url.database), plan.path)


def _write_after_commit(session: Session, report: Path, summary: str, doubts: list[ImportWarning]) -> None:
    """Save the report once the import's transaction is committed; not if it is rolled back."""
    ended = []

    def committed(_session) -> None:
        if ended:
            return
        ended.append(True)
        try:
            write_report(report, summary, doubts)
        except OSError as err:  # the import stands; the report is a help
            log.warning("The import report could not be saved as %s: %s", report, err)

    def rolled_back(_session) -> None:
        ended.append(True)

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)
