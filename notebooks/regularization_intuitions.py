# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Regularization intuitions
#
# **Goal.** See how the L2 penalty λ, dropout's keep_prob, early stopping and data augmentation
# each pull an overfitting network's decision boundary back toward a simpler one.
#
# Assignment `regularization` has you implement L2 and dropout for a 3-layer network; here you
# move their knobs and watch the boundary. Run the cells in order, then move the controls
# above each figure. *About 20 minutes.*

# %%
import functools

import numpy as np

from helpers.lectures import uniform_parameters, wavy_boundary, wavy_classes
from helpers.network import (accuracy, linear_backward, linear_forward, predict, relu,
                             relu_backward, sigmoid, sigmoid_cross_entropy_backward)
from helpers.notebook import setup_notebook
from helpers.plots import colour_for, plot_decision_boundary
from helpers.training import train
from helpers.widgets import LivePlot, buttons, checkbox, log_slider, options_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. An overfitting network
#
# 100 training points, labelled by a wavy curve with 10% of the labels flipped, and a network
# [2, 24, 12, 1] trained by gradient descent: big enough to wrap its boundary around the
# flipped points. The dev set has 1,000 points from the same distribution.

# %%
layers_dims = [2, 24, 12, 1]
train_X, train_Y = wavy_classes(100, seed=7, flip=0.1)
dev_X, dev_Y = wavy_classes(1000, seed=100, flip=0.1)
learning_rate, num_iterations = 1.0, 2000

# %% [markdown]
# ## 2. L2 regularization and dropout
#
# **L2** adds $\frac{\lambda}{2m}\sum_l \lVert W^{[l]} \rVert_F^2$ to the cost, so every
# weight gradient gains $\frac{\lambda}{m} W^{[l]}$ and each step shrinks the weights a little
# ("weight decay"). **Dropout** keeps each hidden unit with probability `keep_prob` on every
# training step and scales the survivors by $1/\text{keep\_prob}$ (inverted dropout); no unit
# can rely on any one input, so weights spread out. At prediction time nothing is dropped.
#
# The training loop below is `helpers.training.train` with a forward and a backward pass that
# apply both (λ = 0 and keep_prob = 1 give the plain network).

# %%
def regularized_passes(lambd, keep_prob, rng):
    """forward(X, parameters) and backward(AL, Y, caches) for helpers.training.train: the
    L-layer ReLU/sigmoid net with inverted dropout on its hidden layers and the L2 term in
    every dW."""
    def forward(X, parameters):
        L = len(parameters) // 2
        A, caches = X, []
        for l in range(1, L + 1):
            Z, linear_cache = linear_forward(A, parameters[f"W{l}"], parameters[f"b{l}"])
            if l == L:
                A, keep = sigmoid(Z), None
            else:
                keep = rng.random(Z.shape) < keep_prob  # the units kept on this step
                A = relu(Z) * keep / keep_prob
            caches.append((linear_cache, Z, keep))
        return A, caches

    def backward(AL, Y, caches):
        grads, m = {}, Y.shape[1]
        dZ = sigmoid_cross_entropy_backward(AL, Y)
        for l in range(len(caches), 0, -1):
            linear_cache, Z, keep = caches[l - 1]
            if keep is not None:
                dZ = relu_backward(dA * keep / keep_prob, Z)
            dA, dW, grads[f"db{l}"] = linear_backward(dZ, linear_cache)
            grads[f"dW{l}"] = dW + lambd / m * linear_cache[1]
        return grads
    return forward, backward


@functools.cache
def fit(lambd, keep_prob, mirrored=False, jittered=0):
    """Parameters trained on the training set (optionally augmented, see section 4)."""
    X, Y = augmented(mirrored, jittered)
    forward, backward = regularized_passes(lambd, keep_prob, np.random.default_rng(1))
    parameters, _ = train(X, Y, uniform_parameters(layers_dims, seed=0),
                          learning_rate=learning_rate, num_iterations=num_iterations,
                          forward=forward, backward=backward, record_every=num_iterations,
                          progress=False)
    return parameters


def augmented(mirrored, jittered, noise=0.05):
    """The training set plus its mirror image x1 -> -x1 (if ``mirrored``) and ``jittered``
    copies with every coordinate moved by N(0, noise^2). Labels are copied unchanged."""
    copies_X, copies_Y = [train_X], [train_Y]
    if mirrored:
        copies_X.append(train_X * np.array([[-1.0], [1.0]]))
        copies_Y.append(train_Y)
    originals = list(zip(copies_X, copies_Y))
    rng = np.random.default_rng(2)
    for _ in range(jittered):
        for X, Y in originals:
            copies_X.append(X + noise * rng.standard_normal(X.shape))
            copies_Y.append(Y)
    return np.concatenate(copies_X, axis=1), np.concatenate(copies_Y, axis=1)


def draw_boundary(ax, parameters, X, Y, title):
    plot_decision_boundary(lambda points: predict(points, parameters), X, Y, ax=ax,
                           resolution=120, title=title)
    curve_x = np.linspace(-1, 1, 200)
    ax.plot(curve_x, wavy_boundary(curve_x), "k--", linewidth=1)
    ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05))
    ax.get_legend().remove()


def accuracies(parameters, X=train_X, Y=train_Y):
    return f"train {accuracy(X, Y, parameters):.0%}, dev {accuracy(dev_X, dev_Y, parameters):.0%}"


# %% [markdown]
# **Try this.** Start at λ = 0 and keep_prob = 1: the plain network. Then raise **λ** step by
# step; then set λ back to 0 and lower **keep_prob**. Predict first: what happens to the
# islands of colour around single points, to the training accuracy, to the dev accuracy, and
# to the size of the weights (right)? What does a very large λ do?

# %%
def draw_regularization(figure, lambd, keep_prob):
    boundary_ax, weights_ax = figure.subplots(1, 2, width_ratios=[1.2, 1])
    parameters = fit(lambd, keep_prob)
    draw_boundary(boundary_ax, parameters, train_X, train_Y,
                  f"λ = {lambd:g}, keep_prob = {keep_prob:g}: {accuracies(parameters)}")
    plain = fit(0.0, 1.0)
    layers = np.arange(1, len(layers_dims))
    for offset, (label, values, colour) in enumerate((
            ("no regularization", plain, "#b0b0b0"), ("this setting", parameters, colour_for(0)))):
        norms = [np.linalg.norm(values[f"W{l}"]) for l in layers]
        weights_ax.bar(layers + 0.4 * offset - 0.2, norms, width=0.4, color=colour, label=label)
    weights_ax.set(xticks=layers, xlabel="layer l", ylabel="‖$W^{[l]}$‖ (Frobenius)",
                   title="Size of the weights")
    weights_ax.legend(fontsize="small")


LivePlot(draw_regularization, main="lambd", figsize=(11, 4.4),
         lambd=options_slider("λ (lambd)", [0.0, 0.03, 0.1, 0.3, 1.0, 3.0], 0.0),
         keep_prob=options_slider("keep_prob", [1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 1.0))

# %% [markdown]
# **What to notice.** The plain network fits nearly every training point, flipped ones
# included, with small islands around them; the dev accuracy is lower. Both regularizers
# smooth the boundary toward the true curve: the training accuracy drops (the noise is no
# longer memorized) and the dev accuracy rises. Too much λ flattens the boundary until it
# underfits. L2 visibly shrinks the weights: a net with small weights changes its output
# gently with its input, so it can only draw simple boundaries. Dropout reaches a similar
# effect by making every unit work with unreliable inputs.
#
# ## 3. L1 or L2
#
# The L1 penalty $\frac{\lambda}{m}\sum |w|$ pulls every weight toward zero by the same amount
# whatever its size, so small weights reach *exactly* zero (a sparse model); L2 pulls in
# proportion to the weight, so weights get small but rarely zero. Here is the minimum of
# a two-weight cost $J(w)$ (blue contours) plus each penalty, as λ grows.
#
# **Try this.** Move **λ** up with the L2 penalty, then with L1. Predict first: which penalty
# sets $w_2$ to exactly zero, and from which λ on?

# %%
w_best = np.array([1.5, 0.4])  # the minimum of J without a penalty
H = np.array([[1.0, 0.3], [0.3, 0.6]])  # J(w) = (w - w_best) H (w - w_best) / 2
grid = np.linspace(-0.5, 2.0, 501)
grid_w1, grid_w2 = np.meshgrid(grid, grid)
offsets = np.stack([grid_w1 - w_best[0], grid_w2 - w_best[1]])  # (2, 501, 501)
cost_grid = np.einsum("i...,ij,j...->...", offsets, H, offsets) / 2
penalties = {"L2": (grid_w1 ** 2 + grid_w2 ** 2) / 2, "L1": np.abs(grid_w1) + np.abs(grid_w2)}
lambda_path = np.geomspace(1e-3, 3, 60)


def penalized_minimum(penalty, lambd):
    """The grid point minimizing J(w) + lambd * penalty(w)."""
    index = np.unravel_index(np.argmin(cost_grid + lambd * penalties[penalty]), cost_grid.shape)
    return np.array([grid_w1[index], grid_w2[index]])


paths = {penalty: np.array([penalized_minimum(penalty, lambd) for lambd in lambda_path])
         for penalty in penalties}


def draw_penalties(figure, lambd, penalty):
    map_ax, weights_ax = figure.subplots(1, 2)
    map_ax.contour(grid_w1, grid_w2, cost_grid, levels=np.geomspace(0.01, 2, 8),
                   cmap="Blues_r")
    minimum = penalized_minimum(penalty, lambd)
    row, column = np.argmin(np.abs(grid - minimum[1])), np.argmin(np.abs(grid - minimum[0]))
    map_ax.contour(grid_w1, grid_w2, penalties[penalty], colors=colour_for(3),
                   levels=[max(penalties[penalty][row, column], 1e-3)])  # through the minimum
    map_ax.plot(*paths[penalty].T, "-", color=colour_for(3), linewidth=1,
                label=f"minimum as λ grows ({penalty})")
    map_ax.plot(*w_best, "k+", markersize=12, label="minimum of J alone")
    map_ax.plot(*minimum, "o", color=colour_for(3), markersize=8,
                label=f"with λ = {lambd:.3g}")
    map_ax.axhline(0, color="k", linewidth=0.6)
    map_ax.axvline(0, color="k", linewidth=0.6)
    map_ax.set(aspect="equal", xlim=(-0.5, 2.0), ylim=(-0.5, 1.2), xlabel="$w_1$",
               ylabel="$w_2$", title=f"{penalty} penalty: w = ({minimum[0]:.2f}, "
                                     f"{minimum[1]:.2f})")
    map_ax.legend(fontsize="x-small", loc="upper left")
    for index, name in enumerate(penalties):
        weights_ax.semilogx(lambda_path, paths[name][:, 1], color=colour_for(index + 2),
                            linewidth=2.5 if name == penalty else 1, label=f"w₂ with {name}")
    weights_ax.axvline(lambd, color="k", linestyle=":")
    weights_ax.axhline(0, color="k", linewidth=0.6)
    weights_ax.set(ylim=(-0.05, 0.45), xlabel="λ (log scale)", ylabel="$w_2$",
                   title="The smaller weight as λ grows")
    weights_ax.legend(fontsize="small", loc="lower left")


LivePlot(draw_penalties, figsize=(11, 4.0),
         lambd=log_slider("λ", -3, 0.4, 0.1), penalty=buttons("penalty", penalties))

# %% [markdown]
# **What to notice.** With L2 the minimum slides smoothly toward the origin and $w_2$ only
# shrinks; with L1 it hits the axis, where the diamond-shaped penalty has its corner, and
# $w_2$ stays exactly zero from then on. L1 can compress a model by zeroing weights, but in
# practice L2 ("weight decay") is by far the more used in deep learning.
#
# ## 4. Early stopping
#
# Train the plain network for longer and watch the dev error: it falls with the training
# error at first, then rises once the network starts fitting noise. Stopping at the dev minimum
# gives
# a network with mid-sized weights, a little like L2. The catch: one knob (when to stop) now
# affects both how well you fit the training set and how well you generalize, so you can no
# longer work on those two separately (*orthogonalization*). L2 with a search over λ keeps
# them apart, at the cost of more training runs.
#
# **Try this.** Move **stop after iteration**. Predict first: where is the dev error lowest, and
# what does the boundary look like there compared with the end of training?

# %%
snapshots, train_errors, dev_errors = {}, {}, {}  # by iteration


def keep_snapshot(iteration, parameters):
    snapshots[iteration] = {key: value.copy() for key, value in parameters.items()}
    train_errors[iteration] = 1 - accuracy(train_X, train_Y, parameters)
    dev_errors[iteration] = 1 - accuracy(dev_X, dev_Y, parameters)


train(train_X, train_Y, uniform_parameters(layers_dims, seed=0), learning_rate=learning_rate,
      num_iterations=6000, record_every=100, progress=False, on_record=keep_snapshot)
best_iteration = min(dev_errors, key=dev_errors.get)


def draw_early_stopping(figure, iteration):
    boundary_ax, error_ax = figure.subplots(1, 2, width_ratios=[1, 1.2])
    parameters = snapshots[iteration]
    draw_boundary(boundary_ax, parameters, train_X, train_Y,
                  f"After {iteration} iterations: {accuracies(parameters)}")
    error_ax.plot(list(train_errors), list(train_errors.values()), color=colour_for(0),
                  label="training error")
    error_ax.plot(list(dev_errors), list(dev_errors.values()), color=colour_for(1),
                  label="dev error")
    error_ax.axvline(iteration, color="k", linestyle=":", label="stop here")
    error_ax.plot(best_iteration, dev_errors[best_iteration], "v", color=colour_for(1),
                  markersize=10, label=f"lowest dev error (iteration {best_iteration})")
    error_ax.set(xlabel="iteration", ylabel="error", ylim=(0, 0.5),
                 title="Errors during training")
    error_ax.legend(fontsize="small")


LivePlot(draw_early_stopping, figsize=(11, 4.2),
         iteration=slider("stop after iteration", 0, 6000, 100, 6000))

# %% [markdown]
# **What to notice.** Early on the boundary is simple and both errors fall; after the dev
# minimum the training error keeps falling while the dev error creeps up, and islands appear
# around noisy points. Stopping at the marked iteration keeps most of what was learned and
# little of the noise.
#
# ## 5. Data augmentation
#
# More data is the surest cure for variance, and sometimes you can make it: flip, crop, rotate
# or slightly distort training images, as long as the label stays right. Here the task is
# symmetric (the true curve is the same mirrored left to right, like a cat photo flipped), so
# mirroring every training point gives a second, valid example; small random shifts
# ("jitter") give more. The new examples are not as good as fresh independent data, but they
# cost nothing.
#
# **Try this.** Turn on **mirrored copies**, then add **jittered copies**. Predict first: do
# the islands around noisy points shrink, and does the dev accuracy rise?

# %%
def draw_augmentation(figure, mirrored, jittered):
    X, Y = augmented(mirrored, jittered)
    plain_ax, augmented_ax = figure.subplots(1, 2)
    plain = fit(0.0, 1.0)
    draw_boundary(plain_ax, plain, train_X, train_Y,
                  f"100 examples: {accuracies(plain)}")
    parameters = fit(0.0, 1.0, mirrored, jittered)
    draw_boundary(augmented_ax, parameters, X, Y,
                  f"{X.shape[1]} examples with copies: {accuracies(parameters, X, Y)}")
    plain_ax.legend(loc="lower left", fontsize="small")  # which colour is which class


LivePlot(draw_augmentation, figsize=(11, 4.4), mirrored=checkbox("mirrored copies"),
         jittered=slider("jittered copies", 0, 3, 1, 0))

# %% [markdown]
# **What to notice.** The mirrored copy tells the network that both halves must agree, which
# removes islands that only one half supported; jitter blurs each noisy point into a small
# cloud that the smooth boundary can ignore more cheaply. Dev accuracy rises without a single
# new real example.

# %% [markdown]
# ## What to remember
#
# - L2 ($\frac{\lambda}{2m}\sum\lVert W\rVert_F^2$, weight decay) and dropout (keep_prob,
#   training only) both smooth an overfitting network's boundary; too much of either
#   underfits. L1 zeroes weights; L2 only shrinks them.
# - Small weights make a simpler function; that is why shrinking them reduces variance.
# - Early stopping regularizes too, but couples fitting and generalizing in one knob; prefer
#   knobs that act on one at a time.
# - Data augmentation (flips, small distortions) is cheap extra data when the label survives
#   the change.
