"""A server login's password, typed once in the window and kept where the program reads it:
the system keyring (Windows Credential Manager), under the name ``db.engine.server_url``
looks for. Never in the program's settings, the address, or the log."""

from __future__ import annotations

from sqlalchemy import make_url

from app.errors import UserError
from db.engine import KEYRING_SERVICE, keyring_user


def keep_password(address: str, password: str) -> str:
    """Keep ``password`` in the system keyring for the login of ``address`` (a server
    address with no password in it); the name it is kept under (``user@host``).

    Raises ``UserError`` when this computer has no keyring to keep it in.
    """
    import keyring
    from keyring.errors import KeyringError

    url = make_url(address)
    if not url.username:
        raise UserError("The address names no login (postgresql+psycopg://LOGIN@server/database), so there "
                        "is nobody to keep the password for. Add your login to the address.")
    user = keyring_user(url)
    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
    except KeyringError as err:
        raise UserError(f"The password could not be kept in the system keyring of this computer ({err}), and "
                        "the program keeps it nowhere else. Ask your IT department about signing in to the "
                        "server with your Windows account instead; nothing has been opened.") from err
    return user
