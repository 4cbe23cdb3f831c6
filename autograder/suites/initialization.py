"""Hidden tests for Assignment 1 (weight initialization).

The probes call each initializer on several layer sizes (fan-in != fan-out) and seeds, plus
layers large enough to measure the weights' standard deviation. The judge accepts an exact
match with the reference, or weights drawn in another order whose shapes, scale, distribution
and use of the seed are all right; otherwise it names the mistake.
"""

from autograder.suite import Suite, attempt, difference, edit, fresh_global_rng_state, \
    global_rng_state
from helpers.checks.initialization import LARGE_DIMS, MISTAKES, scale_problem, shape_problem

DIMS = ([2, 10, 5, 1], [3, 7, 1], [6, 4, 9, 3, 1], [1, 1])
SEEDS = (0, 1, 7)

SHAPE_MISTAKES = ("wrong_keys", "transposed_W", "wrong_W_shape", "b_row", "wrong_b_shape",
                  "not_array", "not_float", "type", "keys")
RANDOM_MISTAKES = SHAPE_MISTAKES + (
    "global_rng", "unseeded", "seed_ignored", "b_nonzero", "not_normal", "scale_unknown",
    "scale_he", "scale_times_ten", "scale_times_0.01", "scale_unscaled", "scale_xavier",
    "scale_fan_out", "scale_no_sqrt")

# W^[l] is (n_l, n_{l-1}): the same swap of its two sizes for every initializer.
TRANSPOSED_W = edit(("layers_dims[l], layers_dims[l - 1]", "layers_dims[l - 1], layers_dims[l]"))
# The mistakes of drawing random weights, the same in both random initializers.
RANDOM_DRAW = {
    "transposed_W": TRANSPOSED_W,
    "b_row": edit(("((layers_dims[l], 1))", "(layers_dims[l])")),
    "global_rng": edit(("rng.standard_normal(", "np.random.randn(*"),
                       before="np.random.seed(seed)"),
}

MUTANTS = {
    "initialize_parameters_zeros": {
        "wrong_keys": edit(('"W" + str(l)', '"W" + str(l - 1)'),
                           ('"b" + str(l)', '"b" + str(l - 1)')),
        "not_zero": edit(("np.zeros((layers_dims[l], layers", "np.ones((layers_dims[l], layers")),
        "transposed_W": TRANSPOSED_W,
        "b_row": edit(("(layers_dims[l], 1)", "(1, layers_dims[l])")),
    },
    "initialize_parameters_random": {
        **RANDOM_DRAW,
        "scale_times_0.01": edit((") * 10", ") * 0.01")),
        "scale_unscaled": edit((") * 10", ") * 1")),
    },
    "initialize_parameters_he": {
        **RANDOM_DRAW,
        "scale_xavier": edit(("sqrt(2 /", "sqrt(1 /")),
        "scale_fan_out": edit(("2 / layers_dims[l - 1]", "2 / layers_dims[l]")),
        "scale_no_sqrt": edit(("np.sqrt(2 /", "(2 /")),
        "scale_unscaled": edit((") * scale", ") * 1")),
        "scale_times_ten": edit((") * scale", ") * 10")),
    },
}

SUITE = Suite("initialization", MISTAKES, MUTANTS)


def _case_key(dims, seed=None):
    return "x".join(map(str, dims)) + ("" if seed is None else f"|seed={seed}")


def _dims_of(key):
    return [int(n) for n in key.split("|")[0].split("x")]


def _structure_mistake(test, value, found, dims):
    """The failing verdict for a result that differs from the reference in its form."""
    if found[0] == "type":
        return test.fail("type")
    problem = shape_problem(value, dims, test.function)
    return test.fail(problem.mistake) if problem else None


def probe_zeros(function, namespace):
    return {_case_key(dims): attempt(function, list(dims)) for dims in DIMS}


def judge_zeros(test, student, reference):
    for key, expected in reference.items():
        found = difference(student[key], expected)
        if found:
            return _structure_mistake(test, student[key], found, _dims_of(key)) or \
                test.fail("not_zero")
    return test.passed()


def probe_random(function, namespace):
    outputs = {}
    before = fresh_global_rng_state()
    for dims in DIMS:
        for seed in SEEDS:
            outputs[_case_key(dims, seed)] = attempt(function, list(dims), seed=seed)
    for seed in (0, 1):  # large layers: the scale, and whether the seed is used
        outputs[_case_key(LARGE_DIMS, seed)] = attempt(function, list(LARGE_DIMS), seed=seed)
    outputs["again"] = attempt(function, list(LARGE_DIMS), seed=0)
    outputs["global_rng_touched"] = global_rng_state() != before
    return outputs


def make_judge(scale):
    """The judge of a random initializer whose weights have the SCALES entry ``scale``."""
    def judge(test, student, reference):
        cases = [key for key in reference if "|seed=" in key]
        found = [(key, difference(student[key], reference[key])) for key in cases]
        found = [(key, diff) for key, diff in found if diff]
        if not found and not student["global_rng_touched"]:
            return test.passed()
        if any(diff[0] == "type" for _, diff in found):
            return test.fail("type")
        if student["global_rng_touched"]:
            return test.fail("global_rng")
        for key, diff in found:
            verdict = _structure_mistake(test, student[key], diff, _dims_of(key))
            if verdict:
                return verdict
        large = student[_case_key(LARGE_DIMS, 0)]
        problem = scale_problem(large, LARGE_DIMS, scale, test.function)
        if problem:
            return test.fail(problem.mistake)
        if difference(student["again"], large):
            return test.fail("unseeded")
        if not difference(student[_case_key(LARGE_DIMS, 1)], large):
            return test.fail("seed_ignored")
        # Shapes, scale, distribution and seeding are right; only the draw order differs.
        return test.passed("passed (your weights are drawn in a different order than the "
                           "reference, with the right shapes and distribution)")
    return judge


SUITE.test("initialize_parameters_zeros", probe_zeros, judge_zeros,
           mistakes=SHAPE_MISTAKES + ("not_zero",))
SUITE.test("initialize_parameters_random", probe_random, make_judge("times_ten"),
           mistakes=RANDOM_MISTAKES)
SUITE.test("initialize_parameters_he", probe_random, make_judge("he"), mistakes=RANDOM_MISTAKES)
