"""Entry script of the frozen bundle: the same ``chargeclock`` command as the installed one."""

import sys

from chargeclock.cli import main

if __name__ == "__main__":
    sys.exit(main())
