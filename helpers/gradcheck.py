"""Given code for gradient checking: flattening a parameter dict into one vector and back, the
per-parameter view of a check, and the line a check prints.

A gradient check perturbs one entry of the parameters at a time, so it needs all of them in one
column vector theta (n, 1), and a way back to the dict the forward pass takes. ``layout`` records
the order and shapes: a list of (key, shape) pairs, e.g. [("W1", (5, 4)), ("b1", (5, 1)), ...].

    theta, layout = dictionary_to_vector(parameters)      # theta: (n, 1)
    parameters = vector_to_dictionary(theta, layout)       # the same dict (fresh arrays)
    grad = gradients_to_vector(gradients, layout)          # dW1, db1, ... in the same order

Nothing here computes a numerical gradient; nothing prints except ``report_check``, and only
``plot_relative_differences`` draws (it imports matplotlib when called).
"""

import numpy as np

THRESHOLD = 2e-7  # a correct backprop checked with epsilon = 1e-7 stays below this
BUG_LEVEL = 1e-3  # above this, a gradient is almost surely wrong


def dictionary_to_vector(parameters):
    """All the entries of ``parameters`` stacked in one column.

    parameters: dict of arrays (e.g. "W1" (n_1, n_0), "b1" (n_1, 1), ...), in the dict's order.
    Returns theta, a float column (n, 1) where n is the total number of entries, and layout,
    the list of (key, shape) that vector_to_dictionary and gradients_to_vector need.
    """
    layout = [(key, np.shape(value)) for key, value in parameters.items()]
    if not layout:
        raise ValueError("dictionary_to_vector: parameters is empty")
    theta = np.concatenate([np.asarray(value, dtype=float).reshape(-1) for value in
                            parameters.values()]).reshape(-1, 1)
    return theta, layout


def _size(shape):
    return int(np.prod(shape, dtype=int))


def vector_to_dictionary(theta, layout):
    """The inverse of dictionary_to_vector: a dict of fresh arrays with the layout's shapes.

    theta: array with n entries ((n, 1) or (n,)); layout: list of (key, shape) from
    dictionary_to_vector. Changing the dict never changes theta, and the reverse.
    """
    theta = np.asarray(theta, dtype=float).reshape(-1)
    expected = sum(_size(shape) for _, shape in layout)
    if theta.size != expected:
        raise ValueError(f"vector_to_dictionary: theta has {theta.size} entries; the layout "
                         f"needs {expected}")
    parameters, start = {}, 0
    for key, shape in layout:
        stop = start + _size(shape)
        parameters[key] = theta[start:stop].reshape(shape).copy()
        start = stop
    return parameters


def gradients_to_vector(gradients, layout):
    """The gradients "dW1", "db1", ... stacked in one column, in the order of ``layout``.

    gradients: dict with "d" + key for every key of the layout (other entries, such as dA or
    dZ, are ignored); each has the shape of its parameter. Returns grad (n, 1).
    """
    pieces = []
    for key, shape in layout:
        name = "d" + key
        if name not in gradients:
            raise KeyError(f"gradients_to_vector: no {name!r} in the gradients (found "
                           f"{sorted(gradients)})")
        value = np.asarray(gradients[name], dtype=float)
        if value.shape != tuple(shape):
            raise ValueError(f"gradients_to_vector: {name} has shape {value.shape}; {key} has "
                             f"shape {tuple(shape)}")
        pieces.append(value.reshape(-1))
    return np.concatenate(pieces).reshape(-1, 1)


def relative_differences(grad, gradapprox, layout):
    """The check's relative difference computed for each parameter array on its own.

    grad, gradapprox: (n, 1) vectors in the order of ``layout`` (the backprop gradient and the
    numerical one). Returns a dict key -> ||g - g_approx|| / (||g|| + ||g_approx||) restricted
    to that key's entries (0.0 when both are zero). A large value names the array whose
    gradient is wrong.
    """
    grad = np.asarray(grad, dtype=float).reshape(-1)
    gradapprox = np.asarray(gradapprox, dtype=float).reshape(-1)
    if grad.shape != gradapprox.shape:
        raise ValueError(f"relative_differences: grad has {grad.size} entries, gradapprox "
                         f"{gradapprox.size}")
    differences, start = {}, 0
    for key, shape in layout:
        stop = start + _size(shape)
        g, a = grad[start:stop], gradapprox[start:stop]
        scale = np.linalg.norm(g) + np.linalg.norm(a)
        differences[key] = float(np.linalg.norm(g - a) / scale) if scale > 0 else 0.0
        start = stop
    return differences


def report_check(difference, backward_ok):
    """Print the verdict of a gradient check. ``backward_ok`` is the caller's own decision
    (difference below the threshold); this only words it."""
    value = np.asarray(difference)
    if value.size != 1:
        print(f"\u2718 The difference should be one number, the ratio of two norms; got an "
              f"array of shape {value.shape}.")
        return
    difference = float(value.reshape(-1)[0])
    if backward_ok:
        print(f"\u2714 The backward propagation agrees with the numerical gradient: "
              f"difference = {difference:.2e} (below {THRESHOLD:g}).")
    else:
        print(f"\u2718 There is a mistake in the backward propagation: "
              f"difference = {difference:.2e} (above {THRESHOLD:g}).")


def plot_relative_differences(differences, ax=None, title="Relative difference per parameter"):
    """Bars of ``differences`` (dict key -> float, or label -> dict for several checks side by
    side) on a log scale, with the threshold and the bug level drawn as lines."""
    import matplotlib.pyplot as plt

    from helpers.plots import colour_for

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    series = differences if isinstance(next(iter(differences.values())), dict) \
        else {"difference": differences}
    keys = list(next(iter(series.values())))
    width = 0.8 / len(series)
    for index, (label, values) in enumerate(series.items()):
        # a difference of exactly 0 cannot sit on a log axis: draw it at the axis' floor
        heights = [max(values[key], 1e-16) for key in keys]
        positions = np.arange(len(keys)) + (index - (len(series) - 1) / 2) * width
        ax.bar(positions, heights, width=width, color=colour_for(index), label=label)
    ax.axhline(THRESHOLD, color="k", linestyle="--", linewidth=1,
               label=f"threshold {THRESHOLD:g}")
    ax.axhline(BUG_LEVEL, color="#c44e52", linestyle=":", linewidth=1,
               label=f"bug level {BUG_LEVEL:g}")
    ax.set_xticks(np.arange(len(keys)), keys)
    ax.set(yscale="log", ylim=(1e-12, 10), xlabel="parameter",
           ylabel="relative difference", title=title)
    ax.legend(fontsize="small", loc="upper right")
    return ax
