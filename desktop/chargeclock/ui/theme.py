"""Look and feel: large touch targets, a font readable at arm's length, one palette."""

from __future__ import annotations

PT_COLOUR = "#1f5fbf"  # therapist time
PTA_COLOUR = "#7a3db8"  # assistant time (CQ / CO)
OK_COLOUR = "#2e7d32"
WARN_COLOUR = "#b26a00"
ALERT_COLOUR = "#c62828"
MUTED = "#5f6b7a"
ROW_HEIGHT = 58
BASE_POINT_SIZE = 12

STYLESHEET = f"""
QWidget {{ font-size: {BASE_POINT_SIZE}pt; }}
QMainWindow, QDialog {{ background: #f4f6f9; }}
QLabel#Heading {{ font-size: 15pt; font-weight: 600; color: #1d2733; }}
QLabel#SubHeading {{ color: {MUTED}; }}
QLabel#Banner {{
    background: #fff4d6; border: 1px solid #e0b84d; border-radius: 6px; padding: 6px 10px;
    color: #4a3700;
}}
QFrame#Panel {{ background: white; border: 1px solid #d8dee6; border-radius: 8px; }}
QPushButton {{
    min-height: 40px; padding: 4px 14px; border-radius: 6px;
    border: 1px solid #b8c2cf; background: white;
}}
QPushButton:hover {{ background: #eef3fa; }}
QPushButton#Primary {{ background: {PT_COLOUR}; color: white; border: none; font-weight: 600; }}
QPushButton#Primary:disabled {{ background: #9db3d6; }}
QLineEdit, QSpinBox, QComboBox, QDateEdit {{
    min-height: 36px; padding: 2px 8px; border: 1px solid #b8c2cf; border-radius: 6px;
    background: white;
}}
QTableView, QListView {{
    background: white; border: 1px solid #d8dee6; border-radius: 8px;
    selection-background-color: #dce8f8; selection-color: #1d2733;
}}
QListView::item {{ min-height: 44px; padding: 2px 8px; }}
QHeaderView::section {{
    background: #eef1f5; border: none; border-bottom: 1px solid #d8dee6; padding: 6px;
    font-weight: 600; color: #3b4754;
}}
"""
