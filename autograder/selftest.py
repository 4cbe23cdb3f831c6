"""Self-test of the hidden tests: every mutant in a suite's table is applied to the reference
solution, and the test must fail it and name that mistake.

This runs in-process (no worker): the source notebook's given and solution cells are executed
in a fresh namespace, with the mutated solution cell in place of the reference one, and each
test is run as grading runs it (autograder.judging).
"""

import textwrap

import numpy as np

from autograder.course import source_notebook
from autograder.judging import plain_probe, reference_namespace, verdict
from autograder.notebooks import SOLUTION_REGION, grade_id_of, read_notebook, role_of, source_of
from autograder.suite import load_suite


def region_body(cell_source):
    """The text between ### BEGIN SOLUTION and ### END SOLUTION, dedented."""
    match = SOLUTION_REGION.search(cell_source)
    if not match:
        raise ValueError("the solution cell has no ### BEGIN SOLUTION region")
    lines = match.group(0).splitlines()[1:-1]
    return textwrap.dedent("\n".join(lines))


def mutate(cell_source, body):
    """``cell_source`` with its solution region replaced by ``body`` (indented to match); an
    autograder.suite.Edit is applied to the reference region first."""
    match = SOLUTION_REGION.search(cell_source)
    if not match:
        raise ValueError("the solution cell has no ### BEGIN SOLUTION region")
    if not isinstance(body, str):
        body = body.apply(region_body(cell_source))
    indent = match.group(1)
    lines = "".join(indent + line + "\n" if line.strip() else "\n"
                    for line in body.splitlines())
    return cell_source[:match.start()] + lines + cell_source[match.end():]


def solution_sources(assignment, root=None):
    return {grade_id_of(cell): source_of(cell)
            for cell in read_notebook(source_notebook(assignment, root))["cells"]
            if role_of(cell) == "solution"}


def verdicts_with(assignment, replacements, root=None):
    """grade_id -> Verdict of every graded test for the reference solution with some solution
    regions replaced (solution grade_id -> body or Edit): how a test proves that an
    alternative implementation passes or a mistake fails."""
    suite = load_suite(assignment)
    solutions = solution_sources(assignment, root)
    reference_ns = reference_namespace(assignment, root=root)
    cells = {grade_id: mutate(solutions[grade_id], body)
             for grade_id, body in replacements.items()}
    student_ns = reference_namespace(assignment, cells, root)
    return {test.grade_id: verdict(test, plain_probe(test, student_ns),
                                   plain_probe(test, reference_ns))
            for test in suite.tests.values()}


def mutant_verdicts(assignment, root=None):
    """(grade_id, mistake name, Verdict) for every mutant in the assignment's table."""
    suite = load_suite(assignment)
    solutions = solution_sources(assignment, root)
    reference_ns = reference_namespace(assignment, root=root)
    verdicts = []
    for test in suite.tests.values():
        reference = plain_probe(test, reference_ns)
        for name, mutant in test.mutants.items():
            cell = mutate(solutions[test.solution_id], mutant)
            namespace = reference_namespace(assignment, {test.solution_id: cell}, root)
            with np.errstate(all="ignore"):  # a mutant's nan and inf are its mistake, not news
                student = plain_probe(test, namespace)
            verdicts.append((test.grade_id, name, verdict(test, student, reference)))
    return verdicts


def misdiagnosed(assignment, verdicts):
    """One line per mutant in ``verdicts`` (from mutant_verdicts) that its test passes or
    diagnoses as another mistake."""
    lines = []
    for grade_id, name, result in verdicts:
        if result.passed:
            lines.append(f"{assignment} {grade_id}: the mutant for {name!r} passes")
        elif result.mistake != name:
            lines.append(f"{assignment} {grade_id}: the mutant for {name!r} is diagnosed as "
                         f"{result.mistake!r}")
    return lines


def failures(assignment, root=None):
    """Empty when the suite catches every mistake it claims to; else one line per mutant that
    escapes or is misdiagnosed."""
    return misdiagnosed(assignment, mutant_verdicts(assignment, root))
