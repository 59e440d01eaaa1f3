"""The hidden "Export check" column is the one column the privacy check does not read as the
workbook is written (it is a tenth of the text of a plan): what it holds is the program's own
code, hex fingerprints and a signature, which no check can find anything in. These tests hold
the column to that shape, on a real export, and show that nothing of that shape is a finding."""

from __future__ import annotations

import random
import re

import openpyxl

from app.cli import main
from app.excel.export import ACTION_SHEET, EXPORT_CHECK, Fingerprints, action_plan_columns, export_check
from app.privacy_scan import scan_cells

HEADER_ROW = 3
# Two lists of 8-digit hex fingerprints, the lead agency's id (or null), a 32-digit signature.
CHECK_SHAPE = re.compile(r'\["[0-9a-f]{8}(?: [0-9a-f]{8})*","[0-9a-f]{8}(?: [0-9a-f]{8})*",(?:[0-9]+|null),"[0-9a-f]{32}"\]')
# Never-print terms that look like parts of the code. (A term of exactly 8 or 32 hex digits
# could equal a fingerprint or signature by chance, one in four billion: a false alarm, since
# the code holds nothing of the record, which is why the column need not be read.)
HEX_LOOKING_TERMS = ["cafe", "0", "ab12 cd34", "123456", "f00d 0"]


def test_the_check_column_is_not_read_as_written_but_every_other_column_is():
    scanned = {c.key: c.scanned for c in action_plan_columns(["Open"])}
    assert scanned.pop(EXPORT_CHECK) is False
    assert all(scanned.values())


def test_every_check_cell_of_an_exported_plan_has_the_codes_shape(tmp_path, capsys):
    db, out = tmp_path / "demo.sqlite", tmp_path / "plan.xlsx"
    assert main(["demo", "--db", str(db)]) == 0
    assert main(["export", "action-plan", "--db", str(db), "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)[ACTION_SHEET]
    column = next(cell.column for cell in sheet[HEADER_ROW] if cell.value == "Export check")
    cells = [row[0].value for row in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=column, max_col=column)]
    assert len(cells) > 20
    assert all(CHECK_SHAPE.fullmatch(value) for value in cells)
    assert scan_cells([("check", value) for value in cells], HEX_LOOKING_TERMS) == []


def test_nothing_of_the_codes_shape_is_a_finding():
    chance = random.Random(20261204)
    fingerprints = Fingerprints()
    cells = []
    for action_id in range(20_000):
        # Values whose fingerprints vary; digit-only fingerprints ("00000000", "02681152") are common.
        locked = [chance.choice(["", None, "x"]) or chance.getrandbits(40) for _ in range(chance.randint(1, 12))]
        editable = [chance.getrandbits(32) for _ in range(chance.randint(1, 6))]
        agency = chance.choice([None, chance.randint(1, 10**9)])
        cell = export_check(chance.randbytes(32), "e" * 32, action_id, 1, agency, locked, editable, fingerprints)
        assert CHECK_SHAPE.fullmatch(cell)
        cells.append(("check", cell))
    # The NHS, postcode, date of birth, e-mail and telephone checks, and hex-looking words.
    assert scan_cells(cells, HEX_LOOKING_TERMS) == []
