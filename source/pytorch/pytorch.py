# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 6 — From NumPy to a framework: PyTorch
#
# If the next cell fails with `ModuleNotFoundError: No module named 'torch'`, install the CPU
# build of PyTorch into the course's environment (`python -m pip install torch==2.13.0
# --index-url https://download.pytorch.org/whl/cpu`, Python 3.11), then restart the kernel.
#
# So far you wrote every forward pass, every derivative and every update rule by hand. A
# framework does that work for you: you describe the model, it computes the gradients
# (**autograd**) and applies the update rules (`torch.optim`). In this assignment you rebuild
# your own earlier networks in PyTorch and make the framework compute *exactly* what your NumPy
# code computed, so that you know what it does for you, and where the two differ.
#
# **You will implement** `build_model`, `load_parameters`, `compute_cost_from_logits`,
# `autograd_gradients`, `train_step`, `make_optimizer`, `build_softmax_model` and
# `predict_classes`. Fill in the cells marked `# YOUR CODE HERE`, then run the check below
# each one; fix and re-run until it passes.
#
# **Time:** about 75 minutes.

# %%
import numpy as np
import torch
from torch import nn

from helpers.checks.pytorch import (check_autograd_gradients, check_build_model,
                                    check_build_softmax_model, check_compute_cost_from_logits,
                                    check_load_parameters, check_make_optimizer,
                                    check_predict_classes, check_train_step)
from helpers.datasets import load_circles, load_spirals
from helpers.network import compute_cost, model_backward, model_forward
from helpers.notebook import setup_notebook

setup_notebook()  # failed checks in one plain line, and the course's plot colours
torch.set_num_threads(1)  # these nets are small: splitting each product over threads costs more
train_X, train_Y, test_X, test_Y = load_circles()  # NumPy arrays, X (2, 300), Y (1, 300)
X_t, Y_t = torch.from_numpy(train_X), torch.from_numpy(train_Y.astype(float))  # as tensors


def linear_layers(model):
    """The nn.Linear layers of ``model``, in order: layer l of the course is item l - 1."""
    return [module for module in model.modules() if isinstance(module, nn.Linear)]


def course_update(name, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """The course's update rule ``name`` (Assignment 4) as a function (key, g, t) -> the step to
    subtract from parameter ``key`` whose gradient is g at iteration t (from 1). Its state (v,
    s) lives in a closure, one entry per key: the formulas of Assignment 4 on any array."""
    state = {}

    def step(key, g, t):
        v, s = state.get(key, (0.0, 0.0))
        if name == "gd":
            direction = g
        elif name == "momentum":
            v = beta * v + (1 - beta) * g
            direction = v
        elif name == "rmsprop":
            s = beta2 * s + (1 - beta2) * g ** 2
            direction = g / (np.sqrt(s) + epsilon)
        elif name == "adam":
            v = beta1 * v + (1 - beta1) * g
            s = beta2 * s + (1 - beta2) * g ** 2
            direction = (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + epsilon)
        else:
            raise ValueError(f"unknown update rule {name!r}: expected gd, momentum, rmsprop "
                             "or adam")
        state[key] = (v, s)
        return learning_rate * direction
    return step


# %% [markdown]
# ## Tensors, and where examples go
#
# A `torch.Tensor` is PyTorch's array: `torch.from_numpy(array)` shares the array's memory,
# `tensor.numpy()` goes back, and most NumPy operations have a torch twin (`@`, `.T`,
# `torch.exp`, `.sum(dim=...)`). Two things differ from the course's NumPy code:
#
# - **Examples are rows.** `nn.Linear` computes $x W^T + b$ on a batch of shape $(m, n_x)$, so
#   the model is called on `X.T` and returns logits of shape $(m, 1)$; we transpose back with
#   `.T` to the course's $(1, m)$. The weight of `nn.Linear(n_prev, n)` has shape
#   $(n, n_{prev})$, exactly the course's $W^{[l]}$; its bias is a vector of shape $(n,)$.
# - **Precision.** PyTorch's default is float32; NumPy's is float64. To compare with your
#   NumPy code to the last digit, every model here is float64 (`dtype=torch.float64`).

# %% role="experiment"
import copy
import time

import matplotlib.pyplot as plt

from helpers.display import ResultsTable
from helpers.plots import plot_class_regions, plot_classes

print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
print(f"X_t {tuple(X_t.shape)} {X_t.dtype}, shares memory with train_X: "
      f"{np.shares_memory(X_t.numpy(), train_X)}")
results = []  # rows of this notebook's results table

# %% [markdown]
# ## 1. The Assignment 1 network as a `torch.nn` model
#
# **Goal.** Build LINEAR → RELU → LINEAR → RELU → LINEAR for any `layers_dims`, with He
# initialization, ending in **logits** (no sigmoid: the cost will take the logits).
#
# **The math.** For $l = 1, \dots, L$: `nn.Linear(layers_dims[l - 1], layers_dims[l],
# dtype=torch.float64)`, followed by `nn.ReLU()` except after the last one. Weights
# $W^{[l]} \sim \mathcal{N}(0, 1) \cdot \sqrt{2 / n_{l-1}}$ (fan-in), biases zero. PyTorch
# initializes every new `nn.Linear` with its own rule (uniform, and non-zero biases), so you
# overwrite both. Randomness comes from the `torch.Generator` already made from `seed`: pass
# `generator=generator` to the draw, e.g. `weight.normal_(0.0, std, generator=generator)`
# inside `with torch.no_grad():` (or `nn.init.normal_(weight, 0.0, std,
# generator=generator)`).
#
# **Implement** `build_model` (about 8 lines). An `nn.Sequential(*layers)` runs its layers in
# order.

# %% role="solution" grade_id="build_model"
def build_model(layers_dims, seed=0):
    """[LINEAR -> RELU] * (L - 1) -> LINEAR as an nn.Sequential in float64, He-initialized.

    layers_dims: list [n_x, n_1, ..., n_L]. seed: int, the only source of randomness.
    Returns the model: it maps a batch of shape (m, n_x) to logits of shape (m, n_L).
    """
    generator = torch.Generator().manual_seed(seed)
    layers = []
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        linear = nn.Linear(layers_dims[l - 1], layers_dims[l], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.normal_(0.0, np.sqrt(2 / layers_dims[l - 1]), generator=generator)
            linear.bias.zero_()
        layers.append(linear)
        if l < L:
            layers.append(nn.ReLU())
        ### END SOLUTION
    return nn.Sequential(*layers)


# %% role="test" grade_id="test_build_model" points=2
check_build_model(build_model)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_build_model", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Print the model: PyTorch lists its layers and their sizes. Predict how many
# parameters `[2, 10, 5, 1]` has.

# %% role="experiment"
model = build_model([2, 10, 5, 1], seed=1)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))

# %% [markdown]
# $2 \cdot 10 + 10 + 10 \cdot 5 + 5 + 5 \cdot 1 + 1 = 91$, as in Assignment 1.
#
# **What to remember:** a model is a stack of modules; each `nn.Linear` owns its weight and
# bias as `Parameter`s, the tensors the optimizer will update.
#
# ## 2. The same weights in both
#
# **Goal.** Copy a NumPy `parameters` dict into a model, so that both compute the same thing.
#
# **The math.** `weight` ← $W^{[l]}$ as is (both $(n_l, n_{l-1})$), `bias` ← $b^{[l]}$ reshaped
# from $(n_l, 1)$ to $(n_l,)$. Copy **in place**, `parameter.copy_(tensor)` inside `with
# torch.no_grad():`: the model must keep its `Parameter` objects, because an optimizer made
# earlier holds them. Assigning a new `nn.Parameter` looks the same but leaves that optimizer
# updating tensors the model no longer uses.
#
# **Implement** `load_parameters` (about 2 lines).

# %% role="solution" grade_id="load_parameters"
def load_parameters(model, parameters):
    """Copy NumPy parameters into ``model``'s linear layers, in place.

    model: a model whose linear layers are layer 1, ..., L (see linear_layers).
    parameters: dict with "Wl" (n_l, n_{l-1}) and "bl" (n_l, 1) NumPy arrays.
    Returns the same model, holding the same Parameter objects with the new values.
    """
    with torch.no_grad():
        for l, linear in enumerate(linear_layers(model), start=1):
            ### BEGIN SOLUTION
            linear.weight.copy_(torch.from_numpy(parameters[f"W{l}"]))
            linear.bias.copy_(torch.from_numpy(parameters[f"b{l}"]).reshape(-1))
            ### END SOLUTION
    return model


# %% role="test" grade_id="test_load_parameters" points=1
check_load_parameters(load_parameters)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_load_parameters", globals())
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The cost, from logits
#
# **Goal.** The mean cross-entropy, computed from the logits $z = z^{[L]}$ without ever
# forming $\sigma(z)$, as a tensor autograd can differentiate.
#
# **The math.** $-\big(y \log \sigma(z) + (1-y) \log(1-\sigma(z))\big) = \max(z, 0) - z y +
# \log(1 + e^{-|z|})$, finite for every $z$; the cost is its mean over the $m$ examples.
# `nn.functional.binary_cross_entropy_with_logits(logits, Y)` computes exactly this (and
# `nn.BCEWithLogitsLoss()` is the same as a module). Both must have shape $(1, m)$: a $(1, m)$
# against an $(m, 1)$ would **broadcast** to an $(m, m)$ matrix of every logit against every
# label, and a hand-written formula would average it without a word.
#
# **Implement** `compute_cost_from_logits` (about 1 line).

# %% role="solution" grade_id="compute_cost_from_logits"
def compute_cost_from_logits(logits, Y):
    """Mean binary cross-entropy from logits.

    logits: tensor (1, m), z^[L] before any sigmoid. Y: tensor (1, m) of labels in {0, 1}.
    Returns a 0-d tensor (the cost) that autograd can differentiate.
    """
    ### BEGIN SOLUTION
    cost = nn.functional.binary_cross_entropy_with_logits(logits, Y)
    ### END SOLUTION
    return cost


# %% role="test" grade_id="test_compute_cost_from_logits" points=2
check_compute_cost_from_logits(compute_cost_from_logits)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_compute_cost_from_logits", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Load He-initialized NumPy weights into a model and compute the cost both
# ways. Predict how many digits agree. Then predict what `sigmoid` followed by `log` gives on a
# logit of 800.

# %% role="experiment"
rng = np.random.default_rng(3)
layers_dims = [2, 10, 5, 1]
parameters = {}
for l in range(1, len(layers_dims)):
    parameters[f"W{l}"] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * np.sqrt(
        2 / layers_dims[l - 1])
    parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
model = load_parameters(build_model(layers_dims), parameters)
AL, _ = model_forward(train_X, parameters)
print(f"NumPy cost {compute_cost(AL, train_Y):.17f}")
print(f"torch cost {compute_cost_from_logits(model(X_t.T).T, Y_t).item():.17f}")
large = torch.tensor([[800.0, -800.0]], dtype=torch.float64)
wrong = torch.tensor([[0.0, 1.0]], dtype=torch.float64)
print("from logits:", compute_cost_from_logits(large, wrong).item(),
      " sigmoid then log:", -torch.log(1 - torch.sigmoid(large[:, :1])).item())

# %% [markdown]
# The costs agree to about 16 digits. On a logit of 800, $\sigma(z)$ rounds to exactly 1 and
# $\log(1 - 1) = -\infty$; the formula from logits gives the true cost, 800.
#
# **What to remember:** frameworks take **logits** and compute the cost from them; never put a
# sigmoid at the end of the model *and* a cost "with logits" after it.
#
# ## 4. Autograd: the gradient checker you always have
#
# **Goal.** Let PyTorch compute $dW^{[l]}, db^{[l]}$ and compare them with the backprop of
# Assignment 3 (`model_backward`).
#
# **The math.** `cost.backward()` fills `parameter.grad` with $\partial J / \partial
# \text{parameter}$ for every parameter that led to `cost`. It **adds** to what is there, so
# clear the old gradients first with `model.zero_grad()`. Then read `linear.weight.grad`
# ($(n_l, n_{l-1})$, like $dW^{[l]}$) and `linear.bias.grad` ($(n_l,)$: reshape to $(n_l, 1)$)
# and turn them into NumPy arrays with `.numpy()` (copy them: the next backward reuses the
# memory).
#
# **Implement** `autograd_gradients` (about 7 lines).

# %% role="solution" grade_id="autograd_gradients"
def autograd_gradients(model, X, Y):
    """The gradients of the mean cost with respect to every parameter, by autograd.

    model: a model as built by build_model. X: tensor (n_x, m). Y: tensor (1, m).
    Returns grads: dict with NumPy arrays "dWl" (n_l, n_{l-1}) and "dbl" (n_l, 1).
    """
    grads = {}
    ### BEGIN SOLUTION
    model.zero_grad()
    logits = model(X.T).T  # (1, m): the model takes examples as rows
    cost = compute_cost_from_logits(logits, Y)
    cost.backward()
    for l, linear in enumerate(linear_layers(model), start=1):
        grads[f"dW{l}"] = linear.weight.grad.numpy().copy()
        grads[f"db{l}"] = linear.bias.grad.numpy().reshape(-1, 1).copy()
    ### END SOLUTION
    return grads


# %% role="test" grade_id="test_autograd_gradients" points=2
check_autograd_gradients(autograd_gradients)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_autograd_gradients", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Compare autograd with your backprop parameter by parameter, with the
# relative difference of Assignment 3, $\|a - b\| / (\|a\| + \|b\|)$. A two-sided difference
# reached about $10^{-8}$; predict what autograd reaches.

# %% role="experiment"
AL, caches = model_forward(train_X, parameters)
by_hand = model_backward(AL, train_Y, caches)
by_autograd = autograd_gradients(model, X_t, Y_t)
differences = {key: np.linalg.norm(by_hand[key] - by_autograd[key])
               / (np.linalg.norm(by_hand[key]) + np.linalg.norm(by_autograd[key]))
               for key in by_hand}
for key, value in differences.items():
    print(f"{key:>4}: relative difference {value:.1e}")
results.append({"comparison": "autograd against model_backward",
                "value": max(differences.values())})

# %% [markdown]
# Around $10^{-16}$: the same arithmetic in another order, not an approximation. Autograd is
# exact up to rounding, which makes it the gradient checker of any hand-written backward pass.
#
# **What to remember:** `backward()` accumulates into `.grad`: zero the gradients before each
# backward pass.
#
# ## 5. One training step
#
# **Goal.** The loop every PyTorch program has: zero the gradients, forward, cost, backward,
# step.
#
# **The math.** `optimizer.step()` updates every parameter it was given from its `.grad`; for
# `torch.optim.SGD(model.parameters(), lr=learning_rate)` that is $\theta \leftarrow \theta -
# \alpha\, d\theta$, your `update_parameters_with_gd`. The order matters: a step before the
# backward pass uses the previous gradients; gradients not zeroed add up over the steps.
#
# **Implement** `train_step` (about 5 lines). Return the cost of this step's forward pass as a
# Python float (`.item()`): a tensor would keep the whole graph of the step alive.

# %% role="solution" grade_id="train_step"
def train_step(model, optimizer, X, Y):
    """One step of gradient-based training on (X, Y).

    model: a model as built by build_model. optimizer: a torch.optim optimizer of its
    parameters. X: tensor (n_x, m). Y: tensor (1, m).
    Returns the cost before the update, as a Python float.
    """
    ### BEGIN SOLUTION
    optimizer.zero_grad()
    cost = compute_cost_from_logits(model(X.T).T, Y)
    cost.backward()
    optimizer.step()
    return cost.item()
    ### END SOLUTION


# %% role="test" grade_id="test_train_step" points=2
check_train_step(train_step)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_train_step", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Train the same net from the same weights for 1,000 steps of gradient descent,
# once in NumPy and once with `train_step`. Predict the largest difference between the two cost
# curves.

# %% role="experiment"
learning_rate, num_iterations = 0.01, 1000
numpy_parameters = {key: value.copy() for key, value in parameters.items()}
torch_model = load_parameters(build_model(layers_dims), parameters)
optimizer = torch.optim.SGD(torch_model.parameters(), lr=learning_rate)
numpy_costs, torch_costs = [], []
for i in range(num_iterations):
    AL, caches = model_forward(train_X, numpy_parameters)
    numpy_costs.append(compute_cost(AL, train_Y))
    grads = model_backward(AL, train_Y, caches)
    for key in numpy_parameters:
        numpy_parameters[key] = numpy_parameters[key] - learning_rate * grads["d" + key]
    torch_costs.append(train_step(torch_model, optimizer, X_t, Y_t))
gap = np.max(np.abs(np.array(numpy_costs) - np.array(torch_costs)))
print(f"cost after {num_iterations} steps: NumPy {numpy_costs[-1]:.6f}, "
      f"torch {torch_costs[-1]:.6f}; largest difference {gap:.1e}")
results.append({"comparison": "gradient descent, 1000 steps (cost)", "value": gap})

# %% [markdown]
# The curves agree to rounding for all 1,000 steps: the framework runs the same algorithm.
#
# **What to remember:** zero the gradients, forward, cost, backward, step, in that order.
#
# ## 6. The update rules of `torch.optim`
#
# **Goal.** Make `torch.optim` follow the course's update rules of Assignment 4 exactly.
#
# **The math.** Adam: `torch.optim.Adam(params, lr=α, betas=(β₁, β₂), eps=ε)` has the same
# bias correction and ε outside the root. RMSprop: `torch.optim.RMSprop(params, lr=α,
# alpha=β₂, eps=ε)`. Gradient descent: `torch.optim.SGD(params, lr=α)`. **Momentum differs**:
# PyTorch accumulates $b \leftarrow \beta b + g$ (no $1 - \beta$), and the course's
# $v \leftarrow \beta v + (1 - \beta) g$ is $(1 - \beta)\, b$ at every step. So the course's
# rule is `SGD(params, lr=α(1 − β), momentum=β)`. PyTorch's `dampening=β` does *not* give it:
# PyTorch skips the damping on the first step ($b_1 = g_1$).
#
# **Implement** `make_optimizer` (about 8 lines).

# %% role="solution" grade_id="make_optimizer"
def make_optimizer(name, model, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """A torch.optim optimizer of ``model``'s parameters equal to the course's rule ``name``.

    name: "gd", "momentum", "rmsprop" or "adam". learning_rate: alpha. beta: momentum's
    average. beta1, beta2, epsilon: Adam's (RMSprop uses beta2 and epsilon).
    Returns the optimizer.
    """
    params = model.parameters()
    ### BEGIN SOLUTION
    if name == "gd":
        return torch.optim.SGD(params, lr=learning_rate)
    if name == "momentum":
        return torch.optim.SGD(params, lr=learning_rate * (1 - beta), momentum=beta)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=learning_rate, alpha=beta2, eps=epsilon)
    if name == "adam":
        return torch.optim.Adam(params, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)
    ### END SOLUTION
    raise ValueError(f"unknown optimizer {name!r}: expected gd, momentum, rmsprop or adam")


# %% role="test" grade_id="test_make_optimizer" points=2
check_make_optimizer(make_optimizer, course_update)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_make_optimizer", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Run each rule for 200 steps in NumPy (`course_update`, the formulas of
# Assignment 4) and in PyTorch from the same weights, and compare the weights at every step.
# Predict which of the two momentum mappings matches.

# %% role="experiment"
from helpers.checks.pytorch import course_trajectory  # the NumPy net's weights, step by step


def torch_trajectory(optimizer_for, steps):
    """Weights after each of ``steps`` steps of a PyTorch model loaded with ``parameters``, as
    flat vectors W1, b1, W2, b2, ... (the order of course_trajectory's)."""
    net = load_parameters(build_model(layers_dims), parameters)
    optimizer = optimizer_for(net)
    trajectory = []
    for _ in range(steps):
        train_step(net, optimizer, X_t, Y_t)
        trajectory.append(np.concatenate([p.detach().numpy().ravel()
                                          for layer in linear_layers(net)
                                          for p in (layer.weight, layer.bias)]))
    return np.array(trajectory)


steps, rate, beta = 200, 0.01, 0.9
pairs = {name: (course_update(name, rate), lambda net, n=name: make_optimizer(n, net, rate))
         for name in ("gd", "momentum", "rmsprop", "adam")}
pairs["momentum, dampening=beta instead"] = (
    course_update("momentum", rate),
    lambda net: torch.optim.SGD(net.parameters(), lr=rate, momentum=beta, dampening=beta))
for name, (update, optimizer_for) in pairs.items():
    _, numpy_weights = course_trajectory(update, parameters, train_X, train_Y, steps)
    gap = np.max(np.abs(numpy_weights - torch_trajectory(optimizer_for, steps)))
    print(f"{name:>34}: largest weight difference over {steps} steps {gap:.1e}")
    results.append({"comparison": f"{name}, {steps} steps (weights)", "value": gap})

# %% [markdown]
# Every rule matches to rounding, but `dampening` is off from the first step on: it applies the
# full gradient at step 1 where the course applies $(1 - \beta) g_1$, and the error never goes
# away.
#
# **Learning-rate schedules.** `torch.optim.lr_scheduler.LambdaLR(optimizer, factor)` multiplies
# the initial rate by `factor(epoch)` each time you call `scheduler.step()`; with the factor
# $1 / (1 + \text{decay\_rate} \lfloor \text{epoch} / \text{time\_interval} \rfloor)$ it is
# `schedule_lr_decay` of Assignment 4. Predict the rate at epoch 2,500 with $\alpha_0 = 0.1$,
# decay rate 1 and an interval of 1,000.

# %% role="experiment"
net = build_model(layers_dims)
optimizer = make_optimizer("gd", net, 0.1)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda epoch: 1 / (1 + 1.0 * np.floor(epoch / 1000)))
rates = []
for epoch in range(3000):
    rates.append(optimizer.param_groups[0]["lr"])
    optimizer.step()  # an epoch of training would go here (no gradients: nothing changes)
    scheduler.step()
print("learning rate at epochs 0, 999, 1000, 2500:", [rates[e] for e in (0, 999, 1000, 2500)])

# %% [markdown]
# $0.1 / (1 + 2) = 0.0333$ at epoch 2,500: the scheduler only changes `param_groups[0]["lr"]`,
# the rate `optimizer.step()` reads.
#
# **What to remember:** a framework's optimizer is the same algorithm under different
# conventions; read its update formula before trusting that "momentum" means yours.
#
# ## 7. Softmax with batch normalization
#
# **Goal.** The Assignment 5 net for the three spirals: LINEAR (no bias) → BATCHNORM → RELU for
# every hidden layer, then LINEAR to $C$ logits.
#
# **The math.** `nn.Linear(n_prev, n, bias=False, dtype=torch.float64)` (batch norm's $\beta$
# replaces the bias), `nn.BatchNorm1d(n, dtype=torch.float64)` and `nn.ReLU()`; the last
# `nn.Linear` has a bias. He initialization for every `nn.Linear`, as in `build_model`. The
# cost is `nn.CrossEntropyLoss()(logits, labels)` with logits $(m, C)$ and class indices
# $(m,)$: it applies the softmax itself, so the model must **not** end in one.
#
# **Implement** `build_softmax_model` (about 10 lines).

# %% role="solution" grade_id="build_softmax_model"
def build_softmax_model(layers_dims, seed=0):
    """[LINEAR (no bias) -> BATCHNORM -> RELU] * (L - 1) -> LINEAR, float64, He-initialized.

    layers_dims: list [n_x, n_1, ..., n_L] with n_L = C classes. seed: int.
    Returns an nn.Sequential mapping a batch (m, n_x) to logits (m, C).
    """
    generator = torch.Generator().manual_seed(seed)
    layers = []
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        ### BEGIN SOLUTION
        hidden = l < L
        linear = nn.Linear(layers_dims[l - 1], layers_dims[l], bias=not hidden,
                           dtype=torch.float64)
        with torch.no_grad():
            linear.weight.normal_(0.0, np.sqrt(2 / layers_dims[l - 1]), generator=generator)
            if not hidden:
                linear.bias.zero_()
        layers.append(linear)
        if hidden:
            layers += [nn.BatchNorm1d(layers_dims[l], dtype=torch.float64), nn.ReLU()]
        ### END SOLUTION
    return nn.Sequential(*layers)


# %% role="test" grade_id="test_build_softmax_model" points=2
check_build_softmax_model(build_softmax_model)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_build_softmax_model", globals())
### END HIDDEN TESTS

# %% [markdown]
# ## 8. Predictions in evaluation mode
#
# **Goal.** Predicted classes from a trained batch-norm model.
#
# **The math.** `model.eval()` switches batch norm to its **running** averages of $\mu$ and
# $\sigma^2$ (the test mode of Assignment 5); `model.train()` switches back to the statistics
# of the current batch. Under `torch.no_grad()` no graph is recorded. The predicted class of an
# example is the index of its largest logit: `logits.argmax(dim=1)` on logits $(m, C)$,
# reshaped to the course's $(1, m)$.
#
# **Implement** `predict_classes` (about 4 lines).

# %% role="solution" grade_id="predict_classes"
def predict_classes(model, X):
    """Class indices predicted by ``model`` for the columns of X, in evaluation mode.

    model: a model as built by build_softmax_model. X: tensor (n_x, m).
    Returns a NumPy int array (1, m). The model's train/eval mode is left as it was.
    """
    was_training = model.training
    ### BEGIN SOLUTION
    model.eval()
    with torch.no_grad():
        logits = model(X.T)  # (m, C)
    classes = logits.argmax(dim=1).reshape(1, -1).numpy()
    ### END SOLUTION
    model.train(was_training)
    return classes


# %% role="test" grade_id="test_predict_classes" points=1
check_predict_classes(predict_classes)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("pytorch", "test_predict_classes", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Train `[2, 32, 32, 32, 3]` with batch norm on the spirals: Adam, mini-batches
# of 128, 40 epochs. Predict the test accuracy, then what `model.train()` does to one example
# on its own.

# %% role="experiment"
X, labels, spiral_test_X, spiral_test_labels = load_spirals()
S_X, S_labels = torch.from_numpy(X), torch.from_numpy(labels).long()  # labels (1, m)
S_test_X = torch.from_numpy(spiral_test_X)
softmax_model = build_softmax_model([2, 32, 32, 32, 3], seed=0)
optimizer = make_optimizer("adam", softmax_model, 0.01)
cross_entropy = nn.CrossEntropyLoss()  # logits (m, C), class indices (m,)
generator = torch.Generator().manual_seed(0)
first_layer_inputs = []  # z of the first batch-norm layer, one (128, 32) batch per step
for epoch in range(40):
    order = torch.randperm(S_X.shape[1], generator=generator)
    for start in range(0, S_X.shape[1] - 127, 128):
        columns = order[start:start + 128]
        optimizer.zero_grad()
        logits = softmax_model(S_X[:, columns].T)
        first_layer_inputs.append(softmax_model[0](S_X[:, columns].T).detach().numpy())
        cross_entropy(logits, S_labels[0, columns]).backward()
        optimizer.step()
test_accuracy = float(np.mean(predict_classes(softmax_model, S_test_X) == spiral_test_labels))
train_accuracy = float(np.mean(predict_classes(softmax_model, S_X) == labels))
print(f"train accuracy {train_accuracy:.1%}, test accuracy {test_accuracy:.1%}")

# A forward pass in training mode also updates the running averages: try it on a copy.
in_train_mode = copy.deepcopy(softmax_model).train()
try:
    in_train_mode(S_test_X[:, :1].T)
except ValueError as error:
    print("train mode, one example:", error)
with torch.no_grad():
    train_mode_accuracy = float(np.mean(
        in_train_mode(S_test_X.T).argmax(dim=1).numpy() == spiral_test_labels[0]))
print(f"test accuracy with batch statistics (train mode): {train_mode_accuracy:.1%}")
results.append({"comparison": "spirals, test accuracy (eval mode)", "value": test_accuracy})
results.append({"comparison": "spirals, test accuracy (train mode)",
                "value": train_mode_accuracy})

figure, axes = plt.subplots(1, 2, figsize=(9, 3.8))
plot_classes(spiral_test_X, spiral_test_labels, ax=axes[0], title="Test set: three spirals")
plot_class_regions(lambda points: predict_classes(softmax_model, torch.from_numpy(points)),
                   spiral_test_X, spiral_test_labels, ax=axes[1],
                   title="Batch-norm net in PyTorch (eval mode)");

# %% [markdown]
# Alone, an example has no batch to normalize with: in training mode batch norm refuses it. On
# the test set, batch statistics give other predictions than the running averages the model
# learned; `model.eval()` is what makes predictions depend on the example alone.
#
# **Running statistics.** PyTorch's `momentum=0.1` is $1 - \beta$ of the course's running
# average with $\beta = 0.9$, and its running variance uses the *unbiased* batch variance
# ($\frac{1}{m-1}$), where Assignment 5 uses $\frac{1}{m}$. Recompute the running averages of
# the first batch-norm layer from the batches it saw, both ways, and predict which matches.

# %% role="experiment"
bn = softmax_model[1]
running_mean, running_var_course, running_var_unbiased = 0.0, 1.0, 1.0
for Z in first_layer_inputs:  # Z (128, 32): examples are rows
    running_mean = 0.9 * running_mean + 0.1 * Z.mean(axis=0)
    running_var_course = 0.9 * running_var_course + 0.1 * Z.var(axis=0)
    running_var_unbiased = 0.9 * running_var_unbiased + 0.1 * Z.var(axis=0, ddof=1)
mean_gap = np.max(np.abs(running_mean - bn.running_mean.numpy()))
var_gaps = {name: np.max(np.abs(value - bn.running_var.numpy()) / bn.running_var.numpy())
            for name, value in (("1/m", running_var_course), ("1/(m-1)", running_var_unbiased))}
print(f"running mean: largest difference {mean_gap:.1e}")
for name, value in var_gaps.items():
    print(f"running variance with {name}: largest relative difference {value:.1e}")
results.append({"comparison": "running mean", "value": mean_gap})
for name, value in var_gaps.items():
    results.append({"comparison": f"running variance with {name}", "value": value})

# %% [markdown]
# The running mean matches to rounding; the variance matches only with $\frac{1}{m-1}$: a
# relative difference of about $1/m$ with the course's formula (tiny for $m = 128$, but real).
#
# ## 9. Where the time goes
#
# **Experiment.** Time 50 gradient-descent steps of the wide net `[2, 256, 256, 1]` on the
# circles, in NumPy and in PyTorch. Predict which is faster, and why it is not by much on a
# CPU.

# %% role="experiment"
wide_dims, timing_steps = [2, 256, 256, 1], 50
wide = {f"W{l}": np.random.default_rng(l).standard_normal((wide_dims[l], wide_dims[l - 1]))
        * np.sqrt(2 / wide_dims[l - 1]) for l in range(1, 4)}
wide.update({f"b{l}": np.zeros((wide_dims[l], 1)) for l in range(1, 4)})
timings = {}
started = time.perf_counter()
for _ in range(timing_steps):
    AL, caches = model_forward(train_X, wide)
    grads = model_backward(AL, train_Y, caches)
    for key in wide:
        wide[key] -= 0.01 * grads["d" + key]
timings["NumPy"] = (time.perf_counter() - started) / timing_steps
wide_model = build_model(wide_dims)
optimizer = make_optimizer("gd", wide_model, 0.01)
started = time.perf_counter()
for _ in range(timing_steps):
    train_step(wide_model, optimizer, X_t, Y_t)
timings["PyTorch"] = (time.perf_counter() - started) / timing_steps
with torch.profiler.profile() as profile:
    for _ in range(10):
        train_step(wide_model, optimizer, X_t, Y_t)
for name, seconds in timings.items():
    print(f"{name:>8}: {seconds * 1e3:.2f} ms per step")
print(profile.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))

# %% [markdown]
# Both spend most of a step in the same three matrix products per direction, done by the same
# kind of BLAS library; PyTorch adds a fixed cost per operation (dispatch, recording the graph)
# and saves NumPy's temporaries. On a CPU, for nets this small, neither wins by much; the
# framework's real gains are elsewhere (a GPU, fused operations, not writing the backward pass).

# %% role="experiment" tags=["results"]
ResultsTable(results, name="pytorch", percent=())

# %% [markdown]
# ## What to remember
#
# - A framework computes what you computed by hand: same costs, same gradients (autograd is
#   exact up to rounding), same update rules, once the conventions are matched.
# - The conventions that differ: examples as **rows**, float32 by default, a bias vector
#   $(n,)$, costs that take **logits**, `backward()` that **accumulates**, momentum without
#   $1 - \beta$, batch norm's `momentum` $= 1 - \beta$ and its unbiased running variance.
# - The loop: `zero_grad()`, forward, cost, `backward()`, `step()`; `model.eval()` and
#   `torch.no_grad()` for predictions.
