"""Chart builders give Vega-Lite specs with the exact figures in tooltips, and render to PNG offline."""

from __future__ import annotations

import inspect
import json
import re

import altair as alt
import pandas as pd
import pytest
import vl_convert

from sinergi.reports import charts

STATUS_LABELS = {
    "on_track": "On track",
    "needs_attention": "Needs attention",
    "off_track": "Off track",
    "no_data": "No data",
}


def test_indicator_chart_renders_to_png_with_target_and_tooltips() -> None:
    data = pd.DataFrame(
        {
            "period": ["2023-S1", "2023-S2"],
            "target": [100.0, 120.0],
            "actual": [90.0, 130.0],
            "achievement": [0.9, 1.083],
            "status_label": ["On track", "On track"],
            "baseline": [50.0, 50.0],
        }
    )
    chart = charts.indicator_bullets(
        data,
        period_title="Semester",
        actual_title="Actual",
        target_title="Target",
        baseline_title="Baseline",
        unit="kg",
        status_labels=STATUS_LABELS,
        description="A chart.",
    )
    # Written as a Vega-Lite specification: it must be one the schema accepts, as Altair's would be.
    assert isinstance(chart, dict)
    alt.LayerChart.from_dict(chart, validate=True)
    [inner] = chart["layer"]
    assert inner["data"]["values"][1] == {
        "period": "2023-S2",
        "target": 120.0,
        "actual": 130.0,
        "achievement": 1.083,
        "status_label": "On track",
        "baseline": 50.0,
    }
    assert len(inner["layer"]) == 3, "bars for actual, ticks for target, a rule for the baseline"
    tooltip_fields = {t["field"] for t in inner["layer"][0]["encoding"]["tooltip"]}
    assert {"target", "actual", "achievement"} <= tooltip_fields
    assert inner["layer"][0]["encoding"]["color"]["scale"]["range"][0] == charts.STATUS_COLOURS["on_track"]
    png = charts.to_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2_000


def test_indicator_chart_writes_missing_figures_as_null_and_leaves_out_a_missing_baseline() -> None:
    rows = [
        {
            "period": "2023-S1",
            "target": 10.0,
            "actual": float("nan"),
            "achievement": float("nan"),
            "status_label": "No data",
            "baseline": float("nan"),
            "state": "draft",
        },
    ]
    chart = charts.indicator_bullets(
        rows,
        period_title="Semester",
        actual_title="Actual",
        target_title="Target",
        baseline_title="Baseline",
        unit="kg",
        status_labels=STATUS_LABELS,
        description="A chart.",
    )
    assert isinstance(chart, dict)
    alt.LayerChart.from_dict(chart, validate=True)
    [inner] = chart["layer"]
    assert inner["data"]["values"] == [
        {
            "period": "2023-S1",
            "target": 10.0,
            "actual": None,
            "achievement": None,
            "status_label": "No data",
            "baseline": None,
        }
    ]
    assert [layer["mark"]["type"] for layer in inner["layer"]] == ["bar", "tick"]
    json.dumps(chart, allow_nan=False)


STATE_LABELS = {
    "verified": "Verified",
    "submitted": "Submitted, not verified",
    "draft": "Draft, not verified",
}


def test_indicator_bars_are_filled_when_verified_and_lighter_otherwise_with_a_legend_saying_so() -> None:
    rows = [
        {
            "period": period,
            "target": 100.0,
            "actual": 95.0,
            "achievement": 0.95,
            "status_label": "On track",
            "baseline": None,
            "state_label": STATE_LABELS[state],
        }
        for period, state in (("2023-S1", "verified"), ("2023-S2", "submitted"), ("2024-S1", "draft"))
    ]
    chart = charts.indicator_bullets(
        rows,
        period_title="Semester",
        actual_title="Actual",
        target_title="Target",
        baseline_title="Baseline",
        unit="kg",
        status_labels=STATUS_LABELS,
        description="A chart.",
        state_labels=STATE_LABELS,
        state_title="Verification (filled = verified)",
    )
    alt.LayerChart.from_dict(chart, validate=True)
    [inner] = chart["layer"]
    assert [row["state_label"] for row in inner["data"]["values"]] == list(STATE_LABELS.values())
    opacity = inner["layer"][0]["encoding"]["opacity"]
    assert opacity["field"] == "state_label"
    assert opacity["title"] == "Verification (filled = verified)"
    by_state = dict(zip(opacity["scale"]["domain"], opacity["scale"]["range"], strict=True))
    assert by_state["Verified"] == 1.0
    assert by_state["Submitted, not verified"] < 1.0 and by_state["Draft, not verified"] < 1.0
    # The compiled chart draws a legend for the states, under that title, beside the status colours.
    legends = vl_convert.vegalite_to_vega(chart)["legends"]
    assert {"opacity": "opacity", "title": "Verification (filled = verified)"}.items() <= next(
        legend for legend in legends if "opacity" in legend
    ).items()
    assert any("fill" in legend for legend in legends)
    assert charts.to_png(chart).startswith(b"\x89PNG")


def test_a_programs_indicators_stack_in_one_chart_each_on_its_own_scale() -> None:
    def rows(periods: list[str], actuals: list[float], baseline: float | None) -> list[dict[str, object]]:
        return [
            {
                "period": period,
                "target": 100.0,
                "actual": actual,
                "achievement": actual / 100,
                "status_label": "On track" if actual >= 100 else "Off track",
                "baseline": baseline,
            }
            for period, actual in zip(periods, actuals, strict=True)
        ]

    panels = [
        charts.IndicatorPanel(
            title="Kunjungan posyandu (kunjungan)",
            subtitle="Output · Higher is better · Cumulative · Baseline 688 (2019)",
            unit="kunjungan",
            rows=rows(["2023-S1", "2023-S2"], [120.0, 80.0], 688.0),
        ),
        charts.IndicatorPanel(
            title="Prevalensi stunting (%)",
            subtitle="Impact · Lower is better · Per period · No baseline",
            unit="%",
            rows=rows(["2023-S2", "2024-S1"], [101.0, 99.0], None),
        ),
    ]
    spec = charts.indicator_stack(
        panels,
        titles=charts.IndicatorTitles(
            period="Semester", actual="Actual", target="Target", baseline="Baseline"
        ),
        status_labels=STATUS_LABELS,
        description="A chart.",
    )
    alt.VConcatChart.from_dict(spec, validate=True)
    json.dumps(spec, allow_nan=False)
    first, second = spec["vconcat"]
    assert (first["title"]["text"], first["title"]["subtitle"]) == (panels[0].title, panels[0].subtitle)
    assert second["title"]["text"] == "Prevalensi stunting (%)"
    assert [row["actual"] for row in first["layer"][0]["data"]["values"]] == [120.0, 80.0]
    assert [row["period"] for row in second["layer"][0]["data"]["values"]] == ["2023-S2", "2024-S1"]
    # Each panel on the scale of its own unit, all on the same semesters, one legend for the colours.
    assert spec["resolve"]["scale"] == {
        "x": "shared",
        "y": "independent",
        "color": "shared",
        "opacity": "shared",
    }
    first_bars, second_bars = first["layer"][0]["layer"][0], second["layer"][0]["layer"][0]
    assert first_bars["encoding"]["y"]["title"] == "kunjungan"
    assert second_bars["encoding"]["y"]["title"] == "%"
    assert [layer["mark"]["type"] for layer in first["layer"][0]["layer"]] == ["bar", "tick", "rule"]
    assert [layer["mark"]["type"] for layer in second["layer"][0]["layer"]] == ["bar", "tick"], "no baseline"
    assert first_bars["encoding"]["x"]["axis"] == {"title": None}
    assert "axis" not in second_bars["encoding"]["x"], "the semesters are named under the last panel"
    assert spec["config"]["font"] == charts.FONT and spec["config"]["legend"]["orient"] == "top"
    png = charts.to_png(spec)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2_000


def test_status_colours_are_fixed_per_status_whatever_the_language() -> None:
    data = pd.DataFrame(
        {
            "group": ["A", "A"],
            "status_label": ["Sesuai target", "Di bawah target"],
            "results": [3, 1],
            "share": [0.75, 0.25],
            "status_order": [0, 2],
        }
    )
    labels = {
        "on_track": "Sesuai target",
        "needs_attention": "Perlu perhatian",
        "off_track": "Di bawah target",
        "no_data": "Belum ada data",
    }
    spec = charts.status_share_bars(
        data,
        group="group",
        group_title="Pilar",
        status_labels=labels,
        share_title="Porsi",
        description="Diagram.",
    )
    [[bars]] = [inner["layer"] for inner in spec["layer"]]
    scale = bars["encoding"]["color"]["scale"]
    assert (
        dict(zip(scale["domain"], scale["range"], strict=True))["Di bawah target"]
        == charts.STATUS_COLOURS["off_track"]
    )


def test_every_builder_gives_a_specification_the_schema_accepts() -> None:
    """Pages draw these without validating them on every run: the check is here, once. Each is in the
    Sinergi theme, carries its rows as JSON and renders to an image."""
    shares = pd.DataFrame(
        {"group": ["A"], "status_label": ["On track"], "results": [3], "share": [1.0], "status_order": [0]}
    )
    bars = pd.DataFrame({"group": ["open", "done"], "label": ["Open", "Done"], "items": [2, 5]})
    matrix = pd.DataFrame(
        {"company": ["PT A"], "point": [1], "status_label": ["Met"], "point_text": ["1. Ikut serta"]}
    )
    built = {
        "shares": charts.status_share_bars(
            shares,
            group="group",
            group_title="Pillar",
            status_labels=STATUS_LABELS,
            share_title="Share",
            description="Shares.",
        ),
        "trend": charts.trend_line(
            pd.DataFrame(
                {"period": ["2023-S1"], "achievement": [0.9], "on_track_share": [0.5], "results": [4]}
            ),
            period_title="Semester",
            value_title="Achievement",
            description="Trend.",
        ),
        "counts": charts.count_bars(
            bars,
            category="label",
            value="items",
            category_title="Kind",
            value_title="Items",
            description="Counts.",
        ),
        "ordered": charts.ordered_bars(
            bars,
            category="label",
            value="items",
            category_title="Status",
            value_title="Items",
            description="Ordered.",
            colours=charts.FEEDBACK_STATUS_COLOURS,
        ),
        "matrix": charts.status_matrix(
            matrix,
            row="company",
            column="point",
            row_title="Company",
            column_title="Point",
            status_labels={key: key for key in charts.COMPLIANCE_COLOURS} | {"met": "Met"},
            description="Matrix.",
        ),
    }
    for name, spec in built.items():
        alt.LayerChart.from_dict(spec, validate=True)
        assert spec["config"]["font"] == charts.FONT, f"{name}: the Sinergi theme is part of every chart"
        json.dumps(spec, allow_nan=False)
        png = charts.to_png(spec)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1_000, name

    [inner] = built["matrix"]["layer"]
    assert inner["data"]["values"] == [
        {"company": "PT A", "point": 1, "status_label": "Met", "point_text": "1. Ikut serta"}
    ]
    assert inner["layer"][0]["encoding"]["color"]["scale"]["range"] == list(
        charts.COMPLIANCE_COLOURS.values()
    )
    [inner] = built["ordered"]["layer"]
    assert inner["data"]["values"] == [
        {"label": "Open", "items": 2, "group": "open"},
        {"label": "Done", "items": 5, "group": "done"},
    ]
    [bar] = inner["layer"]
    assert bar["encoding"]["y"]["sort"] == ["Open", "Done"], "bars keep the rows' order (open → done)"
    assert bar["encoding"]["color"]["scale"]["range"][:2] == [
        charts.FEEDBACK_STATUS_COLOURS["open"],
        charts.FEEDBACK_STATUS_COLOURS["in_progress"],
    ]
    [inner] = built["trend"]["layer"]
    line, rule = inner["layer"]
    assert inner["data"]["values"] == [
        {"period": "2023-S1", "achievement": 0.9, "on_track_share": 0.5, "results": 4}
    ]
    assert line["mark"]["type"] == "line"
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["y"]["datum"] == 1.0, "the 100 % line"


def test_charts_write_numbers_the_way_the_readers_language_does() -> None:
    data = pd.DataFrame({"label": ["Balikpapan"], "items": [15000]})
    spec = charts.count_bars(
        data,
        category="label",
        value="items",
        category_title="Kota",
        value_title="Jumlah",
        description="Diagram.",
    )
    texts = {}
    for lang in ("id", "en"):
        localised = charts.in_language(spec, lang)
        alt.LayerChart.from_dict(localised, validate=True)
        assert localised["config"]["font"] == charts.FONT, "the theme stays"
        texts[lang] = re.findall(r">([0-9][0-9.,]*)<", vl_convert.vegalite_to_svg(localised))
    assert "10.000" in texts["id"] and "10,000" not in texts["id"], texts["id"]
    assert "10,000" in texts["en"], texts["en"]
    assert "locale" not in spec["config"], "the builder's own specification is left as it was"


def test_status_shares_split_each_status_into_its_verified_part_filled_and_the_rest_lighter() -> None:
    labels = {**STATUS_LABELS, "not_reported": "Not reported"}
    data = pd.DataFrame(
        {
            "group": ["Economy", "Economy", "Economy"],
            "status_label": ["On track", "Off track", "Not reported"],
            "results": [6, 3, 3],
            "verified": [4, 0, 0],
            "share": [0.5, 0.25, 0.25],
            "status_order": [0, 2, 4],
        }
    )
    spec = charts.status_share_bars(
        data,
        group="group",
        group_title="Pillar",
        status_labels=labels,
        description="Shares.",
        share_title="Share",
        state_labels={"verified": "Verified", "unverified": "Not verified"},
        state_title="Verification (filled = verified)",
    )
    alt.LayerChart.from_dict(spec, validate=True)
    [inner] = spec["layer"]
    parts = [(row["status_label"], row["state_label"], row["results"]) for row in inner["data"]["values"]]
    assert parts == [
        ("On track", "Verified", 4),
        ("On track", "Not verified", 2),
        ("Off track", "Not verified", 3),
        ("Not reported", None, 3),
    ]
    assert sum(row["share"] for row in inner["data"]["values"]) == pytest.approx(1.0)
    opacity = inner["layer"][0]["encoding"]["opacity"]
    by_state = dict(zip(opacity["scale"]["domain"], opacity["scale"]["range"], strict=True))
    assert by_state["Verified"] == 1.0 > by_state["Not verified"]
    assert opacity["title"] == "Verification (filled = verified)"
    legends = vl_convert.vegalite_to_vega(spec)["legends"]
    assert any(legend.get("title") == "Verification (filled = verified)" for legend in legends)


def test_every_chart_builder_needs_a_description_and_puts_it_where_screen_readers_find_it() -> None:
    """vega-embed turns a specification's top-level ``description`` into the chart's accessible name
    (``aria-label``): a builder takes it and gives it to the whole chart, never to one layer only."""
    builders = [
        builder
        for name, builder in inspect.getmembers(charts, inspect.isfunction)
        if not name.startswith("_")
        and builder.__module__ == charts.__name__
        and inspect.signature(builder).return_annotation in {"VegaLiteSpec", charts.VegaLiteSpec}
        and name not in {"in_language", "for_room"}
    ]
    assert len(builders) == 7, [builder.__name__ for builder in builders]
    for builder in builders:
        parameter = inspect.signature(builder).parameters.get("description")
        assert parameter is not None and parameter.default is inspect.Parameter.empty, builder.__name__
    spec = charts.count_bars(
        pd.DataFrame({"c": ["A"], "v": [1]}),
        category="c",
        value="v",
        category_title="C",
        value_title="V",
        description="Bar chart: V per c.",
    )
    assert spec["description"] == "Bar chart: V per c."


def test_a_chart_for_a_room_writes_every_text_large_and_uncut() -> None:
    """Slides are read from the back of a hall: axis, legend and cell text at 24 px or more at 1080p,
    and no label or title shortened to an ellipsis."""
    matrix = charts.status_matrix(
        pd.DataFrame(
            {
                "company": ["PT Indexim Coalindo"],
                "point": ["1. Laporan"],
                "status_label": ["Terpenuhi"],
                "status": ["met"],
                "point_text": ["1. Laporan"],
            }
        ),
        row="company",
        column="point",
        row_title="Perusahaan",
        column_title="Poin",
        status_labels={status: status for status in charts.COMPLIANCE_COLOURS},
        description="Matriks kepatuhan",
        font_size=charts.ROOM_FONT_SIZE,
    )
    room = charts.for_room(matrix)
    config = room["config"]
    assert min(config["axis"]["labelFontSize"], config["axis"]["titleFontSize"]) >= 24
    assert min(config["legend"]["labelFontSize"], config["legend"]["titleFontSize"]) >= 24
    assert config["axis"]["labelLimit"] == config["axis"]["titleLimit"] == 0
    [text] = [layer for layer in room["layer"][0]["layer"] if layer["mark"]["type"] == "text"]
    assert text["mark"]["fontSize"] >= 24
    assert matrix["config"]["axis"].get("labelFontSize", 0) < 24, "the dashboard's charts keep their size"
