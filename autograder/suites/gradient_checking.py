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

import contextlib
import io

import numpy as np

from autograder.plain import Raised
from autograder.suite import (GradedTest, Mistake, Suite, Verdict, attempt, edit, generic_verdict,
                              lookup)
from helpers.checks.gradient_checking import (CountingBackward, RecordingForward,
                                              RecordingForward1D, as_number, difference_problem,
                                              evaluation_problem, gradient_problem,
                                              magnitude_problem, net_cost, net_gradients,
                                              one_sided_or_minus_from_plus, printed_verdict,
                                              random_net, scale_ratio, scaling_from_difference,
                                              scaling_problem, verdict_problem)
from helpers.gradcheck import BUG_LEVEL, THRESHOLD

SUITE = Suite("gradient_checking")

# Names a learner's own function defines: a NameError about one of them is their typo, not a
# dependence on a notebook global.
LOCAL_NAMES = ("theta_plus", "theta_minus", "J_plus", "J_minus", "gradapprox", "grad",
               "numerator", "denominator", "difference", "backward_ok", "num_parameters")


def _raised_verdict(test, value):
    """The verdict for a Raised result: a global the grader does not have, or the error."""
    text = value.text
    if text.startswith("NameError") and not any(f"'{name}'" in text for name in LOCAL_NAMES) \
            and test.mistake("global_name"):
        return test.fail("global_name")
    return generic_verdict(test, ("raised", "", text))


def _quiet(function, *args, **kwargs):
    """attempt(...) with whatever the function prints swallowed, and the printed text."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        value = attempt(function, *args, **kwargs)
    return value, buffer.getvalue()


# ------------------------------------------------------------------ 1-D forward and backward

SCALAR_CASES = ((2.0, 3.0), (-1.5, 4.0), (0.5, -2.0), (3.0, 0.25), (-2.5, -1.5))


def make_scalar_probe(name):
    def probe(namespace):
        function = lookup(namespace, name)
        if isinstance(function, Raised):
            return {"missing": function}
        return {"values": [attempt(function, x, theta) for x, theta in SCALAR_CASES]}
    return probe


def make_scalar_judge(grade_id, alternatives):
    """``alternatives``: mistake name -> f(x, theta), the value that mistake returns."""
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return generic_verdict(test, ("raised", "", student["missing"].text))
        for (x, theta), value, expected in zip(SCALAR_CASES, student["values"],
                                               reference["values"]):
            if isinstance(value, Raised):
                return _raised_verdict(test, value)
            number = as_number(value)
            if number is None:
                return test.fail("type")
            if np.isclose(number, expected, rtol=1e-9, atol=1e-12):
                continue
            for mistake, formula in alternatives.items():
                if all(np.isclose(as_number(v), formula(x, t), rtol=1e-9, atol=1e-12)
                       for (x, t), v in zip(SCALAR_CASES, student["values"])
                       if as_number(v) is not None):
                    return test.fail(mistake)
            return test.fail("wrong_value")
        return Verdict(True, "passed")
    return judge


SUITE.add(GradedTest(
    grade_id="test_forward_propagation",
    solution_id="forward_propagation",
    functions=("forward_propagation",),
    probe=make_scalar_probe("forward_propagation"),
    judge=make_scalar_judge("test_forward_propagation", {"sum": lambda x, t: x + t}),
    mistakes=(
        Mistake("sum", "forward_propagation adds theta and x.", "the model's cost is the "
                "product J = theta * x", edit(("theta * x", "theta + x"))),
        Mistake("wrong_value", "forward_propagation does not return theta * x.",
                "the one-parameter model J = theta * x",
                edit(("theta * x", "2 * theta * x"))),
        Mistake("type", "forward_propagation should return one number.",
                "J = theta * x is a real number"),
        Mistake("global_name", "forward_propagation uses a name defined outside it, which "
                "does not exist when it is graded.", "compute J from the arguments x and "
                "theta only"),
    ),
))

SUITE.add(GradedTest(
    grade_id="test_backward_propagation",
    solution_id="backward_propagation",
    functions=("backward_propagation",),
    probe=make_scalar_probe("backward_propagation"),
    judge=make_scalar_judge("test_backward_propagation", {
        "derivative_wrt_x": lambda x, t: t, "returns_J": lambda x, t: t * x}),
    mistakes=(
        Mistake("derivative_wrt_x", "backward_propagation returns theta, the derivative "
                "with respect to x.", "differentiate J = theta * x with respect to theta",
                edit(("= x", "= theta"))),
        Mistake("returns_J", "backward_propagation returns J itself instead of its "
                "derivative.", "dJ/dtheta of J = theta * x", edit(("= x", "= theta * x"))),
        Mistake("wrong_value", "backward_propagation does not return dJ/dtheta.",
                "dJ/dtheta of J = theta * x", edit(("= x", "= 2 * x"))),
        Mistake("type", "backward_propagation should return one number.",
                "dJ/dtheta is a real number"),
        Mistake("global_name", "backward_propagation uses a name defined outside it, which "
                "does not exist when it is graded.", "compute dtheta from the arguments"),
    ),
))


# ------------------------------------------------------------------ 1-D gradient check

def _linear(x, theta):
    return theta * x


def _cubic(x, theta):
    return x * theta ** 3


SLOPES = {"linear": lambda x, theta: x, "cubic": lambda x, theta: 3 * x * theta ** 2}
COSTS = {"linear": _linear, "cubic": _cubic}

# (J, x, theta, epsilon, factor): backward returns factor * the true slope.
CHECK_CASES = (
    ("linear", 3.0, -2.0, 1e-7, 1.0),
    ("cubic", 1.5, 0.7, 1e-7, 1.0),
    ("cubic", -2.0, 1.2, 1e-5, 1.0),  # a non-default epsilon
    ("linear", 2.5, 1.0, 1e-7, 1.5),  # a clear bug
    ("cubic", 1.5, 0.7, 1e-7, 0.5),  # a clear bug, grad smaller than gradapprox
    ("cubic", 1.5, 0.7, 1e-7, 1 + 1e-4),  # between the threshold and the bug level
)
LINEAR_RIGHT = 0  # the case that tells one-sided from theta_minus-from-theta_plus


def probe_gradient_check(namespace):
    function = lookup(namespace, "gradient_check")
    if isinstance(function, Raised):
        return {"missing": function}
    cases = []
    for kind, x, theta, epsilon, factor in CHECK_CASES:
        slope = SLOPES[kind](x, theta)
        forward = RecordingForward1D(COSTS[kind], theta, epsilon)
        backward = CountingBackward(lambda x, theta, s=slope * factor: s)
        value, _ = _quiet(function, x, theta, epsilon=epsilon, forward=forward,
                          backward=backward)
        printed = _quiet(function, x, theta, epsilon=epsilon, print_msg=True,
                         forward=RecordingForward1D(COSTS[kind], theta, epsilon),
                         backward=CountingBackward(lambda x, theta, s=slope * factor: s))
        cases.append({"difference": value, "number": as_number(value) if not isinstance(
            value, Raised) else None, "offsets": np.array(forward.offsets, dtype=float),
            "backward_calls": backward.calls, "verdict": printed_verdict(printed[1]),
            "grad": slope * factor, "slope": slope})
    return {"cases": cases}


def judge_gradient_check(student, reference):
    test = SUITE.tests["test_gradient_check"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    cases, expected = student["cases"], reference["cases"]
    for case in cases:
        if isinstance(case["difference"], Raised):
            return _raised_verdict(test, case["difference"])
    bugs = [i for i, case in enumerate(expected) if case["number"] > THRESHOLD]
    if all(cases[i]["number"] is not None and 0 <= cases[i]["number"] < 1e-10
           for i in bugs):
        return test.fail("grad_is_gradapprox")
    for case in cases:
        if len(case["offsets"]) == 0:
            return test.fail("forward_not_called")
    if any(case["backward_calls"] == 0 for case in cases):
        return test.fail("backward_not_called")
    for case in cases:
        problem = evaluation_problem(case["offsets"], 1, "gradient_check")
        if problem and problem.mistake == "evaluated_at_theta":
            linear = cases[LINEAR_RIGHT]["number"]
            problem = one_sided_or_minus_from_plus(
                0.5 if linear is not None and linear > 0.1 else 1.0, "gradient_check")
        if problem:
            return test.fail(problem.mistake)
    for case, ref in zip(cases, expected):
        if case["number"] is None:
            return test.fail("no_norms")
        if ref["number"] < THRESHOLD:
            problem = scaling_from_difference(case["number"], "gradient_check")
            if problem:
                return test.fail(problem.mistake)
    for case, ref in zip(cases, expected):
        if ref["number"] > BUG_LEVEL:
            problem = difference_problem(case["number"], case["grad"], case["slope"],
                                         ref["number"], "gradient_check")
            if problem:
                return test.fail(problem.mistake)
    for case, ref in zip(cases, expected):
        if ref["number"] < THRESHOLD:
            problem = magnitude_problem(case["number"], ref["number"], "gradient_check")
            if problem:
                return test.fail(problem.mistake)
    problem = verdict_problem([case["verdict"] for case in cases],
                              [case["verdict"] for case in expected], "gradient_check")
    if problem:
        return test.fail(problem.mistake)
    return Verdict(True, "passed")


COMMON_CHECK_MISTAKES = (
    Mistake("grad_is_gradapprox", "The difference stays at zero even when the backward pass "
            "is wrong: the check compares gradapprox with itself (grad = gradapprox?).",
            "grad comes from backprop, gradapprox from the cost; the check compares the two"),
    Mistake("forward_not_called", "The check never calls the forward function it is given; "
            "it uses another function or a value computed outside.",
            "J_plus and J_minus come from the `forward` argument"),
    Mistake("one_sided", "The check uses a one-sided difference (J(theta + epsilon) - "
            "J(theta)) / epsilon.", "the two-sided difference (J(theta + epsilon) - "
            "J(theta - epsilon)) / (2 epsilon), whose error is O(epsilon^2)"),
    Mistake("minus_from_plus", "theta_minus is built from theta_plus, so J_minus is the cost "
            "at theta itself.", "theta_minus = theta - epsilon, from theta (a fresh copy)"),
    Mistake("missing_factor_2", "gradapprox is off by a factor 2: the two points are 2 epsilon "
            "apart.", "the two-sided difference, gradapprox = (J_plus - J_minus) / (2 * epsilon)"),
    Mistake("precedence", "gradapprox is far too small: / 2 * epsilon multiplies by epsilon.",
            "operator precedence: write / (2 * epsilon)"),
    Mistake("wrong_gradapprox", "gradapprox is not the two-sided difference.",
            "the two-sided difference, gradapprox = (J_plus - J_minus) / (2 * epsilon)"),
    Mistake("epsilon_ignored", "The check moves theta by a step other than its epsilon "
            "argument.", "use the epsilon the function receives"),
    Mistake("no_norms", "The difference is not computed with norms: it should be one "
            "non-negative number.", "difference = ||grad - gradapprox||_2 / (||grad||_2 + "
            "||gradapprox||_2), with np.linalg.norm"),
    Mistake("denominator_missing_term", "The denominator of the difference is missing a term.",
            "the denominator is ||grad||_2 + ||gradapprox||_2, both norms"),
    Mistake("denominator_norm_of_sum", "The denominator is the norm of a sum instead of a sum "
            "of norms.", "the denominator is ||grad||_2 + ||gradapprox||_2"),
    Mistake("wrong_difference", "The difference is not the relative difference of the two "
            "gradients.", "difference = ||grad - gradapprox||_2 / (||grad||_2 + "
            "||gradapprox||_2)"),
    Mistake("threshold_reversed", "The verdict is reversed: it calls a large difference "
            "right and a small one wrong.", "backward_ok = difference < THRESHOLD (2e-7)"),
    Mistake("wrong_threshold", "The verdict uses the wrong test: some differences above the "
            "threshold pass, or some below it fail.",
            "backward_ok = difference < THRESHOLD (2e-7)"),
    Mistake("global_name", "The check uses a name defined outside the function (for "
            "example a gradient computed in another cell), which does not exist when it is "
            "graded.", "compute everything from the arguments: grad = backward(x, theta)"),
)



def with_mutants(mistakes, mutants):
    """``mistakes`` with the mutant of each name in ``mutants`` attached."""
    return tuple(Mistake(m.name, m.hint, m.concept, mutants.get(m.name, m.mutant))
                 for m in mistakes)


CHECK_1D_MISTAKES = COMMON_CHECK_MISTAKES + (
    Mistake("backward_not_called", "The check never calls the backward function it is given: "
            "grad is read from a global or another function.",
            "grad = backward(x, theta), the argument, at the theta being checked"),
)

# Mistakes made the same way in both checks: the gradapprox formula, the difference, the verdict.
DIFFERENCE_MUTANTS = {
    "missing_factor_2": edit(("(2 * epsilon)", "epsilon")),
    "precedence": edit(("(2 * epsilon)", "2 * epsilon")),
    "no_norms": edit(("np.linalg.norm(", "np.sum(")),
    "denominator_missing_term": edit((" + np.linalg.norm(gradapprox)", "")),
    "threshold_reversed": edit(("< THRESHOLD", "> THRESHOLD")),
    "wrong_threshold": edit(("< THRESHOLD", "< 1e-3")),
}

CHECK_1D_MUTANTS = {
    **DIFFERENCE_MUTANTS,
    "grad_is_gradapprox": edit(("backward(x, theta)", "gradapprox")),
    "global_name": edit(("backward(x, theta)", "dtheta")),
    "backward_not_called": edit(("backward(", "backward_propagation(")),
    "forward_not_called": edit(("forward(", "forward_propagation(")),
    "one_sided": edit(("theta - epsilon", "theta"), ("(2 * epsilon)", "epsilon")),
    "minus_from_plus": edit(("= theta - ", "= theta_plus - ")),
    "epsilon_ignored": edit(("+ epsilon", "+ 1e-7"), ("- epsilon", "- 1e-7"),
                            ("2 * epsilon", "2 * 1e-7")),
}

SUITE.add(GradedTest(
    grade_id="test_gradient_check",
    solution_id="gradient_check",
    functions=("gradient_check",),
    probe=probe_gradient_check, judge=judge_gradient_check,
    mistakes=with_mutants(CHECK_1D_MISTAKES, CHECK_1D_MUTANTS),
))


# ------------------------------------------------------------------ N-D gradient check

def _planted_bugs(gradients):
    """The classic planted bugs: dW2 doubled, db1 four times too large."""
    wrong = dict(gradients)
    wrong["dW2"] = gradients["dW2"] * 2
    wrong["db1"] = gradients["db1"] * 4
    return wrong


def _scaled(gradients, factor):
    return {key: value * factor for key, value in gradients.items()}


# (layers_dims, m, seed, lambd, epsilon, how the gradients are made from the right ones)
CHECK_N_CASES = (
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7, "right"),
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7, "planted"),
    ([3, 4, 2, 1], 6, 22, 0.7, 1e-6, "right"),  # L2 in the cost, non-default epsilon
    ([4, 5, 3, 1], 5, 21, 0.0, 1e-7, "subtle"),  # between the threshold and the bug level
)
GRADIENTS = {"right": lambda g: g, "planted": _planted_bugs,
             "subtle": lambda g: _scaled(g, 1 + 1e-4)}


def _regularized_cost(X, Y, parameters, lambd):
    """net_cost plus the L2 term (lambd / 2m) sum ||W||^2: a check must work on any cost.
    (Instructor-side test input; the learner writes this in the regularization assignment.)"""
    l2 = sum(np.sum(np.square(value)) for key, value in parameters.items() if key[0] == "W")
    return net_cost(X, Y, parameters) + lambd / (2 * X.shape[1]) * l2


def _regularized_gradients(X, Y, parameters, lambd):
    grads = net_gradients(X, Y, parameters)
    for key, value in parameters.items():
        if key[0] == "W":
            grads["d" + key] = grads["d" + key] + lambd / X.shape[1] * value
    return grads


def probe_gradient_check_n(namespace):
    function = lookup(namespace, "gradient_check_n")
    if isinstance(function, Raised):
        return {"missing": function}
    cases = []
    for layers_dims, m, seed, lambd, epsilon, kind in CHECK_N_CASES:
        parameters, X, Y = random_net(layers_dims, m, seed)
        gradients = GRADIENTS[kind](_regularized_gradients(X, Y, parameters, lambd))

        def cost(X, Y, parameters, lambd=lambd):
            return _regularized_cost(X, Y, parameters, lambd)
        forward = RecordingForward(cost, parameters, epsilon)
        result, _ = _quiet(function, parameters, gradients, X, Y, epsilon=epsilon,
                           forward=forward)
        _, printed = _quiet(function, parameters, gradients, X, Y, epsilon=epsilon,
                            print_msg=True, forward=RecordingForward(cost, parameters, epsilon))
        case = {"result": result, "offsets": forward.offset_matrix(),
                "verdict": printed_verdict(printed),
                "grad": np.concatenate([np.ravel(gradients["d" + key]) for key in parameters])}
        if isinstance(result, tuple) and len(result) == 2:
            case["number"] = as_number(result[0])
            gradapprox = np.asarray(result[1], dtype=float) if isinstance(
                result[1], np.ndarray) else None
            case["gradapprox"] = gradapprox.reshape(-1) if gradapprox is not None and \
                gradapprox.size == case["grad"].size else None
        cases.append(case)
    return {"cases": cases}


def judge_gradient_check_n(student, reference):
    test = SUITE.tests["test_gradient_check_n"]
    name = "gradient_check_n"
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    cases, expected = student["cases"], reference["cases"]
    for case in cases:
        if isinstance(case["result"], Raised):
            return _raised_verdict(test, case["result"])
        if "number" not in case:
            return test.fail("type")
    bugs = [i for i, case in enumerate(expected) if case["number"] > THRESHOLD]
    if all(cases[i]["number"] is not None and 0 <= cases[i]["number"] < 1e-10
           for i in bugs):
        return test.fail("grad_is_gradapprox")
    for case, ref in zip(cases, expected):
        if case["gradapprox"] is None:
            return test.fail("type")
        ratio = scale_ratio(case["gradapprox"], ref["gradapprox"])
        problem = evaluation_problem(case["offsets"], ref["grad"].size, name)
        if problem and problem.mistake == "evaluated_at_theta":
            problem = one_sided_or_minus_from_plus(ratio, name)
        problem = problem or scaling_problem(ratio, name)
        if problem:
            return test.fail(problem.mistake)
        scale = np.max(np.abs(ref["gradapprox"]))
        if not np.allclose(case["gradapprox"], ref["gradapprox"], rtol=1e-6, atol=1e-6 * scale):
            return test.fail("wrong_gradapprox")
    for case in cases:
        if case["number"] is None or case["number"] < 0:
            return test.fail("no_norms")
    for case, ref in zip(cases, expected):
        if ref["number"] > BUG_LEVEL:
            problem = difference_problem(case["number"], case["grad"], case["gradapprox"],
                                         ref["number"], name)
            if problem:
                return test.fail(problem.mistake)
        elif ref["number"] < THRESHOLD:
            problem = magnitude_problem(case["number"], ref["number"], name)
            if problem:
                return test.fail(problem.mistake)
    problem = verdict_problem([case["verdict"] for case in cases],
                              [case["verdict"] for case in expected], name)
    if problem:
        return test.fail(problem.mistake)
    return Verdict(True, "passed")


CHECK_N_MISTAKES = COMMON_CHECK_MISTAKES + (
    Mistake("no_copy", "Perturbations accumulate: J is evaluated where several entries of "
            "theta are perturbed at once.", "start each i from a fresh copy, theta_plus = "
            "np.copy(theta), inside the loop"),
    Mistake("whole_vector", "The check perturbs the whole vector at once instead of one entry "
            "at a time.", "theta_plus[i] += epsilon changes entry i only"),
    Mistake("skipped_components", "The check does not perturb every entry of theta in both "
            "directions.", "loop over every i in range(num_parameters)"),
    Mistake("type", "gradient_check_n should return the difference and gradapprox (n, 1).",
            "the given return line: return difference, gradapprox"),
)

CHECK_N_MUTANTS = {
    **DIFFERENCE_MUTANTS,
    "grad_is_gradapprox": edit(("norm(grad - ", "norm(gradapprox - "),
                               ("norm(grad)", "norm(gradapprox)")),
    "forward_not_called": edit(("= forward(", "= forward_propagation_n(")),
    "one_sided": edit(("(theta_minus, layout)", "(theta, layout)"), ("(2 * epsilon)", "epsilon")),
    "minus_from_plus": edit(("minus = np.copy(theta)", "minus = np.copy(theta_plus)")),
    # One copy of theta before the loop, so each i adds to the previous perturbations.
    "no_copy": edit(("plus = np.copy(theta)", "plus = theta_plus"),
                    ("minus = np.copy(theta)", "minus = theta_minus"),
                    before="theta_plus, theta_minus = np.copy(theta), np.copy(theta)"),
    "whole_vector": edit(("plus[i] +=", "plus +="), ("minus[i] -=", "minus -=")),
    "skipped_components": edit(("range(num_parameters)", "range(num_parameters - 1)")),
    "epsilon_ignored": edit(("+= epsilon", "+= 1e-7"), ("-= epsilon", "-= 1e-7"),
                            ("2 * epsilon", "2 * 1e-7")),
}

SUITE.add(GradedTest(
    grade_id="test_gradient_check_n",
    solution_id="gradient_check_n",
    functions=("gradient_check_n",),
    probe=probe_gradient_check_n, judge=judge_gradient_check_n,
    mistakes=with_mutants(CHECK_N_MISTAKES, CHECK_N_MUTANTS),
))


# ------------------------------------------------------------------ the fixed backprop

BACKPROP_CASES = (([4, 5, 3, 1], 6, 31), ([3, 2, 4, 1], 5, 32), ([5, 3, 2, 1], 7, 33))
GRADIENT_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")


def numerical_gradients(X, Y, parameters, epsilon=1e-6):
    """Centred differences of the net's cost, one entry at a time, perturbing in place."""
    gradients = {}
    for key, value in parameters.items():
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + epsilon
            plus = net_cost(X, Y, parameters)
            value[index] = original - epsilon
            minus = net_cost(X, Y, parameters)
            value[index] = original
            gradient[index] = (plus - minus) / (2 * epsilon)
        gradients["d" + key] = gradient
    return gradients


def probe_backward_propagation_n(namespace):
    function = lookup(namespace, "backward_propagation_n")
    if isinstance(function, Raised):
        return {"missing": function}
    forward = namespace["forward_propagation_n"]  # given code: restored from the source
    cases = []
    for layers_dims, m, seed in BACKPROP_CASES:
        parameters, X, Y = random_net(layers_dims, m, seed)
        _, cache = forward(X, Y, parameters)
        cases.append({"gradients": attempt(function, X, Y, cache),
                      "numerical": numerical_gradients(X, Y, parameters)})
    return {"cases": cases}


def judge_backward_propagation_n(student, reference):
    test = SUITE.tests["test_backward_propagation_n"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    found = set()
    for case in student["cases"]:
        gradients = case["gradients"]
        if isinstance(gradients, Raised):
            return _raised_verdict(test, gradients)
        if not isinstance(gradients, dict):
            return test.fail("type")
        for key in GRADIENT_KEYS:
            value = gradients.get(key)
            if value is not None and not isinstance(value, np.ndarray):
                return test.fail("type", f"{key} is not an array")
            problem = gradient_problem(value, case["numerical"][key], key)
            if problem:
                if problem.mistake in ("missing_gradient", "wrong_shape"):
                    return test.fail(problem.mistake, key)  # the key only: no hidden shapes
                found.add(problem.mistake)
    if not found:
        return Verdict(True, "passed")
    if found == {"dW2_times_2", "db1_times_4"}:
        return test.fail("bugs_not_fixed")
    if found in ({"dW2_times_2"}, {"db1_times_4"}):
        return test.fail(found.pop())
    keys = sorted(name.split("_")[0] for name in found)
    return test.fail("wrong_gradient", "check " + ", ".join(keys))


# The two bugs planted in the notebook's backward_propagation_n, put back into the fixed one.
DW2_TIMES_2 = ("A1.T / m", "A1.T * 2 / m")
DB1_TIMES_4 = ("db1 = np.sum", "db1 = 4 * np.sum")

SUITE.add(GradedTest(
    grade_id="test_backward_propagation_n",
    solution_id="backward_propagation_n",
    functions=("backward_propagation_n",),
    probe=probe_backward_propagation_n, judge=judge_backward_propagation_n,
    mistakes=(
        Mistake("bugs_not_fixed", "Both planted bugs are still there: dW2 is twice and db1 four "
                "times the true gradient.", "the per-parameter differences of your gradient "
                "check point to the two lines",
                edit(DW2_TIMES_2, DB1_TIMES_4)),
        Mistake("dW2_times_2", "dW2 is still twice the true gradient.", "dW2 = (1/m) dZ2 A1^T, "
                "with no other factor", edit(DW2_TIMES_2)),
        Mistake("db1_times_4", "db1 is still four times the true gradient.", "db1 = (1/m) times "
                "the sum of dZ1 over the examples",
                edit(DB1_TIMES_4)),
        Mistake("wrong_shape", "A gradient has the wrong shape.", "each gradient has its "
                "parameter's shape; keepdims=True keeps db a column",
                edit(("dZ1, axis=1, keepdims=True", "dZ1, axis=1"))),
        Mistake("missing_gradient", "A gradient is missing from the returned dict.",
                "return dW1, db1, dW2, db2, dW3, db3"),
        Mistake("wrong_gradient", "Some gradients disagree with the numerical gradient.",
                "dZ^[l] = dA^[l] * 1[A^[l] > 0]; dW = (1/m) dZ A_prev^T; db = (1/m) sum of dZ",
                edit(("dA1 * (A1 > 0)", "dA1"))),
        Mistake("type", "backward_propagation_n should return a dict of numpy arrays.",
                "the given return line"),
        Mistake("global_name", "backward_propagation_n uses a name defined outside it, which "
                "does not exist when it is graded.", "everything comes from X, Y and cache"),
    ),
))
