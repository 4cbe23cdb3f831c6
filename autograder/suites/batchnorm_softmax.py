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

from autograder.plain import Raised
from autograder.suite import Suite, attempt, difference, edit, fresh_global_rng_state, \
    global_rng_state
from helpers.checks.batchnorm_softmax import (MISTAKES, RUNNING, SAMPLE_SIZE, batchnorm_inputs,
                                              beta_problem, bn_backward_problem,
                                              bn_running_problem, bn_test_problem,
                                              bn_train_problem, copy_state, cost_problem,
                                              gradient_problem, log_uniform_problem,
                                              numerical_batchnorm_gradients, overflow_problem,
                                              softmax_problem)

MUTANTS = {
    "softmax": {
        "no_max_shift": edit((" - np.max(Z, axis=0, keepdims=True)", "")),
        "sum_wrong_axis": edit(("exponentials, axis=0", "exponentials, axis=1")),
        "shift_wrong_axis": edit(("np.max(Z, axis=0", "np.max(Z, axis=1")),
    },
    "compute_softmax_cost": {
        "not_averaged": edit((" / m", "")),
        "one_hot_wrong_axis": edit(("-np.sum(", "-np.mean(np.sum("),
                                   ("np.log(AL)) / m", "np.log(AL), axis=1))")),
        "wrong_sign": edit(("-np.sum", "np.sum")),
        "binary_cross_entropy": edit(("np.log(AL))", "np.log(AL) + (1 - Y) * np.log(1 - AL))")),
    },
    "softmax_backward": {
        "divided_by_m": edit(("AL - Y", "(AL - Y) / Y.shape[1]")),
        "wrong_sign": edit(("AL - Y", "Y - AL")),
    },
    "batchnorm_forward": {
        "unbiased_variance": edit(("np.var(Z, axis=1,", "np.var(Z, axis=1, ddof=1,")),
        "epsilon_outside_sqrt": edit(("np.sqrt(var + epsilon)", "np.sqrt(var) + epsilon"),
                                     ('np.sqrt(bn_state["running_var"] + epsilon)',
                                      '(np.sqrt(bn_state["running_var"]) + epsilon)')),
        "no_gamma_beta": edit(("gamma * Z_norm + beta", "Z_norm")),
        "running_never_updated": edit(("= momentum * bn_state", "= bn_state"),
                                      (" + (1 - momentum) * mu", ""),
                                      (" + (1 - momentum) * var", "")),
        "running_weighted_wrong_way": edit(("= momentum * bn_state", "= (1 - momentum) * bn_state"),
                                           ("(1 - momentum) * mu", "momentum * mu"),
                                           ("(1 - momentum) * var", "momentum * var")),
        "batch_stats_in_test_mode": edit(('bn_state["running_mean"])',
                                          "np.mean(Z, axis=1, keepdims=True))"),
                                         ('np.sqrt(bn_state["running_var"]',
                                          "np.sqrt(np.var(Z, axis=1, keepdims=True)")),
    },
    "batchnorm_backward": {
        "dgamma_wrong_axis": edit(("dZ_tilde * Z_norm, axis=1", "dZ_tilde * Z_norm, axis=0")),
        "dbeta_wrong_axis": edit(("dZ_tilde, axis=1", "dZ_tilde, axis=0")),
        "params_not_averaged": edit(("keepdims=True) / m", "keepdims=True)")),
        "missing_variance_term": edit(
            ("- Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)", "")),
        "missing_mean_term": edit((" - np.mean(dZ_norm, axis=1, keepdims=True)", "")),
        "dZ_divided_by_m": edit((") / std", ") / std / m")),
    },
    "sample_log_uniform": {
        "alpha_uniform": edit(("(low_exp, high_exp", "(10.0 ** low_exp, 10.0 ** high_exp"),
                              ("10.0 ** r", "r")),
        "returned_exponent": edit(("10.0 ** r", "r")),
        "global_rng": edit(("rng.uniform", "np.random.uniform")),
    },
    "sample_beta": {
        "beta_as_power": edit(("1.0 - ", "")),
        "beta_uniform": edit(("1.0 - sample_log_uniform(low_exp, high_exp",
                              "rng.uniform(1 - 10.0 ** high_exp, 1 - 10.0 ** low_exp"),
                             (", size, rng)", ", size)")),
        "global_rng": edit(("sample_log_uniform(", "10.0 ** np.random.uniform("),
                           (", size, rng)", ", size)")),
    },
}

SUITE = Suite("batchnorm_softmax", MISTAKES, MUTANTS)

SHAPE_MISTAKES = ("type", "shape", "transposed")


def judge_in_order(*diagnoses):
    """A judge that runs each ``diagnose(case, expected) -> Problem | None`` over all the
    probe's cases before the next one (a later diagnosis only means something once the earlier
    ones pass) and fails with the first Problem's mistake."""
    def judge(test, student, reference):
        for diagnose in diagnoses:
            for case, expected in zip(student, reference):
                problem = diagnose(case, expected)
                if problem:
                    return test.fail(problem.mistake)
        return test.passed()
    return judge


def _diagnosed(student, reference, diagnose, fallback, **tolerance):
    """None when ``student`` matches ``reference``; else the Problem ``diagnose()`` finds, or
    the catalogued mistake ``fallback``."""
    if not difference(student, reference, **tolerance):
        return None
    return diagnose() or MISTAKES.problem(fallback, "")


# ------------------------------------------------------------------ softmax

def probe_softmax(softmax, namespace):
    inputs = [np.random.default_rng(100 + seed).normal(0.0, 3.0, size=shape)
              for seed, shape in enumerate(((3, 5), (4, 1), (2, 6), (5, 3)))]
    rng = np.random.default_rng(110)
    inputs += [1000.0 + rng.normal(0.0, 5.0, size=(3, 4)),
               np.array([[1000.0, -1000.0, 3.0], [998.0, -1003.0, 1000.0],
                         [995.0, -999.0, -2.0]])]
    # float32 logits must work too (a learner's data may come in single precision)
    inputs += [Z.astype(np.float32) for Z in inputs[:2]]
    with np.errstate(all="ignore"):
        return [{"Z": Z, "A": attempt(softmax, Z.copy())} for Z in inputs]


def diagnose_softmax(case, expected):
    Z = expected["Z"]
    # single precision carries about 7 digits: compare float32 results at that precision
    tolerance = {"rtol": 1e-5, "atol": 1e-7} if Z.dtype == np.float32 else {}
    return _diagnosed(case["A"], expected["A"],
                      lambda: overflow_problem(case["A"]) or softmax_problem(Z, case["A"]),
                      "softmax_values", **tolerance)


SUITE.test("softmax", probe_softmax, judge_in_order(diagnose_softmax),
           mistakes=SHAPE_MISTAKES + ("no_max_shift", "sum_wrong_axis", "shift_wrong_axis",
                                      "not_normalized", "softmax_values"))


# ------------------------------------------------------------------ the cost and its gradient

COST_CASES = ((3, 5), (4, 7), (2, 9), (5, 3))  # (C, m), C != m


def _probabilities_and_labels(seed, C, m):
    rng = np.random.default_rng(seed)
    AL = rng.random((C, m)) + 0.1
    AL /= AL.sum(axis=0, keepdims=True)  # (C, m), columns sum to 1
    Y = np.zeros((C, m))
    Y[rng.integers(0, C, size=m), np.arange(m)] = 1.0
    return AL, Y


def output_probe(first_seed, result):
    """A probe calling the function on the COST_CASES' probabilities AL and labels Y."""
    def probe(function, namespace):
        cases = []
        for seed, (C, m) in enumerate(COST_CASES):
            AL, Y = _probabilities_and_labels(first_seed + seed, C, m)
            cases.append({"AL": AL, "Y": Y, result: attempt(function, AL.copy(), Y.copy())})
        return cases
    return probe


def diagnose_cost(case, expected):
    return cost_problem(case["cost"], expected["cost"], expected["AL"], expected["Y"])


def diagnose_softmax_backward(case, expected):
    return gradient_problem(case["dZ"], expected["dZ"])


SUITE.test("compute_softmax_cost", output_probe(200, "cost"), judge_in_order(diagnose_cost),
           mistakes=SHAPE_MISTAKES + ("not_averaged", "one_hot_wrong_axis", "wrong_sign",
                                      "binary_cross_entropy", "not_scalar", "cost_values"))
SUITE.test("softmax_backward", output_probe(300, "dZ"),
           judge_in_order(diagnose_softmax_backward),
           mistakes=SHAPE_MISTAKES + ("divided_by_m", "wrong_sign", "gradient_values"))


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


def probe_batchnorm_forward(forward, namespace):
    cases = []
    for seed, (n, m, epsilon, momentum) in enumerate(FORWARD_CASES):
        Z, gamma, beta, state = batchnorm_inputs(np.random.default_rng(400 + seed), n, m,
                                                 epsilon, momentum)
        case = {"Z": Z, "gamma": gamma, "beta": beta, "state": state}
        for mode in ("train", "test"):
            changed = copy_state(state)
            case[mode] = attempt(_pair_first, forward, Z.copy(), gamma.copy(), beta.copy(),
                                 changed, mode)
            case[f"{mode}_state"] = attempt(dict, changed)
        cases.append(case)
    return cases


def diagnose_train_mode(case, expected):
    return _diagnosed(case["train"], expected["train"],
                      lambda: bn_train_problem(expected["Z"], expected["gamma"],
                                               expected["beta"], expected["state"]["epsilon"],
                                               case["train"]),
                      "train_values")


def diagnose_running_averages(case, expected):
    before, new = expected["state"], [case["train_state"].get(key) for key in RUNNING]
    return _diagnosed(new, [expected["train_state"][key] for key in RUNNING],
                      lambda: bn_running_problem(before["running_mean"], before["running_var"],
                                                 *new, expected["Z"], before["momentum"]),
                      "running_values")


def diagnose_test_mode(case, expected):
    before = expected["state"]
    problem = _diagnosed(case["test"], expected["test"],
                         lambda: bn_test_problem(expected["Z"], expected["gamma"],
                                                 expected["beta"], before["running_mean"],
                                                 before["running_var"], before["epsilon"],
                                                 case["test"]),
                         "test_values")
    if problem is None and any(difference(case["test_state"].get(key), before[key])
                               for key in RUNNING):
        return MISTAKES.problem("test_mode_updates_running", "")
    return problem


SUITE.test("batchnorm_forward", probe_batchnorm_forward,
           judge_in_order(diagnose_train_mode, diagnose_running_averages, diagnose_test_mode),
           mistakes=SHAPE_MISTAKES + (
               "unbiased_variance", "epsilon_outside_sqrt", "no_epsilon", "no_sqrt",
               "no_gamma_beta", "train_values", "running_never_updated",
               "running_weighted_wrong_way", "running_values", "batch_stats_in_test_mode",
               "test_values", "test_mode_updates_running"))


# ------------------------------------------------------------------ batch norm, backward

BACKWARD_CASES = ((3, 5, 1e-3), (4, 7, 0.3), (2, 12, 1e-5))  # (n, m, epsilon), n != m


def _train_pass(forward, backward, Z, gamma, beta, state, dZ_tilde):
    """Z_tilde, the gradients and their numerical oracle for one train-mode pass. A forward
    pass that raises or gives a wrong Z_tilde leaves only Z_tilde = None: the backward pass is
    not judged through it (nor called on its cache)."""
    try:
        Z_tilde, cache = forward(Z.copy(), gamma.copy(), beta.copy(), copy_state(state),
                                 "train")
        if bn_train_problem(Z, gamma, beta, state["epsilon"], Z_tilde) is None:
            return {"Z": Z, "Z_tilde": Z_tilde, "gradients": attempt(backward, dZ_tilde.copy(),
                                                                     cache),
                    # The oracle: two-sided differences of the forward pass (the reference's
                    # is used).
                    "numerical": numerical_batchnorm_gradients(forward, Z, gamma, beta, state,
                                                               dZ_tilde)}
    except MemoryError:
        raise  # a limit, not a wrong answer
    except Exception:  # batchnorm_forward's own test reports its error
        pass
    return {"Z": Z, "Z_tilde": None}


def probe_batchnorm_backward(backward, namespace):
    # A stub raises NotImplementedError whatever its cache; a real pass fails differently.
    stub = attempt(backward, np.zeros((2, 3)), None)
    if isinstance(stub, Raised) and stub.text.startswith("NotImplementedError"):
        return stub
    cases = []
    for seed, (n, m, epsilon) in enumerate(BACKWARD_CASES):
        rng = np.random.default_rng(500 + seed)
        Z, gamma, beta, state = batchnorm_inputs(rng, n, m, epsilon, 0.9)
        cases.append(_train_pass(namespace["batchnorm_forward"], backward, Z, gamma, beta, state,
                                 rng.normal(size=(n, m))))
    return cases


def diagnose_forward_first(case, expected):
    if difference(case["Z_tilde"], expected["Z_tilde"]):
        return MISTAKES.problem("forward_not_passing", "")
    return None


def diagnose_gradients(case, expected):
    return bn_backward_problem(expected["Z"], case["gradients"], expected["numerical"])


SUITE.test("batchnorm_backward", probe_batchnorm_backward,
           judge_in_order(diagnose_forward_first, diagnose_gradients),
           uses=("batchnorm_forward",),
           mistakes=SHAPE_MISTAKES + (
               "forward_not_passing", "dgamma_wrong_axis", "dbeta_wrong_axis",
               "params_not_averaged", "param_values", "missing_variance_term",
               "missing_mean_term", "dZ_divided_by_m", "dZ_values"))


# ------------------------------------------------------------------ log-scale sampling

def sampler_probe(cases):
    """A probe calling the sampler on ``cases`` [(low_exp, high_exp, size, seed)], then the
    first case again with its seed and with another seed, watching numpy's global generator."""
    def probe(function, namespace):
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


def sampler_judge(cases, diagnose):
    """The judge of a sampler whose samples ``diagnose(values, low, high, size)`` checks."""
    def judge(test, student, reference):
        found = [difference(mine, theirs) for mine, theirs in zip(student["cases"],
                                                                  reference["cases"])]
        if not any(found) and not student["global_rng_touched"]:
            return test.passed()
        if student["global_rng_touched"]:
            return test.fail("global_rng")
        for value, (low, high, size, _) in zip(student["cases"], cases):
            problem = diagnose(value, low, high, size)
            if problem:
                return test.fail(problem.mistake)
        first = student["cases"][0]
        if difference(student["again"], first):
            return test.fail("unseeded")
        if not difference(student["other_seed"], first):
            return test.fail("seed_ignored")
        # Right range, distribution and seeding; only the draws differ from the reference's.
        return test.passed("passed (your samples differ from the reference's draws but have "
                           "the right range and distribution)")
    return judge


SAMPLER_MISTAKES = SHAPE_MISTAKES + ("global_rng", "unseeded", "seed_ignored", "out_of_range",
                                     "not_log_uniform")
LOG_UNIFORM_CASES = ((-4, 0, SAMPLE_SIZE, 600), (-2, 1, SAMPLE_SIZE, 610), (-3, -1, (3, 4), 620))
BETA_CASES = ((-3, -1, SAMPLE_SIZE, 700), (-4, -2, SAMPLE_SIZE, 710), (-2, -1, (5, 2), 720))

SUITE.test("sample_log_uniform", sampler_probe(LOG_UNIFORM_CASES),
           sampler_judge(LOG_UNIFORM_CASES, log_uniform_problem),
           mistakes=SAMPLER_MISTAKES + ("alpha_uniform", "returned_exponent"))
SUITE.test("sample_beta", sampler_probe(BETA_CASES), sampler_judge(BETA_CASES, beta_problem),
           mistakes=SAMPLER_MISTAKES + ("beta_as_power", "beta_uniform"))
