"""The given network code of Assignment 5: L-layer nets with batch norm and a softmax output.

The convention is helpers.network's: a forward step returns ``(output, cache)``, the matching
backward step takes ``(dout, cache)``; examples are columns; ``dA`` and ``dZ`` are per-example
gradients and ``linear_backward`` divides by m.

Two architectures share these functions, told apart by the keys of ``parameters``:

* with batch norm: [LINEAR (no bias) -> BATCHNORM -> RELU] * (L - 1) -> LINEAR -> SOFTMAX, with
  ``W1, gamma1, beta1, ..., W{L-1}, gamma{L-1}, beta{L-1}, WL, bL``;
* without: [LINEAR -> RELU] * (L - 1) -> LINEAR -> SOFTMAX, with ``W1, b1, ..., WL, bL``.

A hidden layer l is batch-normalized when ``parameters`` holds ``gamma{l}``. Its running
averages live in ``bn_states[l - 1]``, a dict {"running_mean", "running_var", "momentum",
"epsilon"} that the learner's ``batchnorm_forward`` updates in train mode.

Batch norm and softmax are the learner's graded functions: every function here that needs them
takes them as keyword arguments (``batchnorm_forward=``, ``softmax=``, ...). Nothing here
prints or plots.
"""

import numpy as np

from helpers.network import linear_backward, linear_forward, relu, relu_backward


def initialize_softmax_net(layers_dims, *, batch_norm, weight_scale, seed=0):
    """Parameters of an L-layer net with a softmax output, for ``layers_dims`` [n_x, ..., C].

    W^[l] (n_l, n_{l-1}) = weight_scale * N(0, 1) / sqrt(n_{l-1}), drawn in layer order from
    ``np.random.default_rng(seed)``. With ``batch_norm`` the hidden layers get gamma^[l] = 1 and
    beta^[l] = 0 (n_l, 1) and no bias; otherwise b^[l] = 0 (n_l, 1). The output layer always
    has W^[L] and b^[L] = 0.
    """
    rng = np.random.default_rng(seed)
    L = len(layers_dims) - 1
    parameters = {}
    for l in range(1, L + 1):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters[f"W{l}"] = weight_scale * rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)
        if batch_norm and l < L:
            parameters[f"gamma{l}"] = np.ones((n, 1))
            parameters[f"beta{l}"] = np.zeros((n, 1))
        else:
            parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def initialize_bn_states(layers_dims, momentum=0.9, epsilon=1e-5):
    """One batch-norm state per hidden layer of ``layers_dims``: running_mean = 0 and
    running_var = 1, both (n_l, 1), with the running averages' ``momentum`` and ``epsilon``."""
    return [{"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1)),
             "momentum": momentum, "epsilon": epsilon} for n in layers_dims[1:-1]]


def num_layers(parameters):
    """The number of LINEAR layers L: the largest l with a ``W{l}`` in ``parameters``."""
    return max(int(key[1:]) for key in parameters if key.startswith("W"))


def linear_bn_relu_forward(A_prev, W, gamma, beta, bn_state, mode, *, batchnorm_forward):
    """LINEAR (no bias) -> BATCHNORM -> RELU.

    A_prev: (n_{l-1}, m); W: (n_l, n_{l-1}); gamma, beta: (n_l, 1); bn_state: the layer's
    running averages; mode: "train" or "test".
    Returns A (n_l, m) and cache = (linear cache, batch-norm cache, Z_tilde).
    """
    Z, linear_cache = linear_forward(A_prev, W, 0.0)  # no b: batch norm subtracts it anyway
    Z_tilde, bn_cache = batchnorm_forward(Z, gamma, beta, bn_state, mode)
    return relu(Z_tilde), (linear_cache, bn_cache, Z_tilde)


def linear_bn_relu_backward(dA, cache, *, batchnorm_backward):
    """Backward step of linear_bn_relu_forward (train mode).

    dA: (n_l, m) per-example gradients. Returns dA_prev (n_{l-1}, m), dW (n_l, n_{l-1}),
    dgamma and dbeta (n_l, 1).
    """
    linear_cache, bn_cache, Z_tilde = cache
    dZ, dgamma, dbeta = batchnorm_backward(relu_backward(dA, Z_tilde), bn_cache)
    dA_prev, dW, _ = linear_backward(dZ, linear_cache)  # db of the zero bias is not a parameter
    return dA_prev, dW, dgamma, dbeta


def softmax_model_forward(X, parameters, bn_states=None, mode="train", *, softmax,
                          batchnorm_forward=None):
    """Forward pass of the net described in the module docstring.

    X: (n_x, m). bn_states: list from initialize_bn_states (needed with batch norm).
    mode: "train" (batch statistics, running averages updated) or "test" (running averages).
    Returns AL (C, m), the class probabilities, and caches, one per layer.
    """
    L = num_layers(parameters)
    A = X
    caches = []
    for l in range(1, L):
        if f"gamma{l}" in parameters:
            A, cache = linear_bn_relu_forward(
                A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"],
                bn_states[l - 1], mode, batchnorm_forward=batchnorm_forward)
        else:
            Z, linear_cache = linear_forward(A, parameters[f"W{l}"], parameters[f"b{l}"])
            A, cache = relu(Z), (linear_cache, Z)
        caches.append(cache)
    ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    caches.append(linear_cache)
    return softmax(ZL), caches


def softmax_model_backward(AL, Y, caches, *, softmax_backward, batchnorm_backward=None):
    """Backward pass of softmax_model_forward (train mode) for the mean cross-entropy cost.

    AL: (C, m) probabilities; Y: (C, m) one-hot labels; caches from softmax_model_forward.
    Returns grads with "d" + every parameter name (same shapes as the parameters).
    """
    L = len(caches)
    grads = {}
    dZ = softmax_backward(AL, Y)  # (C, m), per example
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, caches[L - 1])
    for l in range(L - 1, 0, -1):
        cache = caches[l - 1]
        if len(cache) == 3:  # (linear cache, batch-norm cache, Z_tilde)
            dA, grads[f"dW{l}"], grads[f"dgamma{l}"], grads[f"dbeta{l}"] = \
                linear_bn_relu_backward(dA, cache, batchnorm_backward=batchnorm_backward)
        else:
            linear_cache, Z = cache
            dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(relu_backward(dA, Z),
                                                                    linear_cache)
    return grads


def one_hot(Y, C):
    """Labels Y (1, m) in 0..C-1 as a one-hot matrix (C, m): column i has a 1 in row Y[0, i]."""
    labels = np.asarray(Y).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in 0..{C - 1}; got {labels.min()}..{labels.max()}")
    encoded = np.zeros((C, labels.size))
    encoded[labels, np.arange(labels.size)] = 1.0
    return encoded


def predict_classes(X, parameters, bn_states=None, *, softmax, batchnorm_forward=None,
                    mode="test"):
    """The most probable class of every example: an int array (1, m). X: (n_x, m). Batch norm
    uses the running averages (``mode="test"``) unless told otherwise; ``mode="train"`` uses
    the batch's statistics and updates the running averages in ``bn_states``."""
    AL, _ = softmax_model_forward(X, parameters, bn_states, mode, softmax=softmax,
                                  batchnorm_forward=batchnorm_forward)
    return AL.argmax(axis=0).reshape(1, -1)


def class_accuracy(X, Y, parameters, bn_states=None, *, softmax, batchnorm_forward=None,
                   mode="test"):
    """Fraction of the m examples in X (n_x, m) whose predicted class equals Y (1, m)."""
    return float(np.mean(predict_classes(X, parameters, bn_states, softmax=softmax,
                                         batchnorm_forward=batchnorm_forward, mode=mode) == Y))
