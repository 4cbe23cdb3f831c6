"""Hidden tests for Assignment 5 (batch normalization, softmax, hyperparameter search).

The probes call each function on inputs made from fixed seeds (several shapes, C != m,
n != m, non-default epsilon and momentum, logits around +-1000, large samples). The judges
accept an exact match with the reference; otherwise they diagnose with properties that every
correct implementation has, shared with the visible checks (helpers.checks.batchnorm_softmax):
softmax columns that sum to 1 with log(A) - Z constant per column, the normalization a batch-norm
output implies, the share the batch got in the running averages, gradients against numerical
gradients of the reference forward pass (never against one array), and the distribution of
large samples.
"""

import numpy as np

from autograder.plain import Raised, Unsupported
from autograder.suite import GradedTest, Mistake, Suite, Verdict, attempt, difference, edit, \
    fresh_global_rng_state, generic_verdict, global_rng_state, missing_functions
from helpers.checks.batchnorm_softmax import (SAMPLE_SIZE, batchnorm_inputs, copy_state,
                                              beta_problem, bn_backward_problem,
                                              bn_running_problem, bn_test_problem,
                                              bn_train_problem, cost_scale_problem,
                                              gradient_scale_problem, log_uniform_problem,
                                              numerical_batchnorm_gradients, overflow_problem,
                                              softmax_problem)

SUITE = Suite("batchnorm_softmax")

SHAPE_MISTAKES = (
    Mistake("type", "The function returned the wrong kind of value.",
            "the return value described in the docstring"),
    Mistake("shape", "The result has the wrong shape.",
            "the shapes in the docstring: examples are columns"),
    Mistake("transposed", "The result looks transposed.",
            "examples are columns: (C, m) or (n_l, m)"),
)


def _verdict(test, problem):
    """The failing Verdict for a diagnosed Problem (its mistake name must be catalogued)."""
    if test.mistake(problem.mistake) is None:
        return Verdict(False, problem.message, None)
    return test.fail(problem.mistake)


def _raised(test, value):
    """A generic verdict when ``value`` is an exception or an unsupported object, else None."""
    if isinstance(value, Raised):
        return generic_verdict(test, ("raised", "", value.text))
    if isinstance(value, Unsupported):
        return generic_verdict(test, ("unsupported", "", f"the result is a {value.type_name}"))
    return None


# ------------------------------------------------------------------ softmax

def probe_softmax(namespace):
    missing = missing_functions(namespace, "softmax")
    if missing:
        return missing
    softmax = namespace["softmax"]
    moderate = []
    for seed, shape in enumerate(((3, 5), (4, 1), (2, 6), (5, 3))):
        Z = np.random.default_rng(100 + seed).normal(0.0, 3.0, size=shape)
        moderate.append({"Z": Z, "A": attempt(softmax, Z.copy())})
    rng = np.random.default_rng(110)
    large = [1000.0 + rng.normal(0.0, 5.0, size=(3, 4)),
             np.array([[1000.0, -1000.0, 3.0], [998.0, -1003.0, 1000.0],
                       [995.0, -999.0, -2.0]])]
    with np.errstate(all="ignore"):
        extreme = [{"Z": Z, "A": attempt(softmax, Z.copy())} for Z in large]
    # float32 logits must work too (a learner's data may come in single precision)
    single = [{"Z": case["Z"].astype(np.float32),
               "A": attempt(softmax, case["Z"].astype(np.float32))} for case in moderate[:2]]
    return {"moderate": moderate, "extreme": extreme, "float32": single}


def judge_softmax(student, reference):
    test = SUITE.tests["test_softmax"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for group in ("moderate", "extreme", "float32"):
        # single precision carries about 7 digits: compare float32 results at that precision
        tolerance = {"rtol": 1e-5, "atol": 1e-7} if group == "float32" else {}
        for case, expected in zip(student[group], reference[group]):
            found = difference(case["A"], expected["A"], **tolerance)
            if not found:
                continue
            if found[0] in ("raised", "unsupported"):
                return generic_verdict(test, found)
            problem = softmax_problem(expected["Z"], case["A"]) if group != "extreme" else \
                overflow_problem(case["A"]) or softmax_problem(expected["Z"], case["A"])
            return _verdict(test, problem) if problem else test.fail("values")
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_softmax", solution_id="softmax", functions=("softmax",),
    probe=probe_softmax, judge=judge_softmax,
    mistakes=SHAPE_MISTAKES + (
        Mistake("no_max_shift", "Your softmax overflows (inf or nan) for large logits.",
                "subtract each column's max (axis 0, keepdims=True) before np.exp: it leaves "
                "softmax unchanged and keeps the exponents at most 0",
                edit((" - np.max(Z, axis=0, keepdims=True)", ""))),
        Mistake("sum_wrong_axis", "Your softmax normalizes the rows instead of the columns.",
                "each column is one example; its C probabilities sum to 1 (axis 0)",
                edit(("exponentials, axis=0", "exponentials, axis=1"))),
        Mistake("shift_wrong_axis", "Your columns sum to 1, but the probabilities are wrong: "
                "the max you subtract is not each column's own.",
                "a constant per column leaves softmax unchanged; np.max(Z, axis=0, "
                "keepdims=True)",
                edit(("np.max(Z, axis=0", "np.max(Z, axis=1"))),
        Mistake("not_normalized", "The columns of your result do not sum to 1.",
                "divide the exponentials by their sum over the classes (axis 0)"),
        Mistake("values", "Your softmax returns the wrong probabilities.",
                "softmax: exp(z - max z) / sum over the classes of exp(z - max z)"),
    ),
))


# ------------------------------------------------------------------ the cost

COST_CASES = ((3, 5), (4, 7), (2, 9), (5, 3))  # (C, m), C != m


def _probabilities_and_labels(seed, C, m):
    rng = np.random.default_rng(seed)
    AL = rng.random((C, m)) + 0.1
    AL /= AL.sum(axis=0, keepdims=True)  # (C, m), columns sum to 1
    Y = np.zeros((C, m))
    Y[rng.integers(0, C, size=m), np.arange(m)] = 1.0
    return AL, Y


def probe_cost(namespace):
    missing = missing_functions(namespace, "compute_softmax_cost")
    if missing:
        return missing
    function = namespace["compute_softmax_cost"]
    cases = []
    for seed, (C, m) in enumerate(COST_CASES):
        AL, Y = _probabilities_and_labels(200 + seed, C, m)
        cases.append({"AL": AL, "Y": Y, "cost": attempt(function, AL.copy(), Y.copy())})
    return cases


def judge_cost(student, reference):
    test = SUITE.tests["test_compute_softmax_cost"]
    if isinstance(student, dict) and "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for case, expected in zip(student, reference):
        value = case["cost"]
        verdict = _raised(test, value)
        if verdict:
            return verdict
        C, m = expected["Y"].shape
        problem = cost_scale_problem(value, expected["cost"], m, C)
        if problem is None:
            continue
        AL, Y = expected["AL"], expected["Y"]
        binary = expected["cost"] - np.sum((1 - Y) * np.log(1 - AL)) / m
        if problem.mistake == "values" and np.isclose(float(np.asarray(value).ravel()[0]),
                                                      binary, rtol=1e-6):
            return test.fail("binary_cross_entropy")
        return _verdict(test, problem)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_compute_softmax_cost", solution_id="compute_softmax_cost",
    functions=("compute_softmax_cost",), probe=probe_cost, judge=judge_cost,
    mistakes=SHAPE_MISTAKES + (
        Mistake("not_averaged", "Your cost is the sum over the examples, not the mean.",
                "the cost is the mean loss: divide by m, the number of examples (axis 1)",
                edit((" / m", ""))),
        Mistake("one_hot_wrong_axis", "Your cost reads the one-hot Y along the wrong axis: it "
                "averages over the classes instead of the examples.",
                "Y is (C, m): sum Y * log(AL) over the classes (axis 0), average over the m "
                "examples (axis 1)",
                edit(("-np.sum(", "-np.mean(np.sum("),
                     ("np.log(AL)) / m", "np.log(AL), axis=1))"))),
        Mistake("wrong_sign", "Your cost has the wrong sign.",
                "the loss is -log(probability of the true class), which is positive",
                edit(("-np.sum", "np.sum"))),
        Mistake("binary_cross_entropy", "Your cost adds (1 - y) log(1 - a) terms: that is the "
                "two-class (sigmoid) loss.",
                "with softmax only the true class's -log(probability) counts: "
                "-sum(Y * log(AL)) / m",
                edit(("np.log(AL))", "np.log(AL) + (1 - Y) * np.log(1 - AL))"))),
        Mistake("not_scalar", "Your cost is an array; it should be one number.",
                "sum over the classes and average over the examples"),
        Mistake("values", "Your cost has the wrong value.",
                "the mean over the m examples of -sum_j y_j log(a_j)"),
    ),
))


# ------------------------------------------------------------------ the gradient at the output

def probe_softmax_backward(namespace):
    missing = missing_functions(namespace, "softmax_backward")
    if missing:
        return missing
    function = namespace["softmax_backward"]
    cases = []
    for seed, (C, m) in enumerate(COST_CASES):
        AL, Y = _probabilities_and_labels(300 + seed, C, m)
        cases.append({"dZ": attempt(function, AL.copy(), Y.copy()), "m": m})
    return cases


def judge_softmax_backward(student, reference):
    test = SUITE.tests["test_softmax_backward"]
    if isinstance(student, dict) and "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for case, expected in zip(student, reference):
        verdict = _raised(test, case["dZ"])
        if verdict:
            return verdict
        problem = gradient_scale_problem(case["dZ"], expected["dZ"], expected["m"])
        if problem:
            return _verdict(test, problem)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_softmax_backward", solution_id="softmax_backward",
    functions=("softmax_backward",), probe=probe_softmax_backward,
    judge=judge_softmax_backward,
    mistakes=SHAPE_MISTAKES + (
        Mistake("divided_by_m", "Your dZ is divided by m.",
                "dZ is per example in this course; linear_backward applies the 1/m once",
                edit(("AL - Y", "(AL - Y) / Y.shape[1]"))),
        Mistake("wrong_sign", "Your dZ has the wrong sign.",
                "the gradient of -log(a_true) with respect to z is AL - Y",
                edit(("AL - Y", "Y - AL"))),
        Mistake("values", "Your dZ has the wrong values.", "dZ = AL - Y"),
    ),
))


# ------------------------------------------------------------------ batch norm, forward

# (n, m, epsilon, momentum): n != m, a large epsilon where its place shows, momenta != 0.5.
FORWARD_CASES = ((4, 10, 1e-5, 0.9), (3, 6, 0.5, 0.8), (5, 32, 1e-3, 0.95), (2, 3, 0.1, 0.7))


def _pair_first(function, *args):
    """The Z_tilde of a (Z_tilde, cache) result; a TypeError for any other result."""
    result = function(*args)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError("batchnorm_forward should return the pair (Z_tilde, cache); it "
                        f"returned a {type(result).__name__}")
    return result[0]


def probe_batchnorm_forward(namespace):
    missing = missing_functions(namespace, "batchnorm_forward")
    if missing:
        return missing
    forward = namespace["batchnorm_forward"]
    cases = []
    for seed, (n, m, epsilon, momentum) in enumerate(FORWARD_CASES):
        Z, gamma, beta, state = batchnorm_inputs(np.random.default_rng(400 + seed), n, m, epsilon,
                                           momentum)
        train_state, test_state = copy_state(state), copy_state(state)
        case = {"Z": Z, "gamma": gamma, "beta": beta, "state": state}
        case["train"] = attempt(_pair_first, forward, Z.copy(), gamma.copy(), beta.copy(),
                                train_state, "train")
        case["train_state"] = attempt(dict, train_state)
        case["test"] = attempt(_pair_first, forward, Z.copy(), gamma.copy(), beta.copy(),
                               test_state, "test")
        case["test_state"] = attempt(dict, test_state)
        cases.append(case)
    return cases


def judge_batchnorm_forward(student, reference):
    test = SUITE.tests["test_batchnorm_forward"]
    if isinstance(student, dict) and "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    # Train mode first, then the running averages, then test mode: a later check only means
    # something once the earlier ones pass.
    for case, expected in zip(student, reference):
        if difference(case["train"], expected["train"]):
            verdict = _raised(test, case["train"])
            if verdict:
                return verdict
            problem = bn_train_problem(expected["Z"], expected["gamma"], expected["beta"],
                                       expected["state"]["epsilon"], case["train"])
            return _verdict(test, problem) if problem else test.fail("train_values")
    for case, expected in zip(student, reference):
        state, before = case["train_state"], expected["state"]
        keys = ("running_mean", "running_var")
        if not isinstance(state, dict) or any(key not in state for key in keys):
            return test.fail("running_values")
        if any(difference(state[key], expected["train_state"][key]) for key in keys):
            problem = bn_running_problem(before["running_mean"], before["running_var"],
                                         state["running_mean"], state["running_var"],
                                         expected["Z"], before["momentum"])
            return _verdict(test, problem) if problem else test.fail("running_values")
    for case, expected in zip(student, reference):
        before = expected["state"]
        if difference(case["test"], expected["test"]):
            verdict = _raised(test, case["test"])
            if verdict:
                return verdict
            problem = bn_test_problem(expected["Z"], expected["gamma"], expected["beta"],
                                      before["running_mean"], before["running_var"],
                                      before["epsilon"], case["test"])
            return _verdict(test, problem) if problem else test.fail("test_values")
        state = case["test_state"]
        if not isinstance(state, dict) or any(
                difference(state.get(key), before[key]) for key in ("running_mean",
                                                                     "running_var")):
            return test.fail("test_mode_updates_running")
    return Verdict(True, "passed")



SUITE.add(GradedTest(
    grade_id="test_batchnorm_forward", solution_id="batchnorm_forward",
    functions=("batchnorm_forward",), probe=probe_batchnorm_forward,
    judge=judge_batchnorm_forward,
    mistakes=SHAPE_MISTAKES + (
        Mistake("unbiased_variance", "Your variance divides by m - 1 (ddof=1).",
                "batch norm uses the biased variance of the batch, dividing by m (np.var's "
                "default)",
                edit(("np.var(Z, axis=1,", "np.var(Z, axis=1, ddof=1,"))),
        Mistake("epsilon_outside_sqrt", "Your epsilon is added outside the square root.",
                "z_norm = (z - mu) / sqrt(var + epsilon): epsilon goes inside the root",
                edit(("np.sqrt(var + epsilon)", "np.sqrt(var) + epsilon"),
                     ('np.sqrt(bn_state["running_var"] + epsilon)',
                      '(np.sqrt(bn_state["running_var"]) + epsilon)'))),
        Mistake("no_epsilon", "Your normalization leaves out epsilon.",
                "divide by sqrt(var + epsilon)"),
        Mistake("no_sqrt", "You divide by the variance instead of the standard deviation.",
                "divide by sqrt(var + epsilon)"),
        Mistake("no_gamma_beta", "Your Z_tilde is not scaled by gamma and shifted by beta.",
                "the scale and shift after normalizing, Z_tilde = gamma * Z_norm + beta",
                edit(("gamma * Z_norm + beta", "Z_norm"))),
        Mistake("train_values", "In train mode your Z_tilde has the wrong values.",
                "each row: (z - batch mean) / sqrt(batch variance + epsilon), then gamma and "
                "beta"),
        Mistake("running_never_updated", "Your train mode never updates the running averages.",
                "assign the new averages back into bn_state[\"running_mean\"] and "
                "bn_state[\"running_var\"]",
                edit(("= momentum * bn_state", "= bn_state"), (" + (1 - momentum) * mu", ""),
                     (" + (1 - momentum) * var", ""))),
        Mistake("running_weighted_wrong_way", "Your running averages give the batch the weight "
                "momentum and the old average 1 - momentum.",
                "an exponentially weighted average keeps momentum of the old value: running = "
                "momentum * running + (1 - momentum) * batch",
                edit(("= momentum * bn_state", "= (1 - momentum) * bn_state"),
                     ("(1 - momentum) * mu", "momentum * mu"),
                     ("(1 - momentum) * var", "momentum * var"))),
        Mistake("running_values", "Your running averages have the wrong values after a "
                "train-mode step.",
                "running = momentum * running + (1 - momentum) * (batch mean or biased batch "
                "variance)"),
        Mistake("batch_stats_in_test_mode", "Your test mode normalizes with the statistics of "
                "the test batch.",
                "test mode uses only the running averages from bn_state, so a prediction does "
                "not depend on the other examples (and works for a single one)",
                edit(('bn_state["running_mean"])', "np.mean(Z, axis=1, keepdims=True))"),
                     ('np.sqrt(bn_state["running_var"]',
                      "np.sqrt(np.var(Z, axis=1, keepdims=True)"))),
        Mistake("test_values", "In test mode your Z_tilde has the wrong values.",
                "test mode: gamma * (z - running_mean) / sqrt(running_var + epsilon) + beta"),
        Mistake("test_mode_updates_running", "Your test mode changes the running averages.",
                "only train mode updates bn_state; test mode only reads it"),
    ),
))


# ------------------------------------------------------------------ batch norm, backward

BACKWARD_CASES = ((3, 5, 1e-3), (4, 7, 0.3), (2, 12, 1e-5))  # (n, m, epsilon), n != m


def _gradients(forward, backward, Z, gamma, beta, state, dZ_tilde):
    _, cache = forward(Z.copy(), gamma.copy(), beta.copy(), copy_state(state), "train")
    return backward(dZ_tilde.copy(), cache)


def probe_batchnorm_backward(namespace):
    missing = missing_functions(namespace, "batchnorm_forward", "batchnorm_backward")
    if missing:
        return missing
    forward, backward = namespace["batchnorm_forward"], namespace["batchnorm_backward"]
    # A stub raises NotImplementedError whatever its cache; a real pass fails differently.
    cases = [{"stub": attempt(backward, np.zeros((2, 3)), None)}]
    for seed, (n, m, epsilon) in enumerate(BACKWARD_CASES):
        rng = np.random.default_rng(500 + seed)
        Z, gamma, beta, state = batchnorm_inputs(rng, n, m, epsilon, 0.9)
        dZ_tilde = rng.normal(size=(n, m))
        cases.append({
            "Z": Z,
            "Z_tilde": attempt(_pair_first, forward, Z.copy(), gamma.copy(), beta.copy(),
                               copy_state(state), "train"),
            "gradients": attempt(_gradients, forward, backward, Z, gamma, beta, state,
                                 dZ_tilde),
            # The oracle: two-sided differences of the forward pass (the reference's is used).
            "numerical": attempt(numerical_batchnorm_gradients, forward, Z, gamma, beta, state,
                                 dZ_tilde),
        })
    return cases


def judge_batchnorm_backward(student, reference):
    test = SUITE.tests["test_batchnorm_backward"]
    if isinstance(student, dict) and "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    stub = student[0]["stub"]
    if isinstance(stub, Raised) and stub.text.startswith("NotImplementedError"):
        return generic_verdict(test, ("raised", "", stub.text))
    student, reference = student[1:], reference[1:]
    for case, expected in zip(student, reference):
        if difference(case["Z_tilde"], expected["Z_tilde"]):
            return test.fail("forward_not_passing")
    for case, expected in zip(student, reference):
        gradients = case["gradients"]
        verdict = _raised(test, gradients)
        if verdict:
            return verdict
        if isinstance(gradients, list):
            gradients = tuple(gradients)
        problem = bn_backward_problem(expected["Z"], gradients, expected["numerical"])
        if problem:
            return _verdict(test, problem)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_batchnorm_backward", solution_id="batchnorm_backward",
    functions=("batchnorm_backward",), probe=probe_batchnorm_backward,
    judge=judge_batchnorm_backward,
    mistakes=SHAPE_MISTAKES + (
        Mistake("forward_not_passing", "batchnorm_backward is checked through your "
                "batchnorm_forward, which does not pass its own test yet: fix it first.",
                "the train-mode forward pass of section 4"),
        Mistake("dgamma_wrong_axis", "Your dgamma is summed over the wrong axis.",
                "one dgamma per unit: sum over the examples of the batch (axis=1, "
                "keepdims=True), shape (n_l, 1)",
                edit(("dZ_tilde * Z_norm, axis=1", "dZ_tilde * Z_norm, axis=0"))),
        Mistake("dbeta_wrong_axis", "Your dbeta is summed over the wrong axis.",
                "one dbeta per unit: sum over the examples of the batch (axis=1, "
                "keepdims=True), shape (n_l, 1)",
                edit(("dZ_tilde, axis=1", "dZ_tilde, axis=0"))),
        Mistake("params_not_averaged", "Your dgamma and dbeta are sums over the batch, m times "
                "too large.",
                "like dW and db, dgamma and dbeta are gradients of the mean cost: divide by m",
                edit(("keepdims=True) / m", "keepdims=True)"))),
        Mistake("param_values", "Your dgamma or dbeta has the wrong values.",
                "dbeta = mean of dZ_tilde and dgamma = mean of dZ_tilde * Z_norm, over the "
                "batch"),
        Mistake("missing_variance_term", "Your dZ leaves out the path through the variance.",
                "sigma^2 depends on every z of the batch: dZ has a third term, "
                "- Z_norm * mean(dZ_norm * Z_norm)",
                edit(("- Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)", ""))),
        Mistake("missing_mean_term", "Your dZ leaves out the path through the mean.",
                "mu depends on every z of the batch: dZ has the term - mean(dZ_norm)",
                edit((" - np.mean(dZ_norm, axis=1, keepdims=True)", ""))),
        Mistake("dZ_divided_by_m", "Your dZ is m times too small.",
                "dZ is per example, like dZ_tilde: the 1/m is applied in linear_backward",
                edit((") / std", ") / std / m"))),
        Mistake("dZ_values", "Your dZ disagrees with the numerical gradient.",
                "the three paths from z to the loss: directly, through mu, through sigma^2"),
    ),
))


# ------------------------------------------------------------------ log-scale sampling

def _sampler_probe(name, cases):
    """A probe calling ``name`` on ``cases`` [(low_exp, high_exp, size, seed)], then the first
    case again with its seed and with another seed, watching numpy's global generator."""
    def probe(namespace):
        missing = missing_functions(namespace, name)
        if missing:
            return missing
        function = namespace[name]
        before = fresh_global_rng_state()
        outputs = {"cases": [attempt(function, low, high, size, np.random.default_rng(seed))
                             for low, high, size, seed in cases]}
        low, high, size, seed = cases[0]
        outputs["again"] = attempt(function, low, high, size, np.random.default_rng(seed))
        outputs["other_seed"] = attempt(function, low, high, size,
                                        np.random.default_rng(seed + 1))
        outputs["global_rng_touched"] = global_rng_state() != before
        return outputs
    return probe


def _sampler_judge(grade_id, cases, diagnose):
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return generic_verdict(test, ("raised", "", student["missing"].text))
        found = [difference(mine, theirs) for mine, theirs in zip(student["cases"],
                                                                  reference["cases"])]
        if not any(found) and not student["global_rng_touched"]:
            return Verdict(True, "passed")
        for value in student["cases"] + [student["again"], student["other_seed"]]:
            verdict = _raised(test, value)
            if verdict:
                return verdict
        if student["global_rng_touched"]:
            return test.fail("global_rng")
        for value, (low, high, size, _) in zip(student["cases"], cases):
            problem = diagnose(value, low, high, size)
            if problem:
                return _verdict(test, problem)
        first = student["cases"][0]
        if difference(student["again"], first):
            return test.fail("unseeded")
        if not difference(student["other_seed"], first):
            return test.fail("seed_ignored")
        # Right range, distribution and seeding; only the draws differ from the reference's.
        return Verdict(True, "passed (your samples differ from the reference's draws but have "
                             "the right range and distribution)")
    return judge


RNG_MISTAKES = (
    Mistake("unseeded", "The same generator seed gave different samples.",
            "draw only from the rng argument"),
    Mistake("seed_ignored", "Different generators gave the same samples.",
            "draw from the rng argument, not from a generator you make yourself"),
    Mistake("out_of_range", "Your samples fall outside the range the exponents allow.",
            "r uniform in [low_exp, high_exp]"),
    Mistake("not_log_uniform", "The exponents of your samples are not uniform.",
            "draw r with rng.uniform(low_exp, high_exp, size)"),
)

LOG_UNIFORM_CASES = ((-4, 0, SAMPLE_SIZE, 600), (-2, 1, SAMPLE_SIZE, 610), (-3, -1, (3, 4), 620))

SUITE.add(GradedTest(
    grade_id="test_sample_log_uniform", solution_id="sample_log_uniform",
    functions=("sample_log_uniform",),
    probe=_sampler_probe("sample_log_uniform", LOG_UNIFORM_CASES),
    judge=_sampler_judge("test_sample_log_uniform", LOG_UNIFORM_CASES, log_uniform_problem),
    mistakes=SHAPE_MISTAKES + RNG_MISTAKES + (
        Mistake("alpha_uniform", "Your values are uniform between 10**low_exp and "
                "10**high_exp, so almost all of them fall in the top decade.",
                "sample the exponent: r uniform in [low_exp, high_exp], then 10 ** r",
                edit(("(low_exp, high_exp", "(10.0 ** low_exp, 10.0 ** high_exp"),
                     ("10.0 ** r", "r"))),
        Mistake("returned_exponent", "You return the exponents r instead of 10 ** r.",
                "the hyperparameter is 10 ** r",
                edit(("10.0 ** r", "r"))),
        Mistake("global_rng", "Your function draws from numpy's global random generator.",
                "randomness comes in through the argument: rng.uniform(low_exp, high_exp, size)",
                edit(("rng.uniform", "np.random.uniform"))),
    ),
))

BETA_CASES = ((-3, -1, SAMPLE_SIZE, 700), (-4, -2, SAMPLE_SIZE, 710), (-2, -1, (5, 2), 720))

SUITE.add(GradedTest(
    grade_id="test_sample_beta", solution_id="sample_beta", functions=("sample_beta",),
    probe=_sampler_probe("sample_beta", BETA_CASES),
    judge=_sampler_judge("test_sample_beta", BETA_CASES, beta_problem),
    mistakes=SHAPE_MISTAKES + RNG_MISTAKES + (
        Mistake("beta_as_power", "You return 10 ** r: that is 1 - beta, not beta.",
                "beta = 1 - 10 ** r, close to 1",
                edit(("1.0 - ", ""))),
        Mistake("beta_uniform", "Your beta is uniform in its range, so few samples have the "
                "long averaging windows near 1.",
                "sample 1 - beta on a log scale: beta = 1 - 10 ** r with r uniform",
                edit(("1.0 - sample_log_uniform(low_exp, high_exp",
                      "rng.uniform(1 - 10.0 ** high_exp, 1 - 10.0 ** low_exp"),
                     (", size, rng)", ", size)"))),
        Mistake("global_rng", "Your function draws from numpy's global random generator.",
                "randomness comes in through the argument rng",
                edit(("sample_log_uniform(", "10.0 ** np.random.uniform("),
                     (", size, rng)", ", size)"))),
    ),
))
