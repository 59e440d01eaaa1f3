"""Shared fixtures: every test gets its own data folder and, if it asks, a new database.

A module marked ``pytestmark = pytest.mark.both_engines`` runs each of its tests that takes
a database (``database``, ``session``, or a fixture built on them) twice: ``[sqlite]`` on a
file, and ``[postgresql]`` on a database of its own on the test server (copied from a
migrated template: tests/postgres/databases.py), skipped when no server is set.
"""

from __future__ import annotations

import os

import pytest

# Widgets are tested without a screen (CI has none); a developer can still override this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.engines import POSTGRESQL, SQLITE, close_test_database, open_test_database
from tests.postgres import databases as server


def pytest_configure(config):
    config.addinivalue_line("markers", "both_engines: the module's database tests run on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc):
    if "db_engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("db_engine", [SQLITE, POSTGRESQL], indirect=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Say "no server" once in the summary for every test it skipped (pytest would list each)."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(server.NO_SERVER):
        report.longrepr = (server.__file__, None, report.longrepr[2])
    return report


@pytest.fixture(scope="module")
def db_engine(request) -> str:
    """The engine a test's database is on: ``sqlite`` unless its module runs on both.
    Module-wide, so that a module's shared database (the papers' demo office) can follow it.
    Skipped here (one line in the summary) on a machine with no test server."""
    engine = getattr(request, "param", SQLITE)
    if engine == POSTGRESQL and server.server_url() is None:
        pytest.skip(server.NO_SERVER)
    return engine


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Point the program's data folder at a temporary one, so no test touches real data."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CRT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def database(db_engine, tmp_path):
    """A new database on the test's engine: a file in ``tmp_path``, or one on the test server."""
    db = open_test_database(db_engine, tmp_path)
    yield db
    close_test_database(db)


@pytest.fixture
def session(database):
    """One unit of work, committed at the end of the test's use of it."""
    with database.sessions.begin() as s:
        yield s
