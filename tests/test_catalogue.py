"""One diagnosis per mistake: the visible checks and the hidden tests of an assignment take
their mistake names from the same catalogue (helpers/checks/<assignment>.py MISTAKES), and
every name either side can emit is catalogued."""

import ast
import importlib

import pytest

from autograder.course import assignment_names
from autograder.suite import DIFFERENCE_KINDS, load_suite
from helpers.mistakes import Catalogue

ASSIGNMENTS = assignment_names()


def emitted_names(path):
    """(literal names, f-string prefixes) passed as the mistake to ``.problem(...)``,
    ``.fail(...)`` or ``explain_error`` returns in the file at ``path``."""
    literals, prefixes = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("problem", "fail") and node.args):
            continue
        first = node.args[0]
        for value in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                literals.add(value.value)
            elif isinstance(value, ast.JoinedStr) and value.values and \
                    isinstance(value.values[0], ast.Constant):
                prefixes.add(value.values[0].value)
    return literals, prefixes


def sources(root, assignment):
    return [root / "helpers" / "checks" / f"{assignment}.py",
            root / "autograder" / "suites" / f"{assignment}.py"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_checks_and_hidden_tests_share_one_catalogue(assignment):
    checks = importlib.import_module(f"helpers.checks.{assignment}")
    suite = load_suite(assignment)
    assert isinstance(checks.MISTAKES, Catalogue)
    assert suite.catalogue is checks.MISTAKES
    for test in suite.tests.values():
        assert test.catalogue is checks.MISTAKES
        assert all(name in checks.MISTAKES for name in test.mistakes), test.grade_id


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_name_a_check_or_judge_can_emit_is_catalogued(root, assignment):
    catalogue = load_suite(assignment).catalogue
    for path in sources(root, assignment):
        literals, prefixes = emitted_names(path)
        unknown = sorted(name for name in literals
                         if name not in catalogue and name not in DIFFERENCE_KINDS)
        assert not unknown, f"{path.name} emits uncatalogued mistakes {unknown}"
        for prefix in prefixes:
            assert any(m.name.startswith(prefix) for m in catalogue), (path.name, prefix)


def mentioned_names(path):
    """The strings of ``path`` outside the Mistake(...) entries that define the catalogue."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defining = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name) and node.func.id == "Mistake"
                for arg in node.args}
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in defining}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_catalogued_mistake_can_be_emitted(root, assignment):
    """No dead entries: each name appears in the checks or the suite outside its catalogue
    entry (a diagnosis, a table of diagnoses, a test's list), or is made from a prefix that a
    check or judge computes."""
    mentioned, prefixes = set(), set()
    for path in sources(root, assignment):
        mentioned |= mentioned_names(path)
        prefixes |= emitted_names(path)[1]
    dead = [m.name for m in load_suite(assignment).catalogue if m.name not in mentioned
            and not any(m.name.startswith(prefix) for prefix in prefixes)]
    assert not dead, f"catalogued but never diagnosed: {dead}"


def test_no_problem_is_made_outside_a_catalogue(root):
    for path in sorted((root / "helpers" / "checks").glob("*.py")) + \
            sorted((root / "autograder" / "suites").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        made = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name) and node.func.id in ("Problem", "Mistake")
                and path.parent.name == "suites"]
        defined = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                   and node.name in ("Problem", "Mistake")]
        assert not made and not defined, f"{path}: Problem/Mistake made outside a catalogue"
