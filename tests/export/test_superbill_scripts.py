"""Names in any script print as themselves, and long fields stay on the page.

Each name is put where the clinic's text goes (patient, provider, practice address) and the PDF
is read back: pypdf finds every letter, every letter drawn with an embedded font is one the
shipped font file has a glyph for (read with fontTools, not with the renderer's own tables), and
pdftotext's word boxes show nothing past the margins or over another word.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont
from msgspec.structs import replace
from pypdf import PdfReader

from chargeclock.domain.errors import RuleDataError
from chargeclock.domain.superbill_model import Superbill
from chargeclock.export import pdf_bytes, text
from chargeclock.resources import fonts_dir
from tests.export.samples import (
    PATIENT,
    PRACTICE,
    PROVIDER,
    statement_superbill,
    statement_visits,
    visit_superbill,
)

NAMES = {
    "Vietnamese": "Nguyễn Thị Phương Thảo",
    "Polish": "Łukasz Wiśniewski-Żółć",
    "Turkish": "Şükrü Çağlar Işıkoğlu",
    "Greek": "Γεώργιος Παπαδόπουλος",
    "Hebrew": "דוד בן־גוריון כהן",
    "Arabic": "محمد عبد الرحمن الفارسي",
    "Chinese": "王小明 欧阳娜娜",
    "Japanese": "山田 太郎 やまだ たろう",
    "Korean": "김민준 이서연",
}
RIGHT_TO_LEFT = {"Hebrew", "Arabic"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (Debian: poppler-utils)")
    return found


def _with_name(name: str, **more: object) -> Superbill:
    return visit_superbill(
        patient=replace(PATIENT, name=name, address_lines=(f"{name} 12", "Portland, OR 97205")),
        provider=replace(PROVIDER, name=name),
        **more,
    )


def _text(data: bytes) -> str:
    """Every page's text, compatibility forms folded (Arabic is drawn in its joined forms)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))


@pytest.fixture(scope="module")
def shipped_cmaps() -> dict[str, set[int]]:
    """The characters each shipped font file has a glyph for, by its name in the PDF."""
    folder = fonts_dir()
    cmaps = {}
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        cmaps[name] = set(TTFont(folder / f"{name}.ttf").getBestCmap())
    cjk = TTCollection(folder / "wqy-microhei.ttc").fonts[0]
    cmaps["WenQuanYiMicroHei"] = set(cjk.getBestCmap())
    return cmaps


def _to_unicode(stream: object) -> list[str]:
    """The characters a font's ToUnicode map says it draws."""
    data = stream.get_data().decode("latin-1")  # type: ignore[attr-defined]
    found = []
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for _code, hexed in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found.append(bytes.fromhex(hexed).decode("utf-16-be"))
    assert "beginbfrange" not in data  # reportlab writes single codes only
    # the first subset of a font maps the ASCII codes to themselves, controls included
    return [c for c in found if unicodedata.category(c) != "Cc"]


def _drawn_by_embedded_fonts(data: bytes) -> dict[str, set[str]]:
    """Each embedded font of the PDF (subset prefix dropped) and the characters it draws;
    the built-in fonts (not embedded) under their own names with no characters."""
    out: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = re.sub(r"^[A-Z]{6}\+|-\d+$", "", str(font["/BaseFont"]).lstrip("/"))
            drawn = out.setdefault(name, set())
            if "/ToUnicode" in font:
                drawn |= set(_to_unicode(font["/ToUnicode"]))
    return out


@pytest.mark.parametrize("script", list(NAMES))
def test_a_name_in_any_script_prints_with_glyphs_that_exist(
    script: str, shipped_cmaps: dict[str, set[int]]
) -> None:
    name = NAMES[script]
    data = pdf_bytes(_with_name(name))
    found = _text(data)
    for word in name.split():
        # pypdf gives right-to-left words back in reading order or as drawn, by version
        assert word in found or (script in RIGHT_TO_LEFT and word[::-1] in found), word
    drawn = _drawn_by_embedded_fonts(data)
    embedded = {n: chars for n, chars in drawn.items() if n in shipped_cmaps}
    assert embedded, "a name Helvetica cannot set is set in a shipped font"
    for font, chars in embedded.items():
        missing = sorted(c for c in chars if ord(c) not in shipped_cmaps[font])
        assert not missing, f"{font} has no glyph for {missing}"
    every = "".join(c for chars in embedded.values() for c in chars)
    needed = {c for c in name if not text.in_base_font(c)}
    assert needed <= set(unicodedata.normalize("NFKC", every)), "each letter is drawn"
    assert set(drawn) - set(embedded) <= {"Helvetica", "Helvetica-Bold", "Helvetica-Oblique"}


def test_right_to_left_lines_read_in_order_from_the_first_line_to_the_last() -> None:
    words = ["אברהם", "יצחק", "יעקב", "שרה", "רבקה", "רחל", "לאה"] * 4
    lines = text.break_lines(" ".join(words), 120, 8.5)
    assert len(lines) > 2
    assert " ".join(lines).split() == words  # broken in reading order, nothing lost
    assert all(text.width(line, 8.5) <= 120 for line in lines)
    shown = text.markup(" ".join(words), room=120, size=8.5).split("<br/>")
    # each line drawn right to left: its first word in reading order comes last, mirrored
    assert [re.sub(r"<[^>]+>", "", s).split()[-1] for s in shown] == [
        line.split()[0][::-1] for line in lines
    ]


def test_text_helvetica_holds_is_set_as_before() -> None:
    data = pdf_bytes(visit_superbill())
    assert set(_drawn_by_embedded_fonts(data)) == {
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-Oblique",
    }
    assert text.markup("Zoë O'Brien & Co <x>") == "Zoë O'Brien &amp; Co &lt;x&gt;"


def _words(data: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, float, float]]:
    """Each word's page, its box, and the page width, from pdftotext."""
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    done = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(source), "-"], capture_output=True, text=True, check=True
    )
    out = []
    page_width = 0.0
    page = 0
    for line in done.stdout.splitlines():
        if m := re.search(r'<page width="([\d.]+)"', line):
            page_width, page = float(m.group(1)), page + 1
        elif m := re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', line
        ):
            box = tuple(float(v) for v in m.groups())
            out.append((page, *box, page_width))
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("kind", ["visit", "statement"])
def test_long_fields_wrap_or_are_cut_and_nothing_runs_off_the_page(
    kind: str, tmp_path: Path
) -> None:
    long_name = "Bartholomew " * 45  # 540 characters
    unbroken = "Ł" + "w" * 499
    other = replace(PROVIDER, name="Alexandrina Konstantinopoulou " * 12, npi="1982736450")
    fields = {
        "practice": replace(PRACTICE, name="Riverside " * 50, address_lines=(unbroken,)),
        "patient": replace(PATIENT, name=long_name.strip(), address_lines=(unbroken,)),
        "provider": replace(PROVIDER, name=long_name.strip(), credentials="PT, DPT " * 10),
    }
    if kind == "visit":
        bill = visit_superbill(**fields)
    else:  # two providers: each visit's closing line names its provider
        visits = [
            replace(v, provider=other) if i % 2 else v for i, v in enumerate(statement_visits())
        ]
        bill = replace(statement_superbill(**fields, visits=visits), include_trace=True)
    data = pdf_bytes(bill)
    words = _words(data, tmp_path)
    assert words
    margin = 0.6 * 72
    for page, x0, _y0, x1, _y1, page_width in words:
        assert margin - 0.5 <= x0 and x1 <= page_width - margin + 0.5, (page, x0, x1)
    # no word over the next one on its line (a cell's text running into the next cell's)
    lines: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for page, x0, y0, x1, _y1, _ in words:
        lines.setdefault((page, round(y0)), []).append((x0, x1))
    for where, spans in lines.items():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert end <= start + 0.5, (where, end, start)
    pages = PdfReader(io.BytesIO(data)).pages
    footer = [
        ln for page in pages for ln in page.extract_text().splitlines() if "(DOB 06/14/1958)" in ln
    ]
    assert footer and all("…" in ln for ln in footer)  # the names are cut, the birth date stays


def test_a_missing_font_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chargeclock.resources

    text.face.cache_clear()
    monkeypatch.setattr(chargeclock.resources, "fonts_dir", lambda: tmp_path)
    try:
        with pytest.raises(RuleDataError, match=r"font .*DejaVuSans\.ttf: cannot be read"):
            pdf_bytes(_with_name(NAMES["Polish"]))
    finally:
        text.face.cache_clear()
