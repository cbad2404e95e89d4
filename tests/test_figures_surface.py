"""The animated contour: the figure written without Plotly's validation is exactly the validated
one; a path is drawn through the points where its run moved."""

import base64
import json

import numpy as np
import plotly.graph_objects as go

from optim_lab.figures import plain
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
    assert validated == plain
    paths = paths_from_trajectories(runs)
    for frame in plain["frames"]:
        assert len(frame["data"]) == len(frame["traces"]) == 2
        # each frame holds exactly the moves made up to its step, in float32
        for path, data in zip(paths, frame["data"], strict=True):
            moves, _ = path.upto(int(frame["name"]))
            for axis, column in (("x", 0), ("y", 1)):
                drawn = np.frombuffer(base64.b64decode(data[axis]["bdata"]), np.float32)
                np.testing.assert_array_equal(drawn, moves[:, column].astype(np.float32))


def test_a_path_is_drawn_through_the_points_where_its_run_moved():
    # Newton reaches Rosenbrock's minimum in a few steps and then repeats it (float32)
    surface = SURFACES["rosenbrock"]
    runs = run_many(surface, [RunSpec("newton", {"lr": 1.0, "damping": 1e-3})], (-1.5, 2.0), 300)
    (path,) = paths_from_trajectories(runs)
    xs, ys, z = evaluate_grid(surface, None, 40)
    fig = contour_figure(xs, ys, z, [path], animate=True, show_final=True)
    (trace,) = (t for t in fig.data if t.get("name", "").startswith("Newton"))
    steps = plain.values(trace["customdata"])
    xs_drawn, ys_drawn = plain.values(trace["x"]), plain.values(trace["y"])
    assert 2 <= len(steps) < 50 and steps[0] == 0  # not 301 markers on the same few spots
    # every step is drawn at the point reached at the last listed step before it
    for k in range(len(path.points)):
        reached = np.searchsorted(steps, k, side="right") - 1
        np.testing.assert_array_equal(path.points[k], [xs_drawn[reached], ys_drawn[reached]])
    # a frame at step k shows the moves up to k
    frame = next(f for f in json.loads(fig.to_json())["frames"] if f["name"] == "10")
    (data,) = frame["data"]
    n = len(np.frombuffer(base64.b64decode(data["x"]["bdata"]), np.float32))
    assert n == np.searchsorted(steps, 10, side="right")
