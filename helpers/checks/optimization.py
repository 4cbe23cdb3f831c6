"""Visible checks for Assignment 4 (optimization methods), and the diagnostics they share with
the autograder's hidden tests.

The update rules are checked on small inputs whose results were worked out by hand (the
numbers below), plus properties every correct implementation has; a mismatch is compared with
what the common mistakes would give, to name the likely one.
"""

from typing import NamedTuple

import numpy as np

from helpers.checks import call, expect_dict, fail, global_rng_fingerprint, passed


class Problem(NamedTuple):
    """A diagnosed mistake: a short id the autograder's catalogue knows, and a learner message."""

    mistake: str
    message: str


def _copy(arrays):
    return {key: np.array(value, dtype=float) for key, value in arrays.items()}


def _close(a, b, atol=1e-7):
    return isinstance(a, np.ndarray) and np.shape(a) == np.shape(b) and np.allclose(a, b, atol=atol)


# ------------------------------------------------------------------ mini-batches

def labelled_columns(n_x, m):
    """X (n_x, m) and Y (1, m) whose values say where they came from: X[i, j] = 1000 i + j and
    Y[0, j] = j (so a column's example number is value % 1000 and its row is value // 1000)."""
    if m >= 1000:
        raise ValueError("labelled_columns needs m < 1000")
    X = 1000.0 * np.arange(n_x)[:, None] + np.arange(m)[None, :]
    Y = np.arange(m, dtype=float)[None, :]
    return X, Y


def expected_batch_sizes(m, mini_batch_size):
    """[size] * floor(m / size), plus m % size when it is not zero."""
    sizes = [mini_batch_size] * (m // mini_batch_size)
    return sizes + ([m % mini_batch_size] if m % mini_batch_size else [])


def batch_order(mini_batches):
    """The example numbers of labelled_columns, in the order the mini-batches hold them."""
    return np.concatenate([np.asarray(Y_batch).ravel() for _, Y_batch in mini_batches]) \
        if len(mini_batches) else np.array([])


def mini_batch_problem(mini_batches, n_x, m, mini_batch_size, function_name="random_mini_batches"):
    """The first Problem with ``mini_batches``, the result of cutting labelled_columns(n_x, m)
    into mini-batches of ``mini_batch_size``, or None when they are a correct shuffle and
    partition (whatever the permutation)."""
    call_text = f"{function_name} with m = {m}, mini_batch_size = {mini_batch_size}"
    if not isinstance(mini_batches, (list, tuple)):
        return Problem("type", f"{call_text} returned a {type(mini_batches).__name__}; expected "
                               "a list of (mini_batch_X, mini_batch_Y) pairs.")
    for k, pair in enumerate(mini_batches):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
                isinstance(part, np.ndarray) for part in pair):
            return Problem("not_pairs", f"{call_text}: item {k} of the list is not a pair of "
                                        "arrays (mini_batch_X, mini_batch_Y).")
        X_batch, Y_batch = pair
        if X_batch.ndim != 2 or X_batch.shape[0] != n_x or Y_batch.shape != (1, X_batch.shape[1]):
            return Problem("batch_shape", f"{call_text}: mini-batch {k} has X of shape "
                           f"{X_batch.shape} and Y of shape {Y_batch.shape}; expected ({n_x}, k) "
                           "and (1, k): keep all the rows, cut the columns (X[:, start:end]).")
        if X_batch.shape[1] == 0:
            return Problem("empty_batch", f"{call_text}: mini-batch {k} is empty; when m is a "
                           "multiple of mini_batch_size there is no smaller last mini-batch.")
    for k, (X_batch, Y_batch) in enumerate(mini_batches):
        rows, columns = np.divmod(X_batch, 1000.0)
        if np.any(rows != np.arange(n_x)[:, None]) or np.any(columns != columns[:1]):
            return Problem("rows_shuffled", f"{call_text}: the rows (features) of X came back "
                           "shuffled; shuffle the columns (examples): X[:, permutation].")
    for k, (X_batch, Y_batch) in enumerate(mini_batches):
        if not np.array_equal(np.mod(X_batch[0], 1000.0), Y_batch[0]):
            return Problem("different_permutations", f"{call_text}: in mini-batch {k} the "
                           "columns of X and Y no longer match (examples lost their labels); "
                           "shuffle X and Y with the same permutation.")
    order = batch_order(mini_batches)
    sizes = [X_batch.shape[1] for X_batch, _ in mini_batches]
    expected = expected_batch_sizes(m, mini_batch_size)
    if len(np.unique(order)) < len(order):
        return Problem("overlapping_batches", f"{call_text}: some examples are in two "
                       f"mini-batches (sizes {sizes}); expected sizes {expected}, each example "
                       "exactly once.")
    if len(order) < m:
        if m % mini_batch_size and sizes == expected[:-1]:
            return Problem("last_batch_dropped", f"{call_text}: got sizes {sizes}; expected "
                           f"{expected}: the last {m % mini_batch_size} examples form a last, "
                           "smaller mini-batch.")
        return Problem("missing_examples", f"{call_text}: only {len(order)} of the {m} examples "
                       f"are in a mini-batch (sizes {sizes}; expected {expected}).")
    if sizes != expected:
        return Problem("wrong_batch_sizes", f"{call_text}: got mini-batch sizes {sizes}; "
                       f"expected {expected}.")
    if m > 2 and np.array_equal(order, np.arange(m)):
        return Problem("not_shuffled", f"{call_text}: the examples are still in their original "
                       "order; shuffle them first with np.random.default_rng(seed).permutation(m).")
    return None


def check_random_mini_batches(function):
    """Visible check: shapes and sizes of the mini-batches, one shared permutation of the
    columns, every example exactly once, the seed used, the global RNG untouched."""
    __tracebackhide__ = True
    name = function.__name__
    orders = {}
    for n_x, m, size, seed in ((2, 148, 64, 1), (3, 128, 64, 1), (2, 5, 8, 1), (2, 148, 64, 2)):
        X, Y = labelled_columns(n_x, m)
        before = global_rng_fingerprint()
        try:
            batches = call(function, X, Y, size, seed)
        except IndexError as error:
            fail(f"{name} raised IndexError ({error}). Did you index the rows of X "
                 "(X[permutation]) instead of its columns (X[:, permutation])?")
        if global_rng_fingerprint() != before:
            fail(f"{name} changed numpy's global random state (np.random.seed or "
                 "np.random.permutation); use np.random.default_rng(seed).permutation(m).")
        problem = mini_batch_problem(batches, n_x, m, size, name)
        if problem:
            fail(problem.message)
        orders[(n_x, m, seed)] = batch_order(batches)
    again = batch_order(call(function, *labelled_columns(2, 148), 64, 1))
    if not np.array_equal(again, orders[(2, 148, 1)]):
        fail(f"{name} shuffled differently for the same seed; use "
             "np.random.default_rng(seed), not an unseeded generator.")
    if np.array_equal(orders[(2, 148, 1)], orders[(2, 148, 2)]):
        fail(f"{name} gave the same order for seeds 1 and 2; use the `seed` argument.")
    passed(name)


# ------------------------------------------------------------------ zero-initialized state

def zero_state_problem(state, parameters, function_name, what="v"):
    """A Problem when ``state`` is not a dict of zeros "dWl"/"dbl" shaped like ``parameters``'s
    "Wl"/"bl"; None when it is right."""
    if not isinstance(state, dict):
        return Problem("type", f"{function_name} returned {what} as a "
                               f"{type(state).__name__}; expected a dict.")
    expected = sorted("d" + key for key in parameters)
    if sorted(state) != expected:
        return Problem("wrong_keys", f"{function_name}: {what} has keys {sorted(state)}; "
                       f"expected {expected} (\"d\" + the parameter's name, for every layer).")
    for key, value in parameters.items():
        found = state["d" + key]
        if not isinstance(found, np.ndarray):
            return Problem("not_array", f"{function_name}: {what}['d{key}'] is a "
                           f"{type(found).__name__}; expected a numpy array.")
        if found.shape != value.shape:
            return Problem("wrong_shape", f"{function_name}: {what}['d{key}'] has shape "
                           f"{found.shape}; expected {value.shape}, the shape of {key}.")
        if not np.issubdtype(found.dtype, np.floating):
            return Problem("not_float", f"{function_name}: {what}['d{key}'] holds "
                           f"{found.dtype}; expected floats (np.zeros_like of a float array).")
        if np.any(found != 0):
            return Problem("not_zero", f"{function_name}: {what}['d{key}'] should be all zeros.")
    return None


def _sample_parameters():
    rng = np.random.default_rng(0)
    dims = [3, 4, 2, 1]
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1))
    return parameters


def check_initialize_velocity(function):
    """Visible check: v["dWl"], v["dbl"] are zeros shaped like Wl, bl."""
    __tracebackhide__ = True
    parameters = _sample_parameters()
    problem = zero_state_problem(call(function, _copy(parameters)), parameters,
                                 function.__name__, "v")
    if problem:
        fail(problem.message)
    passed(function.__name__)


def check_initialize_rmsprop(function):
    """Visible check: s["dWl"], s["dbl"] are zeros shaped like Wl, bl."""
    __tracebackhide__ = True
    parameters = _sample_parameters()
    problem = zero_state_problem(call(function, _copy(parameters)), parameters,
                                 function.__name__, "s")
    if problem:
        fail(problem.message)
    passed(function.__name__)


def check_initialize_adam(function):
    """Visible check: returns (v, s), both zeros shaped like the parameters."""
    __tracebackhide__ = True
    name = function.__name__
    parameters = _sample_parameters()
    result = call(function, _copy(parameters))
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"{name} should return the pair (v, s); got {type(result).__name__}.")
    for state, what in zip(result, "vs"):
        problem = zero_state_problem(state, parameters, name, what)
        if problem:
            fail(problem.message)
    if result[0] is result[1]:
        fail(f"{name} returned the same dict as v and s; make two separate dicts.")
    passed(name)


# ------------------------------------------------------------------ update rules

def _compare(name, found, expected, variants, what):
    """fail() with the likely mistake when ``found`` differs from ``expected``; ``variants``
    maps a mistake's description to the value it would give."""
    __tracebackhide__ = True
    if _close(found, expected):
        return
    for description, value in variants.items():
        if _close(found, value):
            fail(f"{name}: {what} is {np.round(found, 6).tolist()}; expected "
                 f"{np.round(expected, 6).tolist()}. It looks like {description}.")
    shown = np.round(found, 6).tolist() if isinstance(found, np.ndarray) else repr(found)
    fail(f"{name}: {what} is {shown}; expected {np.round(expected, 6).tolist()}.")


def _expect_keys(name, found, keys, what):
    __tracebackhide__ = True
    expect_dict(found, name, f"a dict ({what})")
    missing = sorted(set(keys) - set(found))
    if missing:
        fail(f"{name}: {what} is missing {missing}; every layer needs its update.")


def check_update_parameters_with_gd(function):
    """Visible check: one gradient step on a 2-layer example worked out by hand."""
    __tracebackhide__ = True
    name = function.__name__
    parameters = {"W1": np.array([[1.0, -2.0, 0.5]]), "b1": np.array([[0.3]]),
                  "W2": np.array([[2.0], [-1.0]]), "b2": np.array([[0.0], [1.0]])}
    grads = {"dW1": np.array([[0.5, -1.0, 2.0]]), "db1": np.array([[-0.2]]),
             "dW2": np.array([[1.0], [0.0]]), "db2": np.array([[0.5], [-0.5]])}
    expected = {"W1": np.array([[0.95, -1.9, 0.3]]), "b1": np.array([[0.32]]),
                "W2": np.array([[1.9], [-1.0]]), "b2": np.array([[-0.05], [1.05]])}
    found = call(function, _copy(parameters), _copy(grads), 0.1)
    _expect_keys(name, found, expected, "the returned parameters")
    for key in expected:
        _compare(name, found[key], expected[key], {
            "the step goes uphill: subtract learning_rate * gradient":
                parameters[key] + 0.1 * grads["d" + key],
            f"{key} was not updated": parameters[key],
            "the learning rate is missing": parameters[key] - grads["d" + key],
        }, key)
    passed(name)


def check_update_parameters_with_momentum(function):
    """Visible check: one momentum step (beta = 0.8, learning rate 0.5) worked out by hand, from
    a non-zero velocity."""
    __tracebackhide__ = True
    name = function.__name__
    beta, lr = 0.8, 0.5
    parameters = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]]),
                  "W2": np.array([[2.0]]), "b2": np.array([[0.0]])}
    grads = {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]]),
             "dW2": np.array([[1.0]]), "db2": np.array([[-1.0]])}
    v = {"dW1": np.array([[0.1, 0.3]]), "db1": np.array([[-0.5]]),
         "dW2": np.array([[0.0]]), "db2": np.array([[0.0]])}
    expected_v = {"dW1": np.array([[0.12, 0.16]]), "db1": np.array([[-0.2]]),
                  "dW2": np.array([[0.2]]), "db2": np.array([[-0.2]])}
    expected = {"W1": np.array([[0.94, -1.08]]), "b1": np.array([[0.6]]),
                "W2": np.array([[1.9]]), "b2": np.array([[0.1]])}
    result = call(function, _copy(parameters), _copy(grads), _copy(v), beta, lr)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"{name} should return the pair (parameters, v); got {type(result).__name__}.")
    found, found_v = result
    _expect_keys(name, found_v, expected_v, "the returned v")
    _expect_keys(name, found, expected, "the returned parameters")
    for key in expected_v:
        _compare(name, found_v[key], expected_v[key], {
            "the (1 - beta) factor in front of the gradient is missing":
                beta * v[key] + grads[key],
            "beta and (1 - beta) are swapped": (1 - beta) * v[key] + beta * grads[key],
            "the velocity was not updated": v[key],
        }, f"v['{key}']")
    for key in expected:
        _compare(name, found[key], expected[key], {
            "the parameters move by the gradient instead of the velocity":
                parameters[key] - lr * grads["d" + key],
            "the parameters move by the old velocity: update v first":
                parameters[key] - lr * v["d" + key],
            "the step goes uphill: subtract learning_rate * v":
                parameters[key] + lr * expected_v["d" + key],
            f"{key} was not updated": parameters[key],
        }, key)
    passed(name)


def check_update_parameters_with_rmsprop(function):
    """Visible check: one RMSprop step (beta2 = 0.9, learning rate 0.1, epsilon = 0.01) worked
    out by hand, and the property that with beta2 = 0 and epsilon = 0 every parameter moves by
    exactly the learning rate."""
    __tracebackhide__ = True
    name = function.__name__
    beta2, lr, epsilon = 0.9, 0.1, 0.01
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.3, -0.4]]), "db1": np.array([[0.2]])}
    s = {"dW1": np.array([[0.04, 0.0]]), "db1": np.array([[0.01]])}
    expected_s = {"dW1": np.array([[0.045, 0.016]]), "db1": np.array([[0.013]])}
    expected = {"W1": np.array([[0.8649451886, -1.7069406128]]),
                "b1": np.array([[0.3387324922]])}
    result = call(function, _copy(parameters), _copy(grads), _copy(s), beta2, lr, epsilon)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"{name} should return the pair (parameters, s); got {type(result).__name__}.")
    found, found_s = result
    _expect_keys(name, found_s, expected_s, "the returned s")
    _expect_keys(name, found, expected, "the returned parameters")
    for key in expected_s:
        _compare(name, found_s[key], expected_s[key], {
            "the (1 - beta2) factor is missing": beta2 * s[key] + grads[key] ** 2,
            "the gradient is not squared": beta2 * s[key] + (1 - beta2) * grads[key],
            "epsilon was added to s; add it to the square root in the step only":
                expected_s[key] + epsilon,
            "s was not updated": s[key],
        }, f"s['{key}']")
    for key in expected:
        dkey = "d" + key
        _compare(name, found[key], expected[key], {
            "epsilon is inside the square root; use sqrt(s) + epsilon":
                parameters[key] - lr * grads[dkey] / np.sqrt(expected_s[dkey] + epsilon),
            "the step divides by s instead of its square root":
                parameters[key] - lr * grads[dkey] / (expected_s[dkey] + epsilon),
            "the step uses the old s: update s first":
                parameters[key] - lr * grads[dkey] / (np.sqrt(s[dkey]) + epsilon),
            "the step goes uphill: subtract": 2 * parameters[key] - expected[key],
            f"{key} was not updated": parameters[key],
        }, key)
    unit = call(function, {"W1": np.array([[1.0, 1.0, 1.0]]), "b1": np.array([[1.0]])},
                {"dW1": np.array([[0.001, -3.0, 50.0]]), "db1": np.array([[-0.2]])},
                {"dW1": np.zeros((1, 3)), "db1": np.zeros((1, 1))}, 0.0, 0.25, 0.0)[0]
    if not (_close(unit["W1"], np.array([[0.75, 1.25, 0.75]]))
            and _close(unit["b1"], np.array([[1.25]]))):
        fail(f"{name}: with beta2 = 0 and epsilon = 0, s = dW^2 and every parameter should move "
             "by exactly the learning rate, against its gradient's sign; it did not.")
    passed(name)


def check_update_parameters_with_adam(function):
    """Visible check: one Adam step at t = 2 (beta1 = 0.8, beta2 = 0.9, epsilon = 0.01) worked
    out by hand, and the first step from zero moments, which moves every parameter by about
    the learning rate."""
    __tracebackhide__ = True
    name = function.__name__
    t, lr, beta1, beta2, epsilon = 2, 0.1, 0.8, 0.9, 0.01
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.3, -0.4]]), "db1": np.array([[0.2]])}
    v = {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[0.0]])}
    s = {"dW1": np.array([[0.05, 0.02]]), "db1": np.array([[0.01]])}
    expected_v = {"dW1": np.array([[0.14, -0.24]]), "db1": np.array([[0.04]])}
    expected_s = {"dW1": np.array([[0.054, 0.034]]), "db1": np.array([[0.013]])}
    expected_v_corrected = {"dW1": np.array([[0.3888888889, -0.6666666667]]),
                            "db1": np.array([[0.1111111111]])}
    expected_s_corrected = {"dW1": np.array([[0.2842105263, 0.1789473684]]),
                            "db1": np.array([[0.0684210526]])}
    expected = {"W1": np.array([[0.9283964516, -1.8460431316]]), "b1": np.array([[0.459086276]])}
    result = call(function, _copy(parameters), _copy(grads), _copy(v), _copy(s), t, lr, beta1,
                  beta2, epsilon)
    if not isinstance(result, tuple) or len(result) != 5:
        got = f"{len(result)} items" if isinstance(result, tuple) else type(result).__name__
        fail(f"{name} should return (parameters, v, s, v_corrected, s_corrected); got {got}.")
    found, found_v, found_s, found_vc, found_sc = result
    for what, value, keys in (("v", found_v, expected_v), ("s", found_s, expected_s),
                              ("v_corrected", found_vc, expected_v), ("s_corrected", found_sc,
                                                                     expected_s),
                              ("parameters", found, expected)):
        _expect_keys(name, value, keys, f"the returned {what}")
    for key in expected_v:
        _compare(name, found_v[key], expected_v[key], {
            "v holds the bias-corrected value; keep v uncorrected and store the corrected one "
            "in v_corrected": expected_v_corrected[key],
            "the (1 - beta1) factor is missing": beta1 * v[key] + grads[key],
        }, f"v['{key}']")
        _compare(name, found_s[key], expected_s[key], {
            "s holds the bias-corrected value; keep s uncorrected and store the corrected one "
            "in s_corrected": expected_s_corrected[key],
            "epsilon was added to s; add it to the square root in the step only":
                expected_s[key] + epsilon,
            "the gradient is not squared": beta2 * s[key] + (1 - beta2) * grads[key],
        }, f"s['{key}']")
        _compare(name, found_vc[key], expected_v_corrected[key], {
            "the correction divides by (1 - beta1)^t; it is 1 - beta1^t":
                expected_v[key] / (1 - beta1) ** t,
            "the correction uses t + 1: do not increment t inside the function":
                expected_v[key] / (1 - beta1 ** (t + 1)),
            "the correction uses t - 1: t already counts from 1":
                expected_v[key] / (1 - beta1 ** (t - 1)),
            "v_corrected is not corrected": expected_v[key],
        }, f"v_corrected['{key}']")
        _compare(name, found_sc[key], expected_s_corrected[key], {
            "the correction divides by (1 - beta2)^t; it is 1 - beta2^t":
                expected_s[key] / (1 - beta2) ** t,
            "the correction uses t + 1: do not increment t inside the function":
                expected_s[key] / (1 - beta2 ** (t + 1)),
            "the correction uses t - 1: t already counts from 1":
                expected_s[key] / (1 - beta2 ** (t - 1)),
            "s_corrected is not corrected": expected_s[key],
        }, f"s_corrected['{key}']")
    for key in expected:
        dkey = "d" + key
        _compare(name, found[key], expected[key], {
            "the step uses the uncorrected v and s; use v_corrected and s_corrected":
                parameters[key] - lr * expected_v[dkey] / (np.sqrt(expected_s[dkey]) + epsilon),
            "epsilon is inside the square root; use sqrt(s_corrected) + epsilon":
                parameters[key] - lr * expected_v_corrected[dkey] / np.sqrt(
                    expected_s_corrected[dkey] + epsilon),
            "the step goes uphill: subtract": 2 * parameters[key] - expected[key],
            f"{key} was not updated": parameters[key],
        }, key)
    first = call(function, {"W1": np.array([[1.0, 1.0, 1.0]]), "b1": np.array([[1.0]])},
                 {"dW1": np.array([[0.001, -3.0, 50.0]]), "db1": np.array([[-0.2]])},
                 {"dW1": np.zeros((1, 3)), "db1": np.zeros((1, 1))},
                 {"dW1": np.zeros((1, 3)), "db1": np.zeros((1, 1))}, 1, 0.25)[0]
    if not (_close(first["W1"], np.array([[0.75, 1.25, 0.75]]), atol=1e-5)
            and _close(first["b1"], np.array([[1.25]]), atol=1e-5)):
        fail(f"{name}: the first step (t = 1) from zero v and s should move every parameter by "
             "about the learning rate, against its gradient's sign; it did not. Check the bias "
             "correction 1 - beta^t with t = 1.")
    passed(name)


# ------------------------------------------------------------------ learning-rate decay

def _compare_rates(name, calls, found, expected, variants):
    """fail() at the first call whose result differs from ``expected``, naming the variant
    (description -> the value of every call) that matches all the results, if one does."""
    __tracebackhide__ = True
    values = []
    for text, value in zip(calls, found):
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        if not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
            fail(f"{name}{text} returned a {type(value).__name__}; expected a number.")
        values.append(float(value))
    wrong = [index for index, (value, want) in enumerate(zip(values, expected))
             if not np.isclose(value, want, rtol=1e-9, atol=1e-12)]
    if not wrong:
        return
    first = wrong[0]
    message = f"{name}{calls[first]} = {values[first]:.6g}; expected {expected[first]:.6g}."
    for description, predicted in variants.items():
        if np.allclose(values, predicted, rtol=1e-9, atol=1e-12):
            fail(f"{message} It looks like {description}.")
    fail(message)


def check_update_lr(function):
    """Visible check: learning_rate0 / (1 + decay_rate * epoch_num) on cases worked out by hand."""
    __tracebackhide__ = True
    name = function.__name__
    cases = (((0.5, 3, 1.0), 0.125), ((0.3, 10, 0.5), 0.05), ((0.2, 0, 2.0), 0.2))
    found = [call(function, *arguments) for arguments, _ in cases]
    args = [arguments for arguments, _ in cases]
    _compare_rates(name, [str(a) for a in args], found, [want for _, want in cases], {
        "an exponential decay learning_rate0 * decay_rate^epoch_num; this schedule divides "
        "by (1 + decay_rate * epoch_num)": [r * d ** e for r, e, d in args],
        "decay_rate is missing": [r / (1 + e) for r, e, d in args],
        "the brackets are misplaced: divide learning_rate0 by the whole "
        "(1 + decay_rate * epoch_num)": [r / 1 + d * e for r, e, d in args],
    })
    passed(name)


def check_schedule_lr_decay(function):
    """Visible check: learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)) on
    cases worked out by hand, including epochs that are not multiples of the interval."""
    __tracebackhide__ = True
    name = function.__name__
    cases = (((0.5, 999, 1.0), None, 0.5), ((0.5, 1000, 1.0), None, 0.25),
             ((0.5, 2500, 1.0), None, 0.5 / 3), ((0.3, 17, 0.5), 5, 0.12),
             ((0.3, 18, 0.5), 5, 0.12), ((0.4, 23, 1.0), 10, 0.4 / 3))
    found, calls, args = [], [], []
    for arguments, interval, _ in cases:
        keywords = {} if interval is None else {"time_interval": interval}
        found.append(call(function, *arguments, **keywords))
        calls.append(f"({', '.join(map(str, arguments))}"
                     f"{'' if interval is None else f', time_interval={interval}'})")
        args.append((*arguments, interval or 1000))
    _compare_rates(name, calls, found, [want for *_, want in cases], {
        "epoch_num / time_interval is not rounded down (use np.floor or //)":
            [r / (1 + d * e / T) for r, e, d, T in args],
        "epoch_num / time_interval is rounded to the nearest integer; round it down":
            [r / (1 + d * np.round(e / T)) for r, e, d, T in args],
        "epoch_num / time_interval is rounded up; round it down":
            [r / (1 + d * np.ceil(e / T)) for r, e, d, T in args],
        "the rate is divided again at every interval (compounding from the current rate); "
        "always start from learning_rate0":
            [r / (1 + d) ** np.floor(e / T) for r, e, d, T in args],
    })
    passed(name)
