"""Reading a worksheet's XML as it streams: the first rows' text and the cells with formulas,
as other programs write them (shared or inline strings, cell references left out, rich text)."""

from __future__ import annotations

import zipfile

import openpyxl

from app.excel.sheet_xml import first_rows, formula_cells

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_with(path, sheet_xml: str, shared: list[str] | None = None) -> None:
    """A minimal .xlsx holding one sheet, "Plan", with this sheetData."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
                           'officeDocument/2006/relationships"><sheets><sheet name="Plan" sheetId="1" '
                           'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      'relationships"><Relationship Id="rId1" Type="worksheet" '
                                      'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>',
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">' + "".join(shared) + "</sst>"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def test_first_rows_read_shared_inline_and_rich_strings_and_count_cells_without_references(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook_with(path, (
        '<row r="1"><c r="B1" t="s"><v>1</v></c></row>'
        '<row><c t="inlineStr"><is><t>Ref</t></is></c><c t="s"><v>0</v></c><c><v>42</v></c>'
        '<c t="s"><v>2</v></c></row>'
        '<row r="9"><c r="A9" t="str"><f>1+1</f><v>2</v></c></row>'
    ), shared=["<si><t>Action</t></si>", "<si><t>Title</t></si>",
               "<si><r><t>Lead </t></r><r><t>agency</t></r><rPh><t>reading</t></rPh></si>"])
    assert first_rows(path, 3) == {"Plan": [["", "Title"], ["Ref", "Action", "", "Lead agency"]]}
    assert first_rows(path, 20)["Plan"][8] == ["2"]
    assert formula_cells(path, "Plan") == {(8, 0)}


def test_first_rows_stop_early_on_a_huge_sheet(tmp_path):
    """Only the rows asked for are read: the shared strings after the last one used are not."""
    path = tmp_path / "big.xlsx"
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{n - 1}</v></c></row>' for n in range(1, 50_001))
    workbook_with(path, rows + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                  shared=[f"<si><t>row {n}</t></si>" for n in range(50_000)])
    assert first_rows(path, 2) == {"Plan": [["row 0"], ["row 1"]]}


def test_first_rows_of_a_workbook_saved_by_openpyxl(tmp_path):
    path = tmp_path / "saved.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "One"
    wb.active.append(["Ref", 3, "Action"])
    wb.create_sheet("Two").append([None, "Status"])
    wb.save(path)
    assert first_rows(path, 5) == {"One": [["Ref", "", "Action"]], "Two": [["", "Status"]]}
