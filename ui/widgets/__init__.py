"""Generic input widgets the record forms are built from."""
