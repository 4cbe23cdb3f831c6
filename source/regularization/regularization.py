# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 2 — Regularization
#
# A network with enough units can fit its training set, mistakes in the labels included. It
# then does better on the examples it learned from than on new ones: it **overfits**, or has
# high variance. Regularization gives up a little accuracy on the training set to do better on
# data the network has never seen. In this assignment you will watch a small network overfit,
# then tame it with **L2 regularization** and with **dropout**, and try two more remedies:
# **early stopping** and **data augmentation**.
#
# **You will implement** `compute_cost_with_regularization`,
# `backward_propagation_with_regularization`, `forward_propagation_with_dropout` and
# `backward_propagation_with_dropout`. Fill in the cells marked `# YOUR CODE HERE`, then run the
# check below each one. The checks explain what went wrong; fix and re-run until they pass.
#
# **Time:** about 60 minutes (each training run takes a few seconds).

# %%
import numpy as np

from helpers.checks.regularization import (check_backward_propagation_with_dropout,
                                           check_backward_propagation_with_regularization,
                                           check_compute_cost_with_regularization,
                                           check_forward_propagation_with_dropout)
from helpers.datasets import load_football
from helpers.network import (accuracy, compute_cost, linear_backward, linear_forward, predict,
                             relu, relu_backward, sigmoid, sigmoid_cross_entropy_backward)
from helpers.notebook import setup_notebook

setup_notebook()  # failed checks in one plain line, and the course's plot colours
train_X, train_Y, test_X, test_Y = load_football()

# %% [markdown]
# ## The data: who wins the header?
#
# A goalkeeper kicks the ball far upfield, and a player of one team or the other heads it. Each
# example is the spot where the ball came down, seen from above: $x_1$ runs along the field from
# the goalkeeper's own goal ($x_1 = -1$) to the opponents' goal ($x_1 = 1$), $x_2$ across it. The
# label is $y = 1$ when the goalkeeper's team won the header and $y = 0$ when the opponents did.
# The coach wants to know where the goalkeeper should aim.
#
# The record is noisy, like any real one: a few headers went the "wrong" way, here and there
# and in a few small clusters. A good model ignores them; a model that chases them has learned
# the noise. There are 200 training and 200 test examples; examples are columns, so `train_X`
# has shape $(2, 200)$.
#
# ## The model
#
# The net is LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with `layers_dims = [2, 20, 3, 1]`,
# trained by full-batch gradient descent (learning rate 0.3, 30,000 iterations) from He
# initialization. Its forward and backward passes are given below, built from the steps in
# `helpers.network`. They pass a **cache** from the forward pass to the backward pass: a dict
# that holds, for each layer $l = 1, 2, 3$,
#
# | key | what | shape |
# |---|---|---|
# | `"Zl"` | the layer's linear output $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$ | $(n_l, m)$ |
# | `"Al"` | the layer's activation $A^{[l]}$, the input of the next layer | $(n_l, m)$ |
# | `"Wl"` | the layer's weights $W^{[l]}$ | $(n_l, n_{l-1})$ |
#
# with $A^{[0]} = X$. Dropout (section 3) adds the masks `"D1"` and `"D2"` to it. Read the two
# functions: every function you write in this assignment changes one of them a little.

# %%
def forward_propagation(X, parameters):
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, without dropout.

    X: (n_x, m). parameters: "W1" (n_1, n_x), "b1" (n_1, 1), "W2" (n_2, n_1), "b2" (n_2, 1),
    "W3" (1, n_2), "b3" (1, 1).
    Returns A3 (1, m), the predicted probabilities, and cache: a dict with "Z1", "A1", "W1",
    "Z2", "A2", "W2", "Z3", "A3", "W3" (Zl and Al of shape (n_l, m)).
    """
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1, _ = linear_forward(X, W1, b1)
    A1 = relu(Z1)
    Z2, _ = linear_forward(A1, W2, b2)
    A2 = relu(Z2)
    Z3, _ = linear_forward(A2, W3, b3)
    A3 = sigmoid(Z3)
    cache = {"Z1": Z1, "A1": A1, "W1": W1, "Z2": Z2, "A2": A2, "W2": W2,
             "Z3": Z3, "A3": A3, "W3": W3}
    return A3, cache


def backward_propagation(X, Y, cache):
    """Gradients of the mean cross-entropy cost of forward_propagation.

    X: (n_x, m); Y: (1, m) labels in {0, 1}; cache: the dict from forward_propagation.
    Returns grads: "dW1", "db1", "dW2", "db2", "dW3", "db3", with the shapes of the
    parameters.
    """
    dZ3 = sigmoid_cross_entropy_backward(cache["A3"], Y)            # (1, m)
    dA2, dW3, db3 = linear_backward(dZ3, (cache["A2"], cache["W3"]))
    dZ2 = relu_backward(dA2, cache["Z2"])                             # (n_2, m)
    dA1, dW2, db2 = linear_backward(dZ2, (cache["A1"], cache["W2"]))
    dZ1 = relu_backward(dA1, cache["Z1"])                             # (n_1, m)
    _, dW1, db1 = linear_backward(dZ1, (X, cache["W1"]))
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


# %% role="experiment"
import matplotlib.pyplot as plt

from helpers.display import ResultsTable
from helpers.network import model_forward
from helpers.plots import colour_for, plot_costs, plot_dataset, plot_decision_boundary, plot_grid
from helpers.training import train

layers_dims = [2, 20, 3, 1]
learning_rate = 0.3
num_iterations = 30_000


def initialize_parameters(layers_dims, seed=1):
    """He initialization (Assignment 1): W^[l] ~ N(0, 1) * sqrt(2 / n_{l-1}), b^[l] = 0."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = (rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
                               * np.sqrt(2 / layers_dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


def show_accuracies(name, parameters):
    """Print the train and test accuracy of a trained net; returns them."""
    train_accuracy = accuracy(train_X, train_Y, parameters)
    test_accuracy = accuracy(test_X, test_Y, parameters)
    print(f"{name}: train accuracy {train_accuracy:.1%}, test accuracy {test_accuracy:.1%}")
    return train_accuracy, test_accuracy


print(f"train_X {train_X.shape}, train_Y {train_Y.shape}, test_X {test_X.shape}")
plot_dataset(train_X, train_Y, title="Training set: where the ball came down");

# %% [markdown]
# ## 1. The problem: overfitting
#
# **Experiment.** Train the net without any regularization. Before you run it, predict: will
# the training accuracy be higher or lower than the test accuracy? What will the boundary do
# near the clusters of "wrong" labels?

# %% role="experiment"
runs = {}  # name -> (trained parameters, cost history)
runs["no regularization"] = train(train_X, train_Y, initialize_parameters(layers_dims),
                                  learning_rate=learning_rate, num_iterations=num_iterations,
                                  description="no regularization")
show_accuracies("no regularization", runs["no regularization"][0])
plot_decision_boundary(lambda points: predict(points, runs["no regularization"][0]),
                       train_X, train_Y, title="No regularization");

# %% [markdown]
# The training accuracy is higher than the test accuracy, and the boundary grows thin
# peninsulas and islands around the clusters of noisy labels: the net has spent its capacity
# on the noise of this particular training set. Those bends do not exist in new data, so they
# cost accuracy on the test set.
#
# ## 2. L2 regularization
#
# **Goal.** Make large weights expensive, so that the net can only bend its boundary where many
# examples ask it to.
#
# **The math.** Add to the cross-entropy cost the squared Frobenius norm of every weight matrix
# (the sum of the squares of all its entries), scaled by $\frac{\lambda}{2m}$:
#
# $$J_{\text{regularized}} = \underbrace{-\frac{1}{m} \sum_{i=1}^{m} \Big(y^{(i)}
# \log a^{[3](i)} + (1 - y^{(i)}) \log\big(1 - a^{[3](i)}\big)\Big)}_{\text{cross-entropy}}
# + \underbrace{\frac{\lambda}{2m} \sum_{l=1}^{3} \big\lVert W^{[l]} \big\rVert_F^2}_{\text{L2
# regularization}}, \qquad \big\lVert W \big\rVert_F^2 = \sum_k \sum_j W_{kj}^2.$$
#
# The biases are left out: there are few of them, and penalizing them changes almost nothing.
# `lambda` is a Python keyword, so the code calls $\lambda$ `lambd`.
#
# **Implement** `compute_cost_with_regularization` (about 2 lines). The cross-entropy part is
# already computed with the given `compute_cost`; for the penalty, `np.sum(np.square(W1))` is
# $\lVert W^{[1]} \rVert_F^2$.

# %% role="solution" grade_id="compute_cost_with_regularization"
def compute_cost_with_regularization(A3, Y, parameters, lambd):
    """The cross-entropy cost plus the L2 penalty (lambd / 2m) * sum_l ||W^[l]||_F^2.

    A3: (1, m) predicted probabilities; Y: (1, m) labels in {0, 1}.
    parameters: "W1", "b1", "W2", "b2", "W3", "b3" (only the W's are penalized).
    lambd: float, the regularization strength lambda.
    Returns cost: a float.
    """
    m = Y.shape[1]
    cross_entropy_cost = compute_cost(A3, Y)
    ### BEGIN SOLUTION
    squared_norms = sum(np.sum(np.square(parameters[f"W{l}"])) for l in (1, 2, 3))
    L2_regularization_cost = lambd / (2 * m) * squared_norms
    ### END SOLUTION
    return cross_entropy_cost + L2_regularization_cost


# %% role="test" grade_id="test_compute_cost_with_regularization" points=2
check_compute_cost_with_regularization(compute_cost_with_regularization)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("regularization", "test_compute_cost_with_regularization", globals())
### END HIDDEN TESTS

# %% [markdown]
# **The gradient.** The penalty depends on the weights only, so backpropagation changes in one
# place: each $dW^{[l]}$ gets the derivative of the penalty,
#
# $$\frac{\partial}{\partial W^{[l]}} \left( \frac{\lambda}{2m} \big\lVert W^{[l]}
# \big\rVert_F^2 \right) = \frac{\lambda}{m} W^{[l]}, \qquad
# dW^{[l]} = dW^{[l]}_{\text{cross-entropy}} + \frac{\lambda}{m} W^{[l]}.$$
#
# The $db^{[l]}$ stay as they are.
#
# **Implement** `backward_propagation_with_regularization` (about 2 lines): start from the
# gradients of the given `backward_propagation` and add the term to `"dW1"`, `"dW2"` and
# `"dW3"`. The cache holds the weights as `cache["W1"]`, ….

# %% role="solution" grade_id="backward_propagation_with_regularization"
def backward_propagation_with_regularization(X, Y, cache, lambd):
    """Gradients of compute_cost_with_regularization for the net of forward_propagation.

    X: (n_x, m); Y: (1, m) labels in {0, 1}; cache: the dict from forward_propagation.
    lambd: float, the regularization strength lambda.
    Returns grads: "dW1", "db1", "dW2", "db2", "dW3", "db3", with the shapes of the
    parameters.
    """
    m = X.shape[1]
    grads = backward_propagation(X, Y, cache)  # the gradients of the cross-entropy alone
    ### BEGIN SOLUTION
    for l in (1, 2, 3):
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * cache[f"W{l}"]
    ### END SOLUTION
    return grads


# %% role="test" grade_id="test_backward_propagation_with_regularization" points=2
check_backward_propagation_with_regularization(backward_propagation_with_regularization,
                                               forward_propagation)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("regularization", "test_backward_propagation_with_regularization", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Train the same net from the same starting weights with $\lambda = 0.7$.
# The training loop `helpers.training.train` takes the forward pass, the backward pass and the
# cost as arguments. Predict: which of the two accuracies will go down, and which up? What will
# the boundary look like near the noisy clusters?

# %% role="experiment"
def train_with_l2(lambd, description):
    """Train the net with L2 regularization; returns (parameters, History)."""
    current = {}  # train() hands the cost only A3 and Y; the penalty also needs the weights

    def forward(X, parameters):
        current["parameters"] = parameters
        return forward_propagation(X, parameters)

    return train(train_X, train_Y, initialize_parameters(layers_dims),
                 learning_rate=learning_rate, num_iterations=num_iterations, forward=forward,
                 backward=lambda A3, Y, cache: backward_propagation_with_regularization(
                     train_X, Y, cache, lambd),
                 cost=lambda A3, Y: compute_cost_with_regularization(
                     A3, Y, current["parameters"], lambd),
                 description=description)


runs["L2, lambda = 0.7"] = train_with_l2(0.7, "L2, lambda = 0.7")
show_accuracies("L2, lambda = 0.7", runs["L2, lambda = 0.7"][0])
plot_decision_boundary(lambda points: predict(points, runs["L2, lambda = 0.7"][0]),
                       train_X, train_Y, title="L2 regularization, $\\lambda$ = 0.7");

# %% [markdown]
# The boundary is smooth now: it no longer reaches for the noisy clusters, so it misclassifies
# a few more training examples and generalizes better.
#
# **Why small weights mean a simpler function.** Look at the update that gradient descent
# makes with the penalty:
#
# $$W^{[l]} := W^{[l]} - \alpha \Big( dW^{[l]}_{\text{cross-entropy}} + \frac{\lambda}{m}
# W^{[l]} \Big) = \Big(1 - \frac{\alpha \lambda}{m}\Big) W^{[l]} - \alpha \,
# dW^{[l]}_{\text{cross-entropy}}.$$
#
# Every step first shrinks the weights by a constant factor slightly below 1, hence L2's other
# name, **weight decay**. Only a gradient that keeps pushing can hold a weight large. A net with
# small weights changes its output slowly as the input moves, so it cannot carve a small island
# around a few points. Compare the weights of the two nets:

# %% role="experiment"
for name in ("no regularization", "L2, lambda = 0.7"):
    norms = [np.linalg.norm(runs[name][0][f"W{l}"]) for l in (1, 2, 3)]
    print(f"{name:18s} ||W1||_F = {norms[0]:6.2f}   ||W2||_F = {norms[1]:6.2f}   "
          f"||W3||_F = {norms[2]:6.2f}")

# %% [markdown]
# The regularized weights are much smaller. They are also about equal from layer to layer:
# with ReLU, multiplying one layer's weights by $c > 0$ and the next layer's by $1/c$ hardly
# changes the function, and the penalty is lowest when the norms are balanced.
#
# **L1 instead of L2.** The penalty $\frac{\lambda}{m} \sum |W_{kj}|$ has the gradient
# $\frac{\lambda}{m} \operatorname{sign}(W)$: a constant push towards zero, whatever the
# weight's size, so many weights end up exactly zero (a *sparse* net). L2 pushes in proportion
# to the weight and rarely zeroes it. L2 is the usual choice for neural networks.
#
# **How much?** $\lambda$ is a hyperparameter, tuned on a dev set. Predict what happens to the
# *training* accuracy as $\lambda$ grows, and what happens to the test accuracy.

# %% role="experiment"
lambdas = [0.0, 0.7, 3.0]
sweep = {0.0: runs["no regularization"], 0.7: runs["L2, lambda = 0.7"]}
for lambd in lambdas:
    if lambd not in sweep:
        sweep[lambd] = train_with_l2(lambd, f"L2, lambda = {lambd}")

figure, axes = plot_grid(len(lambdas) + 1, ncols=2)
for ax, lambd in zip(axes, lambdas):
    plot_decision_boundary(lambda points, p=sweep[lambd][0]: predict(points, p),
                           train_X, train_Y, ax=ax, title=f"$\\lambda$ = {lambd}")
ax = axes[-1]
positions = range(len(lambdas))
ax.plot(positions, [accuracy(train_X, train_Y, sweep[l][0]) for l in lambdas], marker="o",
        color=colour_for(0), label="train")
ax.plot(positions, [accuracy(test_X, test_Y, sweep[l][0]) for l in lambdas], marker="o",
        color=colour_for(1), label="test")
ax.set(xticks=list(positions), xticklabels=[str(l) for l in lambdas], xlabel="$\\lambda$",
       ylabel="accuracy", title="Accuracy against $\\lambda$")
ax.legend();

# %% role="experiment" tags=["results"]
ResultsTable([{"lambda": lambd,
               "train accuracy": accuracy(train_X, train_Y, sweep[lambd][0]),
               "test accuracy": accuracy(test_X, test_Y, sweep[lambd][0]),
               "final cost": sweep[lambd][1].final_cost} for lambd in lambdas],
             name="lambda_sweep", percent=["train accuracy", "test accuracy"])

# %% [markdown]
# With $\lambda = 0$ the net overfits (high variance): a gap between train and test. A moderate
# $\lambda$ closes the gap. With the largest $\lambda$ the penalty wins: the weights are so
# small that the boundary is nearly straight, and *both* accuracies drop — the net now
# underfits (high bias). Tuning $\lambda$ moves the net between the two.
#
# **What to remember:** L2 regularization adds $\frac{\lambda}{2m} \sum_l \lVert W^{[l]}
# \rVert_F^2$ to the cost and $\frac{\lambda}{m} W^{[l]}$ to each $dW^{[l]}$; it shrinks the
# weights at every step (weight decay) and smooths the boundary. Too small a $\lambda$ leaves
# high variance, too large a one creates high bias.
#
# ## 3. Dropout
#
# **Goal.** At every training step, switch off a random subset of the hidden units, so that no
# unit can rely on any particular other unit: each must be useful on its own, and the net
# spreads its weights out (an effect much like L2's).
#
# **The math: inverted dropout.** On each hidden layer $l = 1, 2$ (never on the input $X$ and
# never on the output $A^{[3]}$), with a probability `keep_prob` of keeping each unit:
#
# 1. draw $U^{[l]}$ uniform on $[0, 1)$ with the shape of $A^{[l]}$, $(n_l, m)$: a different
#    mask for every unit *and* every example;
# 2. keep a unit where $U^{[l]} <$ `keep_prob`: $D^{[l]} = \big(U^{[l]} < \mathtt{keep\_prob}\big)$;
# 3. shut the others off: $A^{[l]} := A^{[l]} \odot D^{[l]}$;
# 4. scale up the survivors: $A^{[l]} := A^{[l]} \,/\, \mathtt{keep\_prob}$.
#
# Step 4 is what makes it *inverted* dropout: the expected value of
# $A^{[l]} \odot D^{[l]} / \mathtt{keep\_prob}$ is $A^{[l]}$, so the next layer sees inputs of
# the usual size, and at test time the net runs as it is, with nothing to undo.
#
# **Implement** `forward_propagation_with_dropout` (about 8 lines): `forward_propagation` with
# steps 1–4 after each ReLU. Draw each mask from the generator argument, e.g.
# `rng.random(A1.shape)`; never from `np.random` directly. Store the masks in the cache as
# `D1` and `D2`, and store `A1` and `A2` *after* dropout, as the next layer sees them.

# %% role="solution" grade_id="forward_propagation_with_dropout"
def forward_propagation_with_dropout(X, parameters, keep_prob, rng):
    """forward_propagation with inverted dropout on the two hidden layers.

    X: (n_x, m). parameters: "W1", "b1", "W2", "b2", "W3", "b3" as in forward_propagation.
    keep_prob: float in (0, 1], the probability of keeping a hidden unit.
    rng: numpy.random.Generator, the only source of randomness (the masks).
    Returns A3 (1, m), and cache: forward_propagation's dict plus "D1" (n_1, m) and
    "D2" (n_2, m), the masks (True or 1 where a unit is kept); "A1" and "A2" are the
    activations after dropout.
    """
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    ### BEGIN SOLUTION
    Z1, _ = linear_forward(X, W1, b1)
    A1 = relu(Z1)
    D1 = rng.random(A1.shape) < keep_prob   # keep each unit of each example with keep_prob
    A1 = A1 * D1 / keep_prob                # shut the others off, scale up the survivors
    Z2, _ = linear_forward(A1, W2, b2)
    A2 = relu(Z2)
    D2 = rng.random(A2.shape) < keep_prob
    A2 = A2 * D2 / keep_prob
    Z3, _ = linear_forward(A2, W3, b3)
    A3 = sigmoid(Z3)                        # no dropout on the output
    ### END SOLUTION
    cache = {"Z1": Z1, "D1": D1, "A1": A1, "W1": W1, "Z2": Z2, "D2": D2, "A2": A2, "W2": W2,
             "Z3": Z3, "A3": A3, "W3": W3}
    return A3, cache


# %% role="test" grade_id="test_forward_propagation_with_dropout" points=3
check_forward_propagation_with_dropout(forward_propagation_with_dropout)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("regularization", "test_forward_propagation_with_dropout", globals())
### END HIDDEN TESTS

# %% [markdown]
# **The backward pass.** A dropped unit took no part in the forward pass, so it gets no
# gradient; a kept one was multiplied by $1 / \mathtt{keep\_prob}$, so its gradient is too.
# Right after computing $dA^{[l]}$ for a hidden layer, apply the *same* mask and the same
# scaling as the forward pass:
#
# $$dA^{[l]} := dA^{[l]} \odot D^{[l]} \,/\, \mathtt{keep\_prob}, \qquad l = 2, 1.$$
#
# The masks come from the cache; the backward pass draws nothing.
#
# **Implement** `backward_propagation_with_dropout` (about 7 lines): `backward_propagation`
# with these two lines added.

# %% role="solution" grade_id="backward_propagation_with_dropout"
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Gradients of the cross-entropy cost of forward_propagation_with_dropout, for the masks
    in its cache.

    X: (n_x, m); Y: (1, m) labels in {0, 1}; cache: the dict from
    forward_propagation_with_dropout (with the masks "D1" and "D2").
    keep_prob: float, the same as in the forward pass.
    Returns grads: "dW1", "db1", "dW2", "db2", "dW3", "db3", with the shapes of the
    parameters.
    """
    dZ3 = sigmoid_cross_entropy_backward(cache["A3"], Y)            # (1, m)
    ### BEGIN SOLUTION
    dA2, dW3, db3 = linear_backward(dZ3, (cache["A2"], cache["W3"]))
    dA2 = dA2 * cache["D2"] / keep_prob     # the units dropped in the forward pass get nothing
    dZ2 = relu_backward(dA2, cache["Z2"])
    dA1, dW2, db2 = linear_backward(dZ2, (cache["A1"], cache["W2"]))
    dA1 = dA1 * cache["D1"] / keep_prob
    dZ1 = relu_backward(dA1, cache["Z1"])
    _, dW1, db1 = linear_backward(dZ1, (X, cache["W1"]))
    ### END SOLUTION
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


# %% role="test" grade_id="test_backward_propagation_with_dropout" points=3
check_backward_propagation_with_dropout(backward_propagation_with_dropout,
                                        forward_propagation_with_dropout)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("regularization", "test_backward_propagation_with_dropout", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Train the net with `keep_prob = 0.86`: at each step every hidden unit is
# switched off with probability 0.14, afresh. Predict: will the recorded cost go down as
# smoothly as before? How will the boundary and the two accuracies compare with no
# regularization?

# %% role="experiment"
def train_with_dropout(keep_prob, description, seed=0):
    """Train the net with inverted dropout (new masks at every step, drawn from one generator
    made from ``seed``); returns (parameters, History)."""
    rng = np.random.default_rng(seed)
    return train(train_X, train_Y, initialize_parameters(layers_dims),
                 learning_rate=learning_rate, num_iterations=num_iterations,
                 forward=lambda X, parameters: forward_propagation_with_dropout(
                     X, parameters, keep_prob, rng),
                 backward=lambda A3, Y, cache: backward_propagation_with_dropout(
                     train_X, Y, cache, keep_prob),
                 description=description)


keep_prob = 0.86
runs["dropout, keep_prob = 0.86"] = train_with_dropout(keep_prob, "dropout, keep_prob = 0.86")
show_accuracies("dropout, keep_prob = 0.86", runs["dropout, keep_prob = 0.86"][0])
plot_decision_boundary(lambda points: predict(points, runs["dropout, keep_prob = 0.86"][0]),
                       train_X, train_Y, title="Dropout, keep_prob = 0.86");

# %% [markdown]
# The cost recorded during training is the cost of a *different* thinned net at every step,
# so it is noisy (see section 4), and it is no longer a clean measure of progress: check that
# training works with `keep_prob = 1` first, then switch dropout on.
#
# **Never at prediction time.** The predictions above use `predict`, the plain forward pass:
# dropout is part of training only. Predict what would happen if the test set went through
# `forward_propagation_with_dropout` instead — five times, with five sets of masks.

# %% role="experiment"
dropout_parameters = runs["dropout, keep_prob = 0.86"][0]
prediction_rng = np.random.default_rng(1)


def predict_with_dropout(X, parameters):
    """The WRONG way to predict: labels from a forward pass with dropout left on."""
    A3, _ = forward_propagation_with_dropout(X, parameters, keep_prob, prediction_rng)
    return (A3 > 0.5).astype(int)


draws = [predict_with_dropout(test_X, dropout_parameters) for _ in range(5)]
print(f"test accuracy without dropout at prediction: "
      f"{accuracy(test_X, test_Y, dropout_parameters):.1%}")
print("test accuracy with dropout left on, five draws:",
      ", ".join(f"{np.mean(labels == test_Y):.1%}" for labels in draws))
changed = np.mean(np.any([labels != draws[0] for labels in draws[1:]], axis=0))
print(f"test examples whose prediction changes between the draws: {changed:.1%}")
plot_decision_boundary(lambda points: predict_with_dropout(points, dropout_parameters),
                       train_X, train_Y, title="Dropout left on at prediction (wrong)");

# %% [markdown]
# With dropout left on, the same example can get different answers on different runs, and the
# accuracy is usually lower: each run asks a randomly damaged net. The boundary is speckled
# because every point of the picture got its own masks. The full net, with no unit dropped,
# stands in for the average of all those thinned nets, and inverted dropout already did the
# scaling that makes this work during training: predict with the plain forward pass.
#
# **What to remember:** inverted dropout draws a new mask $D^{[l]} = (U^{[l]} <
# \mathtt{keep\_prob})$ for every hidden unit and every example at every step, multiplies
# $A^{[l]}$ by it and divides by `keep_prob`; backpropagation applies the same mask and the same
# scaling to $dA^{[l]}$. Never on the input or output layer, and never at prediction time.
#
# ## 4. Side by side
#
# Predict the order of the three nets on test accuracy, and on the gap between train and test
# accuracy, before you look.

# %% role="experiment"
plot_costs({name: history for name, (_, history) in runs.items()},
           title="Cost during training (the cost each run minimizes)")
figure, axes = plot_grid(len(runs))
for ax, (name, (parameters, _)) in zip(axes, runs.items()):
    plot_decision_boundary(lambda points, p=parameters: predict(points, p), train_X, train_Y,
                           ax=ax, title=name)

# %% role="experiment" tags=["results"]
results = ResultsTable([
    {"model": name,
     "train accuracy": accuracy(train_X, train_Y, parameters),
     "test accuracy": accuracy(test_X, test_Y, parameters),
     "final cost": history.final_cost}
    for name, (parameters, history) in runs.items()
], name="regularization", percent=["train accuracy", "test accuracy"])
results

# %% [markdown]
# Both regularized nets give up some training accuracy and gain test accuracy: the gap between
# the two shrinks. (The costs are not comparable across rows: L2's includes the penalty, and
# dropout's is measured on a thinned net.)
#
# ## 5. Early stopping
#
# **Goal.** Watch the cost on a dev set during training and keep the weights from the
# iteration where it was lowest.
#
# A dev set must not be the test set, so take half of the test examples as a dev set and keep
# the other half to measure the result. Train the unregularized net again for 10,000
# iterations, recording the dev cost every 100 iterations. Predict: will the dev cost keep
# falling with the training cost?

# %% role="experiment"
dev_X, dev_Y = test_X[:, :100], test_Y[:, :100]
held_out_X, held_out_Y = test_X[:, 100:], test_Y[:, 100:]
dev_costs = {}  # iteration -> dev cost
best = {"cost": np.inf}


def watch_dev_cost(iteration, parameters):
    """Record the dev cost; keep a copy of the weights whenever it is the lowest so far."""
    A3, _ = model_forward(dev_X, parameters)
    dev_costs[iteration] = compute_cost(A3, dev_Y)
    if dev_costs[iteration] < best["cost"]:
        best.update(cost=dev_costs[iteration], iteration=iteration,
                    parameters={key: value.copy() for key, value in parameters.items()})


_, early_history = train(train_X, train_Y, initialize_parameters(layers_dims),
                         learning_rate=learning_rate, num_iterations=10_000,
                         on_record=watch_dev_cost, description="early stopping")

ax = plt.subplots(figsize=(7, 4))[1]
ax.plot(early_history.iterations, early_history.costs, color=colour_for(0), label="train cost")
ax.plot(list(dev_costs), list(dev_costs.values()), color=colour_for(1), label="dev cost")
ax.axvline(best["iteration"], color="k", ls="--", lw=1)
ax.plot([best["iteration"]], [best["cost"]], marker="o", color="k",
        label=f"lowest dev cost (iteration {best['iteration']})")
ax.set(xlabel="iteration", ylabel="cost", title="Early stopping: train and dev cost")
ax.legend();

# %% role="experiment" tags=["results"]
ResultsTable([
    {"weights": name, "iterations": iterations,
     "train accuracy": accuracy(train_X, train_Y, parameters),
     "held-out accuracy": accuracy(held_out_X, held_out_Y, parameters)}
    for name, iterations, parameters in (
        ("stopped early", best["iteration"], best["parameters"]),
        ("trained to the end", num_iterations, runs["no regularization"][0]))
], name="early_stopping", percent=["train accuracy", "held-out accuracy"])

# %% [markdown]
# The training cost falls throughout; the dev cost falls at first, reaches its lowest point
# early and then climbs as the net starts to fit the noise. The weights from that point do
# better on the held-out examples than the weights trained to the end.
#
# Early stopping is cheap — one training run, no $\lambda$ to search — but it has a drawback.
# Orthogonalization keeps two jobs apart, each with its own knobs: *optimize the cost $J$* (a
# better optimizer, longer training) and *do not overfit* (regularization, more data). Early
# stopping turns one knob for both jobs: it stops optimizing $J$ in order to avoid overfitting,
# so you can no longer push either one without disturbing the other. With L2 you can train as
# long as you like and tune $\lambda$ on its own, at the price of trying several values.
#
# **What to remember:** early stopping keeps the weights from the iteration with the lowest dev
# cost; it regularizes by stopping the optimization, which couples the two jobs that
# orthogonalization keeps separate.
#
# ## 6. Data augmentation
#
# **Goal.** More training data reduces variance, but new data is often expensive. Sometimes you
# can make plausible new examples from the ones you have: flipped or slightly distorted images
# of cats are still cats.
#
# Here, the field is symmetric: a ball that lands at $(x_1, -x_2)$, the mirror image across the
# field's long axis, has the same winner as one at $(x_1, x_2)$. And a ball that lands a few
# centimetres away has the same winner too. So add to the training set a mirrored copy of
# every example, nudged by a little Gaussian noise (standard deviation 0.05), with the same
# label.

# %% role="experiment"
augmentation_rng = np.random.default_rng(0)
mirrored_X = train_X * np.array([[1.0], [-1.0]])  # (x1, x2) -> (x1, -x2)
jittered_X = mirrored_X + augmentation_rng.normal(0.0, 0.05, size=train_X.shape)
augmented_X = np.concatenate([train_X, jittered_X], axis=1)  # (2, 400)
augmented_Y = np.concatenate([train_Y, train_Y], axis=1)     # (1, 400)
print(f"augmented training set: augmented_X {augmented_X.shape}, augmented_Y {augmented_Y.shape}")
figure, axes = plot_grid(2, ncols=2)
plot_dataset(train_X, train_Y, ax=axes[0], title="Training set")
plot_dataset(augmented_X, augmented_Y, ax=axes[1], title="With mirrored, jittered copies");

# %% [markdown]
# **Experiment.** Train the unregularized net on the augmented set. Predict: will it still
# bend around the noisy clusters, now that each cluster's mirror image lands among correctly
# labelled examples?

# %% role="experiment"
augmented_parameters, augmented_history = train(
    augmented_X, augmented_Y, initialize_parameters(layers_dims), learning_rate=learning_rate,
    num_iterations=num_iterations, description="data augmentation")
plot_decision_boundary(lambda points: predict(points, augmented_parameters), train_X, train_Y,
                       title="No regularization, augmented training set");

# %% role="experiment" tags=["results"]
ResultsTable([
    {"training set": name,
     "train accuracy (original examples)": accuracy(train_X, train_Y, parameters),
     "test accuracy": accuracy(test_X, test_Y, parameters)}
    for name, parameters in (("original", runs["no regularization"][0]),
                             ("augmented", augmented_parameters))
], name="augmentation")

# %% [markdown]
# Each noisy cluster now has a mirrored, correctly labelled neighbourhood in the training set,
# so the noise is outvoted; compare the test accuracy with the unregularized net's. Augmentation
# only helps when the transformation really keeps the label: mirroring across the *short* axis
# of this field would swap the two teams' halves and teach the net wrong answers.
#
# ## What to remember
#
# - **Overfitting** (high variance) shows as a training accuracy well above the dev or test
#   accuracy, and a boundary that bends around individual examples.
# - **L2 regularization** adds $\frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert_F^2$ to the cost
#   and $\frac{\lambda}{m} W^{[l]}$ to each $dW^{[l]}$ (weight decay); tune $\lambda$ between
#   high variance (too small) and high bias (too large).
# - **Dropout** randomly switches off hidden units during training, with the same masks in the
#   forward and backward pass and the survivors scaled by $1 / \mathtt{keep\_prob}$; it is never
#   used at prediction time.
# - **Early stopping** keeps the weights with the lowest dev cost; simple, but it couples
#   optimizing the cost with not overfitting.
# - **Data augmentation** makes new examples with transformations that keep the label.
