"""Visible checks for Assignment 2 (regularization), and the diagnostics they share with the
autograder's hidden tests.

The diagnostics test properties of what a learner's function returned: the L2 penalty and its
gradient term against the variants learners write, the dropout masks' shapes and keep
fraction, and each layer of a dropout forward pass against its own mask. The backward dropout
check uses one more property: on a single example, a net with fixed masks is the plain net
with each layer's outgoing weights scaled by D / keep_prob, whose gradients the given
helpers.network backward pass computes.
"""

from typing import NamedTuple

import numpy as np

from helpers.checks import call, fail, global_rng_fingerprint, passed, random_net
from helpers.network import (compute_cost, linear_forward, model_backward, model_forward,
                             relu, sigmoid)

GRAD_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
DROPOUT_CACHE_KEYS = ("Z1", "D1", "A1", "W1", "Z2", "D2", "A2", "W2", "Z3", "A3", "W3")


class Problem(NamedTuple):
    """A diagnosed mistake: a short id the autograder's catalogue knows, and a learner message."""

    mistake: str
    message: str


def example_net(layers_dims, m, seed):
    """random_net with integer labels, as the regularization notebook's data has."""
    return random_net(layers_dims, m, seed, label_dtype=np.int64)


def as_number(value):
    """``value`` as a float when it is a number or a one-element array, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(-1)[0])
    return None


def _fresh(parameters):
    """A copy of ``parameters`` for one call (a learner's function may change its inputs)."""
    return {key: np.array(value, dtype=float) for key, value in parameters.items()}


def _close(a, b, rtol=1e-6, atol=1e-9):
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# ------------------------------------------------------------------ L2: the cost

PENALTY_HINTS = {
    "lambda_over_m": "looks like lambd / m * sum ||W||^2: the factor is lambd / (2 * m)",
    "no_m": "looks like lambd / 2 * sum ||W||^2: divide by m too, lambd / (2 * m)",
    "biases_penalized": "the biases are penalized too: only W1, W2, W3 go into the penalty",
    "sum_squared": "looks like (sum of W)^2: square each entry first, then sum, "
                   "np.sum(np.square(W))",
    "not_squared": "looks like ||W|| without the square: sum the squares of the entries, "
                   "np.sum(np.square(W)), without a square root",
    "penalty_missing": "it equals the cross-entropy alone: the L2 penalty is missing",
}


def penalty_variants(parameters, lambd, m):
    """The L2 penalty as learners compute it, by the idea behind it: name -> value."""
    W = [np.asarray(parameters[f"W{l}"], dtype=float) for l in (1, 2, 3)]
    b = [np.asarray(parameters[f"b{l}"], dtype=float) for l in (1, 2, 3)]
    squares = sum(np.sum(np.square(w)) for w in W)
    return {
        "right": lambd / (2 * m) * squares,
        "lambda_over_m": lambd / m * squares,
        "no_m": lambd / 2 * squares,
        "biases_penalized": lambd / (2 * m) * (squares + sum(np.sum(np.square(v)) for v in b)),
        "sum_squared": lambd / (2 * m) * sum(np.sum(w) ** 2 for w in W),
        "sum_squared_total": lambd / (2 * m) * sum(np.sum(w) for w in W) ** 2,
        "not_squared": lambd / (2 * m) * sum(np.sqrt(np.sum(np.square(w))) for w in W),
        "penalty_missing": 0.0,
    }


def penalty_problem(cost, cross_entropy, parameters, lambd, m,
                    function_name="compute_cost_with_regularization"):
    """A Problem with the regularized ``cost`` a learner computed (``cross_entropy`` is
    compute_cost's value on the same A3, Y), or None when it is right."""
    value = as_number(cost)
    if value is None:
        return Problem("type", f"{function_name} returned a {type(cost).__name__}; expected a "
                               "number (the cost). Did you forget the `return`?")
    penalty = value - cross_entropy
    for name, expected in penalty_variants(parameters, lambd, m).items():
        if np.isclose(penalty, expected, rtol=1e-6, atol=1e-10):
            if name == "right":
                return None
            name = "sum_squared" if name == "sum_squared_total" else name
            return Problem(name, f"{function_name}: with lambd = {lambd} and m = {m}, your "
                                 f"penalty (cost minus cross-entropy) is {penalty:.6g}; "
                                 f"{PENALTY_HINTS[name]}.")
    return Problem("wrong_value", f"{function_name}: with lambd = {lambd} and m = {m}, your "
                   f"cost is {value:.6g} but should be the cross-entropy, compute_cost(A3, Y) = "
                   f"{cross_entropy:.6g}, plus (lambd / (2 * m)) * (||W1||^2 + ||W2||^2 + "
                   "||W3||^2).")


# ------------------------------------------------------------------ L2: the gradient

# dW^[l] - dW^[l]_cross-entropy = factor * (lambd / m) * W^[l], by the idea behind the factor.
TERM_FACTORS = {"right": 1.0, "term_missing": 0.0, "half_term": 0.5, "wrong_sign": -1.0,
                "double_term": 2.0}

TERM_HINTS = {
    "term_missing": "dW{l} has no regularization term: add (lambd / m) * W{l}",
    "half_term": "dW{l} gets (lambd / (2 * m)) * W{l}: the derivative of (lambd / 2m) W^2 is "
                 "(lambd / m) * W",
    "wrong_sign": "dW{l} gets -(lambd / m) * W{l}: the term is added, not subtracted",
    "double_term": "dW{l} gets (2 * lambd / m) * W{l}: the 2 of W^2 cancels the 1/2 of the "
                   "penalty, leaving (lambd / m) * W",
    "no_m": "dW{l} gets lambd * W{l}: divide by m, (lambd / m) * W{l}",
}


def grads_problem(grads, plain, function_name):
    """A Problem with the keys, types or shapes of ``grads`` (shapes as in ``plain``)."""
    if not isinstance(grads, dict):
        return Problem("type", f"{function_name} returned a {type(grads).__name__}; expected a "
                               "dict of gradients. Did you forget the `return`?")
    missing = [key for key in GRAD_KEYS if key not in grads]
    if missing:
        return Problem("grads_keys", f"{function_name}: the gradients {missing} are missing; "
                                     f"expected {list(GRAD_KEYS)}.")
    for key in GRAD_KEYS:
        value = grads[key]
        if not isinstance(value, np.ndarray):
            return Problem("grads_keys", f"{function_name}: {key} is a {type(value).__name__}; "
                                         "expected a numpy array.")
        if value.shape != np.shape(plain[key]):
            return Problem("grad_shape", f"{function_name}: {key} has shape {value.shape}; "
                                         f"expected {np.shape(plain[key])}, the shape of "
                                         f"{key[1:]}.")
    return None


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
        if not _close(grads[f"db{l}"], plain[f"db{l}"]):
            return Problem("bias_term", f"{function_name}: db{l} differs from the "
                           "cross-entropy's; only the dW's get a regularization term, the "
                           "penalty has no biases.")
    found = {}
    for l in (1, 2, 3):
        term = grads[f"dW{l}"] - plain[f"dW{l}"]
        unit = lambd / m * np.asarray(weights[f"W{l}"], dtype=float)
        factors = dict(TERM_FACTORS, no_m=float(m))
        found[l] = next((name for name, factor in factors.items()
                         if _close(term, factor * unit)), "unknown")
    if all(name == "right" for name in found.values()):
        return None
    wrong = {l: name for l, name in found.items() if name != "right"}
    names = set(wrong.values())
    if names == {"term_missing"} and len(wrong) < 3:
        layers = ", ".join(f"dW{l}" for l in wrong)
        return Problem("layer_missed", f"{function_name}: {layers} got no regularization "
                       "term; every layer's dW gets (lambd / m) * W.")
    l, name = next(iter(wrong.items()))
    if name == "unknown":
        return Problem("wrong_gradient", f"{function_name}: dW{l} is not the cross-entropy "
                       f"gradient plus (lambd / m) * W{l} (lambd = {lambd}, m = {m}).")
    return Problem(name, f"{function_name}: {TERM_HINTS[name].format(l=l)}.")


# ------------------------------------------------------------------ dropout: the forward pass

def structure_problem(result, layers_dims, m, function_name="forward_propagation_with_dropout"):
    """A Problem with the form of one call's result (A3, cache), or None."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return Problem("type", f"{function_name} should return (A3, cache); it returned a "
                               f"{type(result).__name__}.")
    A3, cache = result
    if not isinstance(A3, np.ndarray) or A3.shape != (1, m):
        return Problem("output_shape", f"{function_name}: A3 should be an array of shape "
                       f"(1, {m}); got {getattr(A3, 'shape', type(A3).__name__)}.")
    if not isinstance(cache, dict):
        return Problem("type", f"{function_name}: the cache should be a dict; got a "
                               f"{type(cache).__name__}.")
    missing = [key for key in DROPOUT_CACHE_KEYS if key not in cache]
    if missing:
        return Problem("cache_keys", f"{function_name}: the cache lacks {missing}; it should "
                       f"hold {list(DROPOUT_CACHE_KEYS)}.")
    for l in (1, 2):
        shape = (layers_dims[l], m)
        for key in (f"Z{l}", f"A{l}"):
            if np.shape(cache[key]) != shape:
                return Problem("cache_keys", f"{function_name}: cache[{key!r}] has shape "
                               f"{np.shape(cache[key])}; expected {shape}.")
        D = cache[f"D{l}"]
        if not isinstance(D, np.ndarray) or D.shape != shape:
            return Problem("mask_shape", f"{function_name}: D{l} has shape "
                           f"{getattr(D, 'shape', type(D).__name__)}; expected {shape}, the "
                           f"shape of A{l}: one draw for every unit and every example, "
                           f"rng.random(A{l}.shape).")
        if D.dtype.kind not in "biuf" or not np.isin(D, (0, 1)).all():
            return Problem("mask_not_binary", f"{function_name}: D{l} should hold the mask, "
                           f"True/1 for a kept unit and False/0 for a dropped one, as in "
                           f"D{l} = (rng.random(A{l}.shape) < keep_prob); it holds other "
                           "values.")
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
                return Problem("mask_shape", f"{function_name}: D{l} repeats the same mask "
                               "for every example (or every unit); draw a value for each "
                               f"entry, rng.random(A{l}.shape).")
            continue
        if fraction == 1.0:
            return Problem("layer_missed", f"{function_name}: with keep_prob = {keep_prob}, "
                           f"D{l} keeps every unit; both hidden layers get dropout.")
        if abs(fraction - (1 - keep_prob)) <= tolerance:
            return Problem("mask_reversed", f"{function_name}: with keep_prob = {keep_prob}, "
                           f"D{l} keeps {fraction:.1%} of the units, about 1 - keep_prob: the "
                           "comparison is reversed; keep where rng.random(shape) < keep_prob.")
        return Problem("mask_distribution", f"{function_name}: with keep_prob = {keep_prob}, "
                       f"D{l} keeps {fraction:.1%} of the units; expected about "
                       f"{keep_prob:.0%}. Draw uniform numbers on [0, 1), rng.random(shape), "
                       "and keep those below keep_prob.")
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
        if abs(ratio - 1) <= tolerance:
            continue
        if abs(ratio - keep_prob) <= tolerance:
            return Problem("no_division", f"{function_name}: after dropout, A{l} is on average "
                           f"{ratio:.2f} times relu(Z{l}), about keep_prob = {keep_prob}: divide "
                           "by keep_prob too, so that the expected value stays the same.")
        if abs(ratio - keep_prob ** 2) <= tolerance:
            return Problem("multiplied_by_keep_prob", f"{function_name}: after dropout, A{l} is "
                           f"on average {ratio:.2f} times relu(Z{l}), about keep_prob^2: "
                           "inverted dropout divides by keep_prob, it does not multiply.")
    return None


def _layer_input_problem(cache, l, A_prev, parameters, function_name):
    Z, _ = linear_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"])
    if _close(cache[f"Z{l}"], Z):
        return None
    if l == 1:
        return Problem("dropout_on_input", f"{function_name}: Z1 is not W1 X + b1 with the X "
                       "you were given: did you apply dropout to the input? Dropout is for "
                       "the hidden layers only.")
    return Problem("cache_inconsistent", f"{function_name}: Z{l} is not W{l} A{l - 1} + b{l} "
                   f"with the A{l - 1} in your cache: store A{l - 1} after dropout, exactly as "
                   "the next layer uses it.")


def layers_problem(X, parameters, keep_prob, result,
                   function_name="forward_propagation_with_dropout"):
    """A Problem with the layers of one call's result (whose structure is right): each hidden
    layer must be relu(Z) * D / keep_prob with its own mask D, the output sigmoid(Z3)."""
    A3, cache = result
    A_prev = X
    for l in (1, 2):
        problem = _layer_input_problem(cache, l, A_prev, parameters, function_name)
        if problem:
            return problem
        activation = relu(np.asarray(cache[f"Z{l}"], dtype=float))
        D = np.asarray(cache[f"D{l}"], dtype=float)
        A = np.asarray(cache[f"A{l}"], dtype=float)
        if not _close(A, activation * D / keep_prob):
            if _close(A, activation * D):
                mistake, detail = "no_division", (f"A{l} is relu(Z{l}) * D{l}: divide by "
                                                  "keep_prob too, so that the expected value "
                                                  "of each activation stays the same")
            elif _close(A, activation * D * keep_prob):
                mistake, detail = "multiplied_by_keep_prob", (
                    f"A{l} is relu(Z{l}) * D{l} * keep_prob: inverted dropout divides by "
                    "keep_prob")
            elif _close(A, activation / keep_prob) or _close(A, activation):
                mistake, detail = "mask_not_applied", (f"A{l} does not use the mask: multiply "
                                                       f"it by D{l}")
            else:
                mistake, detail = "hidden_wrong", (f"A{l} should be relu(Z{l}) * D{l} / "
                                                   "keep_prob")
            return Problem(mistake, f"{function_name} (keep_prob = {keep_prob}): {detail}.")
        A_prev = A
    problem = _layer_input_problem(cache, 3, A_prev, parameters, function_name)
    if problem:
        return problem
    output = sigmoid(np.asarray(cache["Z3"], dtype=float))
    if not _close(A3, output) or not _close(cache["A3"], output):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.asarray(A3, dtype=float) / output
        if np.all(np.isclose(ratio, 0.0) | np.isclose(ratio, 1 / keep_prob)):
            return Problem("dropout_on_output", f"{function_name}: A3 is not sigmoid(Z3) — some "
                           "outputs were dropped or scaled: no dropout on the output layer.")
        return Problem("output_wrong", f"{function_name}: A3 should be sigmoid(Z3), returned "
                       "and stored in the cache.")
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
            return Problem("mask_not_applied", f"{function_name}: a unit of layer {l} that the "
                           f"forward pass dropped still gets a gradient (dW{l}, db{l}): multiply "
                           f"dA{l} by the mask cache['D{l}'] from the forward pass.")
    return None


def scaling_problem(grads, expected, keep_prob, function_name="backward_propagation_with_dropout"):
    """A Problem naming a keep_prob scaling mistake when ``grads`` equal ``expected`` with layer
    2 scaled by keep_prob^a and layer 1 by keep_prob^(a + b), where a (b) is the error at dA2
    (dA1): 1 for a missing division, -1 for a second one. None when no such pattern fits."""
    for a in (1, 0, -1):
        for b in (1, 0, -1):
            if a == b == 0:
                continue
            factors = {"1": keep_prob ** (a + b), "2": keep_prob ** a, "3": 1.0}
            if all(_close(grads[key], expected[key] * factors[key[-1]], rtol=1e-5, atol=1e-8)
                   for key in GRAD_KEYS):
                if min(a, b) < 0:
                    return Problem("divided_twice", f"{function_name} (keep_prob = {keep_prob}): "
                                   "the gradients are too large by powers of 1 / keep_prob: "
                                   "divide dA by keep_prob once per layer, as in the forward "
                                   "pass.")
                return Problem("no_division", f"{function_name} (keep_prob = {keep_prob}): the "
                               "gradients are too small by powers of keep_prob: divide dA by "
                               "keep_prob too, dA = dA * D / keep_prob, as in the forward pass.")
    return None


# ------------------------------------------------------------------ the visible checks

def check_compute_cost_with_regularization(function):
    """Visible check: cross-entropy plus (lambd / 2m) * sum ||W||_F^2, biases excluded."""
    __tracebackhide__ = True
    name = function.__name__
    for layers_dims, m, lambd, seed in (([2, 4, 3, 1], 5, 0.7, 0), ([3, 5, 2, 1], 8, 0.1, 1)):
        parameters, X, Y = example_net(layers_dims, m, seed)
        A3, _ = model_forward(X, parameters)
        cost = call(function, A3, Y, parameters, lambd)
        problem = penalty_problem(cost, compute_cost(A3, Y), parameters, lambd, m, name)
        if problem:
            fail(problem.message)
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
        problem = l2_gradient_problem(grads, plain, parameters, lambd, m, name)
        if problem:
            fail(problem.message)
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
        result = call(function, X.copy(), _fresh(parameters), keep_prob,
                      np.random.default_rng(seed))
        problem = structure_problem(result, layers_dims, m, name)
        if problem:
            fail(problem.message)
        cases.append((X, parameters, keep_prob, result))
    if global_rng_fingerprint() != before:
        fail(f"{name} used numpy's global random state (np.random.rand, np.random.seed, ...); "
             "draw the masks from the `rng` argument, e.g. rng.random(A1.shape).")
    problem = mask_statistics_problem(cases[0][3][1], cases[0][2], name)
    if problem:
        fail(problem.message)
    parameters, X, _ = example_net([2, 4, 3, 1], 5, 0)
    AL, _ = model_forward(X, parameters)
    result = call(function, X.copy(), _fresh(parameters), 1.0, np.random.default_rng(0))
    problem = structure_problem(result, [2, 4, 3, 1], 5, name)
    if problem:
        fail(problem.message)
    if not _close(result[0], AL):
        fail(f"{name}: with keep_prob = 1 (nothing dropped) A3 should equal forward_propagation's"
             "; start from forward_propagation's lines.")
    for X, parameters, keep_prob, result in cases:
        problem = layers_problem(X, parameters, keep_prob, result, name)
        if problem:
            fail(problem.message)
    again = call(function, cases[1][0].copy(), _fresh(cases[1][1]), 0.86,
                 np.random.default_rng(1))
    if not _close(again[0], cases[1][3][0]):
        fail(f"{name} gave different results for two generators made from the same seed: draw "
             "the masks from the `rng` argument only.")
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
    problem = grads_problem(grads, plain, name)
    if problem:
        fail(problem.message)
    if not all(_close(grads[key], plain[key]) for key in GRAD_KEYS):
        fail(f"{name}: with keep_prob = 1 (nothing dropped) the gradients should equal "
             "backward_propagation's; start from backward_propagation's lines.")
    keep_prob = 0.6
    before = global_rng_fingerprint()
    for seed in range(4):
        x, y = X[:, seed:seed + 1], Y[:, seed:seed + 1]
        _, cache = call(forward_with_dropout, x, parameters, keep_prob,
                        np.random.default_rng(seed))
        grads = call(function, x, y, cache, keep_prob)
        again = call(function, x, y, cache, keep_prob)
        problem = grads_problem(grads, plain, name)
        if problem:
            fail(problem.message)
        if global_rng_fingerprint() != before or not all(
                _close(grads[key], again[key]) for key in GRAD_KEYS):
            fail(f"{name} draws new random numbers: the backward pass must reuse the forward "
                 "pass's masks, cache['D1'] and cache['D2'], and draw nothing.")
        D1, D2 = np.asarray(cache["D1"], float), np.asarray(cache["D2"], float)
        expected = single_example_gradients(parameters, x, y, D1, D2, keep_prob)
        if all(_close(grads[key], expected[key], rtol=1e-5, atol=1e-8) for key in GRAD_KEYS):
            continue
        problem = (dropped_unit_problem(grads, {1: np.flatnonzero(D1 == 0),
                                                2: np.flatnonzero(D2 == 0)}, name)
                   or scaling_problem(grads, expected, keep_prob, name))
        if problem:
            fail(problem.message)
        wrong = [key for key in GRAD_KEYS if not _close(grads[key], expected[key], rtol=1e-5,
                                                        atol=1e-8)]
        fail(f"{name} (keep_prob = {keep_prob}): {', '.join(wrong)} differ from the gradients "
             "of the net with the forward pass's masks; apply dA = dA * D / keep_prob to the "
             "two hidden layers, right after computing dA.")
    passed(name)
