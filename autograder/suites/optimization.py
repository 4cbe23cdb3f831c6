"""Hidden tests for Assignment 4 (optimization methods).

The update rules are probed on nets of several shapes, from non-zero optimizer state, with
non-default hyperparameters (t >= 2, beta1 != 0.9, a large epsilon) and a few default calls.
The judge compares every returned component (parameters, moments, corrected moments) with the
reference's; when one differs it tries what each catalogued mistake would give from the same
inputs (helpers.checks.optimization.VARIANTS, shared with the visible checks) and names the one
that matches on every case. ``random_mini_batches`` is probed on data whose values say where
they came from, and judged by properties (one shared permutation of the columns, full batches
then a smaller last one, the seed used): an exact match with the reference passes, and so does
another seeded shuffle.
"""

import numpy as np

from autograder.suite import Suite, attempt, difference, edit, fresh_global_rng_state, \
    global_rng_state
from helpers.checks import as_number, copy_arrays, random_net
from helpers.checks.optimization import MISTAKES, RATE_VARIANTS, RETURNS_OF, VARIANTS, \
    as_components, batch_order, judging_order, labelled_columns, mini_batch_problem, \
    rows_indexed, zero_state_problem

STATE_MISTAKES = ("wrong_keys", "not_zero", "wrong_shape", "not_float", "not_array", "type")
STATE_MUTANTS = {
    "wrong_keys": edit(('["dW"', '["W"'), ('["db"', '["b"')),
    "not_zero": edit(("np.zeros_like(", "np.ones_like(")),
    "wrong_shape": edit(("np.zeros_like(", "np.zeros("), ("str(l)])", "str(l)].shape[::-1])")),
}

MUTANTS = {
    "update_parameters_with_gd": {
        "uphill": edit(("- learning_rate", "+ learning_rate")),
        "no_learning_rate": edit(("learning_rate * ", "")),
        "b_not_updated": edit((' - learning_rate * grads["db" + str(l)]', "")),
    },
    "random_mini_batches": {
        "different_permutations": edit(("(seed).permutation(m)", "(seed)"),
                                       ("permutation = ", "rng = "),
                                       ("[:, permutation]", "[:, rng.permutation(m)]")),
        "rows_shuffled": edit(("X[:, permutation]", "X[permutation, :]")),
        "last_batch_dropped": edit(("m % mini_batch_size != 0", "False")),
        "overlapping_batches": edit(("num_complete_minibatches * mini_batch_size",
                                     "m - mini_batch_size")),
        "empty_batch": edit(("m % mini_batch_size != 0", "True")),
        "not_shuffled": edit(("np.random.default_rng(seed).permutation", "np.arange")),
        "global_rng": edit(("default_rng(seed).", ""),
                           ("permutation = ", "np.random.seed(seed); permutation = ")),
    },
    "initialize_velocity": STATE_MUTANTS,
    "initialize_rmsprop": STATE_MUTANTS,
    "initialize_adam": {**STATE_MUTANTS, "same_dict": edit(('s["dW"', 's = v; s["dW"'))},
    "update_parameters_with_momentum": {
        "no_one_minus_beta": edit(("(1 - beta) * ", "")),
        "beta_swapped": edit(("beta * v[", "(1 - beta) * v["),
                             ("(1 - beta) * grads[", "beta * grads[")),
        "gradient_not_velocity": edit(("learning_rate * v[", "learning_rate * grads[")),
        "old_velocity": edit(("learning_rate * v[", "learning_rate * old_v["),
                             before="old_v = dict(v)"),
    },
    "update_parameters_with_rmsprop": {
        "epsilon_in_sqrt": edit(("name]) + epsilon", "name] + epsilon)")),
        "epsilon_in_s": edit(("** 2", "** 2 + epsilon")),
        "no_one_minus_beta2": edit(("(1 - beta2) * ", "")),
        "gradient_not_squared": edit((" ** 2", "")),
        "no_square_root": edit(("np.sqrt(", "(")),
    },
    "update_parameters_with_adam": {
        "bias_correction_power": edit(("beta1 ** t)", "beta1) ** t"),
                                      ("beta2 ** t)", "beta2) ** t")),
        "t_incremented": edit(("** t)", "** (t + 1))")),
        "t_from_zero": edit(("** t)", "** (t - 1))")),
        "epsilon_in_sqrt": edit(("[key]) + epsilon", "[key] + epsilon)")),
        "epsilon_in_s": edit(("** 2", "** 2 + epsilon")),
        "uncorrected_update": edit(("* v_corrected", "* v"), ("sqrt(s_corrected", "sqrt(s")),
        "corrected_stored": edit(("v[key] / (1 - beta1 ** t)", "v[key]"),
                                 ("= beta1 *", "= (beta1 *"),
                                 ("beta1) * grads[key]",
                                  "beta1) * grads[key]) / (1 - beta1 ** t)")),
        "no_one_minus_beta1": edit(("(1 - beta1) * ", "")),
    },
    "update_lr": {
        "exponential": edit(("/ (1 + decay_rate * epoch_num)", "* decay_rate ** epoch_num")),
        "no_decay_rate": edit(("decay_rate * ", "")),
        "brackets": edit(("(1 + decay_rate * epoch_num)", "1 + decay_rate * epoch_num")),
    },
    "schedule_lr_decay": {
        "no_floor": edit(("np.floor(", "(")),
        "rounded": edit(("np.floor(", "round(")),
        "ceil": edit(("np.floor(", "np.ceil(")),
        "compounding": edit(("decay_rate * np.floor", "decay_rate) ** np.floor"),
                            ("time_interval))", "time_interval)")),
    },
}

SUITE = Suite("optimization", MISTAKES, MUTANTS)

# ------------------------------------------------------------------ update rules

NETS = ([3, 4, 2, 1], [2, 5, 2, 1], [6, 3])

# function -> cases (dims, seed, hyperparameters in the order of the signature)
UPDATE_CASES = {
    "update_parameters_with_gd": (
        (NETS[0], 11, {"learning_rate": 0.37}), (NETS[1], 12, {"learning_rate": 0.05}),
        (NETS[2], 13, {"learning_rate": 1.3})),
    "update_parameters_with_momentum": (
        (NETS[0], 31, {"beta": 0.8, "learning_rate": 0.3}),
        (NETS[1], 32, {"beta": 0.95, "learning_rate": 0.02}),
        (NETS[2], 33, {"beta": 0.5, "learning_rate": 1.1})),
    "update_parameters_with_rmsprop": (
        (NETS[0], 41, {"beta2": 0.9, "learning_rate": 0.05, "epsilon": 0.03}),
        (NETS[1], 42, {"beta2": 0.99, "learning_rate": 0.2, "epsilon": 0.5}),
        (NETS[2], 43, {"beta2": 0.999, "learning_rate": 0.01, "epsilon": 1e-8})),
    "update_parameters_with_adam": tuple(
        (dims, seed, dict(zip(("t", "learning_rate", "beta1", "beta2", "epsilon"), values)))
        for dims, seed, *values in (
            (NETS[0], 51, 2, 0.05, 0.8, 0.95, 0.03), (NETS[1], 52, 7, 0.02, 0.7, 0.99, 1e-3),
            (NETS[2], 53, 3, 0.1, 0.85, 0.9, 0.2), (NETS[1], 54, 1, 0.01, 0.9, 0.999, 1e-8))),
}
ADAM_CASES = UPDATE_CASES["update_parameters_with_adam"]
ADAM_DEFAULTS = (NETS[1], 52, {"t": 7})  # every other hyperparameter left at its default


def _net(dims, seed):
    """parameters, grads, v (signed) and s (positive) for a net with sizes ``dims``."""
    parameters = random_net(dims, 1, seed)[0]
    rng = np.random.default_rng(seed + 1000)
    grads, v, s = {}, {}, {}
    for key, value in parameters.items():
        grads["d" + key] = rng.standard_normal(value.shape) * rng.uniform(0.05, 2.0)
        v["d" + key] = rng.standard_normal(value.shape) * 0.3
        s["d" + key] = rng.uniform(0.01, 0.6, size=value.shape)
    return parameters, grads, v, s


def _update_inputs(function_name, dims, seed):
    """The dicts an update takes, in the order of its signature: parameters, grads, then the
    state it updates."""
    parameters, grads, v, s = _net(dims, seed)
    inputs = {"parameters": parameters, "grads": grads, "v": v, "s": s}
    return {name: value for name, value in inputs.items()
            if name == "grads" or name in RETURNS_OF[function_name]}


def update_probe(function_name):
    """The probe of an update: every case of UPDATE_CASES, and Adam's defaults."""
    def probe(function, namespace):
        cases = []
        for dims, seed, hyperparameters in UPDATE_CASES[function_name]:
            inputs = _update_inputs(function_name, dims, seed)
            out = attempt(function, *map(copy_arrays, inputs.values()),
                          *hyperparameters.values())
            cases.append({**inputs, **hyperparameters, "out": out})
        if function_name != "update_parameters_with_adam":
            return {"cases": cases}
        dims, seed, hyperparameters = ADAM_DEFAULTS
        inputs = _update_inputs(function_name, dims, seed)
        return {"cases": cases, "defaults": attempt(
            function, *map(copy_arrays, inputs.values()), *hyperparameters.values())}
    return probe


def judge_update(test, student, reference):
    """Compare every component of every case; on a difference, name the mistake of VARIANTS
    whose component matches the student's on every case."""
    cases = [dict(case, expected=as_components(case["out"], test.function))
             for case in reference["cases"]]
    found = [as_components(case["out"], test.function) for case in student["cases"]]
    if any(components is None for components in found):
        return test.fail("return_value")
    for component in judging_order(test.function):
        diffs = [diff for mine, case in zip(found, cases)
                 if (diff := difference(mine[component], case["expected"][component], component))]
        if not diffs:
            continue
        kind, _, detail = diffs[0]
        if kind not in ("type", "keys"):
            with np.errstate(all="ignore"):
                for mistake, variant in VARIANTS[test.function].get(component, {}).items():
                    if not any(difference(mine[component], variant(case), component)
                               for mine, case in zip(found, cases)):
                        return test.fail(mistake)
        return test.fail(kind, detail)
    if "defaults" in reference:
        diff = difference(student["defaults"], reference["defaults"], "defaults")
        if diff:
            return test.fail("defaults" if diff[0] == "values" else diff[0], diff[2])
    return test.passed()


def update_mistakes(function_name):
    """What the judge of an update can name: the form of its result, and its VARIANTS."""
    named = [mistake for variants in VARIANTS[function_name].values() for mistake in variants]
    defaults = ("defaults",) if function_name == "update_parameters_with_adam" else ()
    return ("return_value", "type", "keys", "shape", "transposed", "nan", "values",
            *dict.fromkeys(named), *defaults)


# ------------------------------------------------------------------ mini-batches

MINI_BATCH_CASES = ((3, 148, 64, 0), (3, 148, 64, 1), (2, 128, 64, 3), (7, 7, 2, 5),
                    (4, 10, 3, 2), (2, 5, 8, 4), (9, 6, 4, 6))
# probe key -> (n_x, m, mini_batch_size, seed)
MINI_BATCH_CALLS = {**{f"{n_x}x{m}|size={size}|seed={seed}": (n_x, m, size, seed)
                       for n_x, m, size, seed in MINI_BATCH_CASES},
                    "again": MINI_BATCH_CASES[0], "defaults": (2, 150, 64, 0)}
FIRST, OTHER_SEED = list(MINI_BATCH_CALLS)[:2]


def probe_mini_batches(function, namespace):
    outputs = {}
    before = fresh_global_rng_state()
    for key, (n_x, m, size, seed) in MINI_BATCH_CALLS.items():
        arguments = () if key == "defaults" else (size, seed)
        outputs[key] = attempt(function, *labelled_columns(n_x, m), *arguments)
    outputs["global_rng_touched"] = global_rng_state() != before
    return outputs


def judge_mini_batches(test, student, reference):
    problems = [mini_batch_problem(student[key], n_x, m, size)
                for key, (n_x, m, size, _) in MINI_BATCH_CALLS.items()]
    mistakes = [problem.mistake for problem in problems if problem]
    if mistakes:
        return test.fail("rows_shuffled" if "rows_shuffled" in mistakes else mistakes[0])
    if student["global_rng_touched"]:
        return test.fail("global_rng")
    orders = {key: batch_order(student[key]) for key in MINI_BATCH_CALLS}
    if all(np.array_equal(orders[key], batch_order(reference[key])) for key in MINI_BATCH_CALLS):
        return test.passed()
    if not np.array_equal(orders["again"], orders[FIRST]):
        return test.fail("unseeded")
    if np.array_equal(orders[FIRST], orders[OTHER_SEED]):
        return test.fail("seed_ignored")
    # A seeded shuffle and a correct partition, in another order than the reference's.
    return test.passed("passed (your examples are shuffled in a different order than "
                       "np.random.default_rng(seed).permutation(m) gives, but correctly)")


# ------------------------------------------------------------------ zero-initialized state

STATE_NETS = (([3, 4, 2, 1], 21), ([2, 5, 2, 1], 22), ([6, 3], 23))


def probe_state(function, namespace):
    def initialize(parameters):
        state = function(parameters)
        same = isinstance(state, tuple) and len(state) == 2 and state[0] is state[1]
        return {"state": state, "same": same}
    return [attempt(initialize, copy_arrays(_net(dims, seed)[0])) for dims, seed in STATE_NETS]


def judge_state(test, student, reference):
    """v, s, or the pair (v, s) of initialize_adam: dicts of zeros shaped like the
    parameters."""
    for mine, theirs in zip(student, reference):
        found, expected = mine["state"], theirs["state"]
        if isinstance(expected, tuple):
            if not isinstance(found, (tuple, list)) or len(found) != 2:
                return test.fail("return_value")
            if mine["same"]:
                return test.fail("same_dict")
            pairs = zip(found, expected, "vs")
        else:
            pairs = [(found, expected, "v")]
        for state, wanted, what in pairs:
            shapes = {key[1:]: np.zeros_like(value) for key, value in wanted.items()}
            problem = zero_state_problem(state, shapes, test.function, what)
            if problem:
                return test.fail(problem.mistake)
    return test.passed()


# ------------------------------------------------------------------ learning-rate decay

# function -> cases (learning_rate0, epoch_num, decay_rate, time_interval or None: not passed)
RATE_CASES = {
    "update_lr": ((0.5, 3, 1.0, None), (0.3, 10, 0.5, None), (0.2, 0, 2.0, None),
                  (0.07, 123, 0.01, None), (1.0, 7, 3.0, None)),
    "schedule_lr_decay": ((0.5, 0, 1.0, 1000), (0.5, 999, 1.0, 1000), (0.5, 1000, 1.0, 1000),
                          (0.5, 1700, 1.0, 1000), (0.2, 2300, 0.7, 1000), (0.3, 13, 0.5, 7),
                          (0.3, 9, 2.0, 7), (0.05, 44, 0.3, 10), (0.1, 3456, 1.5, None)),
}
SCHEDULE_CASES = RATE_CASES["schedule_lr_decay"]


def rate_probe(function_name):
    def probe(function, namespace):
        results = []
        for learning_rate0, epoch_num, decay_rate, interval in RATE_CASES[function_name]:
            keywords = {} if interval is None else {"time_interval": interval}
            value = attempt(function, learning_rate0, epoch_num, decay_rate, **keywords)
            number = as_number(value)
            results.append(value if number is None else number)
        return results
    return probe


def judge_rate(test, student, reference):
    found = difference(student, reference, "the learning rate", rtol=1e-9, atol=1e-12)
    if not found:
        return test.passed()
    if found[0] == "values":
        cases = RATE_CASES[test.function]
        for mistake, variant in RATE_VARIANTS[test.function].items():
            expected = [float(variant(*case[:3], case[3] or 1000)) for case in cases]
            if not difference(student, expected, rtol=1e-9, atol=1e-12):
                return test.fail(mistake)
    return test.fail(found[0], found[2])


# ------------------------------------------------------------------ the tests, in notebook order

def declare_update(function_name):
    SUITE.test(function_name, update_probe(function_name), judge_update,
               mistakes=update_mistakes(function_name))


def declare_rate(function_name):
    SUITE.test(function_name, rate_probe(function_name), judge_rate,
               mistakes=(*RATE_VARIANTS[function_name], "values", "type"))


declare_update("update_parameters_with_gd")
SUITE.test("random_mini_batches", probe_mini_batches, judge_mini_batches,
           mistakes=("different_permutations", "rows_shuffled", "last_batch_dropped",
                     "overlapping_batches", "empty_batch", "not_shuffled", "global_rng",
                     "unseeded", "seed_ignored", "wrong_batch_sizes", "missing_examples",
                     "batch_shape", "not_pairs", "type"),
           explain_error=lambda text: "rows_shuffled" if rows_indexed(text) else None)
SUITE.test("initialize_velocity", probe_state, judge_state, mistakes=STATE_MISTAKES)
declare_update("update_parameters_with_momentum")
SUITE.test("initialize_rmsprop", probe_state, judge_state, mistakes=STATE_MISTAKES)
declare_update("update_parameters_with_rmsprop")
SUITE.test("initialize_adam", probe_state, judge_state,
           mistakes=STATE_MISTAKES + ("same_dict", "return_value"))
declare_update("update_parameters_with_adam")
declare_rate("update_lr")
declare_rate("schedule_lr_decay")
