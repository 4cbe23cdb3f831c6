# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 5 — Batch normalization, softmax, and hyperparameter search
#
# Three tools that make a deep net easier to train and to tune. **Softmax** turns the last layer
# into $C$ class probabilities, so one net can tell three (or a thousand) classes apart.
# **Batch normalization** re-centres and re-scales every hidden layer's pre-activations on each
# mini-batch, which lets gradient descent use larger learning rates and care much less about the
# initial weights. **Random search on a log scale** finds a good learning rate with fewer
# training runs than a grid.
#
# Everything stays in NumPy: you write the forward and backward passes yourself, and the given
# network code in `helpers.bn_network` calls your functions.
#
# **You will implement** `softmax`, `compute_softmax_cost`, `softmax_backward`,
# `batchnorm_forward`, `batchnorm_backward`, `sample_log_uniform` and `sample_beta`. Fill in the
# cells marked `# YOUR CODE HERE`, then run the check below each one; fix and re-run until it
# passes.
#
# **Time:** about 90 minutes.

# %%
import numpy as np

from helpers.bn_network import one_hot
from helpers.checks.batchnorm_softmax import (check_batchnorm_backward, check_batchnorm_forward,
                                              check_compute_softmax_cost, check_sample_beta,
                                              check_sample_log_uniform, check_softmax,
                                              check_softmax_backward)
from helpers.datasets import load_spirals
from helpers.notebook import setup_notebook

setup_notebook()  # failed checks in one plain line, and the course's plot colours
C = 3  # number of classes
X, labels, test_X, test_labels = load_spirals()
# The last 256 training examples are a dev set for choosing hyperparameters; the test set is
# only looked at to report results.
train_X, train_labels = X[:, :768], labels[:, :768]
dev_X, dev_labels = X[:, 768:], labels[:, 768:]
train_Y, dev_Y, test_Y = (one_hot(y, C) for y in (train_labels, dev_labels, test_labels))

# %% [markdown]
# ## The data
#
# Three spiral arms wind out of the origin, one class per arm. Each example is a point
# $x \in \mathbb{R}^2$ (a column of `train_X`, shape $(2, 768)$). Its label is stored two ways:
# `train_labels` $(1, m)$ holds the class number $0, 1, 2$, and `train_Y` $(C, m)$ is its
# **one-hot** form: column $i$ has a 1 in the row of example $i$'s class and 0 elsewhere. The
# classes are on axis 0, the examples on axis 1, as everywhere in the course.
#
# No straight line separates the arms: it takes a net with several hidden layers, trained for
# several epochs of mini-batch gradient descent.

# %% role="experiment"
import copy

import matplotlib.pyplot as plt

from helpers.bn_network import (class_accuracy, initialize_bn_states, initialize_softmax_net,
                                predict_classes, softmax_model_backward, softmax_model_forward)
from helpers.display import ResultsTable
from helpers.network import linear_backward, sigmoid, sigmoid_cross_entropy_backward
from helpers.plots import colour_for, plot_class_regions, plot_classes
from helpers.training import train_mini_batches

print(f"train_X {train_X.shape}, dev_X {dev_X.shape}, test_X {test_X.shape}")
print("one-hot labels of the first 4 training examples:\n", train_Y[:, :4],
      "\nfor the classes", train_labels[0, :4])
plot_classes(train_X, train_labels, title="Training set: three spirals");

# %% [markdown]
# ## 1. Softmax
#
# **Goal.** Turn the last layer's $C$ numbers $z^{[L]}$ (the *logits*) of each example into
# probabilities that are positive and sum to 1.
#
# **The math.** For one example (one column $z$ of $Z^{[L]}$, shape $(C, m)$):
#
# $$\hat y_j = \frac{e^{z_j}}{\sum_{k=1}^{C} e^{z_k}}, \qquad j = 1, \dots, C.$$
#
# The sum runs over the **classes**, so over axis 0, separately for each column. Computed as
# written, $e^{1000}$ overflows to `inf` and the result is `nan`. Subtracting any constant $c$
# from a column leaves its softmax unchanged ($e^{z_j - c} / \sum_k e^{z_k - c}$: the $e^{-c}$
# cancels), so subtract each column's **largest** logit first: the exponents are then at most
# $0$, nothing overflows, and the largest term is $e^0 = 1$, so the sum never underflows to 0.
#
# The name contrasts with **hardmax**, which puts a 1 on the largest logit and 0 elsewhere;
# softmax is its smooth version, and it has a gradient.
#
# **Implement** `softmax` (about 3 lines): `keepdims=True` keeps the column max and sum as
# $(1, m)$ rows that broadcast against $Z$.

# %% role="solution" grade_id="softmax"
def softmax(Z):
    """Softmax of every column of Z, computed stably.

    Z: (C, m) logits, one column per example.
    Returns A: (C, m) probabilities; every column is positive and sums to 1.
    """
    ### BEGIN SOLUTION
    shifted = Z - np.max(Z, axis=0, keepdims=True)  # (C, m), every column's max is now 0
    exponentials = np.exp(shifted)
    A = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    ### END SOLUTION
    return A


# %% role="test" grade_id="test_softmax" points=1
check_softmax(softmax)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_softmax", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: what does softmax give for the logits $(5, 2, -1, 3)$ compared with
# hardmax, and what happens to the probabilities when every logit is multiplied by 10?

# %% role="experiment"
z = np.array([[5.0], [2.0], [-1.0], [3.0]])
hardmax = (z == z.max(axis=0)).astype(float)
for label, values in (("logits", z), ("hardmax", hardmax), ("softmax", softmax(z)),
                      ("softmax of 10 z", softmax(10 * z)),
                      ("softmax of z + 1000", softmax(z + 1000))):
    print(f"{label:>20}: {np.round(values.ravel(), 4)}")

# %% [markdown]
# Softmax keeps the order of the logits and gives every class some probability; scaling the
# logits up pushes it towards hardmax. Adding 1000 to every logit changes nothing, and nothing
# overflows.
#
# ## 2. The cost
#
# **Goal.** Measure how much probability the net gives the right class, over a batch of $m$
# examples.
#
# **The math.** With $Y$ one-hot $(C, m)$ and $\hat Y = A^{[L]}$ $(C, m)$, the loss of example
# $i$ is $-\sum_{j=1}^{C} y_{ji} \log \hat y_{ji}$: only the true class's row contributes, so it
# is $-\log$ (the probability of the right class). The cost is the mean over the examples:
#
# $$J = -\frac{1}{m} \sum_{i=1}^{m} \sum_{j=1}^{C} y_{ji} \log \hat y_{ji}.$$
#
# With $C = 2$ this is the binary cross-entropy of the earlier assignments.
#
# **Implement** `compute_softmax_cost` (about 2 lines). Divide by $m$ (the examples, axis 1),
# not by $C$, and return a Python float.

# %% role="solution" grade_id="compute_softmax_cost"
def compute_softmax_cost(AL, Y):
    """Mean cross-entropy of softmax outputs.

    AL: (C, m) probabilities (columns sum to 1). Y: (C, m) one-hot labels.
    Returns the cost J, a float.
    """
    m = Y.shape[1]
    ### BEGIN SOLUTION
    cost = -np.sum(Y * np.log(AL)) / m
    ### END SOLUTION
    return float(cost)


# %% role="test" grade_id="test_compute_softmax_cost" points=1
check_compute_softmax_cost(compute_softmax_cost)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_compute_softmax_cost", globals())
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The gradient at the output
#
# **Goal.** Start backpropagation: the gradient of the loss with respect to the logits.
#
# **The math.** Softmax and the cross-entropy together have the simplest gradient there is:
#
# $$dZ^{[L]} = \hat Y - Y.$$
#
# (For the true class $j$: $\partial(-\log \hat y_j)/\partial z_j = \hat y_j - 1$; for every
# other class $k$: $\hat y_k - 0$.) As everywhere in this course, $dZ$ is **per example**: no
# $1/m$ here. The $1/m$ of the mean cost is applied once, in `linear_backward`, when it
# computes $dW^{[L]} = \frac{1}{m} dZ^{[L]} A^{[L-1]T}$.
#
# **Implement** `softmax_backward` (1 line).

# %% role="solution" grade_id="softmax_backward"
def softmax_backward(AL, Y):
    """Per-example gradient of the cross-entropy loss with respect to the softmax's input.

    AL: (C, m) softmax outputs. Y: (C, m) one-hot labels.
    Returns dZ: (C, m).
    """
    ### BEGIN SOLUTION
    dZ = AL - Y
    ### END SOLUTION
    return dZ


# %% role="test" grade_id="test_softmax_backward" points=1
check_softmax_backward(softmax_backward)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_softmax_backward", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Softmax with $C = 2$ is logistic regression.** With two logits,
# $\hat y_1 = e^{z_1} / (e^{z_0} + e^{z_1}) = \sigma(z_1 - z_0)$: only the difference of the two
# logits matters. Train a softmax regression (no hidden layer, $W$ of shape $(2, 2)$) and a
# logistic regression ($w$ of shape $(1, 2)$) on classes 0 and 1 of the spirals, both from
# zero weights. Predict: with which learning rate does logistic regression follow exactly the
# same path as softmax regression with learning rate $\alpha$? (Hint: the two rows of $dZ$ of
# a two-class softmax are opposite, so $w_1 - w_0$ moves by twice the step of one row.)

# %% role="experiment"
two = train_labels[0] < 2
X2, labels2 = train_X[:, two], train_labels[:, two]  # classes 0 and 1 only
Y2 = one_hot(labels2, 2)
alpha, steps = 0.5, 200
W, b = np.zeros((2, 2)), np.zeros((2, 1))  # softmax regression
w, b_logistic = np.zeros((1, 2)), np.zeros((1, 1))  # logistic regression
for _ in range(steps):  # linear_backward returns (dA_prev, dW, db): keep dW and db
    dW, db = linear_backward(softmax_backward(softmax(W @ X2 + b), Y2), (X2, W))[1:]
    W, b = W - alpha * dW, b - alpha * db
    dw, dbl = linear_backward(sigmoid_cross_entropy_backward(sigmoid(w @ X2 + b_logistic), labels2),
                              (X2, w))[1:]
    w, b_logistic = w - 2 * alpha * dw, b_logistic - 2 * alpha * dbl
p_softmax = softmax(W @ X2 + b)[1]
p_logistic = sigmoid(w @ X2 + b_logistic)[0]
print(f"largest gap between the two models' P(class 1): {np.abs(p_softmax - p_logistic).max():.2e}")
print(f"softmax cost {compute_softmax_cost(softmax(W @ X2 + b), Y2):.6f}")
print(f"w1 - w0 of softmax regression: {np.round(W[1] - W[0], 6)}; w of logistic regression: "
      f"{np.round(w[0], 6)}")

# %% [markdown]
# The two models agree to rounding error: softmax regression with two classes *is* logistic
# regression with weights $w_1 - w_0$, and its gradient step on that difference is twice as
# long. Softmax is the generalization of logistic regression to $C$ classes.
#
# **What to remember:** softmax normalizes $e^{z}$ over the classes (axis 0), after
# subtracting each column's max; the cost averages $-\log \hat y_{\text{true}}$ over the $m$
# examples; $dZ^{[L]} = \hat Y - Y$, per example.
#
# ## 4. Batch normalization: the forward pass
#
# **Goal.** Keep the inputs of every hidden layer on a steady scale while the layers before it
# change. Without it, each update of $W^{[1]}$ shifts the distribution of $z^{[2]}$, so layer 2
# keeps chasing a moving target (*covariate shift*); the deeper the net, the worse.
#
# **The math.** For one layer, with $Z$ of shape $(n_l, m)$ on a mini-batch of $m$ examples,
# for each unit (each row), over the batch (axis 1):
#
# $$\mu = \frac{1}{m} \sum_{i=1}^{m} z^{(i)}, \qquad
#   \sigma^2 = \frac{1}{m} \sum_{i=1}^{m} \big(z^{(i)} - \mu\big)^2, \qquad
#   z_{\text{norm}}^{(i)} = \frac{z^{(i)} - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad
#   \tilde z^{(i)} = \gamma \, z_{\text{norm}}^{(i)} + \beta.$$
#
# - $\sigma^2$ divides by $m$ (the *biased* variance, `np.var`'s default), not $m - 1$.
# - $\varepsilon$ (e.g. $10^{-5}$) goes **inside** the square root: it keeps the division safe
#   when a unit has the same value for the whole batch.
# - $\gamma$ and $\beta$ (shape $(n_l, 1)$) are learned like $W$: the net can give each unit
#   any mean and spread it likes, even undo the normalization.
#
# **Why the layer has no $b^{[l]}$.** $z = W a + b$ becomes $z - \mu = (Wa + b) - (\mu_{Wa} + b)
# = Wa - \mu_{Wa}$: the mean subtraction removes any constant $b$, and $\beta$ takes over its
# job of shifting the unit. So a batch-normalized layer has parameters $W^{[l]}$, $\gamma^{[l]}$,
# $\beta^{[l]}$ only.
#
# **At test time** there may be a single example, and its prediction must not depend on which
# other examples share its batch. So during training keep exponentially weighted averages of
# every batch's $\mu$ and $\sigma^2$, with $\beta_{\text{avg}}$ = `bn_state["momentum"]`:
#
# $$\mu_{\text{running}} \leftarrow \beta_{\text{avg}}\, \mu_{\text{running}}
#     + (1 - \beta_{\text{avg}})\, \mu, \qquad
#   \sigma^2_{\text{running}} \leftarrow \beta_{\text{avg}}\, \sigma^2_{\text{running}}
#     + (1 - \beta_{\text{avg}})\, \sigma^2,$$
#
# and in test mode normalize with them instead of the batch's:
# $z_{\text{norm}} = (z - \mu_{\text{running}}) / \sqrt{\sigma^2_{\text{running}} + \varepsilon}$
# (test mode reads the running averages and changes nothing).
#
# **Implement** `batchnorm_forward` (about 10 lines). In train mode store the updated averages
# back in `bn_state["running_mean"]` and `bn_state["running_var"]`, and return in `cache` what
# the backward pass will need: for example `(Z_norm, gamma, std)` with
# $\text{std} = \sqrt{\sigma^2 + \varepsilon}$. In test mode `cache` can be `None`.

# %% role="solution" grade_id="batchnorm_forward"
def batchnorm_forward(Z, gamma, beta, bn_state, mode):
    """Batch normalization of one layer's pre-activations.

    Z: (n_l, m), one column per example of the mini-batch. gamma, beta: (n_l, 1).
    bn_state: dict with "running_mean" and "running_var" (n_l, 1) and the floats "momentum"
    and "epsilon"; train mode replaces its running averages with the updated ones.
    mode: "train" (normalize with the batch's mean and variance) or "test" (with the running
    averages).
    Returns Z_tilde: (n_l, m), and cache: what batchnorm_backward needs (train mode).
    """
    epsilon, momentum = bn_state["epsilon"], bn_state["momentum"]
    ### BEGIN SOLUTION
    if mode == "train":
        mu = np.mean(Z, axis=1, keepdims=True)  # (n_l, 1)
        var = np.var(Z, axis=1, keepdims=True)  # (n_l, 1), divides by m
        std = np.sqrt(var + epsilon)
        Z_norm = (Z - mu) / std
        bn_state["running_mean"] = momentum * bn_state["running_mean"] + (1 - momentum) * mu
        bn_state["running_var"] = momentum * bn_state["running_var"] + (1 - momentum) * var
        cache = (Z_norm, gamma, std)
    else:
        Z_norm = (Z - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + epsilon)
        cache = None
    Z_tilde = gamma * Z_norm + beta
    ### END SOLUTION
    return Z_tilde, cache


# %% role="test" grade_id="test_batchnorm_forward" points=3
check_batchnorm_forward(batchnorm_forward)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_batchnorm_forward", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment.** Predict: if you add a bias $b$ to $Z$ before batch norm (train mode), how
# much does $\tilde Z$ change? And what are the mean and standard deviation of each row of
# $\tilde Z$ with $\gamma = 2$, $\beta = 3$?

# %% role="experiment"
rng = np.random.default_rng(0)
Z = rng.normal(5.0, 4.0, size=(3, 64))
gamma, beta, b = np.full((3, 1), 2.0), np.full((3, 1), 3.0), rng.normal(0, 10, size=(3, 1))
state = {"running_mean": np.zeros((3, 1)), "running_var": np.ones((3, 1)),
         "momentum": 0.9, "epsilon": 1e-5}
Z_tilde, _ = batchnorm_forward(Z, gamma, beta, copy.deepcopy(state), "train")
Z_tilde_b, _ = batchnorm_forward(Z + b, gamma, beta, copy.deepcopy(state), "train")
print(f"largest change of Z_tilde when b is added: {np.abs(Z_tilde_b - Z_tilde).max():.1e}")
print("row means of Z_tilde:", np.round(Z_tilde.mean(axis=1), 4))
print("row standard deviations of Z_tilde:", np.round(Z_tilde.std(axis=1), 4))

# %% [markdown]
# The bias vanishes (up to rounding), and every unit now has mean $\beta$ and standard
# deviation $\gamma$, whatever the scale of $Z$.
#
# ## 5. Batch normalization: the backward pass
#
# **Goal.** Backpropagate through batch norm: from $d\tilde Z$ to $dZ$, $d\gamma$ and $d\beta$.
#
# **The math.** The scaling convention is the course's: $d\tilde Z$ and $dZ$ are
# **per-example** gradients (like every `dZ` and `dA`), while $d\gamma$ and $d\beta$ are
# gradients of the **mean** cost, so they carry a $1/m$ (like $dW$ and $db$ in
# `linear_backward`). Sums and means run over the batch (axis 1):
#
# $$d\beta = \frac{1}{m} \sum_{i} d\tilde z^{(i)}, \qquad
#   d\gamma = \frac{1}{m} \sum_{i} d\tilde z^{(i)} \, z_{\text{norm}}^{(i)}.$$
#
# For $dZ$, remember that $\mu$ and $\sigma^2$ depend on every $z^{(i)}$ of the batch, so each
# $z^{(i)}$ reaches the loss three ways: directly, through $\mu$, and through $\sigma^2$. With
# $dZ_{\text{norm}} = \gamma \, d\tilde Z$ and $\overline{\,\cdot\,}$ the mean over the batch:
#
# $$dZ = \frac{1}{\sqrt{\sigma^2 + \varepsilon}}\Big(dZ_{\text{norm}}
#        - \overline{dZ_{\text{norm}}}
#        - Z_{\text{norm}} \; \overline{dZ_{\text{norm}} \, Z_{\text{norm}}}\Big).$$
#
# The second term comes through $\mu$, the third through $\sigma^2$. A sanity check: each row
# of $dZ$ sums to 0, because adding the same number to a whole row of $Z$ changes nothing after
# the mean is subtracted.
#
# **Implement** `batchnorm_backward` (about 6 lines), reading what you stored in `cache`.

# %% role="solution" grade_id="batchnorm_backward"
def batchnorm_backward(dZ_tilde, cache):
    """Backward pass of batchnorm_forward (train mode).

    dZ_tilde: (n_l, m) per-example gradients of the loss with respect to Z_tilde.
    cache: what batchnorm_forward returned in train mode.
    Returns dZ: (n_l, m), per example; dgamma, dbeta: (n_l, 1), gradients of the mean cost.
    """
    m = dZ_tilde.shape[1]
    ### BEGIN SOLUTION
    Z_norm, gamma, std = cache
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ_norm = dZ_tilde * gamma
    dZ = (dZ_norm - np.mean(dZ_norm, axis=1, keepdims=True)
          - Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)) / std
    ### END SOLUTION
    return dZ, dgamma, dbeta


# %% role="test" grade_id="test_batchnorm_backward" points=3
check_batchnorm_backward(batchnorm_backward, batchnorm_forward)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_batchnorm_backward", globals())
### END HIDDEN TESTS

# %% [markdown]
# The check compared your gradients with numerical ones, $\big(J(\theta + h) - J(\theta -
# h)\big) / 2h$, on random inputs: the test that catches a forgotten path through $\mu$ or
# $\sigma^2$.
#
# **What to remember:** batch norm normalizes each unit over the mini-batch (biased variance,
# $\varepsilon$ inside the root), then scales and shifts with learned $\gamma$, $\beta$; it makes
# $b^{[l]}$ redundant; its backward pass has three paths, and $dZ$ sums to zero over the batch.
#
# ## 6. Training with and without batch norm
#
# The given code in `helpers.bn_network` builds an L-layer net from your functions:
# [LINEAR (no bias) → BATCHNORM → RELU] × 3 → LINEAR → SOFTMAX, or the same net with biases and
# without batch norm. Training uses mini-batches of 128 examples, reshuffled every epoch, and
# plain gradient descent.

# %% role="experiment"
layers_dims = [2, 32, 32, 32, C]
HE = np.sqrt(2)  # He's scale: W = sqrt(2) * N(0, 1) / sqrt(n_{l-1})


def shuffled_batches(X, Y, mini_batch_size, seed):
    """batches(epoch) for train_mini_batches: the columns of X and Y in a new random order each
    epoch, cut into full mini-batches (the few examples left over wait for the next epoch; a
    batch of one example would have no variance to normalize with)."""
    m = X.shape[1]

    def batches(epoch):
        order = np.random.default_rng([seed, epoch]).permutation(m)
        for start in range(0, m - mini_batch_size + 1, mini_batch_size):
            columns = order[start:start + mini_batch_size]
            yield X[:, columns], Y[:, columns]
    return batches


def train_softmax_net(batch_norm, learning_rate, num_epochs=30, weight_scale=HE,
                      mini_batch_size=128, momentum=0.9, seed=0, description="training",
                      progress=True):
    """Train the net on the training set; returns (parameters, bn_states, History)."""
    parameters = initialize_softmax_net(layers_dims, batch_norm=batch_norm,
                                        weight_scale=weight_scale, seed=seed)
    bn_states = initialize_bn_states(layers_dims, momentum=momentum)

    def forward(X, parameters):
        return softmax_model_forward(X, parameters, bn_states, "train", softmax=softmax,
                                     batchnorm_forward=batchnorm_forward)

    def backward(AL, Y, caches):
        return softmax_model_backward(AL, Y, caches, softmax_backward=softmax_backward,
                                      batchnorm_backward=batchnorm_backward)

    def step(parameters, grads, t):  # plain gradient descent
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters

    with np.errstate(all="ignore"):  # a too-large learning rate may overflow: that is the point
        parameters, history = train_mini_batches(
            train_X, train_Y, parameters, num_epochs=num_epochs,
            batches=shuffled_batches(train_X, train_Y, mini_batch_size, seed), step=step,
            forward=forward, backward=backward, cost=compute_softmax_cost,
            description=description, progress=progress)
    return parameters, bn_states, history


def evaluate(parameters, bn_states, X, labels, Y):
    """Test-mode accuracy and cost of a trained net on (X, labels, Y)."""
    with np.errstate(all="ignore"):
        AL, _ = softmax_model_forward(X, parameters, bn_states, "test", softmax=softmax,
                                      batchnorm_forward=batchnorm_forward)
        return float(np.mean(AL.argmax(axis=0) == labels[0])), compute_softmax_cost(AL, Y)


# %% [markdown]
# **Experiment.** Both nets start from the same He-scaled weights and train with the same
# learning rate, 0.1, for 30 epochs. Predict: which one's cost falls faster, and by how much?

# %% role="experiment"
learning_rate = 0.1
runs = {name: train_softmax_net(batch_norm, learning_rate, description=name)
        for name, batch_norm in (("batch norm", True), ("no batch norm", False))}
ax = plt.subplots(figsize=(6, 4))[1]
for index, (name, (_, _, history)) in enumerate(runs.items()):
    ax.plot(np.array(history.iterations) + 1, history.costs, label=name, color=colour_for(index))
ax.set(xlabel="epoch", ylabel="mean mini-batch cost", yscale="log",
       title=f"Same net, same learning rate ({learning_rate})")
ax.legend();

# %% role="experiment" tags=["results"]
rows = []
for name, (parameters, bn_states, history) in runs.items():
    test_accuracy, _ = evaluate(parameters, bn_states, test_X, test_labels, test_Y)
    rows.append({"model": name, "learning rate": learning_rate,
                 "cost after 5 epochs": history.costs[4],
                 "cost after 10 epochs": history.costs[9],
                 "final cost": history.final_cost,
                 "train accuracy": evaluate(parameters, bn_states, train_X, train_labels,
                                            train_Y)[0],
                 "test accuracy": test_accuracy})
ResultsTable(rows, name="batchnorm_vs_plain", percent=("train accuracy", "test accuracy"))

# %% [markdown]
# At the same learning rate the batch-normalized net is far ahead after a few epochs (see the
# table). Its mini-batch cost is also bumpier: each batch normalizes with its own statistics
# (section 7).
#
# Below are the decision regions of the two nets: softmax picks, at every point, the class
# with the largest probability.

# %% role="experiment"
figure, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
for ax, (name, (parameters, bn_states, _)) in zip(axes, runs.items()):
    plot_class_regions(lambda points, p=parameters, s=bn_states: predict_classes(
        points, p, s, softmax=softmax, batchnorm_forward=batchnorm_forward),
        train_X, train_labels, ax=ax, title=f"{name}: decision regions")

# %% [markdown]
# **Experiment: sensitivity.** Now vary one setting at a time: the learning rate (from 0.01 to
# 3) and the scale of the initial weights ($W = s \cdot \mathcal{N}(0, 1)/\sqrt{n_{l-1}}$, from
# $s = 0.1$ to $10$; He is $s = \sqrt 2$). Predict: which net still trains with a learning rate
# of 3, and with $s = 0.1$? (Hint: multiply $W^{[l]}$ by any $s > 0$; what happens to
# $z_{\text{norm}}$?)

# %% role="experiment"
learning_rates = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
weight_scales = [0.1, 0.5, HE, 4.0, 10.0]
final_costs = {"learning rate": {}, "weight scale": {}}
for batch_norm, name in ((True, "batch norm"), (False, "no batch norm")):
    final_costs["learning rate"][name] = [
        train_softmax_net(batch_norm, rate, progress=False)[2].final_cost
        for rate in learning_rates]
    final_costs["weight scale"][name] = [
        train_softmax_net(batch_norm, learning_rate, weight_scale=scale, progress=False)[2]
        .final_cost for scale in weight_scales]
figure, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
for ax, (setting, values) in zip(axes, (("learning rate", learning_rates),
                                        ("weight scale", weight_scales))):
    for index, (name, costs) in enumerate(final_costs[setting].items()):
        ax.plot(values, np.nan_to_num(costs, nan=10.0), marker="o", label=name,
                color=colour_for(index))
    ax.set(xscale="log", yscale="log", xlabel=setting, ylabel="cost after 30 epochs",
           title=f"Final cost vs {setting}")
    ax.legend()
print("cost after 30 epochs (nan: training diverged)")
for setting, values in (("learning rate", learning_rates), ("weight scale", weight_scales)):
    for name, costs in final_costs[setting].items():
        print(f"{setting:>13} {name:>14}: " + "  ".join(
            f"{value:.3g}: {cost:.3f}" for value, cost in zip(values, costs)))

# %% [markdown]
# Without batch norm only a narrow band of learning rates and weight scales trains in 30
# epochs: too small and the signal (and its gradient) fades through the layers, too large and
# it explodes. With batch norm the weight-scale curve is flat: scaling $W^{[l]}$ by $s$ scales
# $z$ and its batch standard deviation alike, so $z_{\text{norm}}$ does not change at all. And a
# much wider range of learning rates works.
#
# ## 7. A slight regularizing effect
#
# In train mode an example is normalized with the mean and variance **of its mini-batch**, so
# the same example gets a slightly different $z_{\text{norm}}$ in every batch: noise, like a
# mild dropout. Bigger batches estimate $\mu$ and $\sigma^2$ better, so the noise shrinks.
#
# **Experiment.** Put one training example into 200 random mini-batches of each size and
# measure how much its normalized first-layer values vary. Predict how the spread changes when
# the batch grows 4 times.

# %% role="experiment"
parameters = runs["batch norm"][0]
Z1 = parameters["W1"] @ train_X  # (32, 768): first-layer pre-activations of every example
sizes = [8, 32, 128, 512]
spread = []
rng = np.random.default_rng(1)
for size in sizes:
    values = []
    for _ in range(200):
        others = rng.choice(np.arange(1, train_X.shape[1]), size - 1, replace=False)
        batch = Z1[:, np.concatenate([[0], others])]  # example 0 plus size - 1 others
        state = initialize_bn_states([2, 32, C])[0]
        values.append(batchnorm_forward(batch, np.ones((32, 1)), np.zeros((32, 1)), state,
                                        "train")[0][:, 0])
    spread.append(float(np.std(values, axis=0).mean()))
ax = plt.subplots(figsize=(5, 4))[1]
ax.plot(sizes, spread, marker="o", label="measured", color=colour_for(0))
ax.plot(sizes, spread[0] * np.sqrt(sizes[0] / np.array(sizes)), linestyle="--",
        label=r"$\propto 1/\sqrt{\mathrm{batch\ size}}$", color=colour_for(1))
ax.set(xscale="log", yscale="log", xlabel="mini-batch size",
       ylabel="std of one example's $z_{norm}$", title="Batch-norm noise vs batch size")
ax.legend()
for size, value in zip(sizes, spread):
    print(f"batch size {size:>3}: spread of z_norm {value:.3f}")

# %% [markdown]
# The spread shrinks like $1/\sqrt{m}$ (it halves when the batch grows four times), and
# faster still at 512, where a batch holds two thirds of the whole training set. This noise
# regularizes a little, but only a little and less with bigger batches: batch norm is a tool
# for faster training, not a replacement for L2 or dropout.
#
# ## 8. Train mode vs test mode
#
# **Experiment.** Classify the test examples **one at a time** with the trained net, once in
# test mode (running averages) and once, wrongly, in train mode (the statistics of a batch of
# one). Predict what train mode does with a single example: what are its $\mu$, $\sigma^2$ and
# $z_{\text{norm}}$?

# %% role="experiment"
parameters, bn_states = runs["batch norm"][:2]
one_at_a_time = {}
for mode in ("test", "train"):
    predictions = [int(predict_classes(test_X[:, [i]], parameters, copy.deepcopy(bn_states),
                                       softmax=softmax, batchnorm_forward=batchnorm_forward,
                                       mode=mode)[0, 0])
                   for i in range(test_X.shape[1])]
    one_at_a_time[mode] = np.array(predictions)
    print(f"{mode} mode, one example at a time: accuracy "
          f"{np.mean(one_at_a_time[mode] == test_labels[0]):.1%}, classes predicted "
          f"{np.unique(one_at_a_time[mode]).tolist()}")
batched = predict_classes(test_X, parameters, bn_states, softmax=softmax,
                          batchnorm_forward=batchnorm_forward)[0]
print("test mode gives the same class alone as in the whole test batch:",
      bool(np.all(batched == one_at_a_time["test"])))

# %% [markdown]
# With one example, $\mu = z$ and $\sigma^2 = 0$, so $z_{\text{norm}} = 0$ and
# $\tilde z = \beta$ for **every** input: the net predicts the same class for everything. Even
# with larger test batches, batch statistics would make a prediction depend on the other
# examples in the batch. The running averages fix both: in test mode each example's prediction
# is the same alone or in a batch.
#
# **What to remember:** train mode uses the batch's $\mu$ and $\sigma^2$ (and updates the
# running averages); test mode uses only the running averages.
#
# ## 9. Hyperparameter search on a log scale
#
# **Goal.** Choose the learning rate $\alpha$ — the most important hyperparameter — with as few
# training runs as possible.
#
# **The math.** A good $\alpha$ may be $0.001$ or $1$: sampling uniformly in $[0.0001, 1]$
# puts 90% of the trials between 0.1 and 1. Sample the **exponent** instead: $r$ uniform in
# $[a, b]$, then $\alpha = 10^r$, so every decade gets the same share of trials.
#
# For the $\beta$ of an exponentially weighted average (here the momentum of batch norm's
# running averages), what matters is the window $1/(1 - \beta)$: $0.9 \to 0.9005$ changes
# nothing, $0.999 \to 0.9995$ doubles the window. So sample $1 - \beta$ on a log scale:
# $r$ uniform in $[a, b]$, $\beta = 1 - 10^r$ (e.g. $r \in [-3, -1]$ gives $\beta \in [0.9,
# 0.999]$).
#
# **Implement** `sample_log_uniform` and `sample_beta` (1 or 2 lines each). Draw $r$ with
# `rng.uniform(low_exp, high_exp, size)` from the generator you are given; `sample_beta` may
# call `sample_log_uniform`.

# %% role="solution" grade_id="sample_log_uniform"
def sample_log_uniform(low_exp, high_exp, size, rng):
    """Values 10**r with r uniform in [low_exp, high_exp]: log-uniform in [10**low_exp,
    10**high_exp].

    size: int or tuple, the shape of the result. rng: numpy.random.Generator, the only source
    of randomness. Returns an array of shape size.
    """
    ### BEGIN SOLUTION
    r = rng.uniform(low_exp, high_exp, size)
    values = 10.0 ** r
    ### END SOLUTION
    return values


# %% role="test" grade_id="test_sample_log_uniform" points=1
check_sample_log_uniform(sample_log_uniform)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_sample_log_uniform", globals())
### END HIDDEN TESTS

# %% role="solution" grade_id="sample_beta"
def sample_beta(low_exp, high_exp, size, rng):
    """Averaging coefficients beta = 1 - 10**r with r uniform in [low_exp, high_exp].

    size: int or tuple, the shape of the result. rng: numpy.random.Generator, the only source
    of randomness. Returns an array of shape size, in [1 - 10**high_exp, 1 - 10**low_exp].
    """
    ### BEGIN SOLUTION
    betas = 1.0 - sample_log_uniform(low_exp, high_exp, size, rng)
    ### END SOLUTION
    return betas


# %% role="test" grade_id="test_sample_beta" points=1
check_sample_beta(sample_beta)
### BEGIN HIDDEN TESTS
from autograder.hidden import hidden_test
hidden_test("batchnorm_softmax", "test_sample_beta", globals())
### END HIDDEN TESTS

# %% [markdown]
# **Experiment: grid vs random.** Search two hyperparameters with 9 training runs each: the
# learning rate $\alpha \in [10^{-3}, 10]$ and the running averages' $\beta \in [0.9, 0.99]$
# ($r \in [-2, -1]$). A $3 \times 3$ grid (on the log scale) tries only **3** distinct learning
# rates; 9 random draws try **9**. Each run trains the batch-norm net for 20 epochs and is
# scored by its test-mode cost on the **dev** set. Predict: which search finds the better
# learning rate?

# %% role="experiment"
def dev_score(learning_rate, momentum):
    """Dev-set cost and accuracy (test mode) of the batch-norm net after 20 epochs."""
    parameters, bn_states, _ = train_softmax_net(True, learning_rate, num_epochs=20,
                                                 momentum=momentum, progress=False)
    dev_accuracy, dev_cost = evaluate(parameters, bn_states, dev_X, dev_labels, dev_Y)
    return (dev_cost if np.isfinite(dev_cost) else np.inf), dev_accuracy


def run_search(learning_rates, momenta):
    """Train one net per (learning rate, beta) pair; returns a list of trial dicts."""
    trials = []
    for rate, momentum in zip(learning_rates, momenta):
        cost, accuracy = dev_score(rate, momentum)
        trials.append({"learning rate": float(rate), "beta": float(momentum),
                       "dev cost": cost, "dev accuracy": accuracy})
    return trials


grid_rates, grid_betas = np.meshgrid(np.logspace(-3, 1, 3), 1 - np.logspace(-1, -2, 3))
searches = {"grid 3 x 3": run_search(grid_rates.ravel(), grid_betas.ravel())}
rng = np.random.default_rng(5)
searches["random"] = run_search(sample_log_uniform(-3, 1, 9, rng), sample_beta(-2, -1, 9, rng))


def best_trial(trials):
    return min(trials, key=lambda trial: trial["dev cost"])


figure, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
for index, (name, trials) in enumerate(searches.items()):
    rates = [trial["learning rate"] for trial in trials]
    axes[0].scatter(rates, [1 - trial["beta"] for trial in trials], s=60, label=name,
                    color=colour_for(index), marker="s" if index == 0 else "o")
    axes[1].scatter(rates, [min(trial["dev cost"], 10) for trial in trials], s=60, label=name,
                    color=colour_for(index), marker="s" if index == 0 else "o")
axes[0].set(xscale="log", yscale="log", xlabel=r"learning rate $\alpha$",
            ylabel=r"$1 - \beta$", title="Where the 9 trials of each search landed")
axes[1].set(xscale="log", yscale="log", xlabel=r"learning rate $\alpha$",
            ylabel="dev cost after 20 epochs (capped at 10)", title="What each trial scored")
for ax in axes:
    ax.legend()

# %% [markdown]
# **Coarse to fine.** The random search points at a region; zoom into it: draw 9 more trials
# with $r$ within half a decade of the best learning rate found so far, keeping $\beta$'s range.

# %% role="experiment"
best_exponent = np.log10(best_trial(searches["random"])["learning rate"])
searches["random, fine"] = run_search(
    sample_log_uniform(best_exponent - 0.5, best_exponent + 0.5, 9, rng),
    sample_beta(-2, -1, 9, rng))

# %% role="experiment" tags=["results"]
ResultsTable([{"search": name, "trials": len(trials),
               "distinct learning rates": len({trial["learning rate"] for trial in trials}),
               "best learning rate": best_trial(trials)["learning rate"],
               "its beta": best_trial(trials)["beta"],
               "best dev cost": best_trial(trials)["dev cost"],
               "its dev accuracy": best_trial(trials)["dev accuracy"]}
              for name, trials in searches.items()], name="search", percent=("its dev accuracy",))

# %% [markdown]
# The grid spent its 9 runs on 3 learning rates, each tried with 3 values of $\beta$; the
# random search tried 9 learning rates with the same budget and found one at least as good
# (see the table). That is why random search wins when some hyperparameters matter much more
# than others, which is the usual case: you rarely know in advance which ones. The fine round
# then spends its budget where the coarse round found good results.
#
# With a big budget of machines you can train many models in parallel and keep the best
# (*caviar*); with one machine you babysit a single model and adjust it day by day (*panda*).
# Either way, search $\alpha$ first; then $\beta$, the number of hidden units and the
# mini-batch size; then the number of layers and the learning-rate decay.
#
# ## What to remember
#
# - **Softmax** generalizes logistic regression to $C$ classes: subtract each column's max,
#   exponentiate, normalize over axis 0; the cost averages $-\log \hat y_{\text{true}}$ over $m$;
#   $dZ^{[L]} = \hat Y - Y$.
# - **Batch norm** normalizes each hidden unit over the mini-batch (biased variance, $\varepsilon$
#   inside the root), then scales by $\gamma$ and shifts by $\beta$; $b^{[l]}$ is redundant. It
#   trains faster, tolerates larger learning rates and any weight scale, and regularizes a
#   little (less with bigger batches).
# - At **test time** batch norm uses running averages of $\mu$ and $\sigma^2$, never the
#   statistics of the test batch.
# - **Search hyperparameters at random, on a log scale** ($\alpha = 10^r$, $\beta = 1 - 10^r$),
#   then coarse to fine.
