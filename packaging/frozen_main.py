"""The frozen program's script: the same entry point as main.py and the installed commands.

Kept in packaging/ (not the repository's root) so that PyInstaller, which searches the
script's folder first, takes the packages from the installed wheel and not the source tree
(the spec puts the wheel's folder holding app, db and ui on the search path). It imports
ui.launch directly: in the frozen program app, db and ui are top-level packages of its own
folder, with nothing else there for them to clash with.
"""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
