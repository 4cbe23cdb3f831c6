# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Batch, stochastic and mini-batch gradient descent
#
# **Goal.** See how the mini-batch size trades the number of updates per epoch against the
# noise of each update, and why sizes between 64 and 512 are the usual choice.
#
# Assignment `optimization` has you cut a training set into mini-batches and train a network
# with them; here a two-parameter model lets you watch every update. Run the cells in order,
# then move the controls. *About 15 minutes.*

# %%
import numpy as np

from helpers.notebook import setup_notebook
from helpers.plots import colour_for
from helpers.surfaces import plot_contours
from helpers.widgets import LivePlot, options_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. One epoch, many updates
#
# An **epoch** is one pass through the training set. Gradient descent can use it in three
# ways:
#
# | mini-batch size | name | updates per epoch | each update |
# |---|---|---|---|
# | $m$ | batch gradient descent | 1 | exact gradient, slow to compute on big $m$ |
# | 1 | stochastic gradient descent | $m$ | very noisy, no vectorization |
# | in between, e.g. 64 | mini-batch gradient descent | $\lceil m / \text{size} \rceil$ | a little noisy, vectorized |
#
# Each epoch shuffles the examples once (the same permutation for $X$ and $Y$) and cuts them
# into consecutive mini-batches; the last one is smaller when the size does not divide $m$.
#
# The model here is a line $\hat y = w x + b$ fitted to 1,024 noisy points by the mean squared
# error $J(w, b) = \frac{1}{2m}\sum_i (w x^{(i)} + b - y^{(i)})^2$, so the whole cost surface
# fits on the screen.

# %%
m = 1024
data_rng = np.random.default_rng(0)
x = data_rng.standard_normal(m)  # (m,), already normalized
y = 2.0 * x - 1.0 + data_rng.normal(0.0, 1.0, size=m)
start = np.array([-2.0, 2.0])  # (w, b) before training

# J(w, b) = [E x^2 w^2 + 2 E x w b + b^2] / 2 - E[xy] w - E[y] b + E[y^2] / 2
moments = {name: value.mean() for name, value in
           dict(xx=x * x, x=x, xy=x * y, y=y, yy=y * y).items()}


def full_cost(w, b):
    """J(w, b) on all m examples, for arrays w and b of any (equal) shape."""
    return ((moments["xx"] * w ** 2 + 2 * moments["x"] * w * b + b ** 2) / 2
            - moments["xy"] * w - moments["y"] * b + moments["yy"] / 2)


def mini_batch_descent(mini_batch_size, learning_rate, num_epochs, seed=0):
    """Every (w, b) visited (updates + 1, 2) and the cost of every mini-batch when it was
    used (updates,)."""
    rng = np.random.default_rng(seed)
    theta, path, batch_costs = start.copy(), [start], []
    for epoch in range(num_epochs):
        order = rng.permutation(m)  # one shuffle per epoch
        for first in range(0, m, mini_batch_size):
            chosen = order[first:first + mini_batch_size]
            errors = theta[0] * x[chosen] + theta[1] - y[chosen]
            batch_costs.append(np.mean(errors ** 2) / 2)
            gradient = np.array([np.mean(errors * x[chosen]), np.mean(errors)])
            theta = theta - learning_rate * gradient
            path.append(theta)
    return np.array(path), np.array(batch_costs)


names = {1: "stochastic", m: "batch"}

# %% [markdown]
# ## 2. The race
#
# Left: the path of $(w, b)$ over the cost contours, for the chosen size (the batch path is
# drawn faintly for reference). Right: the cost of each mini-batch when it was used (noisy)
# and the cost on the whole training set, against the number of examples processed.
#
# **Try this.** Move the **mini-batch size** from 1024 (batch) down to 1 (stochastic). Predict
# first: after one epoch, which size is closest to the minimum, and which path is the
# noisiest? Then raise the **learning rate** with size 1, and lower it; and add **epochs**.

# %%
def draw_race(figure, mini_batch_size, learning_rate, num_epochs):
    map_ax, cost_ax = figure.subplots(1, 2, width_ratios=[1, 1.3])
    path, batch_costs = mini_batch_descent(mini_batch_size, learning_rate, num_epochs)
    batch_path, _ = mini_batch_descent(m, learning_rate, num_epochs)
    name = names.get(mini_batch_size, "mini-batch")
    plot_contours(map_ax, full_cost, (-3.0, 4.0, -3.0, 3.0),
                  levels=np.geomspace(0.5, 12, 10),
                  title=f"{name}, size {mini_batch_size}: {len(path) - 1} update"
                        + ("s" if len(path) > 2 else ""))
    map_ax.plot(*batch_path.T, "o-", color="#8c8c8c", markersize=3, alpha=0.6,
                label="batch (size 1024)")
    map_ax.plot(*path.T, "-", color=colour_for(3), linewidth=0.8, alpha=0.8,
                label=f"size {mini_batch_size}")
    map_ax.plot(*path[-1], "X", color=colour_for(3), markersize=10, markeredgecolor="k")
    map_ax.set(xlabel="w", ylabel="b")
    map_ax.legend(fontsize="small", loc="lower right")

    seen = np.minimum(np.arange(1, len(path)) * mini_batch_size, m * num_epochs)
    cost_ax.plot(seen, batch_costs, color=colour_for(3), linewidth=0.6, alpha=0.5,
                 label="cost of each mini-batch")
    cost_ax.plot(np.concatenate([[0], seen]), full_cost(*path.T), color=colour_for(0),
                 linewidth=2, label="cost on all examples")
    cost_ax.axhline(full_cost(*np.linalg.solve([[moments["xx"], moments["x"]],
                                                [moments["x"], 1.0]],
                                               [moments["xy"], moments["y"]])),
                    color="k", linestyle=":", label="lowest possible")
    cost_ax.set(xlabel="examples processed", ylabel="cost (log scale)", yscale="log",
                ylim=(0.05, 30),
                title=f"α = {learning_rate:g}, {num_epochs} epoch(s) of {m} examples")
    cost_ax.legend(fontsize="small")


LivePlot(draw_race, main="mini_batch_size", figsize=(11, 4.2),
         mini_batch_size=options_slider("mini-batch size", [1, 4, 16, 64, 256, 1024], 64),
         learning_rate=options_slider("learning rate α", [0.003, 0.01, 0.03, 0.1, 0.3], 0.1),
         num_epochs=slider("epochs", 1, 5, 1, 1))

# %% [markdown]
# **What to notice.**
# - **Batch** (1024) takes one careful step per epoch: after one epoch it has barely moved.
# - **Stochastic** (1) takes 1,024 steps per epoch and gets near the minimum fast, but never
#   settles: each step follows one example's noisy gradient, so it keeps jittering (a smaller
#   learning rate, or a decaying one, calms it).
# - **Mini-batches** make many steps per epoch, each a good estimate of the true gradient: the
#   cost of each mini-batch is noisy (some batches are harder than others) but it trends
#   down.
#
# In a real network the noise is only half the story: with a batch of 64 to 512 examples
# (powers of two, 2⁶ to 2⁹, which suit memory and vectorized hardware) one update costs
# barely more time than with a single example, while on millions of examples one batch
# update takes a long time. Choose the largest size that fits in memory comfortably, and
# make sure a mini-batch (with its activations) fits in CPU/GPU memory.

# %% [markdown]
# ## What to remember
#
# - Batch gradient descent: one exact but slow update per epoch. Stochastic: one update per
#   example, noisy, and it loses vectorization. Mini-batches: the best of both.
# - The cost of each mini-batch goes down noisily; judge progress by its trend or by the
#   cost on the whole training set.
# - Typical sizes are powers of two from 64 to 512; for small training sets (a couple of
#   thousand examples) plain batch gradient descent is fine. Shuffle every epoch.
