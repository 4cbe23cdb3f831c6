"""Visible checks for Assignment 3 (gradient checking), and the diagnostics they share with the
autograder's hidden tests.

A gradient check is judged by what it does, not by how it is written: the checks hand the
learner's function a ``forward`` that records every point it is evaluated at and a ``backward``
that counts its calls, then read the points (in units of epsilon, relative to theta), the
numerical gradient and the difference. The diagnostics below turn those plain observations into
a named mistake with a message; they never compute a gradient check themselves.
"""

import contextlib
import io
from typing import NamedTuple

import numpy as np

from helpers.checks import call, fail, passed, random_net
from helpers.gradcheck import BUG_LEVEL, THRESHOLD, dictionary_to_vector
from helpers.network import compute_cost, model_backward, model_forward

OK_MARK, BUG_MARK = "\u2714", "\u2718"  # what helpers.gradcheck.report_check prints first


class Problem(NamedTuple):
    """A diagnosed mistake: a short id the autograder's catalogue knows, and a learner message."""

    mistake: str
    message: str


# ------------------------------------------------------------------ instruments

class RecordingForward1D:
    """forward(x, theta) -> J for the 1-D checks; records (theta - theta0) / epsilon per call."""

    def __init__(self, J, theta0, epsilon):
        self.J, self.theta0, self.epsilon = J, float(theta0), float(epsilon)
        self.offsets = []

    def __call__(self, x, theta):
        self.offsets.append((float(np.squeeze(theta)) - self.theta0) / self.epsilon)
        return self.J(x, theta)


class RecordingForward:
    """forward(X, Y, parameters) -> (cost, None) for the N-D checks; records, per call, the
    point (all parameters flattened in the order of ``parameters0``) minus theta0, over
    epsilon. ``cost(X, Y, parameters) -> float`` is the function being checked."""

    def __init__(self, cost, parameters0, epsilon):
        self.cost, self.epsilon = cost, float(epsilon)
        self.keys = list(parameters0)
        self.theta0 = dictionary_to_vector(parameters0)[0].ravel()
        self.offsets = []

    def __call__(self, X, Y, parameters):
        point = np.concatenate([np.ravel(np.asarray(parameters[key], dtype=float))
                                for key in self.keys])
        self.offsets.append((point - self.theta0) / self.epsilon)
        return self.cost(X, Y, parameters), None

    def offset_matrix(self):
        """(number of calls, n) array of the recorded offsets."""
        return np.array(self.offsets, dtype=float).reshape(-1, self.theta0.size)


class CountingBackward:
    """backward(x, theta) that counts its calls."""

    def __init__(self, dJ):
        self.dJ, self.calls = dJ, 0

    def __call__(self, x, theta):
        self.calls += 1
        return self.dJ(x, theta)


def captured_call(function, *args, **kwargs):
    """(result, printed text) of ``function(*args, **kwargs)``; exceptions propagate."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = function(*args, **kwargs)
    return result, buffer.getvalue()


def printed_verdict(text):
    """True when report_check said the backprop is right, False when it said wrong, None when
    it printed neither."""
    if OK_MARK in text and BUG_MARK not in text:
        return True
    if BUG_MARK in text and OK_MARK not in text:
        return False
    return None


def as_number(value):
    """A float for a number, a 0-d or one-element array; None for anything else."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(-1)[0]) if array.size == 1 else None


def net_cost(X, Y, parameters):
    """Mean cross-entropy of the given ReLU/sigmoid net (helpers.network)."""
    AL, _ = model_forward(X, parameters)
    return compute_cost(AL, Y)


def net_gradients(X, Y, parameters):
    """The gradients of net_cost from helpers.network's backward pass."""
    AL, caches = model_forward(X, parameters)
    return model_backward(AL, Y, caches)


# ------------------------------------------------------------------ diagnostics on plain data

def evaluation_problem(offsets, num_parameters, function_name="gradient_check_n"):
    """A Problem with the points where J was evaluated, or None when they are exactly
    theta + epsilon e_i and theta - epsilon e_i for every i (in any order).

    offsets: (calls, n) array of (point - theta) / epsilon. A Problem named
    "evaluated_at_theta" means J(theta) itself was used: a one-sided difference, or theta_minus
    built from theta_plus; the caller tells them apart from the size of gradapprox.
    """
    offsets = np.asarray(offsets, dtype=float).reshape(-1, num_parameters)
    if len(offsets) == 0:
        return Problem("forward_not_called", f"{function_name} never called the `forward` it "
                       "was given: compute J_plus and J_minus with forward(...), not with a "
                       "function or value defined outside.")
    nonzero = np.abs(offsets) > 1e-3
    counts = nonzero.sum(axis=1)
    if num_parameters > 1 and np.all(counts[counts > 0] == num_parameters):
        return Problem("whole_vector", f"{function_name} perturbed every parameter at once; "
                       "perturb only entry i (theta_plus[i] += epsilon) so that gradapprox[i] "
                       "is the slope along that one parameter.")
    if np.any(counts > 1):
        return Problem("no_copy", f"{function_name} evaluated J at points where several "
                       "entries were perturbed: the perturbations accumulate. Start each i "
                       "from a fresh copy, theta_plus = np.copy(theta).")
    values = np.abs(offsets[nonzero])
    if values.size and np.any(np.abs(values - 1) > 1e-3):
        return Problem("epsilon_ignored", f"{function_name} moved the parameters by a step "
                       "other than the `epsilon` argument; use epsilon, not a number of your "
                       "own.")
    plus = {int(i) for i in np.nonzero((offsets > 0.5).any(axis=0))[0]}
    minus = {int(i) for i in np.nonzero((offsets < -0.5).any(axis=0))[0]}
    if (not plus or not minus) and np.any(counts == 0):
        return Problem("evaluated_at_theta", f"{function_name} evaluated J at theta itself.")
    if len(plus) < num_parameters or len(minus) < num_parameters:
        return Problem("skipped_components", f"{function_name} did not perturb every entry of "
                       "theta in both directions; loop over all of range(num_parameters).")
    return None


def one_sided_or_minus_from_plus(ratio, function_name="gradient_check_n"):
    """Tell the two ways of evaluating J at theta apart: gradapprox about half the true slope
    means theta_minus = theta_plus - epsilon (divided by 2 epsilon)."""
    if abs(ratio - 0.5) < 0.1:
        return Problem("minus_from_plus", f"{function_name} built theta_minus from theta_plus "
                       "(or both are the same array), so J_minus = J(theta) and gradapprox is "
                       "half the slope. Build theta_minus from a fresh copy of theta.")
    return Problem("one_sided", f"{function_name} used a one-sided difference "
                   "(J(theta + epsilon) - J(theta)) / epsilon; use the two-sided "
                   "(J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon): its error is "
                   "O(epsilon^2) instead of O(epsilon).")


def scale_ratio(student, reference):
    """The median ratio student / reference over entries where the reference is not tiny."""
    student = np.asarray(student, dtype=float).reshape(-1)
    reference = np.asarray(reference, dtype=float).reshape(-1)
    if student.shape != reference.shape or not np.all(np.isfinite(student)):
        return float("nan")
    keep = np.abs(reference) > 1e-3 * np.max(np.abs(reference))
    return float(np.median(student[keep] / reference[keep]))


def scaling_problem(ratio, function_name="gradient_check_n"):
    """A Problem when gradapprox is a constant multiple of the true slope (ratio != 1)."""
    if abs(ratio - 1) < 1e-4:
        return None
    if abs(ratio - 2) < 0.05 or abs(ratio - 0.5) < 0.02:
        return Problem("missing_factor_2", f"{function_name}: gradapprox is off by a factor 2; "
                       "divide J_plus - J_minus by 2 * epsilon (the two points are 2 epsilon "
                       "apart).")
    if abs(ratio) < 1e-3:
        return Problem("precedence", f"{function_name}: gradapprox is far too small; "
                       "(J_plus - J_minus) / 2 * epsilon multiplies by epsilon. Write "
                       "/ (2 * epsilon) with the parentheses.")
    return Problem("wrong_gradapprox", f"{function_name}: gradapprox is not the two-sided "
                   "difference (J_plus - J_minus) / (2 epsilon).")


def scaling_from_difference(difference, function_name="gradient_check"):
    """1-D: with the right points and a right backward, a difference near 1/3 means gradapprox
    is scaled by 2 (or 1/2), near 1 means it is tiny (a precedence slip); None below 0.1."""
    value = as_number(difference)
    if value is None or not np.isfinite(value) or value < 0.1:
        return None
    if abs(value - 1 / 3) < 0.01:
        return scaling_problem(2.0, function_name)
    if value > 0.99:
        return scaling_problem(0.0, function_name)
    return scaling_problem(float("nan"), function_name)


def _norm(value):
    return float(np.linalg.norm(np.asarray(value, dtype=float).reshape(-1)))


def difference_problem(difference, grad, gradapprox, expected, function_name="gradient_check_n"):
    """A Problem when ``difference`` is not ||grad - gradapprox|| / (||grad|| + ||gradapprox||)
    for a check where the two gradients differ clearly (``expected`` is that value, from the
    reference); None when it matches to 0.1%."""
    value = as_number(difference)
    if value is None or not np.isfinite(value) or value < 0:
        return Problem("no_norms", f"{function_name}: the difference should be one non-negative "
                       "number, ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2), "
                       "computed with np.linalg.norm.")
    if abs(value - expected) <= 1e-3 * expected:
        return None
    g = np.asarray(grad, dtype=float).reshape(-1)
    a = np.asarray(gradapprox, dtype=float).reshape(-1)
    top = _norm(g - a)
    candidates = {
        "denominator_missing_term": (top / _norm(g), top / _norm(a)),
        "denominator_norm_of_sum": (top / _norm(g + a),),
        "no_norms": (top ** 2 / (_norm(g) ** 2 + _norm(a) ** 2),
                     abs(np.sum(g - a)) / (abs(np.sum(g)) + abs(np.sum(a))),
                     abs(np.sum(g - a) / np.sum(g + a)),
                     np.sum(np.abs(g - a)) / (np.sum(np.abs(g)) + np.sum(np.abs(a)))),
    }
    messages = {
        "denominator_missing_term": "the denominator needs both norms, "
                                    "||grad||_2 + ||gradapprox||_2",
        "denominator_norm_of_sum": "the denominator is the sum of two norms, "
                                   "||grad||_2 + ||gradapprox||_2, not the norm of the sum",
        "no_norms": "use Euclidean norms (np.linalg.norm), not squares, sums or absolute values",
    }
    for mistake, values in candidates.items():
        if any(abs(value - c) <= 1e-3 * abs(c) for c in values if np.isfinite(c)):
            return Problem(mistake, f"{function_name}: the difference is computed with the wrong "
                           f"formula: {messages[mistake]}.")
    return Problem("wrong_difference", f"{function_name}: the difference should be "
                   "||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2).")


def magnitude_problem(difference, expected=None, function_name="gradient_check_n"):
    """For a correct backprop: a Problem when the difference is not below THRESHOLD, or (given
    the reference's ``expected``) is more than three orders of magnitude below it, as squared
    norms make it. Tiny values are compared on a log scale, never with an absolute tolerance;
    rounding alone may move a right difference up or down by a decade or two."""
    value = as_number(difference)
    if value is None or not np.isfinite(value) or value < 0:
        return Problem("no_norms", f"{function_name}: the difference should be one non-negative "
                       "number computed with np.linalg.norm.")
    if value >= THRESHOLD:
        return Problem("wrong_difference", f"{function_name}: for a correct backprop the "
                       f"difference came out as {value:.1e}; with the norm formula it is "
                       f"far below {THRESHOLD:g}.")
    if expected is not None and expected > 1e-11 and value < expected * 1e-3:
        return Problem("no_norms", f"{function_name}: for a correct backprop the difference is "
                       "orders of magnitude smaller than the norm ratio can be: use norms "
                       "(np.linalg.norm), not squares.")
    return None


def verdict_problem(student, reference, function_name="gradient_check_n"):
    """Compare the printed verdicts (tuples of True/False/None, one per case) with the
    reference's: reversed everywhere, or wrong somewhere."""
    if tuple(student) == tuple(reference):
        return None
    if all(s is not None and s == (not r) for s, r in zip(student, reference)):
        return Problem("threshold_reversed", f"{function_name} says the backprop is right when "
                       f"the difference is large: the check passes when difference < "
                       f"{THRESHOLD:g}.")
    return Problem("wrong_threshold", f"{function_name} decided right/wrong with the wrong "
                   f"test: backward_ok = difference < {THRESHOLD:g}.")


# ------------------------------------------------------------------ visible checks

def _J_linear(x, theta):
    return theta * x


def _dJ_linear(x, theta):
    return x


def _J_cubic(x, theta):
    return x * theta ** 3


def _dJ_cubic(x, theta):
    return 3 * x * theta ** 2


def check_forward_propagation(function):
    """Visible check: J = theta * x."""
    __tracebackhide__ = True
    name = function.__name__
    for x, theta in ((2.0, 3.0), (-1.5, 4.0), (0.5, -2.0)):
        J = as_number(call(function, x, theta))
        if J is None:
            fail(f"{name}({x}, {theta}) should return a number J.")
        if np.isclose(J, x + theta) and not np.isclose(x + theta, x * theta):
            fail(f"{name}({x}, {theta}) returned {J:g}, which is x + theta; J = theta * x.")
        if not np.isclose(J, x * theta):
            fail(f"{name}({x}, {theta}) returned {J:g}; expected theta * x = {x * theta:g}.")
    passed(name)


def check_backward_propagation(function):
    """Visible check: dJ/dtheta = x for J = theta * x."""
    __tracebackhide__ = True
    name = function.__name__
    for x, theta in ((2.0, 3.0), (-1.5, 4.0)):
        dtheta = as_number(call(function, x, theta))
        if dtheta is None:
            fail(f"{name}({x}, {theta}) should return a number dtheta.")
        if np.isclose(dtheta, theta):
            fail(f"{name}({x}, {theta}) returned {dtheta:g} = theta, the derivative with "
                 "respect to x; differentiate J = theta * x with respect to theta.")
        if np.isclose(dtheta, x * theta):
            fail(f"{name}({x}, {theta}) returned J itself ({dtheta:g}); return dJ/dtheta.")
        if not np.isclose(dtheta, x):
            fail(f"{name}({x}, {theta}) returned {dtheta:g}; expected dJ/dtheta = x = {x:g}.")
    passed(name)


def _run_1d(function, x, theta, epsilon, J, dJ):
    """(difference, offsets, backward calls, printed verdict) of one 1-D check."""
    forward = RecordingForward1D(J, theta, epsilon)
    backward = CountingBackward(dJ)
    difference, text = captured_call(function, x, theta, epsilon=epsilon, print_msg=True,
                                     forward=forward, backward=backward)
    return difference, np.array(forward.offsets), backward.calls, printed_verdict(text)


def check_gradient_check(function):
    """Visible check: two-sided difference at theta +- epsilon, the norm formula, and the
    verdict, on a linear and a cubic J with a right and a wrong derivative."""
    __tracebackhide__ = True
    name = function.__name__
    x, theta = 1.5, 0.8
    slope = _dJ_cubic(x, theta)
    try:
        right = _run_1d(function, x, theta, 1e-7, _J_cubic, _dJ_cubic)
    except NotImplementedError:
        fail(f"{name} is not implemented yet: replace `raise NotImplementedError()` with your "
             "code.")
    # a backward pass that returns half the true slope: a clear bug
    wrong = _run_1d(function, x, theta, 1e-7, _J_cubic, lambda x, t: 0.5 * _dJ_cubic(x, t))
    difference, offsets, calls, verdict = right
    value = as_number(wrong[0])
    if value is not None and 0 <= value < 1e-10:
        fail(f"{name} gave a difference of {value:.1e} for a backward that is 50% off: "
             "compare gradapprox with grad = backward(x, theta), not with itself.")
    if calls == 0:
        fail(f"{name} never called the `backward` it was given: grad = backward(x, theta), not "
             "a value or function from outside.")
    problem = evaluation_problem(offsets, 1, name)
    if problem and problem.mistake == "evaluated_at_theta":
        # a linear J tells the two apart: one-sided is exact there, theta_minus from theta_plus
        # gives half the slope
        linear = as_number(_run_1d(function, x, theta, 1e-7, _J_linear, _dJ_linear)[0])
        problem = one_sided_or_minus_from_plus(
            0.5 if linear is not None and linear > 0.1 else 1.0, name)
    if problem:
        fail(problem.message)
    other_step = _run_1d(function, x, theta, 1e-5, _J_cubic, _dJ_cubic)
    problem = evaluation_problem(other_step[1], 1, name)
    if problem:
        fail(problem.message)
    problem = scaling_from_difference(difference, name)
    if problem:
        fail(problem.message)
    problem = difference_problem(wrong[0], 0.5 * slope, slope, 1 / 3, name)
    if problem:
        fail(problem.message)
    problem = magnitude_problem(difference, None, name)
    if problem:
        fail(problem.message)
    # a backward pass off by 0.01%: between the threshold and the bug level, still wrong
    subtle = _run_1d(function, x, theta, 1e-7, _J_cubic, lambda x, t: (1 + 1e-4) * _dJ_cubic(x, t))
    problem = verdict_problem((verdict, wrong[3], subtle[3]), (True, False, False), name)
    if problem:
        fail(problem.message)
    passed(name)


def check_gradient_check_n(function):
    """Visible check on a small net of its own: the points J is evaluated at, gradapprox
    against the backward pass of helpers.network, the difference and the verdict."""
    __tracebackhide__ = True
    name = function.__name__
    parameters, X, Y = random_net([3, 4, 2, 1], 4, seed=11)
    grads = net_gradients(X, Y, parameters)
    true_grad = np.concatenate([grads["d" + key].ravel() for key in parameters])
    results = {}
    for case, gradients in (("right", grads),
                            ("wrong", {key: value * (3.0 if key == "db2" else 1.0)
                                       for key, value in grads.items()}),
                            ("subtle", {key: value * (1 + 1e-4) for key, value in grads.items()})):
        forward = RecordingForward(net_cost, parameters, 1e-6)  # a non-default epsilon
        try:
            (difference, gradapprox), text = captured_call(
                function, parameters, gradients, X, Y, epsilon=1e-6, print_msg=True,
                forward=forward)
        except NotImplementedError:
            fail(f"{name} is not implemented yet: replace `raise NotImplementedError()` with "
                 "your code.")
        results[case] = difference, gradapprox, forward.offset_matrix(), printed_verdict(text)
    difference, gradapprox, offsets, verdict = results["right"]
    ratio = scale_ratio(gradapprox, true_grad)
    problem = evaluation_problem(offsets, true_grad.size, name)
    if problem and problem.mistake == "evaluated_at_theta":
        problem = one_sided_or_minus_from_plus(ratio, name)
    problem = problem or scaling_problem(ratio, name)
    if problem is None and not np.allclose(np.ravel(gradapprox), true_grad, rtol=1e-4,
                                           atol=1e-7):
        problem = Problem("wrong_gradapprox", f"{name}: gradapprox does not match the true "
                          "gradient; gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 epsilon).")
    if problem:
        fail(problem.message)
    wrong_value = as_number(results["wrong"][0])
    if wrong_value is not None and 0 <= wrong_value < 1e-10:
        fail(f"{name} gave a difference of {wrong_value:.1e} for gradients with a planted bug: "
             "compare gradapprox with grad (from `gradients`), not with itself.")
    wrong_grad = true_grad.copy()
    start = sum(np.size(parameters[key]) for key in ("W1", "b1", "W2"))
    wrong_grad[start:start + 2] *= 3.0
    expected = np.linalg.norm(wrong_grad - true_grad) / (np.linalg.norm(wrong_grad)
                                                         + np.linalg.norm(true_grad))
    problem = (difference_problem(results["wrong"][0], wrong_grad, results["wrong"][1],
                                  expected, name)
               or magnitude_problem(difference, None, name)
               or verdict_problem((verdict, results["wrong"][3], results["subtle"][3]),
                                  (True, False, False), name))
    if problem:
        fail(problem.message)
    if wrong_value <= BUG_LEVEL:
        fail(f"{name} gave {wrong_value:.1e} for gradients with a planted bug; expected a "
             f"difference above {BUG_LEVEL:g}.")
    passed(name)


def check_backward_propagation_n(function, forward):
    """Visible check: every gradient agrees with an independent backward pass (helpers.network)
    on a few nets; names the arrays that disagree and by how much they are scaled."""
    __tracebackhide__ = True
    name = function.__name__
    for layers_dims, m, seed in (([4, 5, 3, 1], 6, 1), ([3, 2, 4, 1], 5, 2)):
        parameters, X, Y = random_net(layers_dims, m, seed)
        _, cache = forward(X, Y, parameters)
        gradients = call(function, X, Y, cache)
        if not isinstance(gradients, dict):
            fail(f"{name} returned {type(gradients).__name__}; expected a dict of gradients. "
                 "Did you forget the `return`?")
        expected = net_gradients(X, Y, parameters)
        problems = [gradient_problem(gradients.get(key), expected[key], key)
                    for key in ("dW1", "db1", "dW2", "db2", "dW3", "db3")]
        problems = [problem.message for problem in problems if problem]
        if problems:
            fail(f"{name}: " + " ".join(problems))
    passed(name)


def gradient_problem(value, expected, key):
    """A Problem with one gradient array: missing, wrong shape, or a value that disagrees with
    ``expected`` (a relative difference above THRESHOLD); names a constant factor if any."""
    if value is None:
        return Problem("missing_gradient", f"no {key} in the gradients it returned.")
    value = np.asarray(value, dtype=float)
    if value.shape != expected.shape:
        return Problem("wrong_shape", f"{key} has shape {value.shape}; expected "
                       f"{expected.shape} (keepdims=True keeps db a column).")
    scale = np.linalg.norm(value) + np.linalg.norm(expected)
    difference = np.linalg.norm(value - expected) / scale if scale > 0 else 0.0
    if difference < THRESHOLD:
        return None
    ratio = scale_ratio(value, expected)
    if np.isfinite(ratio) and abs(ratio - round(ratio)) < 1e-6 and round(ratio) not in (0, 1) \
            and np.allclose(value, round(ratio) * expected, rtol=1e-6, atol=1e-12):
        return Problem(f"{key}_times_{round(ratio)}", f"{key} is {round(ratio)} times the true "
                       "gradient: look for a stray factor in its line.")
    return Problem(f"{key}_wrong", f"{key} disagrees with the true gradient (relative "
                   f"difference {difference:.1e}).")
