"""Hidden tests for Assignment 6 (from NumPy to a framework: PyTorch).

The probes build every PyTorch object themselves (nets holding NumPy parameters made from fixed
seeds, optimizers, batch-norm nets with running statistics), call the learner's functions on
them through helpers.checks.pytorch's ``outcome_*`` functions, and send back NumPy arrays and
numbers only: torch is imported inside the grading worker, never in the grading process. The
judges compare with independent NumPy oracles (the given backprop, the cost and batch norm
formulas, gradient descent with and without the loop-order mistakes) and, for the update rules,
with the reference solution's trajectories.
"""

from autograder.plain import Raised
from autograder.suite import GradedTest, Mistake, Suite, Verdict, attempt, edit, \
    generic_verdict, missing_functions
from helpers.checks import pytorch as checks
from helpers.checks import random_net

# A worker that imports torch (one thread) reaches about 690 MB of address space while these
# probes run; at 640 MB the reference runs out of memory (benchmarks/README.md). Its workers
# get at least 1024 MB, whatever --memory-mb says.
SUITE = Suite("pytorch", memory_mb=1024)


def _raised_verdict(test, found):
    """The verdict for a probe that raised outside the learner's function's own handling."""
    return generic_verdict(test, ("raised", "", found.text))


def _verdict(test, problem):
    return Verdict(True, "passed") if problem is None else test.fail(problem.mistake)


# ------------------------------------------------------------------ build_model

MODEL_DIMS = ([2, 10, 5, 1], [3, 7, 1], [5, 4, 6, 2, 1])
SOFTMAX_DIMS = ([2, 10, 5, 3], [3, 7, 4], [4, 6, 5, 8, 3])


def make_model_probe(name, dims_cases, large_dims):
    def probe(namespace):
        import torch
        missing = missing_functions(namespace, name)
        if missing:
            return missing
        function = namespace[name]
        outputs = {"cases": []}
        for index, dims in enumerate(dims_cases):
            X_rows = checks.rows_input(dims[0], 12, index)
            outputs["cases"].append(attempt(checks.outcome_model, function, dims, index + 3,
                                            X_rows))
        big_rows = checks.rows_input(large_dims[0], 4, 9)
        statistics = {}
        for key, seed, global_seed in (("large", 0, 1), ("again", 0, 2), ("other", 1, 1)):
            torch.manual_seed(global_seed)  # a global-generator draw shows up as "again" != "large"
            found = attempt(checks.outcome_model, function, large_dims, seed, big_rows)
            if isinstance(found, Raised) or found.get("type") != "Module":
                return {"large_failed": found, **outputs}
            statistics[key] = checks.weight_statistics(found)
        outputs.update(statistics)
        return outputs
    return probe


def make_model_judge(grade_id, name, dims_cases, batch_norm):
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return _raised_verdict(test, student["missing"])
        for index, (dims, found) in enumerate(zip(dims_cases, student["cases"])):
            if isinstance(found, Raised):
                return _raised_verdict(test, found)
            X_rows = checks.rows_input(dims[0], 12, index)
            problem = checks.model_problem(found, dims, X_rows, name, batch_norm)
            if problem:
                return test.fail(problem.mistake)
        if "large_failed" in student:
            found = student["large_failed"]
            return _raised_verdict(test, found) if isinstance(found, Raised) else \
                test.fail("not_module")
        return _verdict(test, checks.init_problem(student["large"], student["again"],
                                                  student["other"], name))
    return judge


MODEL_MISTAKES = (
    Mistake("not_module", "The function should return a torch model.",
            "nn.Sequential(*layers) returns a model"),
    Mistake("float32", "The model's parameters are float32; the assignment asks for float64.",
            "PyTorch's default dtype is float32: pass dtype=torch.float64 to each layer"),
    Mistake("layers", "The model does not have one nn.Linear of the right size per layer.",
            "nn.Linear(layers_dims[l - 1], layers_dims[l]) for l = 1..L"),
    Mistake("output_shape", "The model's output has the wrong shape.",
            "a batch (m, n_x) goes in, logits (m, n_L) come out"),
    Mistake("forward_error", "Calling the model on a batch raised an error.",
            "layers in order, each one's input size the previous one's output size"),
    Mistake("not_logits", "The model does not compute LINEAR -> RELU -> ... -> LINEAR.",
            "a ReLU after every hidden nn.Linear, none after the last"),
    Mistake("bias_nonzero", "The biases should start at zero.",
            "only the weights need random values"),
    Mistake("scale", "The weights have the wrong scale.",
            "He initialization: std sqrt(2 / n_(l-1))"),
    Mistake("unseeded", "The same seed gave different weights.",
            "draw with generator=generator, the torch.Generator made from seed"),
    Mistake("seed_ignored", "Different seeds gave the same weights.",
            "the generator is made from the seed argument"),
)

SUITE.add(GradedTest(
    grade_id="test_build_model",
    solution_id="build_model",
    functions=("build_model",),
    probe=make_model_probe("build_model", MODEL_DIMS, checks.LARGE_DIMS),
    judge=make_model_judge("test_build_model", "build_model", MODEL_DIMS, False),
    mistakes=MODEL_MISTAKES + (
        Mistake("sigmoid_output", "The model ends in a sigmoid; it should return logits.",
                "the cost takes logits and applies the sigmoid itself: no sigmoid in the model",
                edit(after="else:\n    layers.append(nn.Sigmoid())")),
        Mistake("fan_out", "The weights are scaled with the layer's own size n_l (the fan-out).",
                "He uses the fan-in: n_(l-1) = layers_dims[l - 1]",
                edit(("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(2 / layers_dims[l])"))),
        Mistake("uniform", "The weights are drawn from a uniform distribution.",
                "He initialization draws from a normal distribution: normal_, not uniform_",
                edit(("normal_(0.0, np.sqrt(2 / layers_dims[l - 1]),",
                      "uniform_(-np.sqrt(6 / layers_dims[l - 1]), "
                      "np.sqrt(6 / layers_dims[l - 1]),"))),
        Mistake("default_init", "The weights and biases are PyTorch's default initialization.",
                "every new nn.Linear is initialized by PyTorch's own rule: overwrite it",
                edit(("linear.weight.normal_", "linear.weight.clone().normal_"),
                     ("linear.bias.zero_", "linear.bias.clone().zero_"))),
        Mistake("float32", "The model's parameters are float32; the assignment asks for float64.",
                "PyTorch's default dtype is float32: pass dtype=torch.float64 to each layer",
                edit((", dtype=torch.float64)", ")"))),
    ),
))


# ------------------------------------------------------------------ load_parameters

LOAD_DIMS = ([4, 4, 3, 1], [2, 10, 5, 1], [3, 6, 1])


def _load_parameters_case(index):
    return random_net(LOAD_DIMS[index], 2, seed=20 + index)[0]


def probe_load(namespace):
    missing = missing_functions(namespace, "load_parameters")
    if missing:
        return missing
    return [attempt(checks.outcome_load, namespace["load_parameters"],
                    _load_parameters_case(index)) for index in range(len(LOAD_DIMS))]


def judge_load(student, reference):
    test = SUITE.tests["test_load_parameters"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    for index, found in enumerate(student):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        problem = checks.load_problem(found, _load_parameters_case(index))
        if problem:
            return test.fail(problem.mistake)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_load_parameters",
    solution_id="load_parameters",
    functions=("load_parameters",),
    probe=probe_load, judge=judge_load,
    mistakes=(
        Mistake("replaced_parameters", "The model's Parameter objects were replaced by new ones: "
                "an optimizer made before no longer updates the model.",
                "copy in place: parameter.copy_(tensor) under torch.no_grad()",
                edit(("linear.weight.copy_(", "linear.weight = nn.Parameter("),
                     ("linear.bias.copy_(", "linear.bias = nn.Parameter("))),
        Mistake("transposed", "The weights were copied transposed.",
                "nn.Linear's weight is (n_l, n_(l-1)), the same as the course's W^[l]",
                edit(("parameters[f\"W{l}\"])", "parameters[f\"W{l}\"].T)"))),
        Mistake("not_same_model", "load_parameters should return the model it was given.",
                "change the model in place and return it"),
        Mistake("wrong_values", "The model does not hold the NumPy parameters afterwards.",
                "W^[l] goes into layer l's weight, b^[l] into its bias"),
    ),
))


# ------------------------------------------------------------------ compute_cost_from_logits

COST_CASES = ((1, 0), (9, 1), (40, 2))  # (m, seed); m = 1 has nothing to broadcast


def _cost_inputs():
    return [checks.cost_case(m, seed) for m, seed in COST_CASES] + [checks.LARGE_LOGITS]


def probe_cost(namespace):
    missing = missing_functions(namespace, "compute_cost_from_logits")
    if missing:
        return missing
    return [attempt(checks.outcome_cost, namespace["compute_cost_from_logits"], logits, Y)
            for logits, Y in _cost_inputs()]


def judge_cost(student, reference):
    test = SUITE.tests["test_compute_cost_from_logits"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    problems = []
    for found, (logits, Y) in zip(student, _cost_inputs()):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        problems.append(checks.cost_problem(found, logits, Y))
    # The most telling diagnosis first: a layout mix-up shows on m > 1 only.
    named = [p for p in problems if p]
    for wanted in ("labels_layout", "unstable", "summed"):
        if any(p.mistake == wanted for p in named):
            return test.fail(wanted)
    return _verdict(test, named[0] if named else None)


SUITE.add(GradedTest(
    grade_id="test_compute_cost_from_logits",
    solution_id="compute_cost_from_logits",
    functions=("compute_cost_from_logits",),
    probe=probe_cost, judge=judge_cost,
    mistakes=(
        Mistake("unstable", "The cost is infinite or NaN on large logits: sigmoid then log "
                "rounds to log(0).", "compute the cost from the logits: max(z, 0) - z y + "
                "log(1 + exp(-|z|)), or binary_cross_entropy_with_logits",
                edit(("nn.functional.binary_cross_entropy_with_logits(logits, Y)",
                      "-torch.mean(Y * torch.log(torch.sigmoid(logits))\n"
                      "                   + (1 - Y) * torch.log(1 - torch.sigmoid(logits)))"))),
        Mistake("summed", "The cost is the sum over the examples instead of the mean.",
                "the cost is the mean of the m losses",
                edit(("binary_cross_entropy_with_logits(logits, Y)",
                      "binary_cross_entropy_with_logits(logits, Y, reduction=\"sum\")"))),
        Mistake("labels_layout", "Labels and logits have different layouts, (m, 1) against "
                "(1, m): a hand-written cost then compares every logit with every label.",
                "labels and logits both (1, m), the course's layout",
                edit(("nn.functional.binary_cross_entropy_with_logits(logits, Y)",
                      "torch.mean(torch.clamp(logits, min=0) - logits * Y.reshape(-1, 1)\n"
                      "                  + torch.log1p(torch.exp(-torch.abs(logits))))"))),
        Mistake("not_tensor", "The cost is not a tensor: autograd cannot differentiate it.",
                "return the 0-d tensor itself (no .item() here)",
                edit(after="cost = cost.item()")),
        Mistake("not_scalar", "The cost is not a single number.",
                "average over the examples: a 0-d tensor"),
        Mistake("not_differentiable", "The cost's value is right, but autograd cannot "
                "differentiate it.", "compute it with torch operations on the logits"),
        Mistake("wrong_gradient", "The cost's gradient is wrong.",
                "compute it with torch operations on the logits"),
        Mistake("wrong_value", "The cost has the wrong value.",
                "the mean cross-entropy of sigmoid(z) and y"),
    ),
))


# ------------------------------------------------------------------ autograd_gradients

GRADIENT_CASES = (([2, 10, 5, 1], 30, 31), ([3, 7, 1], 8, 32), ([4, 6, 5, 3, 1], 17, 33))


def _gradient_case(dims, m, seed):
    return random_net(dims, m, seed)


def probe_gradients(namespace):
    missing = missing_functions(namespace, "autograd_gradients")
    if missing:
        return missing
    return [attempt(checks.outcome_gradients, namespace["autograd_gradients"],
                    *_gradient_case(*case)) for case in GRADIENT_CASES]


def judge_gradients(student, reference):
    test = SUITE.tests["test_autograd_gradients"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    for found, case in zip(student, GRADIENT_CASES):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        if "raised" in found and "NotImplementedError" in found["raised"]:
            return _raised_verdict(test, Raised(found["raised"]))
        problem = checks.gradients_problem(found, *_gradient_case(*case))
        if problem:
            return test.fail(problem.mistake)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_autograd_gradients",
    solution_id="autograd_gradients",
    functions=("autograd_gradients",),
    probe=probe_gradients, judge=judge_gradients,
    mistakes=(
        Mistake("not_zeroed", "Gradients from an earlier call were added to the new ones.",
                "backward() accumulates into .grad: model.zero_grad() before it",
                edit(("model.zero_grad", "model.train"))),
        Mistake("logits_layout", "The logits (m, 1) were given to the cost with labels (1, m).",
                "the model returns examples as rows: transpose its logits to (1, m)",
                edit(("(X.T).T", "(X.T)"))),
        Mistake("db_shape", "db has the shape of bias.grad, (n_l,); the course's is (n_l, 1).",
                "reshape the bias gradients to columns",
                edit(("linear.bias.grad.numpy().reshape(-1, 1).copy()",
                      "linear.bias.grad.numpy().copy()"))),
        Mistake("transposed", "dW is transposed.",
                "weight.grad already has the course's shape (n_l, n_(l-1))",
                edit(("linear.weight.grad.numpy().copy()", "linear.weight.grad.numpy().T.copy()"))),
        Mistake("shape", "A gradient has the wrong shape.", "dW^[l] and db^[l] have W's and b's "
                "shapes"),
        Mistake("keys", "The gradients dict should hold dW1, db1, ..., dWL, dbL.",
                "one dW and one db per layer, numbered from 1"),
        Mistake("type", "autograd_gradients should return a dict.", "grads = {...}"),
        Mistake("wrong_values", "The gradients differ from backprop's.",
                "the gradients of the mean cost of the model's logits"),
        Mistake("second_call", "A second call on the same model gave other gradients.",
                "zero the gradients, then one forward and one backward per call"),
        Mistake("not_numpy", "The gradients are tensors, not NumPy arrays.",
                "tensor.numpy() (and copy it)"),
    ),
))


# ------------------------------------------------------------------ train_step

STEP_CASES = (([2, 10, 5, 1], 30, 41, 0.5, 5), ([3, 6, 4, 1], 13, 42, 0.3, 4))


def probe_steps(namespace):
    missing = missing_functions(namespace, "train_step")
    if missing:
        return missing
    outputs = []
    for dims, m, seed, learning_rate, steps in STEP_CASES:
        parameters, X, Y = random_net(dims, m, seed)
        outputs.append(attempt(checks.outcome_steps, namespace["train_step"], parameters, X, Y,
                               learning_rate, steps))
    return outputs


def judge_steps(student, reference):
    test = SUITE.tests["test_train_step"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    for found, (dims, m, seed, learning_rate, _) in zip(student, STEP_CASES):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        parameters, X, Y = random_net(dims, m, seed)
        problem = checks.steps_problem(found, parameters, X, Y, learning_rate)
        if problem:
            return test.fail(problem.mistake)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_train_step",
    solution_id="train_step",
    functions=("train_step",),
    probe=probe_steps, judge=judge_steps,
    mistakes=(
        Mistake("not_zeroed", "The gradients add up from one step to the next.",
                "optimizer.zero_grad() at the start of every step",
                edit(("optimizer.zero_grad()\n", ""))),
        Mistake("step_before_backward", "optimizer.step() runs before backward(): it finds no "
                "gradients, so the weights never change.",
                "the order: zero_grad, forward, cost, backward, step",
                edit(("optimizer.step()\nreturn", "return"),
                     ("cost = compute_cost", "optimizer.step()\ncost = compute_cost"))),
        Mistake("not_float", "train_step returns a tensor instead of a Python float.",
                "cost.item() gives the float (and lets the step's graph go)",
                edit(("cost.item()", "cost"))),
        Mistake("logits_layout", "The logits (m, 1) were given to the cost with labels (1, m).",
                "the model returns examples as rows: transpose its logits to (1, m)"),
        Mistake("wrong_update", "The weights after the step are wrong.",
                "forward, cost, backward, step"),
        Mistake("wrong_cost", "The returned cost is not the cost of this step's forward pass.",
                "return the cost computed before optimizer.step()"),
    ),
))


# ------------------------------------------------------------------ make_optimizer

OPTIMIZER_CASES = (
    ("gd", 0.2, {}),
    ("momentum", 0.2, {"beta": 0.7}),
    ("momentum", 0.1, {}),
    ("rmsprop", 0.02, {"beta2": 0.9, "epsilon": 1e-4}),
    ("adam", 0.02, {"beta1": 0.7, "beta2": 0.95, "epsilon": 1e-4}),
    ("adam", 0.01, {}),
)
OPTIMIZER_NET = ([3, 6, 4, 1], 20, 51)
OPTIMIZER_STEPS = 6


def probe_optimizer(namespace):
    missing = missing_functions(namespace, "make_optimizer")
    if missing:
        return missing
    parameters, X, Y = random_net(*OPTIMIZER_NET)
    return [attempt(checks.outcome_optimizer, namespace["make_optimizer"], name, parameters,
                    X, Y, learning_rate, hyper, OPTIMIZER_STEPS)
            for name, learning_rate, hyper in OPTIMIZER_CASES]


def judge_optimizer(student, reference):
    import numpy as np
    test = SUITE.tests["test_make_optimizer"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    for found, expected, (name, learning_rate, hyper) in zip(student, reference,
                                                             OPTIMIZER_CASES):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        if "raised" in found and "NotImplementedError" in found["raised"]:
            return _raised_verdict(test, Raised(found["raised"]))
        problem = checks.optimizer_problem(found, name, learning_rate, hyper,
                                           np.array(expected["weights"]))
        if problem:
            return test.fail(problem.mistake)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_make_optimizer",
    solution_id="make_optimizer",
    functions=("make_optimizer",),
    probe=probe_optimizer, judge=judge_optimizer,
    mistakes=(
        Mistake("dampening", "Momentum is mapped with dampening=beta, which PyTorch does not "
                "apply to the first step.", "PyTorch's b = beta b + g is the course's v divided "
                "by (1 - beta): scale the learning rate by (1 - beta)",
                edit(("lr=learning_rate * (1 - beta), momentum=beta",
                      "lr=learning_rate, momentum=beta, dampening=beta"))),
        Mistake("momentum_unscaled", "Momentum uses the course's learning rate unchanged.",
                "PyTorch's momentum adds g without (1 - beta): lr = learning_rate * (1 - beta)",
                edit(("lr=learning_rate * (1 - beta), momentum=beta",
                      "lr=learning_rate, momentum=beta"))),
        Mistake("betas_swapped", "Adam's betas are swapped.",
                "betas=(beta1, beta2): the gradient's average first, its square's second",
                edit(("betas=(beta1, beta2)", "betas=(beta2, beta1)"))),
        Mistake("wrong_rule", "An optimizer does not follow the course's rule of its name.",
                "gd is SGD, rmsprop is RMSprop with alpha=beta2, adam is Adam, with eps=epsilon",
                edit(("alpha=beta2, eps=epsilon", "eps=epsilon"))),
        Mistake("raised", "Making or stepping an optimizer raised an error.",
                "each name returns an optimizer of model.parameters()"),
    ),
))


# ------------------------------------------------------------------ build_softmax_model

SUITE.add(GradedTest(
    grade_id="test_build_softmax_model",
    solution_id="build_softmax_model",
    functions=("build_softmax_model",),
    probe=make_model_probe("build_softmax_model", SOFTMAX_DIMS, checks.LARGE_SOFTMAX_DIMS),
    judge=make_model_judge("test_build_softmax_model", "build_softmax_model", SOFTMAX_DIMS,
                           True),
    mistakes=MODEL_MISTAKES + (
        Mistake("softmax_output", "The model ends in a softmax, and nn.CrossEntropyLoss "
                "applies another one.", "nn.CrossEntropyLoss takes logits: no softmax in the "
                "model", edit(after="else:\n    layers.append(nn.Softmax(dim=1))")),
        Mistake("bias_before_bn", "A hidden nn.Linear has a bias before batch norm.",
                "batch norm subtracts the mean, so a bias before it does nothing: bias=False",
                edit(("bias=not hidden", "bias=True"), ("not hidden:", "True:"))),
        Mistake("no_batchnorm", "The hidden layers have no batch norm.",
                "nn.BatchNorm1d(n_l) after each hidden nn.Linear, before the ReLU",
                edit(("nn.BatchNorm1d(layers_dims[l], dtype=torch.float64), ", ""))),
        Mistake("float32", "The model's parameters are float32; the assignment asks for float64.",
                "PyTorch's default dtype is float32: pass dtype=torch.float64 to each layer",
                edit(("nn.BatchNorm1d(layers_dims[l], dtype=torch.float64)",
                      "nn.BatchNorm1d(layers_dims[l])"))),
    ),
))


# ------------------------------------------------------------------ predict_classes

PREDICT_CASES = (([2, 8, 6, 3], 40, 61), ([3, 5, 4], 25, 62), ([4, 7, 5, 6, 5], 30, 63))


def probe_predict(namespace):
    missing = missing_functions(namespace, "predict_classes")
    if missing:
        return missing
    return [attempt(checks.outcome_predict, namespace["predict_classes"],
                    checks.bn_case(*case)) for case in PREDICT_CASES]


def judge_predict(student, reference):
    test = SUITE.tests["test_predict_classes"]
    if isinstance(student, dict) and "missing" in student:
        return _raised_verdict(test, student["missing"])
    for found, case in zip(student, PREDICT_CASES):
        if isinstance(found, Raised):
            return _raised_verdict(test, found)
        for key in ("all", "one"):
            if "raised" in found[key] and "NotImplementedError" in found[key]["raised"]:
                return _raised_verdict(test, Raised(found[key]["raised"]))
        problem = checks.predict_problem(found, checks.bn_case(*case))
        if problem:
            return test.fail(problem.mistake)
    return Verdict(True, "passed")


SUITE.add(GradedTest(
    grade_id="test_predict_classes",
    solution_id="predict_classes",
    functions=("predict_classes",),
    probe=probe_predict, judge=judge_predict,
    mistakes=(
        Mistake("train_mode", "The predictions are made in training mode, with the batch's "
                "statistics.", "model.eval() makes batch norm use its running averages",
                edit(("model.eval", "model.train"))),
        Mistake("wrong_axis", "The argmax is taken over the examples instead of the classes.",
                "logits are (m, C): argmax(dim=1)",
                edit(("logits.argmax(dim=1)", "logits.argmax(dim=0)"))),
        Mistake("shape", "The predictions have the wrong shape.", "class indices (1, m)"),
        Mistake("not_numpy", "The predictions are a tensor, not a NumPy array.",
                "tensor.numpy()"),
        Mistake("wrong_classes", "The predicted classes are wrong.",
                "the index of each example's largest logit"),
    ),
))
