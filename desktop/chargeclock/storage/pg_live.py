"""Live changes between workstations: PostgreSQL's ``LISTEN``/``NOTIFY`` on one channel.

A change that audits something sends, inside its own transaction, one notification naming what
changed (:func:`chargeclock.storage.live.notify`); the server delivers it to every listening
workstation when — and only if — the transaction commits. :class:`Listener` waits for them on
a connection of its own, in a thread, and hands each payload to a callback: no table is polled,
nothing is read until a workstation says it changed something. A lost connection is opened
again (and the callback told ``None``: anything may have changed meanwhile).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg

from chargeclock.storage.live import CHANNEL
from chargeclock.storage.pg import ServerDatabase, connect


class Listener:
    """Calls ``received(payload)`` in its own thread for each notification on the channel, and
    ``received(None)`` after a lost connection came back. :meth:`stop` ends it."""

    def __init__(self, db: ServerDatabase, received: Callable[[str | None], Any]) -> None:
        self._url = db.url
        self._workstation = db.workstation
        self._received = received
        self._stopping = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chargeclock-listen", daemon=True)

    def start(self) -> None:
        """Start listening; returns once the channel is listened to (a change committed after
        this call is received)."""
        self._thread.start()
        self._ready.wait(timeout=10)

    def _listen(self) -> psycopg.Connection[Any]:
        conn = connect(self._url, workstation=f"{self._workstation} (live)")
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _run(self) -> None:
        lost = False
        while not self._stopping.is_set():
            try:
                self._conn = self._listen()
                self._ready.set()
                if lost:
                    self._received(None)
                while not self._stopping.is_set():
                    for note in self._conn.notifies(timeout=0.5):
                        self._received(note.payload)
            except Exception:  # a lost connection; or the callback's own failure, which must
                lost = True  # not end live updates either: listen again in a second
                if self._stopping.wait(1.0):
                    break
            finally:
                if self._conn is not None:
                    self._conn.close()
                self._ready.set()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
