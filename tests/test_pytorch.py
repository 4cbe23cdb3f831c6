"""Assignment 6: the hidden tests accept correct alternatives (a hand-built nn.Module, nn.init,
explicit draws, other copies, torch.autograd.grad), the visible checks name every catalogued
mistake, wrong submissions lose exactly their cells' points through the real grading path
(with torch only inside the worker), and the executed notebook shows PyTorch computing what
the NumPy code computed."""

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (the learner's install has it "
                                    "on Python 3.11 only: pip install torch==2.13.0)")

from autograder.course import source_notebook  # noqa: E402
from autograder.execution import results_tables  # noqa: E402
from autograder.grading import grade_submission  # noqa: E402
from autograder.judging import plain_probe, reference_namespace, verdict  # noqa: E402
from autograder.running import Limits  # noqa: E402
from autograder.selftest import mutate, solution_sources, verdicts_with  # noqa: E402
from autograder.suite import load_suite  # noqa: E402
from helpers.checks import CheckFailed  # noqa: E402
from helpers.checks import pytorch as checks  # noqa: E402
from submissions import write_submission  # noqa: E402

ASSIGNMENT = "pytorch"

# Correct solution regions written differently from the reference.
ALTERNATIVES = {
    "build_model": (
        "linear = nn.Linear(layers_dims[l - 1], layers_dims[l]).double()\n"
        "nn.init.kaiming_normal_(linear.weight, mode=\"fan_in\", nonlinearity=\"relu\",\n"
        "                        generator=generator)\n"
        "nn.init.zeros_(linear.bias)\n"
        "layers += [linear] + ([nn.ReLU()] if l < L else [])"),
    "load_parameters": (
        "linear.weight[...] = torch.as_tensor(parameters[\"W\" + str(l)])\n"
        "linear.bias[:] = torch.as_tensor(parameters[\"b\" + str(l)][:, 0])"),
    "compute_cost_from_logits": (
        "cost = torch.mean(torch.clamp(logits, min=0) - logits * Y\n"
        "                  + torch.log1p(torch.exp(-torch.abs(logits))))"),
    "autograd_gradients": (
        "layers = linear_layers(model)\n"
        "cost = compute_cost_from_logits(model(X.T).T, Y)\n"
        "tensors = [p for layer in layers for p in (layer.weight, layer.bias)]\n"
        "for k, g in enumerate(torch.autograd.grad(cost, tensors)):\n"
        "    l, kind = k // 2 + 1, \"Wb\"[k % 2]\n"
        "    grads[f\"d{kind}{l}\"] = g.detach().numpy().reshape(tensors[k].shape[0], -1).copy()"),
    "train_step": (
        "for parameter in model.parameters():\n"
        "    parameter.grad = None\n"
        "loss = nn.BCEWithLogitsLoss()(model(X.T).reshape(1, -1), Y)\n"
        "loss.backward()\n"
        "optimizer.step()\n"
        "return float(loss.detach())"),
    "make_optimizer": (
        "makers = {\n"
        "    \"gd\": lambda: torch.optim.SGD(params, learning_rate),\n"
        "    \"momentum\": lambda: torch.optim.SGD(params, (1 - beta) * learning_rate,\n"
        "                                       momentum=beta, dampening=0),\n"
        "    \"rmsprop\": lambda: torch.optim.RMSprop(params, learning_rate, beta2, epsilon),\n"
        "    \"adam\": lambda: torch.optim.Adam(params, learning_rate, [beta1, beta2], epsilon),\n"
        "}\n"
        "if name in makers:\n"
        "    return makers[name]()"),
    "build_softmax_model": (
        "n, n_prev = layers_dims[l], layers_dims[l - 1]\n"
        "weight = torch.randn(n, n_prev, generator=generator, dtype=torch.float64)\n"
        "if l < L:\n"
        "    linear = nn.Linear(n_prev, n, bias=False).to(torch.float64)\n"
        "    layers.extend([linear, nn.BatchNorm1d(n).double(), nn.ReLU()])\n"
        "else:\n"
        "    linear = nn.Linear(n_prev, n).to(torch.float64)\n"
        "    nn.init.zeros_(linear.bias)\n"
        "    layers.append(linear)\n"
        "with torch.no_grad():\n"
        "    linear.weight.copy_(weight * (2 / n_prev) ** 0.5)"),
    "predict_classes": (
        "model.train(False)\n"
        "with torch.inference_mode():\n"
        "    classes = torch.argmax(model(X.T), 1)[None, :].numpy()"),
}

# A hand-built nn.Module instead of nn.Sequential: a whole solution cell.
HAND_BUILT_MODEL = '''
class Net(nn.Module):
    def __init__(self, layers_dims, generator):
        super().__init__()
        self.hidden = nn.ModuleList()
        for n_prev, n in zip(layers_dims[:-1], layers_dims[1:]):
            layer = nn.Linear(n_prev, n, dtype=torch.float64)
            with torch.no_grad():
                layer.weight.copy_(torch.normal(0.0, (2 / n_prev) ** 0.5, (n, n_prev),
                                                generator=generator, dtype=torch.float64))
                layer.bias.zero_()
            self.hidden.append(layer)

    def forward(self, x):
        for layer in self.hidden[:-1]:
            x = torch.relu(layer(x))
        return self.hidden[-1](x)


def build_model(layers_dims, seed=0):
    """A hand-built module."""
    ### BEGIN SOLUTION
    return Net(layers_dims, torch.Generator().manual_seed(seed))
    ### END SOLUTION
'''


def test_correct_alternatives_pass_every_hidden_test():
    verdicts = verdicts_with(ASSIGNMENT, ALTERNATIVES)
    assert all(result.passed for result in verdicts.values()), verdicts


def test_a_hand_built_module_passes():
    suite = load_suite(ASSIGNMENT)
    test = suite.tests["test_build_model"]
    reference = plain_probe(test, reference_namespace(ASSIGNMENT))
    student = reference_namespace(ASSIGNMENT, {"build_model": HAND_BUILT_MODEL})
    assert type(student["build_model"](([2, 3, 1]))).__name__ == "Net"
    result = verdict(test, plain_probe(test, student), reference)
    assert result.passed, result


@pytest.mark.parametrize("body,mistake", [
    # weights from torch's global generator: the seed no longer decides them
    (ALTERNATIVES["build_model"].replace(",\n                        generator=generator)",
                                         ")"), "unseeded"),
    # a fixed generator: every seed gives the same net
    (ALTERNATIVES["build_model"].replace("generator=generator",
                                         "generator=torch.Generator().manual_seed(0)"),
     "seed_ignored"),
])
def test_initializations_that_misuse_the_seed_fail(body, mistake):
    result = verdicts_with(ASSIGNMENT, {"build_model": body})["test_build_model"]
    assert not result.passed and result.mistake == mistake, result


def test_every_mistake_of_the_brief_has_a_mutant():
    suite = load_suite(ASSIGNMENT)
    required = {
        "test_build_model": {"sigmoid_output", "fan_out", "uniform", "default_init", "float32"},
        "test_load_parameters": {"replaced_parameters", "transposed"},
        "test_compute_cost_from_logits": {"unstable", "summed", "labels_layout"},
        "test_autograd_gradients": {"not_zeroed", "logits_layout"},
        "test_train_step": {"not_zeroed", "step_before_backward", "not_float"},
        "test_make_optimizer": {"dampening", "betas_swapped", "momentum_unscaled"},
        "test_build_softmax_model": {"softmax_output", "bias_before_bn", "float32"},
        "test_predict_classes": {"train_mode", "wrong_axis"},
    }
    for grade_id, names in required.items():
        with_mutants = set(suite.tests[grade_id].mutants)
        assert names <= with_mutants, (grade_id, names - with_mutants)


def test_the_reference_optimizers_follow_the_course_rules_of_assignment_4():
    """An independent oracle: the reference solution of Assignment 4's update rules, on the
    NumPy net, against make_optimizer's trajectories."""
    torch = pytest.importorskip("torch")
    course = reference_namespace("optimization")
    mine = reference_namespace(ASSIGNMENT)
    parameters, X, Y = checks.random_net([3, 6, 4, 1], 20, seed=3)
    hyper = {"beta": 0.8, "beta1": 0.7, "beta2": 0.95, "epsilon": 1e-4}
    for name in ("gd", "momentum", "rmsprop", "adam"):
        found = checks.outcome_optimizer(mine["make_optimizer"], name, parameters, X, Y, 0.05,
                                         hyper, 5)
        current = {key: value.copy() for key, value in parameters.items()}
        v = course["initialize_velocity"](current)
        s = course["initialize_rmsprop"](current)
        adam_v, adam_s = course["initialize_adam"](current)
        for t in range(1, 6):
            AL, caches = checks.model_forward(X, current)
            grads = checks.model_backward(AL, Y, caches)
            if name == "gd":
                current = course["update_parameters_with_gd"](current, grads, 0.05)
            elif name == "momentum":
                current, v = course["update_parameters_with_momentum"](current, grads, v, 0.8,
                                                                       0.05)
            elif name == "rmsprop":
                current, s = course["update_parameters_with_rmsprop"](
                    current, grads, s, beta2=0.95, learning_rate=0.05, epsilon=1e-4)
            else:
                current, adam_v, adam_s, *_ = course["update_parameters_with_adam"](
                    current, grads, adam_v, adam_s, t, learning_rate=0.05, beta1=0.7,
                    beta2=0.95, epsilon=1e-4)
            flat = np.concatenate([current[k].ravel() for k in ("W1", "b1", "W2", "b2",
                                                                 "W3", "b3")])
            assert np.allclose(found["weights"][t - 1], flat, rtol=1e-10, atol=1e-14), (name, t)
    assert torch.get_default_dtype() == torch.float32  # nothing here changed the default


# ------------------------------------------------------------------ visible checks

def _run_check(function, namespace):
    if function == "make_optimizer":
        return checks.check_make_optimizer(namespace[function], namespace["course_update"])
    return getattr(checks, f"check_{function}")(namespace[function])


VISIBLE_MESSAGES = {
    ("build_model", "sigmoid_output"): "ends in a sigmoid",
    ("build_model", "fan_out"): "fan-out",
    ("build_model", "uniform"): "uniformly distributed",
    ("build_model", "default_init"): "PyTorch's default initialization",
    ("build_model", "float32"): "float32",
    ("load_parameters", "replaced_parameters"): "Parameter objects were replaced",
    ("load_parameters", "transposed"): "copy it as it is",
    ("compute_cost_from_logits", "unstable"): "log(0)",
    ("compute_cost_from_logits", "summed"): "sum over the examples",
    ("compute_cost_from_logits", "labels_layout"): "(m, 1) against (1, m)",
    ("compute_cost_from_logits", "not_tensor"): "0-d tensor",
    ("autograd_gradients", "not_zeroed"): "doubled the gradients",
    ("autograd_gradients", "logits_layout"): "examples as rows",
    ("autograd_gradients", "db_shape"): "reshape it",
    ("autograd_gradients", "transposed"): "already (n_l, n_(l-1))",
    ("train_step", "not_zeroed"): "add up from step to step",
    ("train_step", "step_before_backward"): "must come after backward()",
    ("train_step", "not_float"): "Python float",
    ("make_optimizer", "dampening"): "does not damp the first step",
    ("make_optimizer", "momentum_unscaled"): "without (1 - beta)",
    ("make_optimizer", "betas_swapped"): "betas are swapped",
    ("make_optimizer", "wrong_rule"): "does not follow the course's rmsprop rule",
    ("build_softmax_model", "softmax_output"): "ends in a softmax",
    ("build_softmax_model", "bias_before_bn"): "bias=False",
    ("build_softmax_model", "no_batchnorm"): "nn.BatchNorm1d layers",
    ("build_softmax_model", "float32"): "float32",
    ("predict_classes", "train_mode"): "model.eval()",
    ("predict_classes", "wrong_axis"): "argmax over the classes",
}


def catalogued_mutants():
    return [pytest.param(test.function, name, mutant, id=f"{test.function}-{name}")
            for test in load_suite(ASSIGNMENT).tests.values()
            for name, mutant in test.mutants.items()]


@pytest.mark.parametrize("function,mistake,mutant", catalogued_mutants())
def test_visible_check_names_each_catalogued_mistake(function, mistake, mutant):
    cell = mutate(solution_sources(ASSIGNMENT)[function], mutant)
    namespace = reference_namespace(ASSIGNMENT, {function: cell})
    with pytest.raises(CheckFailed) as failure:
        _run_check(function, namespace)
    assert VISIBLE_MESSAGES[function, mistake] in str(failure.value), str(failure.value)


def test_visible_checks_pass_the_reference_and_alternatives_and_flag_stubs(capsys):
    solutions = solution_sources(ASSIGNMENT)
    for namespace in (reference_namespace(ASSIGNMENT), reference_namespace(ASSIGNMENT, {
            name: mutate(solutions[name], body) for name, body in ALTERNATIVES.items()})):
        for function in ALTERNATIVES:
            _run_check(function, namespace)
    assert capsys.readouterr().out.count("all visible checks passed") == 2 * len(ALTERNATIVES)

    def train_step(model, optimizer, X, Y):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="train_step is not implemented yet"):
        checks.check_train_step(train_step)


def test_the_first_cell_says_what_to_do_without_torch(root):
    notebook = json.loads((root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    first = "".join(notebook["cells"][0]["source"])
    assert "No module named 'torch'" in first and "pip install torch==2.13.0" in first


# ------------------------------------------------------------------ the real grading path

def test_wrong_submission_loses_exactly_its_cells_points(tmp_path):
    suite = load_suite(ASSIGNMENT)
    wrong = {
        "compute_cost_from_logits": suite.tests["test_compute_cost_from_logits"].mutants[
            "unstable"],
        "make_optimizer": suite.tests["test_make_optimizer"].mutants["dampening"],
        "predict_classes": suite.tests["test_predict_classes"].mutants["train_mode"],
    }
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    write_submission(folder, ASSIGNMENT, wrong)

    result = grade_submission("ada", ASSIGNMENT, folder)
    assert result.status == "graded", result.message
    cells = {cell.grade_id: cell for cell in result.cells}
    assert {grade_id: cell.points for grade_id, cell in cells.items()} == {
        "test_build_model": 2, "test_load_parameters": 1, "test_compute_cost_from_logits": 0,
        "test_autograd_gradients": 2, "test_train_step": 2, "test_make_optimizer": 0,
        "test_build_softmax_model": 2, "test_predict_classes": 0}
    assert cells["test_compute_cost_from_logits"].mistake == "unstable"
    assert "log(0)" in cells["test_compute_cost_from_logits"].message
    assert cells["test_make_optimizer"].mistake == "dampening"
    assert cells["test_predict_classes"].mistake == "train_mode"
    assert "model.eval()" in cells["test_predict_classes"].message
    assert result.score == 9 and result.max_score == 14


def test_workers_get_the_address_space_torch_needs_whatever_the_operator_asks(root):
    # 512 MB is below what importing torch takes (the reference then fails to import it);
    # the suite's declared need lifts this assignment's workers to 1024 MB.
    assert load_suite(ASSIGNMENT).memory_mb == 1024
    result = grade_submission("reference", ASSIGNMENT, root / "source" / ASSIGNMENT,
                              limits=Limits(memory_mb=512))
    assert result.status == "graded", result.message
    assert result.score == result.max_score


def test_the_grading_process_never_imports_torch(root):
    """Judging works on NumPy data: load the suite and judge the reference's own outputs,
    computed in a worker, in a process where importing torch is impossible."""
    script = (
        "import sys\n"
        "sys.modules['torch'] = None  # any import of torch now fails\n"
        "from autograder.judging import reference_outputs, verdict\n"
        "from autograder.suite import load_suite\n"
        "suite = load_suite('pytorch')\n"
        "outputs = reference_outputs('pytorch').outputs\n"
        "verdicts = [verdict(suite.tests[g], o, o).passed for g, o in outputs.items()]\n"
        "print(len(verdicts), all(verdicts))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["8", "True"], done.stdout


# ------------------------------------------------------------------ the notebook's results

@pytest.mark.slow
def test_executed_notebook_shows_the_framework_computing_the_same(executed):
    rows = {row["comparison"]: row["value"]
            for row in results_tables(executed(source_notebook(ASSIGNMENT)))["pytorch"]}
    # Same cost for 1000 steps, same gradients, same update rules: to rounding.
    assert rows["autograd against model_backward"] < 1e-14, rows
    assert rows["gradient descent, 1000 steps (cost)"] < 1e-12, rows
    for name in ("gd", "momentum", "rmsprop", "adam"):
        assert rows[f"{name}, 200 steps (weights)"] < 1e-12, (name, rows)
    # dampening is not the course's momentum: off from the first step on.
    assert rows["momentum, dampening=beta instead, 200 steps (weights)"] > 1e-4, rows
    # Batch norm: at least 90% on the test spirals in eval mode; train mode differs.
    assert rows["spirals, test accuracy (eval mode)"] >= 0.90, rows
    assert rows["spirals, test accuracy (train mode)"] != rows[
        "spirals, test accuracy (eval mode)"], rows
    # Running statistics: the mean matches; the variance only with 1/(m - 1).
    assert rows["running mean"] < 1e-12, rows
    assert rows["running variance with 1/(m-1)"] < 1e-12, rows
    assert rows["running variance with 1/m"] > 1e-3, rows


def test_course_grade_warns_and_reports_the_address_space_it_gave(root, tmp_path):
    write_submission(tmp_path / "submitted" / "bo" / ASSIGNMENT, ASSIGNMENT)
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "--course", str(root), "grade", ASSIGNMENT,
         "--submissions", str(tmp_path / "submitted"), "--report", str(report),
         "--gradebook", f"sqlite:///{tmp_path / 'gradebook.db'}", "--memory-mb", "512",
         "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "needs 1024 MB of address space per process" in done.stderr
    assert "not --memory-mb 512" in done.stderr
    graded = json.loads(report.read_text())
    assert graded["bounds"]["memory"]["limit"] == 1024, graded["bounds"]
    [entry] = graded["students"]
    assert entry["status"] == "graded" and entry["score"] == entry["max_score"] == 14, entry
