"""ChargeClock: per-code PT/PTA treatment timers, a Medicare unit calculator and superbills."""

__version__ = "0.1.0"
