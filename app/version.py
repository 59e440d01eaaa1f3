"""The program's one version number: pyproject.toml's, as the installed package's metadata
carries it (a wheel, an editable install, the frozen build). ``--version``, Help > About,
crash reports, the frozen program's version information and the installer all read it here.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "case-review-tracker"
# A checkout run without installing has no metadata, but has the file the version is kept in.
SOURCE_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
UNKNOWN = "0+unknown"


def program_version() -> str:
    """The installed distribution's version; in an uninstalled source checkout,
    pyproject.toml's; else ``UNKNOWN`` rather than no answer."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    try:
        project = tomllib.loads(SOURCE_PYPROJECT.read_text(encoding="utf-8"))["project"]
    except (OSError, ValueError, KeyError):
        return UNKNOWN
    return str(project.get("version", UNKNOWN)) if project.get("name") == DISTRIBUTION else UNKNOWN


__version__ = program_version()
