# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 1 — Weight initialization
#
# Training a network starts from a guess: the initial weights. A good guess speeds up gradient
# descent and lets it reach a lower training (and test) error; a bad one can stop learning
# altogether. In this assignment you will train the same 3-layer network three times, changing
# nothing but the initialization, and see why.
#
# **You will implement** `initialize_parameters_zeros`, `initialize_parameters_random` and
# `initialize_parameters_he`. Fill in the cells marked `# YOUR CODE HERE`, then run the check
# below each one. The checks explain what went wrong; fix and re-run until they pass.
#
# **Time:** about 45 minutes.

# %%
import numpy as np

from helpers.checks.initialization import (check_initialize_parameters_he,
                                           check_initialize_parameters_random,
                                           check_initialize_parameters_zeros)
from helpers.datasets import load_circles
from helpers.network import accuracy, compute_cost, model_forward, predict
from helpers.notebook import setup_notebook
from helpers.training import train

setup_notebook()  # failed checks in one plain line, and the course's plot colours
train_X, train_Y, test_X, test_Y = load_circles()

# %% [markdown]
# ## The data and the model
#
# Each example is a point $x \in \mathbb{R}^2$; the label says whether it lies on the inner
# circle ($y = 1$) or the outer one ($y = 0$). Examples are columns: `train_X` has shape
# $(2, 300)$.
#
# The model is the 3-layer net LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with
# `layers_dims = [2, 10, 5, 1]`, trained by full-batch gradient descent (learning rate 0.01,
# 15,000 iterations). Its forward and backward passes are given in `helpers.network`; you only
# choose where the weights start.

# %% role="experiment"
import matplotlib.pyplot as plt

from helpers.display import ResultsTable
from helpers.plots import plot_costs, plot_dataset, plot_decision_boundary, plot_grid

layers_dims = [2, 10, 5, 1]
learning_rate = 0.01
num_iterations = 15_000
print(f"train_X {train_X.shape}, train_Y {train_Y.shape}, test_X {test_X.shape}")

plot_dataset(train_X, train_Y, title="Training set: two noisy circles");

# %% [markdown]
# ## 1. Zero initialization
#
# **Goal.** Start every weight and bias at zero — the most natural guess — and find out why it
# fails.
#
# **The math.** For each layer $l = 1, \dots, L$, with $n_l$ = `layers_dims[l]`:
#
# $$W^{[l]} = 0 \in \mathbb{R}^{n_l \times n_{l-1}}, \qquad b^{[l]} = 0 \in \mathbb{R}^{n_l \times 1}.$$
#
# **Implement** `initialize_parameters_zeros` (about 2 lines). Keys are `"W1"`, `"b1"`, …,
# `"WL"`, `"bL"`.

# %% role="solution" grade_id="initialize_parameters_zeros"
def initialize_parameters_zeros(layers_dims):
    """All-zero parameters for a net with layer sizes ``layers_dims``.

    layers_dims: list [n_x, n_1, ..., n_L] (n_x input features, n_L output units).
    Returns parameters: dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1)
    for l = 1..L, all zeros.
    """
    parameters = {}
    L = len(layers_dims) - 1  # number of layers with weights
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
    return parameters


# %% role="test" grade_id="test_initialize_parameters_zeros" points=1
check_initialize_parameters_zeros(initialize_parameters_zeros)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("initialization", "test_initialize_parameters_zeros", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Before you run it, predict: with every weight at zero, what will the cost do
# during training, and what accuracy will the net reach? (Hint: what does every hidden unit of
# a layer compute, and what gradient does each one get?)

# %% role="experiment"
runs = {}  # init name -> (trained parameters, cost history)
runs["zeros"] = train(train_X, train_Y, initialize_parameters_zeros(layers_dims),
                      learning_rate=learning_rate, num_iterations=num_iterations,
                      description="zeros")
parameters, history = runs["zeros"]
print(f"cost at the start: {history.costs[0]:.4f}, at the end: {history.final_cost:.4f} "
      f"(ln 2 = {np.log(2):.4f})")
print(f"train accuracy {accuracy(train_X, train_Y, parameters):.1%}, "
      f"test accuracy {accuracy(test_X, test_Y, parameters):.1%}")
print("predictions on the training set:", np.unique(predict(train_X, parameters)))

# %% [markdown]
# The cost never moves from $\ln 2$: every prediction is exactly 0.5. With zero weights every
# unit of a layer computes the same value and receives the same gradient, so the units stay
# identical forever (and here, with ReLU and zero weights, the gradients are zero too). The
# net is no better than a coin.
#
# **What to remember:** zero (or any identical) weights never break **symmetry**; biases may
# start at zero, weights must not.
#
# ## 2. Large random initialization
#
# **Goal.** Break symmetry with random weights — but deliberately too large ones — and see what
# scale does to learning.
#
# **The math.** $W^{[l]} = 10 \cdot \mathcal{N}(0, 1)$ of shape $(n_l, n_{l-1})$ and
# $b^{[l]} = 0$. Randomness comes in through the `seed` argument: draw every $W^{[l]}$, in layer
# order, with `rng.standard_normal((n_l, n_{l-1}))` from the generator
# `rng = np.random.default_rng(seed)` that is already made for you. Never call
# `np.random.seed` in a function: it changes every other piece of code's randomness too.
#
# **Implement** `initialize_parameters_random` (about 2 lines).

# %% role="solution" grade_id="initialize_parameters_random"
def initialize_parameters_random(layers_dims, seed=3):
    """Random parameters: W ~ 10 * N(0, 1) (deliberately too large), b = 0.

    layers_dims: list [n_x, n_1, ..., n_L].
    seed: int or numpy.random.Generator, the only source of randomness.
    Returns parameters: dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1).
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
    return parameters


# %% role="test" grade_id="test_initialize_parameters_random" points=1
check_initialize_parameters_random(initialize_parameters_random)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("initialization", "test_initialize_parameters_random", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: with weights around ±10, how large is $z^{[3]}$ for a typical
# example, what does the sigmoid output, and what happens to the cost
# $-\log(a)$ when a confident prediction is wrong?

# %% role="experiment"
runs["random x10"] = train(train_X, train_Y, initialize_parameters_random(layers_dims),
                           learning_rate=learning_rate, num_iterations=num_iterations,
                           description="random x10")
parameters, history = runs["random x10"]
AL, _ = model_forward(train_X, initialize_parameters_random(layers_dims))
print(f"first cost: {history.costs[0]}, final cost: {history.final_cost:.4f}")
print(f"outputs of exactly 0 or 1 at the start: {np.mean((AL == 0) | (AL == 1)):.0%}")
print(f"train accuracy {accuracy(train_X, train_Y, parameters):.1%}, "
      f"test accuracy {accuracy(test_X, test_Y, parameters):.1%}")

# %% [markdown]
# The first cost is infinite: huge weights push $z^{[3]}$ so far that the sigmoid returns
# exactly 0 or 1, and a wrong prediction of exactly 0 costs $-\log 0 = \infty$. Training does
# recover, slowly, because the net must first shrink its weights, and it settles on a worse
# boundary than it could.
#
# **What to remember:** random weights break symmetry, but their **scale** matters: too large
# saturates the output and slows learning (too small, in a deep net, makes the signal vanish).
#
# ## 3. He initialization
#
# **Goal.** Pick the scale so that each ReLU layer keeps the variance of its input.
#
# **The math.** He et al. (2015) scale the weights by the layer's **fan-in**
# $n_{l-1}$ = `layers_dims[l - 1]`:
#
# $$W^{[l]} = \mathcal{N}(0, 1) \cdot \sqrt{\frac{2}{n_{l-1}}}, \qquad b^{[l]} = 0.$$
#
# Each unit sums $n_{l-1}$ inputs, so the variance of $z$ grows with $n_{l-1}$; dividing by it
# cancels that, and the 2 makes up for ReLU zeroing half its inputs. Xavier initialization uses
# $\sqrt{1/n_{l-1}}$, the right choice for tanh.
#
# **Implement** `initialize_parameters_he` (about 2 lines), drawing as in section 2.

# %% role="solution" grade_id="initialize_parameters_he"
def initialize_parameters_he(layers_dims, seed=3):
    """He initialization: W ~ N(0, 1) * sqrt(2 / n_{l-1}), b = 0.

    layers_dims: list [n_x, n_1, ..., n_L].
    seed: int or numpy.random.Generator, the only source of randomness.
    Returns parameters: dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1).
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        scale = np.sqrt(2 / layers_dims[l - 1])
        parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * scale
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
    return parameters


# %% role="test" grade_id="test_initialize_parameters_he" points=2
check_initialize_parameters_he(initialize_parameters_he)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("initialization", "test_initialize_parameters_he", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: compared with the ×10 initialization, will the first cost be
# finite? Will the final accuracy be higher, and the boundary closer to a circle?

# %% role="experiment"
runs["He"] = train(train_X, train_Y, initialize_parameters_he(layers_dims),
                   learning_rate=learning_rate, num_iterations=num_iterations, description="He")
parameters, history = runs["He"]
print(f"first cost: {history.costs[0]:.4f}, final cost: {history.final_cost:.4f}")
print(f"train accuracy {accuracy(train_X, train_Y, parameters):.1%}, "
      f"test accuracy {accuracy(test_X, test_Y, parameters):.1%}")

# %% [markdown]
# **Why the 2?** Push random data through a deep stack of ReLU layers (width 100, 20 layers)
# and watch the spread of the activations layer by layer. Predict which scale keeps it steady:
# He's $\sqrt{2/n}$, Xavier's $\sqrt{1/n}$, or 1.

# %% role="experiment"
deep_dims = [100] * 21
inputs = np.random.default_rng(0).standard_normal((100, 500))
he_deep = initialize_parameters_he(deep_dims, seed=0)
scales = {"He  sqrt(2/n)": 1.0, "Xavier  sqrt(1/n)": np.sqrt(0.5), "unscaled": np.sqrt(50)}
ax = plt.subplots(figsize=(6, 4))[1]
for index, (label, factor) in enumerate(scales.items()):
    A, spreads = inputs, []
    for l in range(1, len(deep_dims)):
        A = np.maximum(0, (he_deep[f"W{l}"] * factor) @ A)
        spreads.append(A.std())
    ax.plot(range(1, len(deep_dims)), spreads, marker="o", label=label)
ax.set(yscale="log", xlabel="layer", ylabel="std of activations",
       title="Activation spread through 20 ReLU layers")
ax.legend();

# %% [markdown]
# With He's scale the spread stays level; with Xavier's it halves every two layers (vanishing);
# unscaled it explodes. In a 3-layer net the effect is mild, in a 50-layer net it decides
# whether training works at all.
#
# ## 4. All three, side by side
#
# Predict the ranking of the three initializations on test accuracy before you look.

# %% role="experiment"
plot_costs({name: history for name, (_, history) in runs.items()}, log_scale=True,
           title="Cost during training (log scale)")
figure, axes = plot_grid(len(runs))
for ax, (name, (parameters, _)) in zip(axes, runs.items()):
    plot_decision_boundary(lambda points, p=parameters: predict(points, p), train_X, train_Y,
                           ax=ax, title=f"{name} initialization")

# %% role="experiment" tags=["results"]
results = ResultsTable([
    {"init": name,
     "train accuracy": accuracy(train_X, train_Y, parameters),
     "test accuracy": accuracy(test_X, test_Y, parameters),
     "first cost": history.costs[0],
     "final cost": history.final_cost}
    for name, (parameters, history) in runs.items()
], name="initialization", percent=["train accuracy", "test accuracy"])
results

# %% [markdown]
# ## What to remember
#
# - Initialize weights randomly to **break symmetry**; biases can start at zero.
# - The **scale** of the random weights matters: too large saturates the sigmoid (infinite
#   first cost, slow training); too small makes deep signals vanish.
# - **He initialization**, $\sqrt{2/n_{l-1}}$ with the fan-in $n_{l-1}$, is the default for
#   ReLU networks; Xavier, $\sqrt{1/n_{l-1}}$, for tanh.
