"""The training loops the notebooks use: full-batch gradient descent (``train``) and mini-batches
with any update rule (``train_mini_batches``), both recording a cost History.

How a step is taken. ``_AnyNet`` (below) is the plain loop: call ``forward``, ``backward``, then
``W := W - learning_rate * dW`` for every parameter. Read it to see what every step does; it runs
whenever you pass your own forward/backward (dropout, L2, batch norm, ...).

For the given net (``forward=model_forward, backward=model_backward``, the defaults) the same
step runs on arrays allocated once. On the course's small nets a step is a few dozen NumPy
calls on tiny arrays, and the time goes to the overhead of each call and to allocating its
result, not to arithmetic; so ``_FullBatchNet`` (train) and ``_MiniBatchNet``
(train_mini_batches) write into preallocated buffers with ``out=`` and take fewer calls: dW
and db come out of one product, dZ [A_prev; 1]^T = m [dW db]; in train the bias also joins
the forward product, Z = [W b] [A_prev; 1], and every parameter lives in one flat vector, so
that the update is a single call. They sum the same numbers in another order, so they agree with the plain loop to
rounding (about 1e-15; like any change of BLAS or CPU, more where gradient descent itself is
chaotic, e.g. huge weights with a large learning rate).
"""

from dataclasses import dataclass, field

import numpy as np

from helpers.network import compute_cost, model_backward, model_forward
from helpers.progress import progress_bar

PROGRESS_EVERY = 250  # steps between two progress-bar updates: never every step


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
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    net = None
    if forward is model_forward and backward is model_backward:
        net = _FullBatchNet.build(X, Y, parameters)
    if net is None:
        net = _AnyNet(X, Y, parameters, forward, backward)
    history = History()

    def record(iteration, AL):
        history.record(iteration, cost(AL, Y))
        if on_record is not None:
            on_record(iteration, net.parameters)

    bar = progress_bar(num_iterations, description) if progress else None
    next_record, next_bar = 0, PROGRESS_EVERY
    try:
        with net.numerics():
            for i in range(num_iterations):
                AL = net.forward()
                if i == next_record:
                    with net.callbacks():
                        record(i, net.output(AL))
                    next_record += record_every
                if bar is not None and i == next_bar:
                    bar.update(i - bar.n)
                    next_bar += PROGRESS_EVERY
                net.gradient_descent_step(learning_rate)  # W := W - learning_rate * dW, for all
            AL = net.forward()
        record(num_iterations, net.output(AL))
    finally:
        if bar is not None:
            bar.update(num_iterations - bar.n)
            bar.close()
    return net.trained_parameters(), history


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
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    given = forward is model_forward and backward is model_backward
    nets = {}  # batch size -> _MiniBatchNet with buffers for that size

    def gradients(X_batch, Y_batch, parameters):
        """(AL, grads) of one mini-batch; AL may be a buffer that the next step overwrites."""
        if given:
            size = X_batch.shape[1]
            if size not in nets:
                nets[size] = _MiniBatchNet.build(parameters, size)
            net = nets[size]
            if net is not None:
                try:
                    return net.mini_batch_gradients(X_batch, Y_batch, parameters)
                except (ValueError, TypeError, KeyError):
                    pass  # unexpected shapes or keys: let the given functions say what is wrong
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
                    total += cost(AL.copy() if given else AL, Y_batch) * size
                    count += size
                t += 1
                parameters = step(parameters, grads, t)
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


class _AnyNet:
    """Full-batch steps for any ``forward``/``backward``: call them, then update every parameter."""

    def __init__(self, X, Y, parameters, forward, backward):
        self.X, self.Y, self.parameters = X, Y, parameters
        self.forward_pass, self.backward_pass = forward, backward

    def forward(self):
        self.AL, self.caches = self.forward_pass(self.X, self.parameters)
        return self.AL

    def gradient_descent_step(self, learning_rate):
        grads = self.backward_pass(self.AL, self.Y, self.caches)
        for key, value in self.parameters.items():
            value -= learning_rate * grads["d" + key]  # in place: W := W - learning_rate * dW

    def output(self, AL):
        return AL

    def trained_parameters(self):
        return self.parameters

    def numerics(self):  # numpy's error handling is left to forward and backward
        return _UNCHANGED

    callbacks = numerics


class _Unchanged:
    """A context manager that does nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_UNCHANGED = _Unchanged()


class _FullBatchNet:
    """train's step for the given net, on arrays allocated once (see the module docstring).

    Layout. One flat vector ``theta`` holds, layer after layer, the block [W^[l] b^[l]]
    (n_l, n_{l-1} + 1); ``gradient`` holds the matching blocks [dW^[l] db^[l]]. The
    activations are kept with a last row of ones, [A^[l]; 1] (n_l + 1, m), so that

        Z^[l] = [W b] [A^[l-1]; 1]                      (the bias joins the product)
        [dW db] = dZ^[l] [A^[l-1]; 1]^T / m             (db = sum of dZ over examples / m)

    are one matrix product each, and the update W := W - learning_rate * dW of every parameter
    is three calls on ``gradient`` and ``theta``.
    """

    def __init__(self, X, Y, parameters, sizes):
        L, m = len(sizes) - 1, X.shape[1]
        self.m = m
        blocks = [(sizes[l], sizes[l - 1] + 1) for l in range(1, L + 1)]
        ends = np.cumsum([rows * columns for rows, columns in blocks]).tolist()
        self.theta, self.gradient = np.empty(ends[-1]), np.empty(ends[-1])
        Wb, dWb = [], []  # [W^[l] b^[l]] and [dW^[l] db^[l]] blocks, views of the vectors
        for (rows, columns), start, end in zip(blocks, [0] + ends, ends):
            Wb.append(self.theta[start:end].reshape(rows, columns))
            dWb.append(self.gradient[start:end].reshape(rows, columns))
        views = {}
        for l, block in enumerate(Wb, start=1):
            block[:, :-1], block[:, -1:] = parameters[f"W{l}"], parameters[f"b{l}"]
            views[f"W{l}"], views[f"b{l}"] = block[:, :-1], block[:, -1:]
        self.parameters = {key: views[key] for key in parameters}  # in the caller's order
        # [A^[l]; 1] for l = 0..L-1, with A^[0] = X
        inputs = [np.ones((n + 1, m)) for n in sizes[:-1]]
        inputs[0][:-1] = X
        Z = [np.empty((n, m)) for n in sizes[1:]]
        self.AL = np.empty((sizes[-1], m))
        self.dZ_L = np.empty((sizes[-1], m))
        self.Y = np.asarray(Y, dtype=float)  # labels 0 and 1 are exact as floats
        # (block, input, Z^[l], A^[l] written into the next input) for the hidden layers
        self.hidden = [(Wb[l], inputs[l], Z[l], inputs[l + 1][:-1]) for l in range(L - 1)]
        self.output_layer = (Wb[-1], inputs[-1], Z[-1])
        # from layer L down to 2: ([dW db] block, [A^[l-1]; 1]^T, W^T, dA^[l-1] = dZ^[l-1]
        # buffer, Z^[l-1], its ReLU mask); then layer 1's block and [X; 1]^T
        self.backward_plan = [(dWb[l], inputs[l].T, Wb[l][:, :-1].T, np.empty(Z[l - 1].shape),
                               Z[l - 1], np.empty(Z[l - 1].shape, dtype=bool))
                              for l in range(L - 1, 0, -1)]
        self.first_layer = (dWb[0], inputs[0].T)

    @classmethod
    def build(cls, X, Y, parameters):
        """A _FullBatchNet for the given net, or None when X, Y or the parameters do not fit it."""
        sizes = _given_net_sizes(parameters)
        if sizes is None or not isinstance(X, np.ndarray) or X.ndim != 2 \
                or X.dtype != np.float64 or X.shape[0] != sizes[0] \
                or np.shape(Y) != (sizes[-1], X.shape[1]):
            return None
        return cls(X, Y, parameters, sizes)

    def forward(self):
        """model_forward; returns the AL buffer (n_L, m)."""
        for Wb, A_prev, Z, A in self.hidden:  # LINEAR -> RELU
            np.matmul(Wb, A_prev, out=Z)  # Z = W A_prev + b
            np.maximum(Z, 0.0, out=A)
        Wb, A_prev, Z = self.output_layer  # LINEAR -> SIGMOID
        AL = self.AL
        np.matmul(Wb, A_prev, out=Z)
        np.negative(Z, out=AL)  # AL = 1 / (1 + exp(-Z)); exp overflows to inf: AL = 0, right
        np.exp(AL, out=AL)
        np.add(AL, 1.0, out=AL)
        np.divide(1.0, AL, out=AL)
        return AL

    def gradient_descent_step(self, learning_rate):
        """model_backward after forward, then W := W - learning_rate * dW for every parameter."""
        dZ = self.dZ_L
        np.subtract(self.AL, self.Y, out=dZ)  # dZ^[L] = AL - Y
        for dWb, A_prev_T, W_T, dA_prev, Z_prev, active in self.backward_plan:
            np.matmul(dZ, A_prev_T, out=dWb)  # [dW db] * m
            np.matmul(W_T, dZ, out=dA_prev)  # dA^[l-1] = W^T dZ
            np.greater(Z_prev, 0, out=active)  # relu_backward: dZ^[l-1] = dA * 1[Z > 0]
            np.multiply(dA_prev, active, out=dA_prev)
            dZ = dA_prev
        dWb, X_T = self.first_layer
        np.matmul(dZ, X_T, out=dWb)
        gradient = self.gradient
        np.divide(gradient, self.m, out=gradient)  # every dW and db at once
        np.multiply(gradient, learning_rate, out=gradient)
        np.subtract(self.theta, gradient, out=self.theta)

    def output(self, AL):
        return AL.copy()  # for the cost function, which may keep it: the buffer changes

    def trained_parameters(self):
        return {key: np.array(value) for key, value in self.parameters.items()}  # contiguous

    def numerics(self):
        self._caller_errstate = np.geterr()
        return np.errstate(over="ignore", under="ignore")  # as helpers.network.sigmoid

    def callbacks(self):  # the cost and on_record run with the caller's error handling
        return np.errstate(**self._caller_errstate)


class _MiniBatchNet:
    """train_mini_batches' gradients for the given net, for one batch size m, on buffers.

    The arrays model_forward and model_backward would allocate at each step (Z^[l], A^[l],
    dA^[l], dZ^[l], the ReLU masks) are allocated once and written with ``out=``; the
    gradients handed to the update rule are fresh arrays. The hidden activations are kept with
    a last row of ones, [A^[l]; 1] (n_l + 1, m), so that dW^[l+1] and db^[l+1] come out of one
    matrix product, dZ [A^[l]; 1]^T = [dW db], with dZ already divided by m. The same sums in
    another order: the results agree with model_backward to about 1e-15.
    """

    def __init__(self, layer_sizes, m):
        L = len(layer_sizes) - 1
        self.m = m
        self.Z = [np.empty((n, m)) for n in layer_sizes[1:]]  # Z^[l] at index l - 1
        self.AL = np.empty((layer_sizes[-1], m))
        self.dZ_L = np.empty((layer_sizes[-1], m))
        inputs = [np.ones((n + 1, m)) for n in layer_sizes[1:-1]]  # [A^[l]; 1], l = 1..L-1
        # hidden layers: (Z^[l], A^[l], written into the top rows of [A^[l]; 1])
        self.hidden = [(self.Z[l], inputs[l][:-1]) for l in range(L - 1)]
        # from layer L down to 2: (W key, [A^[l-1]; 1]^T, dA^[l-1] = dZ^[l-1], Z^[l-1], mask)
        self.backward_plan = [(f"W{l}", inputs[l - 2].T, np.empty(self.Z[l - 2].shape),
                               self.Z[l - 2], np.empty(self.Z[l - 2].shape, dtype=bool))
                              for l in range(L, 1, -1)]
        self.keys = [(f"W{l}", f"b{l}") for l in range(1, L + 1)]
        # grads in the order model_backward fills them: dWL, dbL, ..., dW2, db2 (then layer 1)
        self.grad_keys = [(f"dW{l}", f"db{l}") for l in range(L, 1, -1)]

    @classmethod
    def build(cls, parameters, m):
        sizes = _given_net_sizes(parameters)
        return None if sizes is None else cls(sizes, m)

    def mini_batch_gradients(self, X_batch, Y_batch, parameters):
        """(AL buffer, grads in fresh arrays) of model_forward and model_backward."""
        with np.errstate(over="ignore", under="ignore"):  # as helpers.network.sigmoid
            A = X_batch
            for (W, b), (Z, A_next) in zip(self.keys, self.hidden):  # LINEAR -> RELU
                np.matmul(parameters[W], A, out=Z)  # Z = W A_prev + b
                np.add(Z, parameters[b], out=Z)
                np.maximum(Z, 0.0, out=A_next)
                A = A_next
            W, b = self.keys[-1]  # LINEAR -> SIGMOID
            Z, AL = self.Z[-1], self.AL
            np.matmul(parameters[W], A, out=Z)
            np.add(Z, parameters[b], out=Z)
            np.negative(Z, out=AL)  # AL = 1 / (1 + exp(-Z)); exp overflows to inf: AL = 0
            np.exp(AL, out=AL)
            np.add(AL, 1.0, out=AL)
            np.divide(1.0, AL, out=AL)
        dZ = self.dZ_L
        np.subtract(AL, Y_batch, out=dZ)  # dZ^[L] = AL - Y
        np.divide(dZ, self.m, out=dZ)  # / m: the gradients are those of the mean cost
        grads = {}
        for (dW, db), (W, A_prev_T, dA_prev, Z_prev, active) in zip(self.grad_keys,
                                                                    self.backward_plan):
            dWb = np.matmul(dZ, A_prev_T)  # [dW db], fresh
            grads[dW], grads[db] = dWb[:, :-1], dWb[:, -1:]
            np.matmul(parameters[W].T, dZ, out=dA_prev)  # dA^[l-1] = W^T dZ
            np.greater(Z_prev, 0, out=active)  # relu_backward: dZ^[l-1] = dA * 1[Z > 0]
            np.multiply(dA_prev, active, out=dA_prev)
            dZ = dA_prev
        grads["dW1"] = np.matmul(dZ, X_batch.T)
        grads["db1"] = np.add.reduce(dZ, axis=1, keepdims=True)
        return AL, grads


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
