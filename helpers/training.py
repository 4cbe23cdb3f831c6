"""The training loops the notebooks use: full-batch gradient descent (``train``) and mini-batches
with any update rule (``train_mini_batches``), both recording a cost History.

Each loop is the plain one: call ``forward``, then ``backward``, then update the parameters
(``W := W - learning_rate * dW`` in train, the caller's ``step`` in train_mini_batches). It
runs whenever you pass your own forward/backward (dropout, L2, batch norm, ...).

One fast path, ``_GivenNet``, computes the same forward and backward for the given net
(``forward=model_forward, backward=model_backward``, the defaults). On the course's small nets
a step is a few dozen NumPy calls on tiny arrays, so the time goes to the overhead of each
call and to allocating its result, not to arithmetic; ``_GivenNet`` writes into arrays
allocated once (``out=``) and makes fewer calls: the bias joins the product, and in train
every parameter lives in one flat vector, so that the update is a single call. Whether it
serves a step is decided by explicit conditions on the parameters and the data
(``_given_net_sizes``, ``_GivenNet.fits`` and ``_GivenNet.load``); anything else goes to the
plain loop, whose functions then say what is wrong. It sums the same numbers in another
order, so it agrees with the plain loop to rounding (about 1e-15; like any change of BLAS or
CPU, more where gradient descent itself is chaotic, e.g. huge weights with a large learning
rate).
"""

import contextlib
from dataclasses import dataclass, field

import numpy as np

from helpers.network import compute_cost, model_backward, model_forward
from helpers.progress import progress_bar

PROGRESS_EVERY = 250  # steps between two progress-bar updates: never every step
_ZERO, _ONE = np.zeros(()), np.ones(())  # 0-d arrays: faster operands than 0.0 and 1.0
_FLOAT64 = np.dtype(np.float64)
_SIGMOID_ERRSTATE = {"over": "ignore", "under": "ignore"}  # as helpers.network.sigmoid


@dataclass
class History:
    """Costs recorded during training: ``costs[i]`` is the cost at ``iterations[i]``."""

    iterations: list = field(default_factory=list)
    costs: list = field(default_factory=list)

    def record(self, iteration, cost):
        self.iterations.append(iteration)
        self.costs.append(cost)

    @property
    def final_cost(self):
        return self.costs[-1] if self.costs else float("nan")


def train(X, Y, parameters, *, learning_rate, num_iterations, forward=model_forward,
          backward=model_backward, cost=compute_cost, record_every=100, progress=True,
          description="training", on_record=None):
    """Train a net with full-batch gradient descent.

    X: (n_x, m); Y: (1, m); parameters: W1, b1, ..., WL, bL (not modified: the loop works on a
    copy). ``forward(X, parameters) -> (AL, caches)``, ``backward(AL, Y, caches) -> grads`` and
    ``cost(AL, Y) -> float`` default to the given L-layer ReLU/sigmoid net.
    The cost is recorded at iteration 0, every ``record_every`` iterations and at the end;
    ``on_record(iteration, parameters)``, if given, is called at those moments too (e.g. to
    track a dev-set cost). The progress bar advances every few hundred iterations (never every
    step).

    Returns (trained parameters, History).
    """
    if num_iterations < 0:
        raise ValueError(f"num_iterations must be >= 0, got {num_iterations}")
    if record_every < 1:
        raise ValueError(f"record_every must be >= 1, got {record_every}")
    parameters, net = _copy_and_fast_net(parameters, forward, backward)
    if net is not None and net.fits(X, Y):
        net.use(X)
        parameters = net.parameters  # views of net.theta, which every step updates in place
        forward_pass = net.forward
        numerics = np.errstate(**_SIGMOID_ERRSTATE)  # for net.forward, over the whole loop

        def gradient_descent_step():
            net.backward(Y, learning_rate)  # net.gradient = learning_rate * [dW db], all layers
            np.subtract(net.theta, net.gradient, out=net.theta)  # every W and b at once
    else:
        AL = caches = None
        numerics = contextlib.nullcontext()  # forward and backward handle their own

        def forward_pass():
            nonlocal AL, caches
            AL, caches = forward(X, parameters)
            return AL

        def gradient_descent_step():
            grads = backward(AL, Y, caches)
            for key, value in parameters.items():
                value -= learning_rate * grads["d" + key]  # in place: W := W - learning_rate dW

    caller_errstate = np.geterr()  # the cost and on_record run with the caller's settings
    history = History()
    bar = progress_bar(num_iterations, description) if progress else None
    next_record, next_bar = 0, PROGRESS_EVERY
    try:
        with numerics:
            for i in range(num_iterations + 1):
                AL_now = forward_pass()
                if i == next_record or i == num_iterations:
                    with np.errstate(**caller_errstate):
                        history.record(i, cost(AL_now.copy(), Y))  # the fast path reuses AL
                        if on_record is not None:
                            on_record(i, parameters)
                    next_record += record_every
                if i == num_iterations:
                    break
                if bar is not None and i == next_bar:
                    bar.update(i - bar.n)
                    next_bar += PROGRESS_EVERY
                gradient_descent_step()
    finally:
        if bar is not None:
            bar.update(num_iterations - bar.n)
            bar.close()
    return {key: np.array(value) for key, value in parameters.items()}, history


def train_mini_batches(X, Y, parameters, *, num_epochs, batches, step, forward=model_forward,
                       backward=model_backward, cost=compute_cost, record_every=1,
                       progress=True, description="training", on_record=None):
    """Train with mini-batches and any update rule.

    X: (n_x, m); Y: (1, m) (or (C, m)); parameters: dict of arrays (copied, not modified).
    ``batches(epoch)`` returns the epoch's mini-batches as an iterable of (X_batch, Y_batch);
    ``step(parameters, grads, t)`` applies one update and returns the parameters (t counts
    updates from 1; an optimizer keeps its state in a closure or object). ``grads`` holds fresh
    arrays at every step, so an update rule may keep them.
    The recorded cost of an epoch is the mean of its mini-batch costs weighted by batch size,
    recorded every ``record_every`` epochs (and for the last one); ``cost`` is only evaluated
    in those epochs. ``on_record(epoch, parameters)`` is called at the same moments. The
    progress bar advances every few hundred steps (never every step).

    Returns (trained parameters, History) with History.iterations counting epochs.
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    parameters, net = _copy_and_fast_net(parameters, forward, backward)

    def gradients(X_batch, Y_batch, parameters):
        """(AL, grads) of one mini-batch, grads as model_backward returns them."""
        if net is not None and net.fits(X_batch, Y_batch) and net.load(parameters):
            net.use(X_batch)
            with np.errstate(**_SIGMOID_ERRSTATE):
                AL = net.forward()
            net.backward(Y_batch, 1.0)
            return AL, net.grads()
        AL, caches = forward(X_batch, parameters)
        return AL, backward(AL, Y_batch, caches)

    history = History()
    bar = progress_bar(num_epochs, description) if progress else None
    t = 0
    next_bar = PROGRESS_EVERY
    try:
        for epoch in range(num_epochs):
            recorded = epoch % record_every == 0 or epoch == num_epochs - 1
            total, count = 0.0, 0
            for X_batch, Y_batch in batches(epoch):
                AL, grads = gradients(X_batch, Y_batch, parameters)
                if recorded:
                    size = X_batch.shape[1]
                    total += cost(AL.copy(), Y_batch) * size  # the fast path reuses AL
                    count += size
                t += 1
                parameters = step(parameters, grads, t)
                if not isinstance(parameters, dict):
                    raise TypeError(f"step must return the parameters, a dict like the one it "
                                    f"received; it returned a {type(parameters).__name__}")
            if recorded:
                history.record(epoch, total / max(count, 1))
                if on_record is not None:
                    on_record(epoch, parameters)
            if bar is not None and t >= next_bar:
                bar.update(epoch + 1 - bar.n)
                next_bar = t + PROGRESS_EVERY
    finally:
        if bar is not None:
            bar.update(num_epochs - bar.n)
            bar.close()
    return parameters, history


def _copy_and_fast_net(parameters, forward, backward):
    """A float copy of ``parameters``, and the fast path (_GivenNet) when the net is the given
    one (model_forward and model_backward, layers W1, b1, ..., WL, bL), else None."""
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    given = forward is model_forward and backward is model_backward
    sizes = _given_net_sizes(parameters) if given else None
    return parameters, (_GivenNet(parameters, sizes) if sizes is not None else None)


class _GivenNet:
    """model_forward and model_backward of the given net, on arrays allocated once.

    Layout. One flat vector ``theta`` holds, layer after layer, the block [W^[l] b^[l]]
    (n_l, n_{l-1} + 1); ``gradient`` holds the matching blocks [dW^[l] db^[l]]. The
    activations are kept with a last row of ones, [A^[l]; 1] (n_l + 1, m), so that

        Z^[l] = [W b] [A^[l-1]; 1]                      (the bias joins the product)
        [dW db] = dZ^[l] [A^[l-1]; 1]^T / m             (db = sum of dZ over examples / m)

    are one matrix product each. Lists indexed by layer hold layer l at index l - 1. The
    arrays of each batch size are allocated at its first batch (``_Buffers``).
    """

    def __init__(self, parameters, sizes):
        L = len(sizes) - 1
        blocks = [(sizes[l], sizes[l - 1] + 1) for l in range(1, L + 1)]
        ends = np.cumsum([rows * columns for rows, columns in blocks]).tolist()
        self.theta, self.gradient = np.empty(ends[-1]), np.empty(ends[-1])
        self.Wb = [self.theta[start:end].reshape(shape)  # [W^[l] b^[l]], views of theta
                   for shape, start, end in zip(blocks, [0] + ends, ends)]
        self.dWb = [self.gradient[start:end].reshape(shape)  # [dW^[l] db^[l]]
                    for shape, start, end in zip(blocks, [0] + ends, ends)]
        self.W_T = [Wb[:, :-1].T for Wb in self.Wb]  # W^[l]^T, for dA^[l-1] = W^T dZ^[l]
        self.views = {}  # "W1": view of W^[1] in theta, "b1": ..., in the order W1, b1, W2, ...
        for l, Wb in enumerate(self.Wb, start=1):
            self.views[f"W{l}"], self.views[f"b{l}"] = Wb[:, :-1], Wb[:, -1:]
        self.load(parameters)  # always True here: _given_net_sizes checked them
        self.parameters = {key: self.views[key] for key in parameters}  # the caller's order
        self.grad_views = [(f"dW{l}", dWb[:, :-1], f"db{l}", dWb[:, -1:])  # model_backward's
                           for l, dWb in reversed(list(enumerate(self.dWb, start=1)))]  # order
        self.sizes, self.buffers, self.batch = sizes, {}, None

    def fits(self, X, Y):
        """Whether X (n_x, m) is a float array of the net's input size and Y is (n_L, m)."""
        return (isinstance(X, np.ndarray) and X.dtype is _FLOAT64 and X.ndim == 2
                and X.shape[0] == self.sizes[0] and np.shape(Y) == (self.sizes[-1], X.shape[1]))

    def load(self, parameters):
        """Copy W1, b1, ..., WL, bL into theta and return True; or return False, when they are
        not exactly float64 arrays of this net's shapes (theta is then partly written: the
        next load writes all of it)."""
        if len(parameters) != len(self.views):
            return False
        for key, view in self.views.items():
            value = parameters.get(key)
            if type(value) is not np.ndarray or value.shape != view.shape \
                    or value.dtype is not _FLOAT64:
                return False
            np.copyto(view, value)
        return True

    def use(self, X):
        """Make X (n_x, m) the input of the next forwards: copied into the arrays of its batch
        size, which are allocated at its first batch."""
        buffers = self.buffers.get(X.shape[1])
        if buffers is None:
            buffers = self.buffers[X.shape[1]] = _Buffers(self.sizes, X.shape[1])
        np.copyto(buffers.A[0], X)
        self.batch = buffers

    def forward(self):
        """model_forward of the input for the parameters in theta. Returns AL (n_L, m), a
        buffer that the next forward overwrites. exp(-Z) may overflow to inf (AL = 0, the right
        limit): run it under _SIGMOID_ERRSTATE, as helpers.network.sigmoid runs."""
        inputs, A, Z, AL = self.batch.inputs, self.batch.A, self.batch.Z, self.batch.AL
        for l in range(len(self.Wb) - 1):  # LINEAR -> RELU
            np.dot(self.Wb[l], inputs[l], out=Z[l])  # Z = W A_prev + b
            np.maximum(Z[l], _ZERO, out=A[l + 1])  # A^[l] goes into the next input
        np.dot(self.Wb[-1], inputs[-1], out=Z[-1])  # LINEAR -> SIGMOID
        np.negative(Z[-1], out=AL)  # AL = 1 / (1 + exp(-Z))
        np.exp(AL, out=AL)
        np.add(AL, _ONE, out=AL)
        np.divide(_ONE, AL, out=AL)
        return AL

    def backward(self, Y, rate):
        """model_backward after forward, times ``rate``: fills ``gradient`` with rate * [dW db]
        of every layer. Y: (n_L, m)."""
        inputs_T, Z, dZ, active = (self.batch.inputs_T, self.batch.Z, self.batch.dZ,
                                   self.batch.active)
        np.subtract(self.batch.AL, Y, out=dZ[-1])  # dZ^[L] = AL - Y
        np.multiply(dZ[-1], rate / self.batch.m, out=dZ[-1])  # / m: the mean cost's gradients
        for l in range(len(self.Wb) - 1, 0, -1):  # layers L down to 2
            np.dot(dZ[l], inputs_T[l], out=self.dWb[l])  # [dW db] = dZ [A_prev; 1]^T
            np.dot(self.W_T[l], dZ[l], out=dZ[l - 1])  # dA^[l-1] = W^T dZ^[l]
            np.greater(Z[l - 1], _ZERO, out=active[l - 1])
            np.multiply(dZ[l - 1], active[l - 1], out=dZ[l - 1])  # dZ = dA * 1[Z > 0]
        np.dot(dZ[0], inputs_T[0], out=self.dWb[0])

    def grads(self):
        """The gradients of the last backward as model_backward returns them: fresh arrays,
        in its order (dWL, dbL, ..., dW1, db1)."""
        grads = {}
        for dW_key, dW, db_key, db in self.grad_views:
            grads[dW_key], grads[db_key] = dW.copy(), db.copy()
        return grads


class _Buffers:
    """The arrays a _GivenNet writes for batches of m examples (lists indexed by layer)."""

    def __init__(self, sizes, m):
        self.m = m
        self.inputs = [np.ones((n + 1, m)) for n in sizes[:-1]]  # [A^[l]; 1], A^[0] = X
        self.inputs_T = [rows.T for rows in self.inputs]
        self.A = [rows[:-1] for rows in self.inputs]  # A^[l], views of the inputs
        self.Z = [np.empty((n, m)) for n in sizes[1:]]  # Z^[l]
        self.dZ = [np.empty((n, m)) for n in sizes[1:]]  # dA^[l], then dZ^[l] in place
        self.active = [np.empty((n, m), dtype=bool) for n in sizes[1:]]  # 1[Z^[l] > 0]
        self.AL = np.empty((sizes[-1], m))


def _given_net_sizes(parameters):
    """[n_x, n_1, ..., n_L] when ``parameters`` is exactly W1, b1, ..., WL, bL of the given net
    (float64 arrays, Wl (n_l, n_{l-1}) and bl (n_l, 1)), else None."""
    L = len(parameters) // 2
    if L < 1 or set(parameters) != {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}:
        return None
    sizes = []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        if not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray)) or W.ndim != 2 \
                or W.dtype != np.float64 or b.dtype != np.float64:
            return None
        if (sizes and W.shape[1] != sizes[-1]) or b.shape != (W.shape[0], 1):
            return None
        sizes += [W.shape[0]] if sizes else [W.shape[1], W.shape[0]]
    return sizes
