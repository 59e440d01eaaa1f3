"""Several people at once (issue 18, item 3): bulk writes on the server."""

from __future__ import annotations

from app.services import referrals
from app.synthetic import generate


def test_a_record_saved_after_a_bulk_write_gets_a_new_id(pg_database):
    generate(pg_database, 20, seed=1)  # the importers' and the generator's bulk path
    with pg_database.sessions.begin() as s:
        new = referrals.create_referral(s, reference="Ref-after-bulk", summary="Saved after an import")
    assert new.id is not None
