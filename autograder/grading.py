"""Grading a class: each submission planned (autograder.planning), run in its workers
(autograder.running), judged test by test against the reference solution
(autograder.judging), and recorded as a SubmissionResult (autograder.report); submissions
graded side by side on this machine or on a Dask cluster, and a resumed run reusing the
results whose notebook has not changed.
"""

import hashlib
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograder.course import course_root, source_notebook
from autograder.judging import ReferenceFailure, judge_probe, reference_outputs
from autograder.notebooks import NotebookError, read_notebook
from autograder.planning import copy_submission_files, find_notebook, plan, test_cells
from autograder.report import CellResult, SubmissionResult, result_from_dict
from autograder.running import Limits, run_plan
from autograder.sandbox import availability, command_prefix
from autograder.suite import load_suite

# Worse statuses first: a submission's overall status is the worst of its steps'.
LIMIT_STATUSES = ("crashed", "memory", "processes", "disk", "cpu", "timeout", "output")


def grade_submission(student, assignment, folder, root=None, limits=Limits(), full=False):
    """Grade ``folder`` (submitted/<student>/<assignment>/) and return a SubmissionResult. Never
    raises for a problem with the submission: it becomes the result's status and message."""
    started = time.monotonic()
    root = root or course_root()
    source = read_notebook(source_notebook(assignment, root))
    suite = load_suite(assignment)
    tests = test_cells(source)
    max_score = sum(points for _, points in tests)
    result = SubmissionResult(student, assignment, "graded", 0.0, max_score)

    def not_graded(status, message):
        unread = not_graded_result(student, assignment, tests, status, message)
        unread.notes, unread.seconds = result.notes, time.monotonic() - started
        return unread

    try:
        path, note = find_notebook(Path(folder), assignment)
        if note:
            result.notes.append(note)
        submission = read_notebook(path)
    except NotebookError as error:
        return not_graded(error.status, str(error))
    except OSError as error:
        return not_graded("unreadable", f"{folder}: {error}")

    reference = reference_outputs(assignment, root, limits)
    with tempfile.TemporaryDirectory(prefix="grading-") as cwd:
        result.notes.extend(copy_submission_files(Path(folder), Path(cwd)))
        prefix = command_prefix(cwd, root, limits)
        files_bytes = sum(path.stat().st_size for path in Path(cwd).rglob("*") if path.is_file())
        if prefix and files_bytes > limits.disk_mb * 1024 * 1024:  # the sandbox's tmpfs has them
            result.notes.append(f"the submission's files ({files_bytes / 2**20:.0f} MB) do not "
                                f"fit the disk bound ({limits.disk_mb:g} MB); some were not "
                                "available while grading")
        result.sandbox = "bubblewrap" if prefix else f"NONE ({availability()[1]})"
        steps, notes = plan(source, submission, full)
        probes, replays, run = run_plan(steps, assignment, limits, cwd, reference.encoded,
                                        prefix or ())
    result.notes.extend(notes)
    result.usage = run.usage
    for grade_id, points in tests:
        test = suite.tests.get(grade_id)
        if test is None:
            raise ReferenceFailure(f"{assignment}: test cell {grade_id!r} has no GradedTest in "
                                   f"autograder/suites/{assignment}.py")
        status, message, mistake = judge_probe(test, probes[grade_id],
                                               reference.outputs[grade_id])
        earned = points if status == "passed" else 0.0
        result.cells.append(CellResult(grade_id, earned, points, status,
                                       message or "passed", mistake))
        result.score += earned
        replayed = replays.get(grade_id)  # the test cell run as nbgrader runs it
        if replayed is not None and status in ("passed", "failed") and \
                replayed.status in ("ok", "error") and \
                (replayed.status == "ok") != (status == "passed"):
            result.review = True
            result.notes.append(
                f"{grade_id}: the test cell {'passed' if replayed.status == 'ok' else 'failed'} "
                f"in the submission's own namespace but the isolated check {status}; the "
                "isolated check counts — review this submission")
    statuses = [step.status for step in run.steps.values()]
    for status in LIMIT_STATUSES:
        if status in statuses:
            result.status = status
            result.message = next(step.error for step in run.steps.values()
                                  if step.status == status)
            break
    result.seconds = time.monotonic() - started
    return result


def submissions_in(directory, assignment):
    """(student, folder) for every <student>/<assignment>/ under ``directory``, and (student,
    None) for a student folder without that assignment, sorted by student."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such submissions folder "
                                f"(expected {directory}/<student>/{assignment}/)")
    found = []
    for student_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
        folder = student_dir / assignment
        found.append((student_dir.name, folder if folder.is_dir() else None))
    return found


def submission_checksum(folder, assignment):
    """SHA-256 of the notebook a grading run would read from ``folder`` ("" when none), to
    know whether an earlier result still holds."""
    if folder is None:
        return ""
    try:
        path, _ = find_notebook(Path(folder), assignment)
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (NotebookError, OSError):
        return ""


def not_graded_result(student, assignment, tests, status, message, cell_message=None):
    """A SubmissionResult whose tests (``tests``: (grade_id, points)) did not run: 0 points,
    each cell not_run with ``cell_message`` (default: ``message``)."""
    return SubmissionResult(
        student, assignment, status, 0.0, sum(points for _, points in tests),
        [CellResult(grade_id, 0.0, points, "not_run", cell_message or message)
         for grade_id, points in tests],
        message=message)


def grade_one(student, assignment, folder, root, limits, full, submissions_dir):
    """The SubmissionResult of one student (a missing folder is a result too)."""
    if folder is None:
        tests = test_cells(read_notebook(source_notebook(assignment, root)))
        return not_graded_result(student, assignment, tests, "missing_notebook",
                                 f"{Path(submissions_dir) / student}: no {assignment}/ folder",
                                 "no submission")
    try:
        result = grade_submission(student, assignment, folder, root, limits, full)
    except ReferenceFailure:
        raise  # the course itself is broken: stop, every submission would fail alike
    except Exception as error:  # never let one submission stop the run
        tests = test_cells(read_notebook(source_notebook(assignment, root)))
        return not_graded_result(student, assignment, tests, "grader_error",
                                 f"{folder}: the grader failed on this submission "
                                 f"({type(error).__name__}: {error})")
    result.checksum = submission_checksum(folder, assignment)
    return result


def _grade_remote(student, assignment, folder, root, limits, full, submissions_dir):
    """What a Dask worker runs: plain arguments in (the limits as a dict), a plain dict out."""
    return grade_one(student, assignment, folder and Path(folder), Path(root), Limits(**limits),
                     full, submissions_dir).to_dict()


def grade_class(assignment, submissions_dir, root=None, workers=1, limits=Limits(), full=False,
                on_result=None, scheduler=None, previous=None, students=None):
    """Grade every submission of ``assignment`` under ``submissions_dir`` and return
    SubmissionResults sorted by student.

    ``workers`` submissions are graded at once on this machine, or, with ``scheduler`` (the
    address of a Dask distributed scheduler), as tasks on its workers, which must see the same
    course folder and submissions at the same paths. ``previous`` (student -> earlier
    SubmissionResult) lets a resumed run reuse the results whose notebook has not changed.
    ``on_result(result)`` is called in this process as each result arrives, one at a time.
    ``students`` (a list of ids) grades only those students' folders.
    """
    root = root or course_root()
    reference_outputs(assignment, root, limits)  # fail early if the course itself is broken
    work = submissions_in(submissions_dir, assignment)
    if students is not None:
        work = [(student, folder) for student, folder in work if student in students]
    results, todo = [], []

    def arrived(result):
        results.append(result)
        if on_result:
            on_result(result)

    for student, folder in work:
        earlier = (previous or {}).get(student)
        if earlier is not None and earlier.checksum and \
                earlier.checksum == submission_checksum(folder, assignment):
            arrived(earlier)
        else:
            todo.append((student, folder))

    if scheduler:
        from distributed import Client, as_completed as completed
        with Client(scheduler, timeout="30s") as client:
            futures = [client.submit(_grade_remote, student, assignment,
                                     folder and str(folder), str(root), limits.to_dict(), full,
                                     str(submissions_dir), pure=False)
                       for student, folder in todo]
            for future in completed(futures):
                arrived(result_from_dict(future.result()))
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(grade_one, student, assignment, folder, root, limits, full,
                                   submissions_dir) for student, folder in todo]
            for future in as_completed(futures):
                arrived(future.result())
    return sorted(results, key=lambda r: r.student)
