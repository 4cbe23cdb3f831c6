"""The given gradient-checking helpers: flattening round-trips, the order the gradients follow,
per-parameter differences against a hand computation, and errors that say what went wrong."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from helpers.gradcheck import (THRESHOLD, dictionary_to_vector, gradients_to_vector,
                               plot_relative_differences, relative_differences, report_check,
                               vector_to_dictionary)


def parameters_for(layers_dims, seed=0):
    rng = np.random.default_rng(seed)
    return {key: value for l in range(1, len(layers_dims))
            for key, value in ((f"W{l}", rng.standard_normal((layers_dims[l], layers_dims[l - 1]))),
                               (f"b{l}", rng.standard_normal((layers_dims[l], 1))))}


@pytest.mark.parametrize("layers_dims", [[4, 5, 3, 1], [2, 1], [3, 7, 1]])
def test_dictionary_round_trip(layers_dims):
    parameters = parameters_for(layers_dims)
    theta, layout = dictionary_to_vector(parameters)
    n = sum(value.size for value in parameters.values())
    assert theta.shape == (n, 1)
    assert [key for key, _ in layout] == list(parameters)
    back = vector_to_dictionary(theta, layout)
    assert list(back) == list(parameters)
    for key, value in parameters.items():
        assert back[key].shape == value.shape
        np.testing.assert_array_equal(back[key], value)
    # and the other way round: vector -> dict -> vector gives the same vector
    np.testing.assert_array_equal(dictionary_to_vector(back)[0], theta)


def test_vector_layout_is_W1_rows_then_b1_then_W2():
    parameters = {"W1": np.array([[1.0, 2.0], [3.0, 4.0]]), "b1": np.array([[5.0], [6.0]]),
                  "W2": np.array([[7.0, 8.0]]), "b2": np.array([[9.0]])}
    theta, _ = dictionary_to_vector(parameters)
    np.testing.assert_array_equal(theta.ravel(), np.arange(1.0, 10.0))


def test_vector_to_dictionary_returns_fresh_arrays():
    parameters = parameters_for([3, 2, 1])
    theta, layout = dictionary_to_vector(parameters)
    back = vector_to_dictionary(theta, layout)
    back["W1"][0, 0] += 1.0
    assert theta[0, 0] == parameters["W1"][0, 0]
    theta[1, 0] += 1.0
    assert back["W1"][0, 1] == parameters["W1"][0, 1]
    # a flat (n,) vector works as well as a column
    np.testing.assert_array_equal(vector_to_dictionary(theta.ravel(), layout)["b2"],
                                  vector_to_dictionary(theta, layout)["b2"])


def test_gradients_follow_the_parameters_order_and_ignore_other_keys():
    parameters = parameters_for([3, 4, 1])
    theta, layout = dictionary_to_vector(parameters)
    # gradients built in reverse order, with extra intermediate values, as backprop makes them
    gradients = {"dA1": np.ones((4, 5)), "db2": parameters["b2"] * 2, "dW2": parameters["W2"] * 2,
                 "dZ2": np.ones((1, 5)), "db1": parameters["b1"] * 2, "dW1": parameters["W1"] * 2}
    np.testing.assert_array_equal(gradients_to_vector(gradients, layout), 2 * theta)


def test_helpers_fail_with_a_message_naming_the_problem():
    parameters = parameters_for([3, 2, 1])
    theta, layout = dictionary_to_vector(parameters)
    with pytest.raises(ValueError, match="theta has 10 entries; the layout needs 11"):
        vector_to_dictionary(theta[:-1], layout)
    gradients = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    del gradients["db2"]
    with pytest.raises(KeyError, match="no 'db2'"):
        gradients_to_vector(gradients, layout)
    gradients["db2"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"db2 has shape \(1,\); b2 has shape \(1, 1\)"):
        gradients_to_vector(gradients, layout)
    with pytest.raises(ValueError, match="empty"):
        dictionary_to_vector({})


def test_relative_differences_single_out_the_wrong_array():
    parameters = parameters_for([3, 4, 2, 1], seed=3)
    theta, layout = dictionary_to_vector(parameters)
    grad = theta.copy()  # any vector serves as "the true gradient"
    wrong = grad.copy()
    start = parameters["W1"].size + parameters["b1"].size
    stop = start + parameters["W2"].size
    wrong[start:stop] *= 2  # dW2 doubled
    differences = relative_differences(wrong, grad, layout)
    assert list(differences) == list(parameters)
    # ||2g - g|| / (||2g|| + ||g||) = 1/3 for the doubled array, 0 for the others
    assert differences["W2"] == pytest.approx(1 / 3)
    assert all(differences[key] == 0.0 for key in differences if key != "W2")
    zeros = np.zeros_like(grad)
    assert set(relative_differences(zeros, zeros, layout).values()) == {0.0}


def test_report_check_words_the_callers_verdict(capsys):
    report_check(np.float64(3e-10), True)
    report_check(np.array([[0.25]]), False)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("\u2714") and "3.00e-10" in lines[0] and f"{THRESHOLD:g}" in lines[0]
    assert lines[1].startswith("\u2718") and "2.50e-01" in lines[1]


def test_plot_draws_one_bar_per_parameter_and_check():
    differences = {"W1": 1e-9, "b1": 0.5, "W2": 0.0}
    ax = plot_relative_differences({"before": differences, "after": dict.fromkeys(differences, 1e-9)})
    assert len(ax.patches) == 6
    assert ax.get_yscale() == "log"
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["W1", "b1", "W2"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(plot_relative_differences(differences).patches) == 3
