"""The licence list in Help > About and the installer names every component shipped."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from app.licences import bundled_components, licence_list

ROOT = Path(__file__).resolve().parents[2]


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_listed_with_its_licence():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {_key(re.split(r"[\s;<>=!~\[]", d, maxsplit=1)[0]) for d in project["dependencies"]}
    components = bundled_components()
    listed = {_key(c.name): c for c in components}
    assert needed <= set(listed)
    assert all(c.licence for c in components)
    assert "LGPL" in listed["pyside6-essentials"].licence
    assert "case-review-tracker" not in listed


def test_the_list_names_the_fonts_and_qt_too():
    text = licence_list()
    assert "DejaVu fonts" in text and "Qt 6" in text and "SQLAlchemy" in text
