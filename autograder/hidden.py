"""Hidden tests inside a notebook's own kernel.

The source notebooks' hidden test regions call ``hidden_test``: it probes the functions the
kernel defines, probes the reference solution (the source notebook's given and solution cells,
run in a fresh namespace), and judges them exactly as ``course grade`` does
(autograder.judging). This is what ``nbgrader autograde`` and the Validate button run;
``course grade`` does the same comparison in a separate process that the learner's code never
touched.
"""

from autograder.judging import plain_probe, reference_namespace, verdict
from autograder.suite import load_suite

_REFERENCES = {}


def provide_reference(assignment, outputs):
    """Use ``outputs`` (grade_id -> decoded probe outputs of the reference) instead of running
    the source notebook: how a sandboxed grading worker, which cannot read source/, runs the
    hidden tests in the learner's kernel."""
    _REFERENCES[assignment] = (None, dict(outputs))


def _reference_outputs(assignment, test):
    if assignment not in _REFERENCES:
        _REFERENCES[assignment] = (reference_namespace(assignment), {})
    namespace, outputs = _REFERENCES[assignment]
    if test.grade_id not in outputs and namespace is not None:
        outputs[test.grade_id] = plain_probe(test, namespace)
    return outputs[test.grade_id]


def hidden_test(assignment, grade_id, namespace):
    """Raise AssertionError with the learner-facing message when the functions in
    ``namespace`` (the notebook's globals()) fail graded test ``grade_id``."""
    __tracebackhide__ = True
    test = load_suite(assignment).tests[grade_id]
    result = verdict(test, plain_probe(test, namespace), _reference_outputs(assignment, test))
    if not result.passed:
        raise AssertionError(result.message)
