"""Case Review Tracker: parse the arguments, then open the window or run a command."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
