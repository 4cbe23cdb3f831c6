"""Grading: turn a submission into worker steps, run them, and judge each graded test against
the reference solution.

The source notebook decides the structure. Given cells and test cells always come from
source/ (a learner cannot edit or delete them: edits and deletions are reported and the
original is used); solution cells and cells the learner added come from the submission.
Experiment cells (training runs, plots, widgets) are skipped unless ``full=True``. Each test
cell becomes a probe step at its position, so the points of a test depend only on the cells
above it.
"""

import hashlib
import shutil
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.course import course_root, source_notebook
from autograder.notebooks import (NotebookError, grade_id_of, read_notebook, release_text,
                                  role_of, source_of)
from autograder.plain import decode
from autograder.runner import DEFAULT_LIMITS, run_steps
from autograder.sandbox import availability, command_prefix
from autograder.judging import verdict
from autograder.suite import load_suite

# Worse statuses first: a submission's overall status is the worst of its steps'.
LIMIT_STATUSES = ("crashed", "memory", "processes", "disk", "cpu", "timeout", "output")


class ReferenceError_(RuntimeError):
    """The reference solution itself fails a graded test: the course is broken, not the
    submission."""


@dataclass
class CellResult:
    grade_id: str
    points: float
    max_points: float
    status: str  # passed, failed, timeout, memory, output, crashed, not_run
    message: str
    mistake: str | None = None
    manual_points: float | None = None  # a grader's score in formgrader, which counts


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    status: str  # graded, timeout, memory, output, crashed, or a notebook problem
    score: float
    max_score: float
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # integrity findings, renamed notebook, ...
    message: str = ""
    review: bool = False  # the in-kernel checks disagree with the isolated ones
    checksum: str = ""  # SHA-256 of the graded notebook, for resuming
    sandbox: str = ""  # how the learner's code was confined
    usage: dict = field(default_factory=dict)  # peak processes, memory and disk bytes; CPU s
    seconds: float = 0.0
    submitted_at: str = ""  # the exchange's timestamp (ISO, UTC), "" when unknown
    due: str = ""  # the due date that applied (ISO, UTC), "" when none
    seconds_late: float = 0.0
    late_penalty: float = 0.0  # points taken off for late work
    late_message: str = ""
    final_score: float | None = None  # points with a grader's changes, less the penalty
    comments: dict = field(default_factory=dict)  # solution grade_id -> a grader's comment

    def to_dict(self):
        return asdict(self)


# ------------------------------------------------------------------ planning

def test_cells(source):
    """(grade_id, points) of every autograded test cell in the source notebook, in order."""
    cells = []
    for cell in source["cells"]:
        if role_of(cell) == "test":
            cells.append((grade_id_of(cell), float(cell["metadata"]["nbgrader"]["points"])))
    return cells


def plan(source, submission, full=False):
    """The worker steps for ``submission`` following ``source``'s structure, and the integrity
    notes (deleted, duplicated or edited cells) found on the way. The test cells run twice:
    as probes at their position (the isolated check that counts) and, after everything else,
    as nbgrader would run them in the learner's namespace (the in-kernel check, compared)."""
    source_ids = {grade_id_of(cell) for cell in source["cells"] if grade_id_of(cell)}
    by_grade_id, by_cell_id, notes = {}, {}, []
    added_after = defaultdict(list)  # anchor grade_id (None: the top) -> cells the learner added
    anchor = None
    for cell in submission["cells"]:
        grade_id = grade_id_of(cell)
        if grade_id in source_ids:
            if grade_id in by_grade_id:
                notes.append(f"cell {grade_id!r} appears more than once; the first copy was used")
            else:
                by_grade_id[grade_id] = cell
            anchor = grade_id
        elif isinstance(cell.get("id"), str):
            by_cell_id.setdefault(cell["id"], cell)
        if grade_id is None and role_of(cell) == "code":
            added_after[anchor].append(cell)

    steps, kernel_steps = [], []

    def add_code(text, label):
        if text.strip():
            steps.append({"kind": "code", "source": text, "label": label})

    for cell in added_after[None]:
        add_code(source_of(cell), "added")
    for index, cell in enumerate(source["cells"]):
        role, grade_id = role_of(cell), grade_id_of(cell)
        mine = by_grade_id.get(grade_id) if grade_id else None
        if role in ("given", "test"):
            original = source_of(cell)
            if mine is None:
                notes.append(f"{role} cell {grade_id!r} was deleted; restored from source")
            elif source_of(mine).strip() not in (release_text(original).strip(),
                                                 original.strip()):
                notes.append(f"{role} cell {grade_id!r} was edited; restored from source")
            if role == "given":
                add_code(original, grade_id)
            else:
                steps.append({"kind": "probe", "grade_id": grade_id})
                kernel_steps.append({"kind": "kernel", "grade_id": grade_id, "source": original})
        elif role == "solution":
            if mine is None:
                notes.append(f"solution cell {grade_id!r} was deleted")
            else:
                add_code(source_of(mine), grade_id)
        elif role == "experiment" and full:
            mine = by_cell_id.get(cell.get("id"), cell)
            add_code(source_of(mine), f"experiment {index}")
        if grade_id:
            for added in added_after.get(grade_id, []):
                add_code(source_of(added), "added")
    return steps + kernel_steps, notes


# ------------------------------------------------------------------ running and judging

def _run(assignment, source, submission, limits, full, cwd, reference=None, prefix=None):
    steps, notes = plan(source, submission, full)
    if reference is None:  # the reference run itself: no in-kernel pass needed
        steps = [step for step in steps if step["kind"] != "kernel"]
    run = run_steps(steps, assignment, limits=limits, cwd=cwd, command_prefix=prefix or (),
                    reference=reference)
    probes, kernel = {}, {}
    for index, step in enumerate(steps):
        if step["kind"] == "probe":
            probes[step["grade_id"]] = run.steps[index]
        elif step["kind"] == "kernel":
            kernel[step["grade_id"]] = run.steps[index]
    return probes, kernel, notes, run


_REFERENCE_CACHE = {}


@dataclass
class Reference:
    outputs: dict  # grade_id -> decoded probe outputs (for the judge)
    encoded: dict  # grade_id -> encoded probe outputs (for the in-kernel pass)


def reference_outputs(assignment, root=None, limits=None):
    """The probe outputs of the reference solution (the source notebook graded as a submission,
    in an ordinary worker). Raises ReferenceError_ if it fails to produce any of them."""
    path = source_notebook(assignment, root)
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _REFERENCE_CACHE:
        source = read_notebook(path)
        with tempfile.TemporaryDirectory(prefix="reference-") as cwd:
            probes, _, _, _ = _run(assignment, source, source, limits, False, cwd)
        reference = Reference({}, {})
        for grade_id, result in probes.items():
            if result.status != "ok":
                raise ReferenceError_(f"{path}: the reference solution's probe for {grade_id} "
                                      f"ended with {result.status}: {result.error}")
            reference.encoded[grade_id] = result.outputs
            reference.outputs[grade_id] = decode(result.outputs)
        _REFERENCE_CACHE[key] = reference
    return _REFERENCE_CACHE[key]


def judge(test, result, reference):
    """CellResult fields (status, message, mistake) for one probe result."""
    if result.status != "ok":
        return result.status, f"{test.function}: {result.error}", None
    try:
        student = decode(result.outputs)
    except (ValueError, TypeError, KeyError) as error:
        return "failed", f"the result of {test.function} could not be read ({error})", None
    found = verdict(test, student, reference)
    return ("passed" if found.passed else "failed"), found.message, found.mistake


MAX_FILES_BYTES = 200 * 1024 * 1024


def copy_submission_files(folder, target):
    """Copy the regular files of a submission folder (its data, its modules; not the notebooks)
    into the worker's scratch folder. Links, sockets, pipes and devices are skipped, and so is
    anything past MAX_FILES_BYTES in total; returns notes on what was skipped."""
    skipped, total = [], 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            skipped.append(str(relative))
        elif path.is_dir():
            (target / relative).mkdir(parents=True, exist_ok=True)
        elif path.suffix != ".ipynb":
            size = path.stat().st_size
            if total + size > MAX_FILES_BYTES:
                skipped.append(str(relative))
                continue
            total += size
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
    return [f"not copied for grading (links, special files or over "
            f"{MAX_FILES_BYTES >> 20} MB): {', '.join(skipped[:10])}"] if skipped else []


def find_notebook(folder, assignment):
    """The submitted notebook and a note: <assignment>.ipynb, or the only notebook present
    (renamed). Raises NotebookError(missing) otherwise."""
    expected = folder / f"{assignment}.ipynb"
    if expected.is_file():
        return expected, None
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(others) == 1:
        return others[0], f"notebook was renamed to {others[0].name}; graded it"
    found = ", ".join(p.name for p in others) or "no notebook"
    raise NotebookError("missing_notebook", f"{expected}: not found ({found} in {folder})")


def grade_submission(student, assignment, folder, root=None, limits=None, full=False):
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
        result.status, result.message = status, message
        result.cells = [CellResult(grade_id, 0.0, points, "not_run", message)
                        for grade_id, points in tests]
        result.seconds = time.monotonic() - started
        return result

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
        disk_mb = {**DEFAULT_LIMITS, **(limits or {})}["disk_mb"]
        if prefix and files_bytes > disk_mb * 1024 * 1024:  # the sandbox's tmpfs holds them
            result.notes.append(f"the submission's files ({files_bytes / 2**20:.0f} MB) do not "
                                f"fit the disk bound ({disk_mb:g} MB); some were not available "
                                "while grading")
        result.sandbox = "bubblewrap" if prefix else f"NONE ({availability()[1]})"
        probes, kernel, notes, run = _run(assignment, source, submission, limits, full, cwd,
                                          reference.encoded, prefix)
    result.notes.extend(notes)
    result.usage = run.usage
    for grade_id, points in tests:
        test = suite.tests.get(grade_id)
        if test is None:
            raise ReferenceError_(f"{assignment}: test cell {grade_id!r} has no GradedTest in "
                                  f"autograder/suites/{assignment}.py")
        status, message, mistake = judge(test, probes[grade_id], reference.outputs[grade_id])
        earned = points if status == "passed" else 0.0
        result.cells.append(CellResult(grade_id, earned, points, status,
                                       message or "passed", mistake))
        result.score += earned
        in_kernel = kernel.get(grade_id)
        if in_kernel is not None and status in ("passed", "failed") and \
                in_kernel.status in ("ok", "error") and \
                (in_kernel.status == "ok") != (status == "passed"):
            result.review = True
            result.notes.append(
                f"{grade_id}: the test cell {'passed' if in_kernel.status == 'ok' else 'failed'} "
                f"in the submission's own kernel but the isolated check {status}; the isolated "
                "check counts — review this submission")
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


def result_from_dict(entry):
    """A SubmissionResult from its to_dict() form (a report entry, a distributed result)."""
    entry = dict(entry)
    entry["cells"] = [CellResult(**cell) for cell in entry.get("cells", [])]
    return SubmissionResult(**entry)


def grade_one(student, assignment, folder, root, limits, full, submissions_dir):
    """The SubmissionResult of one student (a missing folder is a result too)."""
    if folder is None:
        source = read_notebook(source_notebook(assignment, root))
        tests = test_cells(source)
        return SubmissionResult(
            student, assignment, "missing_notebook", 0.0, sum(p for _, p in tests),
            [CellResult(g, 0.0, p, "not_run", "no submission") for g, p in tests],
            message=f"{Path(submissions_dir) / student}: no {assignment}/ folder")
    try:
        result = grade_submission(student, assignment, folder, root, limits, full)
    except ReferenceError_:
        raise  # the course itself is broken: stop, every submission would fail alike
    except Exception as error:  # never let one submission stop the run
        source = read_notebook(source_notebook(assignment, root))
        tests = test_cells(source)
        message = f"{folder}: the grader failed on this submission ({type(error).__name__}: {error})"
        return SubmissionResult(student, assignment, "grader_error", 0.0,
                                sum(p for _, p in tests),
                                [CellResult(g, 0.0, p, "not_run", message) for g, p in tests],
                                message=message)
    result.checksum = submission_checksum(folder, assignment)
    return result


def _grade_remote(student, assignment, folder, root, limits, full, submissions_dir):
    """What a Dask worker runs: plain arguments in, a plain dict out."""
    return asdict(grade_one(student, assignment, folder and Path(folder), Path(root), limits,
                            full, submissions_dir))


def grade_class(assignment, submissions_dir, root=None, workers=1, limits=None, full=False,
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
    for student, folder in work:
        earlier = (previous or {}).get(student)
        if earlier is not None and earlier.checksum and \
                earlier.checksum == submission_checksum(folder, assignment):
            results.append(earlier)
            if on_result:
                on_result(earlier)
        else:
            todo.append((student, folder))

    if scheduler:
        from distributed import Client, as_completed as completed
        with Client(scheduler, timeout="30s") as client:
            futures = [client.submit(_grade_remote, student, assignment,
                                     folder and str(folder), str(root), limits, full,
                                     str(submissions_dir), pure=False)
                       for student, folder in todo]
            for future in completed(futures):
                result = result_from_dict(future.result())
                results.append(result)
                if on_result:
                    on_result(result)
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(grade_one, student, assignment, folder, root, limits, full,
                                   submissions_dir) for student, folder in todo]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                if on_result:
                    on_result(result)
    return sorted(results, key=lambda r: r.student)
