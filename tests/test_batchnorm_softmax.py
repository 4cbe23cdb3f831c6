"""Assignment 5: the hidden tests accept correct alternatives, the visible checks name every
catalogued mistake, a wrong submission loses exactly its cell's points through the real grading
path, and the executed notebook shows that batch norm trains faster and that random search
finds a learning rate at least as good as the grid's."""

import json

import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.execution import results_tables
from autograder.grading import grade_submission
from autograder.judging import reference_namespace
from autograder.notebooks import grade_id_of
from autograder.selftest import mutate, solution_sources, verdicts_with
from autograder.suite import load_suite
from helpers.checks import CheckFailed, numerical_gradients, relative_difference
from helpers.checks import batchnorm_softmax as checks

ASSIGNMENT = "batchnorm_softmax"

# Correct implementations written differently from the reference: loops, in-place updates,
# another cache layout with a staged backward pass, other numpy idioms, other draws.
ALTERNATIVES = {
    "softmax": ("A = np.empty_like(Z, dtype=float)\n"
                "for i in range(Z.shape[1]):\n"
                "    column = Z[:, i] - Z[:, i].max()\n"
                "    A[:, i] = np.exp(column - np.log(np.exp(column).sum()))"),
    "compute_softmax_cost": "cost = -np.mean(np.log(AL[Y.argmax(axis=0), np.arange(m)]))",
    "softmax_backward": "dZ = AL.copy()\ndZ -= Y",
    "batchnorm_forward": (
        "if mode == 'test':\n"
        "    Z_tilde = gamma * (Z - bn_state['running_mean']) / np.sqrt(\n"
        "        bn_state['running_var'] + epsilon) + beta\n"
        "    return Z_tilde, None\n"
        "m = Z.shape[1]\n"
        "mu = Z.sum(axis=1, keepdims=True) / m\n"
        "var = ((Z - mu) ** 2).sum(axis=1, keepdims=True) / m\n"
        "bn_state['running_mean'] *= momentum\n"
        "bn_state['running_mean'] += (1 - momentum) * mu\n"
        "bn_state['running_var'] *= momentum\n"
        "bn_state['running_var'] += (1 - momentum) * var\n"
        "Z_tilde = gamma * (Z - mu) / np.sqrt(var + epsilon) + beta\n"
        "cache = {'Z': Z, 'mu': mu, 'var': var, 'gamma': gamma, 'epsilon': epsilon}"),
}
# The staged backward pass that goes with the alternative forward's cache.
STAGED_BACKWARD = (
    "Z, mu, var, gamma, epsilon = (cache[key] for key in ('Z', 'mu', 'var', 'gamma', "
    "'epsilon'))\n"
    "inverse_std = 1 / np.sqrt(var + epsilon)\n"
    "Z_norm = (Z - mu) * inverse_std\n"
    "dgamma = (dZ_tilde * Z_norm).mean(axis=1, keepdims=True)\n"
    "dbeta = dZ_tilde.mean(axis=1, keepdims=True)\n"
    "dZ_norm = dZ_tilde * gamma\n"
    "dvar = np.sum(dZ_norm * (Z - mu), axis=1, keepdims=True) * -0.5 * inverse_std ** 3\n"
    "dmu = -np.sum(dZ_norm * inverse_std, axis=1, keepdims=True) "
    "- 2 * dvar * np.mean(Z - mu, axis=1, keepdims=True)\n"
    "dZ = dZ_norm * inverse_std + dvar * 2 * (Z - mu) / m + dmu / m")
SAMPLERS = {
    "sample_log_uniform": "values = np.power(10.0, low_exp + (high_exp - low_exp) * "
                          "rng.random(size))",
    "sample_beta": "betas = 1 - 10 ** rng.uniform(low_exp, high_exp, size=size)",
}


def verdicts_for(replacements):
    """grade_id -> Verdict for the reference with some solution bodies replaced."""
    return verdicts_with(ASSIGNMENT, replacements)


def test_correct_alternatives_pass_every_hidden_test():
    replacements = dict(ALTERNATIVES, batchnorm_backward=STAGED_BACKWARD)
    verdicts = verdicts_for(replacements)
    assert all(verdict.passed for verdict in verdicts.values()), verdicts


def test_samplers_drawn_differently_still_pass():
    verdicts = verdicts_for(SAMPLERS)
    for grade_id in ("test_sample_log_uniform", "test_sample_beta"):
        assert verdicts[grade_id].passed, verdicts[grade_id]


def test_other_sampling_order_passes_on_distribution():
    # Drawing from a different stream of the same generator gives other values with the right
    # distribution: accepted, and the message says why.
    verdicts = verdicts_for({"sample_log_uniform": "rng.random()\n"
                                                   "values = 10.0 ** rng.uniform(low_exp, "
                                                   "high_exp, size)"})
    verdict = verdicts["test_sample_log_uniform"]
    assert verdict.passed and "distribution" in verdict.message


def test_backward_with_a_broken_forward_asks_to_fix_the_forward_first():
    suite = load_suite(ASSIGNMENT)
    forward = suite.tests["test_batchnorm_forward"].mutants["unbiased_variance"]
    verdicts = verdicts_for({"batchnorm_forward": forward})
    assert verdicts["test_batchnorm_forward"].mistake == "unbiased_variance"
    assert verdicts["test_batchnorm_backward"].mistake == "forward_not_passing"


def test_hints_never_reveal_hidden_values():
    for test in load_suite(ASSIGNMENT).tests.values():
        for name in test.mistakes:
            mistake = test.mistake(name)
            assert not any(str(seed) in mistake.hint + mistake.concept
                           for seed in (100, 200, 400, 500, 600, 700))


# ------------------------------------------------------------------ visible checks

CHECKS = {
    "softmax": lambda ns: checks.check_softmax(ns["softmax"]),
    "compute_softmax_cost": lambda ns: checks.check_compute_softmax_cost(
        ns["compute_softmax_cost"]),
    "softmax_backward": lambda ns: checks.check_softmax_backward(ns["softmax_backward"]),
    "batchnorm_forward": lambda ns: checks.check_batchnorm_forward(ns["batchnorm_forward"]),
    "batchnorm_backward": lambda ns: checks.check_batchnorm_backward(ns["batchnorm_backward"],
                                                                     ns["batchnorm_forward"]),
    "sample_log_uniform": lambda ns: checks.check_sample_log_uniform(ns["sample_log_uniform"]),
    "sample_beta": lambda ns: checks.check_sample_beta(ns["sample_beta"]),
}

# What the visible message says for each catalogued mutant: the learner reads the likely
# mistake, not just "wrong".
VISIBLE_MESSAGES = {
    "no_max_shift": "np.exp overflows",
    "sum_wrong_axis": "rows of softmax's result sum to 1",
    "shift_wrong_axis": "each column's own max",
    "not_averaged": "not the mean",
    "one_hot_wrong_axis": "averages over the classes",
    "binary_cross_entropy": "expected 0.6931",
    "divided_by_m": "divided by m",
    "unbiased_variance": "m - 1",
    "epsilon_outside_sqrt": "outside the square root",
    "no_gamma_beta": "not scaled by gamma",
    "running_never_updated": "left the running averages unchanged",
    "running_weighted_wrong_way": "give the batch the weight momentum",
    "batch_stats_in_test_mode": "batch's own mean and variance",
    "dgamma_wrong_axis": "dgamma has shape",
    "dbeta_wrong_axis": "dbeta has shape",
    "params_not_averaged": "m times too large",
    "missing_variance_term": "path through the variance",
    "missing_mean_term": "path through the mean",
    "dZ_divided_by_m": "m times too small",
    "alpha_uniform": "in the top decade",
    "returned_exponent": "return the exponents r",
    "global_rng": "global random generator",
    "beta_as_power": "1 - beta, not beta",
    "beta_uniform": "beta is uniform",
}


def catalogued_mutants():
    cases = []
    for test in load_suite(ASSIGNMENT).tests.values():
        for name, mutant in test.mutants.items():
            cases.append(pytest.param(test.solution_id, name, mutant,
                                      id=f"{test.solution_id}-{name}"))
    return cases


@pytest.mark.parametrize("function,name,mutant", catalogued_mutants())
def test_visible_check_names_each_catalogued_mistake(function, name, mutant):
    if name == "wrong_sign":
        expected = "wrong sign"
    else:
        expected = VISIBLE_MESSAGES[name]
    cell = mutate(solution_sources(ASSIGNMENT)[function], mutant)
    namespace = reference_namespace(ASSIGNMENT, {function: cell})
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as failure:
        CHECKS[function](namespace)
    assert expected in str(failure.value), str(failure.value)


def test_visible_checks_pass_the_reference_and_flag_stubs(capsys):
    namespace = reference_namespace(ASSIGNMENT)
    for run in CHECKS.values():
        run(namespace)
    assert capsys.readouterr().out.count("all visible checks passed") == len(CHECKS)

    def softmax(Z):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        checks.check_softmax(softmax)


def test_numerical_gradients_match_the_reference_backward():
    namespace = reference_namespace(ASSIGNMENT)
    rng = np.random.default_rng(9)
    Z, gamma, beta, state = checks.batchnorm_inputs(rng, 3, 6, 0.1, 0.9)
    dZ_tilde = rng.normal(size=Z.shape)
    _, cache = namespace["batchnorm_forward"](Z, gamma, beta, checks.copy_state(state), "train")
    analytic = namespace["batchnorm_backward"](dZ_tilde, cache)
    numerical = checks.numerical_batchnorm_gradients(namespace["batchnorm_forward"], Z, gamma,
                                                     beta, state, dZ_tilde)
    for mine, theirs in zip(analytic, numerical):
        assert relative_difference(mine, theirs) < 1e-8


# ------------------------------------------------------------------ the real grading path

def test_wrong_submission_loses_exactly_its_cells_points(tmp_path):
    suite = load_suite(ASSIGNMENT)
    wrong = {
        "batchnorm_forward": suite.tests["test_batchnorm_forward"].mutants[
            "batch_stats_in_test_mode"],
        "sample_beta": suite.tests["test_sample_beta"].mutants["beta_as_power"],
    }
    notebook = json.loads(source_notebook(ASSIGNMENT).read_text())
    solutions = solution_sources(ASSIGNMENT)
    for cell in notebook["cells"]:
        body = wrong.get(grade_id_of(cell))
        if body is not None:
            cell["source"] = mutate(solutions[grade_id_of(cell)], body)
    folder = tmp_path / "submitted" / "dana" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(notebook))

    result = grade_submission("dana", ASSIGNMENT, folder)
    assert result.status == "graded", result.message
    cells = {cell.grade_id: cell for cell in result.cells}
    # The backward pass only needs the train mode, which is right: it keeps its points.
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == {
        "test_softmax": 1, "test_compute_softmax_cost": 1, "test_softmax_backward": 1,
        "test_batchnorm_forward": 0, "test_batchnorm_backward": 3,
        "test_sample_log_uniform": 1, "test_sample_beta": 0}
    assert cells["test_batchnorm_forward"].mistake == "batch_stats_in_test_mode"
    assert "statistics of the test batch" in cells["test_batchnorm_forward"].message
    assert cells["test_sample_beta"].mistake == "beta_as_power"
    assert result.score == 7 and result.max_score == 11


# ------------------------------------------------------------------ the notebook's results

@pytest.mark.slow
def test_executed_notebook_shows_batchnorm_and_random_search_winning(executed):
    tables = results_tables(executed(source_notebook(ASSIGNMENT)))
    rows = {row["model"]: row for row in tables["batchnorm_vs_plain"]}
    bn, plain = rows["batch norm"], rows["no batch norm"]
    assert bn["learning rate"] == plain["learning rate"]
    # Batch norm trains faster at the same learning rate: lower cost early and at the end.
    for column in ("cost after 5 epochs", "cost after 10 epochs", "final cost"):
        assert bn[column] < 0.7 * plain[column], column
    assert bn["train accuracy"] > plain["train accuracy"]
    assert bn["test accuracy"] >= 0.9

    searches = {row["search"]: row for row in tables["search"]}
    grid, random = searches["grid 3 x 3"], searches["random"]
    assert grid["trials"] == random["trials"]
    assert grid["distinct learning rates"] < random["distinct learning rates"]
    # The random search finds a learning rate at least as good as the grid's.
    assert random["best dev cost"] <= grid["best dev cost"]


# ------------------------------------------------------------------ the given network code

@pytest.mark.parametrize("batch_norm", [True, False])
def test_network_gradients_match_numerical_ones(batch_norm):
    from helpers.bn_network import (initialize_bn_states, initialize_softmax_net, one_hot,
                                    softmax_model_backward, softmax_model_forward)
    ns = reference_namespace(ASSIGNMENT)
    layers_dims = [2, 4, 3, 3]
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(2, 6)), one_hot(rng.integers(0, 3, size=(1, 6)), 3)
    parameters = initialize_softmax_net(layers_dims, batch_norm=batch_norm,
                                        weight_scale=np.sqrt(2), seed=1)
    if batch_norm:  # move gamma and beta away from 1 and 0
        parameters["gamma1"] += rng.normal(0, 0.3, size=(4, 1))
        parameters["beta2"] += rng.normal(0, 0.3, size=(3, 1))
    bn_states = initialize_bn_states(layers_dims)
    functions = dict(softmax=ns["softmax"], batchnorm_forward=ns["batchnorm_forward"])

    def cost_of(parameters):
        AL, _ = softmax_model_forward(X, parameters, bn_states, "train", **functions)
        return ns["compute_softmax_cost"](AL, Y)

    AL, caches = softmax_model_forward(X, parameters, bn_states, "train", **functions)
    grads = softmax_model_backward(AL, Y, caches, softmax_backward=ns["softmax_backward"],
                                   batchnorm_backward=ns["batchnorm_backward"])
    assert set(grads) == {"d" + key for key in parameters}
    numerical = numerical_gradients(cost_of, parameters)
    for key in parameters:
        assert relative_difference(grads["d" + key], numerical["d" + key]) < 1e-6, key


def test_spirals_and_one_hot():
    from helpers.bn_network import one_hot
    from helpers.datasets import load_spirals
    X, Y, X_test, Y_test = load_spirals()
    assert X.shape == (2, 1024) and Y.shape == (1, 1024) and X_test.shape == (2, 300)
    assert sorted(np.unique(Y)) == [0, 1, 2]
    assert np.bincount(Y[0]).min() >= 340  # balanced classes
    encoded = one_hot(Y[:, :5], 3)
    assert encoded.shape == (3, 5)
    assert np.array_equal(encoded.argmax(axis=0), Y[0, :5]) and np.all(encoded.sum(axis=0) == 1)
    with pytest.raises(ValueError, match="labels must lie in 0..2"):
        one_hot(np.array([[0, 3]]), 3)


def test_softmax_copes_with_float32_logits_in_any_correct_form():
    """float32 inputs: a single-precision softmax and a log-sum-exp one both earn the points."""
    single = ("shifted = (Z - np.max(Z, axis=0, keepdims=True)).astype(np.float32)\n"
              "E = np.exp(shifted)\n"
              "A = E / np.sum(E, axis=0, keepdims=True)")
    log_sum_exp = ("top = np.max(Z, axis=0, keepdims=True)\n"
                   "A = np.exp(Z - top - np.log(np.sum(np.exp(Z - top), axis=0, keepdims=True)))")
    for body in (single, log_sum_exp):
        assert verdicts_for({"softmax": body})["test_softmax"].passed, body
