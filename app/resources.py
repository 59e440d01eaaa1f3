"""Where the program's own files are: fonts, demo data. In one place so that moving them
(into package data, say) changes one line."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def resource(*parts: str) -> Path:
    """A file or folder of ``resources/``, e.g. ``resource("demo")``."""
    return RESOURCES.joinpath(*parts)
