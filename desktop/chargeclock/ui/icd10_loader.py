"""The ICD-10-CM code set, loaded off the window's thread (it takes seconds)."""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from chargeclock.services.diagnosis_codes import load_index, loaded_index


class Icd10Loader(QObject):
    """Builds the ICD-10-CM index off the window's thread; ``loaded`` carries it."""

    loaded = Signal(object)

    def start(self) -> None:
        ready = loaded_index()
        if ready is not None:
            QTimer.singleShot(0, lambda: self.loaded.emit(ready))
            return
        threading.Thread(target=self._run, name="icd10-index", daemon=True).start()

    def _run(self) -> None:
        index = load_index()
        with contextlib.suppress(RuntimeError):  # the dialog closed before the set was in
            self.loaded.emit(index)
