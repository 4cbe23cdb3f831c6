"""A prepared class with known mistakes, for `course report`: each learner fills in a few graded
functions of the released notebooks in their own words, and what the report must find is
planted and written down here.

- ben, cai and dov each scale He weights with Xavier's sqrt(1 / n_{l-1}), each in their own code;
- dov ignores the seed in initialization and again in optimization (the same concept twice);
- fay wrote a long He initialization of her own and eve copied it with renamed variables, other
  spacing and other comments: the one pair to flag;
- ana, ivy and jon solved He initialization correctly and independently; ana, ben, cai, ivy
  and jon solved update_lr (one line) the same obvious way: nothing to flag there;
- gus hands in the untouched release twice (below half marks twice in a row);
- hal has no initialization folder; lee's initialization notebook is not JSON; kai's update_lr
  never returns (a timeout).
"""

import submissions
from autograder.notebooks import grade_id_of
from autograder.selftest import mutate

INITIALIZATION, OPTIMIZATION = "initialization", "optimization"

HE_REFERENCE = """\
scale = np.sqrt(2 / layers_dims[l - 1])
parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * scale
parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

HE_IVY = """\
W = rng.standard_normal(size=(layers_dims[l], layers_dims[l - 1]))
parameters["W" + str(l)] = W * np.sqrt(2.0 / layers_dims[l - 1])
parameters["b" + str(l)] = np.zeros(shape=(layers_dims[l], 1))"""

HE_JON = """\
n_in = layers_dims[l - 1]
parameters[f"W{l}"] = rng.standard_normal((layers_dims[l], n_in)) * (2 / n_in) ** 0.5
parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))"""

HE_FAY = """\
# He et al. 2015: variance 2 / fan_in keeps ReLU activations at a steady scale
fan_in, fan_out = layers_dims[l - 1], layers_dims[l]
variance = 2.0 / fan_in
std = variance ** 0.5
draws = rng.standard_normal(size=(fan_out, fan_in))
weights = draws * std
assert weights.shape == (fan_out, fan_in), "weights have the wrong shape"
bias = np.zeros(shape=(fan_out, 1), dtype=float)
parameters["W%d" % l] = weights
parameters["b%d" % l] = bias"""

HE_EVE = """\
n_prev,   n_here = layers_dims[l-1],   layers_dims[l]
var = 2.0/n_prev          # the variance He recommends
sigma = var**0.5
z = rng.standard_normal(size = (n_here, n_prev))

w = z*sigma
assert w.shape == (n_here, n_prev), "weights have the wrong shape"
b_vec = np.zeros(shape=(n_here, 1), dtype=float)
parameters["W%d" % l] = w
parameters["b%d" % l] = b_vec"""

HE_XAVIER_BEN = """\
parameters["W" + str(l)] = (rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
                            / np.sqrt(layers_dims[l - 1]))
parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

HE_XAVIER_CAI = """\
std = np.sqrt(1.0 / layers_dims[l - 1])
parameters["W" + str(l)] = std * rng.standard_normal((layers_dims[l], layers_dims[l - 1]))
parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

HE_XAVIER_DOV = """\
shape = (layers_dims[l], layers_dims[l - 1])
parameters["W" + str(l)] = rng.normal(0.0, np.sqrt(1 / layers_dims[l - 1]), size=shape)
parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

RANDOM_FIXED_SEED_DOV = """\
rng = np.random.default_rng(3)
parameters["W" + str(l)] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * 10
parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))"""

MINI_BATCHES_FIXED_SEED_DOV = """\
permutation = np.random.default_rng(0).permutation(m)
shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
for start in range(0, m, mini_batch_size):
    mini_batches.append((shuffled_X[:, start:start + mini_batch_size],
                         shuffled_Y[:, start:start + mini_batch_size]))"""

LR_OBVIOUS = "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"
LR_FOREVER = "while True:\n    pass"

# student -> assignment -> {solution grade_id: region body}; None: the untouched release;
# a missing assignment: no folder; "BROKEN": a file that is not JSON.
CLASS = {
    "ana": {INITIALIZATION: {"initialize_parameters_he": HE_REFERENCE},
            OPTIMIZATION: {"update_lr": LR_OBVIOUS}},
    "ben": {INITIALIZATION: {"initialize_parameters_he": HE_XAVIER_BEN},
            OPTIMIZATION: {"update_lr": LR_OBVIOUS}},
    "cai": {INITIALIZATION: {"initialize_parameters_he": HE_XAVIER_CAI},
            OPTIMIZATION: {"update_lr": LR_OBVIOUS}},
    "dov": {INITIALIZATION: {"initialize_parameters_he": HE_XAVIER_DOV,
                             "initialize_parameters_random": RANDOM_FIXED_SEED_DOV},
            OPTIMIZATION: {"random_mini_batches": MINI_BATCHES_FIXED_SEED_DOV}},
    "eve": {INITIALIZATION: {"initialize_parameters_he": HE_EVE}, OPTIMIZATION: {}},
    "fay": {INITIALIZATION: {"initialize_parameters_he": HE_FAY}, OPTIMIZATION: {}},
    "gus": {INITIALIZATION: None, OPTIMIZATION: None},
    "hal": {OPTIMIZATION: {}},
    "ivy": {INITIALIZATION: {"initialize_parameters_he": HE_IVY},
            OPTIMIZATION: {"update_lr": LR_OBVIOUS}},
    "jon": {INITIALIZATION: {"initialize_parameters_he": HE_JON},
            OPTIMIZATION: {"update_lr": LR_OBVIOUS}},
    "kai": {INITIALIZATION: {}, OPTIMIZATION: {"update_lr": LR_FOREVER}},
    "lee": {INITIALIZATION: "BROKEN", OPTIMIZATION: {}},
}

SCALE_XAVIER = ["ben", "cai", "dov"]
COPIED_PAIR = ["eve", "fay"]
SEED_CONCEPT = "use the seed argument instead of a fixed seed"


def write_class(submitted):
    """Write every submission of CLASS under ``submitted``/<student>/<assignment>/."""
    for student, work in CLASS.items():
        (submitted / student).mkdir(parents=True, exist_ok=True)
        for assignment, bodies in work.items():
            folder = submitted / student / assignment
            if bodies == "BROKEN":
                folder.mkdir(parents=True)
                (folder / f"{assignment}.ipynb").write_text('{"cells": [ oops')
                continue
            notebook = submissions.load(assignment, release=True)
            if bodies:
                sources = submissions.load(assignment)  # the same cells, with the regions
                regions = {grade_id_of(cell): "".join(cell["source"])
                           for cell in sources["cells"] if grade_id_of(cell) in bodies}
                for cell in notebook["cells"]:
                    grade_id = grade_id_of(cell)
                    if grade_id in bodies:
                        cell["source"] = mutate(regions[grade_id], bodies[grade_id])
            submissions.write(folder, notebook, assignment)
