"""Hidden tests for Assignment 1 (weight initialization).

The probes call each initializer on several layer sizes (fan-in != fan-out) and seeds, plus
layers large enough to measure the weights' standard deviation. The judge accepts an exact
match with the reference, or weights drawn in another order whose shapes, scale, distribution
and use of the seed are all right; otherwise it names the mistake.
"""


from autograder.suite import GradedTest, Mistake, Suite, Verdict, attempt, catalogue, \
    difference, edit, fresh_global_rng_state, generic_verdict, global_rng_state, lookup
from autograder.plain import Raised
from helpers.checks.initialization import LARGE_DIMS, scale_problem, shape_problem

DIMS = ([2, 10, 5, 1], [3, 7, 1], [6, 4, 9, 3, 1], [1, 1])
SEEDS = (0, 1, 7)

SHAPE_MISTAKES = (
    Mistake("wrong_keys", "The dict should hold W1, b1, ..., WL, bL: one W and one b per layer, "
            "numbered from 1, for every layer after the input.",
            "how layers_dims maps to layers: layer l goes from layers_dims[l-1] to layers_dims[l]",
            edit(('"W" + str(l)', '"W" + str(l - 1)'), ('"b" + str(l)', '"b" + str(l - 1)'))),
    Mistake("transposed_W", "W has its two dimensions swapped.",
            "W^[l] has shape (n_l, n_{l-1}) so that Z = W A_prev + b works on columns"),
    Mistake("wrong_W_shape", "W has the wrong shape.", "W^[l] has shape (n_l, n_{l-1})"),
    Mistake("b_row", "b is a row (or 1-D) instead of a column.",
            "b^[l] has shape (n_l, 1) and broadcasts across the m examples"),
    Mistake("wrong_b_shape", "b has the wrong shape.", "b^[l] has shape (n_l, 1)"),
    Mistake("not_array", "The parameters should be numpy arrays.", "np.zeros / rng.standard_normal"),
    Mistake("not_float", "The parameters should hold floats, not integers.",
            "np.zeros((n, m)) gives floats; gradient descent needs them"),
    Mistake("type", "The function should return a dict of parameters.",
            "the return value: parameters = {'W1': ..., 'b1': ...}"),
    Mistake("keys", "The dict should hold exactly W1, b1, ..., WL, bL.",
            "one W and one b per layer"),
)

# W^[l] is (n_l, n_{l-1}): the same swap of its two sizes for every initializer.
TRANSPOSED_W = edit(("layers_dims[l], layers_dims[l - 1]", "layers_dims[l - 1], layers_dims[l]"))

RANDOM_MISTAKES = (
    Mistake("global_rng", "Your function re-seeds or draws from numpy's global random generator.",
            "randomness comes in through the argument: rng = np.random.default_rng(seed), "
            "then rng.standard_normal(shape)",
            edit(("rng.standard_normal(", "np.random.randn(*"), before="np.random.seed(seed)")),
    Mistake("unseeded", "The same seed gave different weights.",
            "draw from rng = np.random.default_rng(seed), not from a fresh unseeded generator"),
    Mistake("seed_ignored", "Different seeds gave the same weights.",
            "use the seed argument instead of a fixed seed"),
    Mistake("b_nonzero", "b should start at zero.", "only W needs random values to break symmetry"),
    Mistake("not_normal", "The weights should come from a normal distribution.",
            "rng.standard_normal(shape) draws N(0, 1)"),
    Mistake("scale_unknown", "The weights have the wrong scale.",
            "the standard deviation each initialization gives W^[l]"),
)


def _case_key(dims, seed=None):
    return "x".join(map(str, dims)) + ("" if seed is None else f"|seed={seed}")


def probe_zeros(namespace):
    function = lookup(namespace, "initialize_parameters_zeros")
    if isinstance(function, Raised):
        return {"missing": function}
    return {_case_key(dims): attempt(function, list(dims)) for dims in DIMS}


def judge_zeros(student, reference):
    test = SUITE.tests["test_initialize_parameters_zeros"]
    if "missing" in student:
        return generic_verdict(test, ("raised", "", student["missing"].text))
    for key, expected in reference.items():
        value = student[key]
        found = difference(value, expected)
        if not found:
            continue
        if found[0] in ("raised", "unsupported"):
            return generic_verdict(test, found)
        if found[0] == "type":
            return test.fail("type")
        dims = [int(n) for n in key.split("x")]
        problem = shape_problem(value, dims, "initialize_parameters_zeros")
        if problem:
            return test.fail(problem.mistake)
        return test.fail("not_zero")
    return Verdict(True, "passed")


def make_probe(name):
    def probe(namespace):
        function = lookup(namespace, name)
        if isinstance(function, Raised):
            return {"missing": function}
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
    return probe


def make_judge(grade_id, name, scale):
    def judge(student, reference):
        test = SUITE.tests[grade_id]
        if "missing" in student:
            return generic_verdict(test, ("raised", "", student["missing"].text))
        cases = [key for key in reference if "|seed=" in key]
        found = [(key, difference(student[key], reference[key])) for key in cases]
        found = [(key, diff) for key, diff in found if diff]
        if not found and not student["global_rng_touched"]:
            return Verdict(True, "passed")
        for key, diff in found:
            if diff[0] in ("raised", "unsupported"):
                return generic_verdict(test, diff)
            if diff[0] == "type":
                return test.fail("type")
        if student["global_rng_touched"]:
            return test.fail("global_rng")
        for key, _ in found:
            dims = [int(n) for n in key.split("|")[0].split("x")]
            problem = shape_problem(student[key], dims, name)
            if problem:
                return test.fail(problem.mistake)
        large = student[_case_key(LARGE_DIMS, 0)]
        problem = scale_problem(large, LARGE_DIMS, scale, name)
        if problem:
            return test.fail(problem.mistake)
        if difference(student["again"], large):
            return test.fail("unseeded")
        if not difference(student[_case_key(LARGE_DIMS, 1)], large):
            return test.fail("seed_ignored")
        # Shapes, scale, distribution and seeding are right; only the draw order differs.
        return Verdict(True, "passed (your weights are drawn in a different order than the "
                             "reference, with the right shapes and distribution)")
    return judge


SUITE = Suite("initialization")

SUITE.add(GradedTest(
    grade_id="test_initialize_parameters_zeros",
    solution_id="initialize_parameters_zeros",
    functions=("initialize_parameters_zeros",),
    probe=probe_zeros, judge=judge_zeros,
    mistakes=catalogue(SHAPE_MISTAKES, (
        Mistake("not_zero", "Every W and b should be exactly zero.", "np.zeros(shape)",
                edit(("np.zeros((layers_dims[l], layers", "np.ones((layers_dims[l], layers"))),
        Mistake("transposed_W", "W has its two dimensions swapped.",
                "W^[l] has shape (n_l, n_{l-1}) so that Z = W A_prev + b works on columns",
                TRANSPOSED_W),
        Mistake("b_row", "b is a row (or 1-D) instead of a column.",
                "b^[l] has shape (n_l, 1) and broadcasts across the m examples",
                edit(("(layers_dims[l], 1)", "(1, layers_dims[l])"))),
    )),
))


def _random_mistakes(extra):
    """The catalogue of a random initializer: the shape mistakes, the mistakes of drawing
    random numbers, then ``extra``."""
    shape = (
        Mistake("transposed_W", "W has its two dimensions swapped.",
                "W^[l] has shape (n_l, n_{l-1}) so that Z = W A_prev + b works on columns",
                TRANSPOSED_W),
        Mistake("b_row", "b is a row (or 1-D) instead of a column.",
                "b^[l] has shape (n_l, 1) and broadcasts across the m examples",
                edit(("((layers_dims[l], 1))", "(layers_dims[l])"))),
    )
    return catalogue(SHAPE_MISTAKES, shape, RANDOM_MISTAKES, extra)


SUITE.add(GradedTest(
    grade_id="test_initialize_parameters_random",
    solution_id="initialize_parameters_random",
    functions=("initialize_parameters_random",),
    probe=make_probe("initialize_parameters_random"),
    judge=make_judge("test_initialize_parameters_random", "initialize_parameters_random",
                     "times_ten"),
    mistakes=_random_mistakes((
        Mistake("scale_times_0.01", "The weights are scaled by 0.01; this exercise asks for 10.",
                "this initialization is deliberately too large (N(0, 1) times 10)",
                edit((") * 10", ") * 0.01"))),
        Mistake("scale_unscaled", "The weights are not multiplied by 10.",
                "this initialization is deliberately too large (N(0, 1) times 10)",
                edit((") * 10", ") * 1"))),
    )),
))

SUITE.add(GradedTest(
    grade_id="test_initialize_parameters_he",
    solution_id="initialize_parameters_he",
    functions=("initialize_parameters_he",),
    probe=make_probe("initialize_parameters_he"),
    judge=make_judge("test_initialize_parameters_he", "initialize_parameters_he", "he"),
    mistakes=_random_mistakes((
        Mistake("scale_xavier", "The weights use Xavier scaling sqrt(1 / n_{l-1}).",
                "He initialization, sqrt(2 / n_{l-1}), keeps ReLU activations' variance steady",
                edit(("sqrt(2 /", "sqrt(1 /"))),
        Mistake("scale_fan_out", "The weights are scaled with the layer's own size n_l (the "
                "fan-out).", "He uses the fan-in: n_{l-1} = layers_dims[l - 1]",
                edit(("2 / layers_dims[l - 1]", "2 / layers_dims[l]"))),
        Mistake("scale_no_sqrt", "The scale is 2 / n_{l-1}: the square root is missing.",
                "the variance is 2 / n_{l-1}, so the standard deviation is its square root",
                edit(("np.sqrt(2 /", "(2 /"))),
        Mistake("scale_unscaled", "The weights are not scaled at all.",
                "He initialization multiplies N(0, 1) by sqrt(2 / n_{l-1})",
                edit((") * scale", ") * 1"))),
        Mistake("scale_times_ten", "The weights are scaled by 10, as in the previous exercise.",
                "He initialization multiplies N(0, 1) by sqrt(2 / n_{l-1})",
                edit((") * scale", ") * 10"))),
    )),
))
