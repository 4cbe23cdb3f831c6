"""Hidden tests for Assignment 2 (regularization: L2 and dropout).

The probes call each function on 3-layer nets made from fixed seeds (several layer sizes,
n_l != m, non-default lambd and keep_prob), always on copies of their inputs. The judges rely
on properties every correct implementation has, shared with the visible checks
(helpers.checks.regularization), and never on one order of random draws:

* the L2 cost is compared with the reference's; a wrong one is diagnosed from its penalty
  (cost minus cross-entropy) against the variants learners write;
* the L2 gradients must equal the numerical gradient of the reference's regularized cost; a
  wrong one is diagnosed from dW - dW_cross-entropy and db;
* a dropout forward pass must draw its masks from the generator it is given (the same seed
  gives the same masks, another seed other masks, numpy's global state is untouched), keep
  about keep_prob of the units with one draw per unit and example (large layers), preserve
  the expected activation, and compute each hidden layer as relu(Z) * D / keep_prob with its
  OWN masks, the input and the output untouched; with keep_prob = 1 it is the plain net;
* the dropout backward pass gets caches the probe builds itself from masks it chooses
  (including units dropped for every example), so it is tested independently of the learner's
  forward pass, and its gradients must equal the numerical gradient of the cost of the net with
  those masks fixed.
"""

import contextlib
import io

import numpy as np

from autograder.plain import Raised, Unsupported
from autograder.suite import (GradedTest, Mistake, Suite, Verdict, attempt, edit, missing_functions,
                              fresh_global_rng_state, generic_verdict, global_rng_state, lookup)
from helpers.checks.regularization import (GRAD_KEYS, as_number, dropped_unit_problem,
                                           example_net, expectation_problem, grads_problem,
                                           l2_gradient_problem, layers_problem,
                                           mask_statistics_problem, penalty_problem,
                                           scaling_problem, structure_problem)
from helpers.network import compute_cost, linear_forward, model_forward, relu, sigmoid

SUITE = Suite("regularization")

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
EPSILON = 1e-6  # two-sided differences for the numerical gradients


def _copy(parameters):
    return {key: np.array(value, dtype=float) for key, value in parameters.items()}


def _verdict(test, problem):
    """The failing Verdict for a diagnosed Problem: the catalogue's hint, never the Problem's
    message (which may quote hidden inputs)."""
    if test.mistake(problem.mistake) is None:
        return Verdict(False, "Your result differs from the expected one.", None)
    return test.fail(problem.mistake)


def _raised(test, value):
    """A generic verdict when ``value`` is an exception or an unsupported object, else None."""
    if isinstance(value, Raised):
        return generic_verdict(test, ("raised", "", value.text))
    if isinstance(value, Unsupported):
        return generic_verdict(test, ("unsupported", "", f"the result is a {value.type_name}"))
    return None


def numerical_gradients(cost_of, parameters):
    """Two-sided differences (J(theta + eps) - J(theta - eps)) / 2 eps of ``cost_of(parameters)``
    for every entry of every parameter: a dict "dW1", "db1", ... with the parameters' shapes."""
    grads = {}
    for key, value in parameters.items():
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = _copy(parameters)
            shifted[key][index] = value[index] + EPSILON
            plus = cost_of(shifted)
            shifted[key][index] = value[index] - EPSILON
            minus = cost_of(shifted)
            gradient[index] = (plus - minus) / (2 * EPSILON)
        grads["d" + key] = gradient
    return grads


def _close_to(grads, expected):
    return all(isinstance(grads.get(key), np.ndarray) and grads[key].shape == expected[key].shape
               and np.allclose(grads[key], expected[key], rtol=1e-5, atol=1e-8)
               for key in GRAD_KEYS)


# ------------------------------------------------------------------ L2: the cost

def probe_cost(namespace):
    missing = missing_functions(namespace, "compute_cost_with_regularization")
    if missing:
        return missing
    function = namespace["compute_cost_with_regularization"]
    cases = []
    for layers_dims, m, lambd, seed in COST_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)
        A3, _ = model_forward(X, parameters)
        cases.append({"cost": attempt(function, A3.copy(), Y.copy(), _copy(parameters), lambd),
                      "cross_entropy": compute_cost(A3, Y), "parameters": parameters,
                      "lambd": lambd, "m": m})
    return {"cases": cases}


def judge_cost(student, reference):
    test = SUITE.tests["test_compute_cost_with_regularization"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for case, expected in zip(student["cases"], reference["cases"]):
        verdict = _raised(test, case["cost"])
        if verdict:
            return verdict
        problem = penalty_problem(case["cost"], expected["cross_entropy"],
                                  expected["parameters"], expected["lambd"], expected["m"])
        if problem:
            return _verdict(test, problem)
        if not np.isclose(as_number(case["cost"]), expected["cost"], rtol=1e-6, atol=1e-10):
            return test.fail("wrong_value")
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_compute_cost_with_regularization",
    solution_id="compute_cost_with_regularization",
    functions=("compute_cost_with_regularization",),
    probe=probe_cost, judge=judge_cost,
    mistakes=(
        Mistake("type", "The function should return the cost, a number.",
                "the return value: cross_entropy_cost + L2_regularization_cost"),
        Mistake("lambda_over_m", "The penalty is twice too large: it looks like lambd / m "
                "instead of lambd / (2 * m).",
                "the L2 penalty (lambd / 2m) * sum of ||W||_F^2",
                edit(("lambd / (2 * m)", "lambd / m"))),
        Mistake("no_m", "The penalty is not divided by m: it looks like lambd / 2 times the "
                "squared norms.", "the L2 penalty (lambd / 2m) * sum of ||W||_F^2",
                edit(("lambd / (2 * m)", "lambd / 2"))),
        Mistake("biases_penalized", "The biases are penalized too.",
                "the L2 penalty uses the weights W1, W2, W3 only",
                edit(('parameters[f"W{l}"]', "value"),
                     ("for l in (1, 2, 3)", "for value in parameters.values()"))),
        Mistake("sum_squared", "The penalty squares the sum of the weights instead of summing "
                "their squares.", "||W||_F^2 is the sum of the squared entries, "
                "np.sum(np.square(W))",
                edit(("np.sum(np.square(", "np.square(np.sum("))),
        Mistake("not_squared", "The penalty uses the norms of the weight matrices without "
                "squaring them.", "||W||_F^2 is the sum of the squared entries, with no "
                "square root", edit(("np.sum(np.square(", "np.linalg.norm(("))),
        Mistake("penalty_missing", "The cost equals the cross-entropy alone: the L2 penalty is "
                "missing.", "the regularized cost: cross-entropy plus (lambd / 2m) * sum of "
                "||W||_F^2", edit(("lambd / (2 * m) * squared_norms", "0.0"))),
        Mistake("wrong_value", "The cost is not the cross-entropy plus (lambd / 2m) times the "
                "sum of the squared Frobenius norms of W1, W2, W3.",
                "the regularized cost and the given compute_cost(A3, Y)"),
    ),
))


# ------------------------------------------------------------------ L2: the gradient

def probe_l2_backward(namespace):
    missing = missing_functions(namespace, "backward_propagation_with_regularization",
                       "forward_propagation", "backward_propagation")
    if missing:
        return missing
    function = namespace["backward_propagation_with_regularization"]
    forward = namespace["forward_propagation"]
    cases = []
    for layers_dims, m, lambd, seed in L2_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)
        _, cache = forward(X, _copy(parameters))
        plain = attempt(namespace["backward_propagation"], X.copy(), Y.copy(), dict(cache))
        grads = attempt(function, X.copy(), Y.copy(), forward(X, _copy(parameters))[1], lambd)
        cost = lookup(namespace, "compute_cost_with_regularization")

        def regularized_cost(theta, cost=cost, X=X, Y=Y, lambd=lambd):
            return float(cost(forward(X, theta)[0], Y, theta, lambd))
        # Only the reference's numerical gradient is ever used (the judge's oracle); for a
        # submission this runs the learner's cost, so its errors and prints are kept here.
        try:
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                numerical = numerical_gradients(regularized_cost, parameters)
        except Exception as error:
            numerical = Raised(f"{type(error).__name__}: {error}")
        cases.append({"grads": grads, "plain": plain, "numerical": numerical,
                      "weights": {f"W{l}": parameters[f"W{l}"] for l in (1, 2, 3)},
                      "lambd": lambd, "m": m})
    return {"cases": cases}


def judge_l2_backward(student, reference):
    test = SUITE.tests["test_backward_propagation_with_regularization"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for case, expected in zip(student["cases"], reference["cases"]):
        grads = case["grads"]
        verdict = _raised(test, grads)
        if verdict:
            return verdict
        problem = grads_problem(grads, expected["numerical"], "")
        if problem:
            return _verdict(test, problem)
        if _close_to(grads, expected["numerical"]):
            continue
        problem = l2_gradient_problem(grads, expected["plain"], expected["weights"],
                                      expected["lambd"], expected["m"])
        return _verdict(test, problem) if problem else test.fail("wrong_gradient")
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_backward_propagation_with_regularization",
    solution_id="backward_propagation_with_regularization",
    functions=("backward_propagation_with_regularization",),
    probe=probe_l2_backward, judge=judge_l2_backward,
    mistakes=(
        Mistake("type", "The function should return the dict of gradients.",
                "the return value: grads with dW1, db1, ..., db3"),
        Mistake("grads_keys", "Some gradients are missing from the dict, or are not arrays.",
                "grads holds dW1, db1, dW2, db2, dW3, db3"),
        Mistake("grad_shape", "A gradient has the wrong shape.",
                "each gradient has the shape of its parameter"),
        Mistake("term_missing", "The dW's have no regularization term: they are the "
                "cross-entropy gradients alone.",
                "the gradient of the penalty: dW gets + (lambd / m) * W",
                edit((' + lambd / m * cache[f"W{l}"]', ""))),
        Mistake("half_term", "The dW's get (lambd / 2m) * W instead of (lambd / m) * W.",
                "the derivative of (lambd / 2m) * W^2 is (lambd / m) * W: the 2 of the square "
                "cancels the 1/2", edit(("lambd / m", "lambd / (2 * m)"))),
        Mistake("double_term", "The dW's get (2 lambd / m) * W instead of (lambd / m) * W.",
                "the derivative of (lambd / 2m) * W^2 is (lambd / m) * W",
                edit(("lambd / m", "2 * lambd / m"))),
        Mistake("no_m", "The dW's get lambd * W: the term is not divided by m.",
                "the gradient term (lambd / m) * W", edit(("lambd / m", "lambd"))),
        Mistake("wrong_sign", "The regularization term is subtracted from dW instead of added.",
                "dW = dW_cross-entropy + (lambd / m) * W",
                edit(("+ lambd / m", "- lambd / m"))),
        Mistake("bias_term", "The db's changed: the biases got a regularization term.",
                "the penalty has no biases, so db stays the cross-entropy's",
                edit(after='    grads[f"db{l}"] = grads[f"db{l}"] + lambd / m')),
        Mistake("layer_missed", "Some layers' dW got no regularization term.",
                "every dW^[l], l = 1, 2, 3, gets + (lambd / m) * W^[l]",
                edit(("(1, 2, 3)", "(1, 2)"))),
        Mistake("wrong_gradient", "The gradients are not those of the regularized cost.",
                "dW = dW_cross-entropy + (lambd / m) * W, db unchanged"),
    ),
))


# ------------------------------------------------------------------ dropout: the forward pass

def probe_dropout_forward(namespace):
    missing = missing_functions(namespace, "forward_propagation_with_dropout")
    if missing:
        return missing
    function = namespace["forward_propagation_with_dropout"]

    def run(layers_dims, m, keep_prob, seed, rng_seed=None):
        parameters, X, _ = example_net(layers_dims, m, seed)
        rng = np.random.default_rng(seed if rng_seed is None else rng_seed)
        return {"layers_dims": layers_dims, "m": m, "keep_prob": keep_prob, "X": X,
                "parameters": parameters,
                "result": attempt(function, X.copy(), _copy(parameters), keep_prob, rng)}

    before = fresh_global_rng_state()
    cases = [run(*case) for case in DROPOUT_CASES]
    large = [run(*case) for case in LARGE_DROPOUT_CASES]
    first = DROPOUT_CASES[0]
    again = run(*first)
    other_seed = run(*first, rng_seed=first[3] + 1000)
    keep_all = run(first[0], first[1], 1.0, first[3])
    touched = global_rng_state() != before
    return {"cases": cases, "large": large, "again": again, "other_seed": other_seed,
            "keep_all": keep_all, "global_rng_touched": touched}


def _same_masks(a, b):
    return all(np.array_equal(np.asarray(a[1][key], float), np.asarray(b[1][key], float))
               for key in ("D1", "D2"))


def judge_dropout_forward(student, reference):
    test = SUITE.tests["test_forward_propagation_with_dropout"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    everything = (student["cases"] + student["large"]
                  + [student["again"], student["other_seed"], student["keep_all"]])
    for case in everything:
        verdict = _raised(test, case["result"])
        if verdict:
            return verdict
        problem = structure_problem(case["result"], case["layers_dims"], case["m"])
        if problem:
            return _verdict(test, problem)
    if student["global_rng_touched"]:
        return test.fail("global_rng")
    first = student["cases"][0]["result"]
    if (not _same_masks(student["again"]["result"], first)
            or not np.allclose(student["again"]["result"][0], first[0], rtol=1e-9, atol=1e-12)
            or _same_masks(student["other_seed"]["result"], first)):
        return test.fail("rng_not_used")
    for case in student["large"]:
        problem = (mask_statistics_problem(case["result"][1], case["keep_prob"])
                   or expectation_problem(case["result"][1], case["keep_prob"]))
        if problem:
            return _verdict(test, problem)
    # Masks that keep every unit (keep_prob = 1) must give exactly the plain net.
    if not np.allclose(student["keep_all"]["result"][0], reference["keep_all"]["result"][0],
                       rtol=1e-6, atol=1e-9):
        return test.fail("forward_wrong")
    for case in student["cases"] + student["large"]:
        problem = layers_problem(case["X"], case["parameters"], case["keep_prob"],
                                 case["result"])
        if problem:
            return _verdict(test, problem)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_forward_propagation_with_dropout",
    solution_id="forward_propagation_with_dropout",
    functions=("forward_propagation_with_dropout",),
    probe=probe_dropout_forward, judge=judge_dropout_forward,
    mistakes=(
        Mistake("type", "The function should return (A3, cache) with a dict cache.",
                "the return value: A3 and the cache dict"),
        Mistake("output_shape", "A3 has the wrong shape.", "A3 has shape (1, m)"),
        Mistake("cache_keys", "The cache lacks some entries, or they have the wrong shape.",
                "the cache holds Z1, D1, A1, W1, Z2, D2, A2, W2, Z3, A3, W3"),
        Mistake("mask_shape", "The masks do not have one independent draw per unit and per "
                "example.", "D^[l] has the shape of A^[l], (n_l, m): rng.random(A1.shape)",
                edit(("rng.random(A1.shape)", "rng.random((A1.shape[0], 1))"),
                     ("rng.random(A2.shape)", "rng.random((A2.shape[0], 1))"))),
        Mistake("mask_not_binary", "The cache's masks hold other values than 0 and 1 (True and "
                "False).", "D^[l] = (U < keep_prob), a mask; store it, not the random numbers",
                edit(("(A1.shape) < keep_prob", "(A1.shape)"),
                     ("A1 * D1 /", "A1 * (D1 < keep_prob) /"))),
        Mistake("mask_reversed", "Your masks keep about 1 - keep_prob of the units: the "
                "comparison is reversed.", "keep a unit where rng.random(shape) < keep_prob",
                edit(("< keep_prob", "> keep_prob"))),
        Mistake("mask_distribution", "Your masks do not keep each unit with probability "
                "keep_prob.", "draw uniform numbers on [0, 1) with rng.random(shape) and keep "
                "those below keep_prob",
                edit(("rng.random(", "rng.standard_normal("))),
        Mistake("layer_missed", "One hidden layer gets no dropout.",
                "dropout applies to both hidden layers, A1 and A2",
                edit(("rng.random(A2.shape) < keep_prob", "np.ones(A2.shape, dtype=bool)"),
                     ("D2 / keep_prob", "D2"))),
        Mistake("global_rng", "Your function draws from numpy's global random generator.",
                "randomness comes in through the argument: draw with rng.random(shape)",
                edit(("rng.random(A1.shape)", "np.random.rand(*A1.shape)"),
                     ("rng.random(A2.shape)", "np.random.rand(*A2.shape)"))),
        Mistake("rng_not_used", "Your masks do not come from the generator you were given: the "
                "same generator state gave different masks, or different ones the same masks.",
                "draw every mask from the rng argument, e.g. rng.random(A1.shape)",
                edit(("rng.random(", "np.random.default_rng().random("))),
        Mistake("no_division", "The kept activations are not divided by keep_prob.",
                "inverted dropout: A = A * D / keep_prob keeps the expected value of A",
                edit(("A1 * D1 / keep_prob", "A1 * D1"), ("A2 * D2 / keep_prob", "A2 * D2"))),
        Mistake("multiplied_by_keep_prob", "The kept activations are multiplied by keep_prob "
                "instead of divided by it.",
                "inverted dropout: A = A * D / keep_prob keeps the expected value of A",
                edit(("A1 * D1 / keep_prob", "A1 * D1 * keep_prob"),
                     ("A2 * D2 / keep_prob", "A2 * D2 * keep_prob"))),
        Mistake("mask_not_applied", "A hidden layer's activations do not use its mask.",
                "A = A * D / keep_prob, with the mask D you drew for that layer",
                edit(("A1 * D1 / keep_prob", "A1 / keep_prob"))),
        Mistake("dropout_on_input", "Dropout was applied to the input X.",
                "dropout is for the hidden layers only; X goes in untouched",
                edit(("linear_forward(X,", "linear_forward(X * (rng.random(X.shape) < keep_prob) "
                                           "/ keep_prob,"))),
        Mistake("dropout_on_output", "Dropout was applied to the output layer.",
                "dropout is for the hidden layers only; A3 = sigmoid(Z3)",
                edit(("sigmoid(Z3)", "sigmoid(Z3) * (rng.random(Z3.shape) < keep_prob) "
                                     "/ keep_prob"))),
        Mistake("cache_inconsistent", "The next layer does not use the activations stored in "
                "the cache.", "apply dropout to A1 before computing Z2 from it, and store that "
                "A1", edit(("linear_forward(A1,", "linear_forward(relu(Z1),"))),
        Mistake("forward_wrong", "With keep_prob = 1 (nothing dropped) the output differs from "
                "forward_propagation's.", "the forward pass of forward_propagation, with "
                "dropout added after each hidden ReLU",
                edit(("sigmoid(Z3)", "sigmoid(relu(Z3))"))),
        Mistake("hidden_wrong", "A hidden layer's activations are not relu(Z) * D / keep_prob.",
                "the four steps of inverted dropout"),
        Mistake("output_wrong", "A3 is not sigmoid(Z3).", "the output layer has no dropout"),
    ),
))


# ------------------------------------------------------------------ dropout: the backward pass

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


def probe_dropout_backward(namespace):
    missing = missing_functions(namespace, "backward_propagation_with_dropout")
    if missing:
        return missing
    function = namespace["backward_propagation_with_dropout"]
    before = fresh_global_rng_state()
    cases = []
    for layers_dims, m, keep_prob, seed in BACKWARD_CASES:
        parameters, X, Y = example_net(layers_dims, m, seed)
        D1, D2, dropped = _fixed_masks(layers_dims, m, keep_prob, seed + 100)

        def fresh_cache():
            return masked_forward(X.copy(), _copy(parameters), D1.copy(), D2.copy(),
                                  keep_prob)[1]

        def cost_of(theta):
            return compute_cost(masked_forward(X, theta, D1, D2, keep_prob)[0], Y)
        cases.append({
            "keep_prob": keep_prob, "dropped": dropped,
            "grads": attempt(function, X.copy(), Y.copy(), fresh_cache(), keep_prob),
            "again": attempt(function, X.copy(), Y.copy(), fresh_cache(), keep_prob),
            "numerical": numerical_gradients(cost_of, parameters)})
    return {"cases": cases, "global_rng_touched": global_rng_state() != before}


def judge_dropout_backward(student, reference):
    test = SUITE.tests["test_backward_propagation_with_dropout"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for case, expected in zip(student["cases"], reference["cases"]):
        for grads in (case["grads"], case["again"]):
            verdict = _raised(test, grads)
            if verdict:
                return verdict
            problem = grads_problem(grads, expected["numerical"], "")
            if problem:
                return _verdict(test, problem)
    if student["global_rng_touched"] or not all(
            _close_to(case["grads"], case["again"]) for case in student["cases"]):
        return test.fail("different_mask")
    for case, expected in zip(student["cases"], reference["cases"]):
        if _close_to(case["grads"], expected["numerical"]):
            continue
        dropped = {int(l): units for l, units in expected["dropped"].items()}
        problem = (dropped_unit_problem(case["grads"], dropped)
                   or scaling_problem(case["grads"], expected["numerical"],
                                      expected["keep_prob"]))
        return _verdict(test, problem) if problem else test.fail("wrong_gradient")
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_backward_propagation_with_dropout",
    solution_id="backward_propagation_with_dropout",
    functions=("backward_propagation_with_dropout",),
    probe=probe_dropout_backward, judge=judge_dropout_backward,
    mistakes=(
        Mistake("type", "The function should return the dict of gradients.",
                "the return value: grads with dW1, db1, ..., db3"),
        Mistake("grads_keys", "Some gradients are missing from the dict, or are not arrays.",
                "grads holds dW1, db1, dW2, db2, dW3, db3"),
        Mistake("grad_shape", "A gradient has the wrong shape.",
                "each gradient has the shape of its parameter"),
        Mistake("different_mask", "The backward pass draws new random masks instead of reusing "
                "the forward pass's.", "the masks D1 and D2 are in the cache; the backward "
                "pass draws nothing",
                edit(('cache["D2"]', '(np.random.rand(*cache["A2"].shape) < keep_prob)'),
                     ('cache["D1"]', '(np.random.rand(*cache["A1"].shape) < keep_prob)'))),
        Mistake("mask_not_applied", "Units that the forward pass dropped still get a gradient.",
                "multiply dA1 and dA2 by the forward pass's masks, cache['D1'] and cache['D2']",
                edit(('dA2 * cache["D2"] / keep_prob', 'dA2 / keep_prob'),
                     ('dA1 * cache["D1"] / keep_prob', 'dA1 / keep_prob'))),
        Mistake("no_division", "The gradients of the kept units are not divided by keep_prob.",
                "the forward pass divided the kept activations by keep_prob, so dA = dA * D / "
                "keep_prob", edit(('cache["D2"] / keep_prob', 'cache["D2"]'),
                                  ('cache["D1"] / keep_prob', 'cache["D1"]'))),
        Mistake("divided_twice", "The gradients are divided by keep_prob more than once per "
                "layer.", "dA = dA * D / keep_prob, once for each hidden layer",
                edit(('cache["D2"] / keep_prob', 'cache["D2"] / keep_prob ** 2'))),
        Mistake("wrong_gradient", "The gradients are not those of the net with the forward "
                "pass's masks.", "backward_propagation with dA = dA * D / keep_prob for the "
                "two hidden layers"),
    ),
))
