"""The plain-dictionary figures write what ``plotly.graph_objects`` writes for the same calls."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots as go_subplots

from optim_lab.figures import plain


def without_empty(value):
    """``go`` writes an unset compound property as ``{}``; Plotly.js reads that as absent."""
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v != {}}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def as_json(fig) -> dict:
    """Both kinds of figure as the JSON the browser receives."""
    text = pio.to_json(fig, validate=False) if isinstance(fig, go.Figure) else fig.to_json()
    return without_empty(json.loads(text))


def build(make, calls):
    fig = make()
    for method, args, kwargs in calls:
        getattr(fig, method)(*args, **kwargs)
    return fig


def trace_of(kind: str, api, **props):
    return getattr(go, kind)(**props) if api is go else getattr(plain, kind.lower())(**props)


X = np.linspace(0.0, 1.0, 5)
Y = np.array([1.0, np.nan, 3.0, 4.0, 5.0], dtype=np.float32)
Z = np.arange(12.0).reshape(3, 4)


def single(api):
    return [
        (
            "add_trace",
            [
                trace_of(
                    "Scatter",
                    api,
                    x=X,
                    y=Y,
                    mode="lines",
                    name="a",
                    line=dict(color="#0072B2", width=2, dash="dash"),
                    marker_size=4,
                    hovertemplate="%{x}<extra></extra>",
                )
            ],
            {},
        ),
        (
            "add_trace",
            [
                trace_of(
                    "Heatmap",
                    api,
                    z=Z,
                    x=[0, 1, 2, 3],
                    y=(0, 1, 2),
                    colorscale="Cividis",
                    showscale=False,
                    zmin=0,
                )
            ],
            {},
        ),
        (
            "add_trace",
            [
                trace_of(
                    "Bar",
                    api,
                    x=["a", "b"],
                    y=[1, 2],
                    marker_color=["red", "blue"],
                    error_y=dict(type="data", array=[0.1, 0.2]),
                )
            ],
            {},
        ),
        (
            "update_layout",
            [],
            dict(
                title=dict(text="T", x=0.0, xanchor="left"),
                font=dict(size=14),
                height=300,
                margin=dict(l=60, r=20, t=50, b=50),
                legend=dict(orientation="h", y=1.02),
                hovermode="closest",
                xaxis_title="x",
                yaxis_title_text="y",
                showlegend=True,
            ),
        ),
        (
            "update_layout",
            [],
            dict(
                title=None,
                annotations=[dict(text="note", x=0.5, y=0.5, showarrow=False, font_size=12)],
            ),
        ),
        ("update_xaxes", [], dict(range=[0, 1], title_text="x again", showgrid=False)),
        ("update_yaxes", [], dict(type="log", exponentformat="power")),
        ("add_annotation", [], dict(x=0.2, y=3, text="here", showarrow=True, arrowhead=2)),
        (
            "add_shape",
            [],
            dict(type="rect", x0=0, x1=0.5, y0=0, y1=1, line_width=0, fillcolor="grey"),
        ),
        (
            "add_hline",
            [],
            dict(
                y=2.0,
                line=dict(color="gray", dash="dot"),
                annotation_text="two",
                annotation_position="top left",
            ),
        ),
        ("add_vline", [], dict(x=0.5, line=dict(color="gray", width=1), opacity=0.5)),
        (
            "add_vrect",
            [],
            dict(
                x0=0.1,
                x1=0.3,
                fillcolor="rgba(1,2,3,0.1)",
                line_width=0,
                annotation_text="not trained",
                annotation_position="top right",
            ),
        ),
        ("add_hrect", [], dict(y0=1, y1=2, opacity=0.1, layer="below")),
    ]


def grid(api):
    return [
        (
            "add_trace",
            [trace_of("Scatter", api, x=[1, 2], y=[3, 4], showlegend=False)],
            dict(row=1, col=1),
        ),
        ("add_trace", [trace_of("Scatter", api, x=[1, 2], y=[5, 6])], dict(row=1, col=2)),
        ("add_hline", [], dict(y=1.0, line=dict(color="gray", width=1), row=1, col=2)),
        ("add_vline", [], dict(x=1.5, line_dash="dash")),
        (
            "add_vrect",
            [],
            dict(x0=1.2, x1=1.4, opacity=0.1, line_width=0, layer="below", row=1, col=1),
        ),
        ("add_annotation", [], dict(text="b", x=1, y=5, showarrow=False, row=1, col=2)),
        ("update_xaxes", [], dict(title_text="step")),
        ("update_yaxes", [], dict(title_text="left", row=1, col=1)),
        ("update_yaxes", [], dict(type="log", row=1, col=2)),
        ("update_layout", [], dict(height=320, legend_title_text="runs")),
    ]


SUBPLOTS = [
    dict(rows=1, cols=2, subplot_titles=("a", "b"), horizontal_spacing=0.08, shared_yaxes=True),
    dict(
        rows=2,
        cols=2,
        subplot_titles=["p", "q", "r", "s"],
        vertical_spacing=0.15,
        shared_xaxes=True,
    ),
    dict(rows=1, cols=2, column_widths=[0.7, 0.3]),
]


def test_single_plot_matches_graph_objects():
    assert as_json(build(plain.Figure, single(plain))) == as_json(build(go.Figure, single(go)))


@pytest.mark.parametrize("kwargs", SUBPLOTS)
def test_subplot_grid_matches_graph_objects(kwargs):
    ours = build(lambda: plain.make_subplots(**kwargs), grid(plain))
    theirs = build(lambda: go_subplots(**kwargs), grid(go))
    assert as_json(ours) == as_json(theirs)


def test_secondary_axis_matches_graph_objects():
    def calls(api):
        return [
            (
                "add_trace",
                [trace_of("Scatter", api, y=[1, 2], name="loss")],
                dict(secondary_y=False),
            ),
            (
                "add_trace",
                [trace_of("Scatter", api, y=[0.1, 0.2], name="lr")],
                dict(secondary_y=True),
            ),
            ("update_yaxes", [], dict(title_text="loss", type="log", secondary_y=False)),
            ("update_yaxes", [], dict(title_text="lr", secondary_y=True)),
        ]

    specs = [[{"secondary_y": True}]]
    ours = build(lambda: plain.make_subplots(specs=specs), calls(plain))
    theirs = build(lambda: go_subplots(specs=specs), calls(go))
    assert as_json(ours) == as_json(theirs)


def test_frames_and_animation_controls_match_graph_objects():
    buttons = [
        dict(
            label="▶",
            method="animate",
            args=[None, {"frame": {"duration": 50, "redraw": True}, "fromcurrent": True}],
        )
    ]

    def make(api):
        trace = trace_of("Scatter", api, x=[0, 1], y=[0, 1])
        frames = [
            (go.Frame if api is go else dict)(  # the builders write frames as plain dictionaries
                data=[trace_of("Scatter", api, x=[0], y=[i])], name=str(i), traces=[0]
            )
            for i in range(3)
        ]
        return (go.Figure if api is go else plain.Figure)(
            data=[trace],
            frames=frames,
            layout=dict(updatemenus=[dict(type="buttons", buttons=buttons)]),
        )

    assert as_json(make(plain)) == as_json(make(go))


def test_non_finite_numbers_are_written_as_null():
    fig = plain.Figure([plain.scatter(x=[0.0, 1.0], y=[float("nan"), float("inf")])])
    fig.update_layout(yaxis_range=[np.float32(1.0), float("-inf")])
    spec = json.loads(fig.to_json())
    assert spec["data"][0]["y"] == [None, None]
    assert spec["layout"]["yaxis"]["range"] == [1.0, None]


def test_unknown_objects_are_refused():
    with pytest.raises(TypeError, match="cannot write"):
        plain.to_json({"data": [{"x": object()}]})


def test_the_type_scale_enlarges_a_figures_type_and_height_when_drawn_only():
    fig = plain.Figure([plain.scatter(x=[0, 1], y=[1, 0])])
    fig.update_layout(font=dict(family="Inter", size=14), height=500)
    token = plain.TYPE_SCALE.set(1.3)
    try:
        drawn = fig.to_dict()["layout"]
    finally:
        plain.TYPE_SCALE.reset(token)
    assert drawn["font"] == {"family": "Inter", "size": 18.2} and drawn["height"] == 650
    # the figure itself (shared between sessions) keeps its own type
    assert fig.layout["font"]["size"] == 14 and fig.to_dict()["layout"]["height"] == 500
