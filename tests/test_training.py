"""The training loops against a plain loop written here from model_forward and model_backward:
the buffered versions that train and train_mini_batches use for the given net must compute the
same thing (to rounding), keep the documented behaviour, and leave numpy's error handling, the
caller's parameters and the progress bar alone."""

import inspect
import warnings

import numpy as np
import pytest

from helpers import training
from helpers.datasets import load_circles
from helpers.network import compute_cost, model_backward, model_forward
from helpers.training import PROGRESS_EVERY, train, train_mini_batches


def initial(layers_dims, scale="he", seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        factor = np.sqrt(2 / n_prev) if scale == "he" else scale
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * factor
        parameters[f"b{l}"] = rng.standard_normal((n, 1)) * 0.1 if scale == "he" else np.zeros((n, 1))
    return parameters


def plain_train(X, Y, parameters, learning_rate, num_iterations, record_every):
    """Full-batch gradient descent, step by step, with the given functions."""
    parameters = {key: value.copy() for key, value in parameters.items()}
    iterations, costs, snapshots = [], [], []
    for i in range(num_iterations + 1):
        AL, caches = model_forward(X, parameters)
        if i % record_every == 0 or i == num_iterations:
            iterations.append(i)
            costs.append(compute_cost(AL, Y))
            snapshots.append({key: value.copy() for key, value in parameters.items()})
        if i == num_iterations:
            break
        grads = model_backward(AL, Y, caches)
        for key in parameters:
            parameters[key] = parameters[key] - learning_rate * grads["d" + key]
    return parameters, iterations, costs, snapshots


def assert_close(actual, expected):
    assert list(actual) == list(expected)
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=1e-12, atol=1e-12, err_msg=key)


def assert_costs_close(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a == e if np.isinf(e) else a == pytest.approx(e, rel=1e-12, abs=1e-12)


@pytest.fixture(scope="module")
def circles():
    X, Y, _, _ = load_circles()
    return X, Y


@pytest.mark.parametrize("layers_dims,scale,learning_rate", [
    ([2, 10, 5, 1], "he", 0.05), ([2, 10, 5, 1], 0.0, 0.05), ([2, 10, 5, 1], 10.0, 0.01),
    ([2, 1], "he", 0.05), ([2, 7, 4, 3, 1], "he", 0.05)])
def test_train_matches_the_plain_loop(circles, layers_dims, scale, learning_rate):
    """To rounding: train sums the same numbers in another order. (With huge weights and a
    large rate, gradient descent is chaotic and any such change, like another BLAS, shows.)"""
    X, Y = circles
    parameters = initial(layers_dims, scale)
    before = {key: value.copy() for key, value in parameters.items()}
    seen = []
    trained, history = train(X, Y, parameters, learning_rate=learning_rate, num_iterations=500,
                             record_every=70, progress=False,
                             on_record=lambda i, p: seen.append({k: v.copy() for k, v in p.items()}))
    expected, iterations, costs, snapshots = plain_train(X, Y, parameters, learning_rate, 500, 70)
    assert_close(trained, expected)
    assert history.iterations == iterations
    assert_costs_close(history.costs, costs)
    assert len(seen) == len(snapshots)
    for got, want in zip(seen, snapshots):  # on_record sees the parameters of that moment
        assert_close(got, want)
    assert all(np.array_equal(parameters[k], before[k]) for k in before)  # input untouched
    assert all(value.flags.c_contiguous and value.base is None for value in trained.values())


def test_zero_weights_keep_the_cost_at_ln2_exactly(circles):
    X, Y = circles
    _, history = train(X, Y, initial([2, 10, 5, 1], 0.0), learning_rate=0.01,
                       num_iterations=3000, progress=False)
    assert set(history.costs) == {np.log(2)}


def test_train_with_another_forward_runs_the_plain_loop_bit_for_bit(circles):
    X, Y = circles
    parameters = initial([2, 6, 3, 1])
    trained, history = train(X, Y, parameters, learning_rate=0.1, num_iterations=300,
                             forward=lambda X, p: model_forward(X, p), progress=False)
    expected, iterations, costs, _ = plain_train(X, Y, parameters, 0.1, 300, 100)
    assert all(np.array_equal(trained[k], expected[k]) for k in expected)
    assert history.iterations == iterations and history.costs == costs


def test_train_leaves_numpy_error_handling_to_the_caller(circles):
    X, Y = circles
    states = []
    with warnings.catch_warnings(), np.errstate(over="raise", divide="ignore"):
        warnings.simplefilter("error")  # the saturated sigmoid must not warn...
        _, history = train(X, Y, initial([2, 10, 5, 1], 10.0), learning_rate=0.01,
                           num_iterations=200, progress=False,
                           on_record=lambda i, p: states.append(np.geterr()["over"]))
        assert np.geterr()["over"] == "raise"
    assert history.costs[0] == np.inf
    assert set(states) == {"raise"}  # ...and the callbacks run with the caller's settings


def test_unusual_parameters_still_train(circles):
    """Keys in another order, integer arrays: the result is the plain loop's."""
    X, Y = circles
    parameters = initial([2, 4, 1])
    shuffled = {key: parameters[key] for key in ("b2", "W1", "W2", "b1")}
    trained, _ = train(X, Y, shuffled, learning_rate=0.1, num_iterations=50, progress=False)
    assert list(trained) == ["b2", "W1", "W2", "b1"]
    expected, *_ = plain_train(X, Y, parameters, 0.1, 50, 100)
    assert_close({key: trained[key] for key in expected}, expected)
    integers = {key: np.round(value * 4).astype(int) for key, value in parameters.items()}
    trained, _ = train(X, Y, integers, learning_rate=0.1, num_iterations=50, progress=False)
    expected, *_ = plain_train(X, Y, {k: v.astype(float) for k, v in integers.items()}, 0.1, 50, 100)
    assert_close(trained, expected)


# ---------------------------------------------------------------- mini-batches

def epoch_batches(X, Y, size=64):
    def batches(epoch):
        order = np.random.default_rng(epoch).permutation(X.shape[1])
        return [(X[:, order[k:k + size]], Y[:, order[k:k + size]])
                for k in range(0, X.shape[1], size)]
    return batches


def momentum(learning_rate=0.05, beta=0.9):
    """An update rule with state, in the style of the course: v = beta v + (1 - beta) dW."""
    v = {}

    def step(parameters, grads, t):
        for key in parameters:
            v[key] = beta * v.get(key, 0.0) + (1 - beta) * grads["d" + key]
            parameters[key] = parameters[key] - learning_rate * v[key]
        return parameters
    return step


@pytest.mark.parametrize("layers_dims,scale", [([2, 5, 2, 1], "he"), ([2, 10, 5, 1], 10.0),
                                               ([2, 1], "he")])
def test_train_mini_batches_matches_the_plain_loop(circles, layers_dims, scale):
    X, Y = circles
    parameters = initial(layers_dims, scale)
    batches = epoch_batches(X, Y)
    trained, history = train_mini_batches(X, Y, parameters, num_epochs=40, batches=batches,
                                          step=momentum(), record_every=3, progress=False)
    expected = {key: value.copy() for key, value in parameters.items()}
    step, t, iterations, costs = momentum(), 0, [], []
    for epoch in range(40):
        total = 0.0
        for X_batch, Y_batch in batches(epoch):
            AL, caches = model_forward(X_batch, expected)
            total += compute_cost(AL, Y_batch) * X_batch.shape[1]
            t += 1
            expected = step(expected, model_backward(AL, Y_batch, caches), t)
        if epoch % 3 == 0 or epoch == 39:
            iterations.append(epoch)
            costs.append(total / X.shape[1])
    assert_close(trained, expected)
    assert history.iterations == iterations
    assert_costs_close(history.costs, costs)


def test_mini_batch_gradients_are_fresh_and_shaped_like_the_parameters(circles):
    X, Y = circles
    parameters = initial([2, 5, 2, 1])
    kept = []

    def step(parameters, grads, t):
        assert list(grads) == ["dW3", "db3", "dW2", "db2", "dW1", "db1"]  # model_backward's
        assert all(grads["d" + key].shape == value.shape for key, value in parameters.items())
        kept.append(grads)
        return parameters

    train_mini_batches(X, Y, parameters, num_epochs=2, batches=epoch_batches(X, Y), step=step,
                       progress=False)
    X_batch, Y_batch = epoch_batches(X, Y)(0)[0]
    AL, caches = model_forward(X_batch, parameters)
    assert_close(kept[0], model_backward(AL, Y_batch, caches))  # the first step's gradients
    arrays = [value for grads in kept for value in grads.values()]
    assert not any(np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1:])


def test_mini_batch_cost_is_only_evaluated_in_recorded_epochs(circles):
    X, Y = circles
    calls = []

    def cost(AL, Y):
        calls.append(AL)
        return compute_cost(AL, Y)

    _, history = train_mini_batches(X, Y, initial([2, 3, 1]), num_epochs=7,
                                    batches=epoch_batches(X, Y, 100), step=momentum(),
                                    cost=cost, record_every=3, progress=False)
    assert history.iterations == [0, 3, 6]
    assert len(calls) == 3 * 3
    assert not any(np.shares_memory(a, b) for i, a in enumerate(calls) for b in calls[i + 1:])


def test_a_wrong_update_gets_the_given_functions_error(circles):
    X, Y = circles

    def transposing_step(parameters, grads, t):
        return dict(parameters, W2=parameters["W2"].T)

    with pytest.raises(ValueError) as raised:
        train_mini_batches(X, Y, initial([2, 5, 2, 1]), num_epochs=2,
                           batches=epoch_batches(X, Y), step=transposing_step, progress=False)
    with pytest.raises(ValueError) as plain:
        model_forward(X, dict(initial([2, 5, 2, 1]), W2=np.zeros((5, 2))))
    assert str(raised.value) == str(plain.value)


def adam(learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam written here, key by key, in the style of the course."""
    v, s = {}, {}

    def step(parameters, grads, t):
        for key in parameters:
            d = grads["d" + key]
            v[key] = beta1 * v.get(key, 0.0) + (1 - beta1) * d
            s[key] = beta2 * s.get(key, 0.0) + (1 - beta2) * d ** 2
            v_hat, s_hat = v[key] / (1 - beta1 ** t), s[key] / (1 - beta2 ** t)
            parameters[key] = parameters[key] - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        return parameters
    return step


def plain(forward=model_forward, backward=model_backward):
    """The same functions under other names: the loops then take their plain path."""
    return {"forward": lambda X, p: forward(X, p),
            "backward": lambda AL, Y, caches: backward(AL, Y, caches)}


def fast_path_calls(monkeypatch):
    """A list that gets the batch size of every forward pass of the fast path."""
    calls = []
    original = training._GivenNet.forward

    def counted(net):
        calls.append(net.batch.AL.shape[1])
        return original(net)

    monkeypatch.setattr(training._GivenNet, "forward", counted)
    return calls


def snapshots():
    seen = []
    return seen, lambda moment, p: seen.append({k: v.copy() for k, v in p.items()})


def assert_same_runs(fast, plain):
    """(trained, history, snapshots) of two runs agree to rounding."""
    (trained, history, seen), (expected, expected_history, expected_seen) = fast, plain
    assert_close(trained, expected)
    assert history.iterations == expected_history.iterations
    assert_costs_close(history.costs, expected_history.costs)
    assert len(seen) == len(expected_seen) > 1
    for got, want in zip(seen, expected_seen):
        assert_close(got, want)


@pytest.mark.parametrize("layers_dims", [[2, 5, 2, 1], [2, 1], [2, 30, 20, 1]])
def test_the_fast_path_and_the_plain_loop_agree(circles, monkeypatch, layers_dims):
    """train and train_mini_batches give the same results whether the given net takes the fast
    path (the defaults) or the plain loop (the same functions passed under other names)."""
    X, Y = circles
    parameters = initial(layers_dims)
    calls = fast_path_calls(monkeypatch)
    runs = []
    for options in ({}, plain()):
        seen, on_record = snapshots()
        trained, history = train(X, Y, parameters, learning_rate=0.1, num_iterations=200,
                                 record_every=30, progress=False, on_record=on_record,
                                 **options)
        runs.append((trained, history, seen))
    assert len(calls) == 201  # the defaults took the fast path at every step
    assert_same_runs(*runs)
    for rule in (adam, momentum):
        calls.clear()
        runs = []
        for options in ({}, plain()):
            seen, on_record = snapshots()
            trained, history = train_mini_batches(
                X, Y, parameters, num_epochs=20, batches=epoch_batches(X, Y), step=rule(),
                record_every=7, progress=False, on_record=on_record, **options)
            runs.append((trained, history, seen))
        assert calls == [64, 64, 64, 64, 44] * 20  # the fast path, every step
        assert_same_runs(*runs)


def test_batches_the_fast_path_cannot_take_go_to_the_plain_loop(circles, monkeypatch):
    """Which path serves a batch is decided by its arrays: float32 or integer batches, and
    parameters that an update turned into another type, are trained by the plain loop."""
    X, Y = circles
    parameters = initial([2, 5, 2, 1])
    epochs = epoch_batches(X, Y)

    def mixed(epoch):
        batches = epochs(epoch)
        X_batch, Y_batch = batches[1]
        batches[1] = (X_batch.astype(np.float32), Y_batch)  # plain loop for this one
        return batches

    def float32_every_tenth_step():
        momentum_step = momentum()

        def step(parameters, grads, t):
            parameters = momentum_step(parameters, grads, t)
            if t % 10 == 0:  # the next batch goes to the plain loop as well
                parameters = {key: value.astype(np.float32) for key, value in parameters.items()}
            return parameters
        return step

    calls = fast_path_calls(monkeypatch)
    trained, history = train_mini_batches(X, Y, parameters, num_epochs=6, batches=mixed,
                                          step=float32_every_tenth_step(), progress=False)
    assert len(calls) == 6 * 5 - 6 - 2  # not batch 1 of any epoch, nor steps 11 and 21
    expected, expected_history = train_mini_batches(
        X, Y, parameters, num_epochs=6, batches=mixed, step=float32_every_tenth_step(),
        progress=False, **plain())
    for key in expected:
        np.testing.assert_allclose(trained[key], expected[key], rtol=1e-6, err_msg=key)
    np.testing.assert_allclose(history.costs, expected_history.costs, rtol=1e-6)


def test_the_loops_have_no_speed_options():
    """What a learner can pass is what the notebooks need; how fast it runs is not their
    concern (no packed=, fast=, ...)."""
    assert list(inspect.signature(train).parameters) == [
        "X", "Y", "parameters", "learning_rate", "num_iterations", "forward", "backward",
        "cost", "record_every", "progress", "description", "on_record"]
    assert list(inspect.signature(train_mini_batches).parameters) == [
        "X", "Y", "parameters", "num_epochs", "batches", "step", "forward", "backward", "cost",
        "record_every", "progress", "description", "on_record"]


def test_a_step_that_returns_no_dict_gets_a_clear_error(circles):
    X, Y = circles
    with pytest.raises(TypeError, match="step must return the parameters.*it returned a tuple"):
        train_mini_batches(X, Y, initial([2, 5, 2, 1]), num_epochs=1,
                           batches=epoch_batches(X, Y), step=lambda p, g, t: (p, g),
                           progress=False)


# ---------------------------------------------------------------- progress

class CountingBar:
    def __init__(self, total, description):
        self.n, self.updates = 0, 0
        BARS.append(self)

    def update(self, steps):
        self.n += steps
        self.updates += 1

    def close(self):
        pass


BARS = []


def test_progress_bars_advance_every_few_hundred_steps(circles, monkeypatch):
    X, Y = circles
    monkeypatch.setattr(training, "progress_bar", CountingBar)
    BARS.clear()
    train(X, Y, initial([2, 3, 1]), learning_rate=0.1, num_iterations=3000, record_every=10)
    train_mini_batches(X, Y, initial([2, 3, 1]), num_epochs=600, batches=epoch_batches(X, Y),
                       step=momentum())
    full, mini = BARS
    assert full.n == 3000 and full.updates <= 3000 // PROGRESS_EVERY + 2
    assert mini.n == 600 and mini.updates <= 600 * 5 // PROGRESS_EVERY + 2


def test_compute_cost_is_the_mean_cross_entropy_to_the_last_bit():
    rng = np.random.default_rng(0)
    for trial in range(200):
        AL = rng.random((1, int(rng.integers(1, 500)))) ** int(rng.integers(1, 30))
        AL[0, 0] = [0.5, 1.0, 0.0][trial % 3]
        Y = rng.random(AL.shape) < 0.5
        with np.errstate(divide="ignore"):
            expected = np.mean(np.where(Y, -np.log(AL), -np.log1p(-AL)))
        assert compute_cost(AL, Y.astype(int)) == expected
