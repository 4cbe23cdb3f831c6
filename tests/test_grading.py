"""`course grade`, `course feedback` and `course export` on a small class of prepared
submissions: right per-cell points and statuses, and broken submissions never stop the run."""

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

import submissions
from autograder.suite import load_suite

ASSIGNMENT = "initialization"

INFINITE_LOOP = "while True:\n    pass"
STUBBORN_LOOP = ("import time\n"
                 "while True:\n"
                 "    try:\n"
                 "        time.sleep(0.5)\n"
                 "    except BaseException:\n"
                 "        pass")


def write_submission(folder, replacements=None, release=False, root=None):
    submissions.write_submission(folder, ASSIGNMENT, replacements, release)


def mutant(grade_id, name):
    return load_suite(ASSIGNMENT).tests[grade_id].mutants[name]  # an Edit of the reference


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, root):
    base = tmp_path_factory.mktemp("class")
    submitted = base / "submitted"
    write_submission(submitted / "alice" / ASSIGNMENT)
    write_submission(submitted / "bob" / ASSIGNMENT, release=True, root=root)
    write_submission(submitted / "carol" / ASSIGNMENT, {
        "initialize_parameters_he": mutant("test_initialize_parameters_he", "scale_xavier")})
    write_submission(submitted / "dave" / ASSIGNMENT, {"initialize_parameters_he": INFINITE_LOOP})
    write_submission(submitted / "erin" / ASSIGNMENT,
                     {"initialize_parameters_random": STUBBORN_LOOP})
    (submitted / "frank" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "frank" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [')
    (submitted / "grace").mkdir()  # a student folder without this assignment

    report = base / "report.json"
    gradebook = f"sqlite:///{base / 'gradebook.db'}"
    env = dict(os.environ, COURSE_ROOT=str(root))
    command = [sys.executable, "-m", "autograder.cli"]
    done = subprocess.run([*command, "grade", ASSIGNMENT, "--submissions", str(submitted),
                           "--report", str(report), "--gradebook", gradebook,
                           "--cell-timeout", "4", "--workers", "2", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    students = {entry["student"]: entry for entry in json.loads(report.read_text())["students"]}
    return {"base": base, "submitted": submitted, "students": students, "stdout": done.stdout,
            "gradebook": gradebook, "env": env, "command": command}


def cells(entry):
    return {cell["grade_id"]: (cell["points"], cell["status"]) for cell in entry["cells"]}


def test_every_student_is_reported(graded_class):
    assert sorted(graded_class["students"]) == ["alice", "bob", "carol", "dave", "erin",
                                                 "frank", "grace"]
    for entry in graded_class["students"].values():
        assert entry["max_score"] == 4
        assert {"student", "status", "score", "max_score", "cells"} <= set(entry)
        for cell in entry["cells"]:
            assert {"grade_id", "points", "max_points", "status", "message"} <= set(cell)


def test_correct_submission_earns_full_marks(graded_class):
    alice = graded_class["students"]["alice"]
    assert (alice["status"], alice["score"]) == ("graded", 4)


def test_stub_earns_zero_with_a_friendly_message(graded_class):
    bob = graded_class["students"]["bob"]
    assert (bob["status"], bob["score"]) == ("graded", 0)
    assert all(c["status"] == "failed" and "not implemented" in c["message"] for c in bob["cells"])


def test_one_wrong_function_loses_only_its_points_with_a_hint(graded_class):
    carol = graded_class["students"]["carol"]
    assert carol["score"] == 2
    assert cells(carol)["test_initialize_parameters_he"] == (0, "failed")
    message = next(c for c in carol["cells"] if c["grade_id"] == "test_initialize_parameters_he")
    assert "Xavier" in message["message"] and message["mistake"] == "scale_xavier"


def test_infinite_loop_times_out_only_its_cell(graded_class):
    dave = graded_class["students"]["dave"]
    assert dave["status"] == "timeout"
    assert cells(dave) == {"test_initialize_parameters_zeros": (1, "passed"),
                           "test_initialize_parameters_random": (1, "passed"),
                           "test_initialize_parameters_he": (0, "timeout")}


def test_loop_that_swallows_the_interrupt_is_killed_and_grading_goes_on(graded_class):
    erin = graded_class["students"]["erin"]
    assert erin["status"] == "timeout"
    assert cells(erin) == {"test_initialize_parameters_zeros": (1, "passed"),
                           "test_initialize_parameters_random": (0, "timeout"),
                           "test_initialize_parameters_he": (2, "passed")}


def test_invalid_json_is_recorded_not_fatal(graded_class):
    frank = graded_class["students"]["frank"]
    assert (frank["status"], frank["score"]) == ("not_json", 0)
    assert "not valid JSON" in frank["message"] and "initialization.ipynb" in frank["message"]
    grace = graded_class["students"]["grace"]
    assert grace["status"] == "missing_notebook"


def test_gradebook_holds_the_same_points(graded_class):
    from autograder.gradebook import open_gradebook
    gradebook = open_gradebook(graded_class["gradebook"])
    try:
        for student, entry in graded_class["students"].items():
            submission = gradebook.find_submission(ASSIGNMENT, student)
            assert submission.score == entry["score"], student
    finally:
        gradebook.close()


def test_feedback_and_export(graded_class):
    base, env, command = graded_class["base"], graded_class["env"], graded_class["command"]
    feedback = base / "feedback"
    done = subprocess.run([*command, "feedback", ASSIGNMENT, "--report", str(base / "report.json"),
                           "--output", str(feedback)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "none came through nbgrader's exchange" in done.stdout  # no submission_secret.txt
    bob_page = (feedback / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "not implemented" in bob_page and "0 / 4" in bob_page
    for page in feedback.rglob("*.html"):
        text = page.read_text()
        assert "hidden_test" not in text and "HIDDEN TESTS" not in text, page
    assert "np.sqrt(2 / layers_dims[l - 1])" not in bob_page  # no reference code

    output = base / "grades.csv"
    done = subprocess.run([*command, "export", "--gradebook", graded_class["gradebook"],
                           "--output", str(output)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = {row["student"]: row for row in csv.DictReader(output.open())}
    assert float(rows["alice"]["score"]) == 4 and float(rows["carol"]["score"]) == 2
    assert float(rows["alice"]["max_score"]) == 4


def test_feedback_says_how_to_release_a_class_not_all_through_the_exchange(graded_class,
                                                                           tmp_path):
    """alice and bob submitted through nbgrader's exchange (their folders hold its
    timestamp.txt and submission_secret.txt); the others' work was put in submitted/ by hand.
    `course feedback` names the others, and the command it prints delivers alice's and bob's
    pages with nbgrader's own release_feedback."""
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    shutil.copytree(graded_class["submitted"], course / "submitted")
    for student in ("alice", "bob"):
        folder = course / "submitted" / student / ASSIGNMENT
        (folder / "timestamp.txt").write_text("2026-12-06 13:27:43.339560 UTC")
        (folder / "submission_secret.txt").write_text(f"a secret of {student}")
    done = subprocess.run([*graded_class["command"], "feedback", ASSIGNMENT,
                           "--report", str(graded_class["base"] / "report.json"),
                           "--submissions", str(course / "submitted"),
                           "--output", str(course / "feedback")],
                          env=graded_class["env"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    local = re.search(r"hand it over another way\): (.*)", done.stdout).group(1).split(", ")
    assert "carol" in local and "alice" not in local and "bob" not in local, done.stdout
    release = re.search(r"deliver the others with `(.*)`", done.stdout).group(1)
    assert release.startswith(f"nbgrader release_feedback {ASSIGNMENT} ")

    exchange.mkdir()
    released = subprocess.run([sys.executable, "-m", *shlex.split(release),
                               f"--Exchange.root={exchange}",
                               "--CourseDirectory.course_id=deep-nets"],
                              cwd=course, capture_output=True, text=True, timeout=300)
    assert released.returncode == 0, released.stderr[-3000:]
    pages = sorted((exchange / "deep-nets" / "feedback").glob("*.html"))
    assert len(pages) == 2, released.stderr[-3000:]
    assert sorted(re.search(r"Feedback for (\w+)\.", page.read_text()).group(1)
                  for page in pages) == ["alice", "bob"]


def test_unknown_assignment_and_missing_folder_are_clear_errors(root, tmp_path):
    env = dict(os.environ, COURSE_ROOT=str(root))
    command = [sys.executable, "-m", "autograder.cli", "grade"]
    done = subprocess.run([*command, "nope"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "unknown assignment 'nope'" in done.stderr
    done = subprocess.run([*command, ASSIGNMENT, "--submissions", str(tmp_path / "absent")],
                          env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "no such submissions folder" in done.stderr
    # release names the assignment before it rebuilds anything
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "release", "nope"], env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0 and "unknown assignment 'nope'" in done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_help_explains_every_command(root):
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--help"],
                          capture_output=True, text=True)
    for command in ("build", "release", "grade", "feedback", "export", "check"):
        assert command in done.stdout
