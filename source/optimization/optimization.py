# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 4 — Optimization methods
#
# Plain gradient descent takes one small, careful step per pass over the data. On a real
# training set that is slow, and on an awkward cost surface it zigzags. This assignment builds
# the tools that make training fast: **mini-batches**, **momentum**, **RMSprop**, **Adam** and
# **learning-rate decay**. You will train the same small network with each of them and compare
# what they reach in the same number of epochs.
#
# **You will implement** `update_parameters_with_gd`, `random_mini_batches`,
# `initialize_velocity`, `update_parameters_with_momentum`, `initialize_rmsprop`,
# `update_parameters_with_rmsprop`, `initialize_adam`, `update_parameters_with_adam`,
# `update_lr` and `schedule_lr_decay`. Fill in the cells marked `# YOUR CODE HERE`, then run the
# check below each one. The checks explain what went wrong; fix and re-run until they pass.
#
# **Time:** about 90 minutes (the training runs take a few seconds each).

# %%
import numpy as np

from helpers.checks.optimization import (check_initialize_adam, check_initialize_rmsprop,
                                         check_initialize_velocity, check_random_mini_batches,
                                         check_schedule_lr_decay, check_update_lr,
                                         check_update_parameters_with_adam,
                                         check_update_parameters_with_gd,
                                         check_update_parameters_with_momentum,
                                         check_update_parameters_with_rmsprop)
from helpers.datasets import load_moons
from helpers.network import accuracy, compute_cost, model_backward, model_forward, predict
from helpers.notebook import setup_notebook

setup_notebook()  # failed checks in one plain line, and the course's plot colours
train_X, train_Y, test_X, test_Y = load_moons()

# %% [markdown]
# ## The data and the model
#
# Each example is a point $x \in \mathbb{R}^2$ on one of two interleaving half-moons; the label
# says which moon ($y = 0$ upper, $y = 1$ lower). The moons overlap a little, so no boundary is
# perfect. Examples are columns: `train_X` has shape $(2, 300)$.
#
# The model is LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with
# `layers_dims = [2, 5, 2, 1]`, started from He initialization (Assignment 1). Its forward and
# backward passes are given in `helpers.network`; the training loop
# `helpers.training.train_mini_batches` asks you for two things only: how to cut an epoch into
# mini-batches, and how to update the parameters from their gradients. This assignment writes
# both.

# %% role="experiment"
import time

import matplotlib.pyplot as plt

from helpers.display import ResultsTable
from helpers.plots import colour_for, plot_dataset, plot_decision_boundary, plot_grid
from helpers.training import train_mini_batches

layers_dims = [2, 5, 2, 1]


def initialize_parameters(layers_dims, seed=3):
    """He initialization (Assignment 1): W^[l] ~ N(0, 1) * sqrt(2 / n_{l-1}), b^[l] = 0."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = (rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
                               * np.sqrt(2 / layers_dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


print(f"train_X {train_X.shape}, train_Y {train_Y.shape}, test_X {test_X.shape}")
plot_dataset(train_X, train_Y, title="Training set: two noisy half-moons");

# %% [markdown]
# ## 1. Gradient descent
#
# **Goal.** Write the update every other method builds on: one step downhill.
#
# **The math.** For every layer $l = 1, \dots, L$, with learning rate $\alpha$:
#
# $$W^{[l]} := W^{[l]} - \alpha \, dW^{[l]}, \qquad b^{[l]} := b^{[l]} - \alpha \, db^{[l]}.$$
#
# `grads` holds `"dW1"`, `"db1"`, …, with the shapes of `"W1"`, `"b1"`, ….
#
# **Implement** `update_parameters_with_gd` (about 2 lines).

# %% role="solution" grade_id="update_parameters_with_gd"
def update_parameters_with_gd(parameters, grads, learning_rate):
    """One step of gradient descent.

    parameters: dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1), l = 1..L.
    grads: dict with "dWl" and "dbl", the same shapes as "Wl" and "bl".
    learning_rate: float, alpha.
    Returns parameters: the dict with every Wl and bl updated.
    """
    L = len(parameters) // 2  # number of layers
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
        ### END SOLUTION
    return parameters


# %% role="test" grade_id="test_update_parameters_with_gd" points=1
check_update_parameters_with_gd(update_parameters_with_gd)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_update_parameters_with_gd", globals())
### END HIDDEN TESTS

# %% [markdown]
# **What to remember:** every optimizer in this assignment is this loop over layers; they differ
# only in *what* they subtract.
#
# ## 2. Mini-batches
#
# **Goal.** Take a step after every few dozen examples instead of after the whole training set.
#
# There are three ways to use $m$ examples per epoch:
#
# - **batch** gradient descent: one step per epoch, on all $m$ examples (smooth but slow to
#   start on a large set);
# - **stochastic** gradient descent: $m$ steps per epoch, one example each (many cheap steps,
#   very noisy, and it loses the speed of vectorized code);
# - **mini-batch** gradient descent: in between, $\lceil m / \text{size} \rceil$ steps of
#   `mini_batch_size` examples. Sizes are usually powers of two from $2^6 = 64$ to
#   $2^9 = 512$, small enough that a batch fits in memory.
#
# **The math.** Two steps, repeated at every epoch with a different seed:
#
# 1. **Shuffle** the examples (the *columns* of `X`) with one permutation, and apply the *same*
#    permutation to the columns of `Y`, so every example keeps its label. Make it with
#    `np.random.default_rng(seed).permutation(m)`.
# 2. **Partition** the shuffled columns into $\lfloor m / \text{size} \rfloor$ full mini-batches
#    of `mini_batch_size` columns, plus one last, smaller mini-batch with the $m \bmod
#    \text{size}$ remaining columns when $m$ is not a multiple of the size (and no empty one
#    when it is). Columns $k \cdot \text{size}$ to $(k + 1)\cdot\text{size} - 1$ form
#    mini-batch $k$: `shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]`.
#
# With $m = 300$ and size 64: four mini-batches of 64 and a last one of 44.
#
# **Implement** `random_mini_batches` (about 10 lines). Return a list of `(mini_batch_X,
# mini_batch_Y)` pairs, in order.

# %% role="solution" grade_id="random_mini_batches"
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples of (X, Y) and cut them into mini-batches.

    X: (n_x, m) inputs, examples as columns. Y: (1, m) labels.
    mini_batch_size: int, the number of examples in a full mini-batch.
    seed: the only source of randomness, for np.random.default_rng(seed).
    Returns mini_batches: a list of (mini_batch_X (n_x, size_k), mini_batch_Y (1, size_k)),
    with size_k = mini_batch_size except for a smaller last one when m % mini_batch_size > 0.
    """
    m = X.shape[1]  # number of examples
    mini_batches = []
    ### BEGIN SOLUTION
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]
    num_complete_minibatches = m // mini_batch_size
    for k in range(num_complete_minibatches):
        start = k * mini_batch_size
        mini_batches.append((shuffled_X[:, start:start + mini_batch_size],
                             shuffled_Y[:, start:start + mini_batch_size]))
    if m % mini_batch_size != 0:
        start = num_complete_minibatches * mini_batch_size
        mini_batches.append((shuffled_X[:, start:], shuffled_Y[:, start:]))
    ### END SOLUTION
    return mini_batches


# %% role="test" grade_id="test_random_mini_batches" points=2
check_random_mini_batches(random_mini_batches)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_random_mini_batches", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Train for 20 epochs with plain gradient descent (learning rate 0.05), once
# with the whole set as one batch, once one example at a time, once with mini-batches of 64.
# Before you run it, predict: which one has the noisiest cost from one step to the next? Which
# one lowers the cost most *per epoch*? Which one takes longest per epoch, and why?

# %% role="experiment"
def train_gd(mini_batch_size, num_epochs, learning_rate, description):
    """Plain gradient descent with mini-batches; returns (parameters, History, the cost of the
    mini-batch at every step)."""
    step_costs = []

    def cost_and_record(AL, Y):  # the loop computes each mini-batch's cost; keep them all
        step_costs.append(compute_cost(AL, Y))
        return step_costs[-1]

    parameters, history = train_mini_batches(
        train_X, train_Y, initialize_parameters(layers_dims), num_epochs=num_epochs,
        batches=lambda epoch: random_mini_batches(train_X, train_Y, mini_batch_size, seed=epoch),
        step=lambda parameters, grads, t: update_parameters_with_gd(parameters, grads,
                                                                    learning_rate),
        cost=cost_and_record, description=description)
    return parameters, history, step_costs


def seconds_per_epoch(mini_batch_size, num_epochs=5):
    """The time one epoch of gradient descent takes: forward, backward and update for every
    mini-batch (nothing else, so that the sizes compare fairly)."""
    parameters = initialize_parameters(layers_dims)
    start = time.perf_counter()
    for epoch in range(num_epochs):
        for X_batch, Y_batch in random_mini_batches(train_X, train_Y, mini_batch_size, epoch):
            AL, caches = model_forward(X_batch, parameters)
            parameters = update_parameters_with_gd(parameters, model_backward(AL, Y_batch, caches),
                                                   0.05)
    return (time.perf_counter() - start) / num_epochs


m = train_X.shape[1]
flavours = {"batch (size 300)": m, "stochastic (size 1)": 1, "mini-batch (size 64)": 64}
flavour_runs = {name: train_gd(size, 20, 0.05, name) for name, size in flavours.items()}

figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4), constrained_layout=True)
for index, (name, (_, history, step_costs)) in enumerate(flavour_runs.items()):
    steps_per_epoch = len(step_costs) / len(history.costs)
    noisy = len(step_costs) > 20 * 5  # draw the one-example curve underneath the others
    left.plot(np.arange(len(step_costs)) / steps_per_epoch, step_costs, lw=0.6 if noisy else 1.8,
              color=colour_for(index), alpha=0.6 if noisy else 1.0, zorder=1 if noisy else 2,
              label=name)
    right.plot(history.iterations, history.costs, marker="o", ms=3, color=colour_for(index),
               label=name)
    print(f"{name:22s} {len(step_costs) // 20:4d} steps per epoch, "
          f"{seconds_per_epoch(flavours[name]) * 1000:6.2f} ms per epoch, "
          f"mean cost in the last epoch {history.final_cost:.3f}")
left.set(yscale="log", xlabel="epoch", ylabel="cost of the step's mini-batch",
         title="Cost at every step (log scale)")
right.set(xlabel="epoch", ylabel="mean cost over the epoch", title="Cost per epoch")
left.legend()
right.legend();

# %% [markdown]
# One example at a time gives a wildly noisy cost (each step sees a different, single point).
# It makes the most progress per epoch, since it takes $m$ steps, but it is by far the slowest
# per epoch: $m$ tiny matrix products instead of one big one, so vectorization is lost. The
# whole set gives a smooth curve but only one step per epoch. Mini-batches of 64 sit in
# between: a handful of vectorized steps per epoch, more progress than the full batch, and a
# cost that is noisy only because each mini-batch is a different sample of the data. On
# millions of examples, where one full-batch step takes minutes, this is what makes training
# possible at all.
#
# **What to remember:** shuffle with **one** permutation for `X` and `Y`, keep the last smaller
# mini-batch, and expect the mini-batch cost to be noisy: it is the cost of a different sample
# at every step, not a sign that training is failing.
#
# ## 3. Exponentially weighted averages
#
# **Goal.** Understand the averaging trick that momentum, RMSprop and Adam all use.
#
# **The math.** Given a noisy series $\theta_1, \theta_2, \dots$, keep a running average
#
# $$V_0 = 0, \qquad V_t = \beta V_{t-1} + (1 - \beta)\,\theta_t .$$
#
# Unrolled, $V_t$ is a weighted sum of all past $\theta$'s with weights $(1-\beta)\beta^{k}$
# that shrink geometrically with the age $k$. Since $(1 - \varepsilon)^{1/\varepsilon} \approx
# 1/e$, a value $1/(1-\beta)$ steps old has lost most of its weight: $V_t$ averages roughly the
# last $1/(1-\beta)$ values (10 for $\beta = 0.9$, 50 for $\beta = 0.98$).
#
# Starting from $V_0 = 0$ makes the first averages far too small. **Bias correction** divides by
# the total weight given so far:
#
# $$\hat V_t = \frac{V_t}{1 - \beta^{t}} .$$
#
# For large $t$, $\beta^t \to 0$ and the correction fades away.
#
# **Experiment.** A year of noisy daily temperatures. Predict: which $\beta$ follows the data
# most closely, which is smoothest, and which lags behind? Without bias correction, where is
# the $\beta = 0.98$ curve wrong?

# %% role="experiment"
def exponentially_weighted_average(series, beta, bias_correction=True):
    """V_t = beta V_{t-1} + (1 - beta) theta_t for t = 1..len(series), from V_0 = 0; divided by
    1 - beta^t when bias_correction. series: (T,). Returns an array (T,)."""
    V, averages = 0.0, []
    for t, theta in enumerate(series, start=1):
        V = beta * V + (1 - beta) * theta
        averages.append(V / (1 - beta ** t) if bias_correction else V)
    return np.array(averages)


days = np.arange(1, 366)
temperatures = (12 - 9 * np.cos(2 * np.pi * (days - 15) / 365)
                + np.random.default_rng(4).normal(0, 3, size=days.size))

figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4), constrained_layout=True)
for ax in (left, right):
    ax.scatter(days, temperatures, s=4, c="grey", alpha=0.5, label="daily temperature")
for index, beta in enumerate((0.5, 0.9, 0.98)):
    left.plot(days, exponentially_weighted_average(temperatures, beta), color=colour_for(index),
              label=f"β = {beta} (about {1 / (1 - beta):.0f} days)")
right.plot(days, exponentially_weighted_average(temperatures, 0.98, bias_correction=False),
           color=colour_for(3), label="β = 0.98, no bias correction")
right.plot(days, exponentially_weighted_average(temperatures, 0.98), color=colour_for(2),
           label="β = 0.98, with bias correction")
left.set(xlabel="day", ylabel="°C", title="Exponentially weighted averages")
right.set(xlabel="day", ylabel="°C", title="Bias correction (β = 0.98)")
left.legend(fontsize="small")
right.legend(fontsize="small")
for beta in (0.9, 0.98):
    print(f"β = {beta}: weight of a value {1 / (1 - beta):.0f} steps old, relative to the newest: "
          f"{beta ** (1 / (1 - beta)):.3f} (1/e = {1 / np.e:.3f})")

# %% [markdown]
# $\beta = 0.5$ averages about two days and follows the noise; $\beta = 0.98$ averages about 50
# days, is smooth, and lags behind the seasons. Without bias correction the $\beta = 0.98$
# curve starts near zero and needs weeks to catch up; with it, it starts on the data.
#
# **What to remember:** $V_t = \beta V_{t-1} + (1-\beta)\theta_t$ averages about the last
# $1/(1-\beta)$ values; larger $\beta$ is smoother but lags; divide by $1 - \beta^t$ to fix the
# start. Every optimizer below applies this to the gradients.
#
# ## 4. Momentum
#
# **Goal.** Average the gradients over the last steps, so that components that flip sign from
# step to step (the zigzag across a ravine) cancel out, and components that agree (the way
# along the ravine) add up.
#
# **The math.** The velocity $v$ is an exponentially weighted average of the gradients. It
# starts at zero, with the shapes of the gradients. At every step, for every layer:
#
# $$v_{dW^{[l]}} := \beta\, v_{dW^{[l]}} + (1 - \beta)\, dW^{[l]}, \qquad
#   W^{[l]} := W^{[l]} - \alpha\, v_{dW^{[l]}},$$
#
# and the same for $b^{[l]}$ with $db^{[l]}$. The usual choice is $\beta = 0.9$; $\beta = 0$ is
# plain gradient descent.
#
# **Implement** `initialize_velocity` (about 2 lines): `v` has keys `"dW1"`, `"db1"`, …, each
# zeros with the shape of the matching parameter (`np.zeros_like` helps).

# %% role="solution" grade_id="initialize_velocity"
def initialize_velocity(parameters):
    """Zero velocities for momentum.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    Returns v: dict with "dWl" of the shape of "Wl" and "dbl" of the shape of "bl", all zeros.
    """
    L = len(parameters) // 2  # number of layers
    v = {}
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        v["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        v["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
        ### END SOLUTION
    return v


# %% role="test" grade_id="test_initialize_velocity" points=1
check_initialize_velocity(initialize_velocity)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_initialize_velocity", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Implement** `update_parameters_with_momentum` (about 4 lines): first update the velocity,
# then move the parameters by the *new* velocity.

# %% role="solution" grade_id="update_parameters_with_momentum"
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """One step of gradient descent with momentum.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    grads: dict with "dWl" and "dbl" (the shapes of "Wl" and "bl").
    v: dict with the velocities "dWl" and "dbl" (the shapes of "Wl" and "bl").
    beta: float, the momentum hyperparameter. learning_rate: float, alpha.
    Returns (parameters, v), both updated.
    """
    L = len(parameters) // 2  # number of layers
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
        ### END SOLUTION
    return parameters, v


# %% role="test" grade_id="test_update_parameters_with_momentum" points=2
check_update_parameters_with_momentum(update_parameters_with_momentum)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_update_parameters_with_momentum", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** A cost surface shaped like a narrow ravine,
# $J(w, b) = \tfrac{1}{2}\left(0.3\, w^2 + 10\, b^2\right)$: steep across ($b$), shallow along
# ($w$). Gradient descent cannot use a learning rate above $2/10 = 0.2$ without the bouncing
# across $b$ growing at every step, so it runs at 0.19; momentum runs at a rate 5 times larger.
# Predict: which path zigzags, and which one gets closer to the minimum at $(0, 0)$ in 30
# steps? Why can momentum survive the larger rate?

# %% role="experiment"
ravine_curvature = {"W1": 0.3, "b1": 10.0}


def ravine_path(update, num_steps=30, start=(-8.0, 1.5)):
    """The points visited by ``update(parameters, grads, t) -> parameters`` on the ravine
    J(w, b) = (0.3 w^2 + 10 b^2) / 2, with w stored as "W1" and b as "b1" (1-by-1 arrays)."""
    parameters = {"W1": np.array([[start[0]]]), "b1": np.array([[start[1]]])}
    path = [start]
    for t in range(1, num_steps + 1):
        grads = {"d" + key: ravine_curvature[key] * value for key, value in parameters.items()}
        parameters = update(parameters, grads, t)
        path.append((parameters["W1"].item(), parameters["b1"].item()))
    return np.array(path)


def plot_ravine(paths, title):
    """Contours of the ravine and the ``paths`` (label -> (steps + 1, 2) points) on them."""
    w, b = np.meshgrid(np.linspace(-9, 4, 200), np.linspace(-2, 2, 200))
    ax = plt.subplots(figsize=(8, 3.6))[1]
    ax.contour(w, b, 0.5 * (0.3 * w ** 2 + 10 * b ** 2), levels=15, colors="lightgrey",
               linewidths=0.8)
    for index, (label, path) in enumerate(paths.items()):
        ax.plot(path[:, 0], path[:, 1], marker="o", ms=3, color=colour_for(index),
                label=f"{label}: ends {np.hypot(*path[-1]):.2f} from the minimum")
    ax.plot(0, 0, "k*", ms=10)
    ax.set(xlabel="w (shallow)", ylabel="b (steep)", title=title)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def ravine_zeros():
    return {"W1": np.zeros((1, 1)), "b1": np.zeros((1, 1))}


velocity = initialize_velocity(ravine_zeros())
ravine_paths = {
    "gradient descent, α = 0.19": ravine_path(
        lambda parameters, grads, t: update_parameters_with_gd(parameters, grads, 0.19)),
    "momentum, β = 0.9, α = 0.95": ravine_path(
        lambda parameters, grads, t: update_parameters_with_momentum(
            parameters, grads, velocity, 0.9, 0.95)[0]),
}
plot_ravine(ravine_paths, "30 steps on a ravine");

# %% [markdown]
# Gradient descent bounces from one wall to the other and crawls along the floor. Momentum's
# velocity averages the bounces (gradients of alternating sign) away and keeps the push along
# the ravine (gradients of constant sign), so it survives a learning rate that would make
# gradient descent diverge. Like a ball rolling into a bowl, it swings past the minimum and
# back, but it ends much closer.
#
# **What to remember:** momentum is gradient descent on the exponentially weighted average of
# the gradients: $v := \beta v + (1-\beta)\,dW$, then $W := W - \alpha v$.
#
# ## 5. RMSprop
#
# **Goal.** Give each parameter its own step size: divide by the recent size of its gradient,
# so steep directions take smaller steps and shallow ones larger steps.
#
# **The math.** $s$ is an exponentially weighted average of the *squared* gradients
# (elementwise), starting at zero. At every step, for every layer:
#
# $$s_{dW^{[l]}} := \beta_2\, s_{dW^{[l]}} + (1 - \beta_2)\, \big(dW^{[l]}\big)^2, \qquad
#   W^{[l]} := W^{[l]} - \alpha\, \frac{dW^{[l]}}{\sqrt{s_{dW^{[l]}}} + \varepsilon},$$
#
# and the same for $b^{[l]}$. $\varepsilon$ (usually $10^{-8}$) only avoids a division by zero:
# it is added *after* the square root, and it is not stored in $s$.
#
# **Implement** `initialize_rmsprop` (about 2 lines): `s` has keys `"dW1"`, `"db1"`, …, zeros
# with the shapes of the parameters.

# %% role="solution" grade_id="initialize_rmsprop"
def initialize_rmsprop(parameters):
    """Zero averages of the squared gradients for RMSprop.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    Returns s: dict with "dWl" of the shape of "Wl" and "dbl" of the shape of "bl", all zeros.
    """
    L = len(parameters) // 2  # number of layers
    s = {}
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        s["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        s["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
        ### END SOLUTION
    return s


# %% role="test" grade_id="test_initialize_rmsprop" points=1
check_initialize_rmsprop(initialize_rmsprop)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_initialize_rmsprop", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Implement** `update_parameters_with_rmsprop` (about 4 lines). `x ** 2` and `np.sqrt(x)`
# work elementwise on arrays.

# %% role="solution" grade_id="update_parameters_with_rmsprop"
def update_parameters_with_rmsprop(parameters, grads, s, beta2=0.999, learning_rate=0.01,
                                   epsilon=1e-8):
    """One step of RMSprop.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    grads: dict with "dWl" and "dbl" (the shapes of "Wl" and "bl").
    s: dict with the averages of the squared gradients "dWl" and "dbl".
    beta2: float, the averaging hyperparameter. learning_rate: float, alpha.
    epsilon: float, added to the square root to avoid dividing by zero.
    Returns (parameters, s), both updated.
    """
    L = len(parameters) // 2  # number of layers
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        for name in ("W" + str(l), "b" + str(l)):
            s["d" + name] = beta2 * s["d" + name] + (1 - beta2) * grads["d" + name] ** 2
            parameters[name] = parameters[name] - learning_rate * grads["d" + name] / (
                np.sqrt(s["d" + name]) + epsilon)
        ### END SOLUTION
    return parameters, s


# %% role="test" grade_id="test_update_parameters_with_rmsprop" points=2
check_update_parameters_with_rmsprop(update_parameters_with_rmsprop)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_update_parameters_with_rmsprop", globals())
### END HIDDEN TESTS

# %% [markdown]
# **What to remember:** RMSprop divides each gradient component by the root of its recent mean
# square, so every parameter moves at a similar pace whatever the scale of its gradient; the
# learning rate becomes (roughly) the step length.
#
# ## 6. Adam
#
# **Goal.** Combine the two: momentum's average of the gradients, RMSprop's per-parameter
# scale, with bias correction because both averages start at zero.
#
# **The math.** With $t$ the number of steps taken so far, **counting from 1** at the first
# update, for every layer (and the same for $b^{[l]}$):
#
# $$\begin{aligned}
# v_{dW} &:= \beta_1 v_{dW} + (1 - \beta_1)\, dW, &
#   \hat v_{dW} &= \frac{v_{dW}}{1 - \beta_1^{\,t}},\\
# s_{dW} &:= \beta_2 s_{dW} + (1 - \beta_2)\, dW^2, &
#   \hat s_{dW} &= \frac{s_{dW}}{1 - \beta_2^{\,t}},\\
# W &:= W - \alpha\, \frac{\hat v_{dW}}{\sqrt{\hat s_{dW}} + \varepsilon}. &&
# \end{aligned}$$
#
# The corrected $\hat v, \hat s$ are used for the step only: $v$ and $s$ themselves stay
# uncorrected, to be averaged further at the next step. Defaults: $\beta_1 = 0.9$,
# $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$; usually only $\alpha$ is tuned.
#
# **Implement** `initialize_adam` (about 4 lines): `v` and `s`, both with keys `"dW1"`,
# `"db1"`, …, zeros with the shapes of the parameters.

# %% role="solution" grade_id="initialize_adam"
def initialize_adam(parameters):
    """Zero first and second moments for Adam.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    Returns (v, s): two dicts, each with "dWl" of the shape of "Wl" and "dbl" of the shape of
    "bl", all zeros.
    """
    L = len(parameters) // 2  # number of layers
    v = {}
    s = {}
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        v["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        v["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
        s["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        s["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
        ### END SOLUTION
    return v, s


# %% role="test" grade_id="test_initialize_adam" points=1
check_initialize_adam(initialize_adam)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_initialize_adam", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Implement** `update_parameters_with_adam` (about 10 lines). Fill `v_corrected` and
# `s_corrected` with the bias-corrected moments (keys `"dW1"`, `"db1"`, …): the function
# returns them too, so that you (and the checks) can look at them.

# %% role="solution" grade_id="update_parameters_with_adam"
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                beta2=0.999, epsilon=1e-8):
    """One step of Adam.

    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1), l = 1..L.
    grads: dict with "dWl" and "dbl" (the shapes of "Wl" and "bl").
    v, s: dicts with the moving averages of the gradients and of their squares ("dWl", "dbl").
    t: int >= 1, the number of this update (1 for the first), for the bias correction.
    learning_rate: alpha. beta1, beta2: the averaging hyperparameters. epsilon: added to the
    square root to avoid dividing by zero.
    Returns (parameters, v, s, v_corrected, s_corrected): parameters, v and s updated, and
    the bias-corrected moments (dicts with "dWl", "dbl").
    """
    L = len(parameters) // 2  # number of layers
    v_corrected = {}
    s_corrected = {}
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        for name in ("W" + str(l), "b" + str(l)):
            key = "d" + name
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            s[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
            v_corrected[key] = v[key] / (1 - beta1 ** t)
            s_corrected[key] = s[key] / (1 - beta2 ** t)
            parameters[name] = parameters[name] - learning_rate * v_corrected[key] / (
                np.sqrt(s_corrected[key]) + epsilon)
        ### END SOLUTION
    return parameters, v, s, v_corrected, s_corrected


# %% role="test" grade_id="test_update_parameters_with_adam" points=3
check_update_parameters_with_adam(update_parameters_with_adam)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_update_parameters_with_adam", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Back to the ravine, now with RMSprop ($\alpha = 0.05$) and Adam
# ($\alpha = 0.3$) as well. Predict: RMSprop divides each direction by the size of its recent
# gradients; what does that do to the zigzag across $b$? And why might RMSprop's very first
# step be much longer than its learning rate, but not Adam's?

# %% role="experiment"
square_averages = initialize_rmsprop(ravine_zeros())
first_moments, second_moments = initialize_adam(ravine_zeros())
ravine_paths["RMSprop, β2 = 0.999, α = 0.05"] = ravine_path(
    lambda parameters, grads, t: update_parameters_with_rmsprop(
        parameters, grads, square_averages, 0.999, 0.05)[0])
ravine_paths["Adam, α = 0.3"] = ravine_path(
    lambda parameters, grads, t: update_parameters_with_adam(
        parameters, grads, first_moments, second_moments, t, 0.3)[0])
plot_ravine(ravine_paths, "30 steps on a ravine, four optimizers");

# %% [markdown]
# Dividing by $\sqrt{s}$ evens out the two directions: RMSprop and Adam move along $w$ as
# readily as across $b$, and the zigzag disappears. RMSprop's first step is long: $s$ starts
# at zero, so at $t = 1$ it is only $(1 - \beta_2)\,dW^2$ and the step is
# $\alpha / \sqrt{1 - \beta_2} \approx 32\,\alpha$ in every direction. Adam's bias correction
# removes exactly that: its first step is $\alpha$.
#
# **What to remember:** Adam = momentum + RMSprop + bias correction. Count $t$ from 1, correct
# with $1 - \beta^t$, step with the corrected moments, and keep the uncorrected ones.
#
# ## 7. The four optimizers on the moons
#
# Now the real comparison: the $[2, 5, 2, 1]$ net on the moons, learning rate $\alpha = 0.0007$,
# mini-batches of 64, 5,000 epochs, the same initialization and the same mini-batches for all
# four optimizers ($\beta = 0.9$ for momentum; $\beta_1 = 0.9$, $\beta_2 = 0.999$,
# $\varepsilon = 10^{-8}$ for RMSprop and Adam).
#
# `make_step` turns each optimizer into the `step` that `train_mini_batches` calls after every
# mini-batch: it creates the optimizer's state at the first step, keeps it between steps, and
# passes on `t`, the number of the update, which starts at 1.
#
# **Experiment.** Predict: with such a small learning rate, which optimizers will still be far
# from a good boundary after 5,000 epochs? Does momentum help much at this rate?

# %% role="experiment"
mini_batch_size = 64
num_epochs = 5000
# A new shuffle at every epoch (its seed is the epoch number), made once here and shared by
# every run below: all the runs see the same mini-batches, and none pays for reshuffling.
epoch_batches = [random_mini_batches(train_X, train_Y, mini_batch_size, seed=epoch)
                 for epoch in range(num_epochs)]
batches_per_epoch = len(epoch_batches[0])


def moons_batches(epoch):
    """The mini-batches of one epoch: a new shuffle at every epoch, the same for every run."""
    return epoch_batches[epoch]


def make_step(optimizer, learning_rates, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """The `step` of train_mini_batches for optimizer "gd", "momentum", "rmsprop" or "adam".

    learning_rates: the learning rate of every epoch (an array of length num_epochs).
    """
    learning_rates = [float(rate) for rate in learning_rates]  # plain floats, read every step
    state = {}

    def step(parameters, grads, t):
        learning_rate = learning_rates[(t - 1) // batches_per_epoch]  # this epoch's
        if optimizer == "gd":
            return update_parameters_with_gd(parameters, grads, learning_rate)
        if t == 1:  # the first update: zero state with the shapes of the parameters
            if optimizer == "momentum":
                state["v"] = initialize_velocity(parameters)
            elif optimizer == "rmsprop":
                state["s"] = initialize_rmsprop(parameters)
            elif optimizer == "adam":
                state["v"], state["s"] = initialize_adam(parameters)
        if optimizer == "momentum":
            parameters, state["v"] = update_parameters_with_momentum(
                parameters, grads, state["v"], beta, learning_rate)
        elif optimizer == "rmsprop":
            parameters, state["s"] = update_parameters_with_rmsprop(
                parameters, grads, state["s"], beta2, learning_rate, epsilon)
        elif optimizer == "adam":
            parameters, state["v"], state["s"], _, _ = update_parameters_with_adam(
                parameters, grads, state["v"], state["s"], t, learning_rate, beta1, beta2,
                epsilon)
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}")
        return parameters

    return step


def train_moons(optimizer, learning_rate0=0.0007, decay=None, decay_rate=1.0):
    """Train the [2, 5, 2, 1] net on the moons; ``decay(learning_rate0, epoch_num,
    decay_rate)``, if given, sets each epoch's learning rate. Returns (parameters, History,
    learning rates)."""
    learning_rates = np.full(num_epochs, learning_rate0)
    if decay is not None:
        learning_rates = np.array([decay(learning_rate0, epoch, decay_rate)
                                   for epoch in range(num_epochs)])
    name = optimizer if decay is None else f"{optimizer} + {decay.__name__}"
    parameters, history = train_mini_batches(
        train_X, train_Y, initialize_parameters(layers_dims), num_epochs=num_epochs,
        batches=moons_batches, step=make_step(optimizer, learning_rates), record_every=10,
        description=name)
    return parameters, history, learning_rates


def show_runs(names, title):
    """Cost curves and decision boundaries of the runs ``names``."""
    ax = plt.subplots(figsize=(7, 4))[1]
    for index, name in enumerate(names):
        history = runs[name][1]
        ax.plot(history.iterations, history.costs, label=name, color=colour_for(index), lw=1)
    ax.set(xlabel="epoch", ylabel="mean mini-batch cost", title=f"Cost during training: {title}")
    ax.legend()
    figure, axes = plot_grid(len(names), ncols=4, size=(3.6, 3.2))
    for ax, name in zip(axes, names):
        parameters = runs[name][0]
        train_accuracy = accuracy(train_X, train_Y, parameters)
        plot_decision_boundary(lambda points, p=parameters: predict(points, p), train_X,
                               train_Y, ax=ax, title=f"{name}: {train_accuracy:.1%}")


runs = {}  # run name -> (trained parameters, History, learning rate of every epoch)
start = time.perf_counter()
for optimizer in ("gd", "momentum", "rmsprop", "adam"):
    runs[optimizer] = train_moons(optimizer)
print(f"four runs of {num_epochs} epochs in {time.perf_counter() - start:.1f} s")
for name in runs:
    print(f"{name:10s} train accuracy {accuracy(train_X, train_Y, runs[name][0]):.1%}")
show_runs(["gd", "momentum", "rmsprop", "adam"], "α = 0.0007, no decay")

# %% [markdown]
# At $\alpha = 0.0007$, gradient descent and momentum are still creeping down after 5,000
# epochs: their boundary is not much better than a straight line, and momentum barely differs
# from gradient descent (it averages the gradients, but each step is still about $\alpha$ times
# the gradient, and the gradients are tiny). RMSprop and Adam divide by the size of the
# gradients, so their steps are about $\alpha$ *whatever* the gradient: they reach a curved
# boundary that follows the moons. The mini-batch cost of every run wiggles, as in section 2.
#
# **What to remember:** with the same learning rate and the same epochs, the adaptive methods
# (RMSprop, Adam) get much further; Adam is the usual default.
#
# ## 8. Learning-rate decay
#
# **Goal.** Take large steps at the start, when the parameters are far from a minimum, and
# smaller ones later, so that the noisy mini-batch steps settle near the minimum instead of
# wandering around it.
#
# **The math.** Two schedules, with $\alpha_0$ the initial rate and $e$ the epoch number
# (from 0):
#
# $$\text{update\_lr:}\quad \alpha = \frac{\alpha_0}{1 + \text{decay\_rate}\cdot e},
#   \qquad
#   \text{schedule\_lr\_decay:}\quad \alpha = \frac{\alpha_0}{1 + \text{decay\_rate}\cdot
#   \left\lfloor e / \text{time\_interval} \right\rfloor}.$$
#
# Both always start again from $\alpha_0$: they are functions of the epoch, not of the
# previous rate. The second one only changes the rate every `time_interval` epochs.
#
# **Implement** `update_lr` (about 1 line).

# %% role="solution" grade_id="update_lr"
def update_lr(learning_rate0, epoch_num, decay_rate):
    """Learning rate decayed at every epoch: learning_rate0 / (1 + decay_rate * epoch_num).

    learning_rate0: float, the initial learning rate. epoch_num: int, the epoch (from 0).
    decay_rate: float. Returns learning_rate: float.
    """
    ### BEGIN SOLUTION
    learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)
    ### END SOLUTION
    return learning_rate


# %% role="test" grade_id="test_update_lr" points=1
check_update_lr(update_lr)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_update_lr", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Implement** `schedule_lr_decay` (about 1 line). `np.floor`, or the integer division `//`,
# rounds down.

# %% role="solution" grade_id="schedule_lr_decay"
def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Learning rate decayed every ``time_interval`` epochs:
    learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)).

    learning_rate0: float, the initial learning rate. epoch_num: int, the epoch (from 0).
    decay_rate: float. time_interval: int, the number of epochs between two decays.
    Returns learning_rate: float.
    """
    ### BEGIN SOLUTION
    learning_rate = learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))
    ### END SOLUTION
    return learning_rate


# %% role="test" grade_id="test_schedule_lr_decay" points=1
check_schedule_lr_decay(schedule_lr_decay)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("optimization", "test_schedule_lr_decay", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Decay lets us start much higher: $\alpha_0 = 0.1$, 140 times the rate of
# section 7, with decay_rate 1. First look at the schedules themselves, next to three other
# common ones: exponential $0.95^{e}\,\alpha_0$ (made for tens of epochs, not thousands),
# $k/\sqrt{e}$ (here $\alpha_0/\sqrt{1 + e}$) and a discrete staircase (halve every 1,000
# epochs). Predict: after how many epochs is `update_lr` below the 0.0007 of section 7?

# %% role="experiment"
learning_rate0, decay_rate = 0.1, 1.0
epochs = np.arange(num_epochs)
schedules = {
    "update_lr": [update_lr(learning_rate0, e, decay_rate) for e in epochs],
    "schedule_lr_decay (every 1000)": [schedule_lr_decay(learning_rate0, e, decay_rate)
                                       for e in epochs],
    "exponential 0.95^e": learning_rate0 * 0.95 ** epochs,
    "α0 / sqrt(1 + e)": learning_rate0 / np.sqrt(1 + epochs),
    "staircase: halve every 1000": learning_rate0 * 0.5 ** (epochs // 1000),
}
ax = plt.subplots(figsize=(7, 4))[1]
for index, (label, rates) in enumerate(schedules.items()):
    ax.plot(epochs, rates, label=label, color=colour_for(index))
ax.axhline(0.0007, color="k", ls=":", label="α = 0.0007 (section 7)")
ax.set(yscale="log", ylim=(1e-6, 0.3), xlabel="epoch", ylabel="learning rate",
       title="Learning-rate schedules")
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0));
below = int(np.argmax(np.array(schedules["update_lr"]) < 0.0007))
print(f"update_lr falls below 0.0007 at epoch {below}; at epoch 4999 it is "
      f"{schedules['update_lr'][-1]:.2g}, while schedule_lr_decay is still "
      f"{schedules['schedule_lr_decay (every 1000)'][-1]:.2g}")

# %% [markdown]
# Now train gradient descent with `update_lr`, and gradient descent and momentum with
# `schedule_lr_decay`, both from $\alpha_0 = 0.1$. Predict: which of them catch up with Adam?

# %% role="experiment"
start = time.perf_counter()
runs["gd + update_lr"] = train_moons("gd", learning_rate0, update_lr, decay_rate)
for optimizer in ("gd", "momentum"):
    runs[f"{optimizer} + schedule_lr_decay"] = train_moons(optimizer, learning_rate0,
                                                           schedule_lr_decay, decay_rate)
print(f"three runs of {num_epochs} epochs in {time.perf_counter() - start:.1f} s")
steps_taken = {name: runs[name][2].sum() * batches_per_epoch
               for name in ("gd", "gd + update_lr", "gd + schedule_lr_decay")}
for name, total in steps_taken.items():
    print(f"{name:24s} sum of all learning rates over the {num_epochs * batches_per_epoch} "
          f"updates: {total:8.2f}")
show_runs(["gd + update_lr", "gd + schedule_lr_decay", "momentum + schedule_lr_decay", "adam"],
          "with learning-rate decay")

# %% [markdown]
# `update_lr` divides the rate by $1 + e$: within the first few hundred epochs it is smaller
# than the 0.0007 that was already too small in section 7, and the sum of all its rates (how
# far gradient descent can travel) grows only like $\log e$. Training stalls early: after the
# first few hundred epochs the cost only crawls. `schedule_lr_decay` keeps a large rate for
# 1,000 epochs at a time and only divides it by 2, 3, 4, 5: gradient descent and momentum now
# reach a boundary as good as Adam's, and the lower rate near the end lets them settle.
#
# ## 9. All the runs
#
# The accuracies below are computed by the runs above, on the training set and on 100 test
# examples the nets never saw.

# %% role="experiment" tags=["results"]
results = ResultsTable([
    {"run": name,
     "initial learning rate": float(rates[0]),
     "final learning rate": float(rates[-1]),
     "train accuracy": accuracy(train_X, train_Y, parameters),
     "test accuracy": accuracy(test_X, test_Y, parameters),
     "final cost": history.final_cost}
    for name, (parameters, history, rates) in runs.items()
], name="optimization", percent=["train accuracy", "test accuracy"])
results

# %% [markdown]
# ## What to remember
#
# - **Mini-batches** (sizes $2^6$–$2^9$): one shared permutation for `X` and `Y`, full batches
#   plus a smaller last one. The cost is noisy from batch to batch; that is expected.
# - **Exponentially weighted averages** $V_t = \beta V_{t-1} + (1-\beta)\theta_t$ cover about
#   $1/(1-\beta)$ steps; divide by $1 - \beta^t$ to correct the start.
# - **Momentum** steps along the average gradient; **RMSprop** divides each component by
#   $\sqrt{s} + \varepsilon$; **Adam** does both, with bias correction and $t$ from 1.
# - **Learning-rate decay** lets a large initial rate settle; a rate that decays at every epoch
#   ($\alpha_0/(1+e)$) dies too fast, a scheduled one ($\alpha_0/(1 + \lfloor e/T \rfloor)$)
#   lets even plain gradient descent catch up.
# - **Local optima are rarely the problem** in high dimensions: a point where the gradient is
#   zero is almost always a *saddle point* (the cost goes up in some directions, down in
#   others), and the real slowdown comes from **plateaus**, long flat regions where the
#   gradient is close to zero. Momentum, RMSprop and Adam are what get training across them
#   faster.
