"""Chart builders: pure functions from rows to a Vega-Lite specification, all in one theme.

The specifications are written out as dictionaries, the ones Altair would give (the tests check each
against the Vega-Lite schema): building an Altair chart copies and validates its schema objects and runs
its data through pandas, which cost tens of milliseconds per chart on every page run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from sinergi.core import frames

# Okabe–Ito colours, distinguishable for colour-blind readers and strong enough for a projector; the
# orange, sky blue and greys darkened so that every fill stands 3:1 against the white page (WCAG's
# contrast for graphics) while the near-black text drawn on a compliance cell keeps 4.5:1 on it.
STATUS_COLOURS: Mapping[str, str] = {
    "on_track": "#009E73",
    "needs_attention": "#B07A00",
    "off_track": "#D55E00",
    "no_data": "#6E6E6E",
}
# The shares of a period's indicators add those due and not reported, in a light grey of their own:
# the part of a bar nobody filled in.
SHARE_COLOURS: Mapping[str, str] = {**STATUS_COLOURS, "not_reported": "#949494"}
COMPLIANCE_COLOURS: Mapping[str, str] = {
    "met": "#009E73",
    "partly_met": "#B07A00",
    "not_met": "#D55E00",
    "not_applicable": "#949494",
    "pending": "#2F86C0",
}
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
ACTUAL_COLOUR = "#0072B2"
# How strongly a bar is drawn by the state of its result: a verified figure solid, a submitted one
# lighter, a draft faint, so the state reads without colour too and survives a print in black and
# white. (Opacity rather than fill opacity: Vega-Lite draws no legend for the latter.)
STATE_FILL: Mapping[str, float] = {"verified": 1.0, "submitted": 0.45, "draft": 0.2}
# The states' legend: grey squares as strong as the bars, its title (which says which is which) whole.
STATE_LEGEND: Mapping[str, Any] = {
    "symbolType": "square",
    "symbolFillColor": "#555",
    "symbolStrokeColor": "#333",
    "titleLimit": 0,
}
TARGET_COLOUR = "#000000"
# The colour of every word on a chart (axes, legends, titles, the labels in cells): the app's text colour.
TEXT_COLOUR = "#111418"
SUBTITLE_COLOUR = "#555555"
CELL_TEXT_COLOUR = "#111111"
FONT = "Source Sans Pro, Arial, sans-serif"

# What the builders return.
VegaLiteSpec = dict[str, Any]
VEGA_LITE_SCHEMA = alt.SCHEMA_URL


def sinergi_theme() -> alt.theme.ThemeConfig:
    """Large type and plain axes, readable from the back of a meeting room."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "gridColor": "#e6e6e6",
                "domainColor": "#888",
                "tickColor": "#888",
            },
            "legend": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "orient": "bottom",
                "columns": 2,
                "labelLimit": 0,
            },
            "title": {
                "fontSize": 16,
                "anchor": "start",
                "color": TEXT_COLOUR,
                "subtitleFontSize": 13,
                "subtitleColor": SUBTITLE_COLOUR,
            },
            "range": {"category": SERIES_COLOURS},
            "bar": {"cornerRadiusEnd": 2},
        }
    }


# How each language writes numbers on axes and in tooltips: Indonesian groups thousands with a dot
# and writes decimals with a comma (15.000; 85,5%).
NUMBER_LOCALES: Mapping[str, Mapping[str, Any]] = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp ", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["Rp ", ""]},
}


def in_language(spec: VegaLiteSpec, lang: str) -> VegaLiteSpec:
    """``spec`` with its numbers written the way ``lang`` writes them."""
    number = NUMBER_LOCALES.get(lang, NUMBER_LOCALES["id"])
    return {**spec, "config": {**spec.get("config", {}), "locale": {"number": dict(number)}}}


def _spec(
    values: list[dict[str, Any]], layers: list[dict[str, Any]], *, description: str, **top: Any
) -> VegaLiteSpec:
    """A specification with ``values`` as the data of ``layers``, in the Sinergi theme, described by
    ``description`` (the chart's accessible name: vega-embed gives it to screen readers as its label).

    The rows sit in an inner layer rather than at the top: Streamlit would turn top-level data into
    an Arrow table, which costs more than the JSON of the few dozen rows a chart here has.
    """
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        **top,
        "layer": [{"data": {"values": values}, "layer": layers}],
        "config": sinergi_theme()["config"],
    }


def _field(name: str, kind: str, title: str | None = None, **more: Any) -> dict[str, Any]:
    """An encoding channel's field: ``kind`` is Vega-Lite's type (nominal, ordinal, quantitative)."""
    return {"field": name, "type": kind, **({} if title is None else {"title": title}), **more}


def status_share_bars(
    data: pd.DataFrame,
    *,
    group: str,
    group_title: str,
    status_labels: Mapping[str, str],
    share_title: str,
    description: str,
    state_labels: Mapping[str, str] | None = None,
    state_title: str = "",
) -> VegaLiteSpec:
    """Horizontal bars, one per group, split by achievement status (share of results).

    ``data`` has columns ``group``, ``status_label``, ``results``, ``share`` and ``status_order``;
    ``status_labels`` names the statuses of :data:`SHARE_COLOURS` the legend shows, in order. With
    ``state_labels`` (words for ``verified`` and ``unverified``) ``data`` also has ``verified`` (how
    many of ``results`` are verified): each status's part is split into its verified results, filled,
    and the others, lighter, under a legend titled ``state_title``.
    """
    fields = [group, "status_label", "results", "share", "status_order"]
    values = _records(data, fields if state_labels is None else [*fields, "verified"])
    colours = {status: SHARE_COLOURS[status] for status in status_labels}
    tooltip = [
        _field(group, "nominal", group_title),
        _field("status_label", "nominal", " "),
        _field("results", "quantitative", "n"),
        _field("share", "quantitative", share_title, format=".1%"),
    ]
    encoding: dict[str, Any] = {
        "y": _field(group, "nominal", group_title, sort="-x"),
        "x": _field(
            "share",
            "quantitative",
            share_title,
            aggregate="sum",
            axis={"format": "%"},
            scale={"domain": [0, 1]},
        ),
        "color": _status_colour(colours, status_labels) | {"sort": list(status_labels.values())},
        "order": _field("status_order", "quantitative"),
        "tooltip": tooltip,
    }
    if state_labels is not None:
        values = _verified_parts(values, state_labels, not_reported=status_labels.get("not_reported"))
        tooltip.insert(2, _field("state_label", "nominal", state_title or " "))
        encoding["order"] = _field("part_order", "quantitative")
        encoding["opacity"] = {
            "field": "state_label",
            "type": "nominal",
            "title": state_title,
            "scale": {
                "type": "ordinal",
                "domain": [state_labels["verified"], state_labels["unverified"]],
                "range": [STATE_FILL["verified"], STATE_FILL["submitted"]],
            },
            "legend": dict(STATE_LEGEND),
            # What nobody reported has no state to show: its grey stays as it is.
            **(
                {}
                if status_labels.get("not_reported") is None
                else {"condition": {"test": "datum.state_label === null", "value": 1}}
            ),
        }
    layers: list[dict[str, Any]] = [{"mark": {"type": "bar"}, "encoding": encoding}]
    if state_labels is not None:
        layers.append(_outline(encoding))
    return _spec(values, layers, description=description)


def _outline(encoding: Mapping[str, Any]) -> dict[str, Any]:
    """The same bars again, unfilled, edged in their status colour at full strength: a lighter
    (unverified) bar keeps an edge that stands out from the page (3:1) and its status readable."""
    drawn = {key: value for key, value in encoding.items() if key not in ("opacity", "color", "tooltip")}
    return {
        "mark": {"type": "bar", "fillOpacity": 0, "strokeWidth": 1.5},
        # The same field and scale as the fill colour: one legend for both.
        "encoding": drawn | {"stroke": dict(encoding["color"])},
    }


def _verified_parts(
    values: list[dict[str, Any]], state_labels: Mapping[str, str], *, not_reported: str | None
) -> list[dict[str, Any]]:
    """Each status's row as two: its verified results and the others, each with its share of the
    group; a part without results is left out, and what nobody reported keeps one row, without state."""
    parts: list[dict[str, Any]] = []
    for row in values:
        results, verified = int(row["results"] or 0), int(row.pop("verified") or 0)
        order = 2 * int(row["status_order"] or 0)
        if row["status_label"] == not_reported:
            parts.append(row | {"state_label": None, "part_order": order})
            continue
        for count, state, offset in ((verified, "verified", 0), (results - verified, "unverified", 1)):
            if count:
                share = (row["share"] or 0) * count / results
                parts.append(
                    row
                    | {
                        "results": count,
                        "share": share,
                        "state_label": state_labels[state],
                        "part_order": order + offset,
                    }
                )
    return parts


def trend_line(
    data: pd.DataFrame,
    *,
    period_title: str,
    value_title: str,
    description: str,
    target_line: float = 1.0,
    reported_title: str | None = None,
    verified_title: str | None = None,
) -> VegaLiteSpec:
    """Achievement by period with the 100 % line. ``data`` has ``period``, ``achievement``,
    ``on_track_share`` and ``results``, ``reported_share`` when ``reported_title`` names it and
    ``verified_share`` when ``verified_title`` does."""
    fields = ["period", "achievement", "on_track_share", "results"]
    reported = (
        []
        if reported_title is None
        else [_field("reported_share", "quantitative", reported_title, format=".1%")]
    )
    if verified_title is not None:
        reported.append(_field("verified_share", "quantitative", verified_title, format=".1%"))
    line = {
        "mark": {"type": "line", "point": {"size": 80}, "strokeWidth": 3, "color": ACTUAL_COLOUR},
        "encoding": {
            "x": _field("period", "ordinal", period_title),
            "y": _field("achievement", "quantitative", value_title, axis={"format": "%"}),
            "tooltip": [
                _field("period", "ordinal", period_title),
                _field("achievement", "quantitative", value_title, format=".1%"),
                _field("on_track_share", "quantitative", "on track", format=".1%"),
                *reported,
                _field("results", "quantitative", "n"),
            ],
        },
    }
    # The target as a constant: a rule at ``target_line`` on the same axis, whatever the rows.
    rule = {
        "data": {"values": [{}]},
        "mark": {"type": "rule", "strokeDash": [6, 4], "color": TARGET_COLOUR},
        "encoding": {"y": {"datum": target_line, "type": "quantitative"}},
    }
    if reported_title is not None:
        fields.append("reported_share")
    if verified_title is not None:
        fields.append("verified_share")
    return _spec(_records(data, fields), [line, rule], description=description)


def count_bars(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    description: str,
) -> VegaLiteSpec:
    """Plain horizontal bars, largest first."""
    bars = {
        "mark": {"type": "bar", "color": ACTUAL_COLOUR},
        "encoding": {
            "y": _field(category, "nominal", category_title, sort="-x"),
            "x": _field(value, "quantitative", value_title),
            "tooltip": [
                _field(category, "nominal", category_title),
                _field(value, "quantitative", value_title),
            ],
        },
    }
    return _spec(_records(data, [category, value]), [bars], description=description)


def _json_value(value: Any) -> Any:
    """A value as JSON has it: a missing number is null (NaN is not JSON), a NumPy number a plain one."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _records(data: pd.DataFrame | Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    """The ``fields`` of every row, JSON-ready, to be written into a chart's specification."""
    rows = frames.records(data, fields) if isinstance(data, pd.DataFrame) else data
    return [{field: _json_value(row.get(field)) for field in fields} for row in rows]


def _status_colour(colours: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, Any]:
    """A Vega-Lite colour encoding of ``status_label``: each status's word in its colour, in order."""
    return {
        "field": "status_label",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [labels[k] for k in colours], "range": list(colours.values())},
    }


# The fields of an indicator's rows that its chart draws; ``state_label`` too when the state is drawn.
INDICATOR_FIELDS = ["period", "target", "actual", "achievement", "status_label", "baseline"]


def _state_fill(labels: Mapping[str, str], title: str) -> dict[str, Any]:
    """A Vega-Lite opacity encoding of ``state_label``: verified filled, the others lighter, with a
    legend titled ``title`` naming each state (``labels``, by the keys of :data:`STATE_FILL`)."""
    return {
        "field": "state_label",
        "type": "nominal",
        "title": title,
        "scale": {
            "type": "ordinal",
            "domain": [labels[k] for k in STATE_FILL],
            "range": list(STATE_FILL.values()),
        },
        "legend": dict(STATE_LEGEND),
    }


def indicator_bullets(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    period_title: str,
    actual_title: str,
    target_title: str,
    baseline_title: str,
    unit: str,
    status_labels: Mapping[str, str],
    description: str,
    state_labels: Mapping[str, str] | None = None,
    state_title: str = "",
) -> VegaLiteSpec:
    """One indicator: a bar per semester for the actual, coloured by status, a black tick for the target,
    and a dashed line for the baseline. ``data`` (a frame or its rows) has ``period``, ``target``,
    ``actual``, ``achievement``, ``status_label`` and ``baseline``; with ``state_labels`` (the words for
    draft, submitted and verified) also ``state_label``, and each bar is filled by its result's state
    (verified solid, submitted light, draft hollow) under a legend titled ``state_title``.
    """
    values = _records(data, _indicator_fields(state_labels))
    titles = IndicatorTitles(period_title, actual_title, target_title, baseline_title, state_title)
    return _spec(
        values,
        _indicator_layers(
            values, titles=titles, unit=unit, status_labels=status_labels, state_labels=state_labels
        ),
        description=description,
    )


def _indicator_fields(state_labels: Mapping[str, str] | None) -> list[str]:
    return INDICATOR_FIELDS if state_labels is None else [*INDICATOR_FIELDS, "state_label"]


@dataclass(frozen=True)
class IndicatorTitles:
    """The words on an indicator chart's axes and tooltips, in the reader's language."""

    period: str
    actual: str
    target: str
    baseline: str
    # The legend of the results' states: which fill is verified.
    state: str = ""


@dataclass(frozen=True)
class IndicatorPanel:
    """One indicator in a stack of them: its heading, a line about it beneath, its unit and its rows
    (as for ``indicator_bullets``)."""

    title: str
    subtitle: str
    unit: str
    rows: pd.DataFrame | Sequence[Mapping[str, Any]]


def indicator_stack(
    panels: Sequence[IndicatorPanel],
    *,
    titles: IndicatorTitles,
    status_labels: Mapping[str, str],
    description: str,
    panel_height: int = 160,
    state_labels: Mapping[str, str] | None = None,
) -> VegaLiteSpec:
    """A program's indicators in one chart: a panel each (as ``indicator_bullets`` draws it), one above
    the other, each on the scale of its own unit, all on the same semesters, with one legend.

    One chart rather than one per indicator: a page, its download and its image stay one piece, and
    the browser sets up one view instead of ten.
    """
    views = []
    for number, panel in enumerate(panels, start=1):
        values = _records(panel.rows, _indicator_fields(state_labels))
        layers = _indicator_layers(
            values,
            titles=titles,
            unit=panel.unit,
            status_labels=status_labels,
            state_labels=state_labels,
            # The semesters line up down the stack: their axis is named once, under the last panel.
            period_axis_title=number == len(panels),
        )
        views.append(
            {
                "title": {"text": panel.title, "subtitle": panel.subtitle, "frame": "group"},
                "height": panel_height,
                "layer": [{"data": {"values": values}, "layer": layers}],
            }
        )
    config = sinergi_theme()["config"]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "vconcat": views,
        "resolve": {"scale": {"x": "shared", "y": "independent", "color": "shared", "opacity": "shared"}},
        # The legend above the first panel, not below the last one, a long scroll away.
        "config": {**config, "legend": {**config["legend"], "orient": "top"}},
    }


def _indicator_layers(
    values: list[dict[str, Any]],
    *,
    titles: IndicatorTitles,
    unit: str,
    status_labels: Mapping[str, str],
    state_labels: Mapping[str, str] | None = None,
    period_axis_title: bool = True,
) -> list[dict[str, Any]]:
    period = _field("period", "ordinal", titles.period)
    x = period if period_axis_title else period | {"axis": {"title": None}}
    tooltip = [
        period,
        _field("target", "quantitative", titles.target, format=",.2~f"),
        _field("actual", "quantitative", titles.actual, format=",.2~f"),
        _field("achievement", "quantitative", "%", format=".1%"),
        _field("status_label", "nominal", " "),
    ]
    bar: dict[str, Any] = {
        "mark": {"type": "bar", "size": 28},
        "encoding": {
            "x": x,
            "y": _field("actual", "quantitative", unit),
            "color": _status_colour(STATUS_COLOURS, status_labels),
            "tooltip": tooltip,
        },
    }
    outline: list[dict[str, Any]] = []
    if state_labels is not None:
        tooltip.append(_field("state_label", "nominal", titles.state or " "))
        bar["encoding"] |= {"opacity": _state_fill(state_labels, titles.state)}
        outline.append(
            _outline(bar["encoding"])
            | {"mark": {"type": "bar", "size": 28, "fillOpacity": 0, "strokeWidth": 1.5}}
        )
    layers: list[dict[str, Any]] = [
        bar,
        *outline,
        {
            "mark": {"type": "tick", "color": TARGET_COLOUR, "thickness": 3, "size": 40},
            "encoding": {"x": x, "y": _field("target", "quantitative"), "tooltip": tooltip},
        },
    ]
    if any(row["baseline"] is not None for row in values):
        # The baseline is the same on every row: one rule, at its value.
        baseline = _field("baseline", "quantitative", aggregate="max")
        layers.append(
            {
                "mark": {"type": "rule", "color": "#666", "strokeDash": [4, 4]},
                "encoding": {"y": baseline, "tooltip": [baseline | {"title": titles.baseline}]},
            }
        )
    return layers


def status_matrix(
    data: pd.DataFrame,
    *,
    row: str,
    column: str,
    row_title: str,
    column_title: str,
    status_labels: Mapping[str, str],
    description: str,
    row_height: int = 52,
    font_size: int = 12,
) -> VegaLiteSpec:
    """Companies × points coloured by compliance status, with the status written in each cell.
    ``data`` has ``row``, ``column``, ``status_label`` and ``point_text``; each row of the matrix is
    ``row_height`` pixels high, its cells' text ``font_size`` pixels.
    """
    x = _field(column, "ordinal", column_title, axis={"orient": "top", "labelAngle": 0})
    y = _field(row, "nominal", row_title)
    cells = {
        "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": y,
            "color": _status_colour(COMPLIANCE_COLOURS, status_labels),
            "tooltip": [
                _field(row, "nominal", row_title),
                _field(column, "ordinal", column_title),
                _field("status_label", "nominal", " "),
                _field("point_text", "nominal", " "),
            ],
        },
    }
    text = {
        "mark": {"type": "text", "fontSize": font_size, "color": CELL_TEXT_COLOUR},
        "encoding": {"x": x, "y": y, "text": _field("status_label", "nominal")},
    }
    values = _records(data, [row, column, "status_label", "point_text"])
    return _spec(values, [cells, text], description=description, height={"step": row_height})


# Text on a chart for a room, read from the back of a hall on a 1080p projector.
ROOM_FONT_SIZE = 24


def for_room(spec: VegaLiteSpec) -> VegaLiteSpec:
    """The chart with every axis, legend and title text at ``ROOM_FONT_SIZE`` pixels, and axis labels
    and titles never cut short (a room cannot hover for the rest)."""
    config = dict(spec.get("config", {}))
    size = ROOM_FONT_SIZE
    config["axis"] = {
        **config.get("axis", {}),
        "labelFontSize": size,
        "titleFontSize": size,
        "labelLimit": 0,
        "titleLimit": 0,
    }
    config["legend"] = {
        **config.get("legend", {}),
        "labelFontSize": size,
        "titleFontSize": size,
        "labelLimit": 0,
    }
    # Semesters side by side, level: every other one where they would collide, never cut or piled.
    config["axisX"] = {**config.get("axisX", {}), "labelAngle": 0, "labelOverlap": "parity"}
    config["title"] = {**config.get("title", {}), "fontSize": size}
    config["text"] = {**config.get("text", {}), "fontSize": size}
    return {**spec, "config": config}


def to_png(spec: VegaLiteSpec | str, *, scale: float = 2.0) -> bytes:
    """The chart (a specification, or its JSON) as a PNG image, rendered offline by vl-convert."""
    import vl_convert

    png: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return png


# Feedback statuses: what still waits for an answer stands out, what was closed recedes.
FEEDBACK_STATUS_COLOURS: Mapping[str, str] = {
    "open": "#D55E00",
    "in_progress": "#B07A00",
    "done": "#009E73",
    "declined": "#8C8C8C",
}


def ordered_bars(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    description: str,
    colours: Mapping[str, str] | None = None,
) -> VegaLiteSpec:
    """Horizontal bars in the order of the rows, for categories with a natural order (open → done).

    With ``colours`` (keyed by the values of the ``group`` column), each bar takes its category's colour.
    """
    encoding: dict[str, Any] = {
        "y": _field(category, "nominal", category_title, sort=list(data[category])),
        "x": _field(value, "quantitative", value_title, axis={"tickMinStep": 1, "format": "d"}),
        "tooltip": [
            _field(category, "nominal", category_title),
            _field(value, "quantitative", value_title),
        ],
    }
    fields = [category, value]
    if colours is not None:
        encoding["color"] = _field(
            "group", "nominal", scale={"domain": list(colours), "range": list(colours.values())}, legend=None
        )
        fields.append("group")
    bars = {
        "mark": {"type": "bar", **({} if colours is not None else {"color": ACTUAL_COLOUR})},
        "encoding": encoding,
    }
    return _spec(_records(data, fields), [bars], description=description)
