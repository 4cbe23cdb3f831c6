# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Optimizers on two-dimensional surfaces
#
# **Goal.** Watch gradient descent, momentum, RMSprop and Adam race on an elongated bowl, a
# saddle point and a plateau, and see why saddle points, not local minima, are what slow
# training in high dimensions.
#
# A real network's cost lives in millions of dimensions; here it has two, $x$ and $y$, so
# you can see every step. The update rules are the ones you implement for whole networks in
# assignment `optimization`; here each takes a point and the gradient there. Run the cells in
# order, then move the controls above each figure. *About 20 minutes.*

# %%
import numpy as np

from helpers.notebook import setup_notebook
from helpers.plots import colour_for
from helpers.surfaces import (elongated_bowl, follow, plateau, plot_contours, plot_paths,
                              saddle)
from helpers.widgets import LivePlot, buttons, log_slider, slider

setup_notebook()  # the course's plot colours
surfaces = {surface.name: surface for surface in (elongated_bowl(), saddle(), plateau())}

# %% [markdown]
# ## 1. Four update rules
#
# With $g$ the gradient at the current point, α the learning rate and $t$ the step number
# (from 1); the averages start at zero:
#
# | rule | state | update |
# |---|---|---|
# | gradient descent | none | $p \leftarrow p - \alpha g$ |
# | momentum | $v \leftarrow \beta v + (1-\beta) g$ | $p \leftarrow p - \alpha v$ |
# | RMSprop | $s \leftarrow \beta_2 s + (1-\beta_2) g^2$ | $p \leftarrow p - \alpha\, g / (\sqrt{s} + \varepsilon)$ |
# | Adam | both, then $\hat v = v / (1-\beta_1^t)$, $\hat s = s / (1-\beta_2^t)$ | $p \leftarrow p - \alpha\, \hat v / (\sqrt{\hat s} + \varepsilon)$ |
#
# Momentum averages the gradients, so steps that flip sign cancel and steady ones add up.
# RMSprop divides each coordinate by the size of its recent gradients, so steep and shallow
# directions move at similar speeds. Adam does both (with bias correction). Each rule below is
# a function of the hyperparameters that returns `step(point, gradient, t)`; its state lives
# in the closure.

# %%
def gradient_descent(learning_rate):
    def step(point, gradient, t):
        return point - learning_rate * gradient
    return step


def momentum(learning_rate, beta=0.9):
    velocity = np.zeros(2)

    def step(point, gradient, t):
        nonlocal velocity
        velocity = beta * velocity + (1 - beta) * gradient
        return point - learning_rate * velocity
    return step


def rmsprop(learning_rate, beta2=0.9, epsilon=1e-8):
    squares = np.zeros(2)

    def step(point, gradient, t):
        nonlocal squares
        squares = beta2 * squares + (1 - beta2) * gradient ** 2
        return point - learning_rate * gradient / (np.sqrt(squares) + epsilon)
    return step


def adam(learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    velocity, squares = np.zeros(2), np.zeros(2)

    def step(point, gradient, t):
        nonlocal velocity, squares
        velocity = beta1 * velocity + (1 - beta1) * gradient
        squares = beta2 * squares + (1 - beta2) * gradient ** 2
        v_hat, s_hat = velocity / (1 - beta1 ** t), squares / (1 - beta2 ** t)
        return point - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return step


optimizers = {"gradient descent": gradient_descent, "momentum": momentum,
              "RMSprop": rmsprop, "Adam": adam}

# %% [markdown]
# ## 2. The race
#
# All four start at the black dot with the same learning rate and take the same number of
# steps; a cross marks where each one ends. The right panel shows the cost after each step.
#
# **Try this.**
# - On the **elongated bowl**, move the **learning rate** up until gradient descent starts to
#   zig-zag across the valley. Predict first: which rules keep going straight down the valley?
# - On the **saddle point**, the start is almost exactly on the ridge. Which rules notice the
#   tiny slope across it and leave quickly, and which ones first slide to the saddle and wait?
# - On the **plateau** the gradient is about a thousandth. Who crosses it within 100 steps?
# - Change the number of **steps** to replay the race step by step.

# %%
def draw_race(figure, learning_rate, surface, steps):
    surface = surfaces[surface]
    paths = {name: follow(make(learning_rate), surface.gradient, surface.start, steps)
             for name, make in optimizers.items()}
    map_ax, cost_ax = figure.subplots(1, 2, width_ratios=[1.6, 1])
    plot_contours(map_ax, surface.cost, surface.bounds, levels=surface.levels,
                  title=f"{surface.name}, α = {learning_rate:.3g}, {steps} steps")
    plot_paths(map_ax, paths)
    for index, (name, path) in enumerate(paths.items()):
        costs = surface.cost(path[:, 0], path[:, 1])
        label = name if len(path) == steps + 1 else f"{name} (diverged)"
        cost_ax.plot(np.arange(len(path)), costs, color=colour_for(index), label=label)
    cost_ax.axhline(surface.cost(*surface.minimum), color="k", linestyle=":",
                    label="lowest cost")
    low = surface.cost(*surface.minimum)
    cost_ax.set(title="Cost after each step", xlabel="step", ylabel="cost",
                xlim=(0, steps), ylim=(low - 0.05, surface.cost(*surface.start) + 0.3))
    cost_ax.legend(fontsize="small")


LivePlot(draw_race, main="learning_rate", figsize=(11, 4.2),
         learning_rate=log_slider("learning rate α", -3, 0, 0.1),
         surface=buttons("surface", surfaces),
         steps=slider("steps", 5, 300, 5, 100))

# %% [markdown]
# **What to notice.**
# - On the bowl, gradient descent's step across the valley is set by the steep direction, so
#   the learning rate must stay small and progress along the valley is slow; push α and it
#   oscillates. Momentum cancels the zig-zag; RMSprop and Adam rescale each direction and head
#   for the minimum almost in a straight line.
# - At the saddle, gradient descent slides down to the flat point and stays near it until the
#   tiny slope across the ridge has grown; the rules that divide by $\sqrt{s}$ move across it
#   at full speed from the first step.
# - On the plateau, gradient descent's steps are a thousandth of the learning rate: it barely
#   moves. Momentum only helps once it has gathered speed. RMSprop and Adam take steps of
#   about α whatever the size of the gradient, which is why they cross plateaus.
#
# ## 3. Local optima or saddle points?
#
# Pictures of cost surfaces in two dimensions suggest a landscape full of local minima where
# gradient descent gets stuck. In a network with thousands of parameters, a point where the
# gradient is zero is a local minimum only if the cost curves **up in every direction**. If
# each direction were a coin flip, that would happen with probability $2^{-n}$; for random
# curvatures (the eigenvalues of a random symmetric Hessian) it is rarer still. Almost every
# flat point in high dimensions is a **saddle point**: up in some directions, down in others,
# and a good optimizer leaves it along a downward direction. What does slow training down
# are **plateaus**, long regions where the gradient is close to zero, like the one above.
#
# **Try this.** Move the **dimensions** slider. Left: how likely a random flat point is to be
# a minimum. Right: the curvatures of one random flat point in $n$ dimensions.

# %%
hessian_rng = np.random.default_rng(0)
dimensions = np.arange(1, 11)
samples = 5_000
minimum_share = []  # fraction of random symmetric Hessians with every eigenvalue > 0
for n in dimensions:
    H = hessian_rng.standard_normal((samples, n, n))
    curvatures = np.linalg.eigvalsh((H + np.swapaxes(H, 1, 2)) / 2)  # (samples, n)
    minimum_share.append(np.mean(np.all(curvatures > 0, axis=1)))
minimum_share = np.array(minimum_share)


def draw_saddles(figure, n):
    share_ax, curvature_ax = figure.subplots(1, 2)
    share_ax.semilogy(dimensions, 0.5 ** dimensions, "o-", color=colour_for(0),
                      label="coin flip per direction, $2^{-n}$")
    seen = minimum_share > 0
    share_ax.semilogy(dimensions[seen], minimum_share[seen], "s-", color=colour_for(3),
                      label=f"random Hessians ({samples:,} per n)")
    share_ax.axvline(n, color="k", linestyle=":")
    share_ax.set(title="Chance that a flat point is a local minimum", xlabel="dimensions n",
                 ylabel="probability (log scale)", ylim=(1 / samples / 2, 1.5))
    share_ax.legend(fontsize="small")

    H = np.random.default_rng(n).standard_normal((n, n))
    curvatures = np.sort(np.linalg.eigvalsh((H + H.T) / 2))
    up = curvatures > 0
    curvature_ax.bar(np.arange(1, n + 1), curvatures,
                     color=np.where(up, colour_for(2), colour_for(3)))
    curvature_ax.axhline(0, color="k", linewidth=0.8)
    kind = "a local minimum" if up.all() else ("a local maximum" if not up.any()
                                               else "a saddle point")
    curvature_ax.set(title=f"n = {n}: {up.sum()} directions up, {n - up.sum()} down: {kind}",
                     xlabel="direction (eigenvector of the Hessian)", ylabel="curvature")


LivePlot(draw_saddles, figsize=(11, 3.8), n=slider("dimensions n", 1, 10, 1, 2))

# %% [markdown]
# **What to notice.** With one or two dimensions minima are common; by a dozen dimensions a
# random flat point is almost never a minimum, and a network has millions. You are unlikely
# to get stuck in a bad local optimum; you are likely to spend time on saddle points and
# plateaus, where momentum, RMSprop and Adam help.

# %% [markdown]
# ## What to remember
#
# - Gradient descent's learning rate is limited by the steepest direction, so it zig-zags
#   across narrow valleys and crawls along them.
# - Momentum averages gradients (an exponentially weighted average) and damps the zig-zag;
#   RMSprop divides by the recent size of each coordinate's gradient; Adam does both, with
#   bias correction, and is a robust default.
# - In high dimensions, flat points are almost all saddle points, not local minima; plateaus
#   are what slow learning, and adaptive methods cross them faster.
