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


def global_rng_fingerprint():
    """Something that changes whenever numpy's global random state is re-seeded or drawn from."""
    _, keys, position, *_ = np.random.get_state()
    return keys.tobytes(), position


# In Jupyter, a failed check shows its message alone, and a stub called from an experiment
# says which function to implement (helpers/friendly.py). Nothing changes outside IPython.
from helpers import friendly as _friendly  # noqa: E402

_friendly.install()


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
