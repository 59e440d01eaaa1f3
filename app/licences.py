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


def _requirement_names(distribution: metadata.Distribution, extras: frozenset[str] = frozenset()) -> list[str]:
    """The packages ``distribution`` needs at run time: its own, and those of the optional
    ``extras`` asked for (``psycopg[binary]`` brings psycopg-binary, which is bundled), each
    as "name" or "name[extra,...]"."""
    names = []
    for requirement in distribution.requires or []:
        wanted = _EXTRA_MARKER.findall(requirement)
        if wanted and not extras.intersection(wanted):
            continue
        names.append(re.split(r"[\s;<>=!~(]", requirement, maxsplit=1)[0])
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


_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
# "psycopg[binary]": the package's name, and the extras asked of it.
_NAME_AND_EXTRAS = re.compile(r"([^\[]+)(?:\[([^\]]*)\])?")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_components(root: str = DISTRIBUTION) -> list[Component]:
    """Every package installed for ``root`` (its dependencies, and theirs), with its licence,
    by name; then the components that are not packages. A dependency that is not installed
    (one for another Python version, say) is not bundled, so not listed."""
    seen: set[tuple[str, frozenset[str]]] = set()  # (package, extras asked of it)
    found: list[Component] = []
    waiting = [root]
    while waiting:
        wanted, extras = _NAME_AND_EXTRAS.fullmatch(waiting.pop()).groups()
        try:
            distribution = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            continue
        name = distribution.metadata["Name"]
        extras = frozenset(extra.strip() for extra in (extras or "").split(",") if extra.strip())
        if (_key(name), extras) in seen:
            continue
        listed = any(key == _key(name) for key, _extras in seen)
        seen.add((_key(name), extras))
        waiting.extend(_requirement_names(distribution, extras))
        if not listed and _key(name) != _key(root):
            found.append(Component(name, distribution.version, _licence(distribution)))
    return sorted(found, key=lambda c: c.name.casefold()) + list(NOT_PACKAGES)


def licence_list(components: list[Component] | None = None) -> str:
    """The components as lines of text: "ReportLab 4.2.0 — BSD License"."""
    lines = []
    for component in components if components is not None else bundled_components():
        label = f"{component.name} {component.version}".strip()
        lines.append(f"{label} \u2014 {component.licence}")
    return "\n".join(lines)
