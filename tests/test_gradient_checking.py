"""Assignment 3: graded submissions with each classic gradient-checking mistake lose exactly the
points of the function they affect (through the real worker), a loop-free gradient_check_n
earns full marks, the visible checks name the mistakes, and the executed notebook tells the
story with numbers it computed itself."""

import json

import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.execution import results_tables
from autograder.grading import grade_submission
from autograder.notebooks import grade_id_of
from autograder.judging import plain_probe, reference_namespace, verdict
from autograder.selftest import mutate, solution_sources
from autograder.suite import load_suite
from helpers.checks import CheckFailed
from helpers.checks.gradient_checking import (check_backward_propagation,
                                              check_backward_propagation_n,
                                              check_forward_propagation, check_gradient_check,
                                              check_gradient_check_n)

ASSIGNMENT = "gradient_checking"
SUITE = load_suite(ASSIGNMENT)
POINTS = {"test_forward_propagation": 1, "test_backward_propagation": 1,
          "test_gradient_check": 2, "test_gradient_check_n": 3,
          "test_backward_propagation_n": 2}

# A correct gradient_check_n without a Python loop: all the perturbed points are the columns of
# theta + epsilon * I, evaluated with np.apply_along_axis, and the verdict is a numpy bool.
LOOP_FREE = """\
steps = epsilon * np.eye(num_parameters)


def cost_at(column):
    return forward(X, Y, vector_to_dictionary(column, layout))[0]


J_plus = np.apply_along_axis(cost_at, 0, theta + steps).reshape(-1, 1)
J_minus = np.apply_along_axis(cost_at, 0, theta - steps).reshape(-1, 1)
gradapprox = (J_plus - J_minus) / (2 * epsilon)
difference = np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad)
                                                  + np.linalg.norm(gradapprox))
backward_ok = np.less(difference, THRESHOLD)
"""


def mutant(grade_id, name):
    return SUITE.tests[grade_id].mutants[name]


def judged(solution_id, cell):
    """The verdict of the graded test of ``solution_id`` with ``cell`` as its solution cell, and
    the learner's function."""
    test = SUITE.tests["test_" + solution_id]
    namespace = reference_namespace(ASSIGNMENT, {solution_id: cell})
    reference = plain_probe(test, reference_namespace(ASSIGNMENT))
    return verdict(test, plain_probe(test, namespace), reference), namespace[solution_id]


def write_submission(folder, replacements):
    """The source notebook with the solution regions named in ``replacements`` (solution
    grade_id -> body) replaced, saved as a submission folder."""
    notebook = json.loads(source_notebook(ASSIGNMENT).read_text())
    solutions = solution_sources(ASSIGNMENT)
    for cell in notebook["cells"]:
        body = replacements.get(grade_id_of(cell))
        if body is not None:
            cell["source"] = mutate(solutions[grade_id_of(cell)], body)
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(notebook))
    return folder


def graded_cells(result):
    assert result.status == "graded", result.message
    return {cell.grade_id: cell for cell in result.cells}


# Each mistake of the task, planted in the 1-D check, the N-D check, or both (one submission
# per line keeps the run short; the two cells are graded independently).
MISTAKES = [
    ("grad_is_gradapprox", "grad_is_gradapprox"),
    ("global_name", "no_copy"),  # reads a global gradient / perturbations accumulate
    ("backward_not_called", "whole_vector"),  # a global backward / the whole vector at once
    ("one_sided", "one_sided"),
    ("missing_factor_2", "missing_factor_2"),
    ("minus_from_plus", "minus_from_plus"),
    ("no_norms", "no_norms"),
    ("denominator_missing_term", "denominator_missing_term"),
    ("threshold_reversed", "threshold_reversed"),
]


@pytest.mark.slow
@pytest.mark.parametrize("one_d,n_d", MISTAKES)
def test_each_mistake_loses_the_points_of_its_function(tmp_path, one_d, n_d):
    folder = write_submission(tmp_path / "student" / ASSIGNMENT, {
        "gradient_check": mutant("test_gradient_check", one_d),
        "gradient_check_n": mutant("test_gradient_check_n", n_d)})
    cells = graded_cells(grade_submission("student", ASSIGNMENT, folder))
    for grade_id, mistake in (("test_gradient_check", one_d), ("test_gradient_check_n", n_d)):
        assert cells[grade_id].points == 0 and cells[grade_id].status == "failed"
        assert cells[grade_id].mistake == mistake, cells[grade_id]
        assert cells[grade_id].message.startswith(
            SUITE.catalogue[mistake].hint)
    for grade_id in ("test_forward_propagation", "test_backward_propagation",
                     "test_backward_propagation_n"):
        assert cells[grade_id].points == POINTS[grade_id], cells[grade_id]


@pytest.mark.slow
def test_loop_free_gradient_check_n_earns_full_marks(tmp_path):
    folder = write_submission(tmp_path / "vectorised" / ASSIGNMENT,
                              {"gradient_check_n": LOOP_FREE})
    result = grade_submission("vectorised", ASSIGNMENT, folder)
    cells = graded_cells(result)
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == POINTS, result.cells
    assert result.score == result.max_score == sum(POINTS.values())


@pytest.mark.slow
def test_unfixed_backprop_and_a_wrong_1d_derivative_lose_their_points(tmp_path):
    folder = write_submission(tmp_path / "carol" / ASSIGNMENT, {
        "backward_propagation": "dtheta = theta",
        "backward_propagation_n": mutant("test_backward_propagation_n", "bugs_not_fixed")})
    result = grade_submission("carol", ASSIGNMENT, folder)
    cells = graded_cells(result)
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == {
        **POINTS, "test_backward_propagation": 0, "test_backward_propagation_n": 0}
    assert cells["test_backward_propagation"].mistake == "derivative_wrt_x"
    assert cells["test_backward_propagation_n"].mistake == "bugs_not_fixed"
    assert result.score == 6


def test_loop_free_alternative_passes_the_visible_check_and_the_judge():
    cell = mutate(solution_sources(ASSIGNMENT)["gradient_check_n"], LOOP_FREE)
    result, function = judged("gradient_check_n", cell)
    check_gradient_check_n(function)
    assert result.passed, result


IN_PLACE = """\
for i in range(num_parameters):
    theta[i] += epsilon  # perturb in place, then undo
    J_plus[i] = forward(X, Y, vector_to_dictionary(theta, layout))[0]
    theta[i] -= 2 * epsilon
    J_minus[i] = forward(X, Y, vector_to_dictionary(theta, layout))[0]
    theta[i] += epsilon
gradapprox = (J_plus - J_minus) / epsilon / 2
difference = np.sqrt(np.sum((grad - gradapprox) ** 2)) / (
    np.sqrt(np.sum(grad ** 2)) + np.sqrt(np.sum(gradapprox ** 2)))
backward_ok = not difference >= 2e-7
"""

ABS_1D = """\
J_plus, J_minus = forward(x, theta + epsilon), forward(x, theta - epsilon)
gradapprox = (J_plus - J_minus) / (2 * epsilon)
grad = backward(x, theta)
difference = abs(grad - gradapprox) / (abs(grad) + abs(gradapprox))
backward_ok = bool(difference < 2e-7)
"""


@pytest.mark.parametrize("solution_id,body", [("gradient_check_n", IN_PLACE),
                                              ("gradient_check", ABS_1D)])
def test_other_correct_implementations_pass(solution_id, body):
    cell = mutate(solution_sources(ASSIGNMENT)[solution_id], body)
    result, function = judged(solution_id, cell)
    assert result.passed, result
    {"gradient_check_n": check_gradient_check_n,
     "gradient_check": check_gradient_check}[solution_id](function)


def _with_mutant(grade_id, name):
    solution = SUITE.tests[grade_id].solution_id
    cell = mutate(solution_sources(ASSIGNMENT)[solution], mutant(grade_id, name))
    return reference_namespace(ASSIGNMENT, {solution: cell})[solution]


@pytest.mark.parametrize("function,name,message", [
    ("forward_propagation", "sum", r"returned 5; expected 6\. .*adds theta and x"),
    ("forward_propagation", "wrong_cost", "does not return J = theta \\* x"),
    ("backward_propagation", "derivative_wrt_x", "returns theta, the derivative"),
    ("backward_propagation", "returns_J", "returns J itself"),
    ("backward_propagation", "wrong_derivative", "does not return dJ/dtheta"),
])
def test_visible_1d_model_checks_name_the_mistake(function, name, message):
    check = {"forward_propagation": check_forward_propagation,
             "backward_propagation": check_backward_propagation}[function]
    with pytest.raises(CheckFailed, match=message):
        check(_with_mutant("test_" + function, name))


def test_a_name_error_is_a_global_only_when_the_function_does_not_define_the_name():
    explain = SUITE.tests["test_gradient_check"].explain_error
    assert explain("NameError: name 'dtheta' is not defined") == "global_name"
    assert explain("NameError: name 'theta_plus' is not defined") is None  # a typo of its own
    assert explain("TypeError: unsupported operand") is None


@pytest.mark.parametrize("name,message", [
    ("grad_is_gradapprox", "not with itself"),
    ("backward_not_called", "never called the `backward`"),
    ("forward_not_called", "never called the `forward`"),
    ("one_sided", "one-sided difference"),
    ("minus_from_plus", "built theta_minus from theta_plus"),
    ("missing_factor_2", "factor 2"),
    ("precedence", "parentheses"),
    ("no_norms", r"np\.linalg\.norm"),
    ("denominator_missing_term", "needs both norms"),
    ("threshold_reversed", "right when the difference is large"),
    ("wrong_threshold", "wrong test"),
    ("epsilon_ignored", "other than the `epsilon` argument"),
])
def test_visible_1d_check_names_the_mistake(name, message):
    with pytest.raises(CheckFailed, match=message):
        check_gradient_check(_with_mutant("test_gradient_check", name))


@pytest.mark.parametrize("name,message", [
    ("grad_is_gradapprox", "not with itself"),
    ("forward_not_called", "never called the `forward`"),
    ("one_sided", "one-sided difference"),
    ("minus_from_plus", "built theta_minus from theta_plus"),
    ("missing_factor_2", "factor 2"),
    ("no_copy", "perturbations accumulate"),
    ("whole_vector", "every parameter at once"),
    ("skipped_components", "every entry"),
    ("no_norms", r"np\.linalg\.norm"),
    ("denominator_missing_term", "needs both norms"),
    ("threshold_reversed", "right when the difference is large"),
    ("wrong_threshold", "wrong test"),
    ("epsilon_ignored", "other than the `epsilon` argument"),
])
def test_visible_nd_check_names_the_mistake(name, message):
    with pytest.raises(CheckFailed, match=message):
        check_gradient_check_n(_with_mutant("test_gradient_check_n", name))


@pytest.mark.parametrize("name,message", [
    ("dW2_times_2", "dW2 is 2 times"),
    ("db1_times_4", "db1 is 4 times"),
    ("wrong_shape", r"db1 has shape \(5,\)"),
    ("wrong_gradient", "dW1 disagrees"),
    ("bugs_not_fixed", "db1 is 4 times .* dW2 is 2 times"),
])
def test_visible_backprop_check_names_the_array(name, message):
    namespace = reference_namespace(ASSIGNMENT)
    with pytest.raises(CheckFailed, match=message):
        check_backward_propagation_n(_with_mutant("test_backward_propagation_n", name),
                                     namespace["forward_propagation_n"])


def test_given_buggy_backprop_has_exactly_the_planted_bugs():
    namespace = reference_namespace(ASSIGNMENT)
    parameters = namespace["random_parameters"]([4, 5, 3, 1], seed=4, bias_scale=0.5)
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((4, 7)), (rng.random((1, 7)) < 0.5).astype(float)
    _, cache = namespace["forward_propagation_n"](X, Y, parameters)
    buggy = namespace["backward_propagation_n_buggy"](X, Y, cache)
    fixed = namespace["backward_propagation_n"](X, Y, cache)
    for key in fixed:
        factor = {"dW2": 2, "db1": 4}.get(key, 1)
        np.testing.assert_allclose(buggy[key], factor * fixed[key], rtol=1e-12, err_msg=key)


@pytest.mark.slow
def test_executed_notebook_tells_the_story(executed):
    tables = results_tables(executed(source_notebook(ASSIGNMENT)))
    rows = {row["check"]: row for row in tables["gradient_checking"]}
    passes = {name for name, row in rows.items() if row["verdict"] == "passes"}
    log = {name: np.log10(max(row["difference"], 1e-17)) for name, row in rows.items()}
    # a right backprop is below 2e-7, a planted bug above 1e-3 (orders of magnitude)
    assert {"1-D: J = theta x", "1-D: J = x theta^3, two-sided", "3-layer net, fixed backprop",
            "L2 in cost and backprop", "dropout, keep_prob = 1.0",
            "dropout, keep_prob = 0.8, mask fixed", "your backprop, at initialization",
            "your backprop, after training", "backprop ignoring b, at initialization"} <= passes
    assert all(log[name] < np.log10(2e-7) for name in passes)
    for name in ("3-layer net, given backprop", "L2 in backprop only",
                 "dropout, keep_prob = 0.8", "backprop ignoring b, after training"):
        assert log[name] > -3, name
    # the one-sided quotient fails where the two-sided one passes
    assert log["1-D: J = x theta^3, one-sided"] > np.log10(2e-7)
    # the check's cost relative to one backprop grows with the number of parameters
    cost = tables["gradient_checking_cost"]
    ratios = [row["check / backprop"] for row in cost]
    sizes = [row["parameters"] for row in cost]
    assert sizes == sorted(sizes) and ratios[-1] > 10 * ratios[0]
