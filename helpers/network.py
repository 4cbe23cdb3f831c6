"""The given network code: forward and backward passes for the course's fully connected nets.

One convention serves every assignment:

* a forward step takes its inputs and returns ``(output, cache)``;
* the matching backward step takes the gradient of the loss with respect to that output and
  the cache, and returns the gradients with respect to its inputs (and parameters);
* examples are columns: ``X`` has shape (n_x, m), ``A^[l]`` has shape (n_l, m);
* ``dA`` and ``dZ`` are per-example gradients of the loss (not divided by m);
  ``linear_backward`` divides by m, so ``dW`` and ``db`` are gradients of the mean cost.

The L-layer nets are [LINEAR -> RELU] * (L - 1) -> LINEAR -> SIGMOID, with parameters
``W1, b1, ..., WL, bL`` where ``Wl`` has shape (n_l, n_{l-1}) and ``bl`` has shape (n_l, 1).
Nothing here prints or plots.
"""

import numpy as np


def sigmoid(Z):
    """Logistic function, elementwise. Z: any shape. Returns an array of the same shape."""
    # exp(-Z) overflows to inf for very negative Z; 1 / (1 + inf) = 0 is the right limit.
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-Z))


def relu(Z):
    """max(0, Z), elementwise. Z: any shape. Returns an array of the same shape."""
    return np.maximum(Z, 0.0)


def linear_forward(A_prev, W, b):
    """Z = W A_prev + b.

    A_prev: (n_{l-1}, m); W: (n_l, n_{l-1}); b: (n_l, 1).
    Returns Z (n_l, m) and cache = (A_prev, W).
    """
    Z = W @ A_prev + b
    return Z, (A_prev, W)


def linear_backward(dZ, cache):
    """Backward step of linear_forward.

    dZ: (n_l, m), per-example gradients. cache: (A_prev, W) from linear_forward.
    Returns dA_prev (n_{l-1}, m), dW (n_l, n_{l-1}) and db (n_l, 1); dW and db are the
    gradients of the mean cost, hence the 1/m.
    """
    A_prev, W = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def relu_backward(dA, Z):
    """dZ = dA * 1[Z > 0]. dA, Z: (n_l, m). Returns dZ (n_l, m)."""
    return dA * (Z > 0)


def sigmoid_cross_entropy_backward(AL, Y):
    """dZ^[L] = AL - Y: the per-example gradient of the cross-entropy loss with respect to the
    sigmoid's input. Stable even when AL is exactly 0 or 1. AL, Y: (1, m)."""
    return AL - Y


def num_layers(parameters):
    """The number of LINEAR layers L in ``parameters`` (keys W1, b1, ..., WL, bL)."""
    return len(parameters) // 2


def model_forward(X, parameters):
    """Forward pass of [LINEAR -> RELU] * (L - 1) -> LINEAR -> SIGMOID.

    X: (n_x, m). parameters: W1, b1, ..., WL, bL.
    Returns AL (1, m), the output probabilities, and caches: a list with, for each layer l,
    (linear cache, Z^[l]).
    """
    L = num_layers(parameters)
    A = X
    caches = []
    for l in range(1, L + 1):
        Z, linear_cache = linear_forward(A, parameters[f"W{l}"], parameters[f"b{l}"])
        A = sigmoid(Z) if l == L else relu(Z)
        caches.append((linear_cache, Z))
    return A, caches


def model_backward(AL, Y, caches):
    """Backward pass of model_forward for the mean cross-entropy cost.

    AL: (1, m) from model_forward; Y: (1, m) labels in {0, 1}; caches from model_forward.
    Returns grads with dW1, db1, ..., dWL, dbL (same shapes as the parameters).
    """
    L = len(caches)
    grads = {}
    dZ = sigmoid_cross_entropy_backward(AL, Y)
    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        if l < L:
            dZ = relu_backward(dA, Z)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, linear_cache)
    return grads


def compute_cost(AL, Y):
    """Mean cross-entropy: -(1/m) sum[y log a + (1 - y) log(1 - a)].

    AL: (1, m) probabilities; Y: (1, m) labels in {0, 1}. Returns a Python float, which is
    inf when a prediction is exactly 0 or 1 on the wrong side (a saturated sigmoid).
    """
    with np.errstate(divide="ignore"):
        log_likelihoods = np.where(Y == 1, np.log(AL), np.log1p(-AL))  # log a or log(1 - a)
    return -float(log_likelihoods.sum() / log_likelihoods.size)


def predict(X, parameters):
    """Predicted labels: 1 where the net's probability is above 0.5.

    X: (n_x, m). Returns an int array of shape (1, m).
    """
    AL, _ = model_forward(X, parameters)
    return (AL > 0.5).astype(int)


def accuracy(X, Y, parameters):
    """Fraction of the m examples in X (n_x, m) whose predicted label equals Y (1, m)."""
    return float(np.mean(predict(X, parameters) == Y))
