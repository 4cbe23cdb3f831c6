"""What several lecture notebooks share: small synthetic data sets made on the fly from a seed
(deterministic, a few milliseconds each) and the starting weights of the lecture nets.

Examples are columns, as everywhere in the course: X (n_x, m), Y (1, m) with labels in {0, 1}.
Nothing here prints or plots.
"""

import numpy as np


def wavy_boundary(x1):
    """The height x2 = 0.5 cos(1.5 pi x1) of the true boundary of ``wavy_classes`` at x1 (any
    shape). The curve is symmetric under x1 -> -x1."""
    return 0.5 * np.cos(1.5 * np.pi * x1)


def wavy_truth(X):
    """The noise-free label of points X (2, m): 1 above the curve ``wavy_boundary``.
    Returns an int array (1, m)."""
    return (X[1] > wavy_boundary(X[0])).astype(np.int64).reshape(1, -1)


def wavy_classes(m, seed, flip=0.1):
    """m points uniform in the square [-1, 1]^2, labelled by ``wavy_truth`` and then flipped
    with probability ``flip``: no classifier can beat an error rate of ``flip`` on fresh data
    (the Bayes error). Returns X (2, m), Y (1, m)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(2, m))
    Y = wavy_truth(X)
    flipped = rng.random((1, m)) < flip
    return X, np.where(flipped, 1 - Y, Y)


def rotated_classes(m, seed, angle_degrees, separation=1.0, noise=1.0):
    """Two Gaussian classes of m // 2 (label 0) and m - m // 2 (label 1) points whose means sit
    at -/+ ``separation`` along the direction ``angle_degrees`` from the x1 axis, each with
    standard deviation ``noise``. Returns X (2, m), Y (1, m), shuffled."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(m) >= m // 2).astype(np.int64)
    angle = np.deg2rad(angle_degrees)
    direction = np.array([[np.cos(angle)], [np.sin(angle)]])  # (2, 1)
    X = direction * (2 * labels - 1) * separation + noise * rng.standard_normal((2, m))
    order = rng.permutation(m)
    return X[:, order], labels[order].reshape(1, m)


def house_prices(m, seed, rooms_scale=1.0):
    """A regression set with two features on very different scales: x1 a floor area in
    hundreds of square metres (around 1) and x2 a count of rooms times ``rooms_scale`` (around
    3 * rooms_scale). y is a noisy linear function of both. Returns X (2, m), y (1, m)."""
    rng = np.random.default_rng(seed)
    area = rng.uniform(0.5, 1.5, size=m)
    rooms = np.clip(np.round(0.8 * area + rng.normal(2.4, 1.0, size=m)), 1, 6)
    price = 2.0 * area + 0.3 * rooms + rng.normal(0.0, 0.1, size=m)
    return np.stack([area, rooms * rooms_scale]), price.reshape(1, m)


def daily_temperatures(days, seed):
    """A year-like series of noisy daily temperatures in degrees Celsius: a seasonal swing
    plus weather noise. Returns an array (days,)."""
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    season = 12.0 - 9.0 * np.cos(2 * np.pi * (day - 15) / 365)
    weather = np.convolve(rng.normal(0.0, 3.0, size=days + 4), np.ones(5) / np.sqrt(5),
                          mode="valid")
    return season + weather


def uniform_parameters(layers_dims, seed):
    """Starting weights for the lecture nets: W^[l] uniform in [-r, r] with
    r = sqrt(6 / (n_{l-1} + n_l)) (Glorot's uniform rule), b^[l] = 0.

    layers_dims: [n_x, n_1, ..., n_L]. Returns parameters W1, b1, ..., WL, bL with Wl of
    shape (n_l, n_{l-1}) and bl of shape (n_l, 1)."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        fan_in, fan_out = layers_dims[l - 1], layers_dims[l]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        parameters[f"W{l}"] = rng.uniform(-limit, limit, size=(fan_out, fan_in))
        parameters[f"b{l}"] = np.zeros((fan_out, 1))
    return parameters
