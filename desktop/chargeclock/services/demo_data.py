"""The demo database's made-up contents: names, diagnoses, fees and sample allowed amounts."""

from __future__ import annotations

SAMPLE_LABEL = "sample amounts, not Medicare figures"
DEMO_PINS = {"Dana Reyes": "2468", "Sam Lee": "1357"}
FRONT_DESK_PIN = "0000"


def demo_title() -> str:
    """What the demo's window title says after the practice: that it is the demo, and its PINs
    (it starts locked, and nobody has read the README yet)."""
    pins = [f"{name} {pin}" for name, pin in DEMO_PINS.items()]
    return f"demo · PINs: {', '.join(pins)}, Front Desk {FRONT_DESK_PIN}"


# What a clinic might type in for codes with no published figure (and for last year).
SAMPLE_ALLOWED = {
    "97110": "28.10",
    "97112": "31.70",
    "97116": "28.90",
    "97140": "26.80",
    "97530": "33.90",
    "97535": "31.20",
    "97161": "94.50",
    "97162": "94.50",
    "97163": "94.50",
    "97164": "65.20",
    "97012": "13.10",
    "G0283": "9.80",
    "97014": "9.80",
    "97035": "11.90",
    "97010": "0.00",
    "97150": "17.40",
    "97750": "32.60",
}
CHARGES = {
    "97110": "65.00",
    "97112": "70.00",
    "97116": "65.00",
    "97140": "60.00",
    "97530": "75.00",
    "97535": "65.00",
    "97161": "150.00",
    "97162": "175.00",
    "97163": "200.00",
    "97164": "110.00",
    "97012": "40.00",
    "G0283": "35.00",
    "97014": "35.00",
    "97035": "35.00",
    "97010": "25.00",
    "97150": "45.00",
    "97750": "80.00",
}
TIMED_CODES = ("97110", "97112", "97116", "97140", "97530", "97535")
FIRST_NAMES = (
    "Ava",
    "Ben",
    "Carla",
    "Derek",
    "Elena",
    "Frank",
    "Grace",
    "Hector",
    "Ines",
    "Jonah",
    "Keiko",
    "Luis",
    "Maya",
    "Nate",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Stan",
    "Tara",
)
LAST_NAMES = (
    "Alvarez",
    "Brooks",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
)
DIAGNOSES = (
    "M54.50",
    "M54.16",
    "M17.11",
    "M17.12",
    "M25.561",
    "M25.511",
    "M75.101",
    "M62.81",
    "R26.89",
    "G89.29",
    "M48.061",
    "Z96.651",
    "M79.604",
    "M54.2",
)
