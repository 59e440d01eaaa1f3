"""Where papers and exports are saved unless the user picks another place each time: a folder
the user chose at first run.

The suggestion is ``Documents\\Case Review Tracker``. Documents is often redirected into
OneDrive on a council laptop, and a paper about a child saved there is copied to the cloud
and to every device signed in to the account: such a folder may still be chosen, with a
warning first. The choice is kept per user, in the data folder's settings file. The window
asks (``ui.output_folder_dialog``); everything else here is Qt-free.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from app import paths, user_settings
from app.errors import UserError
from db.engine import absolute_path

FOLDER_NAME = "Case Review Tracker"
SETTING = "output_folder"

SYNCED_WARNING = (
    "{folder} is in a folder that {service} keeps in sync: every paper and export saved there "
    "is copied to the cloud and to each computer signed in to that account. Choose a folder "
    "that is not synced unless your partnership's information governance allows it.")


def suggested_folder(documents: PurePath | None = None) -> PurePath:
    """``Case Review Tracker`` in the user's Documents (``documents``, default the one the
    system names), or in the data folder where there is no Documents folder."""
    if documents is None:
        from platformdirs import user_documents_dir

        documents = Path(user_documents_dir())
        # A portable install (and every test) keeps everything in its own data folder.
        if os.environ.get(paths.DATA_DIR_ENV) or not documents.is_dir():
            documents = paths.data_dir()
    return documents / FOLDER_NAME


def sync_warning(folder: str | PurePath) -> str | None:
    """What the user should know before keeping papers in ``folder``: that a cloud service
    keeps it in sync; ``None`` for a folder no service syncs."""
    service = paths.synced_by(folder)
    return SYNCED_WARNING.format(folder=folder, service=service) if service else None


def stored_form(folder: str | PurePath) -> str:
    """``folder`` as it is kept: absolute, but not resolved, so a mapped drive (``Z:``)
    stays the drive the user chose rather than becoming its network name."""
    return str(absolute_path(folder))


def chosen_folder() -> Path | None:
    """The folder chosen at first run, or ``None`` if none has been chosen yet."""
    stored = user_settings.read_settings().get(SETTING)
    return Path(stored) if isinstance(stored, str) and stored else None


def needs_choice() -> bool:
    """Whether the window should ask where papers and exports go (nothing chosen yet)."""
    return chosen_folder() is None


def choose_folder(folder: str | Path) -> Path:
    """Keep papers and exports in ``folder`` from now on, creating it if need be; the folder.
    ``UserError`` if it cannot be made or written to (the setting is then left as it was)."""
    folder = Path(stored_form(Path(folder).expanduser()))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".crt-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise UserError(f"Papers and exports cannot be saved in {folder} ({err.strerror or err}). "
                        "Check that the drive is connected, or choose another folder.") from err
    user_settings.write_setting(SETTING, str(folder))
    return folder


def default_output_folder() -> Path:
    """Where a save dialog opens: the chosen folder while it is there (a network drive may
    be disconnected), else the suggestion or the folder it would be made in (Documents),
    else the data folder."""
    suggestion = Path(suggested_folder())
    for folder in (chosen_folder(), suggestion, suggestion.parent):
        if folder is not None and folder.is_dir():
            return folder
    return paths.data_dir()
