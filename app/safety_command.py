"""The command line's ``backup``, ``restore`` and ``backups`` commands.

Each handler takes the parsed arguments only and works on the database file itself (it
never opens it through ``open_database``: a damaged file must still be restorable). A
refusal is a ``UserError``, which the command line prints and turns into exit status 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app import paths
from app.errors import UserError
from db.engine import describe_location, is_server_address, server_url
from app.backups import (
    MANUAL,
    backup_folder,
    list_backups,
    restore_backup,
    rotate_after,
    set_backup_folder,
    take_backup,
)


def _db_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "db", None)
    if given and is_server_address(given):
        raise UserError(SERVER_BACKUPS.format(where=describe_location(server_url(given))) + " Restoring it "
                        "is theirs too; to bring the records of a file into an empty server database, use "
                        "python main.py copy.")
    return Path(given) if given else paths.default_db_path()


SERVER_BACKUPS = ("{where} is a shared database on a PostgreSQL server: the server's backups are your IT "
                  "department's job (ask them how long they are kept and how to get one back), and this "
                  "program takes none of its own.")


def _cmd_backup(args: argparse.Namespace) -> int:
    if is_server_address(getattr(args, "db", None) or ""):
        return _server_snapshot(args)
    if args.snapshot is not None:
        raise UserError("--snapshot is for a database on a server; a database file is backed up as it is "
                        "(python main.py backup).")
    db_path = _db_path(args)
    folder = args.to or backup_folder()
    info = take_backup(db_path, folder, MANUAL)
    if args.to is None:
        # A folder given with --to is the user's own (a memory stick, say): not rotated.
        rotate_after(folder, info)
    print(f"Backed up {db_path} to {info.path}: {info.holds} ({info.size / 1_048_576:.1f} MB), "
          "checked by SQLite.")
    return 0


def _server_snapshot(args: argparse.Namespace) -> int:
    """On a server: say whose the backups are; with ``--snapshot FILE``, save the records as
    a new SQLite file for the officer's own archive."""
    from app.copy_database import copy_database

    where = describe_location(server_url(args.db))
    if args.snapshot is None:
        raise UserError(SERVER_BACKUPS.format(where=where) + " To keep a copy for your own archive, save "
                        "a snapshot as an SQLite file: python main.py backup --db ADDRESS --snapshot FILE.sqlite")
    print(SERVER_BACKUPS.format(where=where))
    result = copy_database(args.db, args.snapshot)
    print(f"Snapshot saved as {args.snapshot}: {result.rows:,} rows, every table checked against the server. "
          "Open it with python main.py --db FILE to read it; it is a copy, and changes to it stay in it.")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    result = restore_backup(args.file, _db_path(args), backup_folder())
    print(result.describe())
    return 0


def _cmd_backups(args: argparse.Namespace) -> int:
    if args.set_folder or args.default_folder:
        folder = set_backup_folder(None if args.default_folder else args.set_folder)
        print(f"Backups will be kept in {folder}. Backups already taken stay where they are.")
        return 0
    db_path = _db_path(args)
    folder = backup_folder()
    found = list_backups(folder, db_path)
    if not found:
        print(f"There are no backups of {db_path.name} in {folder} yet.")
        return 0
    print(f"Backups of {db_path.name} in {folder}, newest first:")
    for info in found:
        print(f"  {info.describe()}")
    return 0


def add_safety_parsers(subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``backup``, ``restore`` and ``backups``; ``parents`` carries the shared ``--db FILE``."""
    backup = subparsers.add_parser(
        "backup", parents=parents, help="back the database up now",
        description="Take a checked, consistent copy of the database (safe while the program is "
                    "open) into the backup folder, or into DIR.")
    backup.add_argument("--to", metavar="DIR", type=Path,
                        help="put the copy in this folder instead (it is not rotated)")
    backup.add_argument("--snapshot", metavar="FILE", type=Path,
                        help="for a database on a PostgreSQL server (backed up by the server): save a "
                             "snapshot of it as this new SQLite file, for your own archive")
    backup.set_defaults(func=_cmd_backup)

    restore = subparsers.add_parser(
        "restore", parents=parents, help="replace the database with a backup",
        description="Check the backup, back up the current database (labelled before-restore), then "
                    "replace it with the backup. An unreadable database is kept aside, not deleted.")
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup file to restore")
    restore.set_defaults(func=_cmd_restore)

    backups = subparsers.add_parser(
        "backups", parents=parents, help="list the backups, or choose where they are kept",
        description="List the database's backups, newest first, with what each holds; or change "
                    "the folder backups are kept in.")
    choice = backups.add_mutually_exclusive_group()
    choice.add_argument("--set-folder", metavar="DIR", type=Path,
                        help="keep backups in DIR from now on (a network drive, say)")
    choice.add_argument("--default-folder", action="store_true",
                        help="keep backups in the data folder again")
    backups.set_defaults(func=_cmd_backups)
