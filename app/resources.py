"""Where the program's own files are: fonts, demo content, icons, the licence list.

They live in the source tree's ``resources/`` folder, which the wheel installs as the package
``RESOURCE_PACKAGE`` (pyproject.toml maps the one onto the other) and the frozen build
collects under the same name. Everything finds them through ``resource``, so the program
reads the same files from a source checkout, an installed wheel and the frozen build.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

# The installed name of resources/: under the distribution's own name, so it clashes with
# nothing. pyproject.toml ([tool.setuptools] packages, package-dir) and packaging/ say the same.
RESOURCE_PACKAGE = "case_review_tracker.resources"
# A source checkout (or an editable install) has the folder beside app/ instead.
SOURCE_RESOURCES = Path(__file__).resolve().parents[1] / "resources"


@cache
def resource_root() -> Path:
    """The folder holding the program's resources: the installed package's, else the source
    tree's."""
    try:
        root = resources.files(RESOURCE_PACKAGE)
    except ModuleNotFoundError:
        return SOURCE_RESOURCES
    # Installed as plain files (a wheel, the frozen build): a real folder. Never zipped.
    return Path(str(root))


def resource(*parts: str) -> Path:
    """A file or folder of ``resources/``, e.g. ``resource("fonts", "DejaVuSans.ttf")``."""
    return resource_root().joinpath(*parts)
