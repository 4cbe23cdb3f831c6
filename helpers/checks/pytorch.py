"""Visible checks for Assignment 6 (PyTorch), and the diagnostics they share with the
autograder's hidden tests.

Two kinds of functions live here. ``outcome_*`` functions call the learner's function with
PyTorch objects they build themselves and return plain data (numbers, strings, NumPy arrays);
an error the learner's code raises goes through them untouched. The visible checks and the
grading worker's probes use them. ``*_problem`` functions look at that plain data with NumPy
only (independent oracles: the given NumPy network, the formulas of the cost and of batch norm)
and return the first Problem, or None: the visible checks and the hidden judges use them.
``EXPLAIN_ERROR`` names the mistake behind an error torch raises, for both. Only the
``outcome_*`` functions import torch, and only when called.
"""

import numpy as np

from helpers.checks import CheckFailed, call, close, fail, passed, random_net
from helpers.mistakes import Catalogue, Mistake
from helpers.network import compute_cost, model_backward, model_forward, sigmoid

MISTAKES = Catalogue(
    "from NumPy to a framework: PyTorch",
    # models (build_model, build_softmax_model)
    Mistake("not_module", "The function should return a torch model (an nn.Sequential or "
            "nn.Module): did you forget the `return`?", "nn.Sequential(*layers) returns a model"),
    Mistake("float32", "The model's parameters should be float64; PyTorch's default dtype is "
            "float32.", "pass dtype=torch.float64 to every layer"),
    Mistake("layers", "The model should have one nn.Linear(n_(l-1), n_l) per layer after the "
            "input, the last one with a bias.", "nn.Linear(layers_dims[l - 1], layers_dims[l]) "
            "for l = 1..L: its weight is (n_l, n_(l-1))"),
    Mistake("output_shape", "A batch (m, n_x) should give logits (m, n_L).",
            "nn.Linear works on rows: one row of logits per example"),
    Mistake("forward_error", "The model's layers do not fit together on a batch (m, n_x).",
            "layers in order, each one's input size the previous one's output size"),
    Mistake("not_logits", "The model's output is not LINEAR -> RELU -> ... -> LINEAR of its "
            "own weights: is a ReLU missing, or a layer out of order?",
            "a ReLU after every hidden nn.Linear (and its batch norm), none after the last"),
    Mistake("sigmoid_output", "The model ends in a sigmoid; it should return logits.",
            "the cost takes logits and applies the sigmoid itself: no sigmoid in the model"),
    Mistake("softmax_output", "The model ends in a softmax, and nn.CrossEntropyLoss applies "
            "another one.", "nn.CrossEntropyLoss takes logits: no softmax in the model"),
    Mistake("bias_before_bn", "A hidden nn.Linear has a bias before batch norm: use "
            "bias=False.", "batch norm subtracts the mean, so a bias before it does nothing; "
            "its beta takes the bias's place"),
    Mistake("no_batchnorm", "Each hidden layer needs an nn.BatchNorm1d(n_l) with its learnable "
            "gamma and beta, after the nn.Linear and before the ReLU.",
            "nn.BatchNorm1d(n_l) (affine=True, the default) in every hidden layer"),
    Mistake("bias_nonzero", "The biases should start at zero.",
            "only the weights need random values"),
    Mistake("default_init", "These are PyTorch's default initialization (uniform in "
            "+-1/sqrt(n_(l-1))): overwrite them with He-normal weights and zero biases.",
            "every new nn.Linear is initialized by PyTorch's own rule: overwrite it"),
    Mistake("scale", "The weights have the wrong scale.",
            "He initialization: std sqrt(2 / n_(l-1))"),
    Mistake("fan_out", "The weights are scaled with the layer's own size n_l (the fan-out).",
            "He uses the fan-in: n_(l-1) = layers_dims[l - 1]"),
    Mistake("uniform", "The weights look uniformly distributed, not normal.",
            "He initialization draws from a normal distribution: normal_, not uniform_"),
    Mistake("unseeded", "The same seed gave different weights: they come from torch's global "
            "generator.", "draw with generator=generator, the torch.Generator made from seed"),
    Mistake("seed_ignored", "Different seeds gave the same weights.",
            "the generator is made from the seed argument"),
    # load_parameters
    Mistake("not_same_model", "load_parameters should return the model it was given, changed "
            "in place, not a new one.", "change the model in place and return it"),
    Mistake("replaced_parameters", "The model's Parameter objects were replaced by new ones: an "
            "optimizer made before no longer updates the model.",
            "copy in place: parameter.copy_(tensor) under torch.no_grad()"),
    Mistake("transposed", "A weight is transposed: nn.Linear's weight and its .grad are "
            "already (n_l, n_(l-1)), the shape of the course's W^[l], so copy it as it is "
            "(no .T).", "nn.Linear(n_(l-1), n_l).weight has the course's shape (n_l, n_(l-1))"),
    Mistake("wrong_values", "The model does not hold the NumPy parameters afterwards.",
            "W^[l] goes into layer l's weight, b^[l] (n_l, 1) into its bias (n_l,)"),
    # compute_cost_from_logits
    Mistake("unstable", "The cost is infinite or NaN on large logits: sigmoid then log rounds "
            "to log(0).", "compute the cost from the logits: max(z, 0) - z y + "
            "log(1 + exp(-|z|)), or binary_cross_entropy_with_logits"),
    Mistake("summed", "The cost is the sum over the examples instead of the mean.",
            "the cost is the mean of the m losses"),
    Mistake("labels_layout", "Labels and logits have different layouts, (m, 1) against (1, m): "
            "the cost then compares every logit with every label.",
            "labels and logits both (1, m), the course's layout"),
    Mistake("not_tensor", "The cost should be a 0-d tensor, which autograd can differentiate "
            "(no .item() or NumPy here).", "return the 0-d tensor itself"),
    Mistake("not_scalar", "The cost should be a single number, a 0-d tensor.",
            "average over the m examples"),
    Mistake("not_differentiable", "The cost's value is right, but autograd cannot "
            "differentiate it.", "compute it with torch operations on the logits"),
    Mistake("wrong_gradient", "The cost's value is right but its gradient is not: is part of "
            "it computed outside torch?", "compute it with torch operations on the logits"),
    Mistake("wrong_value", "The cost has the wrong value.",
            "the mean of -(y log a + (1 - y) log(1 - a)) with a = sigmoid(z)"),
    # autograd_gradients and train_step
    Mistake("logits_layout", "The model returns logits (m, 1), examples as rows; the cost "
            "wants them as the course's (1, m).",
            "model(X.T).T: examples go in as rows, logits come back to columns"),
    Mistake("not_zeroed", "backward() adds to .grad, so the gradients of earlier calls were "
            "added to the new ones.", "zero the gradients (model.zero_grad() or "
            "optimizer.zero_grad()) before every backward()"),
    Mistake("type", "autograd_gradients should return a dict of NumPy arrays.",
            "grads = {'dW1': ..., 'db1': ...}"),
    Mistake("keys", "The gradients dict should hold dW1, db1, ..., dWL, dbL.",
            "one dW and one db per layer, numbered from 1"),
    Mistake("db_shape", "db has the shape of bias.grad, (n_l,); the course's is (n_l, 1): "
            "reshape it.", "reshape the bias gradients to columns"),
    Mistake("grad_shape", "A gradient has the wrong shape.",
            "dW^[l] and db^[l] have the shapes of W^[l] and b^[l]"),
    Mistake("grads_differ", "The gradients differ from backprop's: is the cost the mean "
            "cross-entropy of the model's logits?", "the gradients of the mean cost"),
    Mistake("second_call", "A second call on the same model gave other gradients.",
            "zero the gradients, then one forward and one backward per call"),
    Mistake("not_numpy", "The result holds tensors, not NumPy arrays.",
            "tensor.detach().numpy(), and .copy() when the tensor lives on"),
    Mistake("step_before_backward", "The weights never change: optimizer.step() must come "
            "after backward(), which computes the gradients it uses.",
            "the order: zero_grad, forward, cost, backward, step"),
    Mistake("not_float", "train_step should return a Python float, not a tensor.",
            "cost.item() gives the float (and lets the step's graph go)"),
    Mistake("wrong_update", "The weights after train_step are not one step of the optimizer "
            "on the mean cost.", "forward, cost, backward, step"),
    Mistake("wrong_cost", "train_step should return the cost of its forward pass, before the "
            "update.", "return the cost computed before optimizer.step()"),
    # make_optimizer
    Mistake("not_optimizer", "make_optimizer should return a torch.optim optimizer: did you "
            "forget the `return`?", "each name returns an optimizer of model.parameters()"),
    Mistake("dampening", "Momentum with dampening=beta is not the course's rule: PyTorch does "
            "not damp the first step.", "PyTorch's b = beta b + g is the course's v divided "
            "by (1 - beta): scale the learning rate by (1 - beta)"),
    Mistake("momentum_unscaled", "PyTorch's momentum adds g without (1 - beta): the course's "
            "rule needs lr = learning_rate * (1 - beta).",
            "PyTorch's b = beta b + g is the course's v divided by (1 - beta)"),
    Mistake("betas_swapped", "Adam's betas are swapped: betas=(beta1, beta2).",
            "betas=(beta1, beta2): the gradient's average first, its square's second"),
    Mistake("wrong_rule", "The class or the settings of an optimizer do not match the course's "
            "rule of its name.", "gd is SGD, rmsprop is RMSprop with alpha=beta2, adam is "
            "Adam, with eps=epsilon"),
    # predict_classes
    Mistake("train_mode", "The predictions are made in training mode, with the batch's "
            "statistics: call model.eval() first.",
            "in evaluation mode, batch norm uses its running averages"),
    Mistake("wrong_axis", "Take the argmax over the classes, dim=1 of the (m, C) logits, not "
            "over the examples.", "logits are (m, C): argmax(dim=1)"),
    Mistake("predictions_shape", "The predictions should be class indices of shape (1, m).",
            "the course's layout: one column per example"),
    Mistake("wrong_classes", "The predicted classes are wrong.",
            "the index of each example's largest logit"),
)


def _explains(words, mistake):
    """An explain_error: ``mistake`` for an error text that contains one of ``words``."""
    return lambda text: mistake if any(word in text for word in words) else None


SIZE_WORDS = ("size", "shape")  # torch's words for tensors whose shapes do not fit
# The mistake behind an error that torch raises in the learner's function, by function.
EXPLAIN_ERROR = {
    "load_parameters": _explains(SIZE_WORDS, "transposed"),
    "compute_cost_from_logits": _explains(SIZE_WORDS, "labels_layout"),
    "autograd_gradients": _explains(SIZE_WORDS, "logits_layout"),
    "train_step": _explains(SIZE_WORDS, "logits_layout"),
    # batch norm in training mode refuses a batch of one example
    "predict_classes": _explains(("more than 1 value",), "train_mode"),
}

# Layers big enough for the empirical std of W1 and W2 to be within about 1% of the true one,
# with fan-in != fan-out.
LARGE_DIMS = [300, 200, 100, 1]
LARGE_SOFTMAX_DIMS = [300, 200, 100, 3]
BN_EPSILON = 1e-5


def _torch():
    import torch
    return torch


def observe(outcome, function, *args):
    """``outcome(function, *args)`` for a visible check. A stub that still raises
    NotImplementedError, or an error the learner's code raised, fails the check in one line,
    naming the catalogued mistake behind the error when EXPLAIN_ERROR knows it."""
    __tracebackhide__ = True
    name = getattr(function, "__name__", "your function")

    def run():
        return outcome(function, *args)
    run.__name__ = name
    try:
        return call(run)
    except CheckFailed:
        raise
    except Exception as error:  # the learner's error, told in one line below
        text = f"{type(error).__name__}: {error}"
    mistake = EXPLAIN_ERROR.get(name, lambda text: None)(text)
    fail(MISTAKES.problem(mistake, f"{name} raised {text}.").message if mistake
         else f"{name} raised an error: {text}")


def check_cases(function, outcome, problem_of, cases):
    """A visible check: for every case (a tuple of arguments), ``outcome(function, *case)``,
    then ``problem_of(found, *case)``; the first Problem fails the check."""
    __tracebackhide__ = True
    for case in cases:
        problem = problem_of(observe(outcome, function, *case), *case)
        if problem:
            fail(problem.message)
    passed(function.__name__)


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


def flatten(parameters):
    """The NumPy ``parameters`` (W1, b1, ..., WL, bL) as one vector in the order of
    flat_parameters: W1, b1, W2, b2, ..., whatever the dict's order."""
    keys = sorted(parameters, key=lambda key: (int(key[1:]), key[0] != "W"))
    return np.concatenate([parameters[key].ravel() for key in keys])


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

def outcome_model(function, layers_dims, seed, X_rows=None):
    """What ``function(layers_dims, seed=seed)`` built, as plain data: each linear layer's
    weight and bias (None when it has none), the parameters' dtypes, its batch-norm modules,
    and (given X_rows (m, n_x)) its output on them in training mode, or the error that
    calling it raised."""
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
    }
    if X_rows is None:
        return found
    dtype = layers[0].weight.dtype if layers else torch.float64
    model.train()
    try:
        with torch.no_grad():
            found["output"] = model(torch.from_numpy(X_rows).to(dtype)).numpy().astype(float)
    except NotImplementedError:
        raise
    except Exception as error:  # what the returned model does is data, judged after its layers
        found["forward_error"] = f"{type(error).__name__}: {error}"
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
        return MISTAKES.problem("not_module", f"{name} returned a {found.get('type')}.")
    weights, biases = found["weights"], found["biases"]
    if any(dtype != "float64" for dtype in found["dtypes"]):
        return MISTAKES.problem("float32", f"The model's parameters are "
                                f"{', '.join(found['dtypes'])}.")
    if len(weights) != L:
        return MISTAKES.problem("layers", f"{name}({layers_dims}) has {len(weights)} nn.Linear "
                                f"layers; expected {L}.")
    for l, W in enumerate(weights, start=1):
        expected = (layers_dims[l], layers_dims[l - 1])
        if W.shape != expected:
            return MISTAKES.problem("layers", f"Layer {l}'s weight has shape {W.shape}; "
                                    f"expected {expected}.")
    if batch_norm:
        if any(b is not None for b in biases[:-1]):
            return MISTAKES.problem("bias_before_bn", "")
        if found["batchnorms"] != L - 1:
            return MISTAKES.problem("no_batchnorm", f"The model has {found['batchnorms']} "
                                    f"nn.BatchNorm1d layers; expected {L - 1}.")
    if biases[-1] is None:
        return MISTAKES.problem("layers", "The last nn.Linear has no bias.")
    if "forward_error" in found:
        return MISTAKES.problem("forward_error", f"The model raised {found['forward_error']} "
                                "on a batch.")
    output = found["output"]
    norms = (found["gammas"], found["betas"]) if batch_norm else None
    if batch_norm and (len(norms[0]) != L - 1 or len(norms[1]) != L - 1):
        return MISTAKES.problem("no_batchnorm", "An nn.BatchNorm1d has no gamma and beta "
                                "(affine=False).")
    logits = _relu_forward(weights, biases, X_rows, norms)
    if output.shape != logits.shape:
        return MISTAKES.problem("output_shape", f"The model's output on a batch of shape "
                                f"{X_rows.shape} has shape {output.shape}; expected "
                                f"{logits.shape}.")
    if np.allclose(output, logits, rtol=1e-7, atol=1e-9):
        return None
    if np.allclose(output, sigmoid(logits), rtol=1e-7, atol=1e-9):
        return MISTAKES.problem("sigmoid_output", "")
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    if np.allclose(output, shifted / shifted.sum(axis=1, keepdims=True), rtol=1e-7, atol=1e-9):
        return MISTAKES.problem("softmax_output", "")
    return MISTAKES.problem("not_logits", "")


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


def outcome_init(function, layers_dims):
    """weight_statistics of three models ``function`` builds with LARGE dims ``layers_dims``:
    "large" with seed 0, "again" with seed 0 after torch's global generator moved, "other"
    with seed 1; {"type": ...} when one is not a model. Torch's global generator is left as
    it was."""
    torch = _torch()
    statistics = {}
    with torch.random.fork_rng(devices=[]):
        for key, seed, global_seed in (("large", 0, 1), ("again", 0, 2), ("other", 1, 1)):
            torch.manual_seed(global_seed)  # a global-generator draw differs between builds
            found = outcome_model(function, layers_dims, seed)
            if found["type"] != "Module":
                return {"type": found["type"]}
            statistics[key] = weight_statistics(found)
    return statistics


def init_problem(found, name):
    """The first Problem with He initialization in ``found`` (from outcome_init), or None."""
    if "type" in found:
        return MISTAKES.problem("not_module", f"{name} returned a {found['type']}.")
    for l, row in enumerate(found["large"], start=1):
        n, n_prev = row["shape"]
        default = row["max_abs"] <= 1 / np.sqrt(n_prev) * (1 + 1e-9)
        if row["bias_max_abs"] != 0.0:
            if default:
                return MISTAKES.problem("default_init", f"Layer {l}'s weights are within "
                                        "+-1/sqrt(n_(l-1)) and its biases are not zero.")
            return MISTAKES.problem("bias_nonzero", f"The biases of layer {l} are not zero.")
        if n * n_prev < 10_000:  # too few weights for a reliable std
            continue
        he = np.sqrt(2 / n_prev)
        if default:
            return MISTAKES.problem("default_init", f"Layer {l}'s weights are within "
                                    "+-1/sqrt(n_(l-1)).")
        if abs(row["std"] / he - 1) > 0.05:
            if abs(row["std"] / np.sqrt(2 / n) - 1) < 0.05:
                return MISTAKES.problem("fan_out", f"Layer {l}'s weights have std "
                                        f"sqrt(2 / n_l) = {row['std']:.3g}.")
            return MISTAKES.problem("scale", f"Layer {l}'s weights have std {row['std']:.3g}; "
                                    f"He initialization gives sqrt(2 / n_(l-1)) = {he:.3g}.")
        if row["kurtosis"] < 2.5:
            return MISTAKES.problem("uniform", f"Layer {l}'s weights have kurtosis "
                                    f"{row['kurtosis']:.2f}; a normal distribution's is 3.")
    if any(not np.array_equal(a["first"], b["first"])
           for a, b in zip(found["large"], found["again"])):
        return MISTAKES.problem("unseeded", "")
    if all(np.array_equal(a["first"], b["first"])
           for a, b in zip(found["large"], found["other"])):
        return MISTAKES.problem("seed_ignored", "")
    return None


def _check_model(function, dims, large_dims, batch_norm):
    __tracebackhide__ = True
    name = function.__name__
    X_rows = rows_input(dims[0], 16, 0)
    problem = model_problem(observe(outcome_model, function, dims, 1, X_rows), dims, X_rows,
                            name, batch_norm) or \
        init_problem(observe(outcome_init, function, large_dims), name)
    if problem:
        fail(problem.message)
    passed(name)


def check_build_model(build_model):
    __tracebackhide__ = True
    _check_model(build_model, [3, 5, 4, 1], LARGE_DIMS, False)


def check_build_softmax_model(build_softmax_model):
    __tracebackhide__ = True
    _check_model(build_softmax_model, [3, 6, 5, 3], LARGE_SOFTMAX_DIMS, True)


# ------------------------------------------------------------------ load_parameters

def outcome_load(function, parameters):
    """Load ``parameters`` into a fresh float64 net of the right sizes with ``function`` and
    report: whether the same object came back, whether the model still holds the Parameter
    objects it had (so an optimizer made before sees the values), and the values it holds."""
    shapes = {key: np.zeros_like(value) for key, value in parameters.items()}
    model = torch_net(shapes)
    before = [id(p) for p in model.parameters()]
    returned = function(model, {key: value.copy() for key, value in parameters.items()})
    return {"same_model": returned is model,
            "same_parameters": [id(p) for p in model.parameters()] == before,
            "values": flat_parameters(model)}


def load_problem(found, parameters):
    if not found["same_model"]:
        return MISTAKES.problem("not_same_model", "")
    if not found["same_parameters"]:
        return MISTAKES.problem("replaced_parameters", "")
    if close(found["values"], flatten(parameters), rtol=0, atol=1e-15):
        return None
    if close(found["values"], flatten({key: value.T if key[0] == "W" else value
                                       for key, value in parameters.items()})):
        return MISTAKES.problem("transposed", "The model holds the NumPy weights transposed.")
    return MISTAKES.problem("wrong_values", "")


def check_load_parameters(load_parameters):
    __tracebackhide__ = True
    parameters, _, _ = random_net([4, 4, 3, 1], 2, seed=5)  # a square layer shows transposes
    check_cases(load_parameters, outcome_load, load_problem, [(parameters,)])


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
    value = function(z, torch.tensor(Y))
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
    if found["kind"] != "tensor":
        return MISTAKES.problem("not_tensor", f"compute_cost_from_logits returned a "
                                f"{found['kind']}.")
    if found["shape"] == [m, m] and m > 1:
        return MISTAKES.problem("labels_layout", f"The cost has shape {(m, m)}.")
    if found["shape"] != []:
        return MISTAKES.problem("not_scalar", f"The cost has shape {tuple(found['shape'])}.")
    value = found["value"]
    if not np.isfinite(value):
        return MISTAKES.problem("unstable", f"The cost is {value}.")
    if np.isclose(value, expected, rtol=1e-9, atol=1e-12):
        grad = found.get("grad")
        if grad is None:
            return MISTAKES.problem("not_differentiable", "")
        if not np.allclose(grad, (sigmoid(logits) - Y) / m, rtol=1e-7, atol=1e-12):
            return MISTAKES.problem("wrong_gradient", "")
        return None
    if np.isclose(value, expected * m, rtol=1e-9):
        return MISTAKES.problem("summed", "")
    if np.isclose(value, float(_losses(logits, Y.T).mean()), rtol=1e-9):
        return MISTAKES.problem("labels_layout", "")
    return MISTAKES.problem("wrong_value", "")


def check_compute_cost_from_logits(compute_cost_from_logits):
    __tracebackhide__ = True
    check_cases(compute_cost_from_logits, outcome_cost, cost_problem,
                [cost_case(7, 0), LARGE_LOGITS])


# ------------------------------------------------------------------ autograd_gradients

def outcome_gradients(function, parameters, X, Y):
    """Call ``function`` twice on one float64 net holding ``parameters`` (X (n_x, m), Y
    (1, m) tensors); report both results as NumPy dicts, and whether any value was a tensor."""
    torch = _torch()
    model = torch_net(parameters)
    found = {"tensors": False}
    for call_name in ("first", "second"):
        grads = function(model, torch.from_numpy(X), torch.from_numpy(Y))
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
    if "type" in found:
        return MISTAKES.problem("type", f"autograd_gradients returned a {found['type']}.")
    first, second = found["first"], found["second"]
    if set(first) != set(expected):
        return MISTAKES.problem("keys", f"The gradients have keys {sorted(first)}.")
    for key in expected:
        shape, wanted = first[key].shape, expected[key].shape
        what_happened = f"{key} has shape {shape}; expected {wanted}."
        if shape != wanted and key[1] == "b":
            return MISTAKES.problem("db_shape", what_happened)
        if shape != wanted:
            return MISTAKES.problem("transposed" if shape == wanted[::-1] else "grad_shape",
                                    what_happened)

    def equal(grads, factor=1):
        return all(np.allclose(grads[key], factor * expected[key], rtol=1e-8, atol=1e-12)
                   for key in expected)
    if not equal(first):
        return MISTAKES.problem("grads_differ", "")
    if not equal(second):
        return MISTAKES.problem("not_zeroed", "A second call doubled the gradients.") \
            if equal(second, 2) else MISTAKES.problem("second_call", "")
    if found["tensors"]:
        return MISTAKES.problem("not_numpy", "The gradients are tensors.")
    return None


def check_autograd_gradients(autograd_gradients):
    __tracebackhide__ = True
    check_cases(autograd_gradients, outcome_gradients, gradients_problem,
                [random_net([3, 5, 4, 1], 9, seed=4)])


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
        value = function(model, optimizer, X_t, Y_t)
        found["types"].append(type(value).__name__)
        try:
            found["costs"].append(float(value.detach() if torch.is_tensor(value) else value))
        except (TypeError, ValueError, RuntimeError):
            found["costs"].append(float("nan"))
        found["weights"].append(flat_parameters(model))
    return found


def course_trajectory(update, parameters, X, Y, steps):
    """``steps`` steps of the NumPy net holding ``parameters`` (X (n_x, m), Y (1, m)), each
    subtracting ``update(key, g, t)`` (a function of the key, its gradient and the iteration
    t from 1, as the notebook's course_update) from every parameter. Returns (costs (steps,),
    the cost before each step; weights (steps, n), the flat weights (see flatten) after it)."""
    current = {key: value.copy() for key, value in parameters.items()}
    costs, weights = [], []
    for t in range(1, steps + 1):
        AL, caches = model_forward(X, current)
        costs.append(compute_cost(AL, Y))
        grads = model_backward(AL, Y, caches)
        for key in current:
            current[key] = current[key] - update(key, grads["d" + key], t)
        weights.append(flatten(current))
    return np.array(costs), np.array(weights)


def gd_runs(parameters, X, Y, learning_rate, steps):
    """course_trajectory of gradient descent, done right and done with two loop-order
    mistakes: gradients never zeroed (step t uses the sum of the gradients so far) and the
    step before backward (zero_grad() has just removed the gradients, so step() changes
    nothing)."""
    totals = {}

    def not_zeroed(key, g, t):
        totals[key] = totals.get(key, 0.0) + g
        return learning_rate * totals[key]
    updates = {"right": lambda key, g, t: learning_rate * g, "not_zeroed": not_zeroed,
               "step_before_backward": lambda key, g, t: 0.0 * g}
    return {variant: course_trajectory(update, parameters, X, Y, steps)
            for variant, update in updates.items()}


def steps_problem(found, parameters, X, Y, learning_rate, steps):
    runs = gd_runs(parameters, X, Y, learning_rate, steps)
    weights = np.array(found["weights"])

    def follows(variant):
        return close(weights, runs[variant][1], rtol=1e-8, atol=1e-12)
    if follows("not_zeroed") and not follows("right"):
        return MISTAKES.problem("not_zeroed", "The gradients add up from step to step.")
    if follows("step_before_backward") and not follows("right"):
        return MISTAKES.problem("step_before_backward", "")
    if not follows("right"):
        return MISTAKES.problem("wrong_update", "")
    if any(kind != "float" for kind in found["types"]):
        return MISTAKES.problem("not_float", f"train_step returned a {found['types'][0]}.")
    if not np.allclose(found["costs"], runs["right"][0], rtol=1e-8):
        return MISTAKES.problem("wrong_cost", "")
    return None


def check_train_step(train_step):
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 5, 4, 1], 11, seed=6)
    check_cases(train_step, outcome_steps, steps_problem, [(parameters, X, Y, 0.1, 3)])


# ------------------------------------------------------------------ make_optimizer

def outcome_optimizer(function, name, parameters, X, Y, learning_rate, hyper, steps):
    """Make ``function(name, model, learning_rate, **hyper)`` for a float64 net holding
    ``parameters``, run ``steps`` steps of a training loop written here with it, and report
    its class and settings and the flat weights after each step."""
    torch = _torch()
    model = torch_net(parameters)
    optimizer = function(name, model, learning_rate, **hyper)
    if not isinstance(optimizer, torch.optim.Optimizer):
        return {"class": type(optimizer).__name__}
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    weights = []
    for _ in range(steps):
        for parameter in model.parameters():
            parameter.grad = None
        logits = model(X_t.T).T
        torch.nn.functional.binary_cross_entropy_with_logits(logits, Y_t).backward()
        optimizer.step()
        weights.append(flat_parameters(model))
    settings = {}
    group = optimizer.param_groups[0]
    for key in ("lr", "momentum", "dampening", "alpha", "eps"):
        if isinstance(group.get(key), (int, float)):
            settings[key] = float(group[key])
    if isinstance(group.get("betas"), tuple):
        settings["betas"] = [float(b) for b in group["betas"]]
    return {"class": type(optimizer).__name__, "settings": settings, "weights": weights}


def optimizer_problem(found, name, learning_rate, hyper, expected):
    """The first Problem with the optimizer made for ``name``; ``expected``: the flat weights
    after each step under the course's rule."""
    beta = hyper.get("beta", 0.9)
    beta1, beta2 = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)
    if "weights" not in found:
        return MISTAKES.problem("not_optimizer", f"make_optimizer({name!r}, ...) returned a "
                                f"{found['class']}.")
    if close(np.array(found["weights"]), expected, rtol=1e-7, atol=1e-12):
        return None
    settings = found["settings"]
    if name == "momentum" and found["class"] == "SGD":
        if np.isclose(settings.get("dampening", 0.0), beta) and beta != 0:
            return MISTAKES.problem("dampening", "")
        if np.isclose(settings.get("lr", 0.0), learning_rate):
            return MISTAKES.problem("momentum_unscaled", "")
    if name == "adam" and settings.get("betas") == [beta2, beta1] and beta1 != beta2:
        return MISTAKES.problem("betas_swapped", "")
    return MISTAKES.problem("wrong_rule", f"The {found['class']} made for {name!r} does not "
                            f"follow the course's {name} rule.")


OPTIMIZER_CASES = (("gd", 0.1, {}),
                   ("momentum", 0.1, {"beta": 0.8}),
                   ("rmsprop", 0.01, {"beta2": 0.95, "epsilon": 1e-6}),
                   ("adam", 0.01, {"beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6}))


def check_make_optimizer(make_optimizer, course_update):
    """``course_update``: the notebook's NumPy rules, course_update(name, learning_rate,
    **hyperparameters) -> update(key, g, t)."""
    __tracebackhide__ = True
    parameters, X, Y = random_net([3, 5, 4, 1], 10, seed=7)

    def problem_of(found, name, parameters, X, Y, learning_rate, hyper, steps):
        _, expected = course_trajectory(course_update(name, learning_rate, **hyper),
                                        parameters, X, Y, steps)
        return optimizer_problem(found, name, learning_rate, hyper, expected)
    check_cases(make_optimizer, outcome_optimizer, problem_of,
                [(name, parameters, X, Y, learning_rate, hyper, 4)
                 for name, learning_rate, hyper in OPTIMIZER_CASES])


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
    """Call ``function`` on the case's net (in training mode) for all of X, then for one
    example (which batch norm refuses in training mode); report the classes for all of X as
    a NumPy array, and whether a result was a tensor."""
    torch = _torch()
    model = torch_bn_net(case)
    results = [function(model, torch.from_numpy(X)) for X in (case["X"], case["X"][:, :1])]
    classes = results[0]
    return {"classes": np.array(classes.detach().numpy() if torch.is_tensor(classes) else classes),
            "tensors": any(torch.is_tensor(result) for result in results)}


def predict_problem(found, case):
    m = case["X"].shape[1]
    expected = bn_logits(case, case["X"], running=True).argmax(axis=1).reshape(1, m)
    classes = found["classes"]
    C = case["W"][-1].shape[0]
    if classes.size != m and classes.size == C:
        return MISTAKES.problem("wrong_axis", f"predict_classes gave {classes.size} values for "
                                f"{m} examples.")
    if classes.shape != (1, m):
        return MISTAKES.problem("predictions_shape", f"The predictions have shape "
                                f"{classes.shape}.")
    if np.array_equal(classes, expected):
        return MISTAKES.problem("not_numpy", "The predictions are a tensor.") \
            if found["tensors"] else None
    batch = bn_logits(case, case["X"], running=False).argmax(axis=1).reshape(1, m)
    if np.array_equal(classes, batch):
        return MISTAKES.problem("train_mode", "")
    return MISTAKES.problem("wrong_classes", "")


def check_predict_classes(predict_classes):
    __tracebackhide__ = True
    check_cases(predict_classes, outcome_predict, predict_problem,
                [(bn_case([3, 6, 5, 4], 12, seed=8),)])
