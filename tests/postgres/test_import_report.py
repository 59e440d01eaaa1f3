"""An import into a database on the server keeps its report (every doubt, row by row) where
this person's papers and exports go, named after the database: a server database has no
folder beside it, and the folder the command happened to run in is no place for it."""

from __future__ import annotations

import os

from app.cli import main
from app.output_folder import default_output_folder
from tests.app.excel.legacy_fixtures import MESSY_AGENCIES, MESSY_WORDS, build_messy_tracker
from tests.postgres import databases as server


def test_the_report_of_an_import_into_a_server_database_goes_to_the_output_folder(pg_url, tmp_path, capsys,
                                                                                   monkeypatch):
    tracker = build_messy_tracker(tmp_path / "Northshire plan.xlsx")
    elsewhere = tmp_path / "where the command ran"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    options = [f"--agency={spelling}={target}" for spelling, target in MESSY_AGENCIES.items()]
    options += [f"--word={word}={meaning}" for word, meaning in MESSY_WORDS.items()]
    assert main(["import", str(tracker), "--db", server.address(pg_url), "--yes", *options]) == 0
    out = capsys.readouterr().out
    [report] = default_output_folder().glob(f"{pg_url.database} import * Northshire plan.csv")
    assert f"each kept in the import report: {report}" in " ".join(out.split())
    assert "Kind,Sheet,Row,Cell" in report.read_text(encoding="utf-8-sig")
    assert os.listdir(elsewhere) == []
