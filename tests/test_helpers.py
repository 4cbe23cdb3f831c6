"""The given code in helpers, against independent oracles: backward passes against centred
finite differences, loaders against files broken on purpose."""

import json
import shutil

import numpy as np
import pytest

from helpers import network
from helpers.checks import numerical_gradients
from helpers.datasets import DatasetError, load_circles, load_dataset
from helpers.display import ResultsTable
from helpers.training import History, train, train_mini_batches


def random_parameters(layers_dims, rng):
    return {key: value for l in range(1, len(layers_dims))
            for key, value in ((f"W{l}", rng.standard_normal((layers_dims[l], layers_dims[l - 1]))),
                               (f"b{l}", rng.standard_normal((layers_dims[l], 1))))}


@pytest.mark.parametrize("layers_dims,seed", [([3, 4, 1], 0), ([2, 5, 3, 1], 1), ([4, 1], 2)])
def test_model_backward_matches_numerical_gradients(layers_dims, seed):
    rng = np.random.default_rng(seed)
    parameters = random_parameters(layers_dims, rng)
    X = rng.standard_normal((layers_dims[0], 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    AL, caches = network.model_forward(X, parameters)
    grads = network.model_backward(AL, Y, caches)
    # centred differences of the cost: an oracle that only needs the forward pass
    expected = numerical_gradients(
        lambda p: network.compute_cost(network.model_forward(X, p)[0], Y), parameters)
    assert set(grads) == set(expected)
    for key in expected:
        assert grads[key].shape == expected[key].shape
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-5, atol=1e-7, err_msg=key)


def test_linear_backward_divides_by_m():
    rng = np.random.default_rng(0)
    A_prev, W = rng.standard_normal((3, 5)), rng.standard_normal((2, 3))
    dZ = rng.standard_normal((2, 5))
    _, dW, db = network.linear_backward(dZ, (A_prev, W))
    np.testing.assert_allclose(dW, sum(np.outer(dZ[:, i], A_prev[:, i]) for i in range(5)) / 5)
    np.testing.assert_allclose(db[:, 0], dZ.mean(axis=1))


def test_sigmoid_is_stable_and_cost_is_inf_when_saturated_wrong():
    Z = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(all="raise"):
        A = network.sigmoid(Z)
    np.testing.assert_allclose(A, [[0.0, 0.5, 1.0]])
    assert network.compute_cost(np.array([[1.0]]), np.array([[0]])) == np.inf
    assert network.compute_cost(np.array([[0.5, 0.5]]), np.array([[0, 1]])) == pytest.approx(np.log(2))


def test_predict_and_accuracy():
    parameters = {"W1": np.array([[1.0, 0.0]]), "b1": np.zeros((1, 1))}
    X = np.array([[2.0, -2.0, 1.0], [0.0, 0.0, 5.0]])
    assert network.predict(X, parameters).tolist() == [[1, 0, 1]]
    assert network.accuracy(X, np.array([[1, 1, 1]]), parameters) == pytest.approx(2 / 3)


def test_train_decreases_cost_and_leaves_input_unchanged():
    X, Y, _, _ = load_circles()
    rng = np.random.default_rng(0)
    parameters = {k: v * 0.5 for k, v in random_parameters([2, 6, 1], rng).items()}
    before = {k: v.copy() for k, v in parameters.items()}
    seen = []
    trained, history = train(X, Y, parameters, learning_rate=0.5, num_iterations=300,
                             record_every=100, progress=False,
                             on_record=lambda i, p: seen.append(i))
    assert history.iterations == [0, 100, 200, 300] == seen
    assert history.costs[-1] < history.costs[0]
    assert all(np.array_equal(parameters[k], before[k]) for k in before)


def test_train_mini_batches_counts_steps_and_records_weighted_cost():
    X, Y, _, _ = load_circles()
    rng = np.random.default_rng(1)
    parameters = random_parameters([2, 3, 1], rng)
    steps = []

    def batches(epoch):
        return [(X[:, :100], Y[:, :100]), (X[:, 100:], Y[:, 100:])]

    def step(params, grads, t):
        steps.append(t)
        return {k: params[k] - 0.1 * grads["d" + k] for k in params}

    _, history = train_mini_batches(X, Y, parameters, num_epochs=3, batches=batches, step=step,
                                    progress=False)
    assert steps == [1, 2, 3, 4, 5, 6]
    assert history.iterations == [0, 1, 2]
    assert isinstance(history, History) and len(history.costs) == 3


def test_results_table_renders_text_html_and_json():
    table = ResultsTable([{"init": "He", "train accuracy": 0.99, "first cost": float("inf")}],
                         name="demo")
    assert "99.0%" in repr(table) and "<table>" in table._repr_html_()
    data = table.as_json()
    json.dumps(data)  # JSON-serialisable even with inf
    assert data["name"] == "demo" and data["rows"][0]["train accuracy"] == 0.99
    # Jupyter gets the HTML table; the rows go under a type no front end draws as a tree
    from IPython.core.formatters import DisplayFormatter
    shown, _ = DisplayFormatter().format(table)
    assert "<table>" in shown["text/html"] and "application/json" not in shown
    assert shown["application/vnd.course.results+json"] == data


# ---------------------------------------------------------------- loaders

def test_circles_loads_with_the_documented_shapes():
    X_train, Y_train, X_test, Y_test = load_circles()
    assert X_train.shape == (2, 300) and Y_train.shape == (1, 300)
    assert X_test.shape == (2, 100) and Y_test.shape == (1, 100)
    assert set(np.unique(Y_train)) == {0, 1}


@pytest.fixture
def data_copy(tmp_path, root):
    for name in ("circles.npz", "checksums.json"):
        shutil.copy(root / "datasets" / name, tmp_path / name)
    return tmp_path


def test_missing_file_names_the_file_and_the_fix(data_copy):
    (data_copy / "circles.npz").unlink()
    with pytest.raises(DatasetError, match=r"circles\.npz: file not found.*make_datasets\.py circles"):
        load_circles(data_copy)


def test_altered_file_is_refused(data_copy):
    path = data_copy / "circles.npz"
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(DatasetError, match=r"circles\.npz: file is corrupt \(its SHA-256"):
        load_circles(data_copy)


def test_unreadable_file_is_refused_without_a_checksum(data_copy):
    (data_copy / "checksums.json").unlink()
    (data_copy / "circles.npz").write_bytes(b"not a zip file")
    with pytest.raises(DatasetError, match=r"circles\.npz: file is corrupt and cannot be read"):
        load_circles(data_copy)


@pytest.mark.parametrize("arrays,message", [
    ({"X_train": np.zeros((2, 3)), "Y_train": np.zeros((1, 3), int)}, "expected arrays"),
    ({"X_train": np.zeros((3, 3)), "Y_train": np.zeros((1, 3), int), "X_test": np.zeros((2, 1)),
      "Y_test": np.zeros((1, 1), int)}, r"X_train has shape \(3, 3\); expected \(2, m\)"),
    ({"X_train": np.zeros((2, 3)), "Y_train": np.zeros((1, 4), int), "X_test": np.zeros((2, 1)),
      "Y_test": np.zeros((1, 1), int)}, r"Y_train has shape \(1, 4\); expected \(1, 3\)"),
    ({"X_train": np.full((2, 3), np.nan), "Y_train": np.zeros((1, 3), int),
      "X_test": np.zeros((2, 1)), "Y_test": np.zeros((1, 1), int)}, "finite floats"),
    ({"X_train": np.zeros((2, 3)), "Y_train": np.full((1, 3), 2), "X_test": np.zeros((2, 1)),
      "Y_test": np.zeros((1, 1), int)}, r"labels in \[0, 1\]"),
])
def test_malformed_contents_are_named(tmp_path, arrays, message):
    np.savez(tmp_path / "broken.npz", **arrays)
    with pytest.raises(DatasetError, match=message):
        load_dataset("broken", tmp_path)


def test_make_datasets_is_deterministic(tmp_path, root):
    import hashlib
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_datasets",
                                                  root / "datasets" / "make_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recorded = json.loads((root / "datasets" / "checksums.json").read_text())
    for name, make in module.DATASETS.items():
        data = module.npz_bytes(make())
        assert hashlib.sha256(data).hexdigest() == recorded[f"{name}.npz"], name
