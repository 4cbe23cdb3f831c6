"""Every assignment, the same guarantees: its notebook builds from its text twin, the
reference earns full marks, the release stubs earn zero, every catalogued mistake loses its
points with its hint, and the source notebook runs top to bottom without an error."""

import pytest

from autograder.course import assignment_names, source_notebook
from autograder.execution import error_outputs
from autograder.grading import grade_submission
from autograder.notebooks import build
from autograder.selftest import mutant_verdicts
from autograder.suite import load_suite

ASSIGNMENTS = assignment_names()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_matches_its_text_twin(root, assignment):
    text = root / "source" / assignment / f"{assignment}.py"
    assert build(text) == source_notebook(assignment).read_text(encoding="utf-8"), \
        f"{assignment}.ipynb is out of date: run `course build`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_earns_full_marks(root, assignment):
    result = grade_submission("reference", assignment, root / "source" / assignment)
    assert result.status == "graded", result.message
    assert result.notes == []
    assert [c.status for c in result.cells] == ["passed"] * len(result.cells), result.cells
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_stubs_earn_zero(root, assignment):
    result = grade_submission("stub", assignment, root / "release" / assignment)
    assert result.status == "graded", result.message
    for cell in result.cells:
        assert cell.points == 0 and cell.status == "failed", cell
        assert "not implemented" in cell.message


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_a_graded_test_with_mutants(assignment):
    from autograder.planning import test_cells
    from autograder.notebooks import read_notebook
    suite = load_suite(assignment)
    cells = [grade_id for grade_id, _ in test_cells(read_notebook(source_notebook(assignment)))]
    assert sorted(cells) == sorted(suite.tests), "test cells and GradedTests must match"
    for test in suite.tests.values():
        assert test.mutants, f"{test.grade_id} has no mutant"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_catalogued_mistake_loses_points_and_gets_its_hint(assignment):
    verdicts = mutant_verdicts(assignment)
    assert verdicts
    suite = load_suite(assignment)
    wrong = [(grade_id, name, verdict) for grade_id, name, verdict in verdicts
             if verdict.passed or verdict.mistake != name
             or suite.catalogue[name].hint not in verdict.message]
    assert not wrong, "\n".join(f"{g} / {n}: judged {v}" for g, n, v in wrong)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_top_to_bottom(assignment, executed):
    notebook = executed(source_notebook(assignment))
    assert error_outputs(notebook) == []
