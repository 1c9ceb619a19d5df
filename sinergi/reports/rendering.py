"""What the PDF and the workbook of the semester report share: its words and figures in the reader's
language, and its charts drawn as pictures. Pure functions of the report's data: no session here."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from sinergi.i18n.formatting import long_date, number, percent, rupiah
from sinergi.i18n.registry import enum_key
from sinergi.i18n.texts import feedback_status_text, translate
from sinergi.reports import charts

if TYPE_CHECKING:  # the type only: the module that reads the report's data opens sessions
    from sinergi.reports.content import SemesterReport

GAP_MARK = "⚠"
# The words of a result's state in a chart's legend, saying which are not verified.
STATE_LEGEND_KEYS = {
    "verified": "state.legend_verified",
    "submitted": "state.legend_submitted",
    "draft": "state.legend_draft",
}
GAP_FILL = (253, 226, 212)
# Charts are drawn small and once per indicator: a company with eight programs stays quick.
CHART_WIDTH_PX = 420
CHART_HEIGHT_PX = 170
CHART_SCALE = 1.5


class Words:
    """The report's words and figures in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.lang, **values)

    def label(self, kind: str, value: str) -> str:
        return translate(enum_key(kind, value), self.lang)

    def feedback_status(self, status: str, reason: str | None) -> str:
        """A feedback item's status in words, a declined one with its reason."""
        return feedback_status_text(status, reason, self.lang)

    def num(self, value: float | None) -> str:
        return number(value, self.lang, decimals=2)

    def pct(self, value: float | None) -> str:
        return percent(value, self.lang)

    def day(self, value: Any) -> str:
        return long_date(_day(value), self.lang)

    def money(self, value: float | None) -> str:
        return rupiah(value, self.lang)

    def state(self, value: str | None) -> str:
        """A result's state in words; a dash where the period has no figures."""
        return self.label("result_state", value) if isinstance(value, str) and value else "–"

    def verification_note(self, report: SemesterReport) -> str:
        """What the report says about its figures' verification: which are not verified, or that all are."""
        summary = report.summary
        notes = [self.t("report.verified_only")] if report.verified_only else []
        if summary["unverified"]:
            notes.append(
                self.t("report.unverified_note", count=summary["unverified"], total=summary["with_figures"])
            )
        elif summary["with_figures"]:
            notes.append(self.t("report.all_verified"))
        return " ".join(notes)


def _day(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    assert isinstance(value, date)
    return value


def chart_images(report: SemesterReport, lang: str) -> dict[int, bytes]:
    """One PNG per indicator that has figures up to the report's period, keyed by indicator id."""
    t = partial(translate, lang=lang)
    status_labels = {status: t(enum_key("achievement", status)) for status in charts.STATUS_COLOURS}
    state_labels = {state: t(key) for state, key in STATE_LEGEND_KEYS.items()}
    specs: dict[int, str] = {}
    for row in report.indicators.itertuples(index=False):
        data = report.series[report.series["indicator_id"] == row.indicator_id]
        if data.empty:
            continue
        chart = charts.indicator_bullets(
            data.assign(
                status_label=data["status"].map(status_labels),
                state_label=data["state"].map(lambda state: state_labels.get(str(state), "–")),
            ),
            period_title=t("report.period"),
            actual_title=t("report.actual"),
            target_title=t("report.target"),
            baseline_title=t("report.baseline"),
            unit=str(row.unit),
            status_labels=status_labels,
            description=t("chart.indicator", indicator=str(row.indicator)),
            state_labels=state_labels,
            state_title=t("state.legend"),
        )
        # The builder's output is checked against the Vega-Lite schema by its own tests.
        specs[int(row.indicator_id)] = json.dumps(
            {**charts.in_language(chart, lang), "width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX}
        )
    return dict(zip(specs, _render(tuple(specs.values())), strict=True))


@lru_cache(maxsize=8)
def _render(specs: tuple[str, ...]) -> tuple[bytes, ...]:
    """The PNGs of ``specs``; kept for a while, since the PDF and the .xlsx of one report draw the
    same charts (a spec holds its data, so a changed figure is a new key)."""
    # vl-convert draws outside the interpreter lock: two at a time halves the wait.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return tuple(pool.map(partial(charts.to_png, scale=CHART_SCALE), specs))


def chart_caption(row: Any, *, several: bool) -> str:
    caption = f"{row.indicator} ({row.unit})"
    return f"{caption} – {row.program}" if several else caption


def image_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        return picture.size
