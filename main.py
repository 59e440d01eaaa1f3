"""Case Review Tracker: parse the arguments, then open the window or run a command."""

import sys

from app.cli import main as run_command_line


def start_gui(path, open_database) -> int:
    from ui.app import run

    return run(path, open_database)


if __name__ == "__main__":
    sys.exit(run_command_line(sys.argv[1:], start_gui=start_gui))
