"""Visible checks for Assignment 5 (batch norm, softmax, hyperparameter search), and the
diagnostics they share with the autograder's hidden tests.

Every diagnostic takes plain data (the learner's outputs and the inputs that produced them)
and returns a Problem naming the likely mistake, or None. They test properties (columns that
sum to one, gradients that match numerical ones, distributions of samples); none of them is an
implementation of a graded function.
"""

from typing import NamedTuple

import numpy as np

from helpers.checks import call, fail, global_rng_fingerprint, passed


class Problem(NamedTuple):
    """A diagnosed mistake: a short id the autograder's catalogue knows, and a learner message."""

    mistake: str
    message: str


def _close(a, b, rtol=1e-5, atol=1e-8, equal_nan=False):
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol,
                                                           equal_nan=equal_nan))


def relative_difference(a, b):
    """||a - b|| / (||a|| + ||b||): about 1e-9 or less when two gradients agree."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


def _array_problem(value, shape, what, function_name):
    if not isinstance(value, np.ndarray):
        return Problem("type", f"{function_name} returned {what} as a {type(value).__name__}; "
                               "expected a numpy array.")
    if value.shape != shape:
        transposed = value.ndim == 2 and value.shape == shape[::-1]
        return Problem("transposed" if transposed else "shape",
                       f"{what} has shape {value.shape}; expected {shape}"
                       + (" — it looks transposed." if transposed else "."))
    return None


# ------------------------------------------------------------------ softmax

def softmax_problem(Z, A, function_name="softmax"):
    """A Problem when A is not the softmax of each column of Z (moderate logits), else None.

    Softmax is the only function whose columns are positive, sum to 1, and whose log differs
    from Z by a constant within each column; that is what this checks.
    """
    problem = _array_problem(A, Z.shape, "the result", function_name)
    if problem:
        return problem
    if not np.all(np.isfinite(A)):
        return Problem("no_max_shift", f"{function_name} returned inf or nan; subtract each "
                       "column's max before np.exp.")
    # exp underflows to exactly 0 only for logits far below their column's max
    underflow = Z - Z.max(axis=0, keepdims=True) < -700
    if np.any(A < 0) or np.any((A == 0) & ~underflow):
        return Problem("values", f"{function_name} returned probabilities <= 0; every "
                       "softmax output is positive.")
    if not _close(A.sum(axis=0), np.ones(A.shape[1])):
        if _close(A.sum(axis=1), np.ones(A.shape[0])):
            return Problem("sum_wrong_axis", f"the rows of {function_name}'s result sum to 1, "
                           "not its columns: normalize over the classes, axis 0 "
                           "(np.sum(..., axis=0, keepdims=True)).")
        return Problem("not_normalized", f"the columns of {function_name}'s result do not "
                       "sum to 1: divide the exponentials by their sum over axis 0.")
    with np.errstate(divide="ignore"):
        offsets = np.where(A > 0, np.log(A) - Z, np.nan)  # constant down each column
    column_offsets = np.broadcast_to(np.nanmean(offsets, axis=0, keepdims=True), A.shape)
    if not _close(offsets, np.where(np.isnan(offsets), np.nan, column_offsets), rtol=1e-6,
                  atol=1e-7, equal_nan=True):
        return Problem("shift_wrong_axis", f"the columns of {function_name}'s result sum to 1 "
                       "but the probabilities are wrong: subtract each column's own max "
                       "(np.max(Z, axis=0, keepdims=True)); a constant per column leaves "
                       "softmax unchanged, a constant per row does not.")
    return None


def overflow_problem(A, function_name="softmax"):
    """A Problem when the softmax of very large (or very negative) logits is not finite."""
    if isinstance(A, np.ndarray) and not np.all(np.isfinite(A)):
        return Problem("no_max_shift", f"{function_name} returned inf or nan for logits around "
                       "1000: np.exp overflows. Subtract each column's max (axis 0) first.")
    return None


def check_softmax(function):
    """Visible check: columns are probabilities, the shift is per column, logits of 1000 work."""
    __tracebackhide__ = True
    name = function.__name__
    rng = np.random.default_rng(0)
    for shape in ((3, 5), (4, 1), (2, 6)):
        Z = rng.normal(0.0, 2.0, size=shape)
        problem = softmax_problem(Z, call(function, Z.copy()), name)
        if problem:
            fail(problem.message)
    Z = np.array([[1000.0, -1000.0, 0.0], [999.0, -1001.0, 1000.0], [998.0, -999.0, 1.0]])
    with np.errstate(all="ignore"):
        A = call(function, Z.copy())
    problem = overflow_problem(A, name) or softmax_problem(Z, A, name)
    if problem:
        fail(problem.message)
    passed(name)


# ------------------------------------------------------------------ the cost and its gradient

def cost_scale_problem(value, expected, m, C, function_name="compute_softmax_cost"):
    """A Problem when the cost ``value`` is not ``expected`` (for m examples and C classes),
    naming the mistake its ratio to the expected value suggests."""
    if isinstance(value, np.ndarray):
        if value.size != 1:
            return Problem("not_scalar", f"{function_name} returned an array of shape "
                           f"{value.shape}; expected one number: sum over the classes and "
                           "average over the examples.")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return Problem("type", f"{function_name} returned a {type(value).__name__}; expected a "
                               "float.")
    if np.isclose(value, expected, rtol=1e-6):
        return None
    ratio = value / expected
    if np.isclose(ratio, m, rtol=1e-6):
        return Problem("not_averaged", f"{function_name} returned {value:.4g}; expected "
                       f"{expected:.4g}: {m} times too large. Average over the m examples "
                       "(divide by m).")
    if np.isclose(ratio, m / C, rtol=1e-6):
        return Problem("one_hot_wrong_axis", f"{function_name} returned {value:.4g}; expected "
                       f"{expected:.4g}. It averages over the classes: Y is (C, m), with the "
                       "classes on axis 0 and the m examples on axis 1.")
    if np.isclose(ratio, -1.0, rtol=1e-6):
        return Problem("wrong_sign", f"{function_name} returned {value:.4g}; expected "
                       f"{expected:.4g}: the wrong sign. The cost is minus the mean "
                       "log-probability of the true class.")
    return Problem("values", f"{function_name} returned {value:.4g}; expected {expected:.4g}.")


def check_compute_softmax_cost(function):
    """Visible check: when the true class always gets probability 1/2, the cost is ln 2."""
    __tracebackhide__ = True
    name = function.__name__
    rng = np.random.default_rng(1)
    for C, m in ((3, 5), (4, 2)):
        labels = rng.integers(0, C, size=m)
        Y = np.zeros((C, m))
        Y[labels, np.arange(m)] = 1.0
        AL = np.where(Y == 1, 0.5, 0.5 / (C - 1))  # the true class has probability 1/2
        problem = cost_scale_problem(call(function, AL.copy(), Y.copy()), np.log(2.0), m, C,
                                     name)
        if problem:
            fail(problem.message + " (The true class has probability 1/2 for every example, "
                                   "so the cost should be ln 2.)")
    passed(name)


def gradient_scale_problem(dZ, expected, m, function_name="softmax_backward"):
    """A Problem when dZ (C, m) is not ``expected``, naming the likely mistake."""
    problem = _array_problem(dZ, expected.shape, "dZ", function_name)
    if problem:
        return problem
    if _close(dZ, expected):
        return None
    if _close(dZ, expected / m):
        return Problem("divided_by_m", f"{function_name} divides by m; in this course dZ is "
                       "per example, and linear_backward applies the 1/m.")
    if _close(dZ, -expected):
        return Problem("wrong_sign", f"{function_name} has the wrong sign: dZ = AL - Y.")
    return Problem("values", f"{function_name} returned the wrong values: dZ = AL - Y.")


def check_softmax_backward(function):
    """Visible check: known gradients for uniform predictions and for perfect ones."""
    __tracebackhide__ = True
    name = function.__name__
    C, m = 3, 4
    Y = np.zeros((C, m))
    Y[[0, 2, 1, 2], np.arange(m)] = 1.0
    uniform = np.full((C, m), 1.0 / C)
    # The true class gets 1/C - 1 and the others 1/C, for every example.
    problem = gradient_scale_problem(call(function, uniform.copy(), Y.copy()),
                                     np.where(Y == 1, 1.0 / C - 1.0, 1.0 / C), m, name)
    if problem:
        fail(problem.message)
    if not np.allclose(call(function, Y.copy(), Y.copy()), 0.0):
        fail(f"{name}(Y, Y) should be all zeros: a perfect prediction has no gradient.")
    passed(name)


# ------------------------------------------------------------------ batch norm, forward

def bn_train_problem(Z, gamma, beta, epsilon, Z_tilde, function_name="batchnorm_forward"):
    """A Problem when Z_tilde is not the train-mode batch norm of Z (n, m), else None."""
    problem = _array_problem(Z_tilde, Z.shape, "Z_tilde", function_name)
    if problem:
        return problem
    if not np.all(np.isfinite(Z_tilde)):
        return Problem("train_values", f"{function_name} returned inf or nan in train mode.")
    centered = Z - Z.mean(axis=1, keepdims=True)
    Z_norm = (Z_tilde - beta) / gamma  # what the learner's output implies
    if not _close(Z_norm.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-7):
        if _close(Z_tilde.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-7):
            return Problem("no_gamma_beta", f"{function_name} returns Z_norm: scale by gamma "
                           "and shift by beta (Z_tilde = gamma * Z_norm + beta).")
        return Problem("train_values", f"in train mode every row of Z_norm should have mean "
                       "0: subtract the batch mean (np.mean(Z, axis=1, keepdims=True)).")
    # Z_norm = centered / D for one D per row; recover D by least squares.
    D = np.sum(centered ** 2, axis=1, keepdims=True) / np.sum(centered * Z_norm, axis=1,
                                                               keepdims=True)
    if not _close(Z_norm, centered / D, rtol=1e-6, atol=1e-9):
        return Problem("train_values", f"{function_name} in train mode: each row should be "
                       "(Z - mu) / sqrt(var + epsilon), scaled by gamma and shifted by beta.")
    variance = Z.var(axis=1, keepdims=True)
    denominators = {
        None: np.sqrt(variance + epsilon),
        "unbiased_variance": np.sqrt(Z.var(axis=1, ddof=1, keepdims=True) + epsilon),
        "epsilon_outside_sqrt": np.sqrt(variance) + epsilon,
        "no_epsilon": np.sqrt(variance),
        "no_sqrt": variance + epsilon,
    }
    messages = {
        "unbiased_variance": "the variance divides by m - 1; batch norm uses the biased "
                             "variance, dividing by m (np.var's default, ddof=0).",
        "epsilon_outside_sqrt": "epsilon is added after the square root; it goes inside: "
                                "sqrt(var + epsilon).",
        "no_epsilon": "epsilon is missing: divide by sqrt(var + epsilon).",
        "no_sqrt": "the square root is missing: divide by the standard deviation "
                   "sqrt(var + epsilon), not the variance.",
    }
    for mistake, expected in denominators.items():
        if _close(D, expected, rtol=1e-6):
            if mistake is None:
                return None
            return Problem(mistake, f"{function_name} in train mode: {messages[mistake]}")
    return Problem("train_values", f"{function_name} in train mode divides by the wrong "
                   "number: use sqrt(var + epsilon) with the batch variance of each row.")


def bn_running_problem(old_mean, old_var, new_mean, new_var, Z, momentum,
                       function_name="batchnorm_forward"):
    """A Problem when the running averages after one train-mode call on Z (n, m) are not
    momentum * old + (1 - momentum) * (batch mean, batch variance), else None."""
    for key, value in (("running_mean", new_mean), ("running_var", new_var)):
        problem = _array_problem(value, old_mean.shape, f'bn_state["{key}"]', function_name)
        if problem:
            return problem
    if _close(new_mean, old_mean, rtol=1e-9) and _close(new_var, old_var, rtol=1e-9):
        return Problem("running_never_updated", f"{function_name} in train mode left the "
                       "running averages unchanged: update bn_state[\"running_mean\"] and "
                       "bn_state[\"running_var\"].")
    mu = Z.mean(axis=1, keepdims=True)
    weight = (new_mean - old_mean) / (mu - old_mean)  # the share the batch mean got
    if _close(weight, np.full_like(weight, momentum), rtol=1e-6) and momentum != 0.5:
        return Problem("running_weighted_wrong_way", f"{function_name}: the batch mean got "
                       "weight momentum and the old average 1 - momentum; it is the other way "
                       "round: momentum * running + (1 - momentum) * batch.")
    if not _close(weight, np.full_like(weight, 1 - momentum), rtol=1e-6):
        return Problem("running_values", f"{function_name}: the running mean should become "
                       "momentum * running_mean + (1 - momentum) * (the batch mean).")
    for variance, mistake in ((Z.var(axis=1, keepdims=True), None),
                              (Z.var(axis=1, ddof=1, keepdims=True), "unbiased_variance")):
        if _close(new_var, momentum * old_var + (1 - momentum) * variance, rtol=1e-6):
            if mistake is None:
                return None
            return Problem(mistake, f"{function_name}: the running variance averages the "
                           "variance divided by m - 1; use the biased batch variance (ddof=0).")
    return Problem("running_values", f"{function_name}: the running variance should become "
                   "momentum * running_var + (1 - momentum) * (the batch variance).")


def bn_test_problem(Z, gamma, beta, running_mean, running_var, epsilon, Z_tilde,
                    function_name="batchnorm_forward"):
    """A Problem when Z_tilde is not the test-mode batch norm of Z with the running averages."""
    problem = _array_problem(Z_tilde, Z.shape, "Z_tilde (test mode)", function_name)
    if problem:
        return problem
    Z_norm = (Z_tilde - beta) / gamma
    if _close(Z_norm * np.sqrt(running_var + epsilon) + running_mean, Z, rtol=1e-6):
        return None
    if _close(Z_norm.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-6):
        return Problem("batch_stats_in_test_mode", f"{function_name} in test mode normalizes "
                       "with the batch's own mean and variance; use bn_state's running_mean "
                       "and running_var.")
    return Problem("test_values", f"{function_name} in test mode: Z_tilde = gamma * (Z - "
                   "running_mean) / sqrt(running_var + epsilon) + beta.")


def batchnorm_inputs(rng, n, m, epsilon, momentum):
    """Random Z (n, m) with non-zero means and uneven spreads, gamma, beta and a state whose
    running averages are far from the batch's statistics."""
    Z = rng.normal(rng.uniform(-3, 3, (n, 1)), rng.uniform(0.3, 2.0, (n, 1)), size=(n, m))
    gamma = rng.uniform(0.5, 2.0, (n, 1)) * rng.choice([-1.0, 1.0], (n, 1))
    beta = rng.normal(0.0, 1.0, (n, 1))
    state = {"running_mean": rng.normal(5.0, 1.0, (n, 1)),
             "running_var": rng.uniform(3.0, 6.0, (n, 1)),
             "momentum": momentum, "epsilon": epsilon}
    return Z, gamma, beta, state


def copy_state(state):
    return {key: np.array(value) if isinstance(value, np.ndarray) else value
            for key, value in state.items()}


def check_batchnorm_forward(function):
    """Visible check: train-mode statistics, running averages, test mode."""
    __tracebackhide__ = True
    name = function.__name__
    rng = np.random.default_rng(2)
    for n, m, epsilon, momentum in ((3, 8, 0.5, 0.8), (4, 5, 1e-5, 0.9)):
        Z, gamma, beta, state = batchnorm_inputs(rng, n, m, epsilon, momentum)
        before = copy_state(state)
        result = call(function, Z.copy(), gamma.copy(), beta.copy(), state, "train")
        if not isinstance(result, tuple) or len(result) != 2:
            fail(f"{name} should return (Z_tilde, cache); got {type(result).__name__}.")
        problem = bn_train_problem(Z, gamma, beta, epsilon, result[0], name) or \
            bn_running_problem(before["running_mean"], before["running_var"],
                               state["running_mean"], state["running_var"], Z, momentum, name)
        if problem:
            fail(problem.message)
        test_state = copy_state(before)
        Z_tilde, _ = call(function, Z.copy(), gamma.copy(), beta.copy(), test_state, "test")
        problem = bn_test_problem(Z, gamma, beta, before["running_mean"],
                                  before["running_var"], epsilon, Z_tilde, name)
        if problem:
            fail(problem.message)
        if not (_close(test_state["running_mean"], before["running_mean"], rtol=0) and
                _close(test_state["running_var"], before["running_var"], rtol=0)):
            fail(f"{name} changed the running averages in test mode; only train mode "
                 "updates them.")
    passed(name)


# ------------------------------------------------------------------ batch norm, backward

def numerical_batchnorm_gradients(forward, Z, gamma, beta, state, dZ_tilde, h=1e-5):
    """Two-sided numerical gradients of the train-mode ``forward`` at (Z, gamma, beta), in the
    course's scaling: for J = sum(dZ_tilde * Z_tilde) / m, returns (m * dJ/dZ, dJ/dgamma,
    dJ/dbeta), with the shapes of Z (n, m), gamma and beta (n, 1)."""
    m = Z.shape[1]

    def J(Z, gamma, beta):
        Z_tilde, _ = forward(Z.copy(), gamma.copy(), beta.copy(), copy_state(state), "train")
        return float(np.sum(dZ_tilde * Z_tilde)) / m

    gradients = []
    arrays = [np.array(Z, dtype=float), np.array(gamma, dtype=float),
              np.array(beta, dtype=float)]
    for which in range(3):
        target = arrays[which]
        gradient = np.zeros_like(target)
        for index in np.ndindex(target.shape):
            original = target[index]
            target[index] = original + h
            plus = J(*arrays)
            target[index] = original - h
            minus = J(*arrays)
            target[index] = original
            gradient[index] = (plus - minus) / (2 * h)
        gradients.append(gradient)
    gradients[0] *= m  # dZ is per example
    return tuple(gradients)


GRADIENT_TOLERANCE = 1e-6  # relative difference with the numerical gradient


def bn_backward_problem(Z, gradients, numerical, function_name="batchnorm_backward"):
    """A Problem when the learner's (dZ, dgamma, dbeta) disagree with the numerical gradients
    (same order) for the train-mode batch norm of Z (n, m), naming the likely mistake."""
    n, m = Z.shape
    if not isinstance(gradients, tuple) or len(gradients) != 3:
        return Problem("type", f"{function_name} should return (dZ, dgamma, dbeta).")
    dZ, dgamma, dbeta = gradients
    for what, value in (("dgamma", dgamma), ("dbeta", dbeta)):
        if not isinstance(value, np.ndarray):
            return Problem("type", f"{function_name} returned {what} as a "
                                   f"{type(value).__name__}; expected an array (n_l, 1).")
        if value.shape != (n, 1):
            if value.shape in ((1, m), (m,), (), (1, 1), (1,)):
                return Problem(f"{what}_wrong_axis", f"{what} has shape {value.shape}; expected "
                               f"{(n, 1)}: sum over the examples of the batch (axis=1, "
                               "keepdims=True), one value per unit.")
            return Problem("shape", f"{what} has shape {value.shape}; expected {(n, 1)}.")
    problem = _array_problem(dZ, (n, m), "dZ", function_name)
    if problem:
        return problem
    dZ_num, dgamma_num, dbeta_num = numerical
    agree = {what: relative_difference(value, expected) < GRADIENT_TOLERANCE
             for what, value, expected in (("dZ", dZ, dZ_num), ("dgamma", dgamma, dgamma_num),
                                           ("dbeta", dbeta, dbeta_num))}
    if all(agree.values()):
        return None
    wrong = [(value, expected) for what, value, expected in
             (("dgamma", dgamma, dgamma_num), ("dbeta", dbeta, dbeta_num)) if not agree[what]]
    if wrong:
        if all(relative_difference(value, m * expected) < GRADIENT_TOLERANCE
               for value, expected in wrong):
            return Problem("params_not_averaged", f"{function_name}: dgamma and dbeta are m "
                           "times too large. Like dW and db they are gradients of the mean "
                           "cost: divide their sums over the batch by m.")
        return Problem("param_values", f"{function_name}: dgamma or dbeta disagrees with the "
                       "numerical gradient: dbeta = mean of dZ_tilde, dgamma = mean of "
                       "dZ_tilde * Z_norm, over axis 1.")
    if relative_difference(dZ, dZ_num / m) < GRADIENT_TOLERANCE:
        return Problem("dZ_divided_by_m", f"{function_name}: dZ is m times too small; dZ is "
                       "per example (no 1/m), like dZ_tilde.")
    # A forgotten path leaves a telltale error: constant along each row (the mean's path) or
    # proportional to z - mu in each row (the variance's path).
    error = dZ - dZ_num
    size = np.linalg.norm(error)
    centered = Z - Z.mean(axis=1, keepdims=True)
    along = np.sum(error * centered, axis=1, keepdims=True) / np.sum(centered ** 2, axis=1,
                                                                      keepdims=True)
    row_constant = np.linalg.norm(error - error.mean(axis=1, keepdims=True)) < 1e-4 * size
    along_centered = np.linalg.norm(error - along * centered) < 1e-4 * size
    if along_centered and not row_constant:
        return Problem("missing_variance_term", f"{function_name}: dZ misses the path through "
                       "the variance: subtract Z_norm * mean(dZ_norm * Z_norm) too.")
    if row_constant and not along_centered:
        return Problem("missing_mean_term", f"{function_name}: dZ misses the path through the "
                       "mean: subtract mean(dZ_norm) too, so each row of dZ sums to 0.")
    return Problem("dZ_values", f"{function_name}: dZ disagrees with the numerical gradient "
                   f"(relative difference {relative_difference(dZ, dZ_num):.1e}).")


def check_batchnorm_backward(function, forward):
    """Visible check: gradients match numerical gradients of ``forward`` (train mode)."""
    __tracebackhide__ = True
    name = function.__name__
    rng = np.random.default_rng(3)
    for n, m, epsilon in ((3, 5, 1e-3), (2, 8, 0.3)):
        Z, gamma, beta, state = batchnorm_inputs(rng, n, m, epsilon, 0.9)
        dZ_tilde = rng.normal(size=(n, m))
        result = call(forward, Z.copy(), gamma.copy(), beta.copy(), copy_state(state), "train")
        problem = bn_train_problem(Z, gamma, beta, epsilon, result[0], forward.__name__)
        if problem:
            fail(f"batchnorm_backward is checked through batchnorm_forward, which does not pass "
                 f"yet: {problem.message}")
        numerical = numerical_batchnorm_gradients(forward, Z, gamma, beta, state, dZ_tilde)
        problem = bn_backward_problem(Z, call(function, dZ_tilde.copy(), result[1]), numerical,
                                      name)
        if problem:
            fail(problem.message)
    passed(name)


# ------------------------------------------------------------------ log-scale sampling

SAMPLE_SIZE = 20_000  # large enough for every decade's share to be within 2% of its due
MIN_DISTRIBUTION_SIZE = 10_000  # smaller samples are checked for shape and range only


def _decade_shares(exponents, low, high):
    """The share of ``exponents`` in each of the unit-wide bins of [low, high]."""
    bins = max(int(round(high - low)), 1)
    counts, _ = np.histogram(exponents, bins=bins, range=(low, high))
    return counts / max(len(exponents), 1)


def log_uniform_problem(values, low_exp, high_exp, size, function_name="sample_log_uniform"):
    """A Problem when ``values`` is not 10**r with r uniform in [low_exp, high_exp] and of shape
    ``size``, else None (the distribution is only judged on large samples)."""
    shape = (size,) if isinstance(size, int) else tuple(size)
    problem = _array_problem(values, shape, "the samples", function_name)
    if problem:
        return problem
    if np.all((values >= low_exp) & (values <= high_exp)) and high_exp <= 0:
        return Problem("returned_exponent", f"{function_name} returned the exponents r; return "
                       "10 ** r.")
    if np.any(values < 10.0 ** low_exp * (1 - 1e-9)) or np.any(values > 10.0 ** high_exp *
                                                                 (1 + 1e-9)):
        return Problem("out_of_range", f"{function_name}({low_exp}, {high_exp}, ...) returned "
                       f"values outside [10**{low_exp}, 10**{high_exp}].")
    if values.size < MIN_DISTRIBUTION_SIZE:
        return None
    shares = _decade_shares(np.log10(values), low_exp, high_exp)
    if np.all(np.abs(shares - 1 / len(shares)) < 0.02):
        return None
    if shares[-1] > 0.8:
        return Problem("alpha_uniform", f"{function_name}: {shares[-1]:.0%} of the samples are "
                       "in the top decade: the values are uniform, not their exponent. Draw r "
                       "uniformly in [low_exp, high_exp], then return 10 ** r.")
    return Problem("not_log_uniform", f"{function_name}: the exponents of the samples are not "
                   "uniform in [low_exp, high_exp] (decade shares "
                   f"{np.round(shares, 2).tolist()}).")


def beta_problem(values, low_exp, high_exp, size, function_name="sample_beta"):
    """A Problem when ``values`` is not 1 - 10**r with r uniform in [low_exp, high_exp]."""
    shape = (size,) if isinstance(size, int) else tuple(size)
    problem = _array_problem(values, shape, "the samples", function_name)
    if problem:
        return problem
    if np.all((values >= 10.0 ** low_exp * (1 - 1e-9)) & (values <= 10.0 ** high_exp *
                                                            (1 + 1e-9))):
        return Problem("beta_as_power", f"{function_name} returned 10 ** r (these are 1 - beta, "
                       "near 0); beta is 1 - 10 ** r, near 1.")
    low, high = 1 - 10.0 ** high_exp, 1 - 10.0 ** low_exp
    if np.any(values < low - 1e-12) or np.any(values > high + 1e-12):
        return Problem("out_of_range", f"{function_name}({low_exp}, {high_exp}, ...) returned "
                       f"values outside [1 - 10**{high_exp}, 1 - 10**{low_exp}].")
    if values.size < MIN_DISTRIBUTION_SIZE:
        return None
    shares = _decade_shares(np.log10(1 - values), low_exp, high_exp)
    if np.all(np.abs(shares - 1 / len(shares)) < 0.02):
        return None
    if shares[-1] > 0.8:
        return Problem("beta_uniform", f"{function_name}: beta is uniform, so almost every "
                       "sample has a short averaging window. Sample r uniformly and return "
                       "1 - 10 ** r.")
    return Problem("not_log_uniform", f"{function_name}: log10(1 - beta) is not uniform in "
                   f"[low_exp, high_exp] (decade shares {np.round(shares, 2).tolist()}).")


def _check_sampler(function, diagnose, low_exp, high_exp):
    __tracebackhide__ = True
    name = function.__name__
    small = call(function, low_exp, high_exp, (2, 3), np.random.default_rng(0))
    if not isinstance(small, np.ndarray) or small.shape != (2, 3):
        fail(f"{name}(..., size=(2, 3), rng) should return an array of shape (2, 3); got "
             f"{getattr(small, 'shape', type(small).__name__)}.")
    before = global_rng_fingerprint()
    values = call(function, low_exp, high_exp, SAMPLE_SIZE, np.random.default_rng(1))
    if global_rng_fingerprint() != before:
        fail(f"{name} used numpy's global random generator (np.random.uniform); draw from the "
             "rng argument: rng.uniform(low_exp, high_exp, size).")
    problem = diagnose(values, low_exp, high_exp, SAMPLE_SIZE, name)
    if problem:
        fail(problem.message)
    again = call(function, low_exp, high_exp, SAMPLE_SIZE, np.random.default_rng(1))
    if not np.array_equal(values, again):
        fail(f"{name} gave different samples for two generators with the same seed; draw "
             "only from the rng argument.")
    passed(name)


def check_sample_log_uniform(function):
    """Visible check: shape, range, one share per decade, randomness from the rng argument."""
    __tracebackhide__ = True
    _check_sampler(function, log_uniform_problem, -4, 0)


def check_sample_beta(function):
    """Visible check: beta in [0.9, 0.999] for r in [-3, -1], log10(1 - beta) uniform."""
    __tracebackhide__ = True
    _check_sampler(function, beta_problem, -3, -1)
