"""An office's shared database, set up on the test server exactly as the README tells IT to:
the README's two blocks of SQL, run with names of the test's own."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from sqlalchemy import URL

from tests.postgres import databases as server

README = Path(__file__).resolve().parents[2] / "README.md"
# The names the README uses; each office gets its own copies of them.
ROLES = ("crt_admin", "crt_officers", "crt_readers")
LOGINS = ("jsmith", "achair")
DATABASE = "casereviews"


def readme_sql(names: dict[str, str]) -> tuple[list[str], list[str]]:
    """The README's SQL for IT: (run on the server, run in the new database), with ``names``."""
    section = README.read_text(encoding="utf-8").split("## Several officers: PostgreSQL", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "the README gives IT two blocks of SQL"

    def statements(block: str) -> list[str]:
        for old, new in names.items():
            block = re.sub(rf"\b{old}\b", new, block)
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("--")]
        return [s.strip() for s in " ".join(lines).split(";") if s.strip()]
    return statements(blocks[0]), statements(blocks[1])


def set_up_office() -> tuple[dict[str, str], URL]:
    """Make an office's database and logins as the README says; (the README's names → this
    office's, the superuser's address of its database)."""
    suffix = uuid.uuid4().hex[:6]
    names = {name: f"{name}_{suffix}" for name in (DATABASE, *ROLES, *LOGINS)}
    on_server, in_database = readme_sql(names)
    server.run_as_superuser(*on_server)
    # IT runs the second block in the new database as its owner, the administrator.
    server.run_as_superuser(f"SET ROLE {names['crt_admin']}", *in_database, database=names[DATABASE])
    return names, server.server_url().set(database=names[DATABASE])


def remove_office(names: dict[str, str], *logins: str) -> None:
    """Drop the office's database, its logins (and ``logins`` made besides) and its roles."""
    server.run_as_superuser(f"DROP DATABASE IF EXISTS {names[DATABASE]} WITH (FORCE)",
                            *(f"DROP ROLE IF EXISTS {name}" for name in
                              (*logins, *(names[n] for n in LOGINS), *(names[n] for n in reversed(ROLES)))))
