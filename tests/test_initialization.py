"""Assignment 1: the visible checks catch the common mistakes with a message naming them, and the
executed notebook tells the classic story with numbers it computed itself."""

import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.execution import results_tables
from helpers.checks import CheckFailed
from helpers.checks.initialization import (check_initialize_parameters_he,
                                           check_initialize_parameters_random,
                                           check_initialize_parameters_zeros)


def make_init(scale, transpose=False, b_shape="column", global_rng=False, draw="normal"):
    """An initializer with the given scale rule and optional planted mistakes."""
    def initialize(layers_dims, seed=3):
        rng = np.random.default_rng(seed)
        if global_rng:
            np.random.seed(seed)
        parameters = {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            shape = (n_prev, n) if transpose else (n, n_prev)
            if global_rng:
                W = np.random.randn(*shape)
            elif draw == "uniform":
                W = rng.uniform(-np.sqrt(3), np.sqrt(3), shape)
            else:
                W = rng.standard_normal(shape)
            parameters[f"W{l}"] = W * scale(n, n_prev)
            parameters[f"b{l}"] = np.zeros((1, n) if b_shape == "row" else (n, 1))
        return parameters
    initialize.__name__ = "initialize_parameters_he"
    return initialize


def he(n, n_prev):
    return np.sqrt(2 / n_prev)


@pytest.mark.parametrize("function,message", [
    (make_init(he, transpose=True), r"W1 has shape \(3, 4\); expected \(4, 3\).*dimensions swapped"),
    (make_init(he, b_shape="row"), r"b1 has shape \(1, 4\); expected \(4, 1\)\. b is a row"),
    (make_init(lambda n, p: np.sqrt(2 / n)), "the fan-out"),
    (make_init(lambda n, p: np.sqrt(1 / p)), "use Xavier scaling"),
    (make_init(lambda n, p: 2 / p), "the square root is missing"),
    (make_init(he, global_rng=True), "changed numpy's global random state"),
    (make_init(he, draw="uniform"), "do not look normally distributed"),
])
def test_visible_he_check_names_the_mistake(function, message):
    with pytest.raises(CheckFailed, match=message):
        check_initialize_parameters_he(function)


def test_visible_checks_pass_correct_code_and_flag_stubs(capsys):
    check_initialize_parameters_he(make_init(he))
    assert "all visible checks passed" in capsys.readouterr().out

    def initialize_parameters_random(layers_dims, seed=3):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_initialize_parameters_random(initialize_parameters_random)


def test_visible_random_check_wants_times_ten():
    function = make_init(lambda n, p: 0.01)
    function.__name__ = "initialize_parameters_random"
    with pytest.raises(CheckFailed, match="times 0.01"):
        check_initialize_parameters_random(function)


def test_visible_zeros_check():
    def initialize_parameters_zeros(layers_dims):
        return {key: value for l in range(1, len(layers_dims)) for key, value in
                ((f"W{l}", np.zeros((layers_dims[l], layers_dims[l - 1]))),
                 (f"b{l}", np.ones((layers_dims[l], 1))))}
    with pytest.raises(CheckFailed, match="b1 has non-zero entries"):
        check_initialize_parameters_zeros(initialize_parameters_zeros)


@pytest.mark.slow
def test_executed_notebook_tells_the_classic_story(executed):
    rows = {row["init"]: row for row in
            results_tables(executed(source_notebook("initialization")))["initialization"]}
    assert set(rows) == {"zeros", "random x10", "He"}
    zeros, large, he_row = rows["zeros"], rows["random x10"], rows["He"]
    # zeros: stuck at chance with cost ln 2
    assert zeros["train accuracy"] == pytest.approx(0.5, abs=0.02)
    assert zeros["final cost"] == pytest.approx(np.log(2), abs=1e-6)
    # large random: infinite first cost, clearly worse than He
    assert large["first cost"] == "inf"
    assert large["train accuracy"] < he_row["train accuracy"] - 0.1
    assert large["test accuracy"] < he_row["test accuracy"]
    # He: at least 95% on the training set
    assert he_row["train accuracy"] >= 0.95
    assert he_row["test accuracy"] >= 0.9


ALTERNATIVES = {
    "initialize_parameters_zeros": [
        # a dict comprehension instead of the loop body
        'def initialize_parameters_zeros(layers_dims):\n'
        '    return {f"{k}{l}": np.zeros((layers_dims[l], layers_dims[l - 1] if k == "W" else 1))\n'
        '            for l in range(1, len(layers_dims)) for k in "Wb"}\n',
    ],
    "initialize_parameters_he": [
        # rng.normal with a scale draws the same numbers as standard_normal times the scale
        'def initialize_parameters_he(layers_dims, seed=3):\n'
        '    rng = np.random.default_rng(seed)\n'
        '    parameters = {}\n'
        '    for l, (n_prev, n) in enumerate(zip(layers_dims[:-1], layers_dims[1:]), start=1):\n'
        '        parameters["W%d" % l] = rng.normal(0.0, (2.0 / n_prev) ** 0.5, size=(n, n_prev))\n'
        '        parameters["b%d" % l] = np.zeros(shape=(n, 1), dtype=np.float64)\n'
        '    return parameters\n',
        # a different but correct draw order: transposed draw, then transpose back
        'def initialize_parameters_he(layers_dims, seed=3):\n'
        '    rng = np.random.default_rng(seed)\n'
        '    parameters = {}\n'
        '    for l in range(len(layers_dims) - 1, 0, -1):\n'
        '        W = rng.standard_normal((layers_dims[l - 1], layers_dims[l])).T\n'
        '        parameters["W" + str(l)] = W * np.sqrt(2 / layers_dims[l - 1])\n'
        '        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))\n'
        '    return parameters\n',
    ],
}


@pytest.mark.parametrize("solution_id,source", [(k, v) for k, vs in ALTERNATIVES.items()
                                                for v in vs])
def test_alternative_correct_implementations_earn_full_marks(solution_id, source):
    from autograder.judging import plain_probe, reference_namespace, verdict
    from autograder.suite import load_suite
    test = load_suite("initialization").tests["test_" + solution_id]
    reference = plain_probe(test, reference_namespace("initialization"))
    namespace = reference_namespace("initialization",
                                    {solution_id: "import numpy as np\n" + source})
    result = verdict(test, plain_probe(test, namespace), reference)
    assert result.passed, result.message
