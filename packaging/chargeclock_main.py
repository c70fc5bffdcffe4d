"""Entry script of the frozen bundle: the same ``chargeclock`` command as the installed one.

Started with ``--open-export-worker`` first, the executable is the open export's second process
(:mod:`chargeclock.services.open_worker`): that is looked at before anything else is imported,
so the second process loads only what it needs.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--open-export-worker"]:
        from chargeclock.services.open_worker import main as worker

        sys.exit(worker())
    from chargeclock.cli import main

    sys.exit(main())
