"""Visible checks for Assignment 1 (weight initialization), and the diagnostics they share with
the autograder's hidden tests."""

import numpy as np

from helpers.checks import call, expect_dict, fail, global_rng_fingerprint, passed
from helpers.mistakes import Catalogue, Mistake

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

# What each exercise asks for, as the message names it (what a wrong scale looks like is the
# hint of its catalogued mistake, scale_<name>).
WANTED_SCALES = {"he": "He scaling sqrt(2 / n_{l-1})", "times_ten": "a standard normal times 10"}

MISTAKES = Catalogue(
    "weight initialization",
    Mistake("wrong_keys", "The dict should hold W1, b1, ..., WL, bL: one W and one b per layer, "
            "numbered from 1, for every layer after the input.",
            "how layers_dims maps to layers: layer l goes from layers_dims[l-1] to layers_dims[l]"),
    Mistake("transposed_W", "W has its two dimensions swapped.",
            "W^[l] has shape (n_l, n_{l-1}) so that Z = W A_prev + b works on columns"),
    Mistake("wrong_W_shape", "W has the wrong shape.", "W^[l] has shape (n_l, n_{l-1})"),
    Mistake("b_row", "b is a row (or 1-D) instead of a column.",
            "b^[l] has shape (n_l, 1) and broadcasts across the m examples"),
    Mistake("wrong_b_shape", "b has the wrong shape.", "b^[l] has shape (n_l, 1)"),
    Mistake("not_array", "The parameters should be numpy arrays.",
            "np.zeros / rng.standard_normal"),
    Mistake("not_float", "The parameters should hold floats, not integers.",
            "np.zeros((n, m)) gives floats; gradient descent needs them"),
    Mistake("type", "The function should return a dict of parameters.",
            "the return value: parameters = {'W1': ..., 'b1': ...}"),
    Mistake("keys", "The dict should hold exactly W1, b1, ..., WL, bL.",
            "one W and one b per layer"),
    Mistake("not_zero", "Every W and b should be exactly zero.", "np.zeros(shape)"),
    Mistake("global_rng", "Your function re-seeds or draws from numpy's global random generator.",
            "randomness comes in through the argument: rng = np.random.default_rng(seed), "
            "then rng.standard_normal(shape)"),
    Mistake("unseeded", "The same seed gave different weights.",
            "draw from rng = np.random.default_rng(seed), not from a fresh unseeded generator"),
    Mistake("seed_ignored", "Different seeds gave the same weights.",
            "use the seed argument instead of a fixed seed"),
    Mistake("b_nonzero", "b should start at zero.",
            "only W needs random values to break symmetry"),
    Mistake("not_normal", "The weights should come from a normal distribution.",
            "rng.standard_normal(shape) draws N(0, 1)"),
    Mistake("scale_unknown", "The weights have the wrong scale.",
            "the standard deviation each initialization gives W^[l]"),
    Mistake("scale_he", "The weights use He scaling sqrt(2 / n_{l-1}); this exercise asks for "
            "a standard normal times 10.",
            "this initialization is deliberately too large (N(0, 1) times 10)"),
    Mistake("scale_times_ten", "The weights are scaled by 10, as in the previous exercise.",
            "He initialization multiplies N(0, 1) by sqrt(2 / n_{l-1})"),
    Mistake("scale_times_0.01", "The weights are a standard normal times 0.01.",
            "the scale each initialization asks for: 10 for the large one, "
            "sqrt(2 / n_{l-1}) for He"),
    Mistake("scale_unscaled", "The weights are a standard normal with no scaling.",
            "each initialization multiplies N(0, 1) by its own scale: 10 for the large one, "
            "sqrt(2 / n_{l-1}) for He"),
    Mistake("scale_xavier", "The weights use Xavier scaling sqrt(1 / n_{l-1}).",
            "He initialization, sqrt(2 / n_{l-1}), keeps ReLU activations' variance steady"),
    Mistake("scale_fan_out", "The weights are scaled with the layer's own size n_l (the "
            "fan-out).", "He uses the fan-in: n_{l-1} = layers_dims[l - 1]"),
    Mistake("scale_no_sqrt", "The scale is 2 / n_{l-1}: the square root is missing.",
            "the variance is 2 / n_{l-1}, so the standard deviation is its square root"),
)

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
        return MISTAKES.problem("wrong_keys", f"{function_name}({layers_dims}) returned keys "
                                f"{sorted(parameters)}; expected {expected_keys}.")
    for l in range(1, L + 1):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        for key, value in ((f"W{l}", W), (f"b{l}", b)):
            if not isinstance(value, np.ndarray):
                return MISTAKES.problem("not_array", f"{key} is a {type(value).__name__}.")
        if W.shape != (n, n_prev):
            transposed = W.shape == (n_prev, n)
            return MISTAKES.problem("transposed_W" if transposed else "wrong_W_shape",
                                    f"W{l} has shape {W.shape}; expected {(n, n_prev)}: "
                                    "W^[l] is (n_l, n_{l-1}).")
        if b.shape != (n, 1):
            row = b.shape in ((1, n), (n,))
            return MISTAKES.problem("b_row" if row else "wrong_b_shape",
                                    f"b{l} has shape {b.shape}; expected {(n, 1)}.")
        if not np.issubdtype(W.dtype, np.floating) or not np.issubdtype(b.dtype, np.floating):
            return MISTAKES.problem("not_float", f"W{l} and b{l} hold {W.dtype} and {b.dtype}.")
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
            return MISTAKES.problem("b_nonzero", f"b{l} has non-zero entries.")
    found = identify_scale(parameters, layers_dims)
    if found != expected:
        l = 1
        std = float(np.std(parameters[f"W{l}"]))
        want = float(SCALES[expected](layers_dims[l], layers_dims[l - 1]))
        return MISTAKES.problem(f"scale_{found or 'unknown'}",
                                f"{function_name}: std of W{l} is {std:.4g} for layers_dims="
                                f"{layers_dims}; expected about {want:.4g} "
                                f"({WANTED_SCALES[expected]}).")
    if not looks_normal(parameters, layers_dims):
        return MISTAKES.problem("not_normal", f"{function_name}: the weights do not look "
                                "normally distributed (a uniform draw?).")
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
        fail(MISTAKES.problem("global_rng", f"{name} changed numpy's global random state "
                              "(np.random.seed or np.random.randn).").message)
    problem = shape_problem(first, LARGE_DIMS, name) or scale_problem(
        first, LARGE_DIMS, expected_scale, name)
    if problem:
        fail(problem.message)
    again = call(function, LARGE_DIMS, seed=0)
    other = call(function, LARGE_DIMS, seed=1)
    if not np.array_equal(first["W1"], again["W1"]):
        fail(MISTAKES.problem("unseeded", f"{name}: seed 0 twice gave two different sets of "
                              "weights.").message)
    if np.array_equal(first["W1"], other["W1"]):
        fail(MISTAKES.problem("seed_ignored", f"{name}: seeds 0 and 1 gave the same "
                              "weights.").message)
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
                fail(MISTAKES.problem("not_zero", f"{key} has non-zero entries.").message)
    passed(name)


def check_initialize_parameters_random(function):
    """Visible check: W = standard normal x 10, b = 0, shapes, seed used, global RNG untouched."""
    __tracebackhide__ = True
    _check_random_init(function, "times_ten")


def check_initialize_parameters_he(function):
    """Visible check: W = standard normal x sqrt(2 / n_{l-1}), b = 0, shapes, seed used."""
    __tracebackhide__ = True
    _check_random_init(function, "he")
