"""Where the program keeps its files (the platform's per-user data folder), and what kind
of place a database file is in: a local disk, a network share, or a folder a cloud
service keeps in sync."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

from platformdirs import user_data_dir

from app.file_permissions import make_private
from db.engine import absolute_path

log = logging.getLogger(__name__)

APP_NAME = "CaseReviewTracker"
# Tests and portable installs point this at another folder.
DATA_DIR_ENV = "CRT_DATA_DIR"
DEFAULT_DB_NAME = "case-review-tracker.sqlite"

# File systems reached over a network (Linux's /proc/mounts names).
NETWORK_FILE_SYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "sshfs",
                        "davfs", "fuse.rclone", "glusterfs", "ceph"}
# Environment variables naming the folders OneDrive keeps in sync (personal and work).
SYNC_FOLDER_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
# Where OneDrive records every folder it syncs, SharePoint libraries included.
ONEDRIVE_SYNC_ROOTS_KEY = r"Software\SyncEngines\Providers\OneDrive"
DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a mapped network drive

NETWORK_WARNING = (
    "{path} is on a network drive. The program works on it, but more slowly and without "
    "write-ahead logging, which does not work over a network; if the connection drops while "
    "saving, the change is lost. Keep the database on this computer's own disk if you can, "
    "and put the backups on the network drive instead (File > Backup folder…). Several "
    "people should not use one database file on a shared drive at the same time.")
SYNCED_WARNING = (
    "{path} is in a folder that {service} keeps in sync. The sync can replace the file "
    "while the program has it open, losing recent work, so the program writes to it "
    "without write-ahead logging. Move the database to a folder that is not synced (your "
    "data folder, say) and keep the backups in the synced folder instead.")


def data_dir() -> Path:
    """The folder for the database, backups and logs (created if missing)."""
    override = os.environ.get(DATA_DIR_ENV)
    folder = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    if not folder.is_dir():
        folder.mkdir(parents=True)
        make_private(folder)
    return folder


def default_db_path() -> Path:
    return data_dir() / DEFAULT_DB_NAME


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def backup_dir() -> Path:
    folder = data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- network and synced folders ----------------------------------------------------------------

def _windows_path(path: PurePath) -> bool:
    return isinstance(path, PureWindowsPath)


def _remote_drive(drive: str) -> bool:
    """Whether the drive letter ``drive`` ("Z:") is a mapped network drive (Windows only)."""
    if sys.platform != "win32":
        return False
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE


def _mounts() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mounted file system (Linux; else none)."""
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            # Spaces in a mount point are written as \040.
            found.append((fields[1].replace("\\040", " "), fields[2]))
    return found


def is_network_path(path: str | PurePath) -> bool:
    """Whether ``path`` is on a network share: a UNC path, a mapped network drive, or (Linux)
    a network file system."""
    absolute = absolute_path(path)
    if _windows_path(absolute):
        drive = absolute.drive
        if drive.startswith("\\\\"):
            # \\?\C:\x is a local path in long form; \\server\share and \\?\UNC\... are not.
            return not (drive.startswith("\\\\?\\") and not drive.upper().startswith("\\\\?\\UNC"))
        return _remote_drive(drive)
    text = absolute.as_posix()
    best = ("", "")
    for mount_point, kind in _mounts():
        inside = text == mount_point or text.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best[0]):
            best = (mount_point, kind)
    return best[1] in NETWORK_FILE_SYSTEMS


def _sync_roots() -> list[tuple[PurePath, str]]:
    """The folders a cloud service keeps in sync, with the service's name."""
    roots: list[tuple[PurePath, str]] = [(absolute_path(os.environ[name]), "OneDrive")
                                         for name in SYNC_FOLDER_VARIABLES if os.environ.get(name)]
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, ONEDRIVE_SYNC_ROOTS_KEY) as providers:
                for index in range(winreg.QueryInfoKey(providers)[0]):
                    with winreg.OpenKey(providers, winreg.EnumKey(providers, index)) as provider:
                        mount_point, _kind = winreg.QueryValueEx(provider, "MountPoint")
                        roots.append((absolute_path(mount_point), "OneDrive or SharePoint"))
        except OSError:
            pass  # no OneDrive on this computer
    return roots


def synced_by(path: str | PurePath) -> str | None:
    """The service (OneDrive, SharePoint...) keeping ``path``'s folder in sync, if any."""
    absolute = absolute_path(path)
    for root, service in _sync_roots():
        if _windows_path(root) != _windows_path(absolute):
            continue
        parts = [part.casefold() for part in absolute.parts]
        if parts[: len(root.parts)] == [part.casefold() for part in root.parts]:
            return service
    # A folder named as OneDrive names its own ("OneDrive - Council Name").
    if any(part.casefold().startswith("onedrive") for part in absolute.parent.parts):
        return "OneDrive"
    return None


def location_warning(path: str | PurePath) -> str | None:
    """What the user should know about keeping a database at ``path`` (a network share or a
    synced folder), or ``None`` for a local disk. Such a database never uses WAL."""
    try:
        if is_network_path(path):
            return NETWORK_WARNING.format(path=path)
        service = synced_by(path)
    except OSError as err:  # a drive that cannot be asked: say nothing rather than stop
        log.warning("Could not tell what kind of drive holds %s: %s", path, err)
        return None
    return SYNCED_WARNING.format(path=path, service=service) if service else None
