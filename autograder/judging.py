"""Running a graded test: the one way that grading, the in-kernel replay (autograder.hidden)
and the self-test (autograder.selftest) probe a namespace and judge what came back.

``probe`` runs where the learner's functions are (the grading worker, or the notebook's
kernel); ``verdict`` runs on plain data and does what every test shares before the test's own
judge sees the results: a function the notebook does not define, an error the learner's code
raised, a value the grader does not accept. ``reference_outputs`` runs the reference solution
in a grading worker, and ``judge_probe`` turns one probe result of a submission into the
status, message and mistake of its CellResult.
"""

import tempfile
from dataclasses import dataclass

from autograder.course import source_notebook
from autograder.notebooks import grade_id_of, read_notebook, role_of, source_of
from autograder.plain import Raised, Unsupported, decode, encode
from autograder.suite import UncataloguedMistake, Verdict


class CourseError(Exception):
    """The course itself is wrong (a judge names an uncatalogued mistake, the reference fails
    its own test): never blamed on a submission."""


class ReferenceFailure(CourseError):
    """The reference solution gives no outputs for a graded test, or a test cell has no graded
    test: every submission would fail alike, so grading stops."""


def probe(test, namespace):
    """What ``test``'s probe returns for the functions in ``namespace``, as plain data; a
    Raised naming the first function of the test that the notebook does not define."""
    for name in test.functions:
        if not callable(namespace.get(name)):
            return Raised(f"NameError: {name} is not defined")
    return test.probe(namespace[test.function], namespace)


def plain_probe(test, namespace):
    """``probe`` as the grading process receives it: encoded and decoded again."""
    return decode(encode(probe(test, namespace)))


def first_error(student, reference):
    """The first Raised or Unsupported in ``student`` at a place where ``reference`` has a
    proper value, or None."""
    if isinstance(student, (Raised, Unsupported)):
        return None if isinstance(reference, type(student)) else student
    if isinstance(student, dict) and isinstance(reference, dict):
        pairs = [(student[key], reference[key]) for key in student if key in reference]
    elif isinstance(student, (list, tuple)) and isinstance(reference, (list, tuple)):
        pairs = list(zip(student, reference))
    else:
        return None
    for mine, theirs in pairs:
        found = first_error(mine, theirs)
        if found is not None:
            return found
    return None


def error_verdict(test, error):
    """The verdict for an undefined function, a raised error or an unsupported value."""
    name = test.function
    if isinstance(error, Unsupported):
        return Verdict(False, f"{name} returned something other than plain dicts, lists, "
                              f"tuples, numbers and numpy arrays (a {error.type_name}).",
                       "unsupported")
    text = error.text
    if text.startswith("NameError") and any(text == f"NameError: {function} is not defined"
                                            for function in test.functions):
        missing = text.split()[1]
        return Verdict(False, f"{missing} is not defined: was its cell deleted, renamed or "
                              "not run?", "not_defined")
    if text.startswith("NotImplementedError"):
        return Verdict(False, f"{name} is not implemented yet.", "not_implemented")
    if test.explain_error is not None:
        mistake = test.explain_error(text)
        if mistake is not None:
            return test.fail(mistake)
    return Verdict(False, f"{name} raised an error: {text}", "raised")


def verdict(test, student, reference):
    """The Verdict of ``test`` for the submission's probe results ``student`` against the
    reference's. A judge that trips over a strange result fails the test instead of the run;
    a judge naming a mistake its test does not catalogue is the course's error and raises."""
    if isinstance(reference, Raised):
        raise CourseError(f"the reference solution fails {test.grade_id}")
    error = first_error(student, reference)
    if error is not None:
        return error_verdict(test, error)
    try:
        return test.judge(test, student, reference)
    except UncataloguedMistake as error:
        raise CourseError(str(error)) from error
    except Exception as error:  # a strange submission must not crash the run
        return _unexpected(test, error)


def _unexpected(test, error):
    return Verdict(False, f"the result of {test.function} has an unexpected form "
                          f"({type(error).__name__})", None)


# ------------------------------------------------------------------ the reference in-process

def reference_namespace(assignment, replacements=None, root=None):
    """A fresh namespace holding the source notebook's given and solution cells, executed, with
    ``replacements`` (solution grade_id -> cell source) in place of some solution cells."""
    replacements = replacements or {}
    namespace = {"__name__": "__reference__", "display": lambda *a, **k: None}
    for cell in read_notebook(source_notebook(assignment, root))["cells"]:
        if role_of(cell) in ("given", "solution"):
            text = replacements.get(grade_id_of(cell), source_of(cell))
            exec(compile(text, f"<{assignment} {grade_id_of(cell)}>", "exec"), namespace)
    return namespace


# ------------------------------------------------------------------ the reference in a worker

@dataclass
class Reference:
    outputs: dict  # grade_id -> decoded probe outputs (for the judge)
    encoded: dict  # grade_id -> encoded probe outputs (for the replayed test cells)


_REFERENCE_CACHE = {}


def reference_outputs(assignment, root=None, limits=None):
    """The probe outputs of the reference solution (the source notebook graded as a submission,
    in an ordinary worker). Raises ReferenceFailure if it fails to produce any of them."""
    # Imported here: the worker imports this module for ``probe`` and starts no workers.
    from autograder.planning import plan
    from autograder.running import Limits, run_plan
    limits = limits or Limits()
    path = source_notebook(assignment, root)
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _REFERENCE_CACHE:
        source = read_notebook(path)
        steps, _ = plan(source, source)
        with tempfile.TemporaryDirectory(prefix="reference-") as cwd:
            probes, _, _ = run_plan(steps, assignment, limits, cwd)
        reference = Reference({}, {})
        for grade_id, result in probes.items():
            if result.status != "ok":
                raise ReferenceFailure(f"{path}: the reference solution's probe for {grade_id} "
                                       f"ended with {result.status}: {result.error}")
            reference.encoded[grade_id] = result.outputs
            reference.outputs[grade_id] = decode(result.outputs)
        _REFERENCE_CACHE[key] = reference
    return _REFERENCE_CACHE[key]


def judge_probe(test, result, reference):
    """(status, message, mistake) of a CellResult for one probe result (a StepResult) of a
    submission, given the reference's decoded outputs for that test."""
    if result.status != "ok":
        return result.status, f"{test.function}: {result.error}", None
    try:
        student = decode(result.outputs)
    except (ValueError, TypeError, KeyError) as error:
        return "failed", f"the result of {test.function} could not be read ({error})", None
    found = verdict(test, student, reference)
    return ("passed" if found.passed else "failed"), found.message, found.mistake
