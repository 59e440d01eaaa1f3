"""What the wheel and the frozen build carry, and the one version number.

Building and installing the wheel itself is CI's smoke test (.ci/smoke_wheel.sh): these
check the parts a mistake would break quietly (a new package left out of the list, a
resource found only in the source tree, --help writing to disk).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from app import resources, version
from app.cli import main as cli_main
from app.reports import fonts
from app.resources import RESOURCE_PACKAGE, resource
from app.windows_shell import APP_USER_MODEL_ID

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The one name the wheel installs: app, db, ui and the resources go inside it.
INSTALLED = "case_review_tracker"
CODE_PACKAGES = ("app", "db", "ui")


def _source_packages() -> set[str]:
    found = set()
    for top in CODE_PACKAGES:
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    return found


def test_the_package_list_names_every_package_of_the_source_tree_inside_the_programs_own():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == {f"{INSTALLED}.{name}" for name in _source_packages()} | {INSTALLED, RESOURCE_PACKAGE}
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {
        INSTALLED: "packaging/wheel_package", RESOURCE_PACKAGE: "resources",
        **{f"{INSTALLED}.{name}": name for name in CODE_PACKAGES}}


def test_every_resource_file_is_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][RESOURCE_PACKAGE]
    shipped = [p for p in (ROOT / "resources").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py"]
    assert shipped
    left_out = [p for p in shipped if not any(p.relative_to(ROOT / "resources").match(pat) for pat in patterns)]
    assert left_out == []


def test_the_migrations_alembic_reads_are_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][f"{INSTALLED}.db"]
    needed = [p.relative_to(ROOT / "db") for p in (ROOT / "db" / "migrations").rglob("*")
              if p.is_file() and p.suffix in (".py", ".mako") and "__pycache__" not in p.parts]
    assert any(str(p) == "migrations/env.py" for p in needed)
    assert [p for p in needed if not any(p.match(pat) for pat in patterns)] == []


def test_both_commands_start_the_one_entry_point():
    assert PYPROJECT["project"]["gui-scripts"] == {"case-review-tracker": f"{INSTALLED}:main"}
    assert PYPROJECT["project"]["scripts"] == {"case-review-tracker-cli": f"{INSTALLED}:main"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as CI builds it, from a copy of what it is built from (so the build
    leaves nothing in the shared source tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for folder in (*CODE_PACKAGES, "resources", "packaging/wheel_package"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
                    str(work / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    return next((work / "dist").glob("*.whl"))


@pytest.mark.slow
def test_the_wheel_installs_nothing_but_its_own_package_and_carries_what_the_program_reads(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {INSTALLED, f"{INSTALLED}-{version.__version__}.dist-info"}
    assert not [name for name in names if name.split("/")[0] in CODE_PACKAGES]
    for needed in ("__init__.py", "ui/launch.py", "db/migrations/env.py", "resources/fonts/DejaVuSans.ttf",
                   "resources/demo/05-current-work.json", "resources/icons/case-review-tracker.png"):
        assert f"{INSTALLED}/{needed}" in names


@pytest.mark.slow
def test_the_installed_program_uses_its_own_app_db_and_ui_not_anothers(wheel, tmp_path):
    site, strangers = tmp_path / "site", tmp_path / "strangers"
    zipfile.ZipFile(wheel).extractall(site)
    for name in CODE_PACKAGES:  # another distribution's, earlier on the path than ours
        (strangers / name).mkdir(parents=True)
        (strangers / name / "__init__.py").write_text(f"raise ImportError('the stranger {name}')", encoding="utf-8")
    # What the installed command runs, from outside the source tree.
    command = ("import sys; sys.path[:0] = sys.argv[1:3]; import case_review_tracker; "
               "sys.exit(case_review_tracker.main(sys.argv[3:]))")
    env = {**os.environ, "CRT_DATA_DIR": str(tmp_path / "data"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)

    def run(*args):
        return subprocess.run([sys.executable, "-c", command, str(strangers), str(site), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=120)

    said = run("--version")
    assert (said.returncode, said.stdout.strip()) == (0, f"Case Review Tracker {version.__version__}"), said.stderr
    # A new database, migrated by the wheel's own migrations.
    said = run("new", "--db", str(tmp_path / "office.sqlite"))
    assert said.returncode == 0, said.stderr
    assert (tmp_path / "office.sqlite").stat().st_size > 0


def test_resources_are_found_in_the_source_tree_and_the_fonts_with_them():
    assert (resource("fonts") / "DejaVuSans.ttf").is_file()
    assert sorted(resource("demo").glob("*.json"))
    assert (resource("icons") / "case-review-tracker.ico").is_file()
    assert fonts.FONT_DIR == resource("fonts")


def test_an_installed_resource_package_is_preferred_to_the_source_tree(tmp_path):
    installed = tmp_path / "site" / "case_review_tracker" / "resources"
    (installed / "fonts").mkdir(parents=True)
    (installed / "__init__.py").write_text("", encoding="utf-8")
    (installed / "fonts" / "DejaVuSans.ttf").write_bytes(b"installed copy")
    names = ("case_review_tracker.resources", "case_review_tracker")
    # An editable install (the developers', CI's) may have imported the source tree's already.
    imported = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    sys.path.insert(0, str(tmp_path / "site"))
    resources.resource_root.cache_clear()
    try:
        assert resource("fonts", "DejaVuSans.ttf").read_bytes() == b"installed copy"
    finally:
        sys.path.remove(str(tmp_path / "site"))
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(imported)
        importlib.invalidate_caches()
        resources.resource_root.cache_clear()
    assert resource("fonts", "DejaVuSans.ttf") == ROOT / "resources" / "fonts" / "DejaVuSans.ttf"


def test_the_version_is_pyprojects_everywhere(capsys):
    expected = PYPROJECT["project"]["version"]
    assert version.__version__ == expected
    with pytest.raises(SystemExit):
        cli_main(["--version"])
    assert capsys.readouterr().out.strip() == f"Case Review Tracker {expected}"


def test_a_source_checkout_without_metadata_reads_the_version_from_pyproject(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert version.program_version() == PYPROJECT["project"]["version"]
    monkeypatch.setattr(version, "SOURCE_PYPROJECT", ROOT / "no-such-pyproject.toml")
    assert version.program_version() == version.UNKNOWN


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["report", "--help"], ["export", "--help"],
                                  ["backups", "--help"]])
def test_help_and_version_touch_nothing_on_disk(args, tmp_path):
    # The platform's own data folder (no CRT_DATA_DIR), under a home of the test's own.
    env = {k: v for k, v in os.environ.items() if k != "CRT_DATA_DIR"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"),
               LOCALAPPDATA=str(tmp_path / "home" / "AppData"), PYTHONDONTWRITEBYTECODE="1")
    (tmp_path / "home").mkdir()
    result = subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert list((tmp_path / "home").rglob("*")) == []



def test_the_installer_gives_its_shortcuts_the_programs_app_user_model_id():
    script = (ROOT / "packaging" / "installer.iss").read_text(encoding="utf-8")
    assert f'#define AppUserModelID "{APP_USER_MODEL_ID}"' in script
    shortcuts = [line for line in script.splitlines() if line.startswith('Name: "{auto')]
    assert len(shortcuts) == 2 and all('AppUserModelID: "{#AppUserModelID}"' in s for s in shortcuts)


def test_the_installer_needs_no_administrator_and_leaves_the_data_folder_alone():
    script = (ROOT / "packaging" / "installer.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in script and "DefaultDirName={autopf}" in script
    # Nothing it deletes is outside its own program folder.
    deletions = [line for line in script.splitlines() if line.startswith("Type: filesandordirs")]
    assert deletions and all('Name: "{app}' in line for line in deletions)
    assert "[UninstallDelete]" not in script
