"""Visible checks for Assignment 5 (batch norm, softmax, hyperparameter search), and the
diagnostics they share with the autograder's hidden tests.

Every diagnostic takes plain data (the learner's outputs and the inputs that produced them)
and returns a Problem naming the likely mistake, or None. They test properties (columns that
sum to one, gradients that match numerical ones, distributions of samples); none of them is an
implementation of a graded function.
"""

import numpy as np

from helpers.checks import (call, close, fail, global_rng_fingerprint, numerical_gradients,
                            passed, relative_difference)
from helpers.mistakes import Catalogue, Mistake

MISTAKES = Catalogue(
    "batch normalization, softmax and hyperparameter search",
    # any function
    Mistake("type", "The function returned the wrong kind of value.",
            "the return value described in the docstring"),
    Mistake("shape", "The result has the wrong shape.",
            "the shapes in the docstring: examples are columns"),
    Mistake("transposed", "The result looks transposed.",
            "examples are columns: (C, m) or (n_l, m)"),
    # softmax
    Mistake("no_max_shift", "np.exp overflows for large logits: each column's max was not "
            "subtracted first.",
            "subtract each column's max (axis 0, keepdims=True) before np.exp: it leaves softmax "
            "unchanged and keeps the exponents at most 0"),
    Mistake("sum_wrong_axis", "Your softmax normalizes the rows instead of the columns.",
            "each column is one example; its C probabilities sum to 1 (axis 0)"),
    Mistake("shift_wrong_axis", "The columns sum to 1, but the max you subtract is not each "
            "column's own max.",
            "a constant per column leaves softmax unchanged, a constant per row does not: "
            "np.max(Z, axis=0, keepdims=True)"),
    Mistake("not_normalized", "The exponentials are not divided by their sum over the classes.",
            "each column of probabilities sums to 1: divide by the sum over axis 0"),
    Mistake("softmax_values", "Your softmax returns the wrong probabilities.",
            "softmax: exp(z - max z) / sum over the classes of exp(z - max z)"),
    # the cost and its gradient
    Mistake("not_averaged", "Your cost is the sum over the examples, not the mean.",
            "the cost is the mean loss: divide by m, the number of examples (axis 1)"),
    Mistake("one_hot_wrong_axis", "Your cost averages over the classes instead of the examples.",
            "Y is (C, m): sum Y * log(AL) over the classes (axis 0), average over the m "
            "examples (axis 1)"),
    Mistake("wrong_sign", "The result has the wrong sign.",
            "the cost, -mean log(probability of the true class), is positive; its gradient "
            "with respect to z is dZ = AL - Y"),
    Mistake("binary_cross_entropy", "Your cost adds (1 - y) log(1 - a) terms: that is the "
            "two-class (sigmoid) loss.",
            "with softmax only the true class's -log(probability) counts: "
            "-sum(Y * log(AL)) / m"),
    Mistake("not_scalar", "Your cost is an array; it should be one number.",
            "sum over the classes and average over the examples"),
    Mistake("cost_values", "Your cost has the wrong value.",
            "the mean over the m examples of -sum_j y_j log(a_j)"),
    Mistake("divided_by_m", "Your dZ is divided by m.",
            "dZ is per example in this course; linear_backward applies the 1/m once"),
    Mistake("gradient_values", "Your dZ has the wrong values.", "dZ = AL - Y"),
    # batch norm, forward
    Mistake("unbiased_variance", "Your variance divides by m - 1 (ddof=1).",
            "batch norm uses the biased variance of the batch, dividing by m (np.var's "
            "default)"),
    Mistake("epsilon_outside_sqrt", "Your epsilon is added outside the square root.",
            "z_norm = (z - mu) / sqrt(var + epsilon): epsilon goes inside the root"),
    Mistake("no_epsilon", "Your normalization leaves out epsilon.",
            "divide by sqrt(var + epsilon)"),
    Mistake("no_sqrt", "You divide by the variance instead of the standard deviation.",
            "divide by sqrt(var + epsilon)"),
    Mistake("no_gamma_beta", "Your Z_tilde is not scaled by gamma and shifted by beta.",
            "the scale and shift after normalizing, Z_tilde = gamma * Z_norm + beta"),
    Mistake("train_values", "In train mode your Z_tilde has the wrong values.",
            "each row: (z - batch mean) / sqrt(batch variance + epsilon), then gamma and beta"),
    Mistake("running_never_updated", "Your train mode never updates the running averages.",
            "assign the new averages back into bn_state[\"running_mean\"] and "
            "bn_state[\"running_var\"]"),
    Mistake("running_weighted_wrong_way", "Your running averages give the batch the weight "
            "momentum and the old average 1 - momentum.",
            "an exponentially weighted average keeps momentum of the old value: running = "
            "momentum * running + (1 - momentum) * batch"),
    Mistake("running_values", "Your running averages have the wrong values after a "
            "train-mode step.",
            "running = momentum * running + (1 - momentum) * (batch mean or biased batch "
            "variance)"),
    Mistake("batch_stats_in_test_mode", "Your test mode normalizes with the statistics of the "
            "test batch.",
            "test mode uses only the running averages from bn_state, so a prediction does not "
            "depend on the other examples (and works for a single one)"),
    Mistake("test_values", "In test mode your Z_tilde has the wrong values.",
            "test mode: gamma * (z - running_mean) / sqrt(running_var + epsilon) + beta"),
    Mistake("test_mode_updates_running", "Your test mode changes the running averages.",
            "only train mode updates bn_state; test mode only reads it"),
    # batch norm, backward
    Mistake("forward_not_passing", "batchnorm_backward is checked through your "
            "batchnorm_forward, which does not pass its own test yet: fix it first.",
            "the train-mode forward pass of section 4"),
    Mistake("dgamma_wrong_axis", "Your dgamma is summed over the wrong axis.",
            "one dgamma per unit: sum over the examples of the batch (axis=1, keepdims=True), "
            "shape (n_l, 1)"),
    Mistake("dbeta_wrong_axis", "Your dbeta is summed over the wrong axis.",
            "one dbeta per unit: sum over the examples of the batch (axis=1, keepdims=True), "
            "shape (n_l, 1)"),
    Mistake("params_not_averaged", "Your dgamma and dbeta are sums over the batch, m times "
            "too large.",
            "like dW and db, dgamma and dbeta are gradients of the mean cost: divide by m"),
    Mistake("param_values", "Your dgamma or dbeta has the wrong values.",
            "dbeta = mean of dZ_tilde and dgamma = mean of dZ_tilde * Z_norm, over the batch"),
    Mistake("missing_variance_term", "Your dZ leaves out the path through the variance.",
            "sigma^2 depends on every z of the batch: dZ has a third term, "
            "- Z_norm * mean(dZ_norm * Z_norm)"),
    Mistake("missing_mean_term", "Your dZ leaves out the path through the mean.",
            "mu depends on every z of the batch: dZ has the term - mean(dZ_norm)"),
    Mistake("dZ_divided_by_m", "Your dZ is m times too small.",
            "dZ is per example, like dZ_tilde: the 1/m is applied in linear_backward"),
    Mistake("dZ_values", "Your dZ disagrees with the numerical gradient.",
            "the three paths from z to the loss: directly, through mu, through sigma^2"),
    # log-scale sampling
    Mistake("global_rng", "Your function draws from numpy's global random generator.",
            "randomness comes in through the rng argument: rng.uniform(low_exp, high_exp, "
            "size), or pass rng on to sample_log_uniform"),
    Mistake("unseeded", "The same generator seed gave different samples.",
            "draw only from the rng argument"),
    Mistake("seed_ignored", "Different generators gave the same samples.",
            "draw from the rng argument, not from a generator you make yourself"),
    Mistake("out_of_range", "Your samples fall outside the range the exponents allow.",
            "r uniform in [low_exp, high_exp]"),
    Mistake("not_log_uniform", "The exponents of your samples are not uniform.",
            "draw r with rng.uniform(low_exp, high_exp, size)"),
    Mistake("alpha_uniform", "Your values are uniform between 10**low_exp and 10**high_exp, so "
            "almost all of them fall in the top decade.",
            "sample the exponent: r uniform in [low_exp, high_exp], then 10 ** r"),
    Mistake("returned_exponent", "You return the exponents r instead of 10 ** r.",
            "the hyperparameter is 10 ** r"),
    Mistake("beta_as_power", "You return 10 ** r: that is 1 - beta, not beta.",
            "beta = 1 - 10 ** r, close to 1"),
    Mistake("beta_uniform", "Your beta is uniform in its range, so few samples have the long "
            "averaging windows near 1.",
            "sample 1 - beta on a log scale: beta = 1 - 10 ** r with r uniform"),
)


def _report(problem):
    """Fail the visible check with ``problem``'s message, if there is a problem."""
    __tracebackhide__ = True
    if problem:
        fail(problem.message)


def _array_problem(value, shape, what, function_name):
    """A Problem when ``value`` is not a numpy array of ``shape``, else None."""
    if not isinstance(value, np.ndarray):
        return MISTAKES.problem("type", f"{function_name} returned {what} as a "
                                        f"{type(value).__name__}; expected a numpy array.")
    if value.shape != shape:
        transposed = value.ndim == 2 and value.shape == shape[::-1]
        return MISTAKES.problem("transposed" if transposed else "shape",
                                f"{what} has shape {value.shape}; expected {shape}.")
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
        return MISTAKES.problem("no_max_shift", f"{function_name} returned inf or nan.")
    # exp underflows to exactly 0 only for logits far below their column's max
    underflow = Z - Z.max(axis=0, keepdims=True) < -700
    if np.any(A < 0) or np.any((A == 0) & ~underflow):
        return MISTAKES.problem("softmax_values", f"{function_name} returned probabilities "
                                "<= 0; every softmax output is positive.")
    if not close(A.sum(axis=0), np.ones(A.shape[1])):
        if close(A.sum(axis=1), np.ones(A.shape[0])):
            return MISTAKES.problem("sum_wrong_axis", f"The rows of {function_name}'s result "
                                    "sum to 1, not its columns.")
        return MISTAKES.problem("not_normalized", f"The columns of {function_name}'s result "
                                "do not sum to 1.")
    with np.errstate(divide="ignore"):
        offsets = np.where(A > 0, np.log(A) - Z, np.nan)  # constant down each column
    column_offsets = np.broadcast_to(np.nanmean(offsets, axis=0, keepdims=True), A.shape)
    if not close(offsets, np.where(np.isnan(offsets), np.nan, column_offsets), rtol=1e-6,
                 atol=1e-7, equal_nan=True):
        return MISTAKES.problem("shift_wrong_axis", f"log({function_name}(Z)) - Z is not "
                                "constant down each column, as softmax's is.")
    return None


def overflow_problem(A, function_name="softmax"):
    """A Problem when the softmax of very large (or very negative) logits is not finite."""
    if isinstance(A, np.ndarray) and not np.all(np.isfinite(A)):
        return MISTAKES.problem("no_max_shift", f"{function_name} returned inf or nan for "
                                "logits around 1000.")
    return None


def check_softmax(function):
    """Visible check: columns are probabilities, the shift is per column, logits of 1000 work."""
    __tracebackhide__ = True
    name = function.__name__
    rng = np.random.default_rng(0)
    for shape in ((3, 5), (4, 1), (2, 6)):
        Z = rng.normal(0.0, 2.0, size=shape)
        _report(softmax_problem(Z, call(function, Z.copy()), name))
    Z = np.array([[1000.0, -1000.0, 0.0], [999.0, -1001.0, 1000.0], [998.0, -999.0, 1.0]])
    with np.errstate(all="ignore"):
        A = call(function, Z.copy())
    _report(overflow_problem(A, name) or softmax_problem(Z, A, name))
    passed(name)


# ------------------------------------------------------------------ the cost and its gradient

def cost_problem(value, expected, AL, Y, function_name="compute_softmax_cost"):
    """A Problem when the cost ``value`` of probabilities AL (C, m) and one-hot labels Y (C, m)
    is not ``expected``, naming the mistake its ratio to the expected value suggests."""
    C, m = Y.shape
    if isinstance(value, np.ndarray):
        if value.size != 1:
            return MISTAKES.problem("not_scalar", f"{function_name} returned an array of shape "
                                    f"{value.shape}.")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return MISTAKES.problem("type", f"{function_name} returned a {type(value).__name__}; "
                                "expected a float.")
    if np.isclose(value, expected, rtol=1e-6):
        return None
    binary = expected - np.sum((1 - Y) * np.log(1 - AL)) / m  # with the (1 - y) log(1 - a) terms
    mistakes = ((m, "not_averaged", f": {m} times too large"),
                (m / C, "one_hot_wrong_axis", ""), (-1.0, "wrong_sign", ""),
                (binary / expected, "binary_cross_entropy", ""))
    found = f"{function_name} returned {value:.4g}; expected {expected:.4g}"
    for ratio, mistake, detail in mistakes:
        if np.isclose(value / expected, ratio, rtol=1e-6):
            return MISTAKES.problem(mistake, f"{found}{detail}.")
    return MISTAKES.problem("cost_values", f"{found}.")


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
        problem = cost_problem(call(function, AL.copy(), Y.copy()), np.log(2.0), AL, Y, name)
        if problem:
            fail(problem.message + " (The true class has probability 1/2 for every example, "
                                   "so the cost should be ln 2.)")
    passed(name)


def gradient_problem(dZ, expected, function_name="softmax_backward"):
    """A Problem when dZ (C, m) is not ``expected``, naming the likely mistake."""
    problem = _array_problem(dZ, expected.shape, "dZ", function_name)
    if problem:
        return problem
    m = expected.shape[1]
    for factor, mistake, found in ((1.0, None, ""), (1 / m, "divided_by_m", "m times too small"),
                                   (-1.0, "wrong_sign", "minus the expected one")):
        if close(dZ, factor * expected):
            return mistake and MISTAKES.problem(mistake, f"{function_name}'s dZ is {found}.")
    return MISTAKES.problem("gradient_values", f"{function_name} returned the wrong values.")


def check_softmax_backward(function):
    """Visible check: known gradients for uniform predictions and for perfect ones."""
    __tracebackhide__ = True
    name = function.__name__
    C, m = 3, 4
    Y = np.zeros((C, m))
    Y[[0, 2, 1, 2], np.arange(m)] = 1.0
    uniform = np.full((C, m), 1.0 / C)
    # The true class gets 1/C - 1 and the others 1/C, for every example.
    _report(gradient_problem(call(function, uniform.copy(), Y.copy()),
                             np.where(Y == 1, 1.0 / C - 1.0, 1.0 / C), name))
    if not np.allclose(call(function, Y.copy(), Y.copy()), 0.0):
        fail(MISTAKES.problem("gradient_values", f"{name}(Y, Y) is not all zeros, but a "
                              "perfect prediction has no gradient.").message)
    passed(name)


# ------------------------------------------------------------------ batch norm, forward

RUNNING = ("running_mean", "running_var")


def bn_train_problem(Z, gamma, beta, epsilon, Z_tilde, function_name="batchnorm_forward"):
    """A Problem when Z_tilde is not the train-mode batch norm of Z (n, m), else None."""
    problem = _array_problem(Z_tilde, Z.shape, "Z_tilde", function_name)
    if problem:
        return problem
    if not np.all(np.isfinite(Z_tilde)):
        return MISTAKES.problem("train_values", f"{function_name} returned inf or nan in train "
                                "mode.")
    centered = Z - Z.mean(axis=1, keepdims=True)
    Z_norm = (Z_tilde - beta) / gamma  # what the learner's output implies
    if not close(Z_norm.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-7):
        if close(Z_tilde.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-7):
            return MISTAKES.problem("no_gamma_beta", f"{function_name} returns Z_norm, whose "
                                    "rows have mean 0, as Z_tilde.")
        return MISTAKES.problem("train_values", "In train mode the rows of Z_norm should have "
                                "mean 0: subtract the batch mean (np.mean(Z, axis=1, "
                                "keepdims=True)).")
    # Z_norm = centered / D for one D per row; recover D by least squares.
    D = np.sum(centered ** 2, axis=1, keepdims=True) / np.sum(centered * Z_norm, axis=1,
                                                               keepdims=True)
    if not close(Z_norm, centered / D, rtol=1e-6, atol=1e-9):
        return MISTAKES.problem("train_values", f"{function_name} in train mode: each row "
                                "should be (Z - mu) / sqrt(var + epsilon), scaled by gamma and "
                                "shifted by beta.")
    variance = Z.var(axis=1, keepdims=True)
    denominators = {
        None: np.sqrt(variance + epsilon),
        "unbiased_variance": np.sqrt(Z.var(axis=1, ddof=1, keepdims=True) + epsilon),
        "epsilon_outside_sqrt": np.sqrt(variance) + epsilon,
        "no_epsilon": np.sqrt(variance),
        "no_sqrt": variance + epsilon,
    }
    for mistake, expected in denominators.items():
        if close(D, expected, rtol=1e-6):
            return mistake and MISTAKES.problem(mistake, f"{function_name} in train mode "
                                                "divides Z - mu by the wrong number.")
    return MISTAKES.problem("train_values", f"{function_name} in train mode divides Z - mu by "
                            "the wrong number: use sqrt(var + epsilon) with the batch variance "
                            "of each row.")


def bn_running_problem(old_mean, old_var, new_mean, new_var, Z, momentum,
                       function_name="batchnorm_forward"):
    """A Problem when the running averages after one train-mode call on Z (n, m) are not
    momentum * old + (1 - momentum) * (batch mean, batch variance), else None."""
    for key, value in zip(RUNNING, (new_mean, new_var)):
        problem = _array_problem(value, old_mean.shape, f'bn_state["{key}"]', function_name)
        if problem:
            return problem
    if close(new_mean, old_mean, rtol=1e-9) and close(new_var, old_var, rtol=1e-9):
        return MISTAKES.problem("running_never_updated", f"{function_name} in train mode left "
                                "the running averages unchanged.")
    mu = Z.mean(axis=1, keepdims=True)
    weight = (new_mean - old_mean) / (mu - old_mean)  # the share the batch mean got
    if close(weight, np.full_like(weight, momentum), rtol=1e-6) and momentum != 0.5:
        return MISTAKES.problem("running_weighted_wrong_way", f"With momentum = {momentum}, "
                                f"{function_name} moved the running mean {momentum} of the way "
                                f"to the batch mean, not 1 - momentum = {1 - momentum:.2g}.")
    if not close(weight, np.full_like(weight, 1 - momentum), rtol=1e-6):
        return MISTAKES.problem("running_values", f"{function_name}: the running mean should "
                                "become momentum * running_mean + (1 - momentum) * (the batch "
                                "mean).")
    for variance, mistake in ((Z.var(axis=1, keepdims=True), None),
                              (Z.var(axis=1, ddof=1, keepdims=True), "unbiased_variance")):
        if close(new_var, momentum * old_var + (1 - momentum) * variance, rtol=1e-6):
            return mistake and MISTAKES.problem(mistake, f"{function_name}: the running "
                                                "variance averages an unbiased variance.")
    return MISTAKES.problem("running_values", f"{function_name}: the running variance should "
                            "become momentum * running_var + (1 - momentum) * (the batch "
                            "variance).")


def bn_test_problem(Z, gamma, beta, running_mean, running_var, epsilon, Z_tilde,
                    function_name="batchnorm_forward"):
    """A Problem when Z_tilde is not the test-mode batch norm of Z with the running averages."""
    problem = _array_problem(Z_tilde, Z.shape, "Z_tilde (test mode)", function_name)
    if problem:
        return problem
    Z_norm = (Z_tilde - beta) / gamma
    if close(Z_norm * np.sqrt(running_var + epsilon) + running_mean, Z, rtol=1e-6):
        return None
    if close(Z_norm.mean(axis=1), np.zeros(Z.shape[0]), atol=1e-6):
        return MISTAKES.problem("batch_stats_in_test_mode", f"In test mode the rows of "
                                f"{function_name}'s Z_norm have mean 0, as with the batch's "
                                "own mean and variance.")
    return MISTAKES.problem("test_values", f"{function_name} in test mode: Z_tilde should be "
                            "gamma * (Z - running_mean) / sqrt(running_var + epsilon) + beta.")


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
    """A copy of a bn_state whose arrays a call may change without touching ``state``'s."""
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
            fail(MISTAKES.problem("type", f"{name} returned a {type(result).__name__}; expected "
                                  "the pair (Z_tilde, cache).").message)
        _report(bn_train_problem(Z, gamma, beta, epsilon, result[0], name) or
                bn_running_problem(before["running_mean"], before["running_var"],
                                   state["running_mean"], state["running_var"], Z, momentum,
                                   name))
        test_state = copy_state(before)
        Z_tilde, _ = call(function, Z.copy(), gamma.copy(), beta.copy(), test_state, "test")
        _report(bn_test_problem(Z, gamma, beta, before["running_mean"], before["running_var"],
                                epsilon, Z_tilde, name))
        if not all(close(test_state[key], before[key], rtol=0) for key in RUNNING):
            fail(MISTAKES.problem("test_mode_updates_running", f"{name} changed bn_state in "
                                  "test mode.").message)
    passed(name)


# ------------------------------------------------------------------ batch norm, backward

def numerical_batchnorm_gradients(forward, Z, gamma, beta, state, dZ_tilde):
    """Two-sided numerical gradients of the train-mode ``forward`` at (Z, gamma, beta), in the
    course's scaling: for J = sum(dZ_tilde * Z_tilde) / m, returns (m * dJ/dZ, dJ/dgamma,
    dJ/dbeta), with the shapes of Z (n, m), gamma and beta (n, 1)."""
    m = Z.shape[1]

    def cost_of(inputs):
        Z_tilde, _ = forward(inputs["Z"].copy(), inputs["gamma"].copy(),
                             inputs["beta"].copy(), copy_state(state), "train")
        return float(np.sum(dZ_tilde * Z_tilde)) / m

    gradients = numerical_gradients(cost_of, {"Z": Z, "gamma": gamma, "beta": beta},
                                    epsilon=1e-5)
    return m * gradients["dZ"], gradients["dgamma"], gradients["dbeta"]  # dZ is per example


GRADIENT_TOLERANCE = 1e-6  # relative difference with the numerical gradient


def bn_backward_problem(Z, gradients, numerical, function_name="batchnorm_backward"):
    """A Problem when the learner's (dZ, dgamma, dbeta) disagree with the numerical gradients
    (same order) for the train-mode batch norm of Z (n, m), naming the likely mistake."""
    n, m = Z.shape
    if not isinstance(gradients, (tuple, list)) or len(gradients) != 3:
        return MISTAKES.problem("type", f"{function_name} returned a "
                                f"{type(gradients).__name__}; expected (dZ, dgamma, dbeta).")
    dZ, dgamma, dbeta = gradients
    for what, value in (("dgamma", dgamma), ("dbeta", dbeta)):
        problem = _array_problem(value, (n, 1), what, function_name)
        if problem and isinstance(value, np.ndarray) and \
                value.shape in ((1, m), (m,), (), (1, 1), (1,)):
            return MISTAKES.problem(f"{what}_wrong_axis", f"{what} has shape {value.shape}; "
                                    f"expected {(n, 1)}, one value per unit.")
        if problem:
            return problem
    problem = _array_problem(dZ, (n, m), "dZ", function_name)
    if problem:
        return problem
    dZ_num, dgamma_num, dbeta_num = numerical
    wrong = [(value, expected) for value, expected in ((dgamma, dgamma_num), (dbeta, dbeta_num))
             if relative_difference(value, expected) >= GRADIENT_TOLERANCE]
    if wrong:
        if all(relative_difference(value, m * expected) < GRADIENT_TOLERANCE
               for value, expected in wrong):
            return MISTAKES.problem("params_not_averaged", f"{function_name}: dgamma and dbeta "
                                    f"are {m} times the numerical gradients.")
        return MISTAKES.problem("param_values", f"{function_name}: dgamma or dbeta disagrees "
                                "with the numerical gradient.")
    gap = relative_difference(dZ, dZ_num)
    if gap < GRADIENT_TOLERANCE:
        return None
    if relative_difference(dZ, dZ_num / m) < GRADIENT_TOLERANCE:
        return MISTAKES.problem("dZ_divided_by_m", f"{function_name}: dZ is the numerical "
                                f"gradient divided by m = {m}.")
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
        return MISTAKES.problem("missing_variance_term", f"{function_name}: dZ differs from the "
                                "numerical gradient by a multiple of Z - mu in each row.")
    if row_constant and not along_centered:
        return MISTAKES.problem("missing_mean_term", f"{function_name}: dZ differs from the "
                                "numerical gradient by a constant in each row.")
    return MISTAKES.problem("dZ_values", f"{function_name}: relative difference "
                            f"{gap:.1e} between dZ and the numerical gradient.")


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
            fail(MISTAKES.problem("forward_not_passing", problem.message).message)
        numerical = numerical_batchnorm_gradients(forward, Z, gamma, beta, state, dZ_tilde)
        _report(bn_backward_problem(Z, call(function, dZ_tilde.copy(), result[1]), numerical,
                                    name))
    passed(name)


# ------------------------------------------------------------------ log-scale sampling

SAMPLE_SIZE = 20_000  # large enough for every decade's share to be within 2% of its due
MIN_DISTRIBUTION_SIZE = 10_000  # smaller samples are checked for shape and range only


def _exponent_problem(exponents, low_exp, high_exp, skewed, what, function_name):
    """A Problem when ``exponents`` (as many as the samples) are not uniform in [low_exp,
    high_exp]: the mistake ``skewed`` when most of them are in the top unit, else
    not_log_uniform."""
    if exponents.size < MIN_DISTRIBUTION_SIZE:
        return None
    bins = max(int(round(high_exp - low_exp)), 1)
    counts, _ = np.histogram(exponents, bins=bins, range=(low_exp, high_exp))
    shares = counts / max(exponents.size, 1)  # the share of each decade
    if np.all(np.abs(shares - 1 / len(shares)) < 0.02):
        return None
    if shares[-1] > 0.8:
        return MISTAKES.problem(skewed, f"{function_name}: {what} lies in [{high_exp - 1}, "
                                f"{high_exp}] for {shares[-1]:.0%} of the samples.")
    return MISTAKES.problem("not_log_uniform", f"{function_name}: {what} falls in the units of "
                            f"[{low_exp}, {high_exp}] with the shares "
                            f"{np.round(shares, 2).tolist()}.")


def _within(values, low, high, slack):
    return bool(np.all((values >= low - slack) & (values <= high + slack)))


def log_uniform_problem(values, low_exp, high_exp, size, function_name="sample_log_uniform"):
    """A Problem when ``values`` is not 10**r with r uniform in [low_exp, high_exp] and of shape
    ``size``, else None (the distribution is only judged on large samples)."""
    shape = (size,) if isinstance(size, int) else tuple(size)
    problem = _array_problem(values, shape, "the samples", function_name)
    if problem:
        return problem
    if _within(values, low_exp, high_exp, 0) and high_exp <= 0:
        return MISTAKES.problem("returned_exponent", f"{function_name}'s samples all lie in "
                                f"[{low_exp}, {high_exp}], the range of the exponents.")
    low, high = 10.0 ** low_exp, 10.0 ** high_exp
    if not _within(values, low * (1 - 1e-9), high * (1 + 1e-9), 0):
        return MISTAKES.problem("out_of_range", f"{function_name}({low_exp}, {high_exp}, ...) "
                                f"returned values outside [10**{low_exp}, 10**{high_exp}].")
    return _exponent_problem(np.log10(values), low_exp, high_exp, "alpha_uniform",
                             "log10(value)", function_name)


def beta_problem(values, low_exp, high_exp, size, function_name="sample_beta"):
    """A Problem when ``values`` is not 1 - 10**r with r uniform in [low_exp, high_exp]."""
    shape = (size,) if isinstance(size, int) else tuple(size)
    problem = _array_problem(values, shape, "the samples", function_name)
    if problem:
        return problem
    if _within(values, 10.0 ** low_exp * (1 - 1e-9), 10.0 ** high_exp * (1 + 1e-9), 0):
        return MISTAKES.problem("beta_as_power", f"{function_name}'s samples all lie in "
                                f"[10**{low_exp}, 10**{high_exp}], near 0.")
    if not _within(values, 1 - 10.0 ** high_exp, 1 - 10.0 ** low_exp, 1e-12):
        return MISTAKES.problem("out_of_range", f"{function_name}({low_exp}, {high_exp}, ...) "
                                f"returned values outside [1 - 10**{high_exp}, "
                                f"1 - 10**{low_exp}].")
    return _exponent_problem(np.log10(1 - values), low_exp, high_exp, "beta_uniform",
                             "log10(1 - beta)", function_name)


def _check_sampler(function, diagnose, low_exp, high_exp):
    __tracebackhide__ = True
    name = function.__name__
    small = call(function, low_exp, high_exp, (2, 3), np.random.default_rng(0))
    _report(_array_problem(small, (2, 3), "the samples for size=(2, 3)", name))
    before = global_rng_fingerprint()
    values = call(function, low_exp, high_exp, SAMPLE_SIZE, np.random.default_rng(1))
    if global_rng_fingerprint() != before:
        fail(MISTAKES.problem("global_rng", f"{name} changed numpy's global random state "
                              "(np.random.uniform?).").message)
    _report(diagnose(values, low_exp, high_exp, SAMPLE_SIZE, name))
    again = call(function, low_exp, high_exp, SAMPLE_SIZE, np.random.default_rng(1))
    if not np.array_equal(values, again):
        fail(MISTAKES.problem("unseeded", f"{name} was called twice with "
                              "np.random.default_rng(1).").message)
    passed(name)


def check_sample_log_uniform(function):
    """Visible check: shape, range, one share per decade, randomness from the rng argument."""
    __tracebackhide__ = True
    _check_sampler(function, log_uniform_problem, -4, 0)


def check_sample_beta(function):
    """Visible check: beta in [0.9, 0.999] for r in [-3, -1], log10(1 - beta) uniform."""
    __tracebackhide__ = True
    _check_sampler(function, beta_problem, -3, -1)
