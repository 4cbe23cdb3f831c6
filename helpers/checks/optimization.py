"""Visible checks for Assignment 4 (optimization methods), and the diagnostics they share with
the autograder's hidden tests.

The update rules are checked on small inputs whose results were worked out by hand (the
numbers below), plus properties every correct implementation has. A mismatch is compared with
what each common mistake would give from the same inputs (VARIANTS, also used by the hidden
judges), to name the likely one.
"""

import numpy as np

from helpers.checks import call, close, copy_arrays, expect_dict, fail, global_rng_fingerprint, \
    passed
from helpers.mistakes import Catalogue, Mistake

RETURNS = "what each function returns: the `return` line at the end of its cell"
SEED_CONCEPT = "use the seed argument instead of a fixed seed"

MISTAKES = Catalogue(
    "optimization methods",
    # what a function returns
    Mistake("type", "The function returns the wrong kind of value.", RETURNS),
    Mistake("return_value", "The function returns the wrong number of values.", RETURNS),
    Mistake("keys", "A returned dict does not hold exactly one entry per parameter.",
            "the loop over layers l = 1..L, with keys 'W' + str(l), 'b' + str(l) (and 'dW' + "
            "str(l), 'db' + str(l) for the optimizer's state)"),
    Mistake("shape", "A returned array has the wrong shape.",
            "each update keeps the shape of the parameter it updates"),
    Mistake("transposed", "A returned array is transposed.",
            "each update keeps the shape of the parameter it updates"),
    Mistake("nan", "The result contains NaN.", "divisions: the denominators must never be 0"),
    Mistake("values", "Your results differ from the expected ones.",
            "the formula of each update rule and schedule, applied to W and b of every layer"),
    # every update rule
    Mistake("uphill", "The parameters move uphill: the step is added instead of subtracted.",
            "a descent step subtracts: W := W - learning_rate * (dW, v, or the Adam step)"),
    Mistake("b_not_updated", "The weights are updated but the biases are not.",
            "every layer has two parameters, W and b, and both take a step"),
    Mistake("not_updated", "The parameters come back unchanged.",
            "store each new value back: parameters['W' + str(l)] = ..."),
    # gradient descent
    Mistake("no_learning_rate", "The step is the whole gradient: the learning rate is missing.",
            "W := W - learning_rate * dW"),
    # mini-batches
    Mistake("different_permutations", "X and Y were shuffled with different permutations, so "
            "the examples lost their labels.",
            "make one permutation and index both X and Y with it"),
    Mistake("rows_shuffled", "The rows (features) of X were shuffled instead of its columns "
            "(examples).", "examples are columns: X[:, permutation]"),
    Mistake("last_batch_dropped", "The last, smaller mini-batch is missing.",
            "when m is not a multiple of mini_batch_size, the m % mini_batch_size remaining "
            "examples form one more mini-batch"),
    Mistake("overlapping_batches", "Some examples appear in two mini-batches.",
            "the last mini-batch starts where the full ones end: "
            "num_complete_minibatches * mini_batch_size"),
    Mistake("empty_batch", "When m is a multiple of mini_batch_size, an empty mini-batch is "
            "added at the end.", "add the last mini-batch only when m % mini_batch_size != 0"),
    Mistake("not_shuffled", "The examples are not shuffled.",
            "shuffle with np.random.default_rng(seed).permutation(m) before partitioning"),
    Mistake("global_rng", "Your function re-seeds or draws from numpy's global random "
            "generator.", "np.random.default_rng(seed).permutation(m), not "
            "np.random.seed / np.random.permutation"),
    Mistake("unseeded", "The same seed gave a different shuffle.",
            "np.random.default_rng(seed), not an unseeded generator"),
    Mistake("seed_ignored", "Different seeds gave the same shuffle.", SEED_CONCEPT),
    Mistake("wrong_batch_sizes", "The mini-batches have the wrong sizes.",
            "floor(m / mini_batch_size) full mini-batches, then one of m % mini_batch_size"),
    Mistake("missing_examples", "Some examples are in no mini-batch.",
            "every example goes into exactly one mini-batch"),
    Mistake("batch_shape", "A mini-batch has the wrong shape.",
            "mini_batch_X is (n_x, size_k) and mini_batch_Y is (1, size_k): cut columns"),
    Mistake("not_pairs", "The list should hold (mini_batch_X, mini_batch_Y) pairs.",
            "mini_batches.append((mini_batch_X, mini_batch_Y))"),
    # zero-initialized state
    Mistake("wrong_keys", "The keys should be 'dW1', 'db1', ...: 'd' followed by the "
            "parameter's name.", "the state has one entry per gradient, named like grads"),
    Mistake("not_zero", "Every entry should start at zero.", "np.zeros_like(parameter)"),
    Mistake("wrong_shape", "An entry does not have the shape of its parameter.",
            "np.zeros_like(parameters['W' + str(l)]) copies the shape"),
    Mistake("not_float", "The entries should hold floats.", "np.zeros_like of a float array"),
    Mistake("not_array", "The entries should be numpy arrays.", "np.zeros_like(parameter)"),
    Mistake("same_dict", "v and s are the same dict, so updating one overwrites the other.",
            "make two separate dicts: v = {} and s = {}"),
    # momentum
    Mistake("no_one_minus_beta", "The velocity adds the whole gradient: the (1 - beta) factor "
            "is missing.", "v := beta v + (1 - beta) dW, an exponentially weighted average"),
    Mistake("beta_swapped", "beta and (1 - beta) are swapped in the velocity.",
            "v := beta v + (1 - beta) dW: beta weighs the old velocity"),
    Mistake("gradient_not_velocity", "The parameters move by the gradient instead of the "
            "velocity.", "the step of momentum is W := W - learning_rate * v"),
    Mistake("old_velocity", "The parameters move by the velocity from before this step.",
            "update v first, then step with the new v"),
    Mistake("velocity_not_updated", "The velocity is never updated.",
            "v := beta v + (1 - beta) dW, stored back in v"),
    # RMSprop and Adam
    Mistake("epsilon_in_sqrt", "epsilon is inside the square root.",
            "the step divides by sqrt(s) + epsilon (sqrt(s_corrected) + epsilon in Adam): "
            "epsilon is added after the root"),
    Mistake("epsilon_in_s", "epsilon is added to s (or s_corrected).",
            "s := beta2 s + (1 - beta2) dW^2 holds no epsilon; add it in the step only"),
    Mistake("no_one_minus_beta2", "The squared gradient is added whole: the (1 - beta2) factor "
            "is missing.", "s := beta2 s + (1 - beta2) dW^2"),
    Mistake("gradient_not_squared", "s averages the gradient, not its square.",
            "s := beta2 s + (1 - beta2) dW^2 (elementwise square)"),
    Mistake("no_square_root", "The step divides by s instead of its square root.",
            "W := W - learning_rate * dW / (sqrt(s) + epsilon)"),
    Mistake("old_s", "The step uses s from before this update.",
            "update s first, then step with the new s"),
    Mistake("s_not_updated", "s is never updated.",
            "s := beta2 s + (1 - beta2) dW^2, stored back in s"),
    Mistake("bias_correction_power", "The bias correction divides by (1 - beta)^t.",
            "the correction is 1 - beta^t: beta to the power t, subtracted from 1"),
    Mistake("t_incremented", "The bias correction uses t + 1: t is incremented inside the "
            "function.", "t counts the updates from 1 and is passed in; correct step t with "
            "1 - beta^t, without changing t"),
    Mistake("t_from_zero", "The bias correction uses t - 1, as if t counted from 0.",
            "the first update is t = 1, corrected with 1 - beta^1"),
    Mistake("uncorrected_update", "The step uses the uncorrected v and s.",
            "step with v_corrected / (sqrt(s_corrected) + epsilon)"),
    Mistake("corrected_stored", "v or s holds the bias-corrected value.",
            "keep v and s uncorrected (they are averaged further at the next step); put the "
            "corrected values in v_corrected and s_corrected"),
    Mistake("no_one_minus_beta1", "The gradient is added whole to v: the (1 - beta1) factor is "
            "missing.", "v := beta1 v + (1 - beta1) dW"),
    Mistake("not_corrected", "v_corrected or s_corrected is not bias-corrected.",
            "v_corrected = v / (1 - beta1^t), s_corrected = s / (1 - beta2^t)"),
    Mistake("defaults", "The results with the default hyperparameters are wrong.",
            "the defaults learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8 in the "
            "signature"),
    # learning-rate decay
    Mistake("exponential", "This is an exponential decay, learning_rate0 * "
            "decay_rate^epoch_num.",
            "update_lr divides: learning_rate0 / (1 + decay_rate * epoch_num)"),
    Mistake("no_decay_rate", "decay_rate is not used.",
            "learning_rate0 / (1 + decay_rate * epoch_num)"),
    Mistake("brackets", "The brackets are misplaced: only learning_rate0 is divided.",
            "divide learning_rate0 by the whole (1 + decay_rate * epoch_num)"),
    Mistake("no_floor", "epoch_num / time_interval is not rounded down, so the rate decays at "
            "every epoch.", "the rate changes only every time_interval epochs: "
            "floor(epoch_num / time_interval)"),
    Mistake("rounded", "epoch_num / time_interval is rounded to the nearest integer.",
            "round down with np.floor (or //)"),
    Mistake("ceil", "epoch_num / time_interval is rounded up.", "round down with np.floor (or //)"),
    Mistake("compounding", "The rate is divided again at every interval, compounding from the "
            "current rate.", "the schedule always starts from learning_rate0: learning_rate0 / "
            "(1 + decay_rate * floor(epoch_num / time_interval))"),
)


# ------------------------------------------------------------------ what the mistakes give

# What each update returns, in order; the optimizer's state is judged before the parameters,
# which depend on it.
RETURNS_OF = {
    "update_parameters_with_gd": ("parameters",),
    "update_parameters_with_momentum": ("parameters", "v"),
    "update_parameters_with_rmsprop": ("parameters", "s"),
    "update_parameters_with_adam": ("parameters", "v", "s", "v_corrected", "s_corrected"),
}


def as_components(result, function_name):
    """{component name: value} of an update's ``result``, or None when it does not return as
    many values as RETURNS_OF says."""
    names = RETURNS_OF[function_name]
    if len(names) == 1:
        return {names[0]: result}
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        return None
    return dict(zip(names, result))


def judging_order(function_name):
    """The components of an update, its state first and the parameters last."""
    return sorted(RETURNS_OF[function_name], key=lambda name: name == "parameters")


def _each(*dicts, function):
    """{key: function(*values)} over the keys of the first dict."""
    return {key: function(*(d[key] for d in dicts)) for key in dicts[0]}


def _step(case, direction, rate=None):
    """parameters - rate * direction["d" + key] (rate: the case's learning rate)."""
    rate = case["learning_rate"] if rate is None else rate
    return {key: value - rate * direction["d" + key] for key, value in case["parameters"].items()}


def _divided_step(case, numerator, states, denominator):
    """parameters - learning_rate * numerator / denominator(state, epsilon), entry by entry."""
    return {key: value - case["learning_rate"] * numerator["d" + key] / denominator(
        states["d" + key], case["epsilon"]) for key, value in case["parameters"].items()}


def _average(state, beta, own_weight, gradient_weight, power=1):
    """case -> own_weight(beta) * state + gradient_weight(beta) * grads ** power: the moving
    average a mistake computes (a missing 1 - beta, swapped weights, a gradient not squared)."""
    return lambda case: _each(case[state], case["grads"], function=lambda old, grad: own_weight(
        case[beta]) * old + gradient_weight(case[beta]) * grad ** power)


def _plus_epsilon(component):
    return lambda case: _each(case["expected"][component],
                              function=lambda value: value + case["epsilon"])


def _corrections(moment, beta):
    """What wrong bias corrections give for ``moment`` ("v" or "s") and its ``beta``."""
    def corrected(power):
        return lambda case: _each(case["expected"][moment], function=lambda value: value / (
            1 - case[beta] ** power(case["t"])))
    return {
        "bias_correction_power": lambda case: _each(
            case["expected"][moment], function=lambda value: value / (1 - case[beta]) ** case["t"]),
        "t_incremented": corrected(lambda t: t + 1),
        "t_from_zero": corrected(lambda t: t - 1),
        "not_corrected": lambda case: case["expected"][moment],
    }


# Weights of a moving average, as functions of beta; denominators of a step.
BETA, ONE, ONE_MINUS_BETA = (lambda beta: beta), (lambda beta: 1.0), (lambda beta: 1 - beta)
ROOT_PLUS_EPSILON = lambda s, epsilon: np.sqrt(s) + epsilon  # noqa: E731 (the right one)
EPSILON_IN_ROOT = lambda s, epsilon: np.sqrt(s + epsilon)  # noqa: E731
NO_ROOT = lambda s, epsilon: s + epsilon  # noqa: E731

# Every update: what a wrong sign, a forgotten b or a forgotten assignment give.
EVERY_UPDATE = {
    "uphill": lambda case: _each(case["parameters"], case["expected"]["parameters"],
                                 function=lambda old, new: 2 * old - new),
    "b_not_updated": lambda case: {key: new if key.startswith("W") else case["parameters"][key]
                                   for key, new in case["expected"]["parameters"].items()},
    "not_updated": lambda case: case["parameters"],
}

# function -> component -> {mistake: case -> the component that mistake gives}. A case holds
# the update's inputs (parameters, grads, v, s and hyperparameters) and "expected": the right
# components ({"parameters": ..., "v": ...}).
VARIANTS = {
    "update_parameters_with_gd": {
        "parameters": {"no_learning_rate": lambda case: _step(case, case["grads"], rate=1.0),
                       **EVERY_UPDATE},
    },
    "update_parameters_with_momentum": {
        "v": {"no_one_minus_beta": _average("v", "beta", BETA, ONE),
              "beta_swapped": _average("v", "beta", ONE_MINUS_BETA, BETA),
              "velocity_not_updated": lambda case: case["v"]},
        "parameters": {"gradient_not_velocity": lambda case: _step(case, case["grads"]),
                       "old_velocity": lambda case: _step(case, case["v"]),
                       **EVERY_UPDATE},
    },
    "update_parameters_with_rmsprop": {
        "s": {"no_one_minus_beta2": _average("s", "beta2", BETA, ONE, power=2),
              "gradient_not_squared": _average("s", "beta2", BETA, ONE_MINUS_BETA),
              "epsilon_in_s": _plus_epsilon("s"),
              "s_not_updated": lambda case: case["s"]},
        "parameters": {
            "epsilon_in_sqrt": lambda case: _divided_step(
                case, case["grads"], case["expected"]["s"], EPSILON_IN_ROOT),
            "no_square_root": lambda case: _divided_step(
                case, case["grads"], case["expected"]["s"], NO_ROOT),
            "old_s": lambda case: _divided_step(case, case["grads"], case["s"],
                                                ROOT_PLUS_EPSILON),
            **EVERY_UPDATE},
    },
    "update_parameters_with_adam": {
        "v": {"corrected_stored": lambda case: case["expected"]["v_corrected"],
              "no_one_minus_beta1": _average("v", "beta1", BETA, ONE)},
        "s": {"corrected_stored": lambda case: case["expected"]["s_corrected"],
              "epsilon_in_s": _plus_epsilon("s"),
              "gradient_not_squared": _average("s", "beta2", BETA, ONE_MINUS_BETA)},
        "v_corrected": _corrections("v", "beta1"),
        "s_corrected": {**_corrections("s", "beta2"), "epsilon_in_s": _plus_epsilon(
            "s_corrected")},
        "parameters": {
            "uncorrected_update": lambda case: _divided_step(
                case, case["expected"]["v"], case["expected"]["s"], ROOT_PLUS_EPSILON),
            "epsilon_in_sqrt": lambda case: _divided_step(
                case, case["expected"]["v_corrected"], case["expected"]["s_corrected"],
                EPSILON_IN_ROOT),
            **EVERY_UPDATE},
    },
}

# function -> {mistake: (learning_rate0, epoch_num, decay_rate, time_interval) -> its rate}
RATE_VARIANTS = {
    "update_lr": {
        "exponential": lambda rate0, epoch, decay, interval: rate0 * decay ** epoch,
        "no_decay_rate": lambda rate0, epoch, decay, interval: rate0 / (1 + epoch),
        "brackets": lambda rate0, epoch, decay, interval: rate0 / 1 + decay * epoch,
    },
    "schedule_lr_decay": {
        "no_floor": lambda rate0, epoch, decay, interval: rate0 / (1 + decay * epoch / interval),
        "rounded": lambda rate0, epoch, decay, interval: rate0 / (
            1 + decay * np.round(epoch / interval)),
        "ceil": lambda rate0, epoch, decay, interval: rate0 / (
            1 + decay * np.ceil(epoch / interval)),
        "compounding": lambda rate0, epoch, decay, interval: rate0 / (1 + decay) ** np.floor(
            epoch / interval),
    },
}


# ------------------------------------------------------------------ mini-batches

def labelled_columns(n_x, m):
    """X (n_x, m) and Y (1, m) whose values say where they came from: X[i, j] = 1000 i + j and
    Y[0, j] = j (so a column's example number is value % 1000 and its row is value // 1000)."""
    if m >= 1000:
        raise ValueError("labelled_columns needs m < 1000")
    X = 1000.0 * np.arange(n_x)[:, None] + np.arange(m)[None, :]
    Y = np.arange(m, dtype=float)[None, :]
    return X, Y


def expected_batch_sizes(m, mini_batch_size):
    """[size] * floor(m / size), plus m % size when it is not zero."""
    sizes = [mini_batch_size] * (m // mini_batch_size)
    return sizes + ([m % mini_batch_size] if m % mini_batch_size else [])


def batch_order(mini_batches):
    """The example numbers of labelled_columns, in the order the mini-batches hold them."""
    return np.concatenate([np.asarray(Y_batch).ravel() for _, Y_batch in mini_batches]) \
        if len(mini_batches) else np.array([])


def rows_indexed(error_text):
    """True when an error's text says an example number indexed the rows (axis 0) of an array
    with fewer rows: X[permutation] instead of X[:, permutation]."""
    return error_text.startswith("IndexError") and "axis 0" in error_text


def mini_batch_problem(mini_batches, n_x, m, mini_batch_size, function_name="random_mini_batches"):
    """The first Problem with ``mini_batches``, the result of cutting labelled_columns(n_x, m)
    into mini-batches of ``mini_batch_size``, or None when they are a correct shuffle and
    partition (whatever the permutation)."""
    call_text = f"{function_name} with m = {m}, mini_batch_size = {mini_batch_size}"
    if not isinstance(mini_batches, (list, tuple)):
        return MISTAKES.problem("type", f"{call_text} returned a "
                                f"{type(mini_batches).__name__}; expected a list of "
                                "(mini_batch_X, mini_batch_Y) pairs.")
    for k, pair in enumerate(mini_batches):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
                isinstance(part, np.ndarray) for part in pair):
            return MISTAKES.problem("not_pairs", f"{call_text}: item {k} of the list is not a "
                                    "pair of arrays.")
        X_batch, Y_batch = pair
        if X_batch.ndim != 2 or X_batch.shape[0] != n_x or Y_batch.shape != (1, X_batch.shape[1]):
            return MISTAKES.problem("batch_shape", f"{call_text}: mini-batch {k} has X of shape "
                                    f"{X_batch.shape} and Y of shape {Y_batch.shape}; expected "
                                    f"({n_x}, k) and (1, k).")
        if X_batch.shape[1] == 0:
            return MISTAKES.problem("empty_batch", f"{call_text}: mini-batch {k} is empty.")
    for k, (X_batch, Y_batch) in enumerate(mini_batches):
        rows, columns = np.divmod(X_batch, 1000.0)
        if np.any(rows != np.arange(n_x)[:, None]) or np.any(columns != columns[:1]):
            return MISTAKES.problem("rows_shuffled", f"{call_text}: the rows of X in mini-batch "
                                    f"{k} are out of order.")
    for k, (X_batch, Y_batch) in enumerate(mini_batches):
        if not np.array_equal(np.mod(X_batch[0], 1000.0), Y_batch[0]):
            return MISTAKES.problem("different_permutations", f"{call_text}: in mini-batch {k} "
                                    "the columns of X and Y no longer match.")
    order = batch_order(mini_batches)
    sizes = [X_batch.shape[1] for X_batch, _ in mini_batches]
    expected = expected_batch_sizes(m, mini_batch_size)
    if len(np.unique(order)) < len(order):
        return MISTAKES.problem("overlapping_batches", f"{call_text}: got sizes {sizes}; "
                                f"expected {expected}, each example exactly once.")
    if len(order) < m:
        if m % mini_batch_size and sizes == expected[:-1]:
            return MISTAKES.problem("last_batch_dropped", f"{call_text}: got sizes {sizes}; "
                                    f"expected {expected}.")
        return MISTAKES.problem("missing_examples", f"{call_text}: only {len(order)} of the {m} "
                                f"examples are in a mini-batch (sizes {sizes}; expected "
                                f"{expected}).")
    if sizes != expected:
        return MISTAKES.problem("wrong_batch_sizes", f"{call_text}: got mini-batch sizes "
                                f"{sizes}; expected {expected}.")
    if m > 2 and np.array_equal(order, np.arange(m)):
        return MISTAKES.problem("not_shuffled", f"{call_text}: the examples are still in their "
                                "original order.")
    return None


def check_random_mini_batches(function):
    """Visible check: shapes and sizes of the mini-batches, one shared permutation of the
    columns, every example exactly once, the seed used, the global RNG untouched."""
    __tracebackhide__ = True
    name = function.__name__
    orders = {}
    for n_x, m, size, seed in ((2, 148, 64, 1), (3, 128, 64, 1), (2, 5, 8, 1), (2, 148, 64, 2)):
        X, Y = labelled_columns(n_x, m)
        before = global_rng_fingerprint()
        try:
            batches = call(function, X, Y, size, seed)
        except IndexError as error:
            if not rows_indexed(f"IndexError: {error}"):
                raise
            batches = None  # fail outside the handler: one message, not two tracebacks
        if batches is None:
            fail(MISTAKES.problem("rows_shuffled", f"{name} raised IndexError, indexing the "
                                  "rows of X with example numbers (X[permutation]).").message)
        if global_rng_fingerprint() != before:
            fail(MISTAKES.problem("global_rng", f"{name} changed numpy's global random state "
                                  "(np.random.seed or np.random.permutation).").message)
        problem = mini_batch_problem(batches, n_x, m, size, name)
        if problem:
            fail(problem.message)
        orders[(n_x, m, seed)] = batch_order(batches)
    again = batch_order(call(function, *labelled_columns(2, 148), 64, 1))
    if not np.array_equal(again, orders[(2, 148, 1)]):
        fail(MISTAKES.problem("unseeded", f"{name} shuffled differently for the same "
                              "seed.").message)
    if np.array_equal(orders[(2, 148, 1)], orders[(2, 148, 2)]):
        fail(MISTAKES.problem("seed_ignored", f"{name} gave the same order for seeds 1 and "
                              "2.").message)
    passed(name)


# ------------------------------------------------------------------ zero-initialized state

def zero_state_problem(state, parameters, function_name, what="v"):
    """A Problem when ``state`` is not a dict of zeros "dWl"/"dbl" shaped like ``parameters``'s
    "Wl"/"bl"; None when it is right."""
    if not isinstance(state, dict):
        return MISTAKES.problem("type", f"{function_name} returned {what} as a "
                                f"{type(state).__name__}; expected a dict.")
    expected = sorted("d" + key for key in parameters)
    if sorted(state) != expected:
        return MISTAKES.problem("wrong_keys", f"{function_name}: {what} has keys "
                                f"{sorted(state)}; expected {expected}.")
    for key, value in parameters.items():
        found = state["d" + key]
        where = f"{function_name}: {what}['d{key}']"
        if not isinstance(found, np.ndarray):
            return MISTAKES.problem("not_array", f"{where} is a {type(found).__name__}.")
        if found.shape != value.shape:
            return MISTAKES.problem("wrong_shape", f"{where} has shape {found.shape}; expected "
                                    f"{value.shape}, the shape of {key}.")
        if not np.issubdtype(found.dtype, np.floating):
            return MISTAKES.problem("not_float", f"{where} holds {found.dtype}.")
        if np.any(found != 0):
            return MISTAKES.problem("not_zero", f"{where} has non-zero entries.")
    return None


def _sample_parameters():
    rng = np.random.default_rng(0)
    dims = [3, 4, 2, 1]
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1))
    return parameters


def _check_state(function, states):
    """Visible check of an initializer returning ``states`` ("v", "s" or "vs"): zeros shaped like
    the parameters, two separate dicts for a pair."""
    __tracebackhide__ = True
    name = function.__name__
    parameters = _sample_parameters()
    result = call(function, copy_arrays(parameters))
    if len(states) == 2:
        if not isinstance(result, tuple) or len(result) != 2:
            fail(MISTAKES.problem("return_value", f"{name} returned a "
                                  f"{type(result).__name__}; expected the pair (v, s).").message)
    else:
        result = (result,)
    for state, what in zip(result, states):
        problem = zero_state_problem(state, parameters, name, what)
        if problem:
            fail(problem.message)
    if len(states) == 2 and result[0] is result[1]:
        fail(MISTAKES.problem("same_dict", f"{name} returned one dict as both v and s.").message)
    passed(name)


def check_initialize_velocity(function):
    """Visible check: v["dWl"], v["dbl"] are zeros shaped like Wl, bl."""
    __tracebackhide__ = True
    _check_state(function, "v")


def check_initialize_rmsprop(function):
    """Visible check: s["dWl"], s["dbl"] are zeros shaped like Wl, bl."""
    __tracebackhide__ = True
    _check_state(function, "s")


def check_initialize_adam(function):
    """Visible check: returns (v, s), both zeros shaped like the parameters."""
    __tracebackhide__ = True
    _check_state(function, "vs")


# ------------------------------------------------------------------ update rules

def _shown(value):
    return np.round(value, 6).tolist() if isinstance(value, np.ndarray) else repr(value)


def _check_update(function, case, *hyperparameters):
    """Call the update on the inputs of ``case`` (parameters, grads and the state its
    RETURNS_OF lists) and ``hyperparameters``; fail() at the first returned array that differs
    from case["expected"], naming the mistake of VARIANTS that gives it, if one does."""
    __tracebackhide__ = True
    name = function.__name__
    components = RETURNS_OF[name]
    inputs = [case["parameters"], case["grads"]] + [case[state] for state in ("v", "s")
                                                    if state in components]
    result = as_components(call(function, *map(copy_arrays, inputs), *hyperparameters), name)
    if result is None:
        fail(MISTAKES.problem("return_value", f"{name} should return "
                              f"({', '.join(components)}).").message)
    for component in components:
        expected = case["expected"][component]
        expect_dict(result[component], name, f"a dict ({component})")
        missing = sorted(set(expected) - set(result[component]))
        if missing:
            fail(MISTAKES.problem("keys", f"{name}: the returned {component} is missing "
                                  f"{missing}.").message)
    for component in judging_order(name):
        expected, found = case["expected"][component], result[component]
        for key in expected:
            what = key if component == "parameters" else f"{component}['{key}']"
            if isinstance(found[key], np.ndarray) and close(found[key], expected[key],
                                                            atol=1e-7):
                continue
            seen = f"{name}: {what} is {_shown(found[key])}; expected {_shown(expected[key])}."
            with np.errstate(all="ignore"):
                for mistake, variant in VARIANTS[name].get(component, {}).items():
                    if isinstance(found[key], np.ndarray) and close(found[key],
                                                                    variant(case)[key], atol=1e-7):
                        fail(MISTAKES.problem(mistake, seen).message)
            fail(MISTAKES.problem("values", seen).message)


def check_update_parameters_with_gd(function):
    """Visible check: one gradient step on a 2-layer example worked out by hand."""
    __tracebackhide__ = True
    case = {
        "parameters": {"W1": np.array([[1.0, -2.0, 0.5]]), "b1": np.array([[0.3]]),
                       "W2": np.array([[2.0], [-1.0]]), "b2": np.array([[0.0], [1.0]])},
        "grads": {"dW1": np.array([[0.5, -1.0, 2.0]]), "db1": np.array([[-0.2]]),
                  "dW2": np.array([[1.0], [0.0]]), "db2": np.array([[0.5], [-0.5]])},
        "learning_rate": 0.1,
        "expected": {"parameters": {
            "W1": np.array([[0.95, -1.9, 0.3]]), "b1": np.array([[0.32]]),
            "W2": np.array([[1.9], [-1.0]]), "b2": np.array([[-0.05], [1.05]])}},
    }
    _check_update(function, case, case["learning_rate"])
    passed(function.__name__)


def check_update_parameters_with_momentum(function):
    """Visible check: one momentum step (beta = 0.8, learning rate 0.5) worked out by hand, from
    a non-zero velocity."""
    __tracebackhide__ = True
    case = {
        "parameters": {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]]),
                       "W2": np.array([[2.0]]), "b2": np.array([[0.0]])},
        "grads": {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]]),
                  "dW2": np.array([[1.0]]), "db2": np.array([[-1.0]])},
        "v": {"dW1": np.array([[0.1, 0.3]]), "db1": np.array([[-0.5]]),
              "dW2": np.array([[0.0]]), "db2": np.array([[0.0]])},
        "beta": 0.8, "learning_rate": 0.5,
        "expected": {
            "v": {"dW1": np.array([[0.12, 0.16]]), "db1": np.array([[-0.2]]),
                  "dW2": np.array([[0.2]]), "db2": np.array([[-0.2]])},
            "parameters": {"W1": np.array([[0.94, -1.08]]), "b1": np.array([[0.6]]),
                           "W2": np.array([[1.9]]), "b2": np.array([[0.1]])}},
    }
    _check_update(function, case, case["beta"], case["learning_rate"])
    passed(function.__name__)


def _moves_by_the_learning_rate(function, states, *hyperparameters):
    """The property of RMSprop with beta2 = 0, epsilon = 0 and of Adam's first step: from zero
    ``states`` ("s" or "vs"), every parameter moves by (about) the learning rate 0.25, against
    its gradient's sign."""
    zeros = {"dW1": np.zeros((1, 3)), "db1": np.zeros((1, 1))}
    moved = call(function, {"W1": np.array([[1.0, 1.0, 1.0]]), "b1": np.array([[1.0]])},
                 {"dW1": np.array([[0.001, -3.0, 50.0]]), "db1": np.array([[-0.2]])},
                 *[copy_arrays(zeros) for _ in states], *hyperparameters)[0]
    return (close(moved["W1"], np.array([[0.75, 1.25, 0.75]]), atol=1e-5)
            and close(moved["b1"], np.array([[1.25]]), atol=1e-5))


def check_update_parameters_with_rmsprop(function):
    """Visible check: one RMSprop step (beta2 = 0.9, learning rate 0.1, epsilon = 0.01) worked
    out by hand, and the property that with beta2 = 0 and epsilon = 0 every parameter moves by
    exactly the learning rate."""
    __tracebackhide__ = True
    name = function.__name__
    case = {
        "parameters": {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])},
        "grads": {"dW1": np.array([[0.3, -0.4]]), "db1": np.array([[0.2]])},
        "s": {"dW1": np.array([[0.04, 0.0]]), "db1": np.array([[0.01]])},
        "beta2": 0.9, "learning_rate": 0.1, "epsilon": 0.01,
        "expected": {
            "s": {"dW1": np.array([[0.045, 0.016]]), "db1": np.array([[0.013]])},
            "parameters": {"W1": np.array([[0.8649451886, -1.7069406128]]),
                           "b1": np.array([[0.3387324922]])}},
    }
    _check_update(function, case, case["beta2"], case["learning_rate"], case["epsilon"])
    if not _moves_by_the_learning_rate(function, "s", 0.0, 0.25, 0.0):
        fail(f"{name}: with beta2 = 0 and epsilon = 0, s = dW^2 and every parameter should move "
             "by exactly the learning rate, against its gradient's sign; it did not.")
    passed(name)


def check_update_parameters_with_adam(function):
    """Visible check: one Adam step at t = 2 (beta1 = 0.8, beta2 = 0.9, epsilon = 0.01) worked
    out by hand, and the first step from zero moments, which moves every parameter by about
    the learning rate."""
    __tracebackhide__ = True
    name = function.__name__
    case = {
        "parameters": {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])},
        "grads": {"dW1": np.array([[0.3, -0.4]]), "db1": np.array([[0.2]])},
        "v": {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[0.0]])},
        "s": {"dW1": np.array([[0.05, 0.02]]), "db1": np.array([[0.01]])},
        "t": 2, "learning_rate": 0.1, "beta1": 0.8, "beta2": 0.9, "epsilon": 0.01,
        "expected": {
            "v": {"dW1": np.array([[0.14, -0.24]]), "db1": np.array([[0.04]])},
            "s": {"dW1": np.array([[0.054, 0.034]]), "db1": np.array([[0.013]])},
            "v_corrected": {"dW1": np.array([[0.3888888889, -0.6666666667]]),
                            "db1": np.array([[0.1111111111]])},
            "s_corrected": {"dW1": np.array([[0.2842105263, 0.1789473684]]),
                            "db1": np.array([[0.0684210526]])},
            "parameters": {"W1": np.array([[0.9283964516, -1.8460431316]]),
                           "b1": np.array([[0.459086276]])}},
    }
    _check_update(function, case, *(case[key] for key in
                                    ("t", "learning_rate", "beta1", "beta2", "epsilon")))
    if not _moves_by_the_learning_rate(function, "vs", 1, 0.25):
        fail(f"{name}: the first step (t = 1) from zero v and s should move every parameter by "
             "about the learning rate, against its gradient's sign; it did not. Check the bias "
             "correction 1 - beta^t with t = 1.")
    passed(name)


# ------------------------------------------------------------------ learning-rate decay

def _check_rates(function, cases):
    """Visible check of a learning-rate schedule on ``cases`` ((learning_rate0, epoch_num,
    decay_rate, time_interval or None for the default), expected rate): fail() at the first
    call whose result differs, naming the RATE_VARIANTS mistake that gives every result."""
    __tracebackhide__ = True
    name = function.__name__
    values, calls = [], []
    for (rate0, epoch, decay, interval), _ in cases:
        keywords = {} if interval is None else {"time_interval": interval}
        calls.append(f"({rate0}, {epoch}, {decay}"
                     f"{'' if interval is None else f', time_interval={interval}'})")
        value = call(function, rate0, epoch, decay, **keywords)
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        if not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
            fail(MISTAKES.problem("type", f"{name}{calls[-1]} returned a "
                                  f"{type(value).__name__}; expected a number.").message)
        values.append(float(value))
    expected = [want for _, want in cases]
    wrong = [index for index, (value, want) in enumerate(zip(values, expected))
             if not np.isclose(value, want, rtol=1e-9, atol=1e-12)]
    if not wrong:
        passed(name)
        return
    first = wrong[0]
    seen = f"{name}{calls[first]} = {values[first]:.6g}; expected {expected[first]:.6g}."
    for mistake, variant in RATE_VARIANTS[name].items():
        predicted = [variant(*arguments[:3], arguments[3] or 1000) for arguments, _ in cases]
        if np.allclose(values, predicted, rtol=1e-9, atol=1e-12):
            fail(MISTAKES.problem(mistake, seen).message)
    fail(MISTAKES.problem("values", seen).message)


def check_update_lr(function):
    """Visible check: learning_rate0 / (1 + decay_rate * epoch_num) on cases worked out by hand."""
    __tracebackhide__ = True
    _check_rates(function, (((0.5, 3, 1.0, None), 0.125), ((0.3, 10, 0.5, None), 0.05),
                            ((0.2, 0, 2.0, None), 0.2)))


def check_schedule_lr_decay(function):
    """Visible check: learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)) on
    cases worked out by hand, including epochs that are not multiples of the interval."""
    __tracebackhide__ = True
    _check_rates(function, (((0.5, 999, 1.0, None), 0.5), ((0.5, 1000, 1.0, None), 0.25),
                            ((0.5, 2500, 1.0, None), 0.5 / 3), ((0.3, 17, 0.5, 5), 0.12),
                            ((0.3, 18, 0.5, 5), 0.12), ((0.4, 23, 1.0, 10), 0.4 / 3)))
