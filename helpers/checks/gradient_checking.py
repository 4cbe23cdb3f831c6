"""Visible checks for Assignment 3 (gradient checking), and the diagnostics they share with the
autograder's hidden tests.

A gradient check is judged by what it does, not by how it is written: ``run_check_1d`` and
``run_check_n`` hand the learner's function a ``forward`` that records every point it is
evaluated at and a ``backward`` that counts its calls, and return plain observations (the points
in units of epsilon relative to theta, the difference, gradapprox, the printed verdict).
``gradient_check_problem`` turns the observations of several cases into a named mistake; the
visible checks compare them with what a right check gives, the hidden tests with the reference.
Nothing here computes a gradient check itself.
"""

import contextlib
import io

import numpy as np

from helpers.checks import (as_number, call, close, expect_dict, fail, passed, random_net,
                            relative_difference)
from helpers.gradcheck import BUG_LEVEL, THRESHOLD, dictionary_to_vector
from helpers.mistakes import Catalogue, Mistake
from helpers.network import compute_cost, model_backward, model_forward

OK_MARK, BUG_MARK = "\u2714", "\u2718"  # what helpers.gradcheck.report_check prints first

DIFFERENCE = "difference = ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)"
TWO_SIDED = "the two-sided difference, gradapprox = (J_plus - J_minus) / (2 * epsilon)"
VERDICT = f"backward_ok = difference < THRESHOLD ({THRESHOLD:g})"

MISTAKES = Catalogue(
    "gradient checking",
    # forward_propagation and backward_propagation
    Mistake("not_a_number", "The function should return one number.",
            "J = theta * x and its derivative dJ/dtheta are real numbers"),
    Mistake("sum", "forward_propagation adds theta and x instead of multiplying them.",
            "the model's cost is the product J = theta * x"),
    Mistake("wrong_cost", "forward_propagation does not return J = theta * x.",
            "the one-parameter model J = theta * x"),
    Mistake("derivative_wrt_x", "backward_propagation returns theta, the derivative with "
            "respect to x.", "differentiate J = theta * x with respect to theta"),
    Mistake("returns_J", "backward_propagation returns J itself instead of its derivative.",
            "dJ/dtheta of J = theta * x"),
    Mistake("wrong_derivative", "backward_propagation does not return dJ/dtheta.",
            "dJ/dtheta of J = theta * x"),
    Mistake("global_name", "The function uses a name defined outside it (for example a value "
            "computed in another cell), which does not exist when it is graded.",
            "compute everything from the function's arguments"),
    # gradient_check and gradient_check_n
    Mistake("grad_is_gradapprox", "The difference stays at zero even when the backward pass "
            "is wrong: compare gradapprox with grad from backprop, not with itself.",
            "grad comes from backprop, gradapprox from the cost; the check compares the two"),
    Mistake("not_difference_and_gradapprox", "The check should return the difference and "
            "gradapprox, the numerical gradient (n, 1).",
            "the given return line: return difference, gradapprox"),
    Mistake("forward_not_called", "J_plus and J_minus should come from the `forward` argument, "
            "not from another function or a value computed outside.",
            "the check tests whatever `forward` it is given"),
    Mistake("backward_not_called", "grad should come from backward(x, theta), the argument, not "
            "from a global or another function.",
            "the check tests whatever `backward` it is given, at the theta being checked"),
    Mistake("whole_vector", "The check perturbs every parameter at once; perturb only entry i "
            "(theta_plus[i] += epsilon), so that gradapprox[i] is the slope along that one "
            "parameter.", "theta_plus = theta + epsilon e_i changes entry i only"),
    Mistake("no_copy", "The perturbations accumulate: start each i from a fresh copy, "
            "theta_plus = np.copy(theta).", "theta_plus and theta_minus differ from theta in "
            "entry i only, for every i"),
    Mistake("epsilon_ignored", "The check moves theta by a step other than the `epsilon` "
            "argument; use epsilon, not a number of your own.",
            "use the epsilon the function receives"),
    Mistake("one_sided", "The check uses a one-sided difference (J(theta + epsilon) - "
            "J(theta)) / epsilon; use the two-sided (J(theta + epsilon) - J(theta - epsilon)) "
            "/ (2 epsilon).", "the two-sided difference, whose error is O(epsilon^2) instead "
            "of O(epsilon)"),
    Mistake("minus_from_plus", "The check built theta_minus from theta_plus (or both are the "
            "same array), so J_minus is the cost at theta itself.",
            "theta_minus = theta - epsilon, from theta (a fresh copy)"),
    Mistake("skipped_components", "The check does not perturb every entry of theta in both "
            "directions: loop over all of range(num_parameters).",
            "one gradapprox[i] for every i, from theta + epsilon e_i and theta - epsilon e_i"),
    Mistake("missing_factor_2", "gradapprox is off by a factor 2: divide J_plus - J_minus by "
            "2 * epsilon, the distance between the two points.", TWO_SIDED),
    Mistake("precedence", "gradapprox is far too small: (J_plus - J_minus) / 2 * epsilon "
            "multiplies by epsilon; write / (2 * epsilon), with the parentheses.",
            "operator precedence: / and * go from left to right"),
    Mistake("wrong_gradapprox", "gradapprox is not the two-sided difference (J_plus - J_minus) "
            "/ (2 epsilon).", TWO_SIDED),
    Mistake("no_norms", "The difference should be one non-negative number computed with "
            "Euclidean norms (np.linalg.norm), not squares, sums or absolute values.",
            DIFFERENCE),
    Mistake("denominator_missing_term", "The denominator of the difference needs both norms, "
            "||grad||_2 + ||gradapprox||_2.", DIFFERENCE),
    Mistake("denominator_norm_of_sum", "The denominator is the norm of a sum; it should be the "
            "sum of two norms, ||grad||_2 + ||gradapprox||_2.", DIFFERENCE),
    Mistake("wrong_difference", "The difference is not the relative difference of the two "
            "gradients.", DIFFERENCE),
    Mistake("threshold_reversed", "The verdict is reversed: the check says the backward pass "
            "is right when the difference is large.", VERDICT),
    Mistake("wrong_threshold", "The verdict uses the wrong test: some differences above the "
            "threshold pass, or some below it fail.", VERDICT),
    # backward_propagation_n
    Mistake("not_gradient_dict", "backward_propagation_n should return a dict of numpy "
            "arrays.", "the given return line"),
    Mistake("missing_gradient", "A gradient is missing from the returned dict.",
            "return dW1, db1, dW2, db2, dW3, db3"),
    Mistake("wrong_shape", "A gradient has the wrong shape.",
            "each gradient has its parameter's shape; keepdims=True keeps db a column"),
    Mistake("bugs_not_fixed", "Both planted bugs are still there: db1 is 4 times and dW2 is 2 "
            "times the true gradient.", "the per-parameter differences of your gradient check "
            "point to the two lines"),
    Mistake("dW2_times_2", "dW2 is 2 times the true gradient: the factor planted in the given "
            "backward pass is still in its line.", "dW2 = (1/m) dZ2 A1^T, with no other factor"),
    Mistake("db1_times_4", "db1 is 4 times the true gradient: the factor planted in the given "
            "backward pass is still in its line.",
            "db1 = (1/m) times the sum of dZ1 over the examples"),
    Mistake("wrong_gradient", "Some gradients disagree with the true gradient.",
            "dZ^[l] = dA^[l] * 1[A^[l] > 0]; dW = (1/m) dZ A_prev^T; db = (1/m) sum of dZ"),
)


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


def net_cost(X, Y, parameters):
    """Mean cross-entropy of the given ReLU/sigmoid net (helpers.network)."""
    AL, _ = model_forward(X, parameters)
    return compute_cost(AL, Y)


def net_gradients(X, Y, parameters):
    """The gradients of net_cost from helpers.network's backward pass."""
    AL, caches = model_forward(X, parameters)
    return model_backward(AL, Y, caches)


# One-parameter costs J(x, theta) and their slopes dJ/dtheta, for the 1-D checks.
COSTS_1D = {"linear": (lambda x, theta: theta * x, lambda x, theta: x),
            "cubic": (lambda x, theta: x * theta ** 3, lambda x, theta: 3 * x * theta ** 2)}


def run_check_1d(caller, function, kind, x, theta, epsilon, factor):
    """What the learner's 1-D check ``function`` does on J = COSTS_1D[kind] at (x, theta), with
    a ``backward`` that returns ``factor`` times the true slope. ``caller`` calls it: attempt
    (hidden tests) or call (visible checks).

    Returns {"difference": what it returned, "offsets": (calls, 1) points J was evaluated at,
    "backward_calls", "verdict": printed (True, False or None), "grad": (1,) the gradient
    handed in, "slope": (1,) the true one}.
    """
    J, dJ = COSTS_1D[kind]
    slope = dJ(x, theta)
    forward = RecordingForward1D(J, theta, epsilon)
    backward = CountingBackward(lambda x, theta: factor * slope)
    difference, printed = captured_call(caller, function, x, theta, epsilon=epsilon,
                                        print_msg=True, forward=forward, backward=backward)
    return {"difference": difference, "offsets": np.array(forward.offsets).reshape(-1, 1),
            "backward_calls": backward.calls, "verdict": printed_verdict(printed),
            "grad": np.array([factor * slope]), "slope": np.array([slope])}


def run_check_n(caller, function, parameters, gradients, X, Y, epsilon, cost, true_gradients):
    """What the learner's N-D check ``function`` does on ``cost(X, Y, parameters)`` with the
    dict ``gradients`` handed in; ``true_gradients`` are the right ones.

    Returns {"difference", "gradapprox": (n,) what it returned as gradapprox, or None when it
    did not return (difference, gradapprox) with n entries, "offsets": (calls, n), "verdict",
    "grad": (n,) the gradients handed in, "slope": (n,) the true ones}.
    """
    def vector(grads):
        return np.concatenate([np.ravel(grads["d" + key]) for key in parameters])

    forward = RecordingForward(cost, parameters, epsilon)
    result, printed = captured_call(caller, function, parameters, gradients, X, Y,
                                    epsilon=epsilon, print_msg=True, forward=forward)
    difference, gradapprox = result if isinstance(result, tuple) and len(result) == 2 \
        else (result, None)
    slope = vector(true_gradients)
    if not (isinstance(gradapprox, np.ndarray) and gradapprox.size == slope.size
            and gradapprox.dtype.kind in "iuf"):
        gradapprox = None
    return {"difference": difference,
            "gradapprox": None if gradapprox is None else gradapprox.astype(float).ravel(),
            "offsets": forward.offset_matrix(), "verdict": printed_verdict(printed),
            "grad": vector(gradients), "slope": slope}


# ------------------------------------------------------------------ diagnostics on plain data

def evaluation_problem(offsets, num_parameters, ratio, function_name):
    """A Problem with the points where J was evaluated, or None when they are exactly
    theta + epsilon e_i and theta - epsilon e_i for every i (in any order).

    offsets: (calls, n) array of (point - theta) / epsilon. ratio: gradapprox over the true
    slope, which tells the two ways of using J(theta) itself apart.
    """
    offsets = np.asarray(offsets, dtype=float).reshape(-1, num_parameters)
    if len(offsets) == 0:
        return MISTAKES.problem("forward_not_called",
                                f"{function_name} never called the `forward` it was given.")
    nonzero = np.abs(offsets) > 1e-3
    counts = nonzero.sum(axis=1)
    if num_parameters > 1 and np.all(counts[counts > 0] == num_parameters):
        return MISTAKES.problem("whole_vector", f"{function_name} moved all {num_parameters} "
                                "entries of theta in every evaluation of J.")
    if np.any(counts > 1):
        return MISTAKES.problem("no_copy", f"{function_name} evaluated J where up to "
                                f"{counts.max()} entries of theta were perturbed at once.")
    steps = np.abs(offsets[nonzero])
    if steps.size and np.any(np.abs(steps - 1) > 1e-3):
        step = steps[np.argmax(np.abs(steps - 1))]
        return MISTAKES.problem("epsilon_ignored", f"{function_name} moved theta by {step:.3g} "
                                "times epsilon.")
    plus = {int(i) for i in np.nonzero((offsets > 0.5).any(axis=0))[0]}
    minus = {int(i) for i in np.nonzero((offsets < -0.5).any(axis=0))[0]}
    if (not plus or not minus) and np.any(counts == 0):
        if abs(ratio - 0.5) < 0.1:
            return MISTAKES.problem("minus_from_plus", f"{function_name} evaluated J at theta "
                                    "itself, and gradapprox is half the slope.")
        return MISTAKES.problem("one_sided", f"{function_name} evaluated J at theta itself "
                                "and on one side of it only.")
    if len(plus) < num_parameters or len(minus) < num_parameters:
        return MISTAKES.problem("skipped_components", f"{function_name} moved {len(plus)} of "
                                f"the {num_parameters} entries up and {len(minus)} down.")
    return None


def scale_ratio(student, reference):
    """The median ratio student / reference over entries where the reference is not tiny."""
    student = np.asarray(student, dtype=float).reshape(-1)
    reference = np.asarray(reference, dtype=float).reshape(-1)
    if student.shape != reference.shape or not np.all(np.isfinite(student)):
        return float("nan")
    keep = np.abs(reference) > 1e-3 * np.max(np.abs(reference))
    return float(np.median(student[keep] / reference[keep]))


def ratio_from_difference(found, expected):
    """gradapprox over the true slope for a check that does not return gradapprox (1-D): on a
    case whose backward is right, a difference d means gradapprox is (1 - d) / (1 + d) times
    the slope, or its inverse (1 when no such case gave a usable difference)."""
    for case, truth in zip(found, expected):
        value = as_number(case["difference"])
        if truth["difference"] < THRESHOLD and value is not None and np.isfinite(value):
            return (1 - min(abs(value), 1.0)) / (1 + min(abs(value), 1.0))
    return 1.0


def scaling_problem(ratio, function_name):
    """A Problem when gradapprox is a constant multiple of the true slope (ratio != 1)."""
    if abs(ratio - 1) < 1e-4:
        return None
    told = f"{function_name} evaluated J at the right points, but gradapprox is scaled."
    if abs(ratio - 2) < 0.05 or abs(ratio - 0.5) < 0.02:
        return MISTAKES.problem("missing_factor_2", told)
    if abs(ratio) < 1e-3:
        return MISTAKES.problem("precedence", told)
    return MISTAKES.problem("wrong_gradapprox", f"{function_name} evaluated J at the right "
                            "points, but gradapprox does not match the slope.")


def _norm(value):
    return float(np.linalg.norm(np.asarray(value, dtype=float).reshape(-1)))


def difference_problem(value, grad, gradapprox, expected, function_name):
    """A Problem when the number ``value`` is not ||grad - gradapprox|| / (||grad|| +
    ||gradapprox||) for a case where the two gradients differ clearly (``expected`` is that
    value); None when it matches to 0.1%. Names the formula it matches, if any."""
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
    matched = next((mistake for mistake, values in candidates.items()
                    if any(abs(value - c) <= 1e-3 * abs(c) for c in values if np.isfinite(c))),
                   "wrong_difference")
    return MISTAKES.problem(matched, f"{function_name} gave a difference of {value:.3g} for "
                            "gradients that clearly differ: the formula is off.")


def magnitude_problem(value, expected, function_name):
    """For a right backward pass: a Problem when the number ``value`` is not below THRESHOLD,
    or is more than three orders of magnitude below ``expected`` (a right check's value), as
    squared norms make it. Tiny values are compared on a log scale, never with an absolute
    tolerance; rounding alone may move a right difference up or down by a decade or two."""
    if value >= THRESHOLD:
        return MISTAKES.problem("wrong_difference", f"{function_name} gave {value:.1e} for a "
                                f"right backward pass; the norm formula gives far less than "
                                f"{THRESHOLD:g}.")
    if expected > 1e-11 and value < expected * 1e-3:
        return MISTAKES.problem("no_norms", f"{function_name} gave {value:.1e} for a right "
                                "backward pass, orders of magnitude below what the norm ratio "
                                "gives.")
    return None


def verdict_problem(student, reference, function_name):
    """Compare the printed verdicts (True/False/None, one per case) with a right check's:
    reversed everywhere, or wrong somewhere."""
    if tuple(student) == tuple(reference):
        return None
    if all(s is not None and s == (not r) for s, r in zip(student, reference)):
        return MISTAKES.problem("threshold_reversed",
                                f"{function_name} printed the opposite verdict in every case.")
    return MISTAKES.problem("wrong_threshold",
                            f"{function_name} printed a wrong verdict in some cases.")


def gradient_check_problem(found, expected, function_name):
    """The first Problem with what a gradient check did on several cases, or None.

    found: per case, what run_check_1d or run_check_n observed of the learner's check.
    expected: per case, the "difference" and "verdict" of a right check, with the same "grad"
    and "slope": the reference's run (hidden tests) or expected_run (visible checks).
    """
    for case in found:
        if "gradapprox" in case and case["gradapprox"] is None:
            return MISTAKES.problem("not_difference_and_gradapprox", f"{function_name} "
                                    "returned something else.")
    bugs = [as_number(case["difference"]) for case, truth in zip(found, expected)
            if truth["difference"] > THRESHOLD]
    if bugs and all(value is not None and 0 <= value < 1e-10 for value in bugs):
        return MISTAKES.problem("grad_is_gradapprox", f"{function_name} gave a difference of "
                                f"{bugs[0]:.1e} for a backward pass with a bug.")
    if any(case.get("backward_calls") == 0 for case in found):
        return MISTAKES.problem("backward_not_called",
                                f"{function_name} never called the `backward` it was given.")
    ratio = ratio_from_difference(found, expected)
    for case, truth in zip(found, expected):
        gradapprox = case.get("gradapprox")
        if gradapprox is not None:
            ratio = scale_ratio(gradapprox, truth["slope"])
        problem = evaluation_problem(case["offsets"], truth["slope"].size, ratio,
                                     function_name) or scaling_problem(ratio, function_name)
        if problem:
            return problem
        scale = np.max(np.abs(truth["slope"]))
        if gradapprox is not None and not close(gradapprox, truth["slope"], rtol=1e-5,
                                                atol=1e-6 * scale):
            return MISTAKES.problem("wrong_gradapprox", f"{function_name} evaluated J at the "
                                    "right points, but gradapprox does not match the slope.")
    for case, truth in zip(found, expected):
        value = as_number(case["difference"])
        if value is None:
            return MISTAKES.problem("no_norms", f"{function_name} returned a "
                                    f"{type(case['difference']).__name__} as the difference.")
        if not np.isfinite(value) or value < 0:
            return MISTAKES.problem("no_norms", f"{function_name} gave a difference of "
                                    f"{value:.3g}.")
        if truth["difference"] > BUG_LEVEL:
            problem = difference_problem(value, truth["grad"], truth["slope"],
                                         truth["difference"], function_name)
        elif truth["difference"] < THRESHOLD:
            problem = magnitude_problem(value, truth["difference"], function_name)
        else:
            problem = None
        if problem:
            return problem
    return verdict_problem([case["verdict"] for case in found],
                           [truth["verdict"] for truth in expected], function_name)


def expected_run(case):
    """What a right check gives on a case of run_check_1d or run_check_n: the relative
    difference of the gradient handed in and the true one, and the verdict on it."""
    difference = relative_difference(case["grad"], case["slope"])
    return {**case, "difference": difference, "verdict": difference < THRESHOLD}


# The 1-D model J = theta * x: for each graded function, its value, the name of a wrong value,
# and the wrong formulas learners write, by mistake.
SCALAR_FUNCTIONS = {
    "forward_propagation": (lambda x, theta: theta * x, "wrong_cost",
                            {"sum": lambda x, theta: x + theta}),
    "backward_propagation": (lambda x, theta: x, "wrong_derivative",
                             {"derivative_wrt_x": lambda x, theta: theta,
                              "returns_J": lambda x, theta: theta * x}),
}


def scalar_problem(function_name, cases, values, expected):
    """The Problem with the ``values`` a 1-D function returned on ``cases`` ((x, theta) pairs)
    against the right ``expected`` numbers, or None."""
    numbers = [as_number(value) for value in values]
    for (x, theta), value, number in zip(cases, values, numbers):
        if number is None:
            return MISTAKES.problem("not_a_number", f"{function_name}({x}, {theta}) returned "
                                    f"a {type(value).__name__}.")
    wrong = [(case, number, want) for case, number, want in zip(cases, numbers, expected)
             if not np.isclose(number, want, rtol=1e-9, atol=1e-12)]
    if not wrong:
        return None
    _, mistake, alternatives = SCALAR_FUNCTIONS[function_name]
    for name, formula in alternatives.items():
        if all(np.isclose(number, formula(x, theta), rtol=1e-9, atol=1e-12)
               for (x, theta), number in zip(cases, numbers)):
            mistake = name
            break
    (x, theta), number, want = wrong[0]
    return MISTAKES.problem(mistake, f"{function_name}({x}, {theta}) returned {number:g}; "
                            f"expected {want:g}.")


# The two bugs planted in backward_propagation_n_buggy: (gradient, factor) -> mistake.
PLANTED_BUGS = {("dW2", 2): "dW2_times_2", ("db1", 4): "db1_times_4"}
GRADIENT_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")


def gradient_findings(gradients, expected):
    """(key, mistake, what) for every gradient in the dict ``gradients`` that is missing, not
    an array, misshapen, or disagrees with ``expected`` (a relative difference above
    THRESHOLD), in the order dW1, db1, ..., db3; a constant factor is named."""
    findings = []
    for key in GRADIENT_KEYS:
        value, want = gradients.get(key), expected[key]
        if value is None:
            findings.append((key, "missing_gradient", f"{key} is missing."))
        elif not isinstance(value, np.ndarray):
            findings.append((key, "not_gradient_dict", f"{key} is a {type(value).__name__}."))
        elif value.shape != want.shape:
            findings.append((key, "wrong_shape", f"{key} has shape {value.shape}; expected "
                             f"{want.shape}."))
        elif relative_difference(value, want) >= THRESHOLD:
            ratio = scale_ratio(value, want)
            factor = round(ratio) if np.isfinite(ratio) else 0
            if factor not in (0, 1) and close(value, factor * want, rtol=1e-6, atol=1e-12):
                findings.append((key, PLANTED_BUGS.get((key, factor), "wrong_gradient"),
                                 f"{key} is {factor} times the true gradient."))
            else:
                findings.append((key, "wrong_gradient", f"{key} disagrees with the true "
                                 f"gradient (relative difference "
                                 f"{relative_difference(value, want):.1e})."))
    return findings


def gradients_problem(findings, function_name):
    """The Problem that explains the ``findings`` of gradient_findings: the first missing,
    non-array or misshapen gradient, else the planted bugs left in, else wrong gradients."""
    mistakes = [mistake for _, mistake, _ in findings]
    planted = set(PLANTED_BUGS.values())
    mistake = next((m for m in mistakes if m not in planted | {"wrong_gradient"}), None)
    if mistake is None:
        mistake = "bugs_not_fixed" if sorted(mistakes) == sorted(planted) else \
            mistakes[0] if len(mistakes) == 1 else "wrong_gradient"
    # the hints of the planted bugs say what was found
    told = [] if mistake in planted | {"bugs_not_fixed"} else [what for _, _, what in findings]
    return MISTAKES.problem(mistake, " ".join([f"{function_name}:", *told]))


# ------------------------------------------------------------------ visible checks

def _check_scalar(function, cases):
    __tracebackhide__ = True
    name = function.__name__
    right = SCALAR_FUNCTIONS[name][0]
    problem = scalar_problem(name, cases, [call(function, x, theta) for x, theta in cases],
                             [right(x, theta) for x, theta in cases])
    if problem:
        fail(problem.message)
    passed(name)


def check_forward_propagation(function):
    """Visible check: J = theta * x."""
    __tracebackhide__ = True
    _check_scalar(function, ((2.0, 3.0), (-1.5, 4.0), (0.5, -2.0)))


def check_backward_propagation(function):
    """Visible check: dJ/dtheta = x for J = theta * x."""
    __tracebackhide__ = True
    _check_scalar(function, ((2.0, 3.0), (-1.5, 4.0)))


def _check_runs(function, found):
    """Fail on the first problem of the learner's check ``function`` on the cases ``found``."""
    __tracebackhide__ = True
    problem = gradient_check_problem(found, [expected_run(case) for case in found],
                                     function.__name__)
    if problem:
        fail(problem.message)
    passed(function.__name__)


# (J, x, theta, epsilon, factor): right, a clear bug (half the slope), right on a straight J,
# right with another epsilon, and 0.01% off (between the threshold and the bug level).
VISIBLE_1D_CASES = (("cubic", 1.5, 0.8, 1e-7, 1.0), ("cubic", 1.5, 0.8, 1e-7, 0.5),
                    ("linear", 1.5, 0.8, 1e-7, 1.0), ("cubic", 1.5, 0.8, 1e-5, 1.0),
                    ("cubic", 1.5, 0.8, 1e-7, 1 + 1e-4))


def check_gradient_check(function):
    """Visible check: two-sided difference at theta +- epsilon, the norm formula, and the
    verdict, on a linear and a cubic J with a right and a wrong derivative."""
    __tracebackhide__ = True
    _check_runs(function, [run_check_1d(call, function, *case) for case in VISIBLE_1D_CASES])


def check_gradient_check_n(function):
    """Visible check on a small net of its own: the points J is evaluated at, gradapprox
    against the backward pass of helpers.network, the difference and the verdict, for right
    gradients, db2 three times too large, and all 0.01% off."""
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 4, 2, 1], 4, seed=11)
    grads = net_gradients(X, Y, parameters)
    cases = (grads, {key: value * (3.0 if key == "db2" else 1.0) for key, value in grads.items()},
             {key: value * (1 + 1e-4) for key, value in grads.items()})
    _check_runs(function, [run_check_n(call, function, parameters, gradients, X, Y, 1e-6,
                                       net_cost, grads)  # a non-default epsilon
                           for gradients in cases])


def check_backward_propagation_n(function, forward):
    """Visible check: every gradient agrees with an independent backward pass (helpers.network)
    on a few nets; names the arrays that disagree and by how much they are scaled."""
    __tracebackhide__ = True
    name = function.__name__
    for layers_dims, m, seed in (([4, 5, 3, 1], 6, 1), ([3, 2, 4, 1], 5, 2)):
        parameters, X, Y = random_net(layers_dims, m, seed)
        _, cache = forward(X, Y, parameters)
        gradients = call(function, X, Y, cache)
        expect_dict(gradients, name, "a dict of gradients")
        findings = gradient_findings(gradients, net_gradients(X, Y, parameters))
        if findings:
            fail(gradients_problem(findings, name).message)
    passed(name)
