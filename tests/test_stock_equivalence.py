"""The fast path scores exactly what a full, stock `nbgrader autograde` scores on the same
submissions (stock re-executes every cell, training runs included, in the learner's kernel)."""

import shutil
import subprocess
import sys

import pytest

import submissions
from autograder.course import course_root
from autograder.execution import ipc_options
from autograder.gradebook import open_gradebook
from autograder.grading import grade_class
from autograder.suite import load_suite

ASSIGNMENT = "initialization"


@pytest.mark.slow
def test_fast_path_scores_equal_stock_nbgrader_autograde(tmp_path):
    root = course_root()
    course = tmp_path / "course"
    course.mkdir()
    for name in ("nbgrader_config.py", "course.toml"):
        shutil.copy(root / name, course / name)
    shutil.copytree(root / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    suite = load_suite(ASSIGNMENT)
    folder = course / "submitted"
    submissions.write_submission(folder / "correct" / ASSIGNMENT, ASSIGNMENT)
    submissions.write_submission(folder / "stub" / ASSIGNMENT, ASSIGNMENT, release=True)
    submissions.write_submission(folder / "xavier" / ASSIGNMENT, ASSIGNMENT, {
        "initialize_parameters_he":
            suite.tests["test_initialize_parameters_he"].mutants["scale_xavier"]})
    submissions.write_submission(folder / "row_bias" / ASSIGNMENT, ASSIGNMENT, {
        "initialize_parameters_zeros":
            suite.tests["test_initialize_parameters_zeros"].mutants["b_row"]})

    sockets = tmp_path / "sockets"  # stock's kernels talk over IPC, as ours do
    sockets.mkdir()
    for command in (["generate_assignment", ASSIGNMENT, "--force"],
                    ["autograde", ASSIGNMENT, "--force", *ipc_options(sockets)]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=course,
                              capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Kernel is running over TCP" not in done.stderr, "stock's kernels used TCP"
    assert list(sockets.iterdir()) == [], "stock's kernel sockets were left behind"

    gradebook = open_gradebook(f"sqlite:///{course / 'gradebook.db'}")
    try:
        stock = {student: gradebook.find_submission(ASSIGNMENT, student).score
                 for student in ("correct", "stub", "xavier", "row_bias")}
    finally:
        gradebook.close()
    fast = {result.student: result.score for result in grade_class(ASSIGNMENT, folder)}
    assert fast == stock
    assert stock == {"correct": 4, "stub": 0, "xavier": 2, "row_bias": 3}
