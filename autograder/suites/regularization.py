"""Hidden tests for Assignment 2 (regularization: L2 and dropout).

The probes call each function on 3-layer nets made from fixed seeds (several layer sizes,
n_l != m, non-default lambd and keep_prob), always on copies of their inputs. The judges rely
on properties every correct implementation has, shared with the visible checks
(helpers.checks.regularization), and never on one order of random draws:

* the L2 cost is compared with the reference's; a wrong one is diagnosed from its penalty
  (cost minus cross-entropy) against the variants learners write;
* a backward pass must give the same gradients twice without touching numpy's global random
  state, and they must equal the numerical gradients of the reference's cost: for L2, the
  regularized cost (a wrong one is diagnosed from dW - dW_cross-entropy and db); for dropout,
  the cost of the net with the masks of the cache. That cache is built by the probe itself
  from masks it chooses (including units dropped for every example), so the backward pass is
  tested independently of the learner's forward pass;
* a dropout forward pass must draw its masks from the generator it is given (the same seed
  gives the same masks, another seed other masks, numpy's global state is untouched), keep
  about keep_prob of the units with one draw per unit and example (large layers), preserve
  the expected activation, and compute each hidden layer as relu(Z) * D / keep_prob with its
  OWN masks, the input and the output untouched; with keep_prob = 1 it is the plain net.
"""

import contextlib
import io

import numpy as np

from autograder.suite import Suite, attempt, edit, fresh_global_rng_state, global_rng_state
from helpers.checks import as_number, copy_arrays, numerical_gradients
from helpers.checks.regularization import (MISTAKES, dropped_unit_problem, example_net,
                                           expectation_problem, grads_problem,
                                           l2_gradient_problem, layers_problem,
                                           mask_statistics_problem, penalty_problem,
                                           same_gradients, scaling_problem, structure_problem)
from helpers.network import compute_cost, linear_forward, model_forward, relu, sigmoid

# (layers_dims, m, lambd or keep_prob, seed): several sizes, n_l != m, non-default values.
COST_CASES = (([2, 20, 3, 1], 7, 0.7, 10), ([3, 5, 4, 1], 12, 0.1, 11),
              ([4, 6, 2, 1], 3, 2.5, 12))
L2_CASES = (([2, 20, 3, 1], 7, 0.7, 20), ([3, 5, 4, 1], 12, 0.1, 21),
            ([4, 6, 2, 1], 5, 2.5, 22))
DROPOUT_CASES = (([2, 20, 3, 1], 9, 0.86, 30), ([3, 5, 4, 1], 6, 0.5, 31),
                 ([4, 7, 6, 1], 11, 0.7, 32))
# Large enough that the kept fraction of a mask is within 0.01 of keep_prob (std < 0.003).
LARGE_DROPOUT_CASES = (([3, 150, 80, 1], 250, 0.7, 40), ([3, 150, 80, 1], 250, 0.86, 41))
BACKWARD_CASES = (([2, 20, 3, 1], 9, 0.86, 50), ([3, 5, 4, 1], 6, 0.5, 51),
                  ([4, 7, 6, 1], 11, 0.6, 52))

MUTANTS = {
    "compute_cost_with_regularization": {
        "lambda_over_m": edit(("lambd / (2 * m)", "lambd / m")),
        "no_m": edit(("lambd / (2 * m)", "lambd / 2")),
        "biases_penalized": edit(('parameters[f"W{l}"]', "value"),
                                 ("for l in (1, 2, 3)", "for value in parameters.values()")),
        "sum_squared": edit(("np.sum(np.square(", "np.square(np.sum(")),
        "not_squared": edit(("np.sum(np.square(", "np.linalg.norm((")),
        "penalty_missing": edit(("lambd / (2 * m) * squared_norms", "0.0")),
    },
    "backward_propagation_with_regularization": {
        "term_missing": edit((' + lambd / m * cache[f"W{l}"]', "")),
        "half_term": edit(("lambd / m", "lambd / (2 * m)")),
        "double_term": edit(("lambd / m", "2 * lambd / m")),
        "no_m": edit(("lambd / m", "lambd")),
        "wrong_sign": edit(("+ lambd / m", "- lambd / m")),
        "bias_term": edit(after='    grads[f"db{l}"] = grads[f"db{l}"] + lambd / m'),
        "layer_not_regularized": edit(("(1, 2, 3)", "(1, 2)")),
    },
    "forward_propagation_with_dropout": {
        "mask_shape": edit(("rng.random(A1.shape)", "rng.random((A1.shape[0], 1))"),
                           ("rng.random(A2.shape)", "rng.random((A2.shape[0], 1))")),
        "mask_not_binary": edit(("(A1.shape) < keep_prob", "(A1.shape)"),
                                ("A1 * D1 /", "A1 * (D1 < keep_prob) /")),
        "mask_reversed": edit(("< keep_prob", "> keep_prob")),
        "mask_distribution": edit(("rng.random(", "rng.standard_normal(")),
        "layer_missed": edit(("rng.random(A2.shape) < keep_prob", "np.ones(A2.shape, dtype=bool)"),
                             ("D2 / keep_prob", "D2")),
        "global_rng": edit(("rng.random(A1.shape)", "np.random.rand(*A1.shape)"),
                           ("rng.random(A2.shape)", "np.random.rand(*A2.shape)")),
        "rng_not_used": edit(("rng.random(", "np.random.default_rng().random(")),
        "no_division": edit(("A1 * D1 / keep_prob", "A1 * D1"), ("A2 * D2 / keep_prob", "A2 * D2")),
        "multiplied_by_keep_prob": edit(("A1 * D1 / keep_prob", "A1 * D1 * keep_prob"),
                                        ("A2 * D2 / keep_prob", "A2 * D2 * keep_prob")),
        "mask_not_applied": edit(("A1 * D1 / keep_prob", "A1 / keep_prob")),
        "dropout_on_input": edit(("linear_forward(X,", "linear_forward(X * (rng.random(X.shape) "
                                                       "< keep_prob) / keep_prob,")),
        "dropout_on_output": edit(("sigmoid(Z3)", "sigmoid(Z3) * (rng.random(Z3.shape) "
                                                  "< keep_prob) / keep_prob")),
        "cache_inconsistent": edit(("linear_forward(A1,", "linear_forward(relu(Z1),")),
        "forward_wrong": edit(("sigmoid(Z3)", "sigmoid(relu(Z3))")),
    },
    "backward_propagation_with_dropout": {
        "different_mask": edit(('cache["D2"]', '(np.random.rand(*cache["A2"].shape) < keep_prob)'),
                               ('cache["D1"]', '(np.random.rand(*cache["A1"].shape) < keep_prob)')),
        "mask_not_applied": edit(('dA2 * cache["D2"] / keep_prob', 'dA2 / keep_prob'),
                                 ('dA1 * cache["D1"] / keep_prob', 'dA1 / keep_prob')),
        "no_division": edit(('cache["D2"] / keep_prob', 'cache["D2"]'),
                            ('cache["D1"] / keep_prob', 'cache["D1"]')),
        "divided_twice": edit(('cache["D2"] / keep_prob', 'cache["D2"] / keep_prob ** 2')),
    },
}

SUITE = Suite("regularization", MISTAKES, MUTANTS)

GRADIENT_MISTAKES = ("type", "grads_keys", "grad_shape", "different_mask", "wrong_gradient")


# ------------------------------------------------------------------ L2: the cost

def probe_cost(function, namespace):
    cases = []
    for layers_dims, m, lambd, seed in COST_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)
        A3, _ = model_forward(X, parameters)
        cases.append({"cost": attempt(function, A3.copy(), Y.copy(), copy_arrays(parameters),
                                      lambd),
                      "cross_entropy": compute_cost(A3, Y), "parameters": parameters,
                      "lambd": lambd, "m": m})
    return cases


def judge_cost(test, student, reference):
    for case, expected in zip(student, reference):
        problem = penalty_problem(case["cost"], expected["cross_entropy"],
                                  expected["parameters"], expected["lambd"], expected["m"])
        if problem:
            return test.fail(problem.mistake)
        if not np.isclose(as_number(case["cost"]), expected["cost"], rtol=1e-6, atol=1e-10):
            return test.fail("wrong_value")
    return test.passed()


# ------------------------------------------------------------------ backward passes

def backward_case(function, X, Y, fresh_cache, argument, cost_of, parameters):
    """One case of a backward probe: the learner's gradients for two fresh caches (a backward
    pass gives the same gradients twice and draws nothing), and the numerical gradients of
    ``cost_of``. For a submission ``cost_of`` may run the learner's code; only the reference's
    numerical gradients are used (the judge's oracle), so errors and prints there are kept
    here."""
    before = fresh_global_rng_state()
    grads = attempt(function, X.copy(), Y.copy(), fresh_cache(), argument)
    again = attempt(function, X.copy(), Y.copy(), fresh_cache(), argument)
    touched = global_rng_state() != before
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            numerical = numerical_gradients(cost_of, parameters)
    except Exception:  # the learner's cost: its numerical gradients are never judged
        numerical = None
    return {"grads": grads, "again": again, "global_rng_touched": touched,
            "numerical": numerical}


def gradient_judge(diagnose):
    """The judge of a backward probe (a list of backward_case's): gradients of the right
    form, the same for the same cache, drawing nothing from numpy's global state, and equal
    to the reference's numerical gradients; ``diagnose(case, expected)`` names the Problem of
    a case whose gradients are not (None: no common mistake fits)."""
    def judge(test, student, reference):
        cases = list(zip(student, reference))
        for case, expected in cases:
            for grads in (case["grads"], case["again"]):
                problem = grads_problem(grads, expected["numerical"], test.function)
                if problem:
                    return test.fail(problem.mistake)
        if any(case["global_rng_touched"] or not same_gradients(case["grads"], case["again"])
               for case, _ in cases):
            return test.fail("different_mask")
        for case, expected in cases:
            if not same_gradients(case["grads"], expected["numerical"]):
                problem = diagnose(case, expected)
                return test.fail(problem.mistake if problem else "wrong_gradient")
        return test.passed()
    return judge


def probe_l2_backward(function, namespace):
    forward, backward = namespace["forward_propagation"], namespace["backward_propagation"]
    cost = namespace.get("compute_cost_with_regularization")
    cases = []
    for layers_dims, m, lambd, seed in L2_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)

        def fresh_cache(X=X, parameters=parameters):
            return forward(X.copy(), copy_arrays(parameters))[1]

        def regularized_cost(theta, X=X, Y=Y, lambd=lambd):
            return float(cost(forward(X, theta)[0], Y, theta, lambd))
        case = backward_case(function, X, Y, fresh_cache, lambd, regularized_cost, parameters)
        case.update(plain=attempt(backward, X.copy(), Y.copy(), fresh_cache()), lambd=lambd, m=m,
                    weights={f"W{l}": parameters[f"W{l}"] for l in (1, 2, 3)})
        cases.append(case)
    return cases


def diagnose_l2(case, expected):
    return l2_gradient_problem(case["grads"], expected["plain"], expected["weights"],
                               expected["lambd"], expected["m"])


def masked_forward(X, parameters, D1, D2, keep_prob):
    """The probe's own dropout net with the masks D1 (n_1, m) and D2 (n_2, m) fixed: the cache
    in the notebook's format for the backward pass, and A3. It lets the backward pass be tested
    without the learner's forward pass, on masks the probe chooses."""
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1, _ = linear_forward(X, W1, b1)
    A1 = relu(Z1) * D1 / keep_prob
    Z2, _ = linear_forward(A1, W2, b2)
    A2 = relu(Z2) * D2 / keep_prob
    Z3, _ = linear_forward(A2, W3, b3)
    A3 = sigmoid(Z3)
    return A3, {"Z1": Z1, "D1": D1, "A1": A1, "W1": W1, "Z2": Z2, "D2": D2, "A2": A2,
                "W2": W2, "Z3": Z3, "A3": A3, "W3": W3}


def _fixed_masks(layers_dims, m, keep_prob, seed):
    """Masks drawn with keep_prob, with unit 0 of layer 1 and the last unit of layer 2 dropped
    for every example and unit 1 of layer 1 kept for every example."""
    rng = np.random.default_rng(seed)
    D1 = rng.random((layers_dims[1], m)) < keep_prob
    D2 = rng.random((layers_dims[2], m)) < keep_prob
    D1[0], D1[1], D2[-1] = False, True, False
    return D1, D2, {"1": [0], "2": [layers_dims[2] - 1]}


def probe_dropout_backward(function, namespace):
    cases = []
    for layers_dims, m, keep_prob, seed in BACKWARD_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)
        D1, D2, dropped = _fixed_masks(layers_dims, m, keep_prob, seed + 100)

        def fresh_cache(X=X, parameters=parameters, D1=D1, D2=D2, keep_prob=keep_prob):
            return masked_forward(X.copy(), copy_arrays(parameters), D1.copy(), D2.copy(),
                                  keep_prob)[1]

        def cost_of(theta, X=X, Y=Y, D1=D1, D2=D2, keep_prob=keep_prob):
            return compute_cost(masked_forward(X, theta, D1, D2, keep_prob)[0], Y)
        case = backward_case(function, X, Y, fresh_cache, keep_prob, cost_of, parameters)
        case.update(keep_prob=keep_prob, dropped=dropped)
        cases.append(case)
    return cases


def diagnose_dropout(case, expected):
    dropped = {int(l): units for l, units in expected["dropped"].items()}
    return (dropped_unit_problem(case["grads"], dropped)
            or scaling_problem(case["grads"], expected["numerical"], expected["keep_prob"]))


# ------------------------------------------------------------------ dropout: the forward pass

def probe_dropout_forward(function, namespace):
    def run(layers_dims, m, keep_prob, seed, rng_seed=None):
        parameters, X, _ = example_net(layers_dims, m, seed)
        rng = np.random.default_rng(seed if rng_seed is None else rng_seed)
        return {"layers_dims": layers_dims, "m": m, "keep_prob": keep_prob, "X": X,
                "parameters": parameters,
                "result": attempt(function, X.copy(), copy_arrays(parameters), keep_prob, rng)}

    before = fresh_global_rng_state()
    first = DROPOUT_CASES[0]
    outputs = {"cases": [run(*case) for case in DROPOUT_CASES],
               "large": [run(*case) for case in LARGE_DROPOUT_CASES],
               "again": run(*first), "other_seed": run(*first, rng_seed=first[3] + 1000),
               "keep_all": run(first[0], first[1], 1.0, first[3])}
    outputs["global_rng_touched"] = global_rng_state() != before
    return outputs


def _same_masks(a, b):
    return all(np.array_equal(np.asarray(a[1][key], float), np.asarray(b[1][key], float))
               for key in ("D1", "D2"))


def judge_dropout_forward(test, student, reference):
    everything = (student["cases"] + student["large"]
                  + [student["again"], student["other_seed"], student["keep_all"]])
    for case in everything:
        problem = structure_problem(case["result"], case["layers_dims"], case["m"])
        if problem:
            return test.fail(problem.mistake)
    if student["global_rng_touched"]:
        return test.fail("global_rng")
    first, again = student["cases"][0]["result"], student["again"]["result"]
    if (not _same_masks(again, first)
            or not np.allclose(again[0], first[0], rtol=1e-9, atol=1e-12)
            or _same_masks(student["other_seed"]["result"], first)):
        return test.fail("rng_not_used")
    for case in student["large"]:
        problem = (mask_statistics_problem(case["result"][1], case["keep_prob"])
                   or expectation_problem(case["result"][1], case["keep_prob"]))
        if problem:
            return test.fail(problem.mistake)
    # Masks that keep every unit (keep_prob = 1) must give exactly the plain net.
    if not np.allclose(student["keep_all"]["result"][0], reference["keep_all"]["result"][0],
                       rtol=1e-6, atol=1e-9):
        return test.fail("forward_wrong")
    for case in student["cases"] + student["large"]:
        problem = layers_problem(case["X"], case["parameters"], case["keep_prob"],
                                 case["result"])
        if problem:
            return test.fail(problem.mistake)
    return test.passed()


SUITE.test("compute_cost_with_regularization", probe_cost, judge_cost,
           mistakes=("type", "lambda_over_m", "no_m", "biases_penalized", "sum_squared",
                     "not_squared", "penalty_missing", "wrong_value"))
SUITE.test("backward_propagation_with_regularization", probe_l2_backward,
           gradient_judge(diagnose_l2), uses=("forward_propagation", "backward_propagation"),
           mistakes=GRADIENT_MISTAKES + ("term_missing", "half_term", "double_term", "no_m",
                                         "wrong_sign", "bias_term", "layer_not_regularized"))
SUITE.test("forward_propagation_with_dropout", probe_dropout_forward, judge_dropout_forward,
           mistakes=("type", "output_shape", "cache_keys", "mask_shape", "mask_not_binary",
                     "mask_reversed", "mask_distribution", "layer_missed", "global_rng",
                     "rng_not_used", "no_division", "multiplied_by_keep_prob",
                     "mask_not_applied", "dropout_on_input", "dropout_on_output",
                     "cache_inconsistent", "forward_wrong", "hidden_wrong", "output_wrong"))
SUITE.test("backward_propagation_with_dropout", probe_dropout_backward,
           gradient_judge(diagnose_dropout),
           mistakes=GRADIENT_MISTAKES + ("mask_not_applied", "no_division", "divided_twice"))
