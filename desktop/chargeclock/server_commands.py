"""``chargeclock migrate --from FILE --to postgresql://…``: move a clinic to a server.

The file is only read (its bytes and times stay as they were); the server's database gets the
schema, then every row in one transaction, checked before it commits: row counts, the audit
log's head, and the whole ``verify-audit`` check on the server (README: Clinic server).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def _cmd_migrate(args: argparse.Namespace) -> int:
    from chargeclock.services.server_move import move_clinic

    for line in move_clinic(Path(args.source), args.to):
        print(line)
    return 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    commands: dict[str, Callable[[argparse.Namespace], int]],
) -> None:
    move = sub.add_parser(
        "migrate", help="copy a clinic from its SQLite file to a PostgreSQL server, checked"
    )
    move.add_argument("--from", dest="source", required=True, metavar="FILE")
    move.add_argument("--to", required=True, metavar="URL", help="postgresql://USER@HOST/DATABASE")
    commands["migrate"] = _cmd_migrate
