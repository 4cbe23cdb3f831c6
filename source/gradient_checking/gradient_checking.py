# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 3 — Gradient checking
#
# Backpropagation is easy to get almost right: a transposed matrix, a missing $1/m$ or a stray
# factor still gives a network that trains, only worse. **Gradient checking** compares the
# gradient your backward pass computes with a numerical estimate taken straight from the cost,
# and tells you whether — and where — they disagree.
#
# **You will implement** `forward_propagation`, `backward_propagation` and `gradient_check`
# for a one-parameter function, then `gradient_check_n` for a whole network, use it to find
# the bugs in a backward pass we give you, and fix them in `backward_propagation_n`. Fill in
# the cells marked `# YOUR CODE HERE`, then run the check below each one.
#
# **Time:** about 60 minutes.

# %%
import numpy as np

from helpers.checks.gradient_checking import (check_backward_propagation,
                                              check_backward_propagation_n,
                                              check_forward_propagation, check_gradient_check,
                                              check_gradient_check_n)
from helpers.gradcheck import (THRESHOLD, dictionary_to_vector, gradients_to_vector,
                               report_check, vector_to_dictionary)
from helpers.network import compute_cost, relu, sigmoid
from helpers.notebook import setup_notebook

setup_notebook()  # failed checks in one plain line, and the course's plot colours

# %% [markdown]
# ## 1. The idea, in one dimension
#
# **Goal.** Check the derivative of a function of a single number $\theta$, where you can
# still see everything that happens.
#
# **The math.** The derivative is the limit of a slope:
#
# $$\frac{\partial J}{\partial \theta} = \lim_{\varepsilon \to 0}
#   \frac{J(\theta + \varepsilon) - J(\theta - \varepsilon)}{2 \varepsilon}.$$
#
# With a small but finite $\varepsilon$ (here $10^{-7}$) the right-hand side is a numerical
# estimate, `gradapprox`, that needs nothing but the forward pass. If backpropagation is right,
# its `grad` and `gradapprox` agree to many digits.
#
# Take the simplest "network": $J(\theta) = \theta x$. Its forward pass computes $J$, its
# backward pass $\frac{\partial J}{\partial \theta}$.
#
# **Implement** `forward_propagation` (about 1 line).

# %% role="solution" grade_id="forward_propagation"
def forward_propagation(x, theta):
    """The cost J = theta * x of the one-parameter model.

    x: a real number (the input); theta: a real number (the parameter).
    Returns J, a real number.
    """
    ### BEGIN SOLUTION
    J = theta * x
    ### END SOLUTION
    return J


# %% role="test" grade_id="test_forward_propagation" points=1
check_forward_propagation(forward_propagation)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("gradient_checking", "test_forward_propagation", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Implement** `backward_propagation` (about 1 line): the derivative of $J = \theta x$ with
# respect to $\theta$ (not with respect to $x$).

# %% role="solution" grade_id="backward_propagation"
def backward_propagation(x, theta):
    """dJ/dtheta for J = theta * x.

    x, theta: real numbers. Returns dtheta, a real number.
    """
    ### BEGIN SOLUTION
    dtheta = x
    ### END SOLUTION
    return dtheta


# %% role="test" grade_id="test_backward_propagation" points=1
check_backward_propagation(backward_propagation)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("gradient_checking", "test_backward_propagation", globals())
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The gradient check
#
# **Goal.** Decide, with one number, whether `backward` agrees with `forward`.
#
# **The math.** Evaluate the cost on both sides of $\theta$, estimate the slope, and compare
# it with the backward pass by a *relative* difference:
#
# $$\theta^{+} = \theta + \varepsilon, \quad \theta^{-} = \theta - \varepsilon, \qquad
#   \text{gradapprox} = \frac{J(\theta^{+}) - J(\theta^{-})}{2 \varepsilon}, \qquad
#   \text{grad} = \frac{\partial J}{\partial \theta}\ \text{(from backward)},$$
#
# $$\text{difference} = \frac{\lVert \text{grad} - \text{gradapprox} \rVert_2}
#   {\lVert \text{grad} \rVert_2 + \lVert \text{gradapprox} \rVert_2}.$$
#
# Dividing by the two norms makes the number independent of the gradient's scale: about
# $10^{-7}$ or less means the two agree (rounding is all that separates them), above $10^{-3}$
# means a bug. With $\varepsilon = 10^{-7}$ the check passes when `difference < 2e-7` (the
# constant `THRESHOLD`).
#
# The function takes the forward and backward passes as arguments (`forward(x, theta)`,
# `backward(x, theta)`; the set-up lines default them to your two functions above), so the
# same check can later test other costs. Use them — not a value computed outside.
#
# **Implement** `gradient_check` (about 10 lines): compute `gradapprox`, `grad`, the
# `difference` with `np.linalg.norm`, and `backward_ok`, your verdict (`True` when the
# difference is below the threshold). The given lines print the verdict and return the
# difference.

# %% role="solution" grade_id="gradient_check"
def gradient_check(x, theta, epsilon=1e-7, print_msg=False, forward=None, backward=None):
    """Compare backward(x, theta) with the two-sided difference of forward around theta.

    x, theta: real numbers; epsilon: the step on each side of theta.
    print_msg: print the verdict. forward(x, theta) -> J and backward(x, theta) -> dJ/dtheta
    default to forward_propagation and backward_propagation.
    Returns difference, the relative difference (a non-negative float).
    """
    if forward is None:
        forward = forward_propagation
    if backward is None:
        backward = backward_propagation
    ### BEGIN SOLUTION
    theta_plus = theta + epsilon
    theta_minus = theta - epsilon
    J_plus = forward(x, theta_plus)
    J_minus = forward(x, theta_minus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    backward_ok = difference < THRESHOLD
    ### END SOLUTION
    if print_msg:
        report_check(difference, backward_ok)
    return difference


# %% role="test" grade_id="test_gradient_check" points=2
check_gradient_check(gradient_check)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("gradient_checking", "test_gradient_check", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: for $J = \theta x$ at $x = 2$, $\theta = 4$, will the check pass?
# And if `backward` returned $\theta$ instead of $x$ (the derivative with respect to the
# wrong variable), how large would the difference be — near $10^{-7}$ or near 1?

# %% role="experiment"
x, theta = 2.0, 4.0
checks = {}  # what each check measured, for the results table at the end
checks["1-D: J = theta x"] = gradient_check(x, theta, print_msg=True)
wrong_variable = gradient_check(x, theta, print_msg=True, backward=lambda x, theta: theta)
print(f"with dJ/dx in place of dJ/dtheta the difference is {wrong_variable:.3f}")

# %% [markdown]
# Your backward pass agrees with the numerical slope to rounding error; the wrong derivative
# gives a difference of order 1. For a straight line, though, *any* difference quotient is
# exact, even a one-sided one. A curved cost shows why the check uses two sides.
#
# **Experiment.** Take $J(\theta) = x\theta^3$ near $\theta = 0.05$, where the curve bends
# sharply compared with its slope. The one-sided quotient
# $\frac{J(\theta + \varepsilon) - J(\theta)}{\varepsilon}$ has an error proportional to
# $\varepsilon$; the two-sided one, proportional to $\varepsilon^2$. Predict which of the two
# passes the check at $\varepsilon = 10^{-7}$, and how each error changes as $\varepsilon$
# shrinks by a factor 10.

# %% role="experiment"
import matplotlib.pyplot as plt


def cubic_forward(x, theta):
    return x * theta ** 3


def cubic_backward(x, theta):
    return 3 * x * theta ** 2


def one_sided_difference(x, theta, epsilon, forward, backward):
    """The same relative difference, with the one-sided quotient (for comparison only)."""
    grad = backward(x, theta)
    gradapprox = (forward(x, theta + epsilon) - forward(x, theta)) / epsilon
    return abs(grad - gradapprox) / (abs(grad) + abs(gradapprox))


theta_curved = 0.05
checks["1-D: J = x theta^3, two-sided"] = gradient_check(
    x, theta_curved, print_msg=True, forward=cubic_forward, backward=cubic_backward)
checks["1-D: J = x theta^3, one-sided"] = one_sided_difference(
    x, theta_curved, 1e-7, cubic_forward, cubic_backward)
print(f"one-sided difference at epsilon = 1e-7: {checks['1-D: J = x theta^3, one-sided']:.1e}")

epsilons = np.logspace(-1, -10, 28)
two_sided = [gradient_check(x, theta_curved, epsilon=e, forward=cubic_forward,
                            backward=cubic_backward) for e in epsilons]
one_sided = [one_sided_difference(x, theta_curved, e, cubic_forward, cubic_backward)
             for e in epsilons]
ax = plt.subplots(figsize=(6, 4))[1]
ax.loglog(epsilons, two_sided, marker="o", markersize=3, label="two-sided (your gradient_check)")
ax.loglog(epsilons, one_sided, marker="s", markersize=3, label="one-sided")
ax.axhline(THRESHOLD, color="k", linestyle="--", linewidth=1, label=f"threshold {THRESHOLD:g}")
ax.set(xlabel="epsilon", ylabel="relative difference", title="Error of the difference quotient, "
       "J = x theta^3")
ax.invert_xaxis()
ax.legend();

# %% [markdown]
# Read the plot from left to right. While $\varepsilon$ is large, the one-sided error falls by
# one decade per decade of $\varepsilon$ (slope 1), the two-sided error by two (slope 2). At
# very small $\varepsilon$ both rise again: $J(\theta + \varepsilon)$ and
# $J(\theta - \varepsilon)$ agree in almost all their digits, and the subtraction leaves only
# rounding noise. Near $\varepsilon = 10^{-7}$ the two-sided estimate sits below the
# threshold; the one-sided one does not, and would flag a correct backward pass.
#
# **What to remember:** always use the two-sided difference, $\varepsilon \approx 10^{-7}$ in
# float64, and a *relative* difference: below about $10^{-7}$ is right, above $10^{-3}$ is
# a bug.
#
# ## 3. A whole network
#
# **Goal.** Check every gradient of a 3-layer network at once.
#
# **The net.** LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with `layers_dims = [4, 5, 3, 1]`,
# on a few random examples. `forward_propagation_n(X, Y, parameters)` returns the mean
# cross-entropy cost and a cache; `backward_propagation_n_buggy(X, Y, cache)` returns the
# gradients `dW1, db1, …, db3` — and, as its name says, it has bugs. Read it, but do not fix
# it yet: find them first.
#
# **From a dict to a vector.** The check perturbs one number at a time, so it needs all the
# parameters in one column vector $\theta$. The given helpers convert back and forth:
#
# ```python
# theta, layout = dictionary_to_vector(parameters)   # theta: (n, 1); layout: keys and shapes
# parameters = vector_to_dictionary(theta, layout)    # a dict of fresh arrays again
# grad = gradients_to_vector(gradients, layout)       # dW1, db1, ... in the same order, (n, 1)
# ```

# %%
def forward_propagation_n(X, Y, parameters):
    """Cost of LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID.

    X: (n_0, m) inputs; Y: (1, m) labels in {0, 1}; parameters: W1 (n_1, n_0), b1 (n_1, 1),
    W2 (n_2, n_1), b2 (n_2, 1), W3 (1, n_2), b3 (1, 1).
    Returns cost (float, the mean cross-entropy) and cache, the tuple
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) the backward pass needs.
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = W1 @ X + b1  # (n_1, m)
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2  # (n_2, m)
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3  # (1, m)
    A3 = sigmoid(Z3)
    cost = compute_cost(A3, Y)
    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return cost, cache


def backward_propagation_n_buggy(X, Y, cache):
    """Gradients of forward_propagation_n's cost — with planted bugs.

    X: (n_0, m); Y: (1, m); cache from forward_propagation_n.
    Returns gradients: dW1, db1, dW2, db2, dW3, db3, each with its parameter's shape.
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y  # (1, m)
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3  # (n_2, m)
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T * 2 / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2  # (n_1, m)
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = 4 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def random_parameters(layers_dims, seed, bias_scale=0.0):
    """W^[l] ~ N(0, 1) / sqrt(n_{l-1}) and b^[l] ~ bias_scale * N(0, 1), from ``seed``."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)
        parameters[f"b{l}"] = rng.standard_normal((n, 1)) * bias_scale
    return parameters


layers_dims = [4, 5, 3, 1]
data_rng = np.random.default_rng(2)
X = data_rng.standard_normal((4, 8))  # 8 examples with 4 features
Y = (X[0:1] + X[1:2] * X[2:3] > 0).astype(float)  # (1, 8) labels from a fixed rule
parameters = random_parameters(layers_dims, seed=1, bias_scale=0.5)

# %% [markdown]
# **The math.** For every entry $i$ of $\theta$, perturb that entry alone:
#
# $$\theta^{+} = \theta + \varepsilon e_i, \quad \theta^{-} = \theta - \varepsilon e_i, \qquad
#   \text{gradapprox}_i = \frac{J(\theta^{+}) - J(\theta^{-})}{2\varepsilon},$$
#
# where $e_i$ is 1 at entry $i$ and 0 elsewhere. Start each $\theta^{+}$ and $\theta^{-}$ from a
# fresh copy of $\theta$ (`np.copy(theta)`): writing into `theta` itself, or building
# $\theta^{-}$ from $\theta^{+}$, carries one perturbation into the next. Then compare the
# whole vectors with the same difference as in 1-D.
#
# **Implement** `gradient_check_n` (about 12 lines). Call `forward(X, Y, parameters)` (it
# returns the cost and a cache; you need the cost) on `vector_to_dictionary(theta_plus,
# layout)`. Also return `gradapprox`: it lets you look at the check component by component.

# %% role="solution" grade_id="gradient_check_n"
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False, forward=None):
    """Compare backprop's gradients with two-sided differences of the cost, entry by entry.

    parameters: dict W1, b1, ..., the point where the gradients are checked.
    gradients: dict dW1, db1, ... computed by backprop at that point (same shapes).
    X: (n_0, m) inputs; Y: (1, m) labels; epsilon: the step on each side.
    print_msg: print the verdict. forward(X, Y, parameters) -> (cost, cache) defaults to
    forward_propagation_n.
    Returns difference (a non-negative float) and gradapprox (n, 1), the numerical gradient in
    the order of dictionary_to_vector(parameters).
    """
    if forward is None:
        forward = forward_propagation_n
    theta, layout = dictionary_to_vector(parameters)  # (n, 1)
    grad = gradients_to_vector(gradients, layout)  # (n, 1)
    num_parameters = theta.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    ### BEGIN SOLUTION
    for i in range(num_parameters):
        theta_plus = np.copy(theta)
        theta_plus[i] += epsilon
        J_plus[i], _ = forward(X, Y, vector_to_dictionary(theta_plus, layout))
        theta_minus = np.copy(theta)
        theta_minus[i] -= epsilon
        J_minus[i], _ = forward(X, Y, vector_to_dictionary(theta_minus, layout))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    backward_ok = difference < THRESHOLD
    ### END SOLUTION
    if print_msg:
        report_check(difference, backward_ok)
    return difference, gradapprox


# %% role="test" grade_id="test_gradient_check_n" points=3
check_gradient_check_n(gradient_check_n)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("gradient_checking", "test_gradient_check_n", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Run your check on the given backward pass. Predict: will it pass? If not,
# the single number does not say *where* the bug is — but `gradapprox` does. Compare it with
# `grad` one parameter array at a time (`relative_differences` computes the same difference
# restricted to the entries of each array) and name the arrays whose gradients are wrong.

# %% role="experiment"
from helpers.gradcheck import plot_relative_differences, relative_differences

cost, cache = forward_propagation_n(X, Y, parameters)
buggy_gradients = backward_propagation_n_buggy(X, Y, cache)
difference, gradapprox = gradient_check_n(parameters, buggy_gradients, X, Y, print_msg=True)
checks["3-layer net, given backprop"] = difference

theta, layout = dictionary_to_vector(parameters)
per_parameter = {"given backprop": relative_differences(
    gradients_to_vector(buggy_gradients, layout), gradapprox, layout)}
for key, value in per_parameter["given backprop"].items():
    print(f"{key:>3}: {value:.1e}")
plot_relative_differences(per_parameter, title="Which gradients are wrong?");

# %% [markdown]
# Two arrays stand far above the bug level; the others sit below the threshold. Look at the
# lines of `backward_propagation_n_buggy` that compute those two gradients: each carries a
# factor that does not belong there.
#
# ## 4. Fix the backward pass
#
# **The math.** The sigmoid output with the cross-entropy cost gives
# $dZ^{[3]} = A^{[3]} - Y$; then for each layer, going down,
#
# $$dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}, \qquad
#   db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}, \qquad
#   dA^{[l-1]} = W^{[l]T} dZ^{[l]}, \qquad dZ^{[l-1]} = dA^{[l-1]} \odot 1[A^{[l-1]} > 0].$$
#
# **Implement** `backward_propagation_n` (about 13 lines): start from the given version and
# remove the two bugs you found.

# %% role="solution" grade_id="backward_propagation_n"
def backward_propagation_n(X, Y, cache):
    """Gradients of forward_propagation_n's cost.

    X: (n_0, m); Y: (1, m); cache from forward_propagation_n.
    Returns gradients: dW1, db1, dW2, db2, dW3, db3, each with its parameter's shape.
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    ### BEGIN SOLUTION
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    ### END SOLUTION
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


# %% role="test" grade_id="test_backward_propagation_n" points=2
check_backward_propagation_n(backward_propagation_n, forward_propagation_n)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("gradient_checking", "test_backward_propagation_n", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: with both bugs fixed, where will the overall difference land —
# below the threshold, or merely below the bug level?

# %% role="experiment"
gradients = backward_propagation_n(X, Y, cache)
difference, gradapprox = gradient_check_n(parameters, gradients, X, Y, print_msg=True)
checks["3-layer net, fixed backprop"] = difference
per_parameter["fixed backprop"] = relative_differences(
    gradients_to_vector(gradients, layout), gradapprox, layout)
plot_relative_differences(per_parameter, title="Per-parameter difference, before and after");

# %% [markdown]
# Every array now sits below the threshold: the remaining difference is rounding.
#
# **What to remember:** when the check fails, look at the components — the entries (or
# arrays) with a large difference point to the lines of backprop to read.
#
# ## 5. Gradient checking in practice
#
# Four notes from practice, each tried on this net.
#
# ### 5a. Remember the regularization term
#
# With L2 regularization the cost is $J = \text{cross-entropy} + \frac{\lambda}{2m}
# \sum_l \lVert W^{[l]} \rVert_F^2$ and backprop adds $\frac{\lambda}{m} W^{[l]}$ to each
# $dW^{[l]}$. The check compares the gradient with the cost *you pass to it*: predict what
# happens when the gradients include the term but the cost does not.

# %% role="experiment"
lambd = 0.7


def forward_with_l2(X, Y, parameters):
    """forward_propagation_n's cost plus the L2 term (lambd / 2m) * sum ||W||^2."""
    cost, cache = forward_propagation_n(X, Y, parameters)
    weights = sum(np.sum(np.square(parameters[f"W{l}"])) for l in (1, 2, 3))
    return cost + lambd / (2 * X.shape[1]) * weights, cache


l2_gradients = dict(gradients)
for l in (1, 2, 3):
    l2_gradients[f"dW{l}"] = gradients[f"dW{l}"] + lambd / X.shape[1] * parameters[f"W{l}"]

print("L2 term in the cost and in backprop:")
checks["L2 in cost and backprop"] = gradient_check_n(
    parameters, l2_gradients, X, Y, print_msg=True, forward=forward_with_l2)[0]
print("L2 term in backprop only (the cost passed to the check forgot it):")
checks["L2 in backprop only"] = gradient_check_n(
    parameters, l2_gradients, X, Y, print_msg=True)[0]

# %% [markdown]
# The same gradients pass against the regularized cost and fail against the plain one: a
# check is only as good as the cost it is given. Include every term of $J$.
#
# ### 5b. Not with dropout
#
# Dropout draws a new random mask on every forward pass, so $J$ is a different function each
# time the check evaluates it. Below, the gradients come from one pass with one mask, and
# every evaluation of $J$ draws a fresh mask. Predict the difference with `keep_prob = 0.8`,
# and with `keep_prob = 1` (no unit is ever dropped).

# %% role="experiment"
def forward_with_dropout(X, Y, parameters, keep_prob, rng):
    """forward_propagation_n with inverted dropout on both hidden layers (masks from rng).
    Returns cost and (cache, masks)."""
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    D1 = rng.random((W1.shape[0], X.shape[1])) < keep_prob
    A1 = relu(W1 @ X + b1) * D1 / keep_prob
    D2 = rng.random((W2.shape[0], X.shape[1])) < keep_prob
    A2 = relu(W2 @ A1 + b2) * D2 / keep_prob
    A3 = sigmoid(W3 @ A2 + b3)
    return compute_cost(A3, Y), (A1, A2, A3, D1, D2)


def backward_with_dropout(X, Y, parameters, cache, keep_prob):
    """Gradients of forward_with_dropout's cost for the masks in its cache."""
    A1, A2, A3, D1, D2 = cache
    m = X.shape[1]
    dZ3 = A3 - Y
    dA2 = parameters["W3"].T @ dZ3 * D2 / keep_prob
    dZ2 = dA2 * (A2 > 0)
    dA1 = parameters["W2"].T @ dZ2 * D1 / keep_prob
    dZ1 = dA1 * (A1 > 0)
    return {"dW3": dZ3 @ A2.T / m, "db3": dZ3.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m,
            "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m}


for keep_prob in (0.8, 1.0):
    rng = np.random.default_rng(0)
    _, dropout_cache = forward_with_dropout(X, Y, parameters, keep_prob, rng)
    dropout_gradients = backward_with_dropout(X, Y, parameters, dropout_cache, keep_prob)
    print(f"keep_prob = {keep_prob}, a fresh mask at every evaluation:")
    checks[f"dropout, keep_prob = {keep_prob}"] = gradient_check_n(
        parameters, dropout_gradients, X, Y, print_msg=True,
        forward=lambda X, Y, p: forward_with_dropout(X, Y, p, keep_prob, rng))[0]

print("keep_prob = 0.8, the same mask at every evaluation:")
checks["dropout, keep_prob = 0.8, mask fixed"] = gradient_check_n(
    parameters, backward_with_dropout(X, Y, parameters, forward_with_dropout(
        X, Y, parameters, 0.8, np.random.default_rng(0))[1], 0.8), X, Y, print_msg=True,
    forward=lambda X, Y, p: forward_with_dropout(X, Y, p, 0.8, np.random.default_rng(0)))[0]

# %% [markdown]
# With fresh masks the check fails although backprop is right; with `keep_prob = 1` it passes,
# and so it does when every evaluation reuses the same mask — the randomness, not the code,
# broke the comparison. In practice: turn dropout off (`keep_prob = 1`), check, then turn it
# back on.
#
# ### 5c. At initialization, and again after some training
#
# Some bugs only show once the parameters have moved away from where they started. Below is a
# backward pass with a subtle one: it decides which ReLUs are active from $W^{[l]} A^{[l-1]}$,
# forgetting the bias. At initialization the biases are zero and this is harmless. Predict the
# check's verdict for it, and for your `backward_propagation_n`, at initialization and after
# some gradient descent.

# %% role="experiment"
from helpers.network import model_backward, model_forward
from helpers.training import train


def backward_ignoring_bias(X, Y, cache):
    """A backward pass whose ReLU masks come from Z - b: right only while every b is zero."""
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    steps = [((X, W1), Z1 - b1), ((A1, W2), Z2 - b2), ((A2, W3), Z3)]
    return model_backward(A3, Y, steps)


start = random_parameters(layers_dims, seed=3)  # biases start at zero
trained, history = train(X, Y, start, learning_rate=0.1, num_iterations=300,
                         forward=model_forward, backward=model_backward,
                         description="training the net")
print(f"cost {history.costs[0]:.3f} -> {history.final_cost:.3f}; largest |b| after training: "
      f"{max(np.abs(trained[f'b{l}']).max() for l in (1, 2, 3)):.2f}")
for when, point in (("at initialization", start), ("after training", trained)):
    _, point_cache = forward_propagation_n(X, Y, point)
    for name, backward in (("your backprop", backward_propagation_n),
                           ("backprop ignoring b", backward_ignoring_bias)):
        print(f"{name}, {when}:")
        checks[f"{name}, {when}"] = gradient_check_n(
            point, backward(X, Y, point_cache), X, Y, print_msg=True)[0]

# %% [markdown]
# Your backward pass passes at both points. The bias-blind one passes at initialization —
# where its bug is invisible — and fails once training has made the biases non-zero. Check at
# the random initialization, and again after a few iterations.
#
# ### 5d. Only to debug, never while training
#
# The check evaluates $J$ twice per parameter, so its cost grows with the number of
# parameters $n$ times the cost of one forward pass, itself proportional to $n$. Backprop gets
# all $n$ gradients for about the price of two forward passes. Predict how the ratio of the two
# costs changes as the hidden layers get wider.

# %% role="experiment"
import time


def seconds(function, repeat=3):
    """The best of ``repeat`` timings of function() (fewer disturbances from other programs)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


timings = []
for width in (4, 8, 16, 32, 48):
    net = random_parameters([4, width, width, 1], seed=0)
    _, net_cache = forward_propagation_n(X, Y, net)
    net_gradients = backward_propagation_n(X, Y, net_cache)
    check_time = seconds(lambda: gradient_check_n(net, net_gradients, X, Y), repeat=1)
    backprop_time = seconds(lambda: backward_propagation_n(X, Y, forward_propagation_n(
        X, Y, net)[1]), repeat=50)
    timings.append({"hidden units": width,
                    "parameters": int(dictionary_to_vector(net)[0].shape[0]),
                    "check time (ms)": check_time * 1e3,
                    "check / backprop": check_time / backprop_time})

ax = plt.subplots(figsize=(6, 4))[1]
ax.loglog([row["parameters"] for row in timings], [row["check / backprop"] for row in timings],
          marker="o", label="gradient check / one forward-backward pass")
ax.set(xlabel="number of parameters n", ylabel="time ratio",
       title="The check's cost grows with the number of parameters")
ax.legend()
print(f"from {timings[0]['parameters']} to {timings[-1]['parameters']} parameters the check "
      f"went from {timings[0]['check / backprop']:.0f} to {timings[-1]['check / backprop']:.0f} "
      "times the cost of one backprop")

# %% role="experiment" tags=["results"]
from helpers.display import ResultsTable

ResultsTable(timings, name="gradient_checking_cost", percent=())

# %% [markdown]
# The ratio grows roughly in proportion to $n$: for a network with millions of parameters, one
# check costs millions of forward passes. Run it once to debug backprop, on a small net or a
# few entries, then switch it off and train.
#
# ## 6. All the checks, side by side

# %% role="experiment" tags=["results"]
ResultsTable([
    {"check": name, "difference": float(value),
     "verdict": "passes" if value < THRESHOLD else "fails"}
    for name, value in checks.items()
], name="gradient_checking", percent=())

# %% [markdown]
# ## What to remember
#
# - Gradient checking compares backprop with the **two-sided** difference
#   $\frac{J(\theta + \varepsilon) - J(\theta - \varepsilon)}{2\varepsilon}$, whose error is
#   $O(\varepsilon^2)$; use $\varepsilon \approx 10^{-7}$.
# - Judge it with the **relative** difference
#   $\lVert g - g_\text{approx} \rVert_2 / (\lVert g \rVert_2 + \lVert g_\text{approx} \rVert_2)$:
#   about $10^{-7}$ is right, above $10^{-3}$ is a bug.
# - Perturb **one entry at a time**, from a fresh copy of $\theta$.
# - When it fails, **look at the components** to find which gradients are wrong.
# - Include the **regularization term** in the cost you check; turn **dropout off**.
# - Check at initialization **and after some training**.
# - It costs two forward passes per parameter: use it **only to debug**, never during training.
