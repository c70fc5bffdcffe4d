"""Run a command as a child of this small process; print when it painted, its wall time and peak
memory.

The child writes one line to standard output at its first paint; the time from just before the
fork to that line's arrival is the start-to-first-paint time. A child forked from a big process
(the test runner) inherits that process's resident pages until it execs, which would inflate its
recorded peak; forking from this small interpreter keeps the child's peak its own. Prints
``paint_seconds total_seconds maxrss_kib exit_status`` (``paint_seconds`` is ``-1`` when the
child never reported a paint).
"""

import os
import sys
import time

if __name__ == "__main__":
    command = sys.argv[1:]
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.dup2(write_end, 1)
        os.execv(command[0], command)
    os.close(write_end)
    painted = -1.0
    with os.fdopen(read_end, "rb") as out:
        if out.readline():
            painted = time.perf_counter() - start
        out.read()  # whatever else it writes, until it exits
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    print(f"{painted:.6f} {elapsed:.6f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
