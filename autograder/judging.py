"""Running a graded test: the one way that grading, the in-kernel replay (autograder.hidden)
and the self-test (autograder.selftest) probe a namespace and judge what came back.

``probe`` runs where the learner's functions are (the grading worker, or the notebook's
kernel); ``verdict`` runs on plain data and does what every test shares before the test's own
judge sees the results: a function the notebook does not define, an error the learner's code
raised, a value the grader does not accept.
"""

from autograder.course import source_notebook
from autograder.notebooks import grade_id_of, read_notebook, role_of, source_of
from autograder.plain import Raised, Unsupported, decode, encode
from autograder.suite import UncataloguedMistake, Verdict


class CourseError(Exception):
    """The course itself is wrong (a judge names an uncatalogued mistake, the reference fails
    its own test): never blamed on a submission."""


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
