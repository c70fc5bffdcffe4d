"""Render chargeclock.svg to the PNG sizes the desktop and the bundle use.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/icons/render_icons.py
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (64, 128, 256)


def main() -> None:
    app = QGuiApplication([])
    renderer = QSvgRenderer(str(HERE / "chargeclock.svg"))
    assert renderer.isValid(), "chargeclock.svg does not parse"
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = HERE / f"chargeclock-{size}.png"
        assert image.save(str(target)), target
        print(target.name)
    del app


if __name__ == "__main__":
    main()
