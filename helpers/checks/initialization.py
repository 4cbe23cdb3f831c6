"""Visible checks for Assignment 1 (weight initialization), and the diagnostics they share with
the autograder's hidden tests."""

from typing import NamedTuple

import numpy as np

from helpers.checks import call, expect_dict, fail, global_rng_fingerprint, passed

# Standard deviations of W^[l] (n_l, n_{l-1}) that learners produce, by the idea behind them.
SCALES = {
    "he": lambda n, n_prev: np.sqrt(2.0 / n_prev),
    "xavier": lambda n, n_prev: np.sqrt(1.0 / n_prev),
    "fan_out": lambda n, n_prev: np.sqrt(2.0 / n),
    "no_sqrt": lambda n, n_prev: 2.0 / n_prev,
    "unscaled": lambda n, n_prev: 1.0,
    "times_ten": lambda n, n_prev: 10.0,
    "times_0.01": lambda n, n_prev: 0.01,
}

SCALE_HINTS = {
    "he": "He scaling sqrt(2 / n_{l-1})",
    "xavier": "Xavier scaling sqrt(1 / n_{l-1}); He uses sqrt(2 / n_{l-1}) for ReLU",
    "fan_out": "sqrt(2 / n_l), the fan-out; He uses the fan-in n_{l-1} = layers_dims[l - 1]",
    "no_sqrt": "2 / n_{l-1} without the square root",
    "unscaled": "a standard normal with no scaling",
    "times_ten": "a standard normal times 10",
    "times_0.01": "a standard normal times 0.01",
}

class Problem(NamedTuple):
    """A diagnosed mistake: a short id the autograder's catalogue knows, and a learner message."""

    mistake: str
    message: str


# Layer sizes whose first two weight matrices are large enough for their empirical std to be
# within about 1% of the true one, with fan-in != fan-out everywhere.
LARGE_DIMS = [200, 120, 80, 1]


def shape_problem(parameters, layers_dims, function_name):
    """The first Problem with the keys or shapes of ``parameters``, or None. Expects W1, b1, ..., WL, bL with Wl (n_l, n_{l-1}) and bl (n_l, 1)."""
    L = len(layers_dims) - 1
    expected_keys = [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    missing = [key for key in expected_keys if key not in parameters]
    extra = sorted(set(parameters) - set(expected_keys))
    if missing or extra:
        return Problem("wrong_keys", f"{function_name}({layers_dims}) returned keys "
                       f"{sorted(parameters)}; expected {expected_keys} (one W and one b per "
                       "layer, numbered from 1).")
    for l in range(1, L + 1):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        for key, value in ((f"W{l}", W), (f"b{l}", b)):
            if not isinstance(value, np.ndarray):
                return Problem("not_array", f"{key} is a {type(value).__name__}; expected a "
                                            "numpy array.")
        if W.shape != (n, n_prev):
            transposed = W.shape == (n_prev, n)
            hint = " — looks transposed:" if transposed else " —"
            return Problem("transposed_W" if transposed else "wrong_W_shape",
                           f"W{l} has shape {W.shape}; expected {(n, n_prev)}{hint} "
                           "W^[l] is (n_l, n_{l-1}).")
        if b.shape != (n, 1):
            row = b.shape in ((1, n), (n,))
            hint = " — b^[l] is a column vector (n_l, 1), not a row" if row else " — b^[l] is (n_l, 1)"
            return Problem("b_row" if row else "wrong_b_shape",
                           f"b{l} has shape {b.shape}; expected {(n, 1)}{hint}.")
        if not np.issubdtype(W.dtype, np.floating) or not np.issubdtype(b.dtype, np.floating):
            return Problem("not_float", f"W{l} and b{l} should hold floats; got {W.dtype} and "
                                        f"{b.dtype}.")
    return None


def identify_scale(parameters, layers_dims, tolerance=0.06, min_weights=5000):
    """Name of the SCALES entry that matches the empirical std of every W^[l] with at least
    ``min_weights`` entries (smaller layers give too noisy an estimate), or None."""
    layers = [l for l in range(1, len(layers_dims))
              if layers_dims[l] * layers_dims[l - 1] >= min_weights]
    for name, scale in SCALES.items():
        if all(abs(np.std(parameters[f"W{l}"]) / scale(layers_dims[l], layers_dims[l - 1]) - 1)
               < tolerance for l in layers):
            return name
    return None


def looks_normal(parameters, layers_dims):
    """True when the weights look Gaussian: about 68.3% of them within one std of the mean
    (a uniform draw gives 57.7%)."""
    W = np.concatenate([parameters[f"W{l}"].ravel() for l in range(1, len(layers_dims))
                        if parameters[f"W{l}"].size >= 1000])
    weights = (W - W.mean()) / W.std()
    return abs(np.mean(np.abs(weights) < 1.0) - 0.6827) < 0.03


def scale_problem(parameters, layers_dims, expected, function_name):
    """A Problem when the weights of ``parameters`` (drawn with LARGE_DIMS-like sizes) do not have
    the ``expected`` SCALES scale, are not Gaussian, or b is not zero; None when all is right."""
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        if np.any(parameters[f"b{l}"] != 0):
            return Problem("b_nonzero", f"b{l} should be all zeros; it has non-zero entries.")
    found = identify_scale(parameters, layers_dims)
    if found != expected:
        l = 1
        std = float(np.std(parameters[f"W{l}"]))
        want = float(SCALES[expected](layers_dims[l], layers_dims[l - 1]))
        likely = f" — this looks like {SCALE_HINTS[found]}" if found else ""
        return Problem(f"scale_{found or 'unknown'}",
                       f"{function_name}: std of W{l} is {std:.4g} for layers_dims={layers_dims}; "
                       f"expected about {want:.4g} ({SCALE_HINTS[expected].split(';')[0]})"
                       f"{likely}.")
    if not looks_normal(parameters, layers_dims):
        return Problem("not_normal", f"{function_name}: the weights do not look normally "
                       "distributed; draw them with rng.standard_normal(shape), not a uniform "
                       "distribution.")
    return None


def _check_random_init(function, expected_scale):
    """Shared visible check for the random initializations (random x10 and He)."""
    __tracebackhide__ = True
    name = function.__name__
    for dims in ([3, 4, 1], [5, 3, 2, 1]):
        parameters = call(function, dims, seed=1)
        expect_dict(parameters, name, "a dict of parameters")
        problem = shape_problem(parameters, dims, name)
        if problem:
            fail(problem.message)
    before = global_rng_fingerprint()
    first = call(function, LARGE_DIMS, seed=0)
    if global_rng_fingerprint() != before:
        fail(f"{name} changed numpy's global random state (np.random.seed or np.random.randn); "
             "draw from the `rng` made from the `seed` argument instead.")
    problem = shape_problem(first, LARGE_DIMS, name) or scale_problem(
        first, LARGE_DIMS, expected_scale, name)
    if problem:
        fail(problem.message)
    again = call(function, LARGE_DIMS, seed=0)
    other = call(function, LARGE_DIMS, seed=1)
    if not np.array_equal(first["W1"], again["W1"]):
        fail(f"{name} gave different weights for the same seed; draw from "
             "rng = np.random.default_rng(seed), not from an unseeded generator.")
    if np.array_equal(first["W1"], other["W1"]):
        fail(f"{name} gave the same weights for seeds 0 and 1; use the `seed` argument "
             "(rng = np.random.default_rng(seed)) instead of a fixed seed.")
    passed(name)


def check_initialize_parameters_zeros(function):
    """Visible check: every W and b is zero, with the course's shapes."""
    __tracebackhide__ = True
    name = function.__name__
    for dims in ([3, 2, 1], [4, 6, 3, 1]):
        parameters = call(function, dims)
        expect_dict(parameters, name, "a dict of parameters")
        problem = shape_problem(parameters, dims, name)
        if problem:
            fail(problem.message)
        for key, value in parameters.items():
            if np.any(value != 0):
                fail(f"{key} has non-zero entries; expected all zeros (np.zeros(shape)).")
    passed(name)


def check_initialize_parameters_random(function):
    """Visible check: W = standard normal x 10, b = 0, shapes, seed used, global RNG untouched."""
    __tracebackhide__ = True
    _check_random_init(function, "times_ten")


def check_initialize_parameters_he(function):
    """Visible check: W = standard normal x sqrt(2 / n_{l-1}), b = 0, shapes, seed used."""
    __tracebackhide__ = True
    _check_random_init(function, "he")
