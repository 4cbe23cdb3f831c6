"""`course report` on a large class: how long the class insight takes for thousands of
submissions (reading every report entry and every submitted notebook, comparing graded cells).

    .venv/bin/python benchmarks/report.py                    # 3,000 submissions
    .venv/bin/python benchmarks/report.py --students 300 --repeat 1

The class is made, not graded: every submission is the released initialization notebook with
each graded function filled in by one of a few common answers (with the learner's own names),
one to three lines of the learner's own in most of them, and a copied pair every 150 students; the
grading report gives each student catalogued mistakes in fixed proportions, in the form `course
grade` writes. The figure is the wall time of `course report initialization` as a process
(best and median of --repeat runs); it exits non-zero above the target.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import source_notebook  # noqa: E402
from autograder.planning import test_cells  # noqa: E402
from autograder.notebooks import grade_id_of, read_notebook  # noqa: E402
from autograder.selftest import mutate, solution_sources  # noqa: E402
from autograder.suite import load_suite  # noqa: E402

ASSIGNMENT = "initialization"
TARGET_SECONDS = 30.0

# A few common answers per graded function ({W}, {b}, {n}: the learner's own names).
ANSWERS = {
    "initialize_parameters_zeros": [
        'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))\n'
        'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))',
        '{n} = layers_dims[l - 1]\nparameters[f"W{{l}}"] = np.zeros((layers_dims[l], {n}))\n'
        'parameters[f"b{{l}}"] = np.zeros((layers_dims[l], 1))'],
    "initialize_parameters_random": [
        'parameters["W" + str(l)] = '
        'rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * 10\n'
        'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))',
        '{W} = rng.standard_normal(size=(layers_dims[l], layers_dims[l - 1]))\n'
        'parameters["W" + str(l)] = 10 * {W}\n'
        'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))'],
    "initialize_parameters_he": [
        '{n} = np.sqrt(2 / layers_dims[l - 1])\n'
        'parameters["W" + str(l)] = '
        'rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * {n}\n'
        'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))',
        '{W} = rng.standard_normal((layers_dims[l], layers_dims[l - 1]))\n'
        'parameters["W" + str(l)] = {W} * np.sqrt(2.0 / layers_dims[l - 1])\n'
        '{b} = np.zeros((layers_dims[l], 1))\nparameters["b" + str(l)] = {b}'],
}
NAMES = ["w", "weights", "W_l", "scale", "std", "n_prev", "fan_in", "tmp", "z", "matrix"]


def make_class(base, students, seed=0):
    """submitted/<student>/initialization/ and reports/initialization.json under ``base``."""
    rng = random.Random(seed)
    release = json.loads((ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    regions = solution_sources(ASSIGNMENT)
    suite = load_suite(ASSIGNMENT)
    tests = test_cells(read_notebook(source_notebook(ASSIGNMENT)))
    entries, previous = [], None
    for index in range(students):
        student = f"student{index:05d}"
        if index % 150 == 1 and previous is not None:
            bodies = previous  # a copied pair
        else:
            bodies = {}
            for function, answers in ANSWERS.items():
                names = dict(zip("Wbn", rng.sample(NAMES, 3)))
                body = rng.choice(answers).format(**names)
                if rng.random() < 0.7:  # lines of the learner's own
                    body = "".join(
                        f"{names['n']}_{k} = {rng.choice(['max', 'min', 'round'])}"
                        f"({rng.randint(0, 9999)}, layers_dims[{rng.randint(0, 2)}])\n"
                        for k in range(rng.randint(1, 3))) + body
                bodies[function] = body
        previous = bodies
        notebook = json.loads(json.dumps(release))
        for cell in notebook["cells"]:
            if grade_id_of(cell) in bodies:
                cell["source"] = mutate(regions[grade_id_of(cell)], bodies[grade_id_of(cell)])
        folder = base / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(notebook))
        cells, score = [], 0.0
        for grade_id, points in tests:
            mistakes = [m.name for m in suite.tests[grade_id].mistakes]
            if rng.random() < 0.7:
                cells.append({"grade_id": grade_id, "points": points, "max_points": points,
                              "status": "passed", "message": "passed", "mistake": None})
                score += points
            else:
                name = rng.choice(mistakes[:6])
                cells.append({"grade_id": grade_id, "points": 0.0, "max_points": points,
                              "status": "failed", "message": name, "mistake": name})
        entries.append({"student": student, "assignment": ASSIGNMENT, "status": "graded",
                        "score": score, "max_score": sum(p for _, p in tests), "cells": cells,
                        "notes": [], "message": "", "review": False})
    (base / "reports").mkdir()
    (base / "reports" / f"{ASSIGNMENT}.json").write_text(json.dumps(
        {"assignment": ASSIGNMENT, "submissions": str(base / "submitted"), "students": entries}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        base = Path(scratch)
        started = time.perf_counter()
        make_class(base, args.students)
        print(f"made {args.students} submissions in {time.perf_counter() - started:.1f} s")
        env = dict(os.environ, COURSE_ROOT=str(ROOT), MPLCONFIGDIR=str(base / "mpl"))
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder.cli", "report", ASSIGNMENT,
                            "--reports", str(base / "reports"), "--output", str(base / "out")],
                           env=env, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
        insight = json.loads((base / "out" / f"class-{ASSIGNMENT}.json").read_text())
        pairs = insight["assignments"][0]["similar_pairs"]
        copied = {(f"student{i - 1:05d}", f"student{i:05d}")
                  for i in range(1, args.students, 150)}
        on_top = sum(tuple(pair["students"]) in copied for pair in pairs[:len(copied)])
        html_mb = (base / "out" / f"class-{ASSIGNMENT}.html").stat().st_size / 1e6
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"course report {ASSIGNMENT}, {args.students} submissions: best {min(times):.1f} s, "
          f"median {statistics.median(times):.1f} s (target {TARGET_SECONDS:g} s); "
          f"{len(pairs)} pair(s) flagged, the first {len(copied)} hold {on_top} of the "
          f"{len(copied)} copied pairs; page {html_mb:.1f} MB")
    return 0 if min(times) <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
