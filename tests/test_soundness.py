"""`course check` includes the self-test of the hidden tests: every mutant in a suite's table
must fail its test with its own mistake, and a mutant the suite lets through is a problem that
names the test and the mistake."""

import dataclasses

from autograder.soundness import self_test
from autograder.suite import edit, load_suite


def test_the_self_test_reports_every_suite_catches_its_mutants(root):
    lines = []
    assert self_test("initialization", root, lines.append) == []
    count = sum(len(test.mutants) for test in load_suite("initialization").tests.values())
    assert lines == [f"self-test of initialization's hidden tests: {count} of {count} "
                     "catalogued mistakes caught with their hint"]


def test_a_mutant_the_suite_lets_through_is_a_problem(root, monkeypatch):
    suite = load_suite("initialization")
    test = suite.tests["test_initialize_parameters_zeros"]
    harmless = edit(("np.zeros(", "np.zeros("))  # changes nothing: the test cannot fail it
    misnamed = test.mutants["b_row"]  # a real mistake, claimed under another name
    broken = dataclasses.replace(test, mutants={"not_zero": harmless, "transposed_W": misnamed})
    monkeypatch.setitem(suite.tests, test.grade_id, broken)
    lines = []
    problems = self_test("initialization", root, lines.append)
    assert problems == [
        "initialization test_initialize_parameters_zeros: the mutant for 'not_zero' passes",
        "initialization test_initialize_parameters_zeros: the mutant for 'transposed_W' is "
        "diagnosed as 'b_row'"]
    assert "of" in lines[0] and "caught" in lines[0]
