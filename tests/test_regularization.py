"""Assignment 2: the hidden tests accept correct alternatives (loops, in-place updates, other
mask draws), the visible checks name every catalogued mistake, wrong submissions lose exactly
their cells' points through the real grading path, and the executed notebook tells the
regularization story with numbers it computed itself."""

import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.execution import results_tables
from autograder.grading import grade_submission
from autograder.judging import reference_namespace
from autograder.selftest import mutate, solution_sources, verdicts_with
from autograder.suite import load_suite
from helpers.checks import CheckFailed
from helpers.checks import regularization as checks
from submissions import write_submission

ASSIGNMENT = "regularization"

# Correct implementations written differently from the reference.
ALTERNATIVES = {
    "compute_cost_with_regularization": (
        "L2_regularization_cost = 0.0\n"
        "for l in range(1, 4):\n"
        "    W = parameters['W' + str(l)]\n"
        "    L2_regularization_cost += lambd * np.linalg.norm(W) ** 2 / (2 * m)"),
    "backward_propagation_with_regularization": (
        "for key in ('W1', 'W2', 'W3'):\n"
        "    grads['d' + key] += (lambd / m) * cache[key]"),
    "forward_propagation_with_dropout": (
        "D1 = rng.binomial(1, keep_prob, size=(W1.shape[0], X.shape[1]))  # drawn up front\n"
        "D2 = rng.uniform(0.0, 1.0, size=(X.shape[1], W2.shape[0])).T < keep_prob\n"
        "Z1 = np.dot(W1, X) + b1\n"
        "A1 = np.maximum(Z1, 0)\n"
        "A1 *= D1\n"
        "A1 /= keep_prob\n"
        "Z2 = np.dot(W2, A1) + b2\n"
        "A2 = np.multiply(np.maximum(Z2, 0), D2) / keep_prob\n"
        "Z3 = np.dot(W3, A2) + b3\n"
        "A3 = 1 / (1 + np.exp(-Z3))"),
    "backward_propagation_with_dropout": (
        "m = X.shape[1]\n"
        "dW3 = np.dot(dZ3, cache['A2'].T) / m\n"
        "db3 = np.sum(dZ3, axis=1, keepdims=True) / m\n"
        "dA2 = np.dot(cache['W3'].T, dZ3)\n"
        "dA2 *= cache['D2']\n"
        "dA2 /= keep_prob\n"
        "dZ2 = np.multiply(dA2, np.int64(cache['A2'] > 0))\n"
        "dW2 = 1.0 / m * np.dot(dZ2, cache['A1'].T)\n"
        "db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)\n"
        "dA1 = np.dot(cache['W2'].T, dZ2) * cache['D1'] / keep_prob\n"
        "dZ1 = dA1 * (cache['A1'] > 0)\n"
        "dW1 = dZ1 @ X.T / m\n"
        "db1 = dZ1.sum(axis=1, keepdims=True) / m"),
}

# Other correct ways to write one function (each graded on its own).
MORE_ALTERNATIVES = [
    ("forward_propagation_with_dropout",  # one uniform number per entry, drawn in a loop
     "Z1, _ = linear_forward(X, W1, b1)\n"
     "D1 = np.array([[rng.random() < keep_prob for _ in range(Z1.shape[1])]\n"
     "               for _ in range(Z1.shape[0])])\n"
     "A1 = relu(Z1) * D1 / keep_prob\n"
     "Z2, _ = linear_forward(A1, W2, b2)\n"
     "D2 = (rng.random(Z2.shape) < keep_prob).astype(float)\n"
     "A2 = relu(Z2) * D2 / keep_prob\n"
     "Z3, _ = linear_forward(A2, W3, b3)\n"
     "A3 = sigmoid(Z3)"),
    ("backward_propagation_with_dropout",  # no explicit mask: A > 0 only where a unit was kept
     "dA2, dW3, db3 = linear_backward(dZ3, (cache['A2'], cache['W3']))\n"
     "dZ2 = dA2 / keep_prob * (cache['A2'] > 0)\n"
     "dA1, dW2, db2 = linear_backward(dZ2, (cache['A1'], cache['W2']))\n"
     "dZ1 = dA1 / keep_prob * (cache['A1'] > 0)\n"
     "_, dW1, db1 = linear_backward(dZ1, (X, cache['W1']))"),
    ("backward_propagation_with_regularization",  # the whole backward pass written out
     "dZ3 = cache['A3'] - Y\n"
     "grads['dW3'] = dZ3 @ cache['A2'].T / m + lambd / m * cache['W3']\n"
     "dZ2 = (cache['W3'].T @ dZ3) * (cache['Z2'] > 0)\n"
     "grads['dW2'] = dZ2 @ cache['A1'].T / m + lambd / m * cache['W2']\n"
     "dZ1 = (cache['W2'].T @ dZ2) * (cache['Z1'] > 0)\n"
     "grads['dW1'] = dZ1 @ X.T / m + lambd / m * cache['W1']"),
]


def verdicts_for(replacements):
    """grade_id -> Verdict for the reference with some solution bodies replaced."""
    return verdicts_with(ASSIGNMENT, replacements)


def test_correct_alternatives_pass_every_hidden_test():
    verdicts = verdicts_for(ALTERNATIVES)
    assert all(verdict.passed for verdict in verdicts.values()), verdicts


@pytest.mark.parametrize("function,body", MORE_ALTERNATIVES, ids=[f for f, _ in MORE_ALTERNATIVES])
def test_more_correct_alternatives_pass(function, body):
    verdict = verdicts_for({function: body})[f"test_{function}"]
    assert verdict.passed, verdict


def test_every_mistake_of_the_brief_has_a_mutant():
    suite = load_suite(ASSIGNMENT)
    required = {
        "test_compute_cost_with_regularization": {"lambda_over_m", "biases_penalized",
                                                  "sum_squared"},
        "test_backward_propagation_with_regularization": {"term_missing", "half_term"},
        "test_forward_propagation_with_dropout": {"mask_reversed", "mask_distribution",
                                                  "mask_shape", "no_division",
                                                  "dropout_on_input", "dropout_on_output"},
        "test_backward_propagation_with_dropout": {"no_division", "different_mask"},
    }
    for grade_id, names in required.items():
        with_mutants = set(suite.tests[grade_id].mutants)
        assert names <= with_mutants, (grade_id, names - with_mutants)


def test_hidden_probes_use_non_default_hyperparameters_and_sizes():
    from autograder.suites import regularization as suite
    for cases in (suite.COST_CASES, suite.L2_CASES):
        assert len({lambd for *_, lambd, _ in cases}) >= 3
        assert any(lambd != 0.7 for *_, lambd, _ in cases)
    for cases in (suite.DROPOUT_CASES, suite.BACKWARD_CASES):
        assert len({keep_prob for *_, keep_prob, _ in cases}) >= 3
        assert all(dims[1] != m and dims[2] != m for dims, m, *_ in cases)
    # The kept fraction is measured where it cannot be confused with 1 - keep_prob.
    assert all(abs(keep_prob - 0.5) > 0.1 for *_, keep_prob, _ in suite.LARGE_DROPOUT_CASES)


def test_failed_hidden_tests_say_only_the_catalogued_hint():
    """A hidden verdict's message is a catalogue hint and concept: never hidden inputs."""
    from autograder.selftest import mutant_verdicts
    suite = load_suite(ASSIGNMENT)
    for grade_id, name, verdict in mutant_verdicts(ASSIGNMENT):
        mistake = suite.tests[grade_id].mistake(name)
        assert verdict.message == f"{mistake.hint} Revisit: {mistake.concept}.", verdict


def test_the_numerical_oracle_agrees_with_the_reference_gradients():
    from autograder.suites.regularization import (BACKWARD_CASES, L2_CASES, _fixed_masks,
                                                  masked_forward)
    from helpers.checks import numerical_gradients
    namespace = reference_namespace(ASSIGNMENT)
    layers_dims, m, lambd, seed = L2_CASES[0]
    parameters, X, Y = checks.example_net(layers_dims, m, seed)
    _, cache = namespace["forward_propagation"](X, parameters)
    grads = namespace["backward_propagation_with_regularization"](X, Y, cache, lambd)
    numerical = numerical_gradients(lambda theta: namespace["compute_cost_with_regularization"](
        namespace["forward_propagation"](X, theta)[0], Y, theta, lambd), parameters)
    for key in checks.GRAD_KEYS:
        np.testing.assert_allclose(grads[key], numerical[key], rtol=1e-6, atol=1e-9)
    layers_dims, m, keep_prob, seed = BACKWARD_CASES[0]
    parameters, X, Y = checks.example_net(layers_dims, m, seed)
    D1, D2, _ = _fixed_masks(layers_dims, m, keep_prob, seed)
    _, cache = masked_forward(X, parameters, D1, D2, keep_prob)
    grads = namespace["backward_propagation_with_dropout"](X, Y, cache, keep_prob)
    numerical = numerical_gradients(lambda theta: namespace["compute_cost"](
        masked_forward(X, theta, D1, D2, keep_prob)[0], Y), parameters)
    for key in checks.GRAD_KEYS:
        np.testing.assert_allclose(grads[key], numerical[key], rtol=1e-6, atol=1e-9)


def test_single_example_property_matches_the_reference():
    """The visible backward check's oracle (the plain net with scaled weights) agrees with the
    reference dropout backward pass on one example."""
    namespace = reference_namespace(ASSIGNMENT)
    parameters, X, Y = checks.example_net([3, 8, 6, 1], 1, 4)
    _, cache = namespace["forward_propagation_with_dropout"](X, parameters, 0.6,
                                                             np.random.default_rng(3))
    expected = checks.single_example_gradients(parameters, X, Y, cache["D1"], cache["D2"], 0.6)
    grads = namespace["backward_propagation_with_dropout"](X, Y, cache, 0.6)
    for key in checks.GRAD_KEYS:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ visible checks

def _run_check(function):
    def run(namespace):
        check = getattr(checks, f"check_{function}")
        if function == "backward_propagation_with_regularization":
            return check(namespace[function], namespace["forward_propagation"])
        if function == "backward_propagation_with_dropout":
            return check(namespace[function], namespace["forward_propagation_with_dropout"])
        return check(namespace[function])
    return run


CHECKS = {name: _run_check(name) for name in ALTERNATIVES}

# What the visible message says for each catalogued mutant.
VISIBLE_MESSAGES = {
    "test_compute_cost_with_regularization": {
        "lambda_over_m": "lambd / m * sum", "no_m": "divide by m too",
        "biases_penalized": "biases are penalized", "sum_squared": "(sum of W)^2",
        "not_squared": "without the square", "penalty_missing": "penalty is missing"},
    "test_backward_propagation_with_regularization": {
        "term_missing": "gets no regularization term", "half_term": "(lambd / (2 * m))",
        "double_term": "(2 * lambd / m)", "no_m": "gets lambd * W1",
        "wrong_sign": "added, not subtracted", "bias_term": "penalty has no biases",
        "layer_not_regularized": "every layer's dW"},
    "test_forward_propagation_with_dropout": {
        "mask_shape": "one draw for every unit and every example",
        "mask_not_binary": "it holds other values", "mask_reversed": "comparison is reversed",
        "mask_distribution": "Draw uniform numbers", "layer_missed": "both hidden layers",
        "global_rng": "global random state", "rng_not_used": "made from the same seed",
        "no_division": "divide by keep_prob too",
        "multiplied_by_keep_prob": "inverted dropout divides by keep_prob",
        "mask_not_applied": "does not use the mask",
        "dropout_on_input": "apply dropout to the input",
        "dropout_on_output": "no dropout on the output layer",
        "cache_inconsistent": "store A1 after dropout",
        "forward_wrong": "with keep_prob = 1 (nothing dropped)"},
    "test_backward_propagation_with_dropout": {
        "different_mask": "draws new random numbers", "mask_not_applied": "still gets a gradient",
        "no_division": "too small by powers of keep_prob",
        "divided_twice": "divide dA by keep_prob once per layer"},
}


def catalogued_mutants():
    return [pytest.param(test.grade_id, test.solution_id, name, mutant,
                         id=f"{test.solution_id}-{name}")
            for test in load_suite(ASSIGNMENT).tests.values()
            for name, mutant in test.mutants.items()]


@pytest.mark.parametrize("grade_id,function,name,mutant", catalogued_mutants())
def test_visible_check_names_each_catalogued_mistake(grade_id, function, name, mutant):
    cell = mutate(solution_sources(ASSIGNMENT)[function], mutant)
    namespace = reference_namespace(ASSIGNMENT, {function: cell})
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as failure:
        CHECKS[function](namespace)
    message = str(failure.value)
    assert VISIBLE_MESSAGES[grade_id][name] in message, message
    assert checks.MISTAKES[name].hint in message, message


def test_visible_checks_pass_the_reference_and_alternatives_and_flag_stubs(capsys):
    solutions = solution_sources(ASSIGNMENT)
    for namespace in (reference_namespace(ASSIGNMENT), reference_namespace(ASSIGNMENT, {
            name: mutate(solutions[name], body) for name, body in ALTERNATIVES.items()})):
        for run in CHECKS.values():
            run(namespace)
    assert capsys.readouterr().out.count("all visible checks passed") == 2 * len(CHECKS)

    def forward_propagation_with_dropout(X, parameters, keep_prob, rng):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        checks.check_forward_propagation_with_dropout(forward_propagation_with_dropout)


def test_penalty_diagnosis_names_the_variants():
    parameters, _, _ = checks.example_net([2, 4, 3, 1], 5, 0)
    W = [parameters[f"W{l}"] for l in (1, 2, 3)]
    squares = sum(float((w ** 2).sum()) for w in W)
    biases = sum(float((parameters[f"b{l}"] ** 2).sum()) for l in (1, 2, 3))
    right = 0.7 / 10 * squares
    variants = {"lambda_over_m": 0.7 / 5 * squares, "no_m": 0.7 / 2 * squares,
                "biases_penalized": 0.7 / 10 * (squares + biases),
                "not_squared": 0.7 / 10 * sum(np.linalg.norm(w) for w in W),
                "penalty_missing": 0.0}
    assert checks.penalty_problem(1.0 + right, 1.0, parameters, 0.7, 5) is None
    for name, penalty in variants.items():
        problem = checks.penalty_problem(1.0 + penalty, 1.0, parameters, 0.7, 5)
        assert problem.mistake == name
    assert checks.penalty_problem(np.array([[1.0 + right]]), 1.0, parameters, 0.7, 5) is None
    assert checks.penalty_problem(None, 1.0, parameters, 0.7, 5).mistake == "type"


# ------------------------------------------------------------------ the real grading path

def test_wrong_submission_loses_exactly_its_cells_points(tmp_path):
    suite = load_suite(ASSIGNMENT)
    wrong = {
        "compute_cost_with_regularization": suite.tests[
            "test_compute_cost_with_regularization"].mutants["biases_penalized"],
        "forward_propagation_with_dropout": suite.tests[
            "test_forward_propagation_with_dropout"].mutants["mask_reversed"],
    }
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    write_submission(folder, ASSIGNMENT, wrong)

    result = grade_submission("ada", ASSIGNMENT, folder)
    assert result.status == "graded", result.message
    cells = {cell.grade_id: cell for cell in result.cells}
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == {
        "test_compute_cost_with_regularization": 0,
        "test_backward_propagation_with_regularization": 2,
        "test_forward_propagation_with_dropout": 0,
        "test_backward_propagation_with_dropout": 3}
    assert cells["test_compute_cost_with_regularization"].mistake == "biases_penalized"
    assert "biases are penalized" in cells["test_compute_cost_with_regularization"].message
    assert cells["test_forward_propagation_with_dropout"].mistake == "mask_reversed"
    assert "reversed" in cells["test_forward_propagation_with_dropout"].message
    assert result.score == 5 and result.max_score == 10


def test_submission_of_correct_alternatives_earns_full_marks(tmp_path):
    folder = tmp_path / "submitted" / "cy" / ASSIGNMENT
    write_submission(folder, ASSIGNMENT, ALTERNATIVES)
    result = grade_submission("cy", ASSIGNMENT, folder)
    assert result.status == "graded", result.message
    assert [cell.status for cell in result.cells] == ["passed"] * 4, result.cells
    assert result.score == result.max_score == 10


def test_backward_dropout_is_graded_without_the_learners_forward_pass(tmp_path):
    """A forward pass that forgets the division does not cost the backward cell its points, and
    a backward pass that forgets the mask loses only its own."""
    suite = load_suite(ASSIGNMENT)
    forward = suite.tests["test_forward_propagation_with_dropout"]
    backward = suite.tests["test_backward_propagation_with_dropout"]
    folder = tmp_path / "submitted" / "bo" / ASSIGNMENT
    write_submission(folder, ASSIGNMENT, {
        "forward_propagation_with_dropout": forward.mutants["no_division"],
        "backward_propagation_with_dropout": backward.mutants["mask_not_applied"]})

    result = grade_submission("bo", ASSIGNMENT, folder)
    cells = {cell.grade_id: cell for cell in result.cells}
    assert cells["test_forward_propagation_with_dropout"].mistake == "no_division"
    assert cells["test_backward_propagation_with_dropout"].mistake == "mask_not_applied"
    assert [cells[g].points for g in ("test_compute_cost_with_regularization",
                                      "test_backward_propagation_with_regularization")] == [2, 2]
    assert result.score == 4


# ------------------------------------------------------------------ the dataset and the notebook

def test_football_dataset():
    from helpers.datasets import load_football
    X, Y, X_test, Y_test = load_football()
    assert X.shape == (2, 200) and Y.shape == (1, 200)
    assert X_test.shape == (2, 200) and Y_test.shape == (1, 200)
    assert 0.4 < Y.mean() < 0.6 and sorted(np.unique(Y_test)) == [0, 1]

    def clean(X):  # the noise-free boundary (datasets/README.md)
        return (X[0] < -0.15 + 0.9 * X[1] ** 2).astype(int)
    # Both sets are noisy, the training set more so; the boundary survives x2 -> -x2.
    train_noise, test_noise = np.mean(clean(X) != Y), np.mean(clean(X_test) != Y_test)
    assert 0.05 < train_noise < 0.12 and 0.02 < test_noise < train_noise
    assert np.array_equal(clean(X), clean(X * np.array([[1], [-1]])))


@pytest.mark.slow
def test_executed_notebook_tells_the_regularization_story(executed):
    tables = results_tables(executed(source_notebook(ASSIGNMENT)))
    rows = {row["model"]: row for row in tables["regularization"]}
    plain = rows["no regularization"]
    regularized = [rows["L2, lambda = 0.7"], rows["dropout, keep_prob = 0.86"]]
    # The unregularized net overfits: better on its training set than on new data.
    assert plain["train accuracy"] > plain["test accuracy"]
    for row in regularized:
        # Each regularizer raises test accuracy and narrows the train/test gap.
        assert row["test accuracy"] > plain["test accuracy"], row
        assert (row["train accuracy"] - row["test accuracy"]
                < plain["train accuracy"] - plain["test accuracy"]), row
    # The sweep: a large lambda underfits (both accuracies below a moderate lambda's).
    sweep = {row["lambda"]: row for row in tables["lambda_sweep"]}
    largest = sweep[max(sweep)]
    assert largest["train accuracy"] < sweep[0.7]["train accuracy"]
    assert largest["test accuracy"] < sweep[0.7]["test accuracy"]
    # Early stopping: the dev cost's minimum comes early, and its weights generalize better.
    early = {row["weights"]: row for row in tables["early_stopping"]}
    stopped, to_the_end = early["stopped early"], early["trained to the end"]
    assert stopped["iterations"] < to_the_end["iterations"] / 3
    assert stopped["held-out accuracy"] > to_the_end["held-out accuracy"]
    # Mirrored, jittered copies of the training set help the unregularized net on new data.
    augmentation = {row["training set"]: row for row in tables["augmentation"]}
    assert augmentation["augmented"]["test accuracy"] > augmentation["original"]["test accuracy"]
