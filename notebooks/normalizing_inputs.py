# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Normalizing inputs
#
# **Goal.** See how features on different scales stretch the cost into a narrow valley that
# gradient descent crosses slowly, how normalizing makes it round, and why dev and test data
# must be normalized with the training set's statistics.
#
# Run the cells in order, then move the controls above each figure. *About 15 minutes.*

# %%
import numpy as np
from matplotlib import colormaps

from helpers.lectures import house_prices, uniform_parameters
from helpers.network import predict
from helpers.notebook import setup_notebook
from helpers.plots import CLASS_COLOURS, colour_for
from helpers.surfaces import follow
from helpers.training import train
from helpers.widgets import LivePlot, buttons, log_slider, options_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. The recipe
#
# For each feature (each row of $X$, shape $(n_x, m)$), compute on the **training set**
#
# $$\mu = \frac{1}{m}\sum_{i=1}^{m} x^{(i)}, \qquad
# \sigma^2 = \frac{1}{m}\sum_{i=1}^{m} \left(x^{(i)} - \mu\right)^2,$$
#
# then use $x \leftarrow (x - \mu) / \sigma$: every feature gets mean 0 and variance 1.

# %%
def normalize(X, mean, std):
    """(X - mean) / std, feature by feature. X: (n_x, m); mean, std: (n_x, 1)."""
    return (X - mean) / std


def statistics(X):
    """The mean and standard deviation of each feature of X (n_x, m), each of shape (n_x, 1)."""
    return X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)


# %% [markdown]
# ## 2. Elongated or round cost
#
# Take a linear model $\hat y = w_1 x_1 + w_2 x_2$ that predicts a house's price from its floor
# area $x_1$ (in hundreds of m²) and its number of rooms $x_2$, with the mean squared error
# $J(w) = \frac{1}{2m}\sum_i (\hat y^{(i)} - y^{(i)})^2$. Its contours are ellipses. A feature
# measured in large units makes $J$ very steep along its weight; features far from zero couple
# the weights. Gradient descent's learning rate is capped by the steepest direction
# (α < 2 / largest curvature), so along the flattest one it crawls: the number of steps it
# needs grows with the ratio of the two curvatures, the **condition number** κ.
#
# Both panels below start gradient descent at $w = (0, 0)$ and run 100 steps with the same
# fraction of each problem's largest stable learning rate; the left uses the raw features, the
# middle the normalized ones.
#
# **Try this.** Move the **rooms scale** slider (it multiplies the rooms feature, like
# changing its unit). Predict first: what happens to the left contours and to the number of
# steps gradient descent needs, and does the middle panel change at all? Then push the
# **learning rate** toward the stability limit.

# %%
def curvature_and_optimum(X, y):
    """J(w) = (1/2m) ||w X - y||^2 for X (2, m), y (1, m) is the quadratic
    J(w) = J(w*) + (w - w*) H (w - w*) / 2. Returns its curvature matrix H = X X^T / m (2, 2)
    and its minimizer w* (2,)."""
    m = X.shape[1]
    H = X @ X.T / m
    return H, np.linalg.solve(H, (X @ y.T).ravel() / m)


def plot_ellipses(ax, H, optimum, gaps):
    """The contours J(w) - J(w*) = gap of the quadratic, drawn exactly (however thin)."""
    curvatures, directions = np.linalg.eigh(H)
    angles = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([np.cos(angles), np.sin(angles)])  # (2, 200)
    for gap, shade in zip(sorted(gaps, reverse=True), np.linspace(0.15, 0.8, len(gaps))):
        ellipse = optimum[:, None] + directions @ (np.sqrt(2 * gap / curvatures)[:, None]
                                                   * circle)
        ax.fill(*ellipse, color=colormaps["Blues"](shade))
        ax.plot(*ellipse, color="white", linewidth=0.5)


def draw_contours(figure, rooms_scale, fraction):
    X, y = house_prices(200, seed=0, rooms_scale=rooms_scale)
    y = y - y.mean()  # a centred price needs no bias term
    mean, std = statistics(X)
    problems = {"raw features": curvature_and_optimum(X, y),
                "normalized features": curvature_and_optimum(normalize(X, mean, std), y)}
    raw_ax, normalized_ax, cost_ax = figure.subplots(1, 3, width_ratios=[1, 1, 0.9])
    for index, ((label, (H, optimum)), ax) in enumerate(zip(problems.items(),
                                                             (raw_ax, normalized_ax))):
        curvatures = np.linalg.eigvalsh(H)
        learning_rate = fraction * 2 / curvatures.max()  # below 2 / curvature: stable
        path = follow(lambda w, gradient, t: w - learning_rate * gradient,
                      lambda w: H @ (w - optimum), np.zeros(2), 100)
        excess = np.einsum("ti,ij,tj->t", path - optimum, H, path - optimum) / 2  # J - J(w*)
        plot_ellipses(ax, H, optimum, np.geomspace(1e-3, 1.5, 10) * excess[0])
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour_for(index), markersize=2.5,
                linewidth=1)
        ax.plot(*optimum, "k+", markersize=12)
        # a square window around the contour through the start, the same scale on both axes
        half = 1.15 * np.sqrt(2 * excess[0] * np.diag(np.linalg.inv(H))).max()
        kappa = curvatures.max() / curvatures.min()
        ax.set(xlim=(optimum[0] - half, optimum[0] + half), aspect="equal",
               ylim=(optimum[1] - half, optimum[1] + half), xlabel="$w_1$", ylabel="$w_2$",
               title=f"{label}: κ = {kappa:,.0f}" if kappa > 10 else
                     f"{label}: κ = {kappa:.1f}")
        cost_ax.semilogy(np.arange(len(path)), np.maximum(excess, 1e-12),
                         color=colour_for(index), label=f"{label}, α = {learning_rate:.3g}")
    cost_ax.set(title="J(w) − J(w*) after each step", xlabel="step", ylabel="J(w) − J(w*)",
                ylim=(1e-8, 10))
    cost_ax.legend(fontsize="small")


LivePlot(draw_contours, main="rooms_scale", figsize=(12, 3.9),
         rooms_scale=log_slider("rooms scale", 0, 1.5, 1.0),
         fraction=slider("learning rate (× the largest stable one)", 0.1, 0.99, 0.01, 0.5))

# %% [markdown]
# **What to notice.** With raw features the contours are long, thin and tilted: the large
# mean of the rooms feature couples the two weights and its scale makes one direction steep.
# Gradient descent must use a small α and then creeps along the valley: after 100 steps it
# has still not reached the minimum (+), and the larger the rooms scale, the less it moves. With normalized features the contours are nearly round, the
# condition number is close to 1, and the same 100 steps reach the minimum, whatever the
# rooms scale. In a network the same holds for the first layer's weights: normalized inputs
# let you use a larger learning rate and train faster. It never hurts, so always do it.
#
# ## 3. Dev and test use the training statistics
#
# The normalization is part of the model: the network learned its weights for inputs
# transformed with the **training** μ and σ, so every later input must go through the same
# transformation. Computing new statistics on a dev batch moves the batch's points: a small
# batch gets noisy statistics, and a batch that is not a random sample (only expensive houses)
# is shifted back to the middle.
#
# Here a logistic-regression classifier (the course's net with one layer) learns to tell
# expensive houses (above the median price) from cheap ones, on normalized training data.

# %%
X_all, prices = house_prices(1200, seed=3)
Y_all = (prices > np.median(prices)).astype(int)  # 1: expensive
train_X, train_Y, dev_X, dev_Y = X_all[:, :800], Y_all[:, :800], X_all[:, 800:], Y_all[:, 800:]
train_mean, train_std = statistics(train_X)
classifier, _ = train(normalize(train_X, train_mean, train_std), train_Y,
                      uniform_parameters([2, 1], seed=0), learning_rate=1.0,
                      num_iterations=1000, progress=False)
print(f"training statistics: mean {train_mean.ravel().round(2)}, std "
      f"{train_std.ravel().round(2)}")


def dev_batch(kind, size, rng):
    """A batch of ``size`` dev examples: at random, or only expensive houses."""
    pool = np.arange(dev_X.shape[1]) if kind == "random" else np.flatnonzero(dev_Y[0] == 1)
    chosen = rng.choice(pool, size=size, replace=False)
    return dev_X[:, chosen], dev_Y[:, chosen]


def batch_accuracy(X, Y, own_statistics):
    mean, std = statistics(X) if own_statistics else (train_mean, train_std)
    return float(np.mean(predict(normalize(X, mean, std + 1e-12), classifier) == Y))


batch_sizes = [2, 5, 20, 100, 200]
mean_accuracy = {}  # (batch kind, own statistics) -> mean accuracy per batch size
for kind in ("random", "expensive only"):
    for own in (False, True):
        rng = np.random.default_rng(1)
        mean_accuracy[kind, own] = [
            np.mean([batch_accuracy(*dev_batch(kind, size, rng), own) for _ in range(200)])
            for size in batch_sizes]

# %% [markdown]
# **Try this.** Switch **normalize the dev batch with** between the training statistics and
# the batch's own, for a few **batch sizes**, and for both kinds of **batch**. Predict first:
# for which batches do the batch's own statistics hurt, and how much?

# %%
def draw_dev_statistics(figure, statistics_from, batch_size, batch):
    own = statistics_from == "the batch's own"
    X, Y = dev_batch(batch, batch_size, np.random.default_rng(batch_size))
    mean, std = statistics(X) if own else (train_mean, train_std)
    points = normalize(X, mean, std + 1e-12)
    right = (predict(points, classifier) == Y).ravel()
    map_ax, accuracy_ax = figure.subplots(1, 2)
    shown = normalize(train_X, train_mean, train_std)
    map_ax.scatter(shown[0], shown[1], s=6, c=[CLASS_COLOURS[label] for label in train_Y[0]],
                   alpha=0.15)
    w, b = classifier["W1"].ravel(), classifier["b1"].item()
    xs = np.array([-3.0, 3.0])
    map_ax.plot(xs, -(w[0] * xs + b) / w[1], "k-", label="learned boundary")
    for label in (0, 1):
        for correct, marker in ((True, "o"), (False, "X")):
            chosen = (Y[0] == label) & (right == correct)
            map_ax.scatter(points[0, chosen], points[1, chosen], s=60 if correct else 90,
                           marker=marker, c=CLASS_COLOURS[label], edgecolors="k")
    map_ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="area (normalized)",
               ylabel="rooms (normalized)",
               title=f"{batch_size} dev examples, {statistics_from} μ, σ: "
                     f"{right.mean():.0%} right")
    map_ax.legend(loc="lower right", fontsize="small")
    for index, own_statistics in enumerate((False, True)):
        label = "the batch's own μ, σ" if own_statistics else "training μ, σ"
        accuracy_ax.plot(batch_sizes, mean_accuracy[batch, own_statistics], "o-",
                         color=colour_for(index), label=label)
    accuracy_ax.axvline(batch_size, color="k", linestyle=":")
    accuracy_ax.set(xscale="log", ylim=(0, 1.02), xlabel="dev batch size",
                    ylabel="mean accuracy over 200 batches",
                    title=f"Batches of dev examples: {batch}")
    accuracy_ax.legend(fontsize="small", loc="lower right")


LivePlot(draw_dev_statistics, figsize=(11, 4.2),
         statistics_from=buttons("normalize the dev batch with",
                                 ["training", "the batch's own"]),
         batch_size=options_slider("batch size", batch_sizes, 5),
         batch=buttons("batch", ["random", "expensive only"]))

# %% [markdown]
# **What to notice.** With the training statistics the accuracy does not depend on the batch:
# each example is transformed the same way. With the batch's own statistics, small batches are
# pushed around by noisy means and deviations, and a batch of expensive houses is re-centred
# onto the boundary so that about half of it is called cheap, however large the batch. Batch
# norm meets the same problem at test time and solves it the same way: it keeps running
# averages of the training statistics (assignment `batchnorm_softmax`).

# %% [markdown]
# ## What to remember
#
# - Normalize each input feature: subtract the mean, divide by the standard deviation.
# - Unnormalized features on different scales give elongated cost contours: gradient descent
#   needs a small learning rate and many steps; normalized ones give round contours and fast
#   descent.
# - Compute μ and σ on the training set only, and use those same values for dev, test and
#   every prediction later.
