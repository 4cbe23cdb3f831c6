# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Bias and variance
#
# **Goal.** Read a model's bias and variance off its training and dev errors and its learning
# curves, and use them to choose what to do next.
#
# Run the cells in order, then move the controls above each figure. *About 20 minutes.*

# %%
import functools

import numpy as np

from helpers.lectures import wavy_boundary, wavy_classes
from helpers.network import relu
from helpers.notebook import setup_notebook
from helpers.plots import colour_for, plot_decision_boundary
from helpers.widgets import LivePlot, buttons, options_slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. Two numbers tell you a lot
#
# Compare the **training error** with the best error possible (the *Bayes error*; for tasks
# people do well, human-level error is a good stand-in), and the **dev error** with the
# training error:
#
# - training error well above the best possible: **high bias**, the model *underfits*: it
#   cannot even fit the data it was trained on;
# - dev error well above the training error: **high variance**, the model *overfits*: it fits
#   the training set, noise included, and does not generalize.
#
# | training error | dev error | diagnosis (best possible ≈ 0%) |
# |---|---|---|
# | 1% | 11% | high variance |
# | 15% | 16% | high bias |
# | 15% | 30% | high bias *and* high variance |
# | 0.5% | 1% | low bias, low variance |
#
# In this notebook the data are points in a square, labelled by which side of a wavy curve they
# fall on, and then **10% of the labels are flipped at random**. No model can beat 10% error
# on fresh data: that is the Bayes error here.

# %%
bayes_error = 0.1
pool_X, pool_Y = wavy_classes(800, seed=1, flip=bayes_error)  # a training set of m = its first m
dev_X, dev_Y = wavy_classes(2000, seed=100, flip=bayes_error)


def diagnosis(train_error, dev_error, margin=0.03):
    """Name what the two errors show, counting a gap above ``margin`` as high."""
    bias = train_error - bayes_error > margin
    variance = dev_error - train_error > margin
    return {(True, True): "high bias and high variance", (True, False): "high bias",
            (False, True): "high variance", (False, False): "low bias, low variance"}[
        bias, variance]


# %% [markdown]
# ## 2. Models that fit in a millisecond
#
# To let you move sliders freely, the networks here are one hidden layer of `units` ReLU
# units whose first layer keeps its random starting weights; only the output layer is fitted,
# and that has an exact solution. With targets $t = \pm 1$ and hidden activations
# $a^{(i)}$ (plus a constant 1 for the bias), the output weights minimize the squared error
# with the course's L2 penalty,
#
# $$\frac{1}{2m}\sum_{i=1}^{m}\left(w \cdot a^{(i)} - t^{(i)}\right)^2 +
# \frac{\lambda}{2m}\lVert w \rVert^2
# \quad\Longrightarrow\quad w = \left(A A^\top + \lambda I\right)^{-1} A\, t,$$
#
# and the net predicts 1 where $w \cdot a > 0$. More units make a more flexible model; a larger
# λ keeps the weights small. Fully trained networks show the same diagnoses, only slower.

# %%
hidden_rng = np.random.default_rng(0)
hidden_W = 3.0 * hidden_rng.standard_normal((512, 2))  # the fixed first layer: up to 512 units
hidden_b = hidden_rng.uniform(-3.0, 3.0, size=(512, 1))


def hidden_layer(X, units):
    """The first ``units`` hidden activations of the examples X (2, m), and a row of ones for
    the output bias: (units + 1, m)."""
    return np.vstack([relu(hidden_W[:units] @ X + hidden_b[:units]), np.ones((1, X.shape[1]))])


@functools.cache
def fit(units, lambd, m):
    """The output weights (units + 1,) fitted on the first m training examples."""
    A = hidden_layer(pool_X[:, :m], units)
    targets = 2.0 * pool_Y[0, :m] - 1.0
    penalty = lambd * np.eye(units + 1)
    penalty[-1, -1] = 0.0  # the bias is not penalized
    return np.linalg.solve(A @ A.T + penalty, A @ targets)


def predict_with(units, lambd, m):
    """predict(points (2, k)) -> labels (1, k) of the fitted net."""
    w = fit(units, lambd, m)
    return lambda points: (w @ hidden_layer(points, units) > 0).astype(int).reshape(1, -1)


@functools.cache
def errors(units, lambd, m):
    """(training error, dev error) of the net with ``units`` units and penalty ``lambd``
    fitted on m examples."""
    predict = predict_with(units, lambd, m)
    return (float(np.mean(predict(pool_X[:, :m]) != pool_Y[:, :m])),
            float(np.mean(predict(dev_X) != dev_Y)))


unit_options = [2, 4, 8, 16, 32, 64, 128, 256, 512]
lambda_options = [0.01, 0.1, 1, 10, 100]
m_options = [25, 50, 100, 200, 400, 800]

# %% [markdown]
# ## 3. Model size and regularization
#
# Left: the fitted boundary on the 200 training examples, with the true wavy curve dashed.
# Right: the training and dev errors against the best possible, and the diagnosis they give.
#
# **Try this.** Start with few **hidden units** and add more. Predict first: which error
# falls, which one falls and then rises, and where does the diagnosis change? Then, with many
# units, raise **λ** step by step.

# %%
def draw_explorer(figure, units, lambd):
    boundary_ax, bars_ax = figure.subplots(1, 2, width_ratios=[1.1, 1])
    m = 200
    train_error, dev_error = errors(units, lambd, m)
    plot_decision_boundary(predict_with(units, lambd, m), pool_X[:, :m], pool_Y[:, :m],
                           ax=boundary_ax, resolution=80,
                           title=f"{units} hidden units, λ = {lambd:g}")
    curve_x = np.linspace(-1, 1, 200)
    boundary_ax.plot(curve_x, wavy_boundary(curve_x), "k--", linewidth=1)
    boundary_ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05))

    names = ["best possible", "training", "dev"]
    values = [bayes_error, train_error, dev_error]
    bars_ax.bar(names, values, color=["#8c8c8c", colour_for(0), colour_for(1)])
    for index, value in enumerate(values):
        bars_ax.text(index, value + 0.01, f"{value:.1%}", ha="center")
    bars_ax.annotate("", xy=(1, train_error), xytext=(1, bayes_error),
                     arrowprops=dict(arrowstyle="<->", color="k"))
    bars_ax.annotate("", xy=(2, dev_error), xytext=(2, train_error),
                     arrowprops=dict(arrowstyle="<->", color="k"))
    bars_ax.set(ylim=(0, 0.5), ylabel="error",
                title=f"Avoidable bias {train_error - bayes_error:+.1%}, variance "
                      f"{dev_error - train_error:+.1%}: {diagnosis(train_error, dev_error)}")


LivePlot(draw_explorer, main="units", figsize=(11, 4.2),
         units=options_slider("hidden units", unit_options, 4),
         lambd=options_slider("λ (lambd)", lambda_options, 0.01))

# %% [markdown]
# **What to notice.** With a handful of units the boundary is too simple to follow the wavy
# curve: both errors are high and close (high bias). With hundreds of units and a small λ the
# boundary wraps around individual noisy points: the training error drops below the best
# possible, which is a sure sign of fitting noise, and the dev error grows (high variance).
# Raising λ smooths the boundary again and brings the dev error down.
#
# ## 4. Curves: model size and amount of data
#
# One fit shows two numbers; curves show where a model stands and which way to move.
# Left: errors as the model grows (at the chosen λ, 200 examples). Right: the **learning
# curve**, errors as the training set grows (for the chosen model).
#
# **Try this.** Pick a small model, then a large one with a small λ, then the same with a large
# λ. For each, predict before you look: will more data help, and how much?

# %%
def draw_curves(figure, units, lambd):
    size_ax, data_ax = figure.subplots(1, 2)
    for ax, xs, pairs, current in (
            (size_ax, unit_options, [errors(u, lambd, 200) for u in unit_options], units),
            (data_ax, m_options, [errors(units, lambd, m) for m in m_options], 200)):
        train_errors, dev_errors = zip(*pairs)
        ax.plot(xs, train_errors, "o-", color=colour_for(0), label="training error")
        ax.plot(xs, dev_errors, "s-", color=colour_for(1), label="dev error")
        ax.axhline(bayes_error, color="#8c8c8c", linestyle="--", label="best possible")
        ax.axvline(current, color="k", linestyle=":")
        ax.set(xscale="log", ylim=(0, 0.5), ylabel="error")
        ax.minorticks_off()
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.legend(fontsize="small", loc="upper right")
    size_ax.set(xlabel="hidden units", title=f"Model size (λ = {lambd:g}, 200 examples)")
    data_ax.set(xlabel="training examples m",
                title=f"Learning curve ({units} units, λ = {lambd:g})")


LivePlot(draw_curves, figsize=(11, 3.8),
         units=options_slider("hidden units", unit_options, 512),
         lambd=options_slider("λ (lambd)", lambda_options, 0.01))

# %% [markdown]
# **What to notice.** On the model-size curve the training error keeps falling while the dev
# error falls and then rises: left of its minimum is bias, right of it is variance. On a
# learning curve the training error *rises* with m (more points are harder to fit exactly) and
# the dev error falls. A high-bias model's two curves meet early, above the best possible:
# more data will not help. A high-variance model's curves are far apart and still
# converging: more data (or regularization) closes the gap.
#
# ## 5. The basic recipe
#
# 1. **High bias** (training error too high)? Try a bigger network, training longer, a better
#    optimizer, another architecture, until the training set is fitted well.
# 2. **High variance** (dev error much higher than training error)? Get more data, regularize
#    (L2, dropout, data augmentation), try another architecture.
# 3. Repeat until both are low. With deep learning, a bigger network (regularized) and more
#    data reduce one without hurting the other much, so the old "bias-variance trade-off"
#    matters less.
#
# **Try this.** For each **scenario**, look at the learning curve on the left and decide what
# to do *before* choosing a **move**; the right panel then shows what the move did to both
# errors. Which move fixes each scenario, and which moves do nothing for it?

# %%
scenarios = {"A": (4, 0.1, 200), "B": (256, 0.01, 50), "C": (8, 0.01, 25)}  # (units, λ, m)
moves = {
    "no change": lambda units, lambd, m: (units, lambd, m),
    "bigger network (×8 units)": lambda units, lambd, m: (min(units * 8, 512), lambd, m),
    "more data (×4)": lambda units, lambd, m: (units, lambd, m * 4),
    "more regularization (λ ×100)": lambda units, lambd, m: (units, lambd * 100, m),
    "bigger network and more data": lambda units, lambd, m: (min(units * 8, 512), lambd, m * 4),
}


def draw_recipe(figure, scenario, move):
    before = scenarios[scenario]
    after = moves[move](*before)
    curve_ax, bars_ax = figure.subplots(1, 2)
    units, lambd, m = before
    sizes = [size for size in m_options if size <= 4 * m]
    train_errors, dev_errors = zip(*[errors(units, lambd, size) for size in sizes])
    curve_ax.plot(sizes, train_errors, "o-", color=colour_for(0), label="training error")
    curve_ax.plot(sizes, dev_errors, "s-", color=colour_for(1), label="dev error")
    curve_ax.axhline(bayes_error, color="#8c8c8c", linestyle="--", label="best possible")
    curve_ax.axvline(m, color="k", linestyle=":", label="scenario's m")
    curve_ax.set(xscale="log", ylim=(0, 0.5), xlabel="training examples m", ylabel="error",
                 title=f"Scenario {scenario}: learning curve")
    curve_ax.minorticks_off()
    curve_ax.set_xticks(sizes, [str(size) for size in sizes])
    curve_ax.legend(fontsize="small", loc="upper right")

    (train_before, dev_before), (train_after, dev_after) = errors(*before), errors(*after)
    positions = np.arange(2)
    bars_ax.bar(positions - 0.2, [train_before, dev_before], width=0.4, color="#b0b0b0",
                label="before")
    bars_ax.bar(positions + 0.2, [train_after, dev_after], width=0.4,
                color=[colour_for(0), colour_for(1)], label="after the move")
    for position, value in zip(positions + 0.2, (train_after, dev_after)):
        bars_ax.text(position, value + 0.01, f"{value:.1%}", ha="center", fontsize="small")
    bars_ax.axhline(bayes_error, color="#8c8c8c", linestyle="--")
    change = dev_after - dev_before
    verdict = ("helped" if change < -0.02 else "hurt" if change > 0.02 else "changed little")
    bars_ax.set(xticks=positions, xticklabels=["training error", "dev error"], ylim=(0, 0.5),
                ylabel="error", title=f"{move}:\ndev error {dev_before:.0%} → {dev_after:.0%}, {verdict}")
    bars_ax.legend(fontsize="small", loc="upper right")


LivePlot(draw_recipe, figsize=(11, 4.0), scenario=buttons("scenario", scenarios),
         move=buttons("move", moves))

# %% [markdown]
# **What to notice.** Scenario A underfits: its learning curves have met above the best
# possible, so more data changes nothing and regularization makes it worse; a bigger network
# helps. Scenario B
# overfits: a bigger network changes little, while more data or regularization shrink the gap.
# Scenario C has both problems: a bigger network fixes its training error but not the gap,
# more data fixes the gap but not the training error; it needs both moves.

# %% [markdown]
# ## What to remember
#
# - Training error far above the best possible (Bayes or human-level) error: high bias.
#   Dev error far above the training error: high variance. Both can happen at once.
# - Learning curves tell you whether more data can help: not when training and dev errors
#   have already met, a lot when they are far apart.
# - The basic recipe: fix bias first (bigger network, train longer, better optimizer), then
#   variance (more data, regularization); a bigger regularized network and more data seldom
#   hurt.
