"""The routine log: in the data folder from the first command, events without record text."""

from __future__ import annotations

import logging

from app import logs
from app.cli import main


def test_the_first_command_starts_the_log_with_what_was_run_and_no_record_text(data_dir, tmp_path):
    database = tmp_path / "office.sqlite"
    assert main(["demo", "--db", str(database)]) == 0
    assert main(["report", "briefing", "--db", str(database), "--out", str(tmp_path / "b.pdf")]) == 0

    text = (data_dir / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")
    assert "started: demo" in text and "started: report" in text
    for record_text in ("Child U", "neglect", "Ref053"):
        assert record_text not in text


def test_the_log_follows_the_data_folder_and_keeps_one_handler(data_dir, tmp_path, monkeypatch):
    first = logs.start_log()
    monkeypatch.setenv("CRT_DATA_DIR", str(tmp_path / "elsewhere"))
    second = logs.start_log()
    logging.getLogger("app.example").info("Backup taken")
    logs.flush_log()

    assert first != second and second == tmp_path / "elsewhere" / "logs" / logs.LOG_NAME
    assert "Backup taken" in second.read_text(encoding="utf-8")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == logs.LOG_NAME]
    assert len(ours) == 1 and ours[0].maxBytes == logs.LOG_BYTES and ours[0].backupCount == logs.LOG_BACKUPS
    logs.stop_log()
    assert [h for h in logging.getLogger().handlers if h.get_name() == logs.LOG_NAME] == []


def test_a_data_folder_that_cannot_be_made_means_no_log_not_a_crash(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CRT_DATA_DIR", str(blocker / "data"))
    assert logs.start_log() is None
