# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Learning-rate decay
#
# **Goal.** Compare four ways of shrinking the learning rate over the epochs and see why a
# decaying rate lets noisy mini-batch descent settle, and why decaying too fast stalls it.
#
# Assignment `optimization` has you implement two of these schedules and train with them;
# here you compare all of them side by side. Run the cells in order, then move the controls
# above each figure. *About 15 minutes.*

# %%
import numpy as np

from helpers.notebook import setup_notebook
from helpers.plots import colour_for
from helpers.surfaces import elongated_bowl, follow, plot_contours
from helpers.widgets import LivePlot, log_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. Four schedules
#
# With α₀ the starting rate and $t$ the epoch number (from 0):
#
# | schedule | learning rate at epoch $t$ |
# |---|---|
# | inverse time | $\alpha = \dfrac{\alpha_0}{1 + \text{decay\_rate} \cdot t}$ |
# | staircase | $\alpha = \dfrac{\alpha_0}{1 + \text{decay\_rate} \cdot \lfloor t / \text{interval} \rfloor}$ (constant for `interval` epochs, then a step down) |
# | exponential | $\alpha = \alpha_0 \cdot \text{base}^{\,t}$, e.g. base = 0.95 |
# | inverse square root | $\alpha = \alpha_0 \cdot \dfrac{k}{\sqrt{t + 1}}$, here with $k = 1$ |
#
# Below, `learning_rates` computes a whole schedule at once, for an array of epochs.

# %%
def learning_rates(schedule, learning_rate0, epochs, decay_rate, interval, base):
    """The learning rate of every epoch in ``epochs`` (T,) under ``schedule``. Returns (T,)."""
    if schedule == "constant":
        return np.full(len(epochs), learning_rate0)
    if schedule == "inverse time":
        return learning_rate0 / (1 + decay_rate * epochs)
    if schedule == "staircase":
        return learning_rate0 / (1 + decay_rate * np.floor(epochs / interval))
    if schedule == "exponential":
        return learning_rate0 * base ** epochs
    if schedule == "inverse square root":
        return learning_rate0 / np.sqrt(epochs + 1)
    raise ValueError(f"unknown schedule {schedule!r}")


schedules = ["constant", "inverse time", "staircase", "exponential", "inverse square root"]
num_epochs = 600
epochs = np.arange(num_epochs)

# %% [markdown]
# **Try this.** Move **decay_rate**: it drives the inverse-time and staircase schedules.
# Predict first: at decay_rate = 1, what fraction of α₀ is left after 9 epochs? Then change the
# staircase's **interval** and the exponential's **base**. The right panel shows the same
# curves on a log scale, where the exponential schedule is a straight line.

# %%
def draw_schedules(figure, decay_rate, interval, base):
    linear_ax, log_ax = figure.subplots(1, 2)
    for index, schedule in enumerate(schedules):
        rates = learning_rates(schedule, 1.0, epochs, decay_rate, interval, base)
        for ax in (linear_ax, log_ax):
            ax.plot(epochs, rates, color=colour_for(index), label=schedule, linewidth=2)
    linear_ax.set(title=f"decay_rate = {decay_rate:.3g}, interval = {interval}, "
                        f"base = {base:.3f}", xlabel="epoch t", ylabel="α / α₀",
                  ylim=(0, 1.05))
    log_ax.set(title="The same, log scale", xlabel="epoch t", ylabel="α / α₀ (log scale)",
               yscale="log", ylim=(1e-4, 1.5))
    linear_ax.legend(fontsize="small")


LivePlot(draw_schedules, main="decay_rate", figsize=(11, 3.8),
         decay_rate=log_slider("decay_rate", -3, 0, 0.1),
         interval=slider("staircase interval", 1, 100, 1, 30),
         base=slider("exponential base", 0.8, 0.999, 0.001, 0.95, readout_format=".3f"))

# %% [markdown]
# **What to notice.** Inverse time falls fast at first and then slowly; at decay_rate = 1 the
# rate halves after one epoch and is a tenth after nine. The staircase is the same curve
# sampled once per interval. The exponential schedule keeps falling by the same factor every
# epoch and soon becomes tiny; the inverse square root decays gently.
#
# ## 2. Why decay at all: noisy descent
#
# A mini-batch gradient is the true gradient plus noise. With a constant learning rate the
# iterates keep bouncing around the minimum in a cloud whose size grows with α; shrink α as
# training goes on and the cloud shrinks with it. But shrink α too fast and the steps become
# tiny before the iterate has arrived: training stalls.
#
# Below, each schedule drives the same noisy descent on an elongated bowl (one step per epoch,
# the same noise for every schedule). The left panel zooms on the minimum; the right one
# shows the distance to it after each epoch.
#
# **Try this.** Start at decay_rate = 0.1, then set **decay_rate** to 0.001 and to 1.
# Predict first: which schedule ends closest to the minimum in each case? Then raise **α₀** and watch the constant rate's cloud
# grow.

# %%
bowl = elongated_bowl()
noise = 0.5  # standard deviation of the noise added to each gradient component


def noisy_descent(rates, seed=0):
    """The path of gradient descent on the bowl with noisy gradients, taking step t with the
    learning rate rates[t - 1]. Returns (num_epochs + 1, 2)."""
    rng = np.random.default_rng(seed)

    def step(point, gradient, t):
        return point - rates[t - 1] * (gradient + noise * rng.standard_normal(2))
    return follow(step, bowl.gradient, bowl.start, len(rates))


def draw_noisy_descent(figure, decay_rate, learning_rate0):
    map_ax, distance_ax = figure.subplots(1, 2)
    plot_contours(map_ax, bowl.cost, (-2.5, 2.5, -1.0, 1.0), levels=bowl.levels,
                  title=f"Last 100 epochs, α₀ = {learning_rate0:.2g}, "
                        f"decay_rate = {decay_rate:.3g}")
    for index, schedule in enumerate(schedules):
        rates = learning_rates(schedule, learning_rate0, epochs, decay_rate, 30, 0.95)
        path = noisy_descent(rates)
        distance = np.linalg.norm(path - np.array(bowl.minimum), axis=1)
        map_ax.plot(path[-100:, 0], path[-100:, 1], ".", color=colour_for(index),
                    markersize=4, label=schedule)
        distance_ax.plot(np.arange(len(path)), distance, color=colour_for(index),
                         linewidth=1.0, label=f"{schedule}: {distance[-50:].mean():.2f}")
    map_ax.plot(*bowl.minimum, "k+", markersize=12)
    distance_ax.set(title="Distance to the minimum", xlabel="epoch",
                    ylabel="distance (log scale)", yscale="log", ylim=(1e-3, 10))
    distance_ax.legend(fontsize="small", loc="lower left", title="mean of the last 50",
                       title_fontsize="small")


LivePlot(draw_noisy_descent, figsize=(11, 3.8),
         decay_rate=log_slider("decay_rate", -3, 0, 0.1),
         learning_rate0=slider("α₀", 0.1, 0.9, 0.05, 0.6))

# %% [markdown]
# **What to notice.** The constant rate gets near the minimum quickly and then never settles.
# A gentle decay keeps the early speed and ends much closer. A fast decay (large decay_rate,
# or the exponential schedule) freezes the iterate early, still far along the shallow valley:
# this is what happens when the inverse-time schedule is applied every *iteration* instead of
# every few epochs, and why the staircase version with a long interval works better in
# assignment `optimization`.

# %% [markdown]
# ## What to remember
#
# - Decaying the learning rate lets noisy mini-batch descent take big steps early and small
#   ones near the minimum, where a constant rate keeps bouncing around it.
# - Common schedules: $\alpha_0/(1 + \text{decay\_rate}\cdot t)$, a staircase of the same,
#   $\alpha_0 \cdot 0.95^t$, and $\alpha_0 \cdot k/\sqrt{t}$; all add hyperparameters.
# - Decay too fast and training stalls before it arrives; tune α₀ first, decay later (it is
#   low on the list of hyperparameters to try).
