"""The command line's ``copy``: the office's records from an SQLite file to a PostgreSQL
server, or back (``app.copy_database``)."""

from __future__ import annotations

import argparse


def _cmd_copy(args: argparse.Namespace) -> int:
    from app.copy_database import copy_database  # on use: the window's start-up needs none of it

    print(copy_database(args.source, args.target).describe())
    return 0


def add_copy_parser(subparsers) -> None:
    """Add ``copy --from SOURCE --to TARGET``."""
    copy = subparsers.add_parser(
        "copy", help="copy every record to a PostgreSQL server, or back to a file",
        description="Copy every record, the audit trail and the settings from one database to another, "
                    "keeping every record's id: from an SQLite file to an empty PostgreSQL database "
                    "(postgresql+psycopg://user@host/database, its password in the system keyring), or from "
                    "the server to a new SQLite file. The source is not changed; a target that already "
                    "holds data is refused. Each table's rows and checksum are checked.")
    copy.add_argument("--from", dest="source", required=True, metavar="FILE_OR_ADDRESS",
                      help="the database to copy from")
    copy.add_argument("--to", dest="target", required=True, metavar="FILE_OR_ADDRESS",
                      help="a new SQLite file, or an empty PostgreSQL database, to copy into")
    copy.set_defaults(func=_cmd_copy)
