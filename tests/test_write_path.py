"""One write path: only app/services writes the record tables (db/ keeps the audit trail and
runs migrations). Everything else, importers and generators included, calls the services.

Two checks. The source is read with ``ast`` for the writes that can be seen there:
constructing a record model, ``session.add``/``add_all``/``delete``/``merge`` of a record,
SQLAlchemy ``insert``/``update``/``delete`` of a record table. An attribute set on a loaded
record cannot be told apart from any other attribute set by reading the source, so the
importers, the generator, the demo and a new database's defaults are also run with hooks on
every record attribute and every statement sent to the database, each noting the module that
made it; all of them must be in app/services (or db/).
"""

from __future__ import annotations

import ast
import datetime as dt
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect

from db.models import AuditEntry, Base, Setting

ROOT = Path(__file__).resolve().parents[1]
# Tables that are not records: the office's settings and the audit trail itself.
NOT_RECORDS = {Setting.__table__.name, AuditEntry.__table__.name}
RECORD_MODELS = {m.class_.__name__: m.class_ for m in Base.registry.mappers
                 if m.local_table.name not in NOT_RECORDS}
RECORD_TABLES = {t.name for t in Base.metadata.sorted_tables if t.name not in NOT_RECORDS}
ASSOCIATION_TABLES = {t.name for t in Base.metadata.sorted_tables} - {
    m.local_table.name for m in Base.registry.mappers}
ALLOWED = ("app/services/", "db/")


# --- reading the source -----------------------------------------------------------------------

def _sources() -> list[Path]:
    files = [ROOT / "main.py", *(ROOT / "app").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    return [p for p in files if not p.relative_to(ROOT).as_posix().startswith(ALLOWED)]


def _root_name(node: ast.AST) -> str | None:
    """``Action`` for ``Action``, ``Action.__table__``, ``models.Action.__table__``..."""
    while isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in ("models", "db_models"):
            return node.attr
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _constructed(call: ast.Call) -> str | None:
    """The class a call constructs, for ``Action(...)`` and ``models.Action(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id in ("models", "db_models"):
        return func.attr
    return None


NOT_RECORD_NAMES = {m.class_.__name__ for m in Base.registry.mappers} - set(RECORD_MODELS)


def _may_be_record(node: ast.AST) -> bool:
    """False only for what is plainly not a record table (the settings, the audit trail)."""
    return _root_name(node) not in NOT_RECORD_NAMES


class _WriteFinder(ast.NodeVisitor):
    """Collects "line: what" for every write of a record the source shows."""

    def __init__(self, source: str):
        self.found: list[str] = []
        self.from_sqlalchemy: set[str] = set()
        self.from_models: set[str] = set()
        self.assigned: list[dict[str, ast.AST]] = [{}]  # per function: name -> value
        self.tree = ast.parse(source)

    def run(self) -> list[str]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {a.asname or a.name for a in node.names}
                if node.module.split(".")[0] == "sqlalchemy":
                    self.from_sqlalchemy |= names
                elif node.module == "db.models":
                    self.from_models |= names
        self.visit(self.tree)
        return self.found

    def _function(self, node) -> None:
        self.assigned.append({t.id: n.value for n in ast.walk(node) if isinstance(n, ast.Assign)
                              for t in n.targets if isinstance(t, ast.Name)})
        self.generic_visit(node)
        self.assigned.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _writes_a_record(self, value: ast.AST) -> bool:
        if isinstance(value, ast.Name) and value.id in self.assigned[-1]:
            value = self.assigned[-1][value.id]
            if isinstance(value, ast.Call):
                return False
        if isinstance(value, ast.Call):
            return False  # a record built here is reported where it is built
        return True  # a record the source does not say the kind of

    def visit_Call(self, node: ast.Call) -> None:
        name = _constructed(node)
        func = node.func
        if name in RECORD_MODELS and (name in self.from_models or isinstance(func, ast.Attribute)):
            self.found.append(f"{node.lineno}: creates a {name}")
        if isinstance(func, ast.Name) and func.id in ("insert", "update", "delete") \
                and func.id in self.from_sqlalchemy and node.args and _may_be_record(node.args[0]):
            self.found.append(f"{node.lineno}: {func.id}({ast.unparse(node.args[0])})")
        if isinstance(func, ast.Attribute) and "session" in ast.unparse(func.value).lower() \
                or isinstance(func, ast.Attribute) and ast.unparse(func.value) == "s":
            if func.attr in ("delete", "merge", "bulk_save_objects", "bulk_insert_mappings",
                             "bulk_update_mappings"):
                self.found.append(f"{node.lineno}: session.{func.attr}")
            elif func.attr in ("add", "add_all") and node.args and self._writes_a_record(node.args[0]):
                self.found.append(f"{node.lineno}: session.{func.attr}({ast.unparse(node.args[0])})")
        self.generic_visit(node)


def writes_in(source: str) -> list[str]:
    """Every write of a record that ``source`` shows, as "line: what"."""
    return _WriteFinder(source).run()


def test_the_source_check_sees_each_kind_of_write():
    source = (
        "from sqlalchemy import insert, update\n"
        "from db.models import Action, Setting, action_recommendation\n"
        "def f(session, rows):\n"
        "    session.add(Action(description='x'))\n"
        "    setting = Setting(key='k', value='v')\n"
        "    session.add(setting)\n"
        "    session.execute(insert(Action.__table__), rows)\n"
        "    session.execute(update(action_recommendation).values(x=1))\n"
        "    session.delete(setting)\n"
        "    session.add(thing)\n"
        "    session.execute(insert(Setting), {'key': 'k', 'value': 'v'})\n"
        "def g(session, table, rows):\n"
        "    session.execute(insert(table), rows)\n"
    )
    assert writes_in(source) == ["4: creates a Action", "7: insert(Action.__table__)",
                                 "8: update(action_recommendation)", "9: session.delete",
                                 "10: session.add(thing)", "13: insert(table)"]


def test_no_module_outside_the_services_writes_a_record_in_its_source():
    found = {p.relative_to(ROOT).as_posix(): writes_in(p.read_text(encoding="utf-8"))
             for p in _sources()}
    assert {path: lines for path, lines in found.items() if lines} == {}


# --- running the importers, the generator, the demo and the defaults ---------------------------

def _writer() -> str:
    """The innermost module of this program on the stack, below the hooks that ask."""
    frame = sys._getframe(1)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        hook = path == Path(__file__) and frame.f_code.co_name in _HOOKS
        if not hook and ROOT in path.parents and "site-packages" not in path.parts:
            return path.relative_to(ROOT).as_posix()
        frame = frame.f_back
    return "(outside the program)"


_HOOKS = {"on_attribute", "on_statement"}


def _in_flush() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("orm/unitofwork.py", "orm\\unitofwork.py")):
            return True
        frame = frame.f_back
    return False


@contextmanager
def writers(engine):
    """Count, by module, every change to a record attribute and every INSERT, UPDATE or
    DELETE of a record table made while the block runs."""
    seen: Counter = Counter()

    def on_attribute(*_args, **_kw):
        if not _in_flush():  # the ORM copies keys into the records it writes
            seen[_writer()] += 1

    def on_statement(_conn, _cursor, statement, _params, _context, _many):
        if _in_flush():
            return  # the ORM writing the changes the attribute hooks saw being made
        words = statement.lstrip().split(None, 3)
        verb = words[0].upper() if words else ""
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = words[2] if verb in ("INSERT", "DELETE") else words[1]
            if table.strip('"') in RECORD_TABLES:
                seen[_writer()] += 1

    listeners = [(engine, "before_cursor_execute", on_statement)]
    for model in RECORD_MODELS.values():
        for attr in inspect(model).attrs:
            target = getattr(model, attr.key)
            names = ("append", "remove", "set") if getattr(attr, "uselist", False) else ("set",)
            listeners += [(target, name, on_attribute) for name in names]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield seen
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


def _outside(seen: Counter) -> dict[str, int]:
    return {module: n for module, n in seen.items() if not module.startswith(ALLOWED)}


def test_the_hooks_see_a_write_made_outside_the_services(database):
    from app import lookups

    from app.services import archive

    with writers(database.engine) as seen, database.sessions.begin() as s:
        lookups.agency(s, "Police").sector = "policing"  # a write by this file
    assert _outside(seen) == {"tests/test_write_path.py": 1}
    with writers(database.engine) as seen, database.sessions.begin() as s:
        archive.archive(s, "agency", lookups.agency(s, "Police").id)
    assert seen and _outside(seen) == {}


def test_a_new_database_is_seeded_through_the_services(tmp_path, monkeypatch):
    from app import database
    from app.seed import seed_defaults

    seen = Counter()

    def seed(session):
        with writers(session.get_bind()) as counted:
            seed_defaults(session)
            session.flush()
        seen.update(counted)

    monkeypatch.setattr(database, "seed_defaults", seed)
    database.open_database(tmp_path / "new.sqlite").close()
    assert seen and _outside(seen) == {}


def test_the_legacy_importer_writes_through_the_services(database, tmp_path):
    import openpyxl

    from app.excel.legacy import apply_import, plan_import
    from tests.app.excel.legacy_fixtures import build_action_plan, build_referral_register

    tracker = build_action_plan(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(tracker)
    wb["Action Plan"]["K7"] = "Re-audit booked for June."  # a new note on a known action
    later = tmp_path / "plan v2.xlsx"
    wb.save(later)
    register = build_referral_register(tmp_path / "register.xlsx")
    with writers(database.engine) as seen:
        for path, kind in ((tracker, "action-plan"), (later, "action-plan"),
                           (register, "referral-register")):
            with database.sessions.begin() as s:
                plan = plan_import(s, path, kind)
                plan.confirm_proposals()
                apply_import(s, plan)
    assert seen and _outside(seen) == {}


def test_an_agency_return_is_applied_through_the_services(database, tmp_path):
    from app.excel.returns import apply_return, read_return
    from tests.app.excel.test_export import TODAY, build_plan, export_plan
    from tests.app.excel.test_returns import edit

    with database.sessions.begin() as s:
        plan = build_plan(s)
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    edit(path, {(plan["training"], "Status"): "Complete", (plan["training"], "RAG"): "Blue",
                (plan["training"], "Completed on"): dt.datetime(2025, 6, 1),
                (plan["training"], "Evidence of completion"): "Register of attendance.",
                (plan["training"], "New progress update"): "All trained.",
                (plan["guidance"], "Target date"): dt.datetime(2025, 12, 31)})
    with writers(database.engine) as seen, database.sessions.begin() as s:
        preview = read_return(s, path, today=TODAY)
        summary = apply_return(s, preview, preview.applicable())
    assert summary.actions_changed == 2
    assert seen and _outside(seen) == {}


def test_generated_data_is_written_through_the_services(database):
    from app.synthetic import generate

    with writers(database.engine) as seen:
        generate(database, 60, seed=3, today=dt.date(2026, 6, 30))
    assert seen and _outside(seen) == {}


def test_the_demo_is_written_through_the_services(database):
    from app.demo import write_demo

    with writers(database.engine) as seen, database.sessions.begin() as s:
        write_demo(s, dt.date(2025, 6, 4))
    assert seen and _outside(seen) == {}
