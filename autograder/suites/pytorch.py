"""Hidden tests for Assignment 6 (from NumPy to a framework: PyTorch).

The probes build every PyTorch object themselves (nets holding NumPy parameters made from fixed
seeds, optimizers, batch-norm nets with running statistics), call the learner's functions on
them through helpers.checks.pytorch's ``outcome_*`` functions, and send back NumPy arrays and
numbers only: torch is imported inside the grading worker, never in the grading process. The
judges compare with independent NumPy oracles (the given backprop, the cost and batch norm
formulas, gradient descent with and without the loop-order mistakes) and, for the update rules,
with the reference solution's trajectories. An error the learner's code raises is the
framework's to report; ``EXPLAIN_ERROR`` names the mistakes behind torch's shape errors.
"""

import numpy as np

from autograder.suite import Suite, attempt, edit
from helpers.checks import pytorch as checks
from helpers.checks import random_net
from helpers.checks.pytorch import EXPLAIN_ERROR, MISTAKES

MUTANTS = {
    "build_model": {
        "sigmoid_output": edit(after="else:\n    layers.append(nn.Sigmoid())"),
        "fan_out": edit(("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(2 / layers_dims[l])")),
        "uniform": edit(("normal_(0.0, np.sqrt(2 / layers_dims[l - 1]),",
                         "uniform_(-np.sqrt(6 / layers_dims[l - 1]), "
                         "np.sqrt(6 / layers_dims[l - 1]),")),
        "default_init": edit(("linear.weight.normal_", "linear.weight.clone().normal_"),
                             ("linear.bias.zero_", "linear.bias.clone().zero_")),
        "float32": edit((", dtype=torch.float64)", ")")),
    },
    "load_parameters": {
        "replaced_parameters": edit(("linear.weight.copy_(", "linear.weight = nn.Parameter("),
                                    ("linear.bias.copy_(", "linear.bias = nn.Parameter(")),
        "transposed": edit(("parameters[f\"W{l}\"])", "parameters[f\"W{l}\"].T)")),
    },
    "compute_cost_from_logits": {
        "unstable": edit(("nn.functional.binary_cross_entropy_with_logits(logits, Y)",
                          "-torch.mean(Y * torch.log(torch.sigmoid(logits))\n"
                          "                   + (1 - Y) * torch.log(1 - torch.sigmoid(logits)))")),
        "summed": edit(("binary_cross_entropy_with_logits(logits, Y)",
                        "binary_cross_entropy_with_logits(logits, Y, reduction=\"sum\")")),
        "labels_layout": edit(("nn.functional.binary_cross_entropy_with_logits(logits, Y)",
                               "torch.mean(torch.clamp(logits, min=0) - logits * Y.reshape(-1, 1)"
                               "\n                  + torch.log1p(torch.exp(-torch.abs(logits))))"
                               )),
        "not_tensor": edit(after="cost = cost.item()"),
    },
    "autograd_gradients": {
        "not_zeroed": edit(("model.zero_grad", "model.train")),
        "logits_layout": edit(("(X.T).T", "(X.T)")),
        "db_shape": edit(("linear.bias.grad.numpy().reshape(-1, 1).copy()",
                          "linear.bias.grad.numpy().copy()")),
        "transposed": edit(("linear.weight.grad.numpy().copy()",
                            "linear.weight.grad.numpy().T.copy()")),
    },
    "train_step": {
        "not_zeroed": edit(("optimizer.zero_grad()\n", "")),
        "step_before_backward": edit(("optimizer.step()\nreturn", "return"),
                                     ("cost = compute_cost",
                                      "optimizer.step()\ncost = compute_cost")),
        "not_float": edit(("cost.item()", "cost")),
    },
    "make_optimizer": {
        "dampening": edit(("lr=learning_rate * (1 - beta), momentum=beta",
                           "lr=learning_rate, momentum=beta, dampening=beta")),
        "momentum_unscaled": edit(("lr=learning_rate * (1 - beta), momentum=beta",
                                   "lr=learning_rate, momentum=beta")),
        "betas_swapped": edit(("betas=(beta1, beta2)", "betas=(beta2, beta1)")),
        "wrong_rule": edit(("alpha=beta2, eps=epsilon", "eps=epsilon")),
    },
    "build_softmax_model": {
        "softmax_output": edit(after="else:\n    layers.append(nn.Softmax(dim=1))"),
        "bias_before_bn": edit(("bias=not hidden", "bias=True"), ("not hidden:", "True:")),
        "no_batchnorm": edit(("nn.BatchNorm1d(layers_dims[l], dtype=torch.float64), ", "")),
        "float32": edit(("nn.BatchNorm1d(layers_dims[l], dtype=torch.float64)",
                       "nn.BatchNorm1d(layers_dims[l])")),
    },
    "predict_classes": {
        "train_mode": edit(("model.eval", "model.train")),
        "wrong_axis": edit(("logits.argmax(dim=1)", "logits.argmax(dim=0)")),
    },
}

# A worker that imports torch (one thread) reaches about 690 MB of address space while these
# probes run; at 640 MB the reference runs out of memory (benchmarks/README.md). Its workers
# get at least 1024 MB, whatever --memory-mb says.
SUITE = Suite("pytorch", MISTAKES, MUTANTS, memory_mb=1024)


def probe_each(outcome, cases):
    """The probe that returns outcome(function, *case) for every case (a tuple of arguments)."""
    def probe(function, namespace):
        return [attempt(outcome, function, *case) for case in cases]
    return probe


def judge_each(problem_of, telling=()):
    """The judge of a probe that returns one outcome per case: ``problem_of(index, found,
    expected)`` (the reference's outcome) gives the case's Problem or None. The test fails with
    the first of ``telling`` that any case shows (a mistake that shows on some cases only,
    named before what it causes on others), else with the first case's mistake."""
    def judge(test, student, reference):
        problems = [problem_of(index, found, expected)
                    for index, (found, expected) in enumerate(zip(student, reference))]
        names = [problem.mistake for problem in problems if problem]
        if not names:
            return test.passed()
        return test.fail(next((name for name in telling if name in names), names[0]))
    return judge


def declare(function, outcome, cases, problem, mistakes, telling=()):
    """The graded test of ``function``: outcome(function, *case) for every case, judged by
    problem(found, *case)."""
    SUITE.test(function, probe_each(outcome, cases),
               judge_each(lambda index, found, _: problem(found, *cases[index]), telling),
               mistakes=mistakes, explain_error=EXPLAIN_ERROR.get(function))


# ------------------------------------------------------------------ build_model

MODEL_MISTAKES = ("not_module", "float32", "layers", "output_shape", "forward_error", "not_logits",
                  "sigmoid_output", "softmax_output", "bias_nonzero", "default_init", "scale",
                  "fan_out", "uniform", "unseeded", "seed_ignored")


def model_cases(dims_cases):
    """(layers_dims, seed, X_rows) for every layers_dims."""
    return [(dims, index + 3, checks.rows_input(dims[0], 12, index))
            for index, dims in enumerate(dims_cases)]


def declare_model(function, dims_cases, large_dims, batch_norm, mistakes):
    """The graded test of a model builder: the model for every case, then He initialization
    on large layers."""
    cases = model_cases(dims_cases)
    probe_cases = probe_each(checks.outcome_model, cases)

    def probe(function, namespace):
        return probe_cases(function, namespace) + [
            attempt(checks.outcome_init, function, large_dims)]

    def problem_of(index, found, expected):
        if index == len(cases):
            return checks.init_problem(found, function)
        dims, _, X_rows = cases[index]
        return checks.model_problem(found, dims, X_rows, function, batch_norm)
    SUITE.test(function, probe, judge_each(problem_of), mistakes=mistakes)


declare_model("build_model", ([2, 10, 5, 1], [3, 7, 1], [5, 4, 6, 2, 1]), checks.LARGE_DIMS,
              False, MODEL_MISTAKES)

# ------------------------------------------------------------------ load_parameters

declare("load_parameters", checks.outcome_load,
        [(random_net(dims, 2, seed=20 + index)[0],)
         for index, dims in enumerate(([4, 4, 3, 1], [2, 10, 5, 1], [3, 6, 1]))],
        checks.load_problem,
        ("not_same_model", "replaced_parameters", "transposed", "wrong_values"))

# ------------------------------------------------------------------ compute_cost_from_logits

# m = 1 has nothing to broadcast; the most telling diagnosis first: a layout mix-up shows on
# m > 1 only.
declare("compute_cost_from_logits", checks.outcome_cost,
        [checks.cost_case(m, seed) for m, seed in ((1, 0), (9, 1), (40, 2))] +
        [checks.LARGE_LOGITS],
        checks.cost_problem,
        ("unstable", "summed", "labels_layout", "not_tensor", "not_scalar",
         "not_differentiable", "wrong_gradient", "wrong_value"),
        telling=("labels_layout", "unstable", "summed"))

# ------------------------------------------------------------------ autograd_gradients

declare("autograd_gradients", checks.outcome_gradients,
        [random_net(dims, m, seed) for dims, m, seed in
         (([2, 10, 5, 1], 30, 31), ([3, 7, 1], 8, 32), ([4, 6, 5, 3, 1], 17, 33))],
        checks.gradients_problem,
        ("not_zeroed", "logits_layout", "db_shape", "transposed", "grad_shape", "keys", "type",
         "grads_differ", "second_call", "not_numpy"))

# ------------------------------------------------------------------ train_step

declare("train_step", checks.outcome_steps,
        [(*random_net(dims, m, seed), learning_rate, steps) for dims, m, seed, learning_rate,
         steps in (([2, 10, 5, 1], 30, 41, 0.5, 5), ([3, 6, 4, 1], 13, 42, 0.3, 4))],
        checks.steps_problem,
        ("not_zeroed", "step_before_backward", "not_float", "logits_layout", "wrong_update",
         "wrong_cost"))

# ------------------------------------------------------------------ make_optimizer

OPTIMIZER_CASES = [
    (name, *random_net([3, 6, 4, 1], 20, 51), learning_rate, hyper, 6)
    for name, learning_rate, hyper in (
        ("gd", 0.2, {}),
        ("momentum", 0.2, {"beta": 0.7}),
        ("momentum", 0.1, {}),
        ("rmsprop", 0.02, {"beta2": 0.9, "epsilon": 1e-4}),
        ("adam", 0.02, {"beta1": 0.7, "beta2": 0.95, "epsilon": 1e-4}),
        ("adam", 0.01, {}))]


def optimizer_problem(index, found, expected):
    """The reference's trajectory is the course's rule (tests/test_pytorch.py checks it
    against Assignment 4's solution)."""
    name, _, _, _, learning_rate, hyper, _ = OPTIMIZER_CASES[index]
    return checks.optimizer_problem(found, name, learning_rate, hyper,
                                    np.array(expected["weights"]))


SUITE.test("make_optimizer", probe_each(checks.outcome_optimizer, OPTIMIZER_CASES),
           judge_each(optimizer_problem),
           mistakes=("not_optimizer", "dampening", "momentum_unscaled", "betas_swapped",
                     "wrong_rule"))

# ------------------------------------------------------------------ build_softmax_model

declare_model("build_softmax_model", ([2, 10, 5, 3], [3, 7, 4], [4, 6, 5, 8, 3]),
              checks.LARGE_SOFTMAX_DIMS, True,
              MODEL_MISTAKES + ("bias_before_bn", "no_batchnorm"))

# ------------------------------------------------------------------ predict_classes

declare("predict_classes", checks.outcome_predict,
        [(checks.bn_case(*case),) for case in
         (([2, 8, 6, 3], 40, 61), ([3, 5, 4], 25, 62), ([4, 7, 5, 6, 5], 30, 63))],
        checks.predict_problem,
        ("train_mode", "wrong_axis", "predictions_shape", "not_numpy", "wrong_classes"))
