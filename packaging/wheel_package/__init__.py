"""Case Review Tracker as the wheel installs it: ``case_review_tracker``, the one name the
distribution claims in site-packages.

The source tree keeps the program's packages ``app``, ``db`` and ``ui`` at its root (the
design card), and the code imports them by those names. The wheel installs them inside this
package instead (``case_review_tracker/app``, ``/db``, ``/ui``, beside ``/resources``;
pyproject.toml's package-dir maps this folder, packaging/wheel_package, onto the name), so
installing the program overwrites nobody's ``app`` and nobody's ``app`` is ours. ``main``,
the installed commands' entry point, puts the folder holding them first on ``sys.path``
before importing them, so that in the program's own process ``app``, ``db`` and ``ui`` are
always ours, and never outside it.

Why not the alternatives: rewriting every import to ``case_review_tracker.app...`` is out
(the design card keeps ``from app...``); an import hook aliasing ``app`` to
``case_review_tracker.app`` (pip's old VendorAlias) is more machinery and risks a module
imported under both names; a ``.pth`` file would put the names on every program's path,
the clash itself.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Sequence

# The program's own top-level packages, found inside this one.
OWN_PACKAGES = ("app", "db", "ui")


def code_folder() -> Path:
    """The folder holding ``app``, ``db`` and ``ui``: this package's own in a wheel, the
    source tree's root in an editable install (whose finder maps them there)."""
    spec = find_spec(f"{__name__}.ui")
    if spec is None or spec.origin is None:
        raise ImportError(f"{__name__} is installed without its ui package")
    return Path(spec.origin).parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    """The installed commands (``case-review-tracker``, ``case-review-tracker-cli``): run
    ``ui.launch.main`` with ``argv`` from our own packages; the exit status."""
    folder = code_folder()
    if str(folder) in sys.path:
        sys.path.remove(str(folder))
    sys.path.insert(0, str(folder))
    # Another program's app, db or ui imported before us would be used instead of ours.
    strangers = [name for name in OWN_PACKAGES if name in sys.modules
                 and folder not in Path(getattr(sys.modules[name], "__file__", None) or "/").parents]
    if strangers:
        raise ImportError(f"Packages named {', '.join(strangers)} not Case Review Tracker's are imported already")
    from ui.launch import main as launch

    return launch(argv)
