"""The course's NumPy training loops against PyTorch on CPU: same net, data, initial weights and
number of steps, timed in one run.

    .venv/bin/python benchmarks/training.py                 # threads 1 and 2, 5 repetitions
    .venv/bin/python benchmarks/training.py --threads 1 --repeats 9
    .venv/bin/python benchmarks/training.py --quick         # seconds: proves it works, no targets

The NumPy side is the code the notebooks run: helpers.training.train (full batch) and
train_mini_batches, as Assignment 4 trains on the moons, with its Adam
(the reference solutions in source/optimization: update_parameters_with_adam, initialize_adam,
random_mini_batches). The PyTorch side
is an ordinary torch loop: nn.Sequential, an optimizer from torch.optim, BCEWithLogitsLoss,
float64 like NumPy.

Before timing, both sides take a few steps from the same weights and must agree on the cost at
every step to 1e-6. Then the NumPy and the PyTorch run alternate (NumPy, PyTorch, NumPy, ...),
so that both see the same load on a shared machine, and the ratio of their median wall times is
compared with the target; each NumPy measurement repeats its (much shorter) run until it covers
about as much time as a PyTorch run. Each thread count runs in its own process, because
NumPy's BLAS reads its thread count when it is loaded. Exit status: 0 when every target is met,
1 when one is missed or the costs disagree, 2 when torch is not installed.

Needs torch==2.13.0, which Assignment 6 brings (a learner dependency on Python 3.11).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AGREEMENT = 1e-6  # largest |cost difference| allowed over the first steps


# ---------------------------------------------------------------- the cases

class Case:
    """One benchmark: a net, its data, its training and the target ratio NumPy / PyTorch."""

    def __init__(self, name, layers_dims, target, kind, steps, learning_rate, data="circles"):
        self.name, self.layers_dims, self.target = name, layers_dims, target
        self.kind, self.steps, self.learning_rate, self.data = kind, steps, learning_rate, data

    @property
    def label(self):
        size = f"{self.steps:,} iterations" if self.kind == "full batch" else \
            f"{self.steps:,} epochs"
        dims = "[" + ",".join(map(str, self.layers_dims)) + "]"
        return f"{dims} {self.kind}, {size}"


def cases(quick=False):
    if quick:
        return [Case("small", [2, 10, 5, 1], 0.10, "full batch", 40, 0.01),
                Case("adam", [2, 5, 2, 1], 0.10, "mini-batch 64 + Adam", 4, 0.0007, "moons"),
                Case("wide", [2, 32, 32, 1], 0.8, "full batch", 10, 0.01)]
    return [Case("small", [2, 10, 5, 1], 0.10, "full batch", 15_000, 0.01),
            Case("adam", [2, 5, 2, 1], 0.10, "mini-batch 64 + Adam", 500, 0.0007, "moons"),
            Case("wide", [2, 256, 256, 1], 0.8, "full batch", 100, 0.01)]


def load_data(name):
    """(X (2, m), Y (1, m)) training set; the moons fall back to the circles if absent."""
    from helpers import datasets
    loader = getattr(datasets, f"load_{name}", None)
    try:
        X, Y, _, _ = (loader or datasets.load_circles)()
    except datasets.DatasetError:
        X, Y, _, _ = datasets.load_circles()
    return np.asarray(X, dtype=float), np.asarray(Y, dtype=float)


def he_parameters(layers_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


# ---------------------------------------------------------------- the NumPy side

def course_optimizers():
    """(initialize_adam, update_parameters_with_adam, random_mini_batches, where from): the
    reference solutions of Assignment 4, run from its source notebook."""
    from autograder.judging import reference_namespace
    namespace = reference_namespace("optimization")
    return (namespace["initialize_adam"], namespace["update_parameters_with_adam"],
            namespace["random_mini_batches"], "source/optimization")


def numpy_run(case, X, Y, parameters, steps, optimizers, step_costs=None, parts="all",
              epochs=None):
    """Train as the notebooks do; returns the final recorded cost. ``step_costs``, if a list,
    receives the cost of every step (then every step's cost is computed). For mini-batches,
    ``epochs[e]`` holds the mini-batches of epoch e, made beforehand by random_mini_batches
    (as Assignment 4 makes them once for all its runs); ``parts="loop"`` replaces Adam by no
    update: what is left is train_mini_batches' own time."""
    from helpers.network import compute_cost
    from helpers.training import train, train_mini_batches
    if case.kind == "full batch":
        every = 1 if step_costs is not None else 100
        _, history = train(X, Y, parameters, learning_rate=case.learning_rate,
                           num_iterations=steps, record_every=every, progress=False)
        if step_costs is not None:
            step_costs.extend(history.costs[:-1])  # the cost before each step
        return history.final_cost
    initialize_adam, update_parameters_with_adam, _, _ = optimizers
    state = {}

    def adam(parameters, grads, t):
        if not state:
            state["v"], state["s"] = initialize_adam(parameters)
        parameters, state["v"], state["s"], _, _ = update_parameters_with_adam(
            parameters, grads, state["v"], state["s"], t, case.learning_rate, 0.9, 0.999, 1e-8)
        return parameters

    def cost(AL, Y):
        value = compute_cost(AL, Y)
        step_costs.append(value)
        return value

    step = adam
    if parts == "loop":
        step = lambda parameters, grads, t: parameters  # noqa: E731 (no update)
    _, history = train_mini_batches(
        X, Y, parameters, num_epochs=steps, step=step, batches=epochs.__getitem__,
        cost=compute_cost if step_costs is None else cost,
        record_every=10 if step_costs is None else 1, progress=False)
    return history.final_cost


def numpy_epochs(X, Y, steps, optimizers):
    """The mini-batches of every epoch, from the course's random_mini_batches (seed = epoch)."""
    random_mini_batches = optimizers[2]
    return [random_mini_batches(X, Y, 64, seed=epoch) for epoch in range(steps)]


# ---------------------------------------------------------------- the PyTorch side

def torch_run(case, X, Y, parameters, steps, step_costs=None, epochs=None):
    """The same training in an ordinary PyTorch loop; returns the last recorded cost.
    ``epochs[e]``: the mini-batches of epoch e as tensors, made beforehand (torch_epochs)."""
    import torch
    layers = []
    for l in range(1, len(case.layers_dims)):
        linear = torch.nn.Linear(case.layers_dims[l - 1], case.layers_dims[l], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(parameters[f"W{l}"]))
            linear.bias.copy_(torch.from_numpy(parameters[f"b{l}"][:, 0]))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # the sigmoid is inside the loss
    loss_function = torch.nn.BCEWithLogitsLoss()
    X_t, Y_t = torch.from_numpy(X.T.copy()), torch.from_numpy(Y.T.copy())  # examples as rows
    last = float("nan")
    if case.kind == "full batch":
        optimizer = torch.optim.SGD(model.parameters(), lr=case.learning_rate)
        for i in range(steps):
            optimizer.zero_grad()
            loss = loss_function(model(X_t), Y_t)
            if step_costs is not None:
                step_costs.append(loss.item())
            elif i % 100 == 0:
                last = loss.item()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            return loss_function(model(X_t), Y_t).item()
    optimizer = torch.optim.Adam(model.parameters(), lr=case.learning_rate, betas=(0.9, 0.999),
                                 eps=1e-8)
    m = X_t.shape[0]
    for epoch in range(steps):
        recorded = step_costs is not None or epoch % 10 == 0 or epoch == steps - 1
        total = 0.0
        for X_batch, Y_batch in epochs[epoch]:
            optimizer.zero_grad()
            loss = loss_function(model(X_batch), Y_batch)
            if recorded:
                total += loss.item() * X_batch.shape[0]
                if step_costs is not None:
                    step_costs.append(loss.item())
            loss.backward()
            optimizer.step()
        if recorded:
            last = total / m
    return last


def torch_epochs(X, Y, steps):
    """The same mini-batches as numpy_epochs, as tensors with the examples as rows."""
    import torch
    X_t, Y_t = torch.from_numpy(X.T.copy()), torch.from_numpy(Y.T.copy())
    epochs = []
    for epoch in range(steps):
        order = torch.from_numpy(np.random.default_rng(epoch).permutation(X_t.shape[0]))
        X_epoch, Y_epoch = X_t[order], Y_t[order]
        epochs.append([(X_epoch[k:k + 64], Y_epoch[k:k + 64])
                       for k in range(0, X_t.shape[0], 64)])
    return epochs


# ---------------------------------------------------------------- one thread count

def measure(threads, repeats, quick):
    """Run every case at ``threads`` threads in this process; returns a list of result dicts."""
    import torch
    torch.set_num_threads(threads)
    optimizers = course_optimizers()
    results = []
    for case in cases(quick):
        X, Y = load_data(case.data)
        parameters = he_parameters(case.layers_dims)
        # agreement: the cost at each of the first steps, from the same weights
        first = 5 if case.kind == "full batch" else 1
        numpy_batches = torch_batches = None
        if case.kind != "full batch":  # made once, before any timing, for both sides
            numpy_batches = numpy_epochs(X, Y, case.steps, optimizers)
            torch_batches = torch_epochs(X, Y, case.steps)
        numpy_costs, torch_costs = [], []
        numpy_run(case, X, Y, parameters, first, optimizers, numpy_costs, epochs=numpy_batches)
        torch_run(case, X, Y, parameters, first, torch_costs, epochs=torch_batches)
        difference = max(abs(a - b) for a, b in zip(numpy_costs, torch_costs))
        if len(numpy_costs) != len(torch_costs):
            difference = float("inf")
        # the NumPy and the PyTorch run alternate, so that both see the same load; for
        # mini-batches, two more NumPy sides find where a step's time goes: "loop", the run
        # without the Adam update, and "batches", making every epoch's mini-batches
        sides = ["numpy", "torch"]
        if case.kind != "full batch":
            sides += ["loop", "batches"]
        finals = {}

        def timed(side):
            """Seconds of one run of ``side``."""
            start = time.perf_counter()
            if side == "torch":
                finals[side] = torch_run(case, X, Y, parameters, case.steps,
                                         epochs=torch_batches)
            elif side == "batches":
                numpy_epochs(X, Y, case.steps, optimizers)
            else:
                parts = "all" if side == "numpy" else side
                finals[side] = numpy_run(case, X, Y, parameters, case.steps, optimizers,
                                         parts=parts, epochs=numpy_batches)
            return time.perf_counter() - start

        # A NumPy run is much shorter than a PyTorch run: each measurement of a NumPy side
        # repeats it until it covers about as much time as one PyTorch run, so that both
        # sides average over the same stretch of a shared machine's ups and downs.
        rounds = max(1, round(timed("torch") / timed("numpy")))
        times = {side: [] for side in sides}
        for _ in range(repeats):
            for side in sides:
                count = 1 if side == "torch" else rounds
                times[side].append(sum(timed(side) for _ in range(count)) / count)
        median = {side: statistics.median(seconds) for side, seconds in times.items()}
        numpy_time, torch_time = median["numpy"], median["torch"]
        shares = {side: median[side] / _steps(case, X) * 1e6 for side in sides[2:]}
        results.append({
            "case": case.name, "label": case.label, "threads": threads, "target": case.target,
            "numpy_s": numpy_time, "torch_s": torch_time, "ratio": numpy_time / torch_time,
            "numpy_times": times["numpy"], "torch_times": times["torch"],
            "steps_compared": len(numpy_costs), "cost_difference": difference,
            "numpy_runs_per_measurement": rounds,
            "final_cost_numpy": finals["numpy"], "final_cost_torch": finals["torch"],
            "per_step_us_numpy": numpy_time / _steps(case, X) * 1e6,
            "per_step_us_torch": torch_time / _steps(case, X) * 1e6,
            "adam_from": optimizers[3] if case.kind != "full batch" else "",
            "share_us": shares,
        })
    return results


def _steps(case, X):
    if case.kind == "full batch":
        return case.steps
    return case.steps * -(-X.shape[1] // 64)


# ---------------------------------------------------------------- the report

def machine():
    """What the figures were measured on."""
    import numpy
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model,
            "python": platform.python_version(), "numpy": numpy.__version__,
            "torch": torch_version, "load average": os.getloadavg()}


def report(results, info, load_after):
    print(f"machine: {info['nproc']} cores, {info['cpu']}; Python {info['python']}, "
          f"numpy {info['numpy']}, torch {info['torch']}")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}"
          .format(*info["load average"], *load_after))
    header = (f"{'case':44s} {'threads':>7s} {'NumPy s':>8s} {'torch s':>8s} {'NumPy us/step':>13s} "
              f"{'torch us/step':>13s} {'ratio':>6s} {'target':>7s} {'|cost diff|':>11s}  result")
    print(header)
    print("-" * len(header))
    failures = []
    for r in results:
        agree = r["cost_difference"] <= AGREEMENT
        fast = r["ratio"] <= r["target"]
        verdict = "ok" if agree and fast else ("COSTS DISAGREE" if not agree else "TOO SLOW")
        if verdict != "ok":
            failures.append(f"{r['label']} at {r['threads']} thread(s): {verdict.lower()}")
        print(f"{r['label']:44s} {r['threads']:7d} {r['numpy_s']:8.3f} {r['torch_s']:8.3f} "
              f"{r['per_step_us_numpy']:13.1f} {r['per_step_us_torch']:13.1f} "
              f"{r['ratio']:6.3f} {'<=' + format(r['target'], '.2f'):>7s} "
              f"{r['cost_difference']:11.1e}  {verdict}")
    for r in results:
        if r.get("share_us"):
            loop, batches = r["share_us"]["loop"], r["share_us"]["batches"]
            print(f"{r['label']}, {r['threads']} thread(s): of {r['per_step_us_numpy']:.0f} us "
                  f"per NumPy step, train_mini_batches (forward, backward, loop) takes {loop:.0f} "
                  f"and the Adam update {r['per_step_us_numpy'] - loop:.0f}; making the "
                  f"mini-batches with random_mini_batches, done before training for both sides "
                  f"(as the notebook makes them once for all its runs), costs {batches:.0f} "
                  f"more per step (medians of runs interleaved with the others)")
    adam = {r["adam_from"] for r in results if r["adam_from"]}
    if adam:
        print(f"Adam and random_mini_batches from: {', '.join(sorted(adam))}")
    print("times: medians of interleaved repetitions; ratio = NumPy time / PyTorch time; "
          f"|cost diff|: largest difference of the cost over the first steps (at most {AGREEMENT:g})")
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts for NumPy's BLAS and torch (default 1,2)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repetitions (median)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny configuration: checks the script and the agreement only")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        import torch  # noqa: F401
    except ImportError:
        print("benchmarks/training.py needs torch: pip install torch==2.13.0 (the CPU build)",
              file=sys.stderr)
        return 2
    if args.worker:
        print(json.dumps(measure(args.worker, args.repeats, args.quick)))
        return 0

    info = machine()
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads), COURSE_PROGRESS="0")
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(threads),
                   "--repeats", str(1 if args.quick else args.repeats)]
        if args.quick:
            command.append("--quick")
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return 1
        results += json.loads(done.stdout.strip().splitlines()[-1])
    failures = report(results, info, os.getloadavg())
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=1))
    if args.quick:  # too few steps for meaningful times: only the agreement counts
        failures = [f for f in failures if "disagree" in f]
        print("quick run: times are not meaningful; only the cost agreement is checked")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
