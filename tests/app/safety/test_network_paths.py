"""Mapped drives, UNC paths, network shares and synced folders.

Windows turns a mapped drive (Z:) into its UNC name (\\\\server\\share) when a path is
resolved, and a ``file://`` URI made from a UNC path names the server as its authority,
which SQLite refuses. A database on a network share or in a OneDrive/SharePoint folder
must not use write-ahead logging, and the user is told why.
"""

from __future__ import annotations

import pathlib
import sqlite3
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote, urlsplit

import pytest

from app import cli, paths
from app.backups import backup_folder, list_backups, restore_backup, set_backup_folder, take_backup
from app.check import check_database
from app.database import open_database
from app.services.referrals import create_referral
from db.engine import read_only_uri, sqlite_url
from tests.app.safety.helpers import rows

UNC = PureWindowsPath(r"\\fileserver\Safeguarding\Case reviews\office #2.sqlite")
MAPPED = PureWindowsPath(r"Z:\Case reviews\office 100%.sqlite")


def _sqlite_file_name(uri: str) -> str:
    """The file SQLite opens for a ``file:`` URI (its rules: empty authority, %-escapes,
    a leading "/" dropped before a drive letter)."""
    parts = urlsplit(uri)
    assert parts.scheme == "file" and parts.netloc == "", f"SQLite refuses the authority in {uri}"
    path = unquote(parts.path)
    return path[1:] if len(path) > 2 and path[2] == ":" else path


def test_a_uri_made_the_old_way_from_a_unc_path_is_refused_by_sqlite():
    with pytest.raises(sqlite3.OperationalError, match="invalid uri authority"):
        sqlite3.connect(f"{UNC.as_uri()}?mode=ro", uri=True)


@pytest.mark.parametrize("path, opened", [
    (UNC, "//fileserver/Safeguarding/Case reviews/office #2.sqlite"),
    (MAPPED, "Z:/Case reviews/office 100%.sqlite"),
])
def test_read_only_uris_of_unc_and_mapped_drive_paths_name_the_same_file(path, opened):
    uri = read_only_uri(path)
    assert uri.endswith("?mode=ro") and _sqlite_file_name(uri.removesuffix("?mode=ro")) == opened
    assert sqlite_url(path).database == str(path)  # handed to SQLite as it is, not as a URL


@pytest.fixture
def resolve_like_a_mapped_drive(monkeypatch, tmp_path):
    """Make ``Path.resolve`` do to the test's folder what Windows does to a mapped drive:
    give the server's name (a path that reaches nothing here)."""
    real_resolve = pathlib.Path.resolve

    def to_unc(self, strict=False):
        if not str(self).startswith(str(tmp_path)):
            return real_resolve(self, strict)
        return pathlib.Path("//fileserver/share", *pathlib.PurePosixPath(str(self)).parts[1:])
    monkeypatch.setattr(pathlib.Path, "resolve", to_unc)


def test_database_check_backup_list_and_restore_never_resolve_the_drive(office_db, tmp_path,
                                                                          resolve_like_a_mapped_drive):
    folder = set_backup_folder(tmp_path / "Z drive" / "backups #1")
    assert folder == tmp_path / "Z drive" / "backups #1"  # as the user chose it, not resolved
    db = open_database(office_db)
    with db.sessions.begin() as s:
        create_referral(s, reference="Ref950", summary="Neglect")
    db.close()
    backup = take_backup(office_db, backup_folder(), "manual")
    assert [b.path for b in list_backups(backup_folder(), office_db) if b.ok][0] == backup.path
    assert check_database(office_db).ok
    restore_backup(backup.path, office_db, backup_folder())
    assert rows(office_db, "SELECT count(*) FROM referral WHERE reference = 'Ref950'") == [(1,)]


def test_unc_paths_and_mapped_network_drives_are_network_paths(monkeypatch):
    monkeypatch.setattr(paths, "_remote_drive", lambda drive: drive.upper() == "Z:")
    assert paths.is_network_path(UNC)
    assert paths.is_network_path(PureWindowsPath(r"\\?\UNC\fileserver\share\office.sqlite"))
    assert paths.is_network_path(MAPPED)
    assert not paths.is_network_path(PureWindowsPath(r"C:\Users\officer\office.sqlite"))
    assert not paths.is_network_path(PureWindowsPath(r"\\?\C:\Users\officer\office.sqlite"))


def test_network_file_systems_are_recognised_by_their_mount(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "_mounts", lambda: [("/", "ext4"), (str(tmp_path / "share"), "cifs")])
    assert paths.is_network_path(tmp_path / "share" / "office.sqlite")
    assert not paths.is_network_path(tmp_path / "shared" / "office.sqlite")


def test_onedrive_and_sharepoint_folders_are_recognised(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "_sync_roots", lambda: [(PureWindowsPath(r"C:\Users\officer\Council"),
                                                        "OneDrive or SharePoint")])
    assert paths.synced_by(PureWindowsPath(r"c:\users\officer\council\Reviews - Documents\x.sqlite")) \
        == "OneDrive or SharePoint"
    assert paths.synced_by(PureWindowsPath(r"C:\Users\officer\OneDrive - Council\x.sqlite")) == "OneDrive"
    assert paths.synced_by(PureWindowsPath(r"C:\Users\officer\Documents\x.sqlite")) is None


def _journal_mode(path: Path) -> str:
    return rows(path, "PRAGMA journal_mode")[0][0]


@pytest.mark.parametrize("place", ["network", "synced"])
def test_a_database_on_a_network_share_or_in_a_synced_folder_warns_and_never_uses_wal(
        office_db, tmp_path, monkeypatch, place):
    assert _journal_mode(office_db) == "wal"  # made on a local disk: write-ahead logging
    folder = tmp_path / ("share" if place == "network" else "OneDrive - Council")
    folder.mkdir()
    moved = office_db.rename(folder / office_db.name)
    if place == "network":
        monkeypatch.setattr(paths, "_mounts", lambda: [("/", "ext4"), (str(folder), "cifs")])
    else:
        monkeypatch.setenv("OneDriveCommercial", str(folder))

    db = open_database(moved, create=False)
    try:
        with db.sessions.begin() as s:
            create_referral(s, reference="Ref951", summary="Neglect")
        assert not moved.with_name(moved.name + "-wal").exists()
    finally:
        db.close()
    assert _journal_mode(moved) == "delete"
    expected = "network drive" if place == "network" else "keeps in sync"
    assert expected in db.location_warning and "write-ahead logging" in db.location_warning


def test_the_command_line_says_so_too(office_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "_mounts", lambda: [("/", "ext4"), (str(office_db.parent), "nfs")])
    assert cli.main(["plan", "--db", str(office_db)]) == 0
    assert "Warning: " in capsys.readouterr().err and _journal_mode(office_db) == "delete"


def test_a_database_on_a_local_disk_says_nothing(office_db, monkeypatch):
    monkeypatch.setattr(paths, "_mounts", lambda: [("/", "ext4")])
    db = open_database(office_db, create=False)
    db.close()
    assert db.location_warning is None and _journal_mode(office_db) == "wal"
