"""The open export's second process: it writes some of a CSV export's tables while the first
writes the others (:mod:`chargeclock.services.open_parallel` starts it and says what to do).

Run as ``python -m chargeclock.services.open_worker``, or as the bundled executable with
:data:`FLAG` first (``packaging/chargeclock_main.py``). It imports the standard library, the
reader (:mod:`chargeclock.storage.open_reader`) and the CSV writer
(:mod:`chargeclock.export.open_csv`), nothing else: no Qt, no rule data, no msgspec.

The conversation, one JSON document each way and a line between:

* stdin (read to its end): ``{"database": URI, "files": [{"sql", "params", "names", "path"}]}``;
  each ``path`` is a file the first process made, which this one fills.
* stdout ``ready``: the read transaction has its snapshot (the first process then checks that
  no change was committed between its own and this one).
* stdout, last: ``{"rows": [n, …]}`` after every file is written and synced; or, on the first
  failure, ``{"failed": i, "errno": e, "reason": text}`` (``i`` the file, ``errno`` set for
  the system's errors: a full disk, a read-only folder) and exit status 1.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from chargeclock.export.open_csv import write_csv_file
from chargeclock.storage import open_reader

#: what the bundled executable's first argument is when it runs as this process
FLAG = "--open-export-worker"


def main() -> int:
    job = json.loads(sys.stdin.buffer.read())
    files: list[dict[str, Any]] = job["files"]
    counts: list[int] = []
    try:
        conn = open_reader.connect(job["database"])
        try:
            open_reader.pin(conn)
            _say("ready")
            for part in files:
                rows = open_reader.fetch(conn, part["sql"], part["params"])
                counts.append(write_csv_file(part["path"], part["names"], rows))
        finally:
            conn.close()
    except Exception as exc:  # reported to the first process, which says it to the user
        errno = exc.errno if isinstance(exc, OSError) else None
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        failed = len(counts)  # the file being written
        _say(json.dumps({"failed": failed, "errno": errno, "reason": reason or repr(exc)}))
        return 1
    _say(json.dumps({"rows": counts}))
    return 0


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
