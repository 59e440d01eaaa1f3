"""The components the program is built from and their licences, as Help > About and the
installer list them.

The list is read from the installed packages' own metadata, so it names exactly what is
installed (or frozen) with the program: its dependencies, and theirs. Two components are
not Python packages and are added by hand: the Python runtime (bundled by the frozen build
and the installer), Qt, which comes inside PySide6's package, and the DejaVu fonts printed
on every paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

from app.version import DISTRIBUTION

# A licence text longer than this is a whole licence pasted into the metadata, not a name.
_NAME_LIMIT = 60


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


NOT_PACKAGES = (
    Component("Python", "", "PSF-2.0"),
    Component("Qt 6 (inside PySide6_Essentials)", "", "LGPL-3.0-only"),
    Component("DejaVu fonts", "", "Bitstream Vera licence and public domain (resources/fonts/DejaVu-LICENSE.txt)"),
)


def _requirement_names(distribution: metadata.Distribution) -> list[str]:
    """The packages ``distribution`` needs at run time (not for an optional extra)."""
    names = []
    for requirement in distribution.requires or []:
        if "extra ==" in requirement:
            continue
        names.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
    return names


def _licence(distribution: metadata.Distribution) -> str:
    """The licence's name, as the package states it (an SPDX expression, a classifier, or a
    short text), or "see its files" when it states none briefly."""
    info = distribution.metadata
    if info.get("License-Expression"):
        return info["License-Expression"]
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in info.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    text = (info.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= _NAME_LIMIT:
        return text
    return "see the licence file in its package"


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_components(root: str = DISTRIBUTION) -> list[Component]:
    """Every package installed for ``root`` (its dependencies, and theirs), with its licence,
    by name; then the components that are not packages. A dependency that is not installed
    (one for another Python version, say) is not bundled, so not listed."""
    seen: set[str] = set()
    found: list[Component] = []
    waiting = [root]
    while waiting:
        try:
            distribution = metadata.distribution(waiting.pop())
        except metadata.PackageNotFoundError:
            continue
        name = distribution.metadata["Name"]
        if _key(name) in seen:
            continue
        seen.add(_key(name))
        waiting.extend(_requirement_names(distribution))
        if _key(name) != _key(root):
            found.append(Component(name, distribution.version, _licence(distribution)))
    return sorted(found, key=lambda c: c.name.casefold()) + list(NOT_PACKAGES)


def licence_list(components: list[Component] | None = None) -> str:
    """The components as lines of text: "ReportLab 4.2.0 — BSD License"."""
    lines = []
    for component in components if components is not None else bundled_components():
        label = f"{component.name} {component.version}".strip()
        lines.append(f"{label} \u2014 {component.licence}")
    return "\n".join(lines)
