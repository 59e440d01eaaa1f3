"""A throw-away PostgreSQL server for the tests, from the machine's own packages.

``python -m tests.postgres.server start FOLDER`` makes a cluster in FOLDER (as an
unprivileged user: PostgreSQL refuses to run as root, so root hands the folder to the
``postgres`` account the Debian package made), starts it on a Unix socket in FOLDER and on a
free localhost port, and prints the address of its superuser, which the tests read from
``CRT_TEST_POSTGRES_URL``. ``stop FOLDER`` stops it. Sign-in over the socket is trusted;
over TCP it needs a password (the tests of passwords and the keyring use that).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SUPERUSER = "crt_super"
VERSIONS = ("15", "16", "17", "14")


def bin_dir() -> Path:
    """The folder of initdb and pg_ctl: on the PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    for version in VERSIONS:
        folder = Path(f"/usr/lib/postgresql/{version}/bin")
        if (folder / "pg_ctl").exists():
            return folder
    raise SystemExit("PostgreSQL is not installed (apt-get install postgresql-15).")


def _as_server_user(command: list[str], folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return command
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path) -> str:
    """Make and start a cluster in ``folder``; the superuser's SQLAlchemy URL."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    data = folder / "data"
    tools = bin_dir()
    run = lambda command: subprocess.run(_as_server_user(command, folder), check=True,  # noqa: E731
                                         stdout=subprocess.DEVNULL)
    run([str(tools / "initdb"), "-D", str(data), "-U", SUPERUSER, "--encoding=UTF8", "--locale=C.UTF-8",
         "--auth-local=trust", "--auth-host=scram-sha-256"])
    port = _free_port()
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
               "-c fsync=off -c max_connections=200 -c shared_buffers=64MB")
    run([str(tools / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start"])
    (folder / "port").write_text(str(port), encoding="utf-8")
    return f"postgresql+psycopg://{SUPERUSER}@/postgres?host={folder}&port={port}"


def stop(folder: Path) -> None:
    folder = folder.resolve()
    subprocess.run(_as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast",
                                    "-w", "stop"], folder), check=False, stdout=subprocess.DEVNULL)


@contextmanager
def for_this_run() -> Iterator[None]:
    """The server ``CRT_TEST_POSTGRES_URL`` names or, when it names none, a throw-away one
    started for the block (as ``.ci/run`` does) and stopped after it: for the benchmarks."""
    from tests.postgres import databases

    if databases.server_url() is not None:
        yield
        return
    # A folder of its own under the temporary folder: the server's account must reach it.
    folder = Path(tempfile.mkdtemp())
    os.environ[databases.ENV] = start(folder)
    try:
        yield
    finally:
        stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.folder))
    else:
        stop(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
