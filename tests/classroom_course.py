"""A throwaway course directory and a class that goes through nbgrader's own exchange:
`nbgrader release_assignment`, each student's `fetch_assignment` and `submit`, `nbgrader
collect`, then `course grade`. Shared by the tests of nbgrader interplay, late work, exports
and feedback pages."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import submissions
from autograder.suite import load_suite

ASSIGNMENT = "initialization"
COURSE_ID = "improving-deep-nets"
LINKED = ("helpers", "autograder", "datasets", "source", "release")


def make_course(base, root):
    """A course directory at ``base`` sharing this checkout's code, sources and releases
    (linked) and its configuration (copied), with nothing graded yet."""
    base.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        (base / name).symlink_to(root / name)
    for name in ("course.toml", "nbgrader_config.py"):
        (base / name).write_bytes((root / name).read_bytes())
    return base


def nbgrader(*args, cwd, exchange, check=True):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args,
                           f"--Exchange.root={exchange}"], cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def course(*args, course_dir, env=None, check=True, cwd=None):
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(course_dir),
                           *args], capture_output=True, text=True, timeout=900,
                          cwd=cwd or course_dir, env=dict(os.environ, **(env or {})))
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def student_home(base, student):
    return base / "homes" / student


def student_nbgrader(base, student, *args, exchange):
    """nbgrader run by ``student`` in their home folder with their own exchange cache."""
    home = student_home(base, student)
    home.mkdir(parents=True, exist_ok=True)
    return nbgrader(*args, f"--course={COURSE_ID}", f"--student={student}",
                    f"--Exchange.cache={base / 'caches' / student}", cwd=home,
                    exchange=exchange)


def mutant(grade_id, name):
    return load_suite(ASSIGNMENT).tests[grade_id].mutants[name]


def run_class(base, root, students):
    """Release, fetch, work, submit, collect and grade. ``students`` maps a student to the
    solution replacements of their work (None: the untouched release notebook). Returns the
    course directory, the exchange and the report as {student: entry}."""
    course_dir = make_course(base / "course", root)
    exchange = base / "exchange"
    exchange.mkdir()
    nbgrader("db", "assignment", "add", ASSIGNMENT, cwd=course_dir, exchange=exchange)
    nbgrader("release_assignment", ASSIGNMENT, "--force", cwd=course_dir, exchange=exchange)
    for student, replacements in students.items():
        student_nbgrader(base, student, "fetch_assignment", ASSIGNMENT, exchange=exchange)
        folder = student_home(base, student) / ASSIGNMENT
        if replacements is not None:
            submissions.write_submission(folder, ASSIGNMENT, replacements)
        student_nbgrader(base, student, "submit", ASSIGNMENT, exchange=exchange)
    nbgrader("collect", ASSIGNMENT, cwd=course_dir, exchange=exchange)
    return course_dir, exchange


def deadlines(course_dir, due, policy, extensions=None):
    """Write the course's deadlines.toml: ``due`` (a datetime) for the assignment."""
    lines = ["[policy]"] + [f"{key} = {json.dumps(value)}" for key, value in policy.items()]
    lines += ["", "[due]", f'{ASSIGNMENT} = "{due.isoformat()}"']
    if extensions:
        lines += ["", f"[extensions.{ASSIGNMENT}]"]
        lines += [f"{student} = {json.dumps(value)}" for student, value in extensions.items()]
    (Path(course_dir) / "deadlines.toml").write_text("\n".join(lines) + "\n")


def now():
    return datetime.now(timezone.utc)


def hours_ago(hours):
    return now() - timedelta(hours=hours)


def report(course_dir):
    path = Path(course_dir) / "reports" / f"{ASSIGNMENT}.json"
    return {entry["student"]: entry for entry in json.loads(path.read_text())["students"]}
