"""Use cases on the record. Every function takes the caller's session (one unit of work)
and raises ``UserError`` / ``ValidationError`` naming the field when input is wrong."""
