"""How a graded test is declared.

Each assignment has a module ``autograder.suites.<assignment>`` with a ``SUITE``: one
GradedTest per graded function, declared once::

    SUITE.test("initialize_parameters_he", probe=probe_he, judge=judge_he,
               mistakes=("transposed_W", "scale_xavier", ...))

The function's name gives the solution cell (``initialize_parameters_he``) and the test cell
(``test_initialize_parameters_he``). A test is two halves that run in different processes:

* ``probe(function, namespace)`` runs in the grading worker, next to the learner's code: it
  calls ``function`` (and any function named in ``uses``, from ``namespace``) on inputs made
  from fixed seeds and returns plain data (see autograder.plain);
* ``judge(test, student, reference)`` runs in the grading process on the plain data the probe
  returned for the submission and for the reference solution, and returns a Verdict
  (``test.passed(...)`` or ``test.fail(mistake_name)``). Its message never contains the hidden
  inputs or the expected values.

The framework (autograder.judging) handles what every test shares: a function the notebook
does not define, an error the learner's code raised, a value of an unsupported type. A judge
only sees results free of those.

``mistakes`` names the catalogued mistakes (helpers.mistakes; one Catalogue per assignment,
shared with the visible checks) that the judge can diagnose. ``MUTANTS`` in the suite module is
the table of wrong solutions: for a function and a mistake, an ``edit(...)`` of the reference
solution region that makes that mistake; the self-test (``course check``) grades each one and
requires its mistake to be named.
"""

import importlib
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from autograder.plain import Raised, Unsupported, decode, encode
from helpers.mistakes import Catalogue

# What ``difference`` can report; a test may catalogue a mistake under one of these names to
# give it a specific hint, otherwise the generic description is the message.
DIFFERENCE_KINDS = ("type", "keys", "length", "dtype", "shape", "transposed", "nan", "values")


@dataclass(frozen=True)
class Edit:
    """A mutant written as changes to the reference solution region, so the reference is never
    copied into a suite: (old, new) text replacements, then lines added before and after."""

    replacements: tuple = ()
    before: str = ""
    after: str = ""

    def apply(self, body):
        # Inline comments ("code  # why") are dropped first, so edits match the code alone.
        body = "\n".join(line.split("  #")[0].rstrip() if "  #" in line else line
                         for line in body.splitlines())
        for old, new in self.replacements:
            if old not in body:
                raise ValueError(f"mutant: {old!r} is not in the reference solution")
            body = body.replace(old, new)
        return "".join(part + "\n" for part in (self.before,) if part) + body + \
            ("\n" + self.after if self.after else "")


def edit(*replacements, before="", after=""):
    """Edit of the reference region: edit(("old", "new"), ..., before="...", after="...")."""
    return Edit(tuple(replacements), before, after)


class UncataloguedMistake(LookupError):
    """A judge named a mistake its test does not catalogue: a bug in the suite."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    mistake: str | None = None


@dataclass(frozen=True)
class GradedTest:
    function: str  # the graded function: solution cell <function>, test cell test_<function>
    probe: Callable[[Callable, dict], Any]
    judge: Callable[["GradedTest", Any, Any], Verdict]
    mistakes: tuple = ()  # names in the assignment's catalogue this judge can diagnose
    uses: tuple = ()  # other notebook functions the probe calls (looked up in the namespace)
    # text of an error the learner's code raised -> a catalogued mistake name that explains
    # it, or None for the generic "raised an error" verdict
    explain_error: Callable[[str], "str | None"] | None = None
    catalogue: Catalogue | None = None  # set by Suite.test
    mutants: dict = field(default_factory=dict)  # mistake name -> Edit, set by Suite.test

    @property
    def grade_id(self):
        return f"test_{self.function}"

    @property
    def solution_id(self):
        return self.function

    @property
    def functions(self):
        return (self.function, *self.uses)

    def mistake(self, name):
        """The catalogued Mistake ``name`` if this test diagnoses it, else None."""
        return self.catalogue[name] if name in self.mistakes else None

    def passed(self, message="passed"):
        return Verdict(True, message)

    def fail(self, name, detail=""):
        """A failing Verdict for the mistake ``name`` (with an optional detail that must not
        reveal hidden inputs or expected values): the catalogued hint and concept, or for a
        ``difference`` kind this test does not catalogue, the detail alone."""
        mistake = self.mistake(name)
        if mistake is None:
            if name not in DIFFERENCE_KINDS:
                raise UncataloguedMistake(f"{self.grade_id}: mistake {name!r} is not among "
                                          f"its catalogued mistakes")
            return Verdict(False, detail or "Your result differs from the expected one.", None)
        message = mistake.hint + (f" ({detail})" if detail else "") + \
            f" Revisit: {mistake.concept}."
        return Verdict(False, message, name)


@dataclass
class Suite:
    assignment: str
    catalogue: Catalogue
    mutants: dict = field(default_factory=dict)  # function -> {mistake name: Edit}
    # Address space (MB) a grading worker of this assignment needs at least, when importing
    # its libraries takes more than NumPy (a framework); None: the operator's limit holds.
    memory_mb: int | None = None
    tests: dict = field(default_factory=dict)  # grade_id -> GradedTest, in notebook order

    def test(self, function, probe, judge, mistakes=(), uses=(), explain_error=None):
        """Declare the graded test of ``function``."""
        test = GradedTest(function, probe, judge, tuple(mistakes), tuple(uses), explain_error)
        unknown = [name for name in test.mistakes if name not in self.catalogue]
        if unknown:
            raise ValueError(f"{self.assignment}: {test.grade_id} names mistakes that are not "
                             f"catalogued: {unknown}")
        mutants = dict(self.mutants.get(function, {}))
        strays = [name for name in mutants if name not in test.mistakes]
        if strays:
            raise ValueError(f"{self.assignment}: mutants of {function} for mistakes its test "
                             f"does not diagnose: {strays}")
        if test.grade_id in self.tests:
            raise ValueError(f"duplicate graded test {test.grade_id!r}")
        test = replace(test, catalogue=self.catalogue, mutants=mutants)
        self.tests[test.grade_id] = test
        return test


def load_suite(assignment):
    """The Suite of ``assignment`` (module autograder.suites.<assignment>)."""
    try:
        module = importlib.import_module(f"autograder.suites.{assignment}")
    except ModuleNotFoundError as error:
        raise ValueError(f"no graded tests for assignment {assignment!r} "
                         f"(expected autograder/suites/{assignment}.py)") from error
    return module.SUITE


def memory_needed(assignment):
    """The address space (MB) the suite of ``assignment`` declares its workers need, or None."""
    try:
        return load_suite(assignment).memory_mb
    except ValueError:
        return None


# ------------------------------------------------------------------ probe side (worker)

def attempt(function, *args, **kwargs):
    """Call the learner's function and return a plain copy of its result (a fresh structure of
    builtins and numpy arrays), or Raised for an exception it raised."""
    try:
        value = function(*args, **kwargs)
    except MemoryError:
        raise  # a limit, not a wrong answer: the worker reports it as such
    except Exception as error:  # the learner's error is data, not a crash of the probe
        return Raised(f"{type(error).__name__}: {error}")
    return decode(encode(value))


def fresh_global_rng_state():
    """Seed numpy's global RandomState with a value no learner would use and return its
    fingerprint; compare with global_rng_state() after the calls to notice re-seeding or draws
    (whatever earlier code did to the global state)."""
    np.random.seed(918_273_645)
    return global_rng_state()


def global_rng_state():
    """A fingerprint of numpy's global RandomState."""
    _, keys, position, *_ = np.random.get_state()
    return zlib.crc32(keys.tobytes()), int(position)


# ------------------------------------------------------------------ judge side (grader)

def difference(student, reference, where="result", rtol=1e-6, atol=1e-9):
    """The first way ``student`` differs from ``reference`` as (kind, where, detail), or None.

    kinds: raised, unsupported, type, keys, length, dtype, shape, transposed, nan, values.
    Details name keys and shapes of the learner's own result, never expected values.
    """
    if isinstance(student, Raised):
        return "raised", where, student.text
    if isinstance(student, Unsupported):
        return "unsupported", where, f"{where} is a {student.type_name}"
    if isinstance(reference, dict):
        if not isinstance(student, dict):
            return "type", where, f"{where} is a {type(student).__name__}; expected a dict"
        if set(student) != set(reference):
            missing = sorted(set(reference) - set(student))
            extra = sorted(set(student) - set(reference))
            return "keys", where, f"{where}: missing keys {missing}, unexpected keys {extra}"
        for key in reference:
            found = difference(student[key], reference[key], f"{where}[{key!r}]", rtol, atol)
            if found:
                return found
        return None
    if isinstance(reference, (tuple, list)):
        if not isinstance(student, (tuple, list)):
            return "type", where, f"{where} is a {type(student).__name__}; expected a tuple"
        if len(student) != len(reference):
            return "length", where, f"{where} has {len(student)} items; expected {len(reference)}"
        for index, (mine, theirs) in enumerate(zip(student, reference)):
            found = difference(mine, theirs, f"{where}[{index}]", rtol, atol)
            if found:
                return found
        return None
    if isinstance(reference, np.ndarray):
        if not isinstance(student, np.ndarray):
            if isinstance(student, (int, float, np.number)) and reference.shape == ():
                student = np.asarray(student)
            else:
                return "type", where, f"{where} is a {type(student).__name__}; expected an array"
        if reference.dtype.kind == "f" and student.dtype.kind not in "fiub":
            return "dtype", where, f"{where} has dtype {student.dtype}; expected floats"
        if student.shape != reference.shape:
            if student.ndim == 2 and student.shape == reference.shape[::-1]:
                return "transposed", where, f"{where} has shape {student.shape}: transposed?"
            return "shape", where, f"{where} has shape {student.shape}"
        if np.isnan(student).any() and not np.isnan(reference).any():
            return "nan", where, f"{where} contains NaN"
        if not np.allclose(student, reference, rtol=rtol, atol=atol, equal_nan=True):
            return "values", where, f"{where} has the wrong values"
        return None
    if isinstance(reference, (float, int, np.number)) and not isinstance(reference, bool):
        if isinstance(student, bool) or not isinstance(student, (int, float, np.number)):
            return "type", where, f"{where} is a {type(student).__name__}; expected a number"
        if not np.isclose(student, reference, rtol=rtol, atol=atol, equal_nan=True):
            return "values", where, f"{where} has the wrong value"
        return None
    if type(student) is not type(reference) or student != reference:
        return "values", where, f"{where} is wrong"
    return None
