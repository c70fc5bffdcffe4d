"""Settings → Rule data: the loaded years with their origin, and the two imports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.services.test_pfs_import import GPCI, LOS_ANGELES, RVU
from tests.services.test_rule_imports import HEADER, row

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[SettingsDialog]:
    clock = FakeClock(datetime(2027, 1, 4, 15, tzinfo=UTC))
    services = Services.open(tmp_path / "clinic.db", clock, zone=UTC)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.rules)
    dialog.show()
    yield dialog
    services.close()


def cells(dialog: SettingsDialog, year: int) -> list[str]:
    table = dialog.rules.table
    for n in range(table.rowCount()):
        item = table.item(n, 0)
        if item is not None and item.text() == str(year):
            return [table.item(n, c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
    raise AssertionError(f"{year} is not listed")


def test_the_years_list_shows_where_each_figure_comes_from(dialog: SettingsDialog) -> None:
    assert cells(dialog, 2028)[3] == "provisional: 2026's (import 2028's)"
    assert cells(dialog, 2027)[3:] == ["provisional: 2026's (import 2027's)", "provisional: 2026's"]
    assert cells(dialog, 2026)[1:4] == ["$2,480.00", "$33.4009", "shipped"]
    assert cells(dialog, 2018)[4] == "none (amounts unknown unless entered)"


def test_importing_figures_and_a_fee_schedule(dialog: SettingsDialog, tmp_path: Path) -> None:
    tab = dialog.rules
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + row(2027, kx_pt_slp="25"))
    assert not tab.import_rules(bad)
    assert tab.result.text().startswith("Nothing was imported: bad.csv line 2, column kx_pt_slp")
    assert cells(dialog, 2027)[3].startswith("provisional")

    good = tmp_path / "figures-2027.csv"
    good.write_text(HEADER + row(2027))
    assert tab.import_rules(good)
    assert tab.result.text() == "Imported the Medicare figures for 2027 from figures-2027.csv."
    assert cells(dialog, 2027)[1:4] == [
        "$2,550.00",
        "$33.9000",
        "imported from figures-2027.csv on 01/04/2027",
    ]

    tab.locality.setText(LOS_ANGELES)
    tab.pfs_year.setValue(2026)
    assert tab.import_pfs(RVU, GPCI)
    assert tab.result.text().startswith("Imported the 2026 fee schedule for locality 01182-18")
    assert cells(dialog, 2026)[4].startswith("CMS PFS, locality 01182-18 (5 codes")
    # The Fees tab shows the locality amounts at once.
    dialog.fees.year.setCurrentIndex(dialog.fees.year.findData(2026))
    fees = dialog.fees.table
    by_code = {fees.item(n, 0).text(): fees.item(n, 3).text() for n in range(fees.rowCount())}  # type: ignore[union-attr]
    assert by_code["97110"] == "32.07"
