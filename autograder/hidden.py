"""Hidden tests inside a notebook's own kernel.

The source notebooks' hidden test regions call ``hidden_test``: it probes the functions the
kernel defines, probes the reference solution (the source notebook's given and solution cells,
run in a fresh namespace), and judges them exactly as ``course grade`` does. This is what
``nbgrader autograde`` and the Validate button run; ``course grade`` does the same comparison
in a separate process that the learner's code never touched.
"""

from autograder.course import source_notebook
from autograder.notebooks import read_notebook, role_of, source_of
from autograder.plain import decode, encode
from autograder.suite import load_suite

_REFERENCES = {}


def reference_namespace(assignment, root=None):
    """A fresh namespace holding the source notebook's given and solution cells, executed."""
    namespace = {"__name__": "__reference__", "display": lambda *a, **k: None}
    for cell in read_notebook(source_notebook(assignment, root))["cells"]:
        if role_of(cell) in ("given", "solution"):
            exec(compile(source_of(cell), f"<reference {assignment}>", "exec"), namespace)
    return namespace


def provide_reference(assignment, outputs):
    """Use ``outputs`` (grade_id -> decoded probe outputs of the reference) instead of running
    the source notebook: how a sandboxed grading worker, which cannot read source/, runs the
    hidden tests in the learner's kernel."""
    _REFERENCES[assignment] = (None, dict(outputs))


def _reference_outputs(assignment, grade_id):
    if assignment not in _REFERENCES:
        _REFERENCES[assignment] = (reference_namespace(assignment), {})
    namespace, outputs = _REFERENCES[assignment]
    if grade_id not in outputs and namespace is not None:
        outputs[grade_id] = decode(encode(load_suite(assignment).tests[grade_id].probe(namespace)))
    return outputs[grade_id]


def hidden_test(assignment, grade_id, namespace):
    """Raise AssertionError with the learner-facing message when the functions in
    ``namespace`` (the notebook's globals()) fail graded test ``grade_id``."""
    __tracebackhide__ = True
    test = load_suite(assignment).tests[grade_id]
    student = decode(encode(test.probe(namespace)))
    verdict = test.judge(student, _reference_outputs(assignment, grade_id))
    if not verdict.passed:
        raise AssertionError(verdict.message)
