"""Plots the notebooks show. Every function draws on an Axes (a new figure when none is given)
and returns it; colours come from one course palette so a method keeps its colour across the
course. Importing this module changes no matplotlib setting; ``use_course_style()`` does (a
notebook's first cell calls it through ``helpers.notebook.setup_notebook()``)."""

import matplotlib.pyplot as plt
import numpy as np

# Class colours (label 0, label 1) and one colour per method, used everywhere.
CLASS_COLOURS = ("#d95f02", "#1b9e77")
PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
           "#8c8c8c")


def use_course_style():
    """Make PALETTE matplotlib's colour cycle: from now on a plot that names no colour, even one
    drawn with pyplot alone, takes the next colour of the palette, in the same order."""
    plt.rcParams["axes.prop_cycle"] = plt.cycler(color=PALETTE)


def colour_for(index):
    """The palette colour of the index-th method in a comparison."""
    return PALETTE[index % len(PALETTE)]


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_dataset(X, Y, ax=None, title="Data"):
    """Scatter the examples X (2, m) coloured by their labels Y (1, m)."""
    ax = _axes(ax)
    labels = np.asarray(Y).ravel()
    for label, colour in enumerate(CLASS_COLOURS):
        points = X[:, labels == label]
        ax.scatter(points[0], points[1], s=14, c=colour, edgecolors="k", linewidths=0.3,
                   label=f"y = {label}")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_decision_boundary(predict, X, Y, ax=None, title="Decision boundary", resolution=200):
    """Shade the regions where ``predict(points)`` says 0 or 1, then scatter X (2, m), Y (1, m).

    ``predict`` takes points (2, k) and returns labels of shape (1, k) or (k,).
    """
    ax = _axes(ax)
    margin = 0.25 * (X.max(axis=1) - X.min(axis=1))
    low, high = X.min(axis=1) - margin, X.max(axis=1) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.stack([grid_x.ravel(), grid_y.ravel()])  # (2, resolution**2)
    regions = np.asarray(predict(points)).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, regions, levels=[-0.5, 0.5, 1.5], colors=CLASS_COLOURS,
                alpha=0.25)
    plot_dataset(X, Y, ax=ax, title=title)
    return ax


def plot_costs(histories, ax=None, title="Cost during training", log_scale=False):
    """Cost curves: ``histories`` maps a label to a helpers.training.History."""
    ax = _axes(ax, figsize=(6, 4))
    for index, (label, history) in enumerate(histories.items()):
        ax.plot(history.iterations, history.costs, label=label, color=colour_for(index))
    ax.set(title=title, xlabel="iteration", ylabel="cost")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_grid(count, ncols=3, size=(4.2, 3.6)):
    """A row-major grid of ``count`` Axes for side-by-side plots; returns (figure, axes list)."""
    nrows = -(-count // ncols)
    ncols = min(ncols, count)
    figure, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows),
                                squeeze=False, constrained_layout=True)
    for ax in axes.ravel()[count:]:
        ax.remove()
    return figure, list(axes.ravel()[:count])


def plot_classes(X, Y, ax=None, title="Data"):
    """Scatter the examples X (2, m) coloured by their class Y (1, m) in 0..C-1 (any C)."""
    ax = _axes(ax)
    labels = np.asarray(Y).ravel()
    for label in np.unique(labels):
        points = X[:, labels == label]
        ax.scatter(points[0], points[1], s=14, color=colour_for(int(label)), edgecolors="k",
                   linewidths=0.3, label=f"class {label}")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_class_regions(predict, X, Y, ax=None, title="Decision regions", resolution=200):
    """Shade the region of each class that ``predict(points)`` returns, then scatter X (2, m),
    Y (1, m). ``predict`` takes points (2, k) and returns classes 0..C-1 of shape (1, k) or (k,)."""
    ax = _axes(ax)
    margin = 0.1 * (X.max(axis=1) - X.min(axis=1))
    low, high = X.min(axis=1) - margin, X.max(axis=1) + margin
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution),
                                 np.linspace(low[1], high[1], resolution))
    points = np.stack([grid_x.ravel(), grid_y.ravel()])  # (2, resolution**2)
    regions = np.asarray(predict(points)).reshape(grid_x.shape)
    C = int(max(regions.max(), np.max(Y))) + 1
    ax.contourf(grid_x, grid_y, regions, levels=np.arange(C + 1) - 0.5,
                colors=[colour_for(c) for c in range(C)], alpha=0.25)
    plot_classes(X, Y, ax=ax, title=title)
    return ax
