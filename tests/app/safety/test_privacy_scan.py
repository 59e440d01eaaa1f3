"""The privacy scan finds what must not leave the program, says where, and records the decision."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.privacy_scan import (
    DATE_OF_BIRTH,
    EMAIL,
    NEVER_PRINT,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    nhs_number_is_valid,
    never_print_terms,
    partial_path,
    record_privacy_decision,
    save_never_print_terms,
    scan_cells,
    scan_pages,
    scan_text,
    scan_workbook,
    workbook_cells,
    write_checked,
)
from db.models import AuditEntry, Setting


def kinds(text: str, never_print=()) -> list[str]:
    return [f.kind for f in scan_text(text, never_print)]


# --- NHS numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_a_valid_nhs_number_is_found_however_it_is_spaced(number):
    assert kinds(f"Child U (NHS {number}) was seen at A&E.") == [NHS_NUMBER]


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "943 4765 919", "94347659190"])
def test_numbers_that_fail_the_check_digit_or_the_shape_are_not_nhs_numbers(number):
    assert NHS_NUMBER not in kinds(f"Ref {number}")


def test_the_modulus_11_check_digit():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765910")
    # A remainder giving check digit 10 means no valid number starts with these nine digits.
    assert not any(nhs_number_is_valid(f"100000001{d}") for d in range(10))
    assert not nhs_number_is_valid("943476591")
    assert not nhs_number_is_valid("９４３４７６５９１９")  # full-width digits are not an NHS number


# --- postcodes, dates of birth, e-mail, phone -------------------------------------------------

@pytest.mark.parametrize("postcode", ["SO14 7LY", "so14 7ly", "M1 1AE", "EC1A 1BB", "W1A 0AX", "CR2 6XH", "DN551PT"])
def test_uk_postcodes_are_found(postcode):
    assert kinds(f"The family moved to {postcode} last spring.") == [POSTCODE]


@pytest.mark.parametrize("text", ["Ref053 Neglect", "Review SCR2 2017", "1 yr 11 mths", "QQ1 1AA is not one"])
def test_ordinary_text_is_not_a_postcode(text):
    assert POSTCODE not in kinds(text)


@pytest.mark.parametrize("text", [
    "DOB 03/04/2015", "D.O.B.: 3.4.15", "d.o.b 2015-04-03", "Date of birth: 3rd April 2015",
    "born on 3 April 2015", "Born April 3, 2015", "born in March 2015", "dob:03-04-2015",
])
def test_dates_of_birth_are_found(text):
    assert kinds(f"Child R, {text}, lived with her mother.") == [DATE_OF_BIRTH]


@pytest.mark.parametrize("text", ["Decision on 03/04/2015", "born prematurely", "Published 26th January 2017"])
def test_other_dates_are_not_dates_of_birth(text):
    assert DATE_OF_BIRTH not in kinds(text)


def test_email_addresses_are_found():
    assert kinds("Send to jane.smith+scr@example.nhs.uk today") == [EMAIL]


@pytest.mark.parametrize("number", ["023 8083 2000", "02380832000", "07700 900123", "+44 7700 900123",
                                    "+44 (0)20 7946 0000", "(01234) 567890", "0800 123 4567", "0161-496-0000"])
def test_uk_phone_numbers_are_found(number):
    assert kinds(f"Call the duty desk on {number} after 5pm.") == [PHONE]


@pytest.mark.parametrize("text", ["Between 2015 and 2017", "0 referrals", "Ref 012345", "Actions 01 to 12"])
def test_other_numbers_are_not_phone_numbers(text):
    assert PHONE not in kinds(text)


# --- the never-print list ---------------------------------------------------------------------

def test_never_print_words_are_matched_whole_and_in_any_case():
    terms = ["Jessica", "Tyler Brown", "O'Neill"]
    found = scan_text("JESSICA met tyler  brown and o'neill; Jessicas and Tyler Browne did not.", terms)
    assert [f.kind for f in found] == [NEVER_PRINT] * 3
    assert [f.position for f in found] == [0, 12, 29]


def test_findings_are_masked_and_say_where():
    found = scan_cells([("Sheet 'Action plan' F14", "NHS 943 476 5919"), ("page 3", None),
                        ("page 4", "Contact Jessica on 07700 900123")], ["jessica"])
    assert [(f.kind, f.where) for f in found] == [
        (NHS_NUMBER, "Sheet 'Action plan' F14"), (NEVER_PRINT, "page 4"), (PHONE, "page 4")]
    assert found[0].masked == "*********919" and "943" not in found[0].masked
    assert found[1].masked == "*****ca"
    assert found[0].describe() == "NHS number *********919 (Sheet 'Action plan' F14, character 5)"


def test_a_finding_on_a_page_names_the_page_only():
    found = scan_pages(["Ref053", "", "Seen at SO14 7LY with Jessica."], ["Jessica"])
    assert [f.describe() for f in found] == ["postcode ******LY (page 3)", "word on the never-print list *****ca (page 3)"]


@pytest.mark.parametrize("text", [
    '["890f980e 00ce5753 988a2d13 1417ad52 00000000 57e1cb5e 864eb327 00000000 747f2319"]',
    "database id 0a9434765919b3c2d1e0f9a8b7c6d5e4",
])
def test_the_hex_of_an_export_check_or_an_id_is_not_a_phone_or_nhs_number(text):
    # An export's hidden columns hold fingerprints and ids; digits run into letters there.
    assert kinds(text) == []


def test_a_number_found_as_an_nhs_number_is_not_reported_again_as_a_phone_number():
    assert kinds("0000000000") == [NHS_NUMBER]


def test_a_workbook_is_scanned_cell_by_cell_including_sheet_names(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet["A1"] = "Ref053"
    sheet["F14"] = "Discussed with Jessica's school"
    sheet["B2"] = 9434765919  # typed as a number
    book.create_sheet("Jessica")
    path = tmp_path / "plan.xlsx"
    book.save(path)

    found = scan_cells(workbook_cells(path), ["Jessica"])
    assert [(f.kind, f.where) for f in found] == [
        (NHS_NUMBER, "Sheet 'Action plan' B2"), (NEVER_PRINT, "Sheet 'Action plan' F14"),
        (NEVER_PRINT, "Sheet name 'Jessica'")]


def test_the_never_print_list_is_kept_and_its_names_stay_out_of_the_audit_trail(session):
    stored = save_never_print_terms(session, ["Jessica", " Tyler   Brown ", "", "jessica", "O'Neill"])
    assert stored == ["Jessica", "Tyler Brown", "O'Neill"]
    assert never_print_terms(session) == stored
    assert session.get(Setting, "never_print").value == "Jessica\nTyler Brown\nO'Neill"
    save_never_print_terms(session, ["Jessica"])
    assert never_print_terms(session) == ["Jessica"]

    audit = session.scalars(select(AuditEntry).where(AuditEntry.record_id == "never_print")).all()
    assert [(a.old_value, a.new_value) for a in audit] == [("0 terms", "3 terms"), ("3 terms", "1 term")]
    everything = " ".join(str(v) for a in session.scalars(select(AuditEntry)).all()
                          for v in (a.old_value, a.new_value, a.record_id, a.field))
    assert "Jessica" not in everything and "Tyler" not in everything


@pytest.mark.parametrize("proceeded, words", [(True, "Proceeded knowingly"), (False, "Stopped to fix")])
def test_the_users_decision_is_in_the_audit_trail_without_the_text_found(session, proceeded, words):
    found = scan_cells([("Sheet 'Police' F14", "NHS 943 476 5919"), ("page 3", "SO14 7LY"),
                        ("page 3", "DN55 1PT")], [])
    entry = record_privacy_decision(session, "Composite action plan - Police.xlsx", found, proceeded)
    stored = session.scalars(select(AuditEntry).where(AuditEntry.operation == "privacy-check")).one()
    assert stored is entry
    assert stored.record_id == "Composite action plan - Police.xlsx"
    assert stored.new_value == (f"{words}{' the document' if not proceeded else ''}. Found 1 NHS number, "
                                "2 postcodes at Sheet 'Police' F14, page 3.")
    assert "5919" not in stored.new_value and "7LY" not in stored.new_value


# --- nothing leaves before it is checked ------------------------------------------------------

def write_nhs_number(partial):
    partial.write_text("NHS 943 476 5919", encoding="utf-8")
    return "written"


def scan_file(partial, _result):
    return scan_text(partial.read_text(encoding="utf-8"), (), "page 1")


@pytest.mark.parametrize("go_ahead", [True, False])
def test_a_document_waits_under_its_partial_name_until_it_may_take_its_own(tmp_path, go_ahead):
    out = tmp_path / "Plan.pdf"
    out.write_text("an earlier copy", encoding="utf-8")
    result, checked = write_checked(out, write_nhs_number, scan_file)
    assert result == "written" and checked.partial == partial_path(out) == tmp_path / "~Plan.part.pdf"
    assert [f.kind for f in checked.findings] == [NHS_NUMBER]
    assert out.read_text(encoding="utf-8") == "an earlier copy"  # not yet replaced
    if go_ahead:
        assert checked.put_in_place() == out
        assert out.read_text(encoding="utf-8") == "NHS 943 476 5919"
    else:
        checked.discard()
        assert out.read_text(encoding="utf-8") == "an earlier copy"
    assert list(tmp_path.iterdir()) == [out]


def test_a_failed_or_cancelled_check_leaves_nothing(tmp_path):
    class Cancelled(Exception):
        pass

    def cancel(done, total, text):
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        write_checked(tmp_path / "Plan.xlsx", lambda partial: partial.write_text("x"),
                      lambda partial, _result: [], progress=cancel)
    assert list(tmp_path.iterdir()) == []


# --- it never breaks on odd input -------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(text=st.text(), terms=st.lists(st.text(max_size=20), max_size=5))
def test_scanning_any_text_with_any_never_print_list_never_raises(text, terms):
    read = privacy_scan.as_read(text)  # positions count in the text as a reader reads it
    for finding in scan_text(text, terms):
        assert 0 <= finding.position < len(read)
        assert len(finding.masked) <= len(read)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -+()@.DOBdobornSW1AE/:\n", max_size=60))
def test_scanning_digit_heavy_text_never_raises(text):
    scan_text(text, ["on"])


def test_a_long_run_without_spaces_is_scanned_quickly():
    import time

    started = time.perf_counter()
    scan_text("a" * 200_000 + "@" + "b" * 200_000, ["x"])
    assert time.perf_counter() - started < 2


# --- the fast forms of the patterns find what the plain forms find ----------------------------

import re  # noqa: E402

from app import privacy_scan  # noqa: E402

# The patterns as first written: a look-behind first, or case-blind throughout. The module's
# forms start with a plain character so that the regex engine can skip to where a match could
# start; they must find exactly the same.
PLAIN = {
    "_NHS": re.compile(r"(?<![0-9A-Za-z])[0-9]{3}([ -]?)[0-9]{3}\1[0-9]{4}(?![0-9A-Za-z])"),
    "_DOB": re.compile(rf"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|born(?:\s+(?:on|in))?)\s*[:-]?\s*"
                       rf"{privacy_scan._DATE}", re.IGNORECASE),
    "_PHONE": re.compile(r"(?<![0-9A-Za-z+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)[0-9]{2,4}\)?(?:[\s-]?[0-9]){5,8}"
                         r"(?![0-9A-Za-z])"),
}
TOKENS = ["DOB", "d.o.b.", "D. O. B", "dob:", "xdob", "born", "Born on", "bORN in", "date of birth", "Date  of\nbirth",
          "3", "03/04/2015", "3.4.15", "2015-04-03", "3rd", "April", "apr.", "2015", ",", " ", "  ", ":", "-", "\n",
          "\x00", "_", "+44", "(0)", "(", ")", "0", "020", "7946", "0000", "07700", "900123", "943", "476", "5919",
          "9434765919", "a", "Z", "é", "ſ", "K", "ı", "İ", "SO14", "7LY", "so14 7ly", "GIR 0AA", "EC1A", "1BB", "W1A",
          "0AX", "DN55", "1PT", "M1", "1AE", "CR2", "6XH", "b70c37eb", "@", "jane.smith", "example.nhs.uk"]
tokens_text = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(tokens_text, st.text(alphabet="0123456789 -+()@.:/DOBdobornate \n\x00ſKıİ", max_size=60)))
def test_the_fast_patterns_find_what_the_plain_ones_find(text):
    for name, plain in PLAIN.items():
        fast = getattr(privacy_scan, name)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], name


def plain_never_print(terms) -> re.Pattern:
    cleaned = {" ".join(t.split()).casefold(): " ".join(t.split()) for t in terms if t and t.strip()}
    alternatives = sorted((r"\s+".join(map(re.escape, t.split())) for t in cleaned.values()), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


NAMES = ["Jessica", "Tyler Brown", "O'Neill", "ſam", "Kate", "kelly", "Iris", "-x", "a]b", "Jo", "Tom Jo", "9b"]


@settings(max_examples=500, deadline=None)
@given(terms=st.lists(st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=8)), min_size=1, max_size=4),
       pieces=st.lists(st.one_of(st.sampled_from(NAMES + [n.upper() for n in NAMES] + [" ", "  ", "\n", "x", "ı", "İ",
                                                                              "K", "S", "'", "É", "s"]),
                                 st.text(max_size=6)), max_size=10))
def test_the_fast_never_print_pattern_finds_what_the_plain_one_finds(terms, pieces):
    text = "".join(pieces)
    fast = privacy_scan._never_print_pattern(terms)
    if fast is None:
        assert not any(t.strip() for t in terms)
        return
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain_never_print(terms).finditer(text)]


@pytest.mark.parametrize("term, text", [("kelly", "Met \u212aelly."), ("Iris", "\u0131ris"), ("Iris", "\u0130RIS"),
                                        ("sam", "\u017fam"), ("Tyler Brown", "tyler\n\tBROWN")])
def test_a_never_print_word_is_found_in_any_case_the_plain_pattern_finds(term, text):
    assert [m.span() for m in privacy_scan._never_print_pattern([term]).finditer(text)] == \
        [m.span() for m in plain_never_print([term]).finditer(text)] != []


def scanned_alone(text: str, terms, where: str) -> list:
    """The scan as first written: every pattern over this one text (as read), no quick tests first."""
    text = privacy_scan.as_read(text)
    found, taken = [], []
    for kind, pattern, accept, _hint in privacy_scan._Scanner(terms).checks:
        for match in pattern.finditer(text):
            start, end = match.span()
            if (accept is None or accept(match)) and not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                found.append(privacy_scan.Finding(kind, privacy_scan.mask(match.group()), where, start))
    return sorted(found, key=lambda f: f.position)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(tokens_text, st.text(max_size=30)), max_size=8),
       terms=st.lists(st.sampled_from(["Jane", "date", "on", "ſam", "Kate", "a\x00b", "0AA"]), max_size=3))
def test_many_texts_scanned_together_find_what_each_finds_alone(texts, terms):
    together = scan_cells([(f"cell {i}", text) for i, text in enumerate(texts)], terms)
    alone = [finding for i, text in enumerate(texts) if text for finding in scanned_alone(text, terms, f"cell {i}")]
    assert together == alone


# --- everything a reader of a workbook can see ------------------------------------------------

def test_header_and_footer_codes_are_taken_out_and_sections_kept_apart():
    from app.excel.visible_text import header_footer_sections

    assert header_footer_sections('&L&"Arial,Bold"&14Jes&Bsica&CPage &P of &N&R&KFF0000A&&B Ltd') == [
        "Jessica", "Page  of ", "A&B Ltd"]


def test_every_text_a_reader_of_a_workbook_sees_is_scanned(tmp_path):
    import xlsxwriter

    path = tmp_path / "everything.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "Notes on Jessica"})
    sheet = book.add_worksheet("Plan")
    sheet.write_string(0, 0, "Ref053")
    sheet.write_formula(1, 0, '="Call "&"07700 900123"', None, "Call 07700 900123")
    sheet.set_header("&LOFFICIAL&CJessica")
    sheet.set_footer("&CSO14 7LY")
    sheet.data_validation(2, 0, 9, 0, {"validate": "list", "source": ["Open", "Jessica"],
                                       "input_title": "Status", "input_message": "Ask Jessica"})
    sheet.write_comment(3, 1, "Jessica said so")
    sheet.write_url(4, 0, "https://example.org", string="Link", tip="Jessica's page")
    hidden = book.add_worksheet("Stamp")
    hidden.write_string(0, 0, "NHS 943 476 5919")
    hidden.very_hidden()
    book.close()

    found = scan_workbook(path, ["Jessica"])
    assert [(f.kind, f.where) for f in found] == [
        (PHONE, "Sheet 'Plan' A2"),
        (PHONE, "Sheet 'Plan' A2 (formula)"),
        (NEVER_PRINT, "Sheet 'Plan' drop-down lists and messages"),
        (NEVER_PRINT, "Sheet 'Plan' drop-down lists and messages"),
        (NEVER_PRINT, "Sheet 'Plan' links"),
        (NEVER_PRINT, "Sheet 'Plan' header"),
        (POSTCODE, "Sheet 'Plan' footer"),
        (NHS_NUMBER, "Sheet 'Stamp' A1"),
        (NEVER_PRINT, "Comments"),
        (NEVER_PRINT, "Document properties"),
    ]
