"""Visible checks for Assignment 2 (regularization), and the diagnostics they share with the
autograder's hidden tests.

The diagnostics test properties of what a learner's function returned: the L2 penalty and its
gradient term against the variants learners write, the dropout masks' shapes and keep
fraction, and each layer of a dropout forward pass against its own mask. The backward dropout
check uses one more property: on a single example, a net with fixed masks is the plain net
with each layer's outgoing weights scaled by D / keep_prob, whose gradients the given
helpers.network backward pass computes.
"""

import numpy as np

from helpers.checks import (as_number, call, close, copy_arrays, fail, global_rng_fingerprint,
                            passed, random_net)
from helpers.mistakes import Catalogue, Mistake
from helpers.network import (compute_cost, linear_forward, model_backward, model_forward,
                             relu, sigmoid)

GRAD_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
DROPOUT_CACHE_KEYS = ("Z1", "D1", "A1", "W1", "Z2", "D2", "A2", "W2", "Z3", "A3", "W3")

L2_PENALTY = "the L2 penalty (lambd / 2m) * sum of ||W||_F^2"
L2_TERM = "the derivative of (lambd / 2m) * W^2 is (lambd / m) * W"
INVERTED_DROPOUT = "inverted dropout: A = A * D / keep_prob keeps the expected value of A, " \
                   "and the backward pass applies dA = dA * D / keep_prob"

MISTAKES = Catalogue(
    "regularization: L2 and dropout",
    Mistake("type", "The function does not return what its docstring describes: did you forget "
            "the `return`?", "the return value: the cost is a number, grads a dict of "
            "gradients, the forward pass (A3, cache) with a dict cache"),
    # L2: the cost
    Mistake("lambda_over_m", "The penalty looks like lambd / m * sum ||W||^2, twice too large: "
            "the factor is lambd / (2 * m).", L2_PENALTY),
    Mistake("no_m", "The L2 term is not divided by m, the number of examples: divide by m too.",
            "the penalty (lambd / 2m) * sum of ||W||_F^2 and its gradient (lambd / m) * W"),
    Mistake("biases_penalized", "The biases are penalized too: only W1, W2, W3 go into the "
            "penalty.", "the L2 penalty uses the weights W1, W2, W3 only"),
    Mistake("sum_squared", "The penalty looks like (sum of W)^2: square each entry first, then "
            "sum, np.sum(np.square(W)).", "||W||_F^2 is the sum of the squared entries, "
            "np.sum(np.square(W))"),
    Mistake("not_squared", "The penalty uses the norms of the weight matrices without the "
            "square: sum the squares of the entries, with no square root.",
            "||W||_F^2 is the sum of the squared entries, with no square root"),
    Mistake("penalty_missing", "The cost equals the cross-entropy alone: the L2 penalty is "
            "missing.", "the regularized cost: cross-entropy plus (lambd / 2m) * sum of "
            "||W||_F^2"),
    Mistake("wrong_value", "The cost is not the cross-entropy plus (lambd / 2m) times the sum of "
            "the squared Frobenius norms of W1, W2, W3.",
            "the regularized cost and the given compute_cost(A3, Y)"),
    # L2: the gradient
    Mistake("grads_keys", "Some gradients are missing from the dict, or are not arrays.",
            "grads holds dW1, db1, dW2, db2, dW3, db3"),
    Mistake("grad_shape", "A gradient has the wrong shape.",
            "each gradient has the shape of its parameter"),
    Mistake("term_missing", "The dW's are the cross-entropy gradients alone: the regularization "
            "term is missing.", "the gradient of the penalty: dW gets + (lambd / m) * W"),
    Mistake("half_term", "The dW's get (lambd / 2m) * W instead of (lambd / m) * W: the 2 of "
            "the square cancels the 1/2 of the penalty.", L2_TERM),
    Mistake("double_term", "The dW's get (2 lambd / m) * W instead of (lambd / m) * W.",
            L2_TERM),
    Mistake("wrong_sign", "The regularization term has the wrong sign: it is added, not "
            "subtracted.", "dW = dW_cross-entropy + (lambd / m) * W"),
    Mistake("bias_term", "The db's changed: the penalty has no biases, so only the dW's get a "
            "regularization term.", "the penalty has no biases, so db stays the cross-entropy's"),
    Mistake("layer_not_regularized", "A layer was left out: every layer's dW gets "
            "(lambd / m) * W.", "every dW^[l], l = 1, 2, 3, gets + (lambd / m) * W^[l]"),
    Mistake("wrong_gradient", "The gradients differ from the numerical gradients of the cost in "
            "a way that matches no common mistake.", "backpropagation: with L2, dW = "
            "dW_cross-entropy + (lambd / m) * W and db unchanged; with dropout, "
            "dA = dA * D / keep_prob on each hidden layer"),
    Mistake("different_mask", "The backward pass draws new random numbers: it must reuse the "
            "forward pass's masks and draw nothing.", "the masks D1 and D2 are in the cache; "
            "the backward pass draws nothing"),
    # dropout: the forward pass
    Mistake("output_shape", "A3 has the wrong shape.", "A3 has shape (1, m)"),
    Mistake("cache_keys", "The cache lacks some entries, or they have the wrong shape.",
            "the cache holds Z1, D1, A1, W1, Z2, D2, A2, W2, Z3, A3, W3"),
    Mistake("mask_shape", "The masks do not have one draw for every unit and every example.",
            "D^[l] has the shape of A^[l], (n_l, m): rng.random(A1.shape)"),
    Mistake("mask_not_binary", "The masks should hold True/1 for a kept unit and False/0 for a "
            "dropped one.", "D^[l] = (U < keep_prob), a mask; store it, not the random numbers"),
    Mistake("mask_reversed", "The masks keep about 1 - keep_prob of the units: the comparison "
            "is reversed.", "keep a unit where rng.random(shape) < keep_prob"),
    Mistake("mask_distribution", "The masks do not keep each unit with probability keep_prob. "
            "Draw uniform numbers on [0, 1), rng.random(shape), and keep those below keep_prob.",
            "dropout masks: uniform numbers compared with keep_prob"),
    Mistake("layer_missed", "A hidden layer gets no dropout: both hidden layers, A1 and A2, "
            "need it.", "dropout applies to both hidden layers, A1 and A2"),
    Mistake("global_rng", "The masks come from numpy's global generator (np.random.rand, "
            "np.random.seed, ...) instead of the rng argument.", "randomness comes in through the argument: draw with "
            "rng.random(shape)"),
    Mistake("rng_not_used", "The masks do not come only from the generator you were given: "
            "the same generator state must give the same masks, another one other masks.", "draw every mask from the rng argument, e.g. rng.random(A1.shape)"),
    Mistake("no_division", "The kept units are not divided by keep_prob: divide by keep_prob "
            "too, as in A = A * D / keep_prob and dA = dA * D / keep_prob.", INVERTED_DROPOUT),
    Mistake("multiplied_by_keep_prob", "The kept activations are multiplied by keep_prob: "
            "inverted dropout divides by keep_prob.", INVERTED_DROPOUT),
    Mistake("mask_not_applied", "A layer does not use the mask: multiply by the forward pass's "
            "D, so that a dropped unit neither passes anything on nor gets a gradient.",
            "A = A * D / keep_prob and dA = dA * D / keep_prob, with the mask D drawn for that "
            "layer"),
    Mistake("dropout_on_input", "It looks like you apply dropout to the input X: it is for the "
            "hidden layers only.", "dropout is for the hidden layers only; X goes in untouched"),
    Mistake("dropout_on_output", "Dropout was applied to the output: no dropout on the output "
            "layer.", "dropout is for the hidden layers only; A3 = sigmoid(Z3)"),
    Mistake("cache_inconsistent", "The next layer does not use the activations stored in the "
            "cache.",
            "apply dropout to A1 before computing Z2 from it, and store that A1"),
    Mistake("forward_wrong", "With nothing dropped (keep_prob = 1) the output differs from "
            "forward_propagation's: start from its lines.", "the forward pass of forward_propagation, with dropout "
            "added after each hidden ReLU"),
    Mistake("hidden_wrong", "A hidden layer's activations are not relu(Z) * D / keep_prob.",
            "the four steps of inverted dropout"),
    Mistake("output_wrong", "A3 is not sigmoid(Z3), returned and stored in the cache.",
            "the output layer has no dropout"),
    # dropout: the backward pass
    Mistake("divided_twice", "The gradients are divided by keep_prob more than once per layer: "
            "divide dA by keep_prob once per layer, as in the forward pass.",
            "dA = dA * D / keep_prob, once for each hidden layer"),
)


def example_net(layers_dims, m, seed):
    """random_net with integer labels, as the regularization notebook's data has."""
    return random_net(layers_dims, m, seed, label_dtype=np.int64)


def same_gradients(grads, expected):
    """True when ``grads`` holds arrays close to every one of ``expected`` (GRAD_KEYS)."""
    return all(isinstance(grads.get(key), np.ndarray) and close(grads[key], expected[key])
               for key in GRAD_KEYS)


# ------------------------------------------------------------------ L2: the cost

def penalty_problem(cost, cross_entropy, parameters, lambd, m,
                    function_name="compute_cost_with_regularization"):
    """A Problem with the regularized ``cost`` a learner computed (``cross_entropy`` is
    compute_cost's value on the same A3, Y), or None when it is right. A wrong penalty (cost
    minus cross-entropy) is named from the variants learners write."""
    value = as_number(cost)
    if value is None:
        return MISTAKES.problem("type", f"{function_name} returned a {type(cost).__name__}; "
                                "expected a number (the cost).")
    penalty = value - cross_entropy
    W = [np.asarray(parameters[f"W{l}"], dtype=float) for l in (1, 2, 3)]
    b = [np.asarray(parameters[f"b{l}"], dtype=float) for l in (1, 2, 3)]
    squares = sum(np.sum(np.square(w)) for w in W)
    seen = f"{function_name}: with lambd = {lambd} and m = {m}, your penalty (cost minus " \
           f"cross-entropy) is {penalty:.6g}."
    for variant, problem in (
            (lambd / (2 * m) * squares, None),
            (lambd / m * squares, MISTAKES.problem("lambda_over_m", seen)),
            (lambd / 2 * squares, MISTAKES.problem("no_m", seen)),
            (lambd / (2 * m) * (squares + sum(np.sum(np.square(v)) for v in b)),
             MISTAKES.problem("biases_penalized", seen)),
            (lambd / (2 * m) * sum(np.sum(w) ** 2 for w in W),
             MISTAKES.problem("sum_squared", seen)),
            (lambd / (2 * m) * sum(np.sum(w) for w in W) ** 2,
             MISTAKES.problem("sum_squared", seen)),
            (lambd / (2 * m) * sum(np.sqrt(np.sum(np.square(w))) for w in W),
             MISTAKES.problem("not_squared", seen)),
            (0.0, MISTAKES.problem("penalty_missing", seen))):
        if np.isclose(penalty, variant, rtol=1e-6, atol=1e-10):
            return problem
    return MISTAKES.problem("wrong_value", f"{function_name}: with lambd = {lambd} and m = {m}, "
                            f"your cost is {value:.6g}; the cross-entropy, compute_cost(A3, Y), "
                            f"is {cross_entropy:.6g}.")


# ------------------------------------------------------------------ L2: the gradient

def grads_problem(grads, plain, function_name):
    """A Problem with the keys, types or shapes of ``grads`` (shapes as in ``plain``)."""
    if not isinstance(grads, dict):
        return MISTAKES.problem("type", f"{function_name} returned a {type(grads).__name__}; "
                                "expected a dict of gradients.")
    missing = [key for key in GRAD_KEYS if key not in grads]
    if missing:
        return MISTAKES.problem("grads_keys", f"{function_name}: the gradients {missing} are "
                                f"missing; expected {list(GRAD_KEYS)}.")
    for key in GRAD_KEYS:
        value = grads[key]
        if not isinstance(value, np.ndarray):
            return MISTAKES.problem("grads_keys", f"{function_name}: {key} is a "
                                    f"{type(value).__name__}; expected a numpy array.")
        if value.shape != np.shape(plain[key]):
            return MISTAKES.problem("grad_shape", f"{function_name}: {key} has shape "
                                    f"{value.shape}; expected {np.shape(plain[key])}, the shape "
                                    f"of {key[1:]}.")
    return None


def _term_problem(term, unit, l, m, function_name):
    """What dW^[l] - dW^[l]_cross-entropy = ``term`` says, against ``unit`` = (lambd / m) * W:
    None when it is ``unit``, a Problem naming the variant, or the string "unknown"."""
    seen = f"{function_name}: dW{l} gets"
    for factor, problem in (
            (1.0, None),
            (0.0, MISTAKES.problem("term_missing", f"{seen} no regularization term.")),
            (0.5, MISTAKES.problem("half_term", f"{seen} (lambd / (2 * m)) * W{l}.")),
            (-1.0, MISTAKES.problem("wrong_sign", f"{seen} -(lambd / m) * W{l}.")),
            (2.0, MISTAKES.problem("double_term", f"{seen} (2 * lambd / m) * W{l}.")),
            (float(m), MISTAKES.problem("no_m", f"{seen} lambd * W{l}."))):
        if close(term, factor * unit):
            return problem
    return "unknown"


def l2_gradient_problem(grads, plain, weights, lambd, m,
                        function_name="backward_propagation_with_regularization"):
    """A Problem with the regularized gradients ``grads``, or None when they are right.

    plain: the gradients of the cross-entropy alone (backward_propagation's) for the same
    cache; weights: "W1", "W2", "W3"; m: the number of examples.
    """
    problem = grads_problem(grads, plain, function_name)
    if problem:
        return problem
    for l in (1, 2, 3):
        if not close(grads[f"db{l}"], plain[f"db{l}"]):
            return MISTAKES.problem("bias_term", f"{function_name}: db{l} differs from the "
                                    "cross-entropy's.")
    found = {l: _term_problem(grads[f"dW{l}"] - plain[f"dW{l}"],
                              lambd / m * np.asarray(weights[f"W{l}"], dtype=float), l, m,
                              function_name) for l in (1, 2, 3)}
    wrong = {l: problem for l, problem in found.items() if problem is not None}
    if not wrong:
        return None
    if len(wrong) < 3 and all(getattr(problem, "mistake", "") == "term_missing"
                              for problem in wrong.values()):
        layers = ", ".join(f"dW{l}" for l in wrong)
        return MISTAKES.problem("layer_not_regularized", f"{function_name}: {layers} got no "
                                "regularization term.")
    l, problem = next(iter(wrong.items()))
    if problem == "unknown":
        return MISTAKES.problem("wrong_gradient", f"{function_name}: dW{l} is not the "
                                f"cross-entropy gradient plus (lambd / m) * W{l} (lambd = "
                                f"{lambd}, m = {m}).")
    return problem


# ------------------------------------------------------------------ dropout: the forward pass

def structure_problem(result, layers_dims, m, function_name="forward_propagation_with_dropout"):
    """A Problem with the form of one call's result (A3, cache), or None."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return MISTAKES.problem("type", f"{function_name} should return (A3, cache); it "
                                f"returned a {type(result).__name__}.")
    A3, cache = result
    if not isinstance(A3, np.ndarray) or A3.shape != (1, m):
        return MISTAKES.problem("output_shape", f"{function_name}: A3 should be an array of "
                                f"shape (1, {m}); got "
                                f"{getattr(A3, 'shape', type(A3).__name__)}.")
    if not isinstance(cache, dict):
        return MISTAKES.problem("type", f"{function_name}: the cache should be a dict; got a "
                                f"{type(cache).__name__}.")
    missing = [key for key in DROPOUT_CACHE_KEYS if key not in cache]
    if missing:
        return MISTAKES.problem("cache_keys", f"{function_name}: the cache lacks {missing}; it "
                                f"should hold {list(DROPOUT_CACHE_KEYS)}.")
    for l in (1, 2):
        shape = (layers_dims[l], m)
        for key in (f"Z{l}", f"A{l}"):
            if np.shape(cache[key]) != shape:
                return MISTAKES.problem("cache_keys", f"{function_name}: cache[{key!r}] has "
                                        f"shape {np.shape(cache[key])}; expected {shape}.")
        D = cache[f"D{l}"]
        if not isinstance(D, np.ndarray) or D.shape != shape:
            return MISTAKES.problem("mask_shape", f"{function_name}: D{l} has shape "
                                    f"{getattr(D, 'shape', type(D).__name__)}; expected "
                                    f"{shape}, the shape of A{l}: rng.random(A{l}.shape).")
        if D.dtype.kind not in "biuf" or not np.isin(D, (0, 1)).all():
            return MISTAKES.problem("mask_not_binary", f"{function_name}: D{l} is not a mask "
                                    "of 0s and 1s; it holds other values.")
    return None


def mask_statistics_problem(cache, keep_prob, function_name="forward_propagation_with_dropout",
                            tolerance=0.02):
    """A Problem with the masks of a large call (many units and examples): the fraction kept
    must be about keep_prob, and masks must differ across units and across examples."""
    for l in (1, 2):
        D = np.asarray(cache[f"D{l}"], dtype=float)
        fraction = float(D.mean())
        if abs(fraction - keep_prob) <= tolerance:
            if np.all(D == D[:, :1]) or np.all(D == D[:1, :]):
                return MISTAKES.problem("mask_shape", f"{function_name}: D{l} repeats the same "
                                        "mask for every example (or every unit).")
            continue
        seen = f"{function_name}: with keep_prob = {keep_prob}, D{l} keeps {fraction:.1%} of " \
               "the units."
        if fraction == 1.0:
            return MISTAKES.problem("layer_missed", seen)
        if abs(fraction - (1 - keep_prob)) <= tolerance:
            return MISTAKES.problem("mask_reversed", seen)
        return MISTAKES.problem("mask_distribution", seen)
    return None


def expectation_problem(cache, keep_prob, function_name="forward_propagation_with_dropout",
                        tolerance=0.05):
    """A Problem when the mean of a large layer's activations after dropout is not about the
    mean of relu(Z) (inverted dropout preserves the expected value) in a way that names a
    scaling mistake; None otherwise (layers_problem then looks at every entry)."""
    for l in (1, 2):
        before = float(np.mean(relu(np.asarray(cache[f"Z{l}"], dtype=float))))
        after = float(np.mean(np.asarray(cache[f"A{l}"], dtype=float)))
        ratio = after / before if before else 1.0
        seen = f"{function_name}: after dropout, A{l} is on average {ratio:.2f} times " \
               f"relu(Z{l}), about keep_prob"
        if abs(ratio - 1) <= tolerance:
            continue
        if abs(ratio - keep_prob) <= tolerance:
            return MISTAKES.problem("no_division", f"{seen} = {keep_prob}.")
        if abs(ratio - keep_prob ** 2) <= tolerance:
            return MISTAKES.problem("multiplied_by_keep_prob", f"{seen}^2.")
    return None


def _layer_input_problem(cache, l, A_prev, parameters, function_name):
    Z, _ = linear_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"])
    if close(cache[f"Z{l}"], Z):
        return None
    if l == 1:
        return MISTAKES.problem("dropout_on_input", f"{function_name}: Z1 is not W1 X + b1 "
                                "with the X you were given.")
    return MISTAKES.problem("cache_inconsistent", f"{function_name}: Z{l} is not W{l} A{l - 1} "
                            f"+ b{l} with the A{l - 1} in your cache: store A{l - 1} after "
                            "dropout.")


def _hidden_layer_problem(A, activation, D, keep_prob, l, function_name):
    """A Problem when the hidden activations ``A`` are not ``activation`` * D / keep_prob."""
    if close(A, activation * D / keep_prob):
        return None
    seen = f"{function_name} (keep_prob = {keep_prob}): A{l}"
    if close(A, activation * D):
        return MISTAKES.problem("no_division", f"{seen} is relu(Z{l}) * D{l}.")
    if close(A, activation * D * keep_prob):
        return MISTAKES.problem("multiplied_by_keep_prob", f"{seen} is relu(Z{l}) * D{l} * "
                                "keep_prob.")
    if close(A, activation / keep_prob) or close(A, activation):
        return MISTAKES.problem("mask_not_applied", f"{seen} does not use the mask D{l}.")
    return MISTAKES.problem("hidden_wrong", f"{seen} is not relu(Z{l}) * D{l} / keep_prob.")


def layers_problem(X, parameters, keep_prob, result,
                   function_name="forward_propagation_with_dropout"):
    """A Problem with the layers of one call's result (whose structure is right): each hidden
    layer must be relu(Z) * D / keep_prob with its own mask D, the output sigmoid(Z3)."""
    A3, cache = result
    A_prev = X
    for l in (1, 2):
        A = np.asarray(cache[f"A{l}"], dtype=float)
        problem = _layer_input_problem(cache, l, A_prev, parameters, function_name) or \
            _hidden_layer_problem(A, relu(np.asarray(cache[f"Z{l}"], dtype=float)),
                                  np.asarray(cache[f"D{l}"], dtype=float), keep_prob, l,
                                  function_name)
        if problem:
            return problem
        A_prev = A
    problem = _layer_input_problem(cache, 3, A_prev, parameters, function_name)
    if problem:
        return problem
    output = sigmoid(np.asarray(cache["Z3"], dtype=float))
    if not close(A3, output) or not close(cache["A3"], output):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.asarray(A3, dtype=float) / output
        if np.all(np.isclose(ratio, 0.0) | np.isclose(ratio, 1 / keep_prob)):
            return MISTAKES.problem("dropout_on_output", f"{function_name}: A3 is not "
                                    "sigmoid(Z3): some outputs were dropped or scaled.")
        return MISTAKES.problem("output_wrong", f"{function_name}: A3 differs from sigmoid(Z3) "
                                "(returned or in the cache).")
    return None


# ------------------------------------------------------------------ dropout: the backward pass

def single_example_gradients(parameters, x, y, D1, D2, keep_prob):
    """The gradients of the dropout net on ONE example x (n_x, 1) with fixed masks D1 (n_1, 1)
    and D2 (n_2, 1), from the plain net's backward pass: with one example, dropping and
    scaling layer l's units is the same as scaling the columns of W^[l+1] by D^[l] / keep_prob.
    """
    scale1, scale2 = np.asarray(D1, float).T / keep_prob, np.asarray(D2, float).T / keep_prob
    equivalent = dict(parameters, W2=parameters["W2"] * scale1, W3=parameters["W3"] * scale2)
    AL, caches = model_forward(x, equivalent)
    grads = model_backward(AL, y, caches)
    # The dropout net's dW^[l+1] multiplies the dropped-and-scaled activations of layer l.
    grads["dW2"] = grads["dW2"] * scale1
    grads["dW3"] = grads["dW3"] * scale2
    return grads


def dropped_unit_problem(grads, dropped, function_name="backward_propagation_with_dropout"):
    """A Problem when a unit dropped for every example still gets a gradient. ``dropped`` maps
    a hidden layer l to the indices of units whose mask is 0 for every example."""
    for l, units in dropped.items():
        units = list(units)
        if units and (np.any(grads[f"db{l}"][units] != 0) or np.any(grads[f"dW{l}"][units] != 0)):
            return MISTAKES.problem("mask_not_applied", f"{function_name}: a unit of layer {l} "
                                    "that the forward pass dropped still gets a gradient "
                                    f"(dW{l}, db{l}).")
    return None


def scaling_problem(grads, expected, keep_prob, function_name="backward_propagation_with_dropout"):
    """A Problem naming a keep_prob scaling mistake when ``grads`` equal ``expected`` with layer
    2 scaled by keep_prob^a and layer 1 by keep_prob^(a + b), where a (b) is the error at dA2
    (dA1): 1 for a missing division, -1 for a second one. None when no such pattern fits."""
    for a in (1, 0, -1):
        for b in (1, 0, -1):
            factors = {"1": keep_prob ** (a + b), "2": keep_prob ** a, "3": 1.0}
            if (a, b) == (0, 0) or not all(close(grads[key], expected[key] * factors[key[-1]])
                                           for key in GRAD_KEYS):
                continue
            seen = f"{function_name} (keep_prob = {keep_prob}): the gradients are too"
            if min(a, b) < 0:
                return MISTAKES.problem("divided_twice", f"{seen} large by powers of "
                                        "1 / keep_prob.")
            return MISTAKES.problem("no_division", f"{seen} small by powers of keep_prob.")
    return None


# ------------------------------------------------------------------ the visible checks

def _fail_on(problem):
    __tracebackhide__ = True
    if problem:
        fail(problem.message)


def check_compute_cost_with_regularization(function):
    """Visible check: cross-entropy plus (lambd / 2m) * sum ||W||_F^2, biases excluded."""
    __tracebackhide__ = True
    name = function.__name__
    for layers_dims, m, lambd, seed in (([2, 4, 3, 1], 5, 0.7, 0), ([3, 5, 2, 1], 8, 0.1, 1)):
        parameters, X, Y = example_net(layers_dims, m, seed)
        A3, _ = model_forward(X, parameters)
        cost = call(function, A3, Y, parameters, lambd)
        _fail_on(penalty_problem(cost, compute_cost(A3, Y), parameters, lambd, m, name))
    passed(name)


def check_backward_propagation_with_regularization(function, forward_propagation):
    """Visible check: the cross-entropy gradients plus (lambd / m) * W on every dW, db unchanged.
    ``forward_propagation`` is the notebook's (it makes the cache)."""
    __tracebackhide__ = True
    name = function.__name__
    for layers_dims, m, lambd, seed in (([2, 4, 3, 1], 5, 0.7, 0), ([3, 5, 2, 1], 8, 0.3, 1)):
        parameters, X, Y = example_net(layers_dims, m, seed)
        _, cache = forward_propagation(X, parameters)
        AL, caches = model_forward(X, parameters)
        plain = model_backward(AL, Y, caches)
        grads = call(function, X, Y, cache, lambd)
        _fail_on(l2_gradient_problem(grads, plain, parameters, lambd, m, name))
    passed(name)


def check_forward_propagation_with_dropout(function):
    """Visible check: masks of the right shape and keep fraction, drawn from the generator;
    each hidden layer relu(Z) * D / keep_prob; no dropout on the input or the output."""
    __tracebackhide__ = True
    name = function.__name__
    before = global_rng_fingerprint()
    cases = []
    for layers_dims, m, keep_prob, seed in (([3, 100, 50, 1], 200, 0.7, 0),
                                            ([2, 20, 3, 1], 7, 0.86, 1),
                                            ([3, 6, 5, 1], 4, 0.5, 2)):
        parameters, X, _ = example_net(layers_dims, m, seed)
        result = call(function, X.copy(), copy_arrays(parameters), keep_prob,
                      np.random.default_rng(seed))
        _fail_on(structure_problem(result, layers_dims, m, name))
        cases.append((X, parameters, keep_prob, result))
    if global_rng_fingerprint() != before:
        fail(MISTAKES.problem("global_rng", f"{name} changed numpy's global random state.")
             .message)
    _fail_on(mask_statistics_problem(cases[0][3][1], cases[0][2], name))
    parameters, X, _ = example_net([2, 4, 3, 1], 5, 0)
    AL, _ = model_forward(X, parameters)
    result = call(function, X.copy(), copy_arrays(parameters), 1.0, np.random.default_rng(0))
    _fail_on(structure_problem(result, [2, 4, 3, 1], 5, name))
    if not close(result[0], AL):
        fail(MISTAKES.problem("forward_wrong", f"{name}: A3 is wrong with keep_prob = 1 "
                              "(nothing dropped).").message)
    for X, parameters, keep_prob, result in cases:
        _fail_on(layers_problem(X, parameters, keep_prob, result, name))
    again = call(function, cases[1][0].copy(), copy_arrays(cases[1][1]), 0.86,
                 np.random.default_rng(1))
    if not close(again[0], cases[1][3][0]):
        fail(MISTAKES.problem("rng_not_used", f"{name} gave different results for two "
                              "generators made from the same seed.").message)
    passed(name)


def check_backward_propagation_with_dropout(function, forward_with_dropout):
    """Visible check, using your (checked) forward_propagation_with_dropout for the caches: no
    dropout means backward_propagation's gradients; with dropout, the forward pass's masks and
    scaling, example by example; no new randomness."""
    __tracebackhide__ = True
    name = function.__name__
    layers_dims = [3, 8, 6, 1]
    parameters, X, Y = example_net(layers_dims, 5, 0)
    AL, caches = model_forward(X, parameters)
    plain = model_backward(AL, Y, caches)
    _, cache = call(forward_with_dropout, X, parameters, 1.0, np.random.default_rng(0))
    grads = call(function, X, Y, cache, 1.0)
    _fail_on(grads_problem(grads, plain, name))
    if not same_gradients(grads, plain):
        fail(MISTAKES.problem("wrong_gradient", f"{name}: with keep_prob = 1 (nothing dropped) "
                              "the gradients differ from backward_propagation's; start from "
                              "backward_propagation's lines.").message)
    keep_prob = 0.6
    before = global_rng_fingerprint()
    for seed in range(4):
        x, y = X[:, seed:seed + 1], Y[:, seed:seed + 1]
        _, cache = call(forward_with_dropout, x, parameters, keep_prob,
                        np.random.default_rng(seed))
        grads = call(function, x, y, cache, keep_prob)
        again = call(function, x, y, cache, keep_prob)
        _fail_on(grads_problem(grads, plain, name) or grads_problem(again, plain, name))
        if global_rng_fingerprint() != before or not same_gradients(grads, again):
            fail(MISTAKES.problem("different_mask", f"{name} gave different gradients for the "
                                  "same cache, or used numpy's global random state.").message)
        D1, D2 = np.asarray(cache["D1"], float), np.asarray(cache["D2"], float)
        expected = single_example_gradients(parameters, x, y, D1, D2, keep_prob)
        if same_gradients(grads, expected):
            continue
        _fail_on(dropped_unit_problem(grads, {1: np.flatnonzero(D1 == 0),
                                              2: np.flatnonzero(D2 == 0)}, name)
                 or scaling_problem(grads, expected, keep_prob, name))
        wrong = [key for key in GRAD_KEYS if not close(grads[key], expected[key])]
        fail(MISTAKES.problem("wrong_gradient", f"{name} (keep_prob = {keep_prob}): "
                              f"{', '.join(wrong)} differ from the gradients of the net with "
                              "the forward pass's masks.").message)
    passed(name)
