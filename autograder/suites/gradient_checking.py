"""Hidden tests for Assignment 3 (gradient checking).

The gradient checks are judged by what they do. The probes hand them a ``forward`` of the
probe's own that records every point it is evaluated at (relative to theta, in units of
epsilon) and a ``backward`` that counts its calls, on fixed-seed cases: right gradients, planted
bugs, a subtle error between the threshold and the bug level, an L2-regularized cost, curved
and straight costs, default and non-default epsilon. The judge then asks, in order: were the
right points evaluated (one entry at a time, both sides, from a fresh copy)? Is gradapprox the
right size? Is the difference the norm formula — compared to the reference to 0.1% where the
gradients differ clearly, and by order of magnitude (never with an absolute tolerance) where
the backprop is right? Is the verdict on the right side of the threshold?

The fixed backprop is compared with numerical gradients the probe computes itself.
"""

import numpy as np

from autograder.suite import Suite, attempt, edit
from helpers.checks import numerical_gradients, random_net
from helpers.checks.gradient_checking import (MISTAKES, gradient_check_problem,
                                              gradient_findings, gradients_problem, net_cost,
                                              net_gradients, run_check_1d, run_check_n,
                                              scalar_problem)

# Mistakes made the same way in both checks: the gradapprox formula, the difference, the verdict.
DIFFERENCE_MUTANTS = {
    "missing_factor_2": edit(("(2 * epsilon)", "epsilon")),
    "precedence": edit(("(2 * epsilon)", "2 * epsilon")),
    "no_norms": edit(("np.linalg.norm(", "np.sum(")),
    "denominator_missing_term": edit((" + np.linalg.norm(gradapprox)", "")),
    "threshold_reversed": edit(("< THRESHOLD", "> THRESHOLD")),
    "wrong_threshold": edit(("< THRESHOLD", "< 1e-3")),
}

# The two bugs planted in the notebook's backward_propagation_n, put back into the fixed one.
DW2_TIMES_2 = ("A1.T / m", "A1.T * 2 / m")
DB1_TIMES_4 = ("db1 = np.sum", "db1 = 4 * np.sum")

MUTANTS = {
    "forward_propagation": {
        "sum": edit(("theta * x", "theta + x")),
        "wrong_cost": edit(("theta * x", "2 * theta * x")),
    },
    "backward_propagation": {
        "derivative_wrt_x": edit(("= x", "= theta")),
        "returns_J": edit(("= x", "= theta * x")),
        "wrong_derivative": edit(("= x", "= 2 * x")),
    },
    "gradient_check": {
        **DIFFERENCE_MUTANTS,
        "grad_is_gradapprox": edit(("backward(x, theta)", "gradapprox")),
        "global_name": edit(("backward(x, theta)", "dtheta")),
        "backward_not_called": edit(("backward(", "backward_propagation(")),
        "forward_not_called": edit(("forward(", "forward_propagation(")),
        "one_sided": edit(("theta - epsilon", "theta"), ("(2 * epsilon)", "epsilon")),
        "minus_from_plus": edit(("= theta - ", "= theta_plus - ")),
        "epsilon_ignored": edit(("+ epsilon", "+ 1e-7"), ("- epsilon", "- 1e-7"),
                                ("2 * epsilon", "2 * 1e-7")),
    },
    "gradient_check_n": {
        **DIFFERENCE_MUTANTS,
        "grad_is_gradapprox": edit(("norm(grad - ", "norm(gradapprox - "),
                                   ("norm(grad)", "norm(gradapprox)")),
        "forward_not_called": edit(("= forward(", "= forward_propagation_n(")),
        "one_sided": edit(("(theta_minus, layout)", "(theta, layout)"),
                          ("(2 * epsilon)", "epsilon")),
        "minus_from_plus": edit(("minus = np.copy(theta)", "minus = np.copy(theta_plus)")),
        # One copy of theta before the loop, so each i adds to the previous perturbations.
        "no_copy": edit(("plus = np.copy(theta)", "plus = theta_plus"),
                        ("minus = np.copy(theta)", "minus = theta_minus"),
                        before="theta_plus, theta_minus = np.copy(theta), np.copy(theta)"),
        "whole_vector": edit(("plus[i] +=", "plus +="), ("minus[i] -=", "minus -=")),
        "skipped_components": edit(("range(num_parameters)", "range(num_parameters - 1)")),
        "epsilon_ignored": edit(("+= epsilon", "+= 1e-7"), ("-= epsilon", "-= 1e-7"),
                                ("2 * epsilon", "2 * 1e-7")),
    },
    "backward_propagation_n": {
        "bugs_not_fixed": edit(DW2_TIMES_2, DB1_TIMES_4),
        "dW2_times_2": edit(DW2_TIMES_2),
        "db1_times_4": edit(DB1_TIMES_4),
        "wrong_shape": edit(("dZ1, axis=1, keepdims=True", "dZ1, axis=1")),
        "wrong_gradient": edit(("dA1 * (A1 > 0)", "dA1")),
    },
}

SUITE = Suite("gradient_checking", MISTAKES, MUTANTS)

# Names the learner's own functions define: a NameError about one of them is a typo, not a
# dependence on a notebook global.
LOCAL_NAMES = ("theta_plus", "theta_minus", "J_plus", "J_minus", "gradapprox", "grad",
               "numerator", "denominator", "difference", "backward_ok", "num_parameters")


def explain_error(text):
    """A NameError about a name the function does not define itself: a global of the notebook,
    which does not exist when the function is graded."""
    if text.startswith("NameError") and not any(f"'{name}'" in text for name in LOCAL_NAMES):
        return "global_name"
    return None


def _verdict(test, problem, detail=""):
    return test.fail(problem.mistake, detail) if problem else test.passed()


# ------------------------------------------------------------------ 1-D forward and backward

SCALAR_CASES = ((2.0, 3.0), (-1.5, 4.0), (0.5, -2.0), (3.0, 0.25), (-2.5, -1.5))


def probe_scalar(function, namespace):
    return [attempt(function, x, theta) for x, theta in SCALAR_CASES]


def judge_scalar(test, student, reference):
    return _verdict(test, scalar_problem(test.function, SCALAR_CASES, student, reference))


# ------------------------------------------------------------------ the gradient checks

# (J, x, theta, epsilon, factor): backward returns factor * the true slope.
CHECK_CASES = (
    ("linear", 3.0, -2.0, 1e-7, 1.0),  # a straight J tells one-sided from theta_minus-from-plus
    ("cubic", 1.5, 0.7, 1e-7, 1.0),
    ("cubic", -2.0, 1.2, 1e-5, 1.0),  # a non-default epsilon
    ("linear", 2.5, 1.0, 1e-7, 1.5),  # a clear bug
    ("cubic", 1.5, 0.7, 1e-7, 0.5),  # a clear bug, grad smaller than gradapprox
    ("cubic", 1.5, 0.7, 1e-7, 1 + 1e-4),  # between the threshold and the bug level
)


def probe_gradient_check(function, namespace):
    return [run_check_1d(attempt, function, *case) for case in CHECK_CASES]


def _planted_bugs(gradients):
    """The classic planted bugs: dW2 doubled, db1 four times too large."""
    return {**gradients, "dW2": gradients["dW2"] * 2, "db1": gradients["db1"] * 4}


# (layers_dims, m, seed, lambd, epsilon, how the gradients are made from the right ones)
CHECK_N_CASES = (
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7, lambda g: g),
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7, _planted_bugs),
    ([3, 4, 2, 1], 6, 22, 0.7, 1e-6, lambda g: g),  # L2 in the cost, non-default epsilon
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7,  # between the threshold and the bug level
     lambda g: {key: value * (1 + 1e-4) for key, value in g.items()}),
)


def _regularized(lambd):
    """net_cost plus the L2 term (lambd / 2m) sum ||W||^2, and its gradients: a check must work
    on any cost. (Instructor-side test input; the learner writes this in the regularization
    assignment.)"""
    def cost(X, Y, parameters):
        l2 = sum(np.sum(np.square(value)) for key, value in parameters.items() if key[0] == "W")
        return net_cost(X, Y, parameters) + lambd / (2 * X.shape[1]) * l2

    def gradients(X, Y, parameters):
        grads = net_gradients(X, Y, parameters)
        return {**grads, **{"d" + key: grads["d" + key] + lambd / X.shape[1] * value
                            for key, value in parameters.items() if key[0] == "W"}}
    return cost, gradients


def probe_gradient_check_n(function, namespace):
    cases = []
    for layers_dims, m, seed, lambd, epsilon, make_gradients in CHECK_N_CASES:
        parameters, X, Y = random_net(layers_dims, m, seed)
        cost, gradients_of = _regularized(lambd)
        right = gradients_of(X, Y, parameters)
        cases.append(run_check_n(attempt, function, parameters, make_gradients(right), X, Y,
                                 epsilon, cost, right))
    return cases


def judge_gradient_check(test, student, reference):
    return _verdict(test, gradient_check_problem(student, reference, test.function))


# ------------------------------------------------------------------ the fixed backprop

BACKPROP_CASES = (([4, 5, 3, 1], 6, 31), ([3, 2, 4, 1], 5, 32), ([5, 3, 2, 1], 7, 33))


def probe_backward_propagation_n(function, namespace):
    forward = namespace["forward_propagation_n"]  # given code: restored from the source
    cases = []
    for layers_dims, m, seed in BACKPROP_CASES:
        parameters, X, Y = random_net(layers_dims, m, seed)
        _, cache = forward(X, Y, parameters)
        cases.append({"gradients": attempt(function, X, Y, cache),
                      "numerical": numerical_gradients(
                          lambda p, X=X, Y=Y: net_cost(X, Y, p), parameters)})
    return cases


def judge_backward_propagation_n(test, student, reference):
    for case in student:
        if not isinstance(case["gradients"], dict):
            return test.fail("not_gradient_dict")
        findings = gradient_findings(case["gradients"], case["numerical"])
        if findings:  # the arrays' names only: their shapes would tell the hidden inputs
            return _verdict(test, gradients_problem(findings, test.function),
                            ", ".join(key for key, _, _ in findings))
    return test.passed()


CHECK_MISTAKES = (
    "grad_is_gradapprox", "not_difference_and_gradapprox", "forward_not_called",
    "backward_not_called", "whole_vector", "no_copy", "epsilon_ignored", "one_sided",
    "minus_from_plus", "skipped_components", "missing_factor_2", "precedence",
    "wrong_gradapprox", "no_norms", "denominator_missing_term", "denominator_norm_of_sum",
    "wrong_difference", "threshold_reversed", "wrong_threshold", "global_name")

SUITE.test("forward_propagation", probe_scalar, judge_scalar,
           mistakes=("not_a_number", "sum", "wrong_cost", "global_name"),
           explain_error=explain_error)
SUITE.test("backward_propagation", probe_scalar, judge_scalar,
           mistakes=("not_a_number", "derivative_wrt_x", "returns_J", "wrong_derivative",
                     "global_name"), explain_error=explain_error)
SUITE.test("gradient_check", probe_gradient_check, judge_gradient_check,
           mistakes=CHECK_MISTAKES, explain_error=explain_error)
SUITE.test("gradient_check_n", probe_gradient_check_n, judge_gradient_check,
           mistakes=CHECK_MISTAKES, explain_error=explain_error)
SUITE.test("backward_propagation_n", probe_backward_propagation_n,
           judge_backward_propagation_n, uses=("forward_propagation_n",),
           mistakes=("bugs_not_fixed", "dW2_times_2", "db1_times_4", "wrong_shape",
                     "missing_gradient", "wrong_gradient", "not_gradient_dict", "global_name"),
           explain_error=explain_error)
