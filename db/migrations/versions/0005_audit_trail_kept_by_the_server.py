"""on a server, the audit trail is kept by the server: stamped, append-only, and every change recorded

On PostgreSQL only (an SQLite file belongs to whoever holds it: a trigger there protects
nothing, and nothing is made there):

- every entry in ``audit_entry`` written by a login other than the database's owner is
  stamped by the server with that login (``session_user``) and the server's clock, so the
  program cannot name someone else; the owner's connection (the administrator: ``main.py
  copy`` bringing the office's file in with its own names) keeps what it writes;
- ``audit_entry`` is append-only for every login but the owner's: UPDATE, DELETE and
  TRUNCATE are refused by a trigger (SQLSTATE CRT01), which only the owner can drop, and
  the privileges to do them are taken back from every other role;
- a row trigger on every record table writes who, when, which table and row, and the old
  and new row (jsonb) into ``audit.row_change``, in the schema ``audit`` that only the owner
  may change; the logins that may read ``audit_entry`` may read it. It records changes made
  with any tool (psql, a script), not only the program's. ``audit.trail_write`` notes each
  transaction that wrote to ``audit_entry``, so a recorded change with none was made outside
  the program. A whole-database copy by the owner (``crt.copying`` set in its transaction)
  is not recorded as changes; the exports' signing secret is recorded as "not recorded".

The functions are SECURITY DEFINER, owned by the migrating role (the owner): inside them
``current_user`` is the owner, and ``pg_has_role(session_user, current_user, 'MEMBER')``
asks whether the person signed in is (a member of) the owner. A table added by a later
migration needs its ``record_change`` trigger too (tests/postgres/test_audit_trail.py
checks that every table of the models has one).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Each record table at this revision, and the columns of its key (a record's id in the trail).
RECORD_TABLES = {
    "agency": ("id",), "clock_rule": ("id",), "meeting": ("id",), "setting": ("key",),
    "theme": ("id",), "agency_alias": ("id",), "clock_adjustment": ("id",), "list_item": ("id",),
    "action": ("id",), "referral": ("id",), "review": ("id",), "chase": ("id",), "decision": ("id",),
    "learning_event": ("id",), "meeting_referral": ("meeting_id", "referral_id"),
    "panel_report": ("id",), "progress_update": ("id",), "recommendation": ("id",),
    "review_referral": ("review_id", "referral_id"), "target_revision": ("id",),
    "action_recommendation": ("action_id", "recommendation_id"), "agency_response": ("id",),
    "dissemination": ("id",), "document_link": ("id",),
}

_BY_OWNER = "pg_has_role(session_user, current_user, 'MEMBER')"
_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp"
# Who holds which privilege on a table (c), one row (a) each; PUBLIC is grantee 0.
_GRANTS = ("FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
           "LEFT JOIN pg_roles r ON r.oid = a.grantee")
_GRANTEE = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee"

UPGRADE = [
    "CREATE SCHEMA audit",
    "COMMENT ON SCHEMA audit IS 'Case Review Tracker: the server''s own record of every change, "
    "written by triggers; only the database''s owner may change it'",
    """CREATE TABLE audit.row_change (
        id bigserial PRIMARY KEY,
        xact xid8 NOT NULL,
        at timestamptz NOT NULL,
        login text NOT NULL,
        table_name text NOT NULL,
        operation text NOT NULL,
        record_id text,
        old_row jsonb,
        new_row jsonb)""",
    """CREATE TABLE audit.trail_write (
        xact xid8 PRIMARY KEY,
        at timestamptz NOT NULL)""",

    f"""CREATE FUNCTION audit.stamp_entry() RETURNS trigger {_DEFINER} AS $$
    BEGIN
        IF NOT {_BY_OWNER} THEN
            NEW."user" := session_user;
            NEW.at := statement_timestamp() AT TIME ZONE 'UTC';
        END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION audit.note_trail_write() RETURNS trigger {_DEFINER} AS $$
    BEGIN
        INSERT INTO audit.trail_write (xact, at) VALUES (pg_current_xact_id(), statement_timestamp())
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION audit.refuse_change() RETURNS trigger {_DEFINER} AS $$
    BEGIN
        IF NOT {_BY_OWNER} THEN
            RAISE EXCEPTION 'the audit trail is kept as written: % on %.% by % refused',
                TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, session_user
                USING ERRCODE = 'CRT01', HINT = 'Only the database''s owner may change or delete audit entries.';
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION audit.record_change() RETURNS trigger {_DEFINER} AS $$
    DECLARE
        old_row jsonb;
        new_row jsonb;
        record_id text;
        position int;
    BEGIN
        IF current_setting('crt.copying', true) = 'on' AND {_BY_OWNER} THEN
            RETURN NULL;  -- a whole database copied in by its owner, not a change to it
        END IF;
        IF TG_LEVEL = 'ROW' THEN
            IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
            IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
            IF old_row = new_row THEN RETURN NULL; END IF;
            IF TG_TABLE_NAME = 'setting' AND coalesce(new_row, old_row) ->> 'key' = 'export_signing_key' THEN
                -- the exports' signing secret (app/services/signing_key.py) stays out of every trail
                old_row := old_row || jsonb_build_object('value', '(a secret: not recorded)');
                new_row := new_row || jsonb_build_object('value', '(a secret: not recorded)');
            END IF;
            record_id := coalesce(new_row, old_row) ->> TG_ARGV[0];
            FOR position IN 1 .. TG_NARGS - 1 LOOP  -- a link table's key: "3/12", as the program says it
                record_id := record_id || '/' || (coalesce(new_row, old_row) ->> TG_ARGV[position]);
            END LOOP;
        END IF;
        INSERT INTO audit.row_change (xact, at, login, table_name, operation, record_id, old_row, new_row)
        VALUES (pg_current_xact_id(), statement_timestamp(), session_user, TG_TABLE_NAME, lower(TG_OP),
                record_id, old_row, new_row);
        RETURN NULL;
    END $$""",

    "CREATE TRIGGER audit_stamp BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit.stamp_entry()",
    "CREATE TRIGGER audit_note AFTER INSERT ON audit_entry FOR EACH STATEMENT "
    "EXECUTE FUNCTION audit.note_trail_write()",
    *(f"CREATE TRIGGER audit_kept BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
      "EXECUTE FUNCTION audit.refuse_change()"
      for table in ("audit_entry", "audit.row_change", "audit.trail_write")),
    *(statement
      for table, key in RECORD_TABLES.items()
      for statement in (
          f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW "
          f"EXECUTE FUNCTION audit.record_change({', '.join(repr(k) for k in key)})",
          f"CREATE TRIGGER audit_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
          "EXECUTE FUNCTION audit.record_change()")),

    # Privileges. Default privileges (README: ALTER DEFAULT PRIVILEGES ... TO crt_officers)
    # may have given other roles writes on the new tables and sequence: take back everything
    # but the owner's, then let whoever may read audit_entry read the server's record too.
    # The roles who could change or delete audit entries may no longer (the trigger says so
    # too, should a later GRANT give it back).
    f"""DO $$
    DECLARE
        found record;
    BEGIN
        FOR found IN
            SELECT DISTINCT c.oid::regclass AS object, c.relkind,
                   {_GRANTEE}
            {_GRANTS}
            WHERE c.relnamespace = 'audit'::regnamespace AND a.grantee <> c.relowner
        LOOP
            EXECUTE format('REVOKE ALL ON %s %s FROM %s',
                           CASE WHEN found.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, found.object, found.grantee);
        END LOOP;
        FOR found IN
            SELECT DISTINCT {_GRANTEE},
                   a.privilege_type
            {_GRANTS}
            WHERE c.oid = 'audit_entry'::regclass AND a.grantee <> c.relowner
              AND a.privilege_type IN ('SELECT', 'UPDATE', 'DELETE', 'TRUNCATE')
        LOOP
            IF found.privilege_type = 'SELECT' THEN
                EXECUTE format('GRANT USAGE ON SCHEMA audit TO %s', found.grantee);
                EXECUTE format('GRANT SELECT ON audit.row_change, audit.trail_write TO %s', found.grantee);
            ELSE
                EXECUTE format('REVOKE %s ON audit_entry FROM %s', found.privilege_type, found.grantee);
            END IF;
        END LOOP;
    END $$""",
]

DOWNGRADE = [
    # Whoever may add audit entries may change and delete them again, as before 0005.
    f"""DO $$
    DECLARE
        found record;
    BEGIN
        FOR found IN
            SELECT DISTINCT {_GRANTEE}
            {_GRANTS}
            WHERE c.oid = 'audit_entry'::regclass AND a.grantee <> c.relowner AND a.privilege_type = 'INSERT'
        LOOP
            EXECUTE format('GRANT UPDATE, DELETE ON audit_entry TO %s', found.grantee);
        END LOOP;
    END $$""",
    *(f"DROP TRIGGER {trigger} ON {table}"
      for table in RECORD_TABLES for trigger in ("audit_row", "audit_truncate")),
    "DROP TRIGGER audit_kept ON audit_entry",
    "DROP TRIGGER audit_note ON audit_entry",
    "DROP TRIGGER audit_stamp ON audit_entry",
    "DROP SCHEMA audit CASCADE",
]


def _on_server() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _on_server():
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if _on_server():
        for statement in DOWNGRADE:
            op.execute(statement)
