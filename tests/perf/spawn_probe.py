"""Run a command as a child of this small process; print its wall time and peak memory.

A child forked from a big process (the test runner) inherits that process's resident pages
until it execs, which would inflate its recorded peak; forking from this small interpreter
keeps the child's peak its own. Prints ``seconds maxrss_kib exit_status``.
"""

import os
import sys
import time

if __name__ == "__main__":
    command = sys.argv[1:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.6f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
