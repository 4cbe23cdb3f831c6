"""Visible checks for Assignment 6 (PyTorch), and the diagnostics they share with the
autograder's hidden tests.

Two kinds of functions live here. ``outcome_*`` functions call the learner's function with
PyTorch objects they build themselves and return plain data (numbers, strings, NumPy arrays):
the visible checks and the grading worker's probes use them. ``*_problem`` functions look at
that plain data with NumPy only (independent oracles: the given NumPy network, the formulas of
the cost and of batch norm) and return the first Problem, or None: the visible checks and the
hidden judges use them. Only the ``outcome_*`` functions import torch, and only when called.
"""

import numpy as np

from helpers.checks import fail, passed, random_net
from helpers.checks.initialization import Problem
from helpers.network import model_backward, model_forward, sigmoid

# Layers big enough for the empirical std of W1 and W2 to be within about 1% of the true one,
# with fan-in != fan-out.
LARGE_DIMS = [300, 200, 100, 1]
LARGE_SOFTMAX_DIMS = [300, 200, 100, 3]
BN_EPSILON = 1e-5


def _torch():
    import torch
    return torch


def _error_text(error):
    return f"{type(error).__name__}: {error}"[:400]


def call(outcome, function, *args):
    """``outcome(function, *args)``; a stub that still raises NotImplementedError becomes a
    friendly CheckFailed naming the learner's function."""
    __tracebackhide__ = True
    try:
        return outcome(function, *args)
    except NotImplementedError:
        pass  # fail outside the handler: one message, not two tracebacks
    fail(f"{getattr(function, '__name__', 'your function')} is not implemented yet: replace "
         "`raise NotImplementedError()` with your code.")


def linears_of(model):
    """The nn.Linear modules of ``model`` in registration order."""
    nn = _torch().nn
    return [module for module in model.modules() if isinstance(module, nn.Linear)]


def flat_parameters(model):
    """W1, b1, W2, b2, ... of ``model`` as one NumPy vector (row-major, the course's order)."""
    parts = []
    for layer in linears_of(model):
        parts.append(layer.weight.detach().numpy().ravel())
        if layer.bias is not None:
            parts.append(layer.bias.detach().numpy().ravel())
    return np.concatenate(parts).copy()


def torch_net(parameters):
    """A float64 [LINEAR -> RELU] * (L - 1) -> LINEAR nn.Sequential holding ``parameters``
    (W1 (n_1, n_0), b1 (n_1, 1), ...), built without any of the learner's functions."""
    torch = _torch()
    nn = torch.nn
    L = len(parameters) // 2
    modules = []
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        layer = nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        layer.weight = nn.Parameter(torch.tensor(W))
        layer.bias = nn.Parameter(torch.tensor(parameters[f"b{l}"][:, 0]))
        modules += [layer, nn.ReLU()] if l < L else [layer]
    return nn.Sequential(*modules)


def rows_input(n_x, m, seed):
    """Examples as rows, (m, n_x), for calling a model."""
    return np.random.default_rng(seed).standard_normal((m, n_x))


# ------------------------------------------------------------------ models (build_*)

def outcome_model(function, layers_dims, seed, X_rows):
    """What ``function(layers_dims, seed=seed)`` built, as plain data: each linear layer's
    weight and bias (None when it has none) and dtype, its batch-norm and softmax modules, and
    its output on X_rows (m, n_x) in training mode."""
    torch = _torch()
    nn = torch.nn
    model = function(list(layers_dims), seed=seed)
    if not isinstance(model, nn.Module):
        return {"type": type(model).__name__}
    layers = linears_of(model)
    norms = [module for module in model.modules() if isinstance(module, nn.BatchNorm1d)]
    found = {
        "type": "Module",
        "weights": [layer.weight.detach().numpy().copy() for layer in layers],
        "biases": [None if layer.bias is None else layer.bias.detach().numpy().copy()
                   for layer in layers],
        "dtypes": sorted({str(p.dtype).replace("torch.", "") for p in model.parameters()}),
        "batchnorms": len(norms),
        "gammas": [norm.weight.detach().numpy().copy() for norm in norms
                   if norm.weight is not None],
        "betas": [norm.bias.detach().numpy().copy() for norm in norms if norm.bias is not None],
        "softmaxes": sum(isinstance(module, (nn.Softmax, nn.LogSoftmax, nn.Sigmoid))
                         for module in model.modules()),
    }
    dtype = layers[0].weight.dtype if layers else torch.float64
    model.train()
    try:
        with torch.no_grad():
            found["output"] = model(torch.from_numpy(X_rows).to(dtype)).numpy().astype(float)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's model is data here
        found["forward_error"] = _error_text(error)
    return found


def _relu_forward(weights, biases, X_rows, norms=None):
    """Logits (m, n_L) of LINEAR [-> BATCHNORM] -> RELU ... -> LINEAR on rows, in NumPy, with
    batch norm in training mode (batch mean and 1/m variance)."""
    A = X_rows
    for l, (W, b) in enumerate(zip(weights, biases)):
        Z = A @ W.T + (0.0 if b is None else b)
        if l == len(weights) - 1:
            return Z
        if norms is not None:
            gamma, beta = norms[0][l], norms[1][l]
            Z = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + BN_EPSILON) * gamma + beta
        A = np.maximum(Z, 0.0)


def model_problem(found, layers_dims, X_rows, name, batch_norm=False):
    """The first Problem with a model's structure, dtype or output, or None."""
    L = len(layers_dims) - 1
    if found.get("type") != "Module":
        return Problem("not_module", f"{name} returned a {found.get('type')}; expected a torch "
                       "model (an nn.Sequential or nn.Module). Did you forget the `return`?")
    weights, biases = found["weights"], found["biases"]
    if any(dtype != "float64" for dtype in found["dtypes"]):
        return Problem("float32", f"The model's parameters are {', '.join(found['dtypes'])}; "
                       "expected float64: pass dtype=torch.float64 to every layer (PyTorch's "
                       "default is float32).")
    if len(weights) != L:
        return Problem("layers", f"{name}({layers_dims}) has {len(weights)} nn.Linear layers; "
                       f"expected {L}, one per layer after the input.")
    for l, W in enumerate(weights, start=1):
        expected = (layers_dims[l], layers_dims[l - 1])
        if W.shape != expected:
            return Problem("layers", f"Layer {l}'s weight has shape {W.shape}; expected "
                           f"{expected}: nn.Linear(n_(l-1), n_l) has weight (n_l, n_(l-1)).")
    if batch_norm:
        if any(b is not None for b in biases[:-1]):
            return Problem("bias_before_bn", "A hidden nn.Linear has a bias; batch norm's beta "
                           "replaces it: use bias=False before nn.BatchNorm1d.")
        if found["batchnorms"] != L - 1:
            return Problem("no_batchnorm", f"The model has {found['batchnorms']} "
                           f"nn.BatchNorm1d layers; expected {L - 1}, one per hidden layer.")
    if biases[-1] is None:
        return Problem("layers", "The last nn.Linear has no bias; only layers before batch "
                       "norm go without one.")
    if "forward_error" in found:
        return Problem("forward_error", f"Calling the model on a batch failed: "
                       f"{found['forward_error']}")
    output = found["output"]
    norms = (found["gammas"], found["betas"]) if batch_norm else None
    if batch_norm and (len(norms[0]) != L - 1 or len(norms[1]) != L - 1):
        return Problem("no_batchnorm", "Each nn.BatchNorm1d should keep its learnable gamma "
                       "and beta (affine=True, the default).")
    logits = _relu_forward(weights, biases, X_rows, norms)
    if output.shape != logits.shape:
        return Problem("output_shape", f"The model's output on a batch of shape {X_rows.shape} "
                       f"has shape {output.shape}; expected {logits.shape}.")
    if np.allclose(output, logits, rtol=1e-7, atol=1e-9):
        return None
    if np.allclose(output, sigmoid(logits), rtol=1e-7, atol=1e-9):
        return Problem("sigmoid_output", "The model ends in a sigmoid: it should return logits "
                       "(the cost takes logits and applies the sigmoid itself).")
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    if np.allclose(output, shifted / shifted.sum(axis=1, keepdims=True), rtol=1e-7, atol=1e-9):
        return Problem("softmax_output", "The model ends in a softmax: it should return logits, "
                       "because nn.CrossEntropyLoss applies the softmax itself.")
    return Problem("not_logits", "The model's output is not LINEAR -> RELU -> ... -> LINEAR of "
                   "its own weights: is a ReLU missing, or a layer out of order?")


def weight_statistics(found):
    """Per layer of a model from outcome_model: std, kurtosis and largest |value| of the
    weights, largest |bias|, and a fingerprint of the first weights (for comparing seeds)."""
    rows = []
    for W, b in zip(found["weights"], found["biases"]):
        centred = W - W.mean()
        std = float(W.std())
        rows.append({"shape": list(W.shape), "std": std,
                     "kurtosis": float(np.mean(centred ** 4) / max(std, 1e-300) ** 4),
                     "max_abs": float(np.abs(W).max()),
                     "bias_max_abs": 0.0 if b is None else float(np.abs(b).max()),
                     "first": W.ravel()[:6].copy()})
    return rows


def init_problem(statistics, again, other_seed, name):
    """The first Problem with He initialization, or None. ``statistics``: weight_statistics
    of a model with LARGE dims; ``again``: of the same seed built a second time (after the
    global torch generator moved); ``other_seed``: of another seed."""
    for l, row in enumerate(statistics, start=1):
        n, n_prev = row["shape"]
        if row["bias_max_abs"] != 0.0:
            if row["max_abs"] <= 1 / np.sqrt(n_prev) * (1 + 1e-9):
                return Problem("default_init", "Your weights and biases are PyTorch's default "
                               "initialization (uniform in +-1/sqrt(n_(l-1))): overwrite them "
                               "with He-normal weights and zero biases.")
            return Problem("bias_nonzero", f"The biases of layer {l} are not zero.")
        if n * n_prev < 10_000:  # too few weights for a reliable std
            continue
        he = np.sqrt(2 / n_prev)
        if row["max_abs"] <= 1 / np.sqrt(n_prev) * (1 + 1e-9):
            return Problem("default_init", "Your weights are PyTorch's default initialization "
                           "(uniform in +-1/sqrt(n_(l-1))): overwrite them with He-normal "
                           "weights.")
        if abs(row["std"] / he - 1) > 0.05:
            if abs(row["std"] / np.sqrt(2 / n) - 1) < 0.05:
                return Problem("fan_out", f"Layer {l}'s weights are scaled with sqrt(2 / n_l), "
                               "the fan-out; He uses the fan-in, n_(l-1) = layers_dims[l - 1].")
            return Problem("scale", f"Layer {l}'s weights have std {row['std']:.3g}; He "
                           f"initialization gives sqrt(2 / n_(l-1)) = {he:.3g}.")
        if row["kurtosis"] < 2.5:
            return Problem("uniform", f"Layer {l}'s weights look uniformly distributed; He "
                           "initialization draws them from a normal distribution.")
    if any(not np.array_equal(a["first"], b["first"]) for a, b in zip(statistics, again)):
        return Problem("unseeded", f"{name} with the same seed gave different weights: draw "
                       "with generator=generator, not from torch's global generator.")
    if all(np.array_equal(a["first"], b["first"]) for a, b in zip(statistics, other_seed)):
        return Problem("seed_ignored", f"{name} gave the same weights for different seeds: use "
                       "the generator made from `seed`.")
    return None


def _check_model(function, name, dims, large_dims, batch_norm):
    __tracebackhide__ = True
    torch = _torch()
    X_rows = rows_input(dims[0], 16, 0)
    found = call(outcome_model, function, dims, 1, X_rows)
    problem = model_problem(found, dims, X_rows, name, batch_norm)
    if problem:
        fail(problem.message)
    big_rows = rows_input(large_dims[0], 8, 1)
    big = weight_statistics(outcome_model(function, large_dims, 0, big_rows))
    torch.manual_seed(12345)  # moves torch's global generator between the two builds
    again = weight_statistics(outcome_model(function, large_dims, 0, big_rows))
    other = weight_statistics(outcome_model(function, large_dims, 1, big_rows))
    problem = init_problem(big, again, other, name)
    if problem:
        fail(problem.message)
    passed(name)


def check_build_model(build_model):
    __tracebackhide__ = True
    _check_model(build_model, "build_model", [3, 5, 4, 1], LARGE_DIMS, False)


def check_build_softmax_model(build_softmax_model):
    __tracebackhide__ = True
    _check_model(build_softmax_model, "build_softmax_model", [3, 6, 5, 3], LARGE_SOFTMAX_DIMS,
                 True)


# ------------------------------------------------------------------ load_parameters

def outcome_load(function, parameters, m=6, seed=2):
    """Load ``parameters`` into a fresh float64 net of the right sizes with ``function`` and
    report: whether the same object came back, whether the model still holds the Parameter
    objects it had (and an optimizer made before sees the values), the values it holds and
    its output on rows."""
    torch = _torch()
    shapes = {key: np.zeros_like(value) for key, value in parameters.items()}
    model = torch_net(shapes)
    before = [id(p) for p in model.parameters()]
    try:
        returned = function(model, {key: value.copy() for key, value in parameters.items()})
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's error is data
        return {"raised": _error_text(error)}
    found = {"same_model": returned is model,
             "same_parameters": [id(p) for p in model.parameters()] == before,
             "values": flat_parameters(model)}
    X_rows = rows_input(parameters["W1"].shape[1], m, seed)
    with torch.no_grad():
        found["output"] = model(torch.from_numpy(X_rows)).numpy().copy()
    return found


def load_problem(found, parameters):
    flat = np.concatenate([parameters[key].ravel() for key in sorted(
        parameters, key=lambda k: (int(k[1:]), k[0] != "W"))])
    if "raised" in found:
        if "size" in found["raised"] or "shape" in found["raised"]:
            return Problem("transposed", "Copying a weight failed on its shape: nn.Linear's "
                           "weight is (n_l, n_(l-1)), the same as the course's W^[l]; copy it "
                           "as it is.")
        return Problem("raised", f"load_parameters raised {found['raised']}")
    if not found["same_model"]:
        return Problem("not_same_model", "load_parameters should return the model it was "
                       "given (changed in place), not a new one.")
    if not found["same_parameters"]:
        return Problem("replaced_parameters", "The model's Parameter objects were replaced: an "
                       "optimizer made before no longer sees them. Copy the values in place "
                       "with parameter.copy_(...) under torch.no_grad().")
    if found["values"].shape == flat.shape and np.allclose(found["values"], flat, rtol=0,
                                                           atol=1e-15):
        return None
    transposed = np.concatenate([
        (parameters[key].T if key[0] == "W" else parameters[key]).ravel() for key in sorted(
            parameters, key=lambda k: (int(k[1:]), k[0] != "W"))])
    if found["values"].shape == transposed.shape and np.allclose(found["values"], transposed):
        return Problem("transposed", "The weights were copied transposed: nn.Linear's weight is "
                       "(n_l, n_(l-1)), the same as the course's W^[l]; copy it as it is.")
    return Problem("wrong_values", "The model does not hold the NumPy parameters after "
                   "load_parameters: copy W^[l] into layer l's weight and b^[l] into its bias.")


def check_load_parameters(load_parameters):
    __tracebackhide__ = True
    parameters, _, _ = random_net([4, 4, 3, 1], 2, seed=5)  # a square layer shows transposes
    found = call(outcome_load, load_parameters, parameters)
    problem = load_problem(found, parameters)
    if problem:
        fail(problem.message)
    passed("load_parameters")


# ------------------------------------------------------------------ compute_cost_from_logits

def cost_case(m, seed, scale=3.0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((1, m)) * scale, (rng.random((1, m)) < 0.5).astype(float)


LARGE_LOGITS = (np.array([[800.0, -800.0, 40.0, -40.0, 0.5]]),
                np.array([[0.0, 1.0, 0.0, 1.0, 1.0]]))


def outcome_cost(function, logits, Y):
    """Call ``function`` on float64 tensors (logits with requires_grad) and report what came
    back: kind, shape, value, and the gradient with respect to the logits."""
    torch = _torch()
    z = torch.tensor(logits, requires_grad=True)
    try:
        value = function(z, torch.tensor(Y))
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's error is data
        return {"raised": _error_text(error)}
    if not torch.is_tensor(value):
        number = value if isinstance(value, (int, float)) else None
        return {"kind": type(value).__name__, "value": None if number is None else float(number)}
    found = {"kind": "tensor", "shape": list(value.shape)}
    if value.numel() == 1:
        found["value"] = float(value.detach().reshape(()).item())
        if value.requires_grad:
            value.reshape(()).backward()
            found["grad"] = None if z.grad is None else z.grad.numpy().copy()
    return found


def _losses(logits, Y):
    return np.maximum(logits, 0) - logits * Y + np.log1p(np.exp(-np.abs(logits)))


def cost_problem(found, logits, Y):
    m = logits.shape[1]
    expected = float(_losses(logits, Y).mean())
    layout = ("labels_layout", "The labels and logits have different shapes, (m, 1) against "
              "(1, m): the cost compares every logit with every label. Keep both (1, m).")
    if "raised" in found:
        if "size" in found["raised"] or "shape" in found["raised"]:
            return Problem(*layout)
        return Problem("raised", f"compute_cost_from_logits raised {found['raised']}")
    if found["kind"] != "tensor":
        return Problem("not_tensor", f"compute_cost_from_logits returned a {found['kind']}; "
                       "expected a 0-d tensor, which autograd can differentiate (no .item() "
                       "or NumPy here).")
    if found["shape"] == [m, m] and m > 1:
        return Problem(*layout)
    if found["shape"] != []:
        return Problem("not_scalar", f"The cost has shape {tuple(found['shape'])}; expected a "
                       "0-d tensor, the mean over the m examples.")
    value = found["value"]
    if not np.isfinite(value):
        return Problem("unstable", f"The cost is {value} on large logits: sigmoid then log "
                       "gives log(0). Compute it from the logits (binary_cross_entropy_with_"
                       "logits, or max(z, 0) - z y + log(1 + exp(-|z|))).")
    if np.isclose(value, expected, rtol=1e-9, atol=1e-12):
        grad = found.get("grad")
        if grad is None:
            return Problem("not_differentiable", "The cost is right but autograd cannot "
                           "differentiate it: compute it with torch operations on the logits.")
        if not np.allclose(grad, (sigmoid(logits) - Y) / m, rtol=1e-7, atol=1e-12):
            return Problem("wrong_gradient", "The cost's value is right but its gradient is "
                           "not: is part of it computed outside torch?")
        return None
    if np.isclose(value, expected * m, rtol=1e-9):
        return Problem("summed", "The cost is the sum over the examples; expected the mean.")
    if np.isclose(value, float(_losses(logits, Y.T).mean()), rtol=1e-9):
        return Problem(*layout)
    return Problem("wrong_value", "The cost has the wrong value: is it the mean of "
                   "-(y log a + (1 - y) log(1 - a)) with a = sigmoid(z)?")


def check_compute_cost_from_logits(compute_cost_from_logits):
    __tracebackhide__ = True
    for logits, Y in (cost_case(7, 0), LARGE_LOGITS):
        found = call(outcome_cost, compute_cost_from_logits, logits, Y)
        problem = cost_problem(found, logits, Y)
        if problem:
            fail(problem.message)
    passed("compute_cost_from_logits")


# ------------------------------------------------------------------ autograd_gradients

def outcome_gradients(function, parameters, X, Y):
    """Call ``function`` twice on one float64 net holding ``parameters`` (X (n_x, m), Y
    (1, m) tensors); report both results as NumPy dicts, and whether any value was a tensor."""
    torch = _torch()
    model = torch_net(parameters)
    found = {"tensors": False}
    for call_name in ("first", "second"):
        try:
            grads = function(model, torch.from_numpy(X), torch.from_numpy(Y))
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's error is data
            return {"raised": _error_text(error)}
        if not isinstance(grads, dict):
            return {"type": type(grads).__name__}
        values = {}
        for key, value in grads.items():
            if torch.is_tensor(value):
                found["tensors"] = True
                value = value.detach().numpy()
            values[str(key)] = np.array(value, dtype=float)
        found[call_name] = values
    return found


def gradients_problem(found, parameters, X, Y):
    AL, caches = model_forward(X, parameters)
    expected = model_backward(AL, Y, caches)
    if "raised" in found:
        if "size" in found["raised"] or "shape" in found["raised"]:
            return Problem("logits_layout", "The model returns logits (m, 1), examples as rows; "
                           "transpose them to the course's (1, m) before the cost.")
        return Problem("raised", f"autograd_gradients raised {found['raised']}")
    if "type" in found:
        return Problem("type", f"autograd_gradients returned a {found['type']}; expected a "
                       "dict of NumPy arrays.")
    first, second = found["first"], found["second"]
    if set(first) != set(expected):
        return Problem("keys", f"The gradients have keys {sorted(first)}; expected "
                       f"{sorted(expected)}.")
    for key in expected:
        if first[key].shape != expected[key].shape:
            if first[key].shape == expected[key].shape[::-1] and key[1] == "W":
                return Problem("transposed", f"{key} has shape {first[key].shape}; expected "
                               f"{expected[key].shape}: weight.grad is already (n_l, n_(l-1)).")
            return Problem("db_shape" if key[1] == "b" else "shape",
                           f"{key} has shape {first[key].shape}; expected "
                           f"{expected[key].shape} (bias.grad is (n_l,): reshape it).")
    close = all(np.allclose(first[key], expected[key], rtol=1e-8, atol=1e-12)
                for key in expected)
    if not close:
        return Problem("wrong_values", "The gradients differ from backprop's: is the cost the "
                       "mean cross-entropy of the model's logits?")
    if not all(np.allclose(second[key], expected[key], rtol=1e-8, atol=1e-12)
               for key in expected):
        if all(np.allclose(second[key], 2 * expected[key], rtol=1e-8, atol=1e-12)
               for key in expected):
            return Problem("not_zeroed", "A second call doubled the gradients: backward() adds "
                           "to .grad, so call model.zero_grad() first.")
        return Problem("second_call", "A second call on the same model gave other gradients.")
    if found["tensors"]:
        return Problem("not_numpy", "The gradients are tensors; expected NumPy arrays "
                       "(.numpy().copy()).")
    return None


def check_autograd_gradients(autograd_gradients):
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 5, 4, 1], 9, seed=4)
    found = call(outcome_gradients, autograd_gradients, parameters, X, Y)
    problem = gradients_problem(found, parameters, X, Y)
    if problem:
        fail(problem.message)
    passed("autograd_gradients")


# ------------------------------------------------------------------ train_step

def outcome_steps(function, parameters, X, Y, learning_rate, steps):
    """Call ``function`` ``steps`` times with an SGD optimizer (made here) of a float64 net
    holding ``parameters``; report the returned values and types, and the weights after each
    step as flat vectors."""
    torch = _torch()
    model = torch_net(parameters)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    found = {"types": [], "costs": [], "weights": []}
    for _ in range(steps):
        try:
            value = function(model, optimizer, X_t, Y_t)
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's error is data
            return {"raised": _error_text(error)}
        found["types"].append(type(value).__name__)
        try:
            found["costs"].append(float(value.detach() if torch.is_tensor(value) else value))
        except (TypeError, ValueError, RuntimeError):
            found["costs"].append(float("nan"))
        found["weights"].append(flat_parameters(model))
    return found


def gd_runs(parameters, X, Y, learning_rate, steps):
    """Costs and flat weights after each step of gradient descent in NumPy, done right and
    done with two loop-order mistakes: gradients never zeroed (step t uses the sum of the
    gradients so far) and the step before backward (zero_grad() has just removed the
    gradients, so step() changes nothing)."""
    runs = {}
    for variant in ("right", "not_zeroed", "step_before_backward"):
        current = {key: value.copy() for key, value in parameters.items()}
        total = None
        costs, weights = [], []
        for _ in range(steps):
            AL, caches = model_forward(X, current)
            costs.append(float(np.mean(-(Y * np.log(AL) + (1 - Y) * np.log1p(-AL)))))
            grads = model_backward(AL, Y, caches)
            if variant == "not_zeroed":
                total = grads if total is None else {k: total[k] + grads[k] for k in grads}
                used = total
            elif variant == "step_before_backward":
                used = None  # zero_grad() left no gradients for step() to use
            else:
                used = grads
            if used is not None:
                for key in current:
                    current[key] = current[key] - learning_rate * used["d" + key]
            weights.append(np.concatenate([current[key].ravel() for key in sorted(
                current, key=lambda k: (int(k[1:]), k[0] != "W"))]))
        runs[variant] = (np.array(costs), np.array(weights))
    return runs


def steps_problem(found, parameters, X, Y, learning_rate):
    if "raised" in found:
        if "size" in found["raised"] or "shape" in found["raised"]:
            return Problem("logits_layout", "The model returns logits (m, 1), examples as rows; "
                           "transpose them to the course's (1, m) before the cost.")
        return Problem("raised", f"train_step raised {found['raised']}")
    runs = gd_runs(parameters, X, Y, learning_rate, len(found["weights"]))
    weights = np.array(found["weights"])
    for variant, hint in (
            ("right", None),
            ("not_zeroed", "The gradients add up from step to step: call optimizer.zero_grad() "
                           "before backward()."),
            ("step_before_backward", "The weights never change: optimizer.step() must come "
                                     "after backward(), which computes the gradients it "
                                     "uses.")):
        if np.allclose(weights, runs[variant][1], rtol=1e-8, atol=1e-12):
            if hint:
                return Problem(variant, hint)
            break
    else:
        return Problem("wrong_update", "The weights after train_step are not one step of "
                       "the optimizer on the mean cost: forward, cost, backward, step.")
    if any(kind != "float" for kind in found["types"]):
        return Problem("not_float", f"train_step returned a {found['types'][0]}; expected a "
                       "Python float (cost.item()).")
    if not np.allclose(found["costs"], runs["right"][0], rtol=1e-8):
        return Problem("wrong_cost", "train_step should return the cost of its forward pass, "
                       "before the update.")
    return None


def check_train_step(train_step):
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 5, 4, 1], 11, seed=6)
    found = call(outcome_steps, train_step, parameters, X, Y, 0.1, 3)
    problem = steps_problem(found, parameters, X, Y, 0.1)
    if problem:
        fail(problem.message)
    passed("train_step")


# ------------------------------------------------------------------ make_optimizer

def outcome_optimizer(function, name, parameters, X, Y, learning_rate, hyper, steps):
    """Make ``function(name, model, learning_rate, **hyper)`` for a float64 net holding
    ``parameters``, run ``steps`` steps of a training loop written here with it, and report
    its class and settings and the flat weights after each step."""
    torch = _torch()
    model = torch_net(parameters)
    try:
        optimizer = function(name, model, learning_rate, **hyper)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's error is data
        return {"raised": _error_text(error)}
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    weights = []
    try:
        for _ in range(steps):
            for parameter in model.parameters():
                parameter.grad = None
            logits = model(X_t.T).T
            torch.nn.functional.binary_cross_entropy_with_logits(logits, Y_t).backward()
            optimizer.step()
            weights.append(flat_parameters(model))
    except NotImplementedError:
        raise
    except Exception as error:  # e.g. not an optimizer
        return {"raised": _error_text(error)}
    settings = {}
    groups = getattr(optimizer, "param_groups", None) or [{}]
    for key in ("lr", "momentum", "dampening", "alpha", "eps"):
        if isinstance(groups[0].get(key), (int, float)):
            settings[key] = float(groups[0][key])
    if isinstance(groups[0].get("betas"), tuple):
        settings["betas"] = [float(b) for b in groups[0]["betas"]]
    return {"class": type(optimizer).__name__, "settings": settings, "weights": weights}


def course_trajectory(update, parameters, X, Y, steps):
    """Flat weights after each of ``steps`` steps of the NumPy net with ``update`` (a
    function (key, g, t) -> the step to subtract, as the notebook's course_update)."""
    current = {key: value.copy() for key, value in parameters.items()}
    weights = []
    for t in range(1, steps + 1):
        AL, caches = model_forward(X, current)
        grads = model_backward(AL, Y, caches)
        for key in current:
            current[key] = current[key] - update(key, grads["d" + key], t)
        weights.append(np.concatenate([current[key].ravel() for key in sorted(
            current, key=lambda k: (int(k[1:]), k[0] != "W"))]))
    return np.array(weights)


def optimizer_problem(found, name, learning_rate, hyper, expected):
    """The first Problem with the optimizer made for ``name``; ``expected``: the flat weights
    after each step under the course's rule."""
    beta = hyper.get("beta", 0.9)
    beta1, beta2 = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)
    if "raised" in found:
        return Problem("raised", f"make_optimizer({name!r}, ...) or its step raised "
                       f"{found['raised']}")
    weights = np.array(found["weights"])
    if weights.shape == expected.shape and np.allclose(weights, expected, rtol=1e-7,
                                                       atol=1e-12):
        return None
    settings = found["settings"]
    if name == "momentum" and found["class"] == "SGD":
        if np.isclose(settings.get("dampening", 0.0), beta) and beta != 0:
            return Problem("dampening", "Momentum with dampening=beta is not the course's rule: "
                           "PyTorch does not damp the first step. Scale the learning rate by "
                           "(1 - beta) instead.")
        if np.isclose(settings.get("lr", 0.0), learning_rate):
            return Problem("momentum_unscaled", "PyTorch's momentum adds g without (1 - beta): "
                           "the course's rule needs lr = learning_rate * (1 - beta).")
    if name == "adam" and settings.get("betas") == [beta2, beta1] and beta1 != beta2:
        return Problem("betas_swapped", "Adam's betas are swapped: betas=(beta1, beta2), the "
                       "first for the gradient's average, the second for its square's.")
    return Problem("wrong_rule", f"The optimizer for {name!r} ({found['class']}) does not "
                   f"follow the course's {name} rule; check its class and settings.")


OPTIMIZER_CASES = (("gd", 0.1, {}),
                   ("momentum", 0.1, {"beta": 0.8}),
                   ("rmsprop", 0.01, {"beta2": 0.95, "epsilon": 1e-6}),
                   ("adam", 0.01, {"beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6}))


def check_make_optimizer(make_optimizer, course_update):
    """``course_update``: the notebook's NumPy rules, course_update(name, learning_rate,
    **hyperparameters) -> update(key, g, t)."""
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 5, 4, 1], 10, seed=7)
    for name, learning_rate, hyper in OPTIMIZER_CASES:
        found = call(outcome_optimizer, make_optimizer, name, parameters, X, Y, learning_rate,
                     hyper, 4)
        expected = course_trajectory(course_update(name, learning_rate, **hyper), parameters,
                                     X, Y, 4)
        problem = optimizer_problem(found, name, learning_rate, hyper, expected)
        if problem:
            fail(problem.message)
    passed("make_optimizer")


# ------------------------------------------------------------------ predict_classes

def bn_case(layers_dims, m, seed):
    """A trained-looking batch-norm net in NumPy: hidden W (no bias), gamma, beta, running mean
    and variance far from any batch's, the last W and b; X (n_x, m) columns."""
    rng = np.random.default_rng(seed)
    L = len(layers_dims) - 1
    case = {"W": [], "gamma": [], "beta": [], "mean": [], "var": []}
    for l in range(1, L + 1):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        case["W"].append(rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev))
        if l < L:
            case["gamma"].append(1 + 0.3 * rng.standard_normal(n))
            case["beta"].append(0.3 * rng.standard_normal(n))
            case["mean"].append(1.5 * rng.standard_normal(n))
            case["var"].append(rng.uniform(2.0, 5.0, n))
    case["b"] = 0.2 * rng.standard_normal(layers_dims[-1])
    case["X"] = rng.standard_normal((layers_dims[0], m))
    return case


def torch_bn_net(case):
    """The nn.Sequential of ``case`` (bn_case), float64, in training mode."""
    torch = _torch()
    nn = torch.nn
    modules = []
    L = len(case["W"])
    for l, W in enumerate(case["W"]):
        layer = nn.Linear(W.shape[1], W.shape[0], bias=l == L - 1, dtype=torch.float64)
        layer.weight = nn.Parameter(torch.tensor(W))
        modules.append(layer)
        if l < L - 1:
            norm = nn.BatchNorm1d(W.shape[0], dtype=torch.float64)
            norm.weight = nn.Parameter(torch.tensor(case["gamma"][l]))
            norm.bias = nn.Parameter(torch.tensor(case["beta"][l]))
            norm.running_mean = torch.tensor(case["mean"][l])
            norm.running_var = torch.tensor(case["var"][l])
            modules += [norm, nn.ReLU()]
        else:
            layer.bias = nn.Parameter(torch.tensor(case["b"]))
    return nn.Sequential(*modules).train()


def bn_logits(case, X, running):
    """Logits (m, C) of the case's net on X (n_x, m): with the running statistics (evaluation
    mode) or the batch's (training mode)."""
    A = X.T
    L = len(case["W"])
    for l, W in enumerate(case["W"]):
        Z = A @ W.T
        if l == L - 1:
            return Z + case["b"]
        mean, var = (case["mean"][l], case["var"][l]) if running else (Z.mean(0), Z.var(0))
        A = np.maximum((Z - mean) / np.sqrt(var + BN_EPSILON) * case["gamma"][l]
                       + case["beta"][l], 0.0)


def outcome_predict(function, case):
    """Call ``function`` on the case's net (in training mode) for all of X and for one
    example; report the results as NumPy arrays, whether they were tensors, and the mode the
    net was left in."""
    torch = _torch()
    model = torch_bn_net(case)
    found = {"tensors": False}
    for key, X in (("all", case["X"]), ("one", case["X"][:, :1])):
        try:
            value = function(model, torch.from_numpy(X))
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's error is data
            found[key] = {"raised": _error_text(error)}
            continue
        if torch.is_tensor(value):
            found["tensors"] = True
            value = value.detach().numpy()
        found[key] = {"classes": np.array(value)}
    found["training_after"] = bool(model.training)
    return found


def predict_problem(found, case):
    m = case["X"].shape[1]
    expected = bn_logits(case, case["X"], running=True).argmax(axis=1).reshape(1, m)
    train_mode = ("train_mode", "The predictions use the batch's statistics: call "
                  "model.eval() first, so batch norm uses its running averages.")
    single = found["one"]
    if "raised" in single and "more than 1 value" in single["raised"]:
        return Problem(*train_mode)
    if "raised" in found["all"]:
        return Problem("raised", f"predict_classes raised {found['all']['raised']}")
    classes = found["all"]["classes"]
    C = case["W"][-1].shape[0]
    if classes.size != m and classes.size == C:
        return Problem("wrong_axis", f"predict_classes gave {classes.size} values for {m} "
                       "examples: take the argmax over the classes, dim=1 of the (m, C) logits.")
    if classes.shape != (1, m):
        return Problem("shape", f"The predictions have shape {classes.shape}; expected "
                       f"(1, {m}).")
    if np.array_equal(classes, expected):
        if found["tensors"]:
            return Problem("not_numpy", "The predictions are a tensor; expected a NumPy array "
                           "(.numpy()).")
        return None
    batch = bn_logits(case, case["X"], running=False).argmax(axis=1).reshape(1, m)
    if np.array_equal(classes, batch):
        return Problem(*train_mode)
    return Problem("wrong_classes", "The predicted classes are wrong: the index of the "
                   "largest logit of each example.")


def check_predict_classes(predict_classes):
    __tracebackhide__ = True
    case = bn_case([3, 6, 5, 4], 12, seed=8)
    found = call(outcome_predict, predict_classes, case)
    problem = predict_problem(found, case)
    if problem:
        fail(problem.message)
    passed("predict_classes")
