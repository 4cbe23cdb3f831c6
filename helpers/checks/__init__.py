"""Learner-facing checks: the visible tests in the notebooks.

A check calls the learner's function on small inputs and, on the first problem, raises
CheckFailed with one or two lines that say what was expected, what came, and the likely
mistake. On success it prints one line. Checks test properties (shapes, scales, invariants);
they never contain an implementation of a graded function.
"""

import numpy as np


class CheckFailed(AssertionError):
    """A visible check found a problem; the message is written for the learner."""


def fail(message):
    __tracebackhide__ = True
    raise CheckFailed(message)


def passed(function_name):
    print(f"\u2714 {function_name}: all visible checks passed.")


def call(function, *args, **kwargs):
    """Call the learner's function; a stub that still raises NotImplementedError becomes a
    friendly CheckFailed. Other errors are the learner's own and keep their traceback."""
    __tracebackhide__ = True
    name = getattr(function, "__name__", "your function")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        pass  # fail outside the handler, so the learner sees one message, not two tracebacks
    fail(f"{name} is not implemented yet: replace `raise NotImplementedError()` with your code.")


def expect_dict(value, function_name, what="a dict"):
    __tracebackhide__ = True
    if not isinstance(value, dict):
        fail(f"{function_name} returned {type(value).__name__}; expected {what}. "
             "Did you forget the `return`?")


def as_number(value):
    """``value`` as a float when it is a number (not a bool) or a one-element numeric array,
    else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(-1)[0])
    return None


def close(a, b, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True when ``a`` and ``b`` are arrays (or numbers) of the same shape with close values."""
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol,
                                                           equal_nan=equal_nan))


def relative_difference(a, b):
    """||a - b|| / (||a|| + ||b||): about 1e-9 or less when two gradients agree."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def copy_arrays(arrays):
    """A copy of the dict ``arrays`` with every value a fresh float array: what a check passes
    to the learner's function, so an update made in place leaves the caller's inputs alone."""
    return {key: np.array(value, dtype=float) for key, value in arrays.items()}


def numerical_gradients(cost_of, parameters, epsilon=1e-6):
    """Centred differences (J(theta + eps) - J(theta - eps)) / 2 eps of ``cost_of(parameters)``
    for every entry of every array in the dict ``parameters``: {"d" + key: gradient}, with the
    arrays' shapes. ``parameters`` is left as it was."""
    shifted = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    gradients = {}
    for key, value in shifted.items():
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + epsilon
            plus = cost_of(shifted)
            value[index] = original - epsilon
            minus = cost_of(shifted)
            value[index] = original
            gradient[index] = (plus - minus) / (2 * epsilon)
        gradients["d" + key] = gradient
    return gradients


def global_rng_fingerprint():
    """Something that changes whenever numpy's global random state is re-seeded or drawn from."""
    _, keys, position, *_ = np.random.get_state()
    return keys.tobytes(), position


def random_net(layers_dims, m, seed, label_dtype=float):
    """Test inputs for a fully connected net, all from one seed: parameters with
    W^[l] ~ N(0, 1) / sqrt(n_{l-1}) and small non-zero b^[l] (so a penalty on b shows and no
    ReLU input sits exactly at its kink), X (n_0, m) and labels Y (1, m) in {0, 1}."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)
        parameters[f"b{l}"] = rng.standard_normal((n, 1)) * 0.1
    X = rng.standard_normal((layers_dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(label_dtype)
    return parameters, X, Y
