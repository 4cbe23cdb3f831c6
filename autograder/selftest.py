"""Self-test of the hidden tests: every catalogued mistake that carries a mutant is applied to
the reference solution, and the judge must fail it and name that mistake.

This runs in-process (no worker): the source notebook's given and solution cells are executed
in a fresh namespace, with the mutated solution cell in place of the reference one.
"""

import re
import textwrap

from autograder.course import source_notebook
from autograder.notebooks import grade_id_of, read_notebook, role_of, source_of
from autograder.plain import decode, encode
from autograder.suite import load_suite

REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*\n?",
                    re.S | re.M)


def region_body(cell_source):
    """The text between ### BEGIN SOLUTION and ### END SOLUTION, dedented."""
    match = REGION.search(cell_source)
    if not match:
        raise ValueError("the solution cell has no ### BEGIN SOLUTION region")
    lines = match.group(0).splitlines()[1:-1]
    return textwrap.dedent("\n".join(lines))


def mutate(cell_source, body):
    """``cell_source`` with its solution region replaced by ``body`` (indented to match); an
    autograder.suite.Edit is applied to the reference region first."""
    match = REGION.search(cell_source)
    if not match:
        raise ValueError("the solution cell has no ### BEGIN SOLUTION region")
    if not isinstance(body, str):
        body = body.apply(region_body(cell_source))
    indent = match.group(1)
    lines = "".join(indent + line + "\n" if line.strip() else "\n"
                    for line in body.splitlines())
    return cell_source[:match.start()] + lines + cell_source[match.end():]


def namespace_with(assignment, replacements=None, root=None):
    """Execute the source notebook's given and solution cells, with ``replacements`` (solution
    grade_id -> cell source) swapped in, and return the namespace."""
    replacements = replacements or {}
    namespace = {"__name__": "__selftest__", "display": lambda *a, **k: None}
    for cell in read_notebook(source_notebook(assignment, root))["cells"]:
        if role_of(cell) in ("given", "solution"):
            text = replacements.get(grade_id_of(cell), source_of(cell))
            exec(compile(text, f"<{assignment} {grade_id_of(cell)}>", "exec"), namespace)
    return namespace


def solution_sources(assignment, root=None):
    return {grade_id_of(cell): source_of(cell)
            for cell in read_notebook(source_notebook(assignment, root))["cells"]
            if role_of(cell) == "solution"}


def verdicts_with(assignment, replacements, root=None):
    """grade_id -> Verdict of every graded test for the reference solution with some solution
    regions replaced (solution grade_id -> body), judged in-process: how a test proves that
    an alternative implementation passes or a mistake fails."""
    suite = load_suite(assignment)
    solutions = solution_sources(assignment, root)
    reference_ns = namespace_with(assignment, root=root)
    cells = {grade_id: mutate(solutions[grade_id], body)
             for grade_id, body in replacements.items()}
    student_ns = namespace_with(assignment, cells, root)
    verdicts = {}
    for test in suite.tests.values():
        expected = decode(encode(test.probe(reference_ns)))
        verdicts[test.grade_id] = test.judge(decode(encode(test.probe(student_ns))), expected)
    return verdicts


def mutant_verdicts(assignment, root=None):
    """(grade_id, mistake name, Verdict) for every catalogued mutant of the assignment."""
    suite = load_suite(assignment)
    solutions = solution_sources(assignment, root)
    reference_ns = namespace_with(assignment, root=root)
    verdicts = []
    for test in suite.tests.values():
        reference = decode(encode(test.probe(reference_ns)))
        for mistake in test.mistakes:
            if mistake.mutant is None:
                continue
            cell = mutate(solutions[test.solution_id], mistake.mutant)
            namespace = namespace_with(assignment, {test.solution_id: cell}, root)
            student = decode(encode(test.probe(namespace)))
            verdicts.append((test.grade_id, mistake.name, test.judge(student, reference)))
    return verdicts
