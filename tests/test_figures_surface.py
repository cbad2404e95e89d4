"""The animated contour: frames set without Plotly's validation are exactly the validated ones."""

import json

import plotly.graph_objects as go

from optim_lab.figures.surface import contour_figure, frame_steps, paths_from_trajectories
from optim_lab.surfaces import SURFACES, evaluate_grid
from optim_lab.trajectory import RunSpec, run_many


def test_animated_contour_frames_match_the_validated_figure():
    surface = SURFACES["rosenbrock"]
    specs = [RunSpec("adam", {"lr": 0.05}), RunSpec("sgd", {"lr": 10.0})]  # the second diverges
    runs = run_many(surface, specs, (-1.5, 2.0), 120)
    assert runs[1].diverged_at is not None
    xs, ys, z = evaluate_grid(surface, None, 40)
    fig = contour_figure(xs, ys, z, paths_from_trajectories(runs), animate=True, start=(-1.5, 2.0))
    assert len(fig.frames) == len(frame_steps(120))
    # rebuilding the figure through Plotly's validating constructor changes nothing
    plain = json.loads(fig.to_json())
    validated = json.loads(go.Figure(plain).to_json())
    assert validated["frames"] == plain["frames"]
    for frame in plain["frames"]:
        assert len(frame["data"]) == len(frame["traces"]) == 2
