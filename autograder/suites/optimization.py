"""Hidden tests for Assignment 4 (optimization methods).

The update rules are probed on nets of several shapes, from non-zero optimizer state, with
non-default hyperparameters (t >= 2, beta1 != 0.9, a large epsilon) and a few default calls.
The judge compares every expected output (parameters, moments, corrected moments) with the
reference for every expected key; when one differs it tries, component by component, what each
catalogued mistake would give from the same inputs, and names the one that matches.
``random_mini_batches`` is probed on data whose values say where they came from, and judged by
properties (one shared permutation of the columns, full batches then a smaller last one, the
seed used): an exact match with the reference passes, and so does another seeded shuffle.
"""

import numpy as np

from autograder.plain import Raised
from autograder.suite import GradedTest, Mistake, Suite, Verdict, attempt, catalogue, edit, \
    difference, fresh_global_rng_state, generic_verdict, global_rng_state, lookup
from helpers.checks.optimization import batch_order, labelled_columns, mini_batch_problem, \
    zero_state_problem

SUITE = Suite("optimization")

# ------------------------------------------------------------------ inputs

NETS = ([3, 4, 2, 1], [2, 5, 2, 1], [6, 3])


def _net(dims, seed):
    """parameters, grads and two positive/signed state dicts for a net with sizes ``dims``."""
    rng = np.random.default_rng(seed)
    parameters, grads, first, second = {}, {}, {}, {}
    for l in range(1, len(dims)):
        for name, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            parameters[name] = rng.standard_normal(shape)
            grads["d" + name] = rng.standard_normal(shape) * rng.uniform(0.05, 2.0)
            first["d" + name] = rng.standard_normal(shape) * 0.3
            second["d" + name] = rng.uniform(0.01, 0.6, size=shape)
    return parameters, grads, first, second


def _copies(*dicts):
    return [{key: np.array(value) for key, value in d.items()} for d in dicts]


def _missing(namespace, name):
    function = lookup(namespace, name)
    return function if not isinstance(function, Raised) else None, function


# ------------------------------------------------------------------ judging update rules

def _structure_problem(test, found, components):
    """A failing Verdict when ``found`` (a probe result) is not the expected tuple of dicts."""
    if isinstance(found, Raised):
        return generic_verdict(test, ("raised", "", found.text))
    if len(components) > 1:
        if not isinstance(found, (tuple, list)) or len(found) != len(components):
            return test.fail("return_value")
    return None


def _as_components(found, components):
    return dict(zip(components, found)) if len(components) > 1 else {components[0]: found}


def judge_update(test, student, reference, components, variants):
    """Compare every component of every case; on a difference, name the catalogued mistake whose
    ``variants[component][mistake](case) -> expected dict`` matches the student on all cases.
    The optimizer's state is judged before the parameters, which depend on it."""
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    cases = reference["cases"]
    found_cases = []
    for case, mine in zip(cases, student["cases"]):
        verdict = _structure_problem(test, mine["out"], components)
        if verdict:
            return verdict
        found_cases.append(_as_components(mine["out"], components))
    for component in sorted(components, key=lambda name: name == "parameters"):
        diffs = [difference(found[component], _as_components(case["out"], components)[component],
                            component) for case, found in zip(cases, found_cases)]
        diffs = [diff for diff in diffs if diff]
        if not diffs:
            continue
        if diffs[0][0] in ("raised", "unsupported", "type", "keys"):
            return generic_verdict(test, diffs[0])
        with np.errstate(all="ignore"):
            for mistake, variant in variants.get(component, {}).items():
                if all(not difference(found[component], variant(case), component, rtol=1e-6,
                                      atol=1e-9) for case, found in zip(cases, found_cases)):
                    return test.fail(mistake)
        return generic_verdict(test, diffs[0])
    return Verdict(True, "passed")


def _map(*dicts, function):
    """{key: function(*values)} over the keys of the first dict."""
    return {key: function(*(d[key] for d in dicts)) for key in dicts[0]}


def _ref(case, index):
    """Item ``index`` of the reference's result for ``case``."""
    return case["out"][index] if isinstance(case["out"], (tuple, list)) else case["out"]


def _wrong_average(state, beta, gradient_weight, power):
    """case -> {key: beta * state + gradient_weight(beta) * grad ** power}, from the case's
    inputs: the average a mistake computes (a missing 1 - beta, a gradient not squared)."""
    def variant(case):
        weight = gradient_weight(case[beta])
        return _map(case[state], case["grads"],
                    function=lambda old, grad: case[beta] * old + weight * grad ** power)
    return variant


def _plus_epsilon(index):
    """case -> item ``index`` of the reference's result with epsilon added to every entry."""
    return lambda case: _map(_ref(case, index), function=lambda value: value + case["epsilon"])


STRUCTURE = (
    Mistake("return_value", "The function returns the wrong number of values.",
            "what each update returns: see the last line of its cell"),
    Mistake("keys", "A returned dict does not hold exactly one entry per parameter.",
            "the loop over layers l = 1..L, with keys 'W' + str(l), 'b' + str(l) (and 'dW' + "
            "str(l), 'db' + str(l) for the optimizer's state)"),
    Mistake("shape", "A returned array has the wrong shape.",
            "each update keeps the shape of the parameter it updates"),
    Mistake("transposed", "A returned array is transposed.",
            "each update keeps the shape of the parameter it updates"),
    Mistake("nan", "The result contains NaN.", "divisions: the denominators must never be 0"),
)

# ------------------------------------------------------------------ gradient descent

GD_CASES = ((NETS[0], 11, 0.37), (NETS[1], 12, 0.05), (NETS[2], 13, 1.3))


def probe_gd(namespace):
    function, found = _missing(namespace, "update_parameters_with_gd")
    if function is None:
        return {"missing": found}
    cases = []
    for dims, seed, learning_rate in GD_CASES:
        parameters, grads, _, _ = _net(dims, seed)
        out = attempt(function, *_copies(parameters, grads), learning_rate)
        cases.append({"parameters": parameters, "grads": grads, "learning_rate": learning_rate,
                      "out": out})
    return {"cases": cases}


def _gd_variant(sign=-1.0, rate=True, update_b=True):
    def variant(case):
        lr = case["learning_rate"] if rate else 1.0
        return {key: value + sign * lr * case["grads"]["d" + key]
                if (update_b or key.startswith("W")) else value
                for key, value in case["parameters"].items()}
    return variant


def judge_gd(student, reference):
    test = SUITE.tests["test_update_parameters_with_gd"]
    return judge_update(test, student, reference, ("parameters",), {"parameters": {
        "uphill": _gd_variant(sign=1.0),
        "no_learning_rate": _gd_variant(rate=False),
        "b_not_updated": _gd_variant(update_b=False),
    }})


SUITE.add(GradedTest(
    grade_id="test_update_parameters_with_gd",
    solution_id="update_parameters_with_gd",
    functions=("update_parameters_with_gd",),
    probe=probe_gd, judge=judge_gd,
    mistakes=catalogue(STRUCTURE, (
        Mistake("uphill", "The parameters move uphill: the gradient is added.",
                "gradient descent subtracts: W := W - learning_rate * dW",
                edit(("- learning_rate", "+ learning_rate"))),
        Mistake("no_learning_rate", "The step is the whole gradient: the learning rate is "
                "missing.", "W := W - learning_rate * dW",
                edit(("learning_rate * ", ""))),
        Mistake("b_not_updated", "The weights are updated but the biases are not.",
                "every layer has two parameters, W and b, and both take a step",
                edit((' - learning_rate * grads["db" + str(l)]', ""))),
        Mistake("values", "Your updated parameters differ from the expected ones.",
                "W := W - learning_rate * dW and b := b - learning_rate * db, for every layer"),
    )),
))

# ------------------------------------------------------------------ mini-batches

MINI_BATCH_CASES = ((3, 148, 64, 0), (3, 148, 64, 1), (2, 128, 64, 3), (7, 7, 2, 5),
                    (4, 10, 3, 2), (2, 5, 8, 4), (9, 6, 4, 6))


def _case_key(n_x, m, size, seed):
    return f"{n_x}x{m}|size={size}|seed={seed}"


def probe_mini_batches(namespace):
    function, found = _missing(namespace, "random_mini_batches")
    if function is None:
        return {"missing": found}
    outputs = {}
    before = fresh_global_rng_state()
    for n_x, m, size, seed in MINI_BATCH_CASES:
        X, Y = labelled_columns(n_x, m)
        outputs[_case_key(n_x, m, size, seed)] = attempt(function, X, Y, size, seed)
    outputs["again"] = attempt(function, *labelled_columns(3, 148), 64, 0)
    outputs["defaults"] = attempt(function, *labelled_columns(2, 150))
    outputs["global_rng_touched"] = global_rng_state() != before
    return outputs


def judge_mini_batches(student, reference):
    test = SUITE.tests["test_random_mini_batches"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    keys = [_case_key(*case) for case in MINI_BATCH_CASES]
    shapes = {_case_key(*case): case for case in MINI_BATCH_CASES}
    shapes["again"] = MINI_BATCH_CASES[0]
    shapes["defaults"] = (2, 150, 64, 0)
    problems, raised = {}, None
    for key, (n_x, m, size, _) in shapes.items():
        found = student[key]
        if isinstance(found, Raised):
            raised = raised or found
            continue
        problem = mini_batch_problem(found, n_x, m, size)
        if problem:
            problems[key] = problem
    if any(problem.mistake == "rows_shuffled" for problem in problems.values()):
        return test.fail("rows_shuffled")
    if raised:
        return generic_verdict(test, ("raised", "", raised.text))
    if problems:
        return test.fail(next(iter(problems.values())).mistake)
    orders = {key: batch_order(student[key]) for key in shapes}
    expected = {key: batch_order(reference[key]) for key in shapes}
    if student["global_rng_touched"]:
        return test.fail("global_rng")
    if all(np.array_equal(orders[key], expected[key]) for key in shapes):
        return Verdict(True, "passed")
    if not np.array_equal(orders["again"], orders[keys[0]]):
        return test.fail("unseeded")
    if np.array_equal(orders[keys[0]], orders[keys[1]]):
        return test.fail("seed_ignored")
    # A seeded shuffle and a correct partition, in another order than the reference's.
    return Verdict(True, "passed (your examples are shuffled in a different order than "
                         "np.random.default_rng(seed).permutation(m) gives, but correctly)")


SUITE.add(GradedTest(
    grade_id="test_random_mini_batches",
    solution_id="random_mini_batches",
    functions=("random_mini_batches",),
    probe=probe_mini_batches, judge=judge_mini_batches,
    mistakes=(
        Mistake("different_permutations", "X and Y were shuffled with different permutations, "
                "so the examples lost their labels.",
                "make one permutation and index both X and Y with it",
                edit(("(seed).permutation(m)", "(seed)"), ("permutation = ", "rng = "),
                     ("[:, permutation]", "[:, rng.permutation(m)]"))),
        Mistake("rows_shuffled", "The rows (features) of X were shuffled instead of its columns "
                "(examples).", "examples are columns: X[:, permutation]",
                edit(("X[:, permutation]", "X[permutation, :]"))),
        Mistake("last_batch_dropped", "The last, smaller mini-batch is missing.",
                "when m is not a multiple of mini_batch_size, the m % mini_batch_size remaining "
                "examples form one more mini-batch",
                edit(("m % mini_batch_size != 0", "False"))),
        Mistake("overlapping_batches", "Some examples appear in two mini-batches.",
                "the last mini-batch starts where the full ones end: "
                "num_complete_minibatches * mini_batch_size",
                edit(("num_complete_minibatches * mini_batch_size", "m - mini_batch_size"))),
        Mistake("empty_batch", "When m is a multiple of mini_batch_size, an empty mini-batch is "
                "added at the end.", "add the last mini-batch only when m % mini_batch_size != 0",
                edit(("m % mini_batch_size != 0", "True"))),
        Mistake("not_shuffled", "The examples are not shuffled.",
                "shuffle with np.random.default_rng(seed).permutation(m) before partitioning",
                edit(("np.random.default_rng(seed).permutation", "np.arange"))),
        Mistake("global_rng", "Your function re-seeds or draws from numpy's global random "
                "generator.", "np.random.default_rng(seed).permutation(m), not "
                "np.random.seed / np.random.permutation",
                edit(("default_rng(seed).", ""),
                     ("permutation = ", "np.random.seed(seed); permutation = "))),
        Mistake("unseeded", "The same seed gave a different shuffle.",
                "np.random.default_rng(seed), not an unseeded generator"),
        Mistake("seed_ignored", "Different seeds gave the same shuffle.",
                "use the seed argument instead of a fixed seed"),
        Mistake("wrong_batch_sizes", "The mini-batches have the wrong sizes.",
                "floor(m / mini_batch_size) full mini-batches, then one of m % mini_batch_size"),
        Mistake("missing_examples", "Some examples are in no mini-batch.",
                "every example goes into exactly one mini-batch"),
        Mistake("batch_shape", "A mini-batch has the wrong shape.",
                "mini_batch_X is (n_x, size_k) and mini_batch_Y is (1, size_k): cut columns"),
        Mistake("not_pairs", "The list should hold (mini_batch_X, mini_batch_Y) pairs.",
                "mini_batches.append((mini_batch_X, mini_batch_Y))"),
        Mistake("type", "The function should return a list of mini-batches.",
                "return mini_batches"),
    ),
))

# ------------------------------------------------------------------ zero-initialized state

STATE_NETS = (([3, 4, 2, 1], 21), ([2, 5, 2, 1], 22), ([6, 3], 23))


def make_state_probe(name, pair=False):
    def probe(namespace):
        function, found = _missing(namespace, name)
        if function is None:
            return {"missing": found}
        cases = []
        for dims, seed in STATE_NETS:
            parameters = _net(dims, seed)[0]
            try:
                value = function(*_copies(parameters))
            except Exception as error:  # the learner's error is data
                cases.append({"out": Raised(f"{type(error).__name__}: {error}"), "same": False})
                continue
            same = pair and isinstance(value, tuple) and len(value) == 2 and value[0] is value[1]
            cases.append({"out": attempt(lambda: value), "same": same})
        return {"cases": cases}
    return probe


def make_state_judge(grade_id, function_name, pair=False):
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return generic_verdict(test, ("raised", "", student["missing"].text))
        for mine, theirs in zip(student["cases"], reference["cases"]):
            found, expected = mine["out"], theirs["out"]
            if isinstance(found, Raised):
                return generic_verdict(test, ("raised", "", found.text))
            if pair:
                if not isinstance(found, (tuple, list)) or len(found) != 2:
                    return test.fail("return_value")
                if mine["same"]:
                    return test.fail("same_dict")
                pairs = zip(found, expected, "vs")
            else:
                pairs = [(found, expected, "v")]
            for state, wanted, what in pairs:
                shapes = {key[1:]: np.zeros_like(value) for key, value in wanted.items()}
                problem = zero_state_problem(state, shapes, function_name, what)
                if problem:
                    return test.fail(problem.mistake)
                if difference(state, wanted):
                    return generic_verdict(test, difference(state, wanted))
        return Verdict(True, "passed")
    return judge


def _state_mistakes():
    """The catalogue of an initializer of optimizer state (v, s, or both)."""
    return (
        Mistake("wrong_keys", "The keys should be 'dW1', 'db1', ...: 'd' followed by the "
                "parameter's name.", "the state has one entry per gradient, named like grads",
                edit(('["dW"', '["W"'), ('["db"', '["b"'))),
        Mistake("not_zero", "Every entry should start at zero.", "np.zeros_like(parameter)",
                edit(("np.zeros_like(", "np.ones_like("))),
        Mistake("wrong_shape", "An entry does not have the shape of its parameter.",
                "np.zeros_like(parameters['W' + str(l)]) copies the shape",
                edit(("np.zeros_like(", "np.zeros("), ("str(l)])", "str(l)].shape[::-1])"))),
        Mistake("not_float", "The entries should hold floats.", "np.zeros_like of a float array"),
        Mistake("not_array", "The entries should be numpy arrays.", "np.zeros_like(parameter)"),
        Mistake("type", "The function should return dicts.", "v = {}; v['dW1'] = ..."),
    )


for grade_id, solution_id in (("test_initialize_velocity", "initialize_velocity"),
                              ("test_initialize_rmsprop", "initialize_rmsprop")):
    SUITE.add(GradedTest(
        grade_id=grade_id, solution_id=solution_id, functions=(solution_id,),
        probe=make_state_probe(solution_id),
        judge=make_state_judge(grade_id, solution_id),
        mistakes=_state_mistakes(),
    ))

SUITE.add(GradedTest(
    grade_id="test_initialize_adam", solution_id="initialize_adam",
    functions=("initialize_adam",),
    probe=make_state_probe("initialize_adam", pair=True),
    judge=make_state_judge("test_initialize_adam", "initialize_adam", pair=True),
    mistakes=catalogue(_state_mistakes(), (
        Mistake("same_dict", "v and s are the same dict, so updating one overwrites the other.",
                "make two separate dicts: v = {} and s = {}",
                edit(('s["dW"', 's = v; s["dW"'))),
        Mistake("return_value", "The function should return the pair (v, s).", "return v, s"),
    )),
))

# ------------------------------------------------------------------ momentum

MOMENTUM_CASES = ((NETS[0], 31, 0.8, 0.3), (NETS[1], 32, 0.95, 0.02), (NETS[2], 33, 0.5, 1.1))


def probe_momentum(namespace):
    function, found = _missing(namespace, "update_parameters_with_momentum")
    if function is None:
        return {"missing": found}
    cases = []
    for dims, seed, beta, learning_rate in MOMENTUM_CASES:
        parameters, grads, v, _ = _net(dims, seed)
        out = attempt(function, *_copies(parameters, grads, v), beta, learning_rate)
        cases.append({"parameters": parameters, "grads": grads, "v": v, "beta": beta,
                      "learning_rate": learning_rate, "out": out})
    return {"cases": cases}


def _momentum_v(case, own_weight, gradient_weight):
    return _map(case["v"], case["grads"], function=lambda v, g: own_weight(case) * v
                + gradient_weight(case) * g)


def _momentum_step(direction, sign=-1.0, update_b=True):
    """parameters - learning_rate * direction(case)[d + key] (b left alone unless update_b)."""
    def variant(case):
        step = direction(case)
        return {key: value + sign * case["learning_rate"] * step["d" + key]
                if (update_b or key.startswith("W")) else value
                for key, value in case["parameters"].items()}
    return variant


def judge_momentum(student, reference):
    test = SUITE.tests["test_update_parameters_with_momentum"]
    new_v = lambda case: _ref(case, 1)  # noqa: E731 (the reference's updated velocity)
    return judge_update(test, student, reference, ("parameters", "v"), {
        "v": {
            "no_one_minus_beta": lambda case: _momentum_v(case, lambda c: c["beta"],
                                                          lambda c: 1.0),
            "beta_swapped": lambda case: _momentum_v(case, lambda c: 1 - c["beta"],
                                                     lambda c: c["beta"]),
            "velocity_not_updated": lambda case: case["v"],
        },
        "parameters": {
            "gradient_not_velocity": _momentum_step(lambda case: case["grads"]),
            "old_velocity": _momentum_step(lambda case: case["v"]),
            "uphill": _momentum_step(new_v, sign=1.0),
            "b_not_updated": _momentum_step(new_v, update_b=False),
        },
    })


SUITE.add(GradedTest(
    grade_id="test_update_parameters_with_momentum",
    solution_id="update_parameters_with_momentum",
    functions=("update_parameters_with_momentum",),
    probe=probe_momentum, judge=judge_momentum,
    mistakes=catalogue(STRUCTURE, (
        Mistake("no_one_minus_beta", "The velocity adds the whole gradient: the (1 - beta) "
                "factor is missing.", "v := beta v + (1 - beta) dW, an exponentially weighted "
                "average", edit(("(1 - beta) * ", ""))),
        Mistake("beta_swapped", "beta and (1 - beta) are swapped in the velocity.",
                "v := beta v + (1 - beta) dW: beta weighs the old velocity",
                edit(("beta * v[", "(1 - beta) * v["), ("(1 - beta) * grads[", "beta * grads["))),
        Mistake("gradient_not_velocity", "The parameters move by the gradient instead of the "
                "velocity.", "the step of momentum is W := W - learning_rate * v",
                edit(("learning_rate * v[", "learning_rate * grads["))),
        Mistake("old_velocity", "The parameters move by the velocity from before this step.",
                "update v first, then step with the new v",
                edit(("learning_rate * v[", "learning_rate * old_v["), before="old_v = dict(v)")),
        Mistake("velocity_not_updated", "The velocity is never updated.",
                "v := beta v + (1 - beta) dW, stored back in v"),
        Mistake("uphill", "The parameters move uphill.", "W := W - learning_rate * v"),
        Mistake("b_not_updated", "The weights are updated but the biases are not.",
                "both W and b take a momentum step"),
        Mistake("values", "Your updated parameters or velocities differ from the expected ones.",
                "v := beta v + (1 - beta) dW, then W := W - learning_rate * v, for W and b"),
    )),
))

# ------------------------------------------------------------------ RMSprop

RMSPROP_CASES = ((NETS[0], 41, 0.9, 0.05, 0.03), (NETS[1], 42, 0.99, 0.2, 0.5),
                 (NETS[2], 43, 0.999, 0.01, 1e-8))


def probe_rmsprop(namespace):
    function, found = _missing(namespace, "update_parameters_with_rmsprop")
    if function is None:
        return {"missing": found}
    cases = []
    for dims, seed, beta2, learning_rate, epsilon in RMSPROP_CASES:
        parameters, grads, _, s = _net(dims, seed)
        out = attempt(function, *_copies(parameters, grads, s), beta2, learning_rate, epsilon)
        cases.append({"parameters": parameters, "grads": grads, "s": s, "beta2": beta2,
                      "learning_rate": learning_rate, "epsilon": epsilon, "out": out})
    return {"cases": cases}


def _divided_step(case, numerator, denominator):
    """parameters - learning_rate * numerator / denominator, entry by entry."""
    top, bottom = numerator(case), denominator(case)
    return {key: value - case["learning_rate"] * top["d" + key] / bottom["d" + key]
            for key, value in case["parameters"].items()}


def judge_rmsprop(student, reference):
    test = SUITE.tests["test_update_parameters_with_rmsprop"]
    new_s = lambda case: _ref(case, 1)  # noqa: E731 (the reference's updated s)
    return judge_update(test, student, reference, ("parameters", "s"), {
        "s": {
            "epsilon_in_s": _plus_epsilon(1),
            "no_one_minus_beta2": _wrong_average("s", "beta2", lambda beta: 1.0, 2),
            "gradient_not_squared": _wrong_average("s", "beta2", lambda beta: 1 - beta, 1),
        },
        "parameters": {
            "epsilon_in_sqrt": lambda case: _divided_step(
                case, lambda c: c["grads"],
                lambda c: _map(new_s(c), function=lambda s: np.sqrt(s + c["epsilon"]))),
            "no_square_root": lambda case: _divided_step(
                case, lambda c: c["grads"],
                lambda c: _map(new_s(c), function=lambda s: s + c["epsilon"])),
            "old_s": lambda case: _divided_step(
                case, lambda c: c["grads"],
                lambda c: _map(c["s"], function=lambda s: np.sqrt(s) + c["epsilon"])),
        },
    })


SUITE.add(GradedTest(
    grade_id="test_update_parameters_with_rmsprop",
    solution_id="update_parameters_with_rmsprop",
    functions=("update_parameters_with_rmsprop",),
    probe=probe_rmsprop, judge=judge_rmsprop,
    mistakes=catalogue(STRUCTURE, (
        Mistake("epsilon_in_sqrt", "epsilon is inside the square root.",
                "the step divides by sqrt(s) + epsilon: epsilon is added after the root",
                edit(("name]) + epsilon", "name] + epsilon)"))),
        Mistake("epsilon_in_s", "epsilon is added to the stored s.",
                "s := beta2 s + (1 - beta2) dW^2 holds no epsilon; add it in the step only",
                edit(("** 2", "** 2 + epsilon"))),
        Mistake("no_one_minus_beta2", "The squared gradient is added whole: the (1 - beta2) "
                "factor is missing.", "s := beta2 s + (1 - beta2) dW^2",
                edit(("(1 - beta2) * ", ""))),
        Mistake("gradient_not_squared", "s averages the gradient, not its square.",
                "s := beta2 s + (1 - beta2) dW^2 (elementwise square)",
                edit((" ** 2", ""))),
        Mistake("no_square_root", "The step divides by s instead of its square root.",
                "W := W - learning_rate * dW / (sqrt(s) + epsilon)",
                edit(("np.sqrt(", "("))),
        Mistake("old_s", "The step uses s from before this update.",
                "update s first, then step with the new s"),
        Mistake("values", "Your updated parameters or s differ from the expected ones.",
                "s := beta2 s + (1 - beta2) dW^2, then W := W - learning_rate dW / "
                "(sqrt(s) + epsilon), for W and b"),
    )),
))

# ------------------------------------------------------------------ Adam

ADAM_CASES = ((NETS[0], 51, 2, 0.05, 0.8, 0.95, 0.03), (NETS[1], 52, 7, 0.02, 0.7, 0.99, 1e-3),
              (NETS[2], 53, 3, 0.1, 0.85, 0.9, 0.2), (NETS[1], 54, 1, 0.01, 0.9, 0.999, 1e-8))
ADAM_COMPONENTS = ("parameters", "v", "s", "v_corrected", "s_corrected")


def probe_adam(namespace):
    function, found = _missing(namespace, "update_parameters_with_adam")
    if function is None:
        return {"missing": found}
    cases = []
    for dims, seed, t, learning_rate, beta1, beta2, epsilon in ADAM_CASES:
        parameters, grads, v, s = _net(dims, seed)
        out = attempt(function, *_copies(parameters, grads, v, s), t, learning_rate, beta1, beta2,
                      epsilon)
        cases.append({"parameters": parameters, "grads": grads, "v": v, "s": s, "t": t,
                      "learning_rate": learning_rate, "beta1": beta1, "beta2": beta2,
                      "epsilon": epsilon, "out": out})
    default = dict(zip(("dims", "seed", "t"), ADAM_CASES[1][:3]))
    parameters, grads, v, s = _net(default["dims"], default["seed"])
    default_out = attempt(function, *_copies(parameters, grads, v, s), default["t"])
    return {"cases": cases, "defaults": default_out}


def _corrected(moment, beta, power):
    """moment / (1 - beta ** power(t)) per case, from the reference's moment (index 1 or 2)."""
    index = {"v": 1, "s": 2}[moment]
    return lambda case: _map(_ref(case, index), function=lambda value: value / (
        1 - case[beta] ** power(case["t"])))


def _adam_step(numerator, denominator):
    return lambda case: _divided_step(case, numerator, denominator)


def judge_adam(student, reference):
    test = SUITE.tests["test_update_parameters_with_adam"]
    verdict = judge_update(test, student, reference, ADAM_COMPONENTS, {
        "v": {
            "corrected_stored": lambda case: _ref(case, 3),
            "no_one_minus_beta1": _wrong_average("v", "beta1", lambda beta: 1.0, 1),
        },
        "s": {
            "corrected_stored": lambda case: _ref(case, 4),
            "epsilon_in_s": _plus_epsilon(2),
            "gradient_not_squared": _wrong_average("s", "beta2", lambda beta: 1 - beta, 1),
        },
        "v_corrected": {
            "bias_correction_power": lambda case: _map(_ref(case, 1), function=lambda v: v / (
                1 - case["beta1"]) ** case["t"]),
            "t_incremented": _corrected("v", "beta1", lambda t: t + 1),
            "t_from_zero": _corrected("v", "beta1", lambda t: t - 1),
            "not_corrected": lambda case: _ref(case, 1),
        },
        "s_corrected": {
            "bias_correction_power": lambda case: _map(_ref(case, 2), function=lambda s: s / (
                1 - case["beta2"]) ** case["t"]),
            "t_incremented": _corrected("s", "beta2", lambda t: t + 1),
            "t_from_zero": _corrected("s", "beta2", lambda t: t - 1),
            "epsilon_in_s": _plus_epsilon(4),
            "not_corrected": lambda case: _ref(case, 2),
        },
        "parameters": {
            "uncorrected_update": _adam_step(
                lambda c: _ref(c, 1),
                lambda c: _map(_ref(c, 2), function=lambda s: np.sqrt(s) + c["epsilon"])),
            "epsilon_in_sqrt": _adam_step(
                lambda c: _ref(c, 3),
                lambda c: _map(_ref(c, 4), function=lambda s: np.sqrt(s + c["epsilon"]))),
        },
    })
    if not verdict.passed:
        return verdict
    found = difference(student["defaults"], reference["defaults"], "defaults")
    if found:
        return test.fail("defaults") if found[0] == "values" else generic_verdict(test, found)
    return verdict


SUITE.add(GradedTest(
    grade_id="test_update_parameters_with_adam",
    solution_id="update_parameters_with_adam",
    functions=("update_parameters_with_adam",),
    probe=probe_adam, judge=judge_adam,
    mistakes=catalogue(STRUCTURE, (
        Mistake("bias_correction_power", "The bias correction divides by (1 - beta)^t.",
                "the correction is 1 - beta^t: beta to the power t, subtracted from 1",
                edit(("beta1 ** t)", "beta1) ** t"), ("beta2 ** t)", "beta2) ** t"))),
        Mistake("t_incremented", "The bias correction uses t + 1: t is incremented inside the "
                "function.", "t counts the updates from 1 and is passed in; correct step t with "
                "1 - beta^t, without changing t",
                edit(("** t)", "** (t + 1))"))),
        Mistake("t_from_zero", "The bias correction uses t - 1, as if t counted from 0.",
                "the first update is t = 1, corrected with 1 - beta^1",
                edit(("** t)", "** (t - 1))"))),
        Mistake("epsilon_in_sqrt", "epsilon is inside the square root.",
                "the step divides by sqrt(s_corrected) + epsilon",
                edit(("[key]) + epsilon", "[key] + epsilon)"))),
        Mistake("epsilon_in_s", "epsilon is added to s (or s_corrected).",
                "s holds beta2 s + (1 - beta2) dW^2 only; epsilon appears in the step only",
                edit(("** 2", "** 2 + epsilon"))),
        Mistake("uncorrected_update", "The step uses the uncorrected v and s.",
                "step with v_corrected / (sqrt(s_corrected) + epsilon)",
                edit(("* v_corrected", "* v"), ("sqrt(s_corrected", "sqrt(s"))),
        Mistake("corrected_stored", "v or s holds the bias-corrected value.",
                "keep v and s uncorrected (they are averaged further at the next step); put "
                "the corrected values in v_corrected and s_corrected",
                edit(("v[key] / (1 - beta1 ** t)", "v[key]"), ("= beta1 *", "= (beta1 *"),
                     ("beta1) * grads[key]", "beta1) * grads[key]) / (1 - beta1 ** t)"))),
        Mistake("no_one_minus_beta1", "The gradient is added whole to v: the (1 - beta1) factor "
                "is missing.", "v := beta1 v + (1 - beta1) dW",
                edit(("(1 - beta1) * ", ""))),
        Mistake("gradient_not_squared", "s averages the gradient, not its square.",
                "s := beta2 s + (1 - beta2) dW^2"),
        Mistake("not_corrected", "v_corrected or s_corrected is not bias-corrected.",
                "v_corrected = v / (1 - beta1^t), s_corrected = s / (1 - beta2^t)"),
        Mistake("defaults", "The results with the default hyperparameters are wrong.",
                "the defaults learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8 in the "
                "signature"),
        Mistake("values", "Your results differ from the expected ones.",
                "v and s, their bias corrections with 1 - beta^t, and the step "
                "W := W - learning_rate v_corrected / (sqrt(s_corrected) + epsilon)"),
    )),
))

# ------------------------------------------------------------------ learning-rate decay

UPDATE_LR_CASES = ((0.5, 3, 1.0), (0.3, 10, 0.5), (0.2, 0, 2.0), (0.07, 123, 0.01),
                   (1.0, 7, 3.0))
SCHEDULE_CASES = ((0.5, 0, 1.0, 1000), (0.5, 999, 1.0, 1000), (0.5, 1000, 1.0, 1000),
                  (0.5, 1700, 1.0, 1000), (0.2, 2300, 0.7, 1000), (0.3, 13, 0.5, 7),
                  (0.3, 9, 2.0, 7), (0.05, 44, 0.3, 10), (0.1, 3456, 1.5, None))


def _number(value):
    """A learner's scalar result as a float (a 0-d or one-element array counts as a number)."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.ravel()[0])
    if isinstance(value, (np.floating, np.integer)):
        return float(value)
    return value


def make_rate_probe(name, cases):
    def probe(namespace):
        function, found = _missing(namespace, name)
        if function is None:
            return {"missing": found}
        results = []
        for learning_rate0, epoch_num, decay_rate, *interval in cases:
            keywords = {"time_interval": interval[0]} if interval and interval[0] else {}
            results.append(_number(attempt(function, learning_rate0, epoch_num, decay_rate,
                                           **keywords)))
        return {"results": results}
    return probe


def make_rate_judge(grade_id, cases, variants):
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return generic_verdict(test, ("raised", "", student["missing"].text))
        found = difference(student["results"], reference["results"], "the learning rate",
                           rtol=1e-9, atol=1e-12)
        if not found:
            return Verdict(True, "passed")
        if found[0] in ("raised", "unsupported", "type"):
            return generic_verdict(test, found)
        for mistake, variant in variants.items():
            expected = [float(variant(learning_rate0, epoch_num, decay_rate,
                                      interval[0] if interval and interval[0] else 1000))
                        for learning_rate0, epoch_num, decay_rate, *interval in cases]
            if not difference(student["results"], expected, rtol=1e-9, atol=1e-12):
                return test.fail(mistake)
        return generic_verdict(test, found)
    return judge


SUITE.add(GradedTest(
    grade_id="test_update_lr", solution_id="update_lr", functions=("update_lr",),
    probe=make_rate_probe("update_lr", UPDATE_LR_CASES),
    judge=make_rate_judge("test_update_lr", UPDATE_LR_CASES, {
        "exponential": lambda rate0, epoch, decay, _: rate0 * decay ** epoch,
        "no_decay_rate": lambda rate0, epoch, decay, _: rate0 / (1 + epoch),
        "brackets": lambda rate0, epoch, decay, _: rate0 / 1 + decay * epoch,
    }),
    mistakes=(
        Mistake("exponential", "This is an exponential decay, learning_rate0 * "
                "decay_rate^epoch_num.", "update_lr divides: learning_rate0 / (1 + decay_rate * "
                "epoch_num)",
                edit(("/ (1 + decay_rate * epoch_num)", "* decay_rate ** epoch_num"))),
        Mistake("no_decay_rate", "decay_rate is not used.",
                "learning_rate0 / (1 + decay_rate * epoch_num)",
                edit(("decay_rate * ", ""))),
        Mistake("brackets", "The brackets are misplaced: only learning_rate0 is divided.",
                "divide learning_rate0 by the whole (1 + decay_rate * epoch_num)",
                edit(("(1 + decay_rate * epoch_num)", "1 + decay_rate * epoch_num"))),
        Mistake("values", "Your learning rates differ from the expected ones.",
                "learning_rate0 / (1 + decay_rate * epoch_num)"),
        Mistake("length", "The function should return one number.", "return learning_rate"),
    ),
))

SUITE.add(GradedTest(
    grade_id="test_schedule_lr_decay", solution_id="schedule_lr_decay",
    functions=("schedule_lr_decay",),
    probe=make_rate_probe("schedule_lr_decay", SCHEDULE_CASES),
    judge=make_rate_judge("test_schedule_lr_decay", SCHEDULE_CASES, {
        "no_floor": lambda rate0, epoch, decay, interval: rate0 / (1 + decay * epoch / interval),
        "rounded": lambda rate0, epoch, decay, interval: rate0 / (
            1 + decay * np.round(epoch / interval)),
        "ceil": lambda rate0, epoch, decay, interval: rate0 / (
            1 + decay * np.ceil(epoch / interval)),
        "compounding": lambda rate0, epoch, decay, interval: rate0 / (1 + decay) ** np.floor(
            epoch / interval),
    }),
    mistakes=(
        Mistake("no_floor", "epoch_num / time_interval is not rounded down, so the rate decays "
                "at every epoch.", "the rate changes only every time_interval epochs: "
                "floor(epoch_num / time_interval)",
                edit(("np.floor(", "("))),
        Mistake("rounded", "epoch_num / time_interval is rounded to the nearest integer.",
                "round down with np.floor (or //)",
                edit(("np.floor(", "round("))),
        Mistake("ceil", "epoch_num / time_interval is rounded up.",
                "round down with np.floor (or //)",
                edit(("np.floor(", "np.ceil("))),
        Mistake("compounding", "The rate is divided again at every interval, decaying from the "
                "current rate.", "the schedule always starts from learning_rate0: "
                "learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))",
                edit(("decay_rate * np.floor", "decay_rate) ** np.floor"),
                     ("time_interval))", "time_interval)"))),
        Mistake("values", "Your learning rates differ from the expected ones.",
                "learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))"),
        Mistake("length", "The function should return one number.", "return learning_rate"),
    ),
))
