"""Assignment 4: the hidden tests accept correct alternatives, the visible checks name every
catalogued mistake, a wrong submission loses exactly its cells' points through the real grading
path, and the executed notebook tells the optimizers' story (Adam ahead of plain gradient
descent, scheduled decay letting gradient descent catch up, update_lr stalling)."""

import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.execution import results_tables
from autograder.grading import grade_submission
from autograder.judging import reference_namespace
from autograder.selftest import mutate, solution_sources, verdicts_with
from autograder.suite import load_suite
from helpers.checks import CheckFailed
from helpers.checks import optimization as checks
from submissions import write_submission

ASSIGNMENT = "optimization"

# Correct implementations written differently from the reference: in-place updates, loops over
# the two parameters of a layer, other numpy idioms, another way to cut the batches.
ALTERNATIVES = {
    "update_parameters_with_gd": (
        'for key in ("W" + str(l), "b" + str(l)):\n'
        '    parameters[key] -= learning_rate * grads["d" + key]'),
    "random_mini_batches": (
        "order = list(np.random.default_rng(seed).permutation(m))\n"
        "shuffled_X, shuffled_Y = X[:, order], Y[:, order].reshape((1, m))\n"
        "for k in range(-(-m // mini_batch_size)):\n"
        "    columns = slice(k * mini_batch_size, min((k + 1) * mini_batch_size, m))\n"
        "    mini_batches.append((shuffled_X[:, columns], shuffled_Y[:, columns]))"),
    "initialize_velocity": (
        'v.update({"d" + key: np.zeros(parameters[key].shape)\n'
        '          for key in ("W" + str(l), "b" + str(l))})'),
    "update_parameters_with_momentum": (
        'for key in ("W" + str(l), "b" + str(l)):\n'
        '    v["d" + key] *= beta\n'
        '    v["d" + key] += (1 - beta) * grads["d" + key]\n'
        '    parameters[key] -= learning_rate * v["d" + key]'),
    "initialize_rmsprop": (
        's["dW" + str(l)] = 0.0 * parameters["W" + str(l)]\n'
        's["db" + str(l)] = np.zeros((parameters["b" + str(l)].shape[0], 1))'),
    "update_parameters_with_rmsprop": (
        'W, b = "W" + str(l), "b" + str(l)\n'
        's["d" + W] = beta2 * s["d" + W] + (1 - beta2) * np.square(grads["d" + W])\n'
        's["d" + b] = beta2 * s["d" + b] + (1 - beta2) * np.square(grads["d" + b])\n'
        'parameters[W] = parameters[W] - learning_rate * grads["d" + W] / (s["d" + W] ** 0.5 '
        '+ epsilon)\n'
        'parameters[b] = parameters[b] - learning_rate * grads["d" + b] / (s["d" + b] ** 0.5 '
        '+ epsilon)'),
    "initialize_adam": (
        'for key in ("W" + str(l), "b" + str(l)):\n'
        '    v["d" + key] = np.zeros_like(parameters[key], dtype=float)\n'
        '    s["d" + key] = np.zeros(parameters[key].shape)'),
    "update_parameters_with_adam": (
        'for key in ("dW" + str(l), "db" + str(l)):\n'
        '    v[key] *= beta1\n'
        '    v[key] += (1 - beta1) * grads[key]\n'
        '    s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)\n'
        '    v_corrected[key] = v[key] / (1 - np.power(beta1, t))\n'
        '    s_corrected[key] = s[key] / (1 - np.power(beta2, t))\n'
        '    parameters[key[1:]] -= learning_rate * v_corrected[key] / (\n'
        '        np.sqrt(s_corrected[key]) + epsilon)'),
    "update_lr": "learning_rate = learning_rate0 * (1.0 / (1.0 + decay_rate * epoch_num))",
    "schedule_lr_decay": ("learning_rate = learning_rate0 / (1 + decay_rate * "
                          "(epoch_num // time_interval))"),
}


def verdicts_for(replacements):
    """grade_id -> Verdict for the reference with some solution bodies replaced."""
    return verdicts_with(ASSIGNMENT, replacements)


def test_correct_alternatives_pass_every_hidden_test():
    verdicts = verdicts_for(ALTERNATIVES)
    assert all(verdict.passed for verdict in verdicts.values()), verdicts


def test_another_seeded_shuffle_passes_and_says_so():
    body = ("order = np.random.default_rng(seed).choice(m, size=m, replace=False)\n"
            + ALTERNATIVES["random_mini_batches"].split("\n", 1)[1])
    verdict = verdicts_for({"random_mini_batches": body})["test_random_mini_batches"]
    assert verdict.passed and "different order" in verdict.message


@pytest.mark.parametrize("body,mistake", [
    # the shuffle ignores the seed: a fixed one
    ("order = np.random.default_rng(0).permutation(m)\n"
     + ALTERNATIVES["random_mini_batches"].split("\n", 1)[1], "seed_ignored"),
    # a fresh unseeded generator at every call
    ("order = np.random.default_rng().permutation(m)\n"
     + ALTERNATIVES["random_mini_batches"].split("\n", 1)[1], "unseeded"),
])
def test_shuffles_that_misuse_the_seed_fail(body, mistake):
    verdict = verdicts_for({"random_mini_batches": body})["test_random_mini_batches"]
    assert not verdict.passed and verdict.mistake == mistake, verdict


def test_every_mistake_of_the_brief_has_a_mutant():
    suite = load_suite(ASSIGNMENT)
    required = {
        "test_random_mini_batches": {"different_permutations", "last_batch_dropped",
                                     "overlapping_batches", "empty_batch", "rows_shuffled"},
        "test_update_parameters_with_momentum": {"no_one_minus_beta", "gradient_not_velocity"},
        "test_update_parameters_with_rmsprop": {"epsilon_in_sqrt", "epsilon_in_s"},
        "test_update_parameters_with_adam": {"bias_correction_power", "t_incremented",
                                             "t_from_zero", "epsilon_in_sqrt", "epsilon_in_s",
                                             "uncorrected_update"},
        "test_update_lr": {"exponential"},
        "test_schedule_lr_decay": {"no_floor", "rounded", "ceil", "compounding"},
    }
    for grade_id, names in required.items():
        with_mutants = set(suite.tests[grade_id].mutants)
        assert names <= with_mutants, (grade_id, names - with_mutants)


def test_hidden_probes_use_non_default_hyperparameters():
    from autograder.suites import optimization as suite
    adam = [hyperparameters for _, _, hyperparameters in suite.ADAM_CASES]
    assert all(case["t"] >= 2 for case in adam[:3])
    assert any(case["beta1"] != 0.9 for case in adam)
    assert max(case["epsilon"] for case in adam) >= 0.01
    assert any(epoch % interval for _, epoch, _, interval in suite.SCHEDULE_CASES if interval)


# ------------------------------------------------------------------ visible checks

def _check(name):
    return lambda namespace: getattr(checks, f"check_{name}")(namespace[name])


CHECKS = {name: _check(name) for name in ALTERNATIVES}



def catalogued_mutants():
    return [pytest.param(test.function, name, mutant, id=f"{test.function}-{name}")
            for test in load_suite(ASSIGNMENT).tests.values()
            for name, mutant in test.mutants.items()]


@pytest.mark.parametrize("function,mistake,mutant", catalogued_mutants())
def test_visible_check_names_each_catalogued_mistake(function, mistake, mutant):
    """The learner reads the likely mistake, not just "wrong": the catalogued hint of the very
    mistake the mutant makes."""
    cell = mutate(solution_sources(ASSIGNMENT)[function], mutant)
    namespace = reference_namespace(ASSIGNMENT, {function: cell})
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as failure:
        CHECKS[function](namespace)
    assert checks.MISTAKES[mistake].hint in str(failure.value), str(failure.value)


def test_visible_checks_pass_the_reference_and_alternatives_and_flag_stubs(capsys):
    for namespace in (reference_namespace(ASSIGNMENT), reference_namespace(ASSIGNMENT, {
            name: mutate(solution_sources(ASSIGNMENT)[name], body)
            for name, body in ALTERNATIVES.items()})):
        for run in CHECKS.values():
            run(namespace)
    assert capsys.readouterr().out.count("all visible checks passed") == 2 * len(CHECKS)

    def update_lr(learning_rate0, epoch_num, decay_rate):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        checks.check_update_lr(update_lr)


def test_mini_batch_diagnostics_accept_any_partition_order():
    X, Y = checks.labelled_columns(3, 10)
    order = np.array([3, 1, 4, 0, 9, 2, 6, 5, 8, 7])
    batches = [(X[:, order[k:k + 4]], Y[:, order[k:k + 4]]) for k in range(0, 10, 4)]
    assert checks.mini_batch_problem(batches, 3, 10, 4) is None
    assert checks.mini_batch_problem(batches[:-1], 3, 10, 4).mistake == "last_batch_dropped"
    assert checks.mini_batch_problem(batches + [(X[:, :0], Y[:, :0])], 3, 10, 4).mistake \
        == "empty_batch"


# ------------------------------------------------------------------ the real grading path

def test_wrong_submission_loses_exactly_its_cells_points(tmp_path):
    suite = load_suite(ASSIGNMENT)
    wrong = {
        "random_mini_batches": suite.tests["test_random_mini_batches"].mutants[
            "different_permutations"],
        "update_parameters_with_adam": suite.tests["test_update_parameters_with_adam"].mutants[
            "bias_correction_power"],
        "schedule_lr_decay": suite.tests["test_schedule_lr_decay"].mutants["rounded"],
    }
    folder = tmp_path / "submitted" / "lee" / ASSIGNMENT
    write_submission(folder, ASSIGNMENT, wrong)

    result = grade_submission("lee", ASSIGNMENT, folder)
    assert result.status == "graded", result.message
    cells = {cell.grade_id: cell for cell in result.cells}
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == {
        "test_update_parameters_with_gd": 1, "test_random_mini_batches": 0,
        "test_initialize_velocity": 1, "test_update_parameters_with_momentum": 2,
        "test_initialize_rmsprop": 1, "test_update_parameters_with_rmsprop": 2,
        "test_initialize_adam": 1, "test_update_parameters_with_adam": 0,
        "test_update_lr": 1, "test_schedule_lr_decay": 0}
    assert cells["test_random_mini_batches"].mistake == "different_permutations"
    assert "different permutations" in cells["test_random_mini_batches"].message
    assert cells["test_update_parameters_with_adam"].mistake == "bias_correction_power"
    assert "1 - beta^t" in cells["test_update_parameters_with_adam"].message
    assert cells["test_schedule_lr_decay"].mistake == "rounded"
    assert result.score == 9 and result.max_score == 15


# ------------------------------------------------------------------ the notebook's results

@pytest.mark.slow
def test_executed_notebook_tells_the_optimizers_story(executed):
    tables = results_tables(executed(source_notebook(ASSIGNMENT)))
    rows = {row["run"]: row for row in tables["optimization"]}
    accuracy = {name: row["train accuracy"] for name, row in rows.items()}
    # Without decay, at the same small learning rate, Adam is clearly ahead of plain GD.
    assert accuracy["adam"] > accuracy["gd"] + 0.05, accuracy
    assert accuracy["rmsprop"] > accuracy["gd"] + 0.05, accuracy
    # With the scheduled decay, GD and momentum catch up: within a few points of Adam.
    for name in ("gd + schedule_lr_decay", "momentum + schedule_lr_decay"):
        assert abs(accuracy[name] - accuracy["adam"]) <= 0.03, accuracy
    # update_lr decays too fast: it stalls below the scheduled run, at a tiny final rate.
    assert accuracy["gd + update_lr"] < accuracy["gd + schedule_lr_decay"] - 0.05, accuracy
    assert rows["gd + update_lr"]["final learning rate"] < 0.0007 / 10
    assert rows["gd + schedule_lr_decay"]["final learning rate"] > 0.0007


def test_moons_dataset():
    from helpers.datasets import load_moons
    X, Y, X_test, Y_test = load_moons()
    assert X.shape == (2, 300) and Y.shape == (1, 300) and X_test.shape == (2, 100)
    assert Y.mean() == 0.5 and sorted(np.unique(Y_test)) == [0, 1]
    # The moons interleave: neither coordinate alone separates them.
    for feature in X:
        assert feature[Y[0] == 0].max() > feature[Y[0] == 1].min()
