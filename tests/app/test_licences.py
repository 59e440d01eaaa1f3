"""The licence list in Help > About and the installer names every component shipped."""

from __future__ import annotations

import re
from importlib import metadata

from app.licences import bundled_components, licence_list
from app.version import DISTRIBUTION


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_listed_with_its_licence():
    # What is installed with the program (its metadata's requirements): pyproject.toml's
    # after an install, as in CI; a checkout edited since its last install is behind it.
    installed = metadata.requires(DISTRIBUTION) or []
    needed = {_key(re.split(r"[\s;<>=!~\[]", d, maxsplit=1)[0]) for d in installed if "extra ==" not in d}
    assert {"pyside6-essentials", "sqlalchemy", "reportlab"} <= needed
    components = bundled_components()
    listed = {_key(c.name): c for c in components}
    assert needed <= set(listed)
    assert all(c.licence for c in components)
    assert "LGPL" in listed["pyside6-essentials"].licence
    assert "case-review-tracker" not in listed


def test_the_list_names_the_fonts_and_qt_too():
    text = licence_list()
    assert "DejaVu fonts" in text and "Qt 6" in text and "SQLAlchemy" in text


def test_a_package_asked_for_with_an_extra_brings_the_extras_packages():
    # pyproject asks for psycopg[binary]: psycopg-binary (libpq and OpenSSL inside) is bundled.
    names = {component.name.lower() for component in bundled_components()}
    assert {"psycopg", "psycopg-binary", "keyring"} <= names
