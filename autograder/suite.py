"""How a graded test is written.

Each assignment has a module ``autograder.suites.<assignment>`` with a ``SUITE``: one
GradedTest per autograded test cell of the source notebook (matched by grade_id). A test is two
halves that run in different processes:

* ``probe(namespace)`` runs in the grading worker, next to the learner's code: it calls the
  graded function(s) found in the notebook's namespace on inputs it makes from fixed seeds,
  and returns plain data (see autograder.plain);
* ``judge(student, reference)`` runs in the grading process on the plain data the probe
  returned for the submission and for the reference solution (the source notebook), and
  returns a Verdict. Its message never contains the hidden inputs or the expected values.

``mistakes`` is the catalogue of common mistakes for the function: a verdict names the one it
diagnosed; each may carry a ``mutant`` (a wrong version of the solution cell) that the test
suite grades to prove the mistake loses the points and gets its hint.
"""

import importlib
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from autograder.plain import Raised, Unsupported, decode, encode


@dataclass(frozen=True)
class Mistake:
    name: str
    hint: str  # the likely mistake, in the learner's words
    concept: str  # what to revisit
    # A wrong solution region demonstrating it: its whole text, or edit(...) of the reference's
    mutant: "str | Edit | None" = None


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


def catalogue(*groups):
    """One tuple of Mistakes from several groups; a later Mistake replaces an earlier one of the
    same name (e.g. a shared entry replaced by one that carries a mutant)."""
    merged = {}
    for group in groups:
        for mistake in group:
            merged[mistake.name] = mistake
    return tuple(merged.values())


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    mistake: str | None = None


@dataclass(frozen=True)
class GradedTest:
    grade_id: str  # the test cell
    solution_id: str  # the solution cell whose function(s) it grades
    functions: tuple  # the names the probe looks up in the namespace
    probe: Callable[[dict], Any]
    judge: Callable[[Any, Any], "Verdict"]
    mistakes: tuple = ()

    def mistake(self, name):
        for mistake in self.mistakes:
            if mistake.name == name:
                return mistake
        return None

    def fail(self, name, detail=""):
        """A failing Verdict for the catalogued mistake ``name`` (with an optional detail that
        must not reveal hidden inputs or expected values)."""
        mistake = self.mistake(name)
        if mistake is None:
            return Verdict(False, detail or "Your result differs from the expected one.", None)
        message = mistake.hint + (f" ({detail})" if detail else "") + \
            f" Revisit: {mistake.concept}."
        return Verdict(False, message, name)


@dataclass
class Suite:
    assignment: str
    tests: dict = field(default_factory=dict)
    # Address space (MB) a grading worker of this assignment needs at least, when importing
    # its libraries takes more than NumPy (a framework); None: the operator's limit holds.
    memory_mb: int | None = None

    def add(self, test):
        if test.grade_id in self.tests:
            raise ValueError(f"duplicate graded test {test.grade_id!r}")
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


def lookup(namespace, name):
    """The learner's function ``name``, or Raised when the notebook does not define it."""
    function = namespace.get(name)
    if not callable(function):
        return Raised(f"NameError: {name} is not defined (was its cell deleted or renamed?)")
    return function


def fresh_global_rng_state():
    """Seed numpy's global RandomState with a value no learner would use and return its
    fingerprint; compare with global_rng_state() after the calls to notice re-seeding or draws
    (whatever earlier code did to the global state)."""
    np.random.seed(918_273_645)
    return global_rng_state()


def missing_functions(namespace, *names):
    """{"missing": Raised} for the first of ``names`` the notebook does not define, else None:
    what a probe returns instead of calling a function that is not there."""
    for name in names:
        function = lookup(namespace, name)
        if isinstance(function, Raised):
            return {"missing": function}
    return None


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


def generic_verdict(test, found):
    """A failing Verdict for a ``difference`` that no specific diagnosis explained."""
    kind, _, detail = found
    if kind == "raised" and detail.startswith("NotImplementedError"):
        return Verdict(False, f"{test.functions[0]} is not implemented yet.", "not_implemented")
    if kind == "raised":
        return Verdict(False, f"{test.functions[0]} raised an error: {detail}", "raised")
    if kind == "unsupported":
        return Verdict(False, f"{test.functions[0]} returned something other than plain dicts, "
                              f"lists, tuples, numbers and numpy arrays ({detail}).", "unsupported")
    return test.fail(kind, detail)
