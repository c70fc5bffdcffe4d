"""``chargeclock timer start|stop|toggle CODE --role PT|PTA [--visit ID | --patient ID]`` and
``chargeclock timer status``: the timers from another process (a foot switch, a hotkey, a
script), beside the open window, which follows within a second.

Each prints one line of what it did; a refusal is one line naming the option, exit status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chargeclock.services.timer_control import TimerControl

Command = Callable[[argparse.Namespace], int]


def _cmd_timer(args: argparse.Namespace) -> int:
    from chargeclock.paths import database_path
    from chargeclock.services.session import Services
    from chargeclock.services.timer_control import ACTOR, TimerControl

    database = database_path(getattr(args, "db", None))
    if args.action == "status":  # changes no file
        services = Services.open_existing(database, write=False)
        try:
            _print_status(TimerControl(services), services.clock.now())
        finally:
            services.close(clean=False)
        return 0
    services = Services.open_beside(database, actor=ACTOR)
    try:
        control = TimerControl(services)
        which = {"visit_id": args.visit, "patient_id": args.patient}
        if args.action == "start":
            tap = control.start(args.code, args.role, **which)
        elif args.action == "stop":
            tap = control.stop(args.code, args.role, **which)
        else:
            tap = control.toggle(args.code, args.role, **which)
        now = services.clock.now()
    finally:
        # Not a clean end of the window's session: the window's heartbeat is its own.
        services.close(clean=False)
    done = [f"started {s}" for s in tap.started] + [f"stopped {s}" for s in tap.stopped]
    print(f"visit {tap.visit_id}: {', '.join(done) or 'nothing to change'}")
    for clock in tap.elsewhere:
        print(
            f"also running: visit {clock.visit_id} ({clock.initials}) {clock.code} "
            f"{clock.role} {clock.clock_text(now)}"
        )
    return 0


def _print_status(control: TimerControl, now: datetime) -> None:
    clocks = control.running()
    if not clocks:
        print("no timer is running")
    for clock in clocks:
        print(
            f"visit {clock.visit_id} ({clock.where()}) {clock.code} {clock.role} "
            f"{clock.clock_text(now)} since {clock.running_since.astimezone():%H:%M}"
        )


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    commands: dict[str, Command],
    add_db: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``timer`` and its actions to the parser."""
    timer = sub.add_parser(
        "timer",
        help="start, stop or toggle a timer from outside the window (a foot switch, a hotkey), "
        "or list the running ones",
    )
    add_db(timer)
    # The parser class of ``timer`` (one-line usage errors, status 2) for its actions too.
    actions = timer.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(timer)
    )
    for name, what in (
        ("start", "start ROLE's timer on CODE (stops that role's other code)"),
        ("stop", "stop ROLE's timer (only on CODE, when given)"),
        ("toggle", "stop ROLE's timer on CODE if it runs, else start it"),
    ):
        action = actions.add_parser(name, help=what)
        add_db(action)
        action.add_argument("code", metavar="CODE", nargs="?" if name == "stop" else None)
        action.add_argument("--role", required=True, choices=("PT", "PTA"), type=str.upper)
        which = action.add_mutually_exclusive_group()
        which.add_argument("--visit", type=int, metavar="ID", help="the visit (default: the one "
                           "tapped last among today's open visits)")  # fmt: skip
        which.add_argument(
            "--patient", type=int, metavar="ID", help="that patient's open visit of today"
        )
    status = actions.add_parser("status", help="list every running timer, in any visit")
    add_db(status)
    commands["timer"] = _cmd_timer
