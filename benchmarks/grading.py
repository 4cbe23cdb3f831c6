"""Grading throughput: stock `nbgrader autograde` against `course grade` with one worker and with
one worker per core, on the same synthetic class, measured in one run.

    .venv/bin/python benchmarks/grading.py                       # 40 students, 8 for stock
    .venv/bin/python benchmarks/grading.py --students 200 --stock-students 12

The class mixes correct submissions, partly wrong ones (catalogued mistakes), stubs, a few slow
ones (a graded function that sleeps) and a few broken files, in fixed proportions. Stock
nbgrader grades a strided subset of the same class (it needs seconds per submission); the
throughputs are submissions per minute and the ratios are what to compare across machines.
Scores of the stock subset must equal `course grade`'s, or the script fails.
Prints a table and exits non-zero when `course grade` with every worker is below 20x stock.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from autograder.course import source_notebook
from autograder.execution import ipc_options
from autograder.grading import grade_class
from autograder.notebooks import grade_id_of
from autograder.selftest import mutate, solution_sources
from autograder.suite import load_suite

TARGET_RATIO = 20.0


def class_mix(assignment, students):
    """(student, kind, replacements) for a realistic class: 50% correct, 25% one mistake, 15%
    stubs, 5% slow, 5% broken."""
    suite = load_suite(assignment)
    mutants = [(test.solution_id, m.mutant) for test in suite.tests.values()
               for m in test.mistakes if m.mutant]
    first_solution = next(iter(suite.tests.values())).solution_id
    pattern = (["correct"] * 10 + ["wrong"] * 5 + ["stub"] * 3 + ["slow"] + ["broken"])
    mix = []
    for index in range(students):
        kind = pattern[index % len(pattern)]
        replacements = {}
        if kind == "wrong":
            solution_id, body = mutants[index % len(mutants)]
            replacements = {solution_id: body}
        elif kind == "slow":
            replacements = {first_solution: None}  # filled in below: the reference plus a sleep
        mix.append((f"student{index:04d}", kind, replacements))
    return mix


def write_class(assignment, mix, folder):
    source = json.loads(source_notebook(assignment).read_text())
    release = json.loads((ROOT / "release" / assignment / f"{assignment}.ipynb").read_text())
    solutions = solution_sources(assignment)
    for student, kind, replacements in mix:
        target = folder / student / assignment
        target.mkdir(parents=True)
        path = target / f"{assignment}.ipynb"
        if kind == "broken":
            path.write_text('{"cells": [')
            continue
        notebook = json.loads(json.dumps(release if kind == "stub" else source))
        for cell in notebook["cells"]:
            grade_id = grade_id_of(cell)
            if grade_id in replacements and kind == "wrong":
                cell["source"] = mutate(solutions[grade_id], replacements[grade_id])
            elif grade_id in replacements and kind == "slow":
                cell["source"] = "import time\ntime.sleep(2)\n" + solutions[grade_id]
        path.write_text(json.dumps(notebook))


def run_stock(assignment, folder, students):
    """Seconds for stock nbgrader autograde on ``students``, their scores, peak child RSS."""
    course = Path(tempfile.mkdtemp(prefix="stock-course-"))
    for name in ("nbgrader_config.py", "course.toml"):
        shutil.copy(ROOT / name, course / name)
    shutil.copytree(ROOT / "source" / assignment, course / "source" / assignment,
                    ignore=shutil.ignore_patterns("kernel-*", ".ipynb_checkpoints"))
    for student in students:
        shutil.copytree(folder / student, course / "submitted" / student)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", assignment, "--force"], cwd=course,
                   check=True, capture_output=True)
    sockets = course / "kernel-sockets"  # stock's kernels talk over IPC, as ours do
    sockets.mkdir()
    started = time.perf_counter()
    subprocess.run([*nbgrader, "autograde", assignment, "--force", *ipc_options(sockets)],
                   cwd=course, capture_output=True)
    seconds = time.perf_counter() - started
    from autograder.gradebook import open_gradebook
    gradebook = open_gradebook(f"sqlite:///{course / 'gradebook.db'}")
    scores = {}
    for student in students:
        try:
            scores[student] = gradebook.find_submission(assignment, student).score
        except Exception:  # stock discards what it cannot grade
            scores[student] = 0.0
    gradebook.close()
    shutil.rmtree(course, ignore_errors=True)
    return seconds, scores


def run_course(assignment, folder, workers):
    started = time.perf_counter()
    results = grade_class(assignment, folder, workers=workers)
    return time.perf_counter() - started, {r.student: r.score for r in results}


def peak_child_rss_mb():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="initialization")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--stock-students", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    os.environ.setdefault("COURSE_PROGRESS", "0")
    from autograder.gradebook import with_scripts_on_path
    with_scripts_on_path()  # nbgrader runs `alembic` by name

    folder = Path(tempfile.mkdtemp(prefix="bench-class-"))
    mix = class_mix(args.assignment, args.students)
    write_class(args.assignment, mix, folder)
    stride = max(1, args.students // args.stock_students)
    stock_students = [student for student, _, _ in mix][::stride][:args.stock_students]

    from autograder.judging import reference_outputs
    reference_outputs(args.assignment)  # both course runs share the cached reference

    one_seconds, one_scores = run_course(args.assignment, folder, 1)
    one_rss = peak_child_rss_mb()
    all_seconds, all_scores = run_course(args.assignment, folder, args.workers)
    stock_seconds, stock_scores = run_stock(args.assignment, folder, stock_students)
    stock_rss = peak_child_rss_mb()

    per_minute = {
        "stock nbgrader autograde": len(stock_students) / stock_seconds * 60,
        "course grade, 1 worker": args.students / one_seconds * 60,
        f"course grade, {args.workers} workers": args.students / all_seconds * 60,
    }
    stock_rate = per_minute["stock nbgrader autograde"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"class: {args.students} submissions of {args.assignment} "
          f"(stock graded {len(stock_students)} of them)\n")
    print(f"{'grader':32} {'subs/min':>10} {'vs stock':>10}")
    for name, rate in per_minute.items():
        print(f"{name:32} {rate:10.1f} {rate / stock_rate:9.1f}x")
    print(f"\nscaling {args.workers} workers / 1 worker: {one_seconds / all_seconds:.2f}x")
    print(f"peak memory of one grading worker: {one_rss:.0f} MB "
          f"(stock kernel and converter: {stock_rss:.0f} MB, largest child so far)")

    mismatched = {s: (stock_scores[s], one_scores[s]) for s in stock_students
                  if stock_scores[s] != one_scores[s]}
    if one_scores != all_scores:
        print("FAIL: parallel and serial scores differ")
        return 1
    if mismatched:
        print(f"FAIL: scores differ from stock nbgrader (stock, course): {mismatched}")
        return 1
    ratio = per_minute[f"course grade, {args.workers} workers"] / stock_rate
    if ratio < TARGET_RATIO:
        print(f"MISSED: {ratio:.1f}x stock throughput; target {TARGET_RATIO:g}x")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
