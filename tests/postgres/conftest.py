"""Fixtures for the tests on a PostgreSQL server: a database of its own for each test.

They run when ``CRT_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one from the
machine's packages and sets it: see tests/postgres/server.py), and are skipped otherwise.
"""

from __future__ import annotations

import pytest

from app.database import open_database
from tests.postgres import databases as server


@pytest.fixture
def server_url():
    """The superuser's address of the test server (skips the test when there is none)."""
    if server.server_url() is None:
        pytest.skip(server.NO_SERVER)
    return server.server_url()


@pytest.fixture
def empty_pg(server_url):
    """A new, empty database on the server (no tables), as IT hands one over."""
    url = server.new_database(empty=True)
    yield url
    server.drop_database(url)


@pytest.fixture
def pg_url(server_url):
    """A new database on the server at the newest schema, with the usual lists."""
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def pg_database(pg_url):
    """``pg_url`` opened as the program opens a database."""
    db = open_database(server.address(pg_url))
    yield db
    db.close()
