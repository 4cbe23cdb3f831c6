"""Two-dimensional cost surfaces for watching update rules move: each has a cost, its
gradient, a starting point and a window to draw; ``follow`` runs any update rule on one and
returns the path; the plots draw contours and paths.

An update rule here is ``step(point, gradient, t) -> new point`` for a point of shape (2,),
the gradient there (2,), and t counting steps from 1. It keeps any state (a velocity, a
running average) in a closure, like the ``step`` of helpers.training.train_mini_batches.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from helpers.plots import colour_for


@dataclass(frozen=True)
class Surface:
    """A cost J(x, y) to minimize.

    cost(x, y): elementwise on arrays of any (equal) shape. gradient(point): point (2,) ->
    (2,). start: where the race starts. bounds: (x_min, x_max, y_min, y_max) to draw.
    levels: contour levels that show its shape. minimum: a lowest point, for reference.
    """

    name: str
    cost: Callable
    gradient: Callable
    start: tuple
    bounds: tuple
    levels: tuple
    minimum: tuple


def elongated_bowl():
    """J = x^2 / 20 + y^2: steep across (y), shallow along (x), minimum at the origin."""
    return Surface(
        name="elongated bowl",
        cost=lambda x, y: x ** 2 / 20 + y ** 2,
        gradient=lambda p: np.array([p[0] / 10, 2 * p[1]]),
        start=(-4.5, 1.5), bounds=(-5.0, 5.0, -2.0, 2.0),
        levels=tuple(np.linspace(0.05, 3.5, 14) ** 1.5), minimum=(0.0, 0.0))


def saddle():
    """J = x^2 / 2 + y^4 / 4 - y^2 / 2: a saddle point at the origin (up along x, down along
    y) between two minima at (0, -1) and (0, 1). The race starts almost exactly on the
    ridge, where the gradient across it is tiny."""
    return Surface(
        name="saddle point",
        cost=lambda x, y: x ** 2 / 2 + y ** 4 / 4 - y ** 2 / 2,
        gradient=lambda p: np.array([p[0], p[1] ** 3 - p[1]]),
        start=(-2.2, 0.001), bounds=(-2.5, 2.5, -1.6, 1.6),
        levels=tuple(np.linspace(-0.24, 3.0, 16)), minimum=(0.0, 1.0))


def plateau():
    """J = 1 - exp(-(x^2 + 2 y^2) / 2): almost flat far from the origin (the gradient is about
    1e-3 where the race starts), then a well with its minimum at the origin."""
    def cost(x, y):
        return 1.0 - np.exp(-(x ** 2 + 2 * y ** 2) / 2)

    def gradient(p):
        well = np.exp(-(p[0] ** 2 + 2 * p[1] ** 2) / 2)
        return np.array([p[0] * well, 2 * p[1] * well])

    return Surface(name="plateau", cost=cost, gradient=gradient, start=(3.0, 1.5),
                   bounds=(-3.5, 3.5, -2.2, 2.2),
                   levels=tuple(1 - np.exp(-np.linspace(0.05, 7.0, 15))), minimum=(0.0, 0.0))


def follow(step, gradient, start, num_steps, limit=1e3):
    """The path of an update rule from ``start``: point_t = step(point_{t-1},
    gradient(point_{t-1}), t) for t = 1..num_steps.

    gradient: point (2,) -> (2,). Returns an array (k + 1, 2) of the points visited; the path
    stops early (k < num_steps) when a point is not finite or leaves the box |x|, |y| <= limit.
    """
    point = np.asarray(start, dtype=float)
    path = [point]
    for t in range(1, num_steps + 1):
        point = np.asarray(step(point, gradient(point), t), dtype=float)
        if not np.all(np.isfinite(point)) or np.abs(point).max() > limit:
            break
        path.append(point)
    return np.array(path)


def plot_contours(ax, cost, bounds, levels=15, resolution=150, title=None):
    """Filled contours of cost(x, y) over bounds (x_min, x_max, y_min, y_max) on ``ax``."""
    x_min, x_max, y_min, y_max = bounds
    grid_x, grid_y = np.meshgrid(np.linspace(x_min, x_max, resolution),
                                 np.linspace(y_min, y_max, resolution))
    values = cost(grid_x, grid_y)
    ax.contourf(grid_x, grid_y, values, levels=levels, cmap="Blues_r", alpha=0.6,
                extend="both")
    ax.contour(grid_x, grid_y, values, levels=levels, colors="white", linewidths=0.5)
    ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max), xlabel="$x$", ylabel="$y$")
    if title:
        ax.set_title(title)
    return ax


def plot_paths(ax, paths, markersize=2.5):
    """Draw each path (k, 2) of ``paths`` (label -> path) with its palette colour, a dot at
    its start and a cross where it ends."""
    for index, (label, path) in enumerate(paths.items()):
        colour = colour_for(index)
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour, markersize=markersize,
                linewidth=1.2, label=label)
        ax.plot(*path[-1], "X", color=colour, markersize=9, markeredgecolor="k")
    ax.plot(*next(iter(paths.values()))[0], "o", color="k", markersize=6)
    ax.legend(loc="lower right", fontsize="small")
    return ax
