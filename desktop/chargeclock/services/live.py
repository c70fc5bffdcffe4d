"""Live changes from the other workstations on a clinic server, as :class:`Changes`.

Every audited change is announced to the other workstations at its commit
(:meth:`~chargeclock.services.context.Context.audit` calls :func:`announce`); :class:`LiveFeed`
listens and hands each announcement, decoded, to a callback — the window publishes it as its
one ``store_changed``, so a timer started, a visit finalized or a payment taken on one
workstation is read again by the others' views as if made there. A workstation ignores its own
announcements (it published them already). On a SQLite file there is nothing to listen to.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import msgspec

from chargeclock.services.changes import Changes
from chargeclock.storage import live
from chargeclock.storage.store import Engine


class _Note(msgspec.Struct, frozen=True, omit_defaults=True):
    origin: str
    visits: list[int] = []
    patients: list[int] = []
    payments: bool = False
    setup: bool = False
    fees: bool = False
    every: bool = False


def encode(changes: Changes, origin: str) -> str:
    note = _Note(origin, sorted(changes.visits), sorted(changes.patients), changes.payments,
                 changes.setup, changes.fees, changes.every)  # fmt: skip
    text = msgspec.json.encode(note).decode()
    if len(text) > live.MAX_PAYLOAD:
        text = msgspec.json.encode(_Note(origin, every=True)).decode()
    return text


def decode(payload: str | None) -> tuple[str, Changes]:
    """``(origin, changes)``; a payload that does not read (or None: the connection came back)
    is everything, from nobody."""
    if payload is None:
        return "", Changes.everything()
    try:
        note = msgspec.json.decode(payload, type=_Note)
    except msgspec.ValidationError:
        return "", Changes.everything()
    changes = Changes(frozenset(note.visits), frozenset(note.patients), note.payments,
                      note.setup, note.fees, note.every)  # fmt: skip
    return note.origin, changes


def announce(db: Engine, changes: Changes, origin: str) -> None:
    """Announce ``changes`` at the commit of the current transaction (a server only)."""
    if db.dialect == "postgresql" and changes:
        live.notify(db, encode(changes, origin))


def new_origin() -> str:
    return os.urandom(8).hex()


class LiveFeed:
    """Listens for the other workstations' changes on ``db`` (a server) and calls
    ``changed(changes)`` from its own thread for each; :meth:`stop` ends it. ``origin`` is this
    workstation's own mark (its announcements are skipped)."""

    def __init__(self, db: Engine, origin: str, changed: Callable[[Changes], Any]) -> None:
        from chargeclock.storage.pg import ServerDatabase
        from chargeclock.storage.pg_live import Listener

        assert isinstance(db, ServerDatabase)
        self._origin = origin
        self._changed = changed
        self._listener = Listener(db, self._received)
        self._listener.start()

    def _received(self, payload: str | None) -> None:
        origin, changes = decode(payload)
        if origin != self._origin and changes:
            self._changed(changes)

    def stop(self) -> None:
        self._listener.stop()
