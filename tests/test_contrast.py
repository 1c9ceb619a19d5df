"""Every colour the app gives text reaches WCAG AA contrast (4.5:1) on its background, and every colour
that carries meaning as a filled mark reaches 3:1 against the white page (WCAG 1.4.11)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from sinergi.core.settings import PROJECT_ROOT
from sinergi.reports import charts

THEME = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())["theme"]
WHITE = "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    red, green, blue = (int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour written ``#rrggbb`` or ``#rgb``."""
    red, green, blue = (_channel(value) for value in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour: str, background: str, opacity: float) -> str:
    """``colour`` drawn at ``opacity`` over ``background``, as the eye gets it."""
    mixed = (
        round(opacity * top + (1 - opacity) * bottom)
        for top, bottom in zip(_rgb(colour), _rgb(background), strict=True)
    )
    return "#" + "".join(f"{value:02x}" for value in mixed)


def test_the_contrast_formula_gives_the_known_ratios() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast(WHITE, WHITE) == pytest.approx(1)


def _colours_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every ``…color`` setting of a Vega-Lite config or mark, with where it is."""
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else key
            if isinstance(inner, str) and key.lower().endswith("color") and inner.startswith("#"):
                yield where, inner
            else:
                yield from _colours_in(inner, where)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _colours_in(inner, f"{path}[{index}]")


# Chart settings that colour lines a reader does not need to make out (grid lines) are left out; the
# axis line and ticks are graphics and held to 3:1.
_DECORATION = {"axis.gridColor"}
_GRAPHICS = {"axis.domainColor", "axis.tickColor", "legend.symbolFillColor", "legend.symbolStrokeColor"}


def text_colours() -> list[tuple[str, str, str]]:
    """(where, colour, background) of every colour the app sets for text."""
    background = THEME["backgroundColor"]
    found = [
        ("theme.textColor", THEME["textColor"], background),
        ("theme.textColor on the second background", THEME["textColor"], THEME["secondaryBackgroundColor"]),
        # Streamlit draws captions in the text colour at 60 % (its "fadedText60").
        ("caption", over(THEME["textColor"], background, 0.6), background),
        (
            "caption on secondaryBackgroundColor",
            over(THEME["textColor"], THEME["secondaryBackgroundColor"], 0.6),
            THEME["secondaryBackgroundColor"],
        ),
        ("theme.grayTextColor", THEME["grayTextColor"], background),
        # A primary button writes the background colour on the primary colour.
        ("theme.primaryColor (button)", THEME["primaryColor"], background),
    ]
    config = charts.sinergi_theme()["config"]
    for where, colour in _colours_in(config):
        if where not in _DECORATION | _GRAPHICS:
            found.append((f"chart {where}", colour, WHITE))
    found.append(("chart subtitle", charts.SUBTITLE_COLOUR, WHITE))
    # The words in a compliance matrix's cells stand on the cell's colour.
    for status, fill in charts.COMPLIANCE_COLOURS.items():
        found.append((f"compliance cell {status}", charts.CELL_TEXT_COLOUR, fill))
    return found


def injected_css_colours() -> list[tuple[str, str, str]]:
    """Colours set in the style sheets the pages inject (against the page's background)."""
    found = []
    for script in [*sorted((PROJECT_ROOT / "pages").glob("*.py")), PROJECT_ROOT / "app.py"]:
        for style in re.findall(r"<style>(.*?)</style>", script.read_text(), flags=re.S):
            for colour in re.findall(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{3,6})", style):
                found.append((f"{script.name} css", colour, THEME["backgroundColor"]))
    return found


@pytest.mark.parametrize(
    ("where", "colour", "background"),
    text_colours() + injected_css_colours(),
    ids=lambda value: str(value),
)
def test_text_reaches_aa_contrast(where: str, colour: str, background: str) -> None:
    ratio = contrast(colour, background)
    assert ratio >= 4.5, f"{where}: {colour} on {background} is {ratio:.2f}:1"


def fill_colours() -> list[tuple[str, str]]:
    """(what, colour) of every colour that carries meaning as a filled mark or a line."""
    found = [("actual", charts.ACTUAL_COLOUR), ("target", charts.TARGET_COLOUR)]
    for name, colours in (
        ("status", charts.STATUS_COLOURS),
        ("share", charts.SHARE_COLOURS),
        ("compliance", charts.COMPLIANCE_COLOURS),
        ("feedback", charts.FEEDBACK_STATUS_COLOURS),
    ):
        found += [(f"{name} {key}", colour) for key, colour in colours.items()]
    config = charts.sinergi_theme()["config"]
    found += [(f"chart {where}", colour) for where, colour in _colours_in(config) if where in _GRAPHICS]
    return found


@pytest.mark.parametrize(("what", "colour"), fill_colours(), ids=lambda value: str(value))
def test_a_colour_that_means_something_stands_out_from_the_page(what: str, colour: str) -> None:
    ratio = contrast(colour, WHITE)
    assert ratio >= 3, f"{what}: {colour} on white is {ratio:.2f}:1"


def test_the_status_colours_stay_apart_from_each_other() -> None:
    """Darkened for contrast, the colours of one chart are still told apart (no two alike)."""
    for colours in (charts.SHARE_COLOURS, charts.COMPLIANCE_COLOURS, charts.FEEDBACK_STATUS_COLOURS):
        assert len(set(colours.values())) == len(colours)


def test_a_lighter_unverified_bar_keeps_an_edge_that_stands_out_from_the_page() -> None:
    """Unverified results are drawn lighter (their fill alone falls below 3:1 on white); an outline
    in the status colour at full strength, which stands out at 3:1, keeps each bar's edge visible."""
    states = {"verified": "Verified", "submitted": "Submitted", "draft": "Draft"}
    statuses = {status: status for status in charts.STATUS_COLOURS}
    chart = charts.indicator_bullets(
        [
            {
                "period": "2025-S1",
                "target": 10.0,
                "actual": 9.0,
                "achievement": 0.9,
                "status_label": "on_track",
                "baseline": None,
                "state_label": "Draft",
            }
        ],
        period_title="Semester",
        actual_title="Actual",
        target_title="Target",
        baseline_title="Baseline",
        unit="kg",
        status_labels=statuses,
        description="A chart.",
        state_labels=states,
        state_title="Verification",
    )
    bars = [layer for layer in chart["layer"][0]["layer"] if layer["mark"]["type"] == "bar"]
    filled, outline = bars
    assert min(filled["encoding"]["opacity"]["scale"]["range"]) < 1, "unverified bars are lighter"
    assert outline["mark"]["fillOpacity"] == 0 and "opacity" not in outline["encoding"]
    assert outline["encoding"]["stroke"]["scale"] == filled["encoding"]["color"]["scale"]
    for colour in outline["encoding"]["stroke"]["scale"]["range"]:
        assert contrast(colour, WHITE) >= 3, colour
    faint = over(charts.STATUS_COLOURS["on_track"], WHITE, charts.STATE_FILL["draft"])
    assert contrast(faint, WHITE) < 3, "without the outline a draft bar would fade into the page"
