"""Everything PySide6: the main window, dialogs, table models and the ticker.

The UI calls services, never SQL; it holds immutable snapshots and repaints from them.
"""
