"""A copy of a benchmark database made a database of its own.

A file copy keeps the database id (it is what tells a database's backups from another
database's), and the audit checkpoint is named by it: the demo year and the decade built
from it kept replacing each other's checkpoint in the shared keys folder, so each packet
benchmark found a checkpoint of the other and checked in full. :func:`copy_clinic` gives the
copy what a database built anew has: its own database id and its own key ids. Each key file
of the copy holds the same key as the original's, so every entry still checks.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from chargeclock.storage import audit_keys


def copy_clinic(source: Path, target: Path) -> str:
    """Copy ``source`` (its audit keys in the keys folder) to ``target`` with an id and key ids
    of its own; the new database id."""
    shutil.copyfile(source, target)
    database_id = os.urandom(16).hex()
    conn = sqlite3.connect(target, isolation_level=None)
    written: list[Path] = []  # the copy's key files: removed again if the copy fails
    try:
        conn.execute("BEGIN IMMEDIATE")
        # audit_keys is append-only by its triggers: lifted for this rewrite, then put back.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_keys'"
        ).fetchall()
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        for old in audit_keys.epochs(conn):
            key = audit_keys.read_key_file(audit_keys.key_path(old.key_id)).key
            epoch = audit_keys.Epoch(old.keyed_from, os.urandom(16).hex(), database_id)
            written.append(audit_keys.key_path(epoch.key_id))
            audit_keys.write_key_file(written[-1], epoch, key)
            conn.execute(
                "UPDATE audit_keys SET key_id = ?, database_id = ? WHERE keyed_from = ?",
                (epoch.key_id, database_id, old.keyed_from),
            )
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    return database_id
