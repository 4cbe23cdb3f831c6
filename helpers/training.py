"""The training loops the notebooks use: full-batch gradient descent (``train``) and mini-batches
with any update rule (``train_mini_batches``), both recording a cost History.

How a step is taken. ``_AnyNet`` (below) is the plain loop: call ``forward``, ``backward``, then
``W := W - learning_rate * dW`` for every parameter. Read it to see what every step does; it runs
whenever you pass your own forward/backward (dropout, L2, batch norm, ...).

For the given net (``forward=model_forward, backward=model_backward``, the defaults) the same
step runs on arrays allocated once. On the course's small nets a step is a few dozen NumPy
calls on tiny arrays, and the time goes to the overhead of each call and to allocating its
result, not to arithmetic; so ``_FullBatchNet`` (train) and ``_MiniBatchNet``
(train_mini_batches) write into preallocated buffers with ``out=`` and take fewer, cheaper
calls: np.dot rather than np.matmul, 0-d arrays rather than Python floats as constants. In
train the bias joins the product, Z = [W b] [A_prev; 1], dW and db come out of one product,
and every parameter lives in one flat vector, so that the update is a single call; with
``packed=True`` train_mini_batches hands an elementwise update rule every weight and every
bias as one array each, so that the learner's rule makes a third of the calls. They sum the
same numbers in another order, so they agree with the plain loop to rounding (about 1e-15;
like any change of BLAS or CPU, more where gradient descent itself is chaotic, e.g. huge
weights with a large learning rate).
"""

from dataclasses import dataclass, field

import numpy as np

from helpers.network import compute_cost, model_backward, model_forward
from helpers.progress import progress_bar

PROGRESS_EVERY = 250  # steps between two progress-bar updates: never every step
_ZERO, _ONE = np.zeros(()), np.ones(())  # 0-d arrays: faster operands than 0.0 and 1.0


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
                       progress=True, description="training", on_record=None, packed=False):
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

    ``packed=True`` (the given net only) is for update rules that treat every number on its
    own, as gradient descent, momentum, RMSprop and Adam do: each weight moves according to its
    own gradient and its own averages. ``step`` then receives all the weights as one array and
    all the biases as another, ``{"W1": (number of weights, 1), "b1": (number of biases, 1)}``
    with ``grads`` ``{"dW1", "db1"}`` to match (W1, W2, ... flattened one after the other, then
    b1, b2, ...), as if the net had a single layer. Same numbers, same operations on each: the
    result is identical to the last bit, in a third of the NumPy calls. ``on_record`` and the
    returned parameters are unpacked as usual.

    Returns (trained parameters, History) with History.iterations counting epochs.
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    given = forward is model_forward and backward is model_backward
    net = _MiniBatchNet.build(parameters) if given else None
    if packed and net is None:
        raise ValueError("packed=True needs the given net: the default forward and backward, "
                         "and parameters W1, b1, ..., WL, bL of float arrays that fit together")
    if packed:
        order = list(parameters)  # the caller's key order, for the trained parameters
        parameters = net.pack(parameters)
        gradients = net.packed_gradients
    else:
        def gradients(X_batch, Y_batch, parameters):
            """(AL, grads) of one mini-batch; AL may be a buffer that the next step overwrites."""
            if net is not None:
                try:
                    return net.gradients(X_batch, Y_batch, parameters)
                except (ValueError, TypeError, KeyError, AttributeError):
                    pass  # unexpected shapes or keys: let the given functions say what is wrong
            AL, caches = forward(X_batch, parameters)
            return AL, backward(AL, Y_batch, caches)

    def unpacked(parameters):
        if not packed:
            return parameters
        net.unpack_into_buffers(parameters)
        return {key: net.views[key].copy() for key in order}

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
                    total += cost(AL.copy() if net is not None else AL, Y_batch) * size
                    count += size
                t += 1
                parameters = step(parameters, grads, t)
            if recorded:
                history.record(epoch, total / max(count, 1))
                if on_record is not None:
                    on_record(epoch, unpacked(parameters))
            if bar is not None and t >= next_bar:
                bar.update(epoch + 1 - bar.n)
                next_bar = t + PROGRESS_EVERY
    finally:
        if bar is not None:
            bar.update(num_epochs - bar.n)
            bar.close()
    return unpacked(parameters), history


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

    are one matrix product each. dZ^[L] is multiplied by learning_rate / m at once (a row of
    m numbers), so the products give learning_rate * [dW db] and the update W := W -
    learning_rate * dW of every parameter is one call on ``theta``. The ReLU masks of small
    layers are floats, sign(A) (1 where Z > 0, since A = max(Z, 0)), which multiply faster than
    booleans; large layers keep boolean masks, which are faster to make.
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
        # buffer, Z^[l-1], A^[l-1], its ReLU mask); then layer 1's block and [X; 1]^T
        self.backward_plan = [(dWb[l], inputs[l].T, Wb[l][:, :-1].T, np.empty(Z[l - 1].shape),
                               Z[l - 1], inputs[l][:-1], _relu_mask(Z[l - 1].shape))
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
            np.dot(Wb, A_prev, out=Z)  # Z = W A_prev + b
            np.maximum(Z, _ZERO, out=A)
        Wb, A_prev, Z = self.output_layer  # LINEAR -> SIGMOID
        AL = self.AL
        np.dot(Wb, A_prev, out=Z)
        np.negative(Z, out=AL)  # AL = 1 / (1 + exp(-Z)); exp overflows to inf: AL = 0, right
        np.exp(AL, out=AL)
        np.add(AL, _ONE, out=AL)
        np.divide(_ONE, AL, out=AL)
        return AL

    def gradient_descent_step(self, learning_rate):
        """model_backward after forward, then W := W - learning_rate * dW for every parameter."""
        dZ = self.dZ_L
        np.subtract(self.AL, self.Y, out=dZ)  # dZ^[L] = AL - Y
        np.multiply(dZ, learning_rate / self.m, out=dZ)  # from here on, learning_rate * d...
        for dWb, A_prev_T, W_T, dA_prev, Z_prev, A_prev, active in self.backward_plan:
            np.dot(dZ, A_prev_T, out=dWb)  # [dW db]
            np.dot(W_T, dZ, out=dA_prev)  # dA^[l-1] = W^T dZ
            _relu_backward_in_place(dA_prev, Z_prev, A_prev, active)
            dZ = dA_prev
        dWb, X_T = self.first_layer
        np.dot(dZ, X_T, out=dWb)
        np.subtract(self.theta, self.gradient, out=self.theta)  # every W and b at once

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
    """train_mini_batches' forward and backward for the given net, on arrays allocated once.

    The weights W1, W2, ... live one after the other in a column ``W_all``, the biases in
    ``b_all``, and their gradients likewise in ``dW_all`` and ``db_all``; ``W[l - 1]``,
    ``dW[l - 1]``, ... are views of them with the shapes of the layers. Each step first copies
    the parameters the update rule returned into W_all and b_all (two copies when packed, one
    per parameter otherwise). The activations of each batch size (Z^[l], A^[l], dA^[l], the
    ReLU masks) are allocated the first time that size comes, with a plan of the step that
    names every array it reads and writes (``_Plan``). Products use np.dot, which has less
    overhead than np.matmul on tiny matrices; db = dZ 1 (a column of ones) is a product too;
    constants are 0-d arrays, which NumPy combines with an array faster than a Python float;
    the ReLU masks are those of ``_relu_mask``, as in train.
    dZ^[L] is divided by m first, so the products give the gradients of the mean cost directly:
    the same numbers as model_backward, summed in another order (they agree to about 1e-15).
    """

    def __init__(self, sizes):
        L = len(sizes) - 1
        shapes = [(sizes[l], sizes[l - 1]) for l in range(1, L + 1)]
        self.W_all, self.W = _column_of_blocks(shapes)
        self.dW_all, self.dW = _column_of_blocks(shapes)
        self.b_all, self.b = _column_of_blocks([(n, 1) for n in sizes[1:]])
        self.db_all, self.db = _column_of_blocks([(n, 1) for n in sizes[1:]])
        W_keys = [f"W{l}" for l in range(1, L + 1)]
        b_keys = [f"b{l}" for l in range(1, L + 1)]
        self.views = dict(zip(W_keys, self.W)) | dict(zip(b_keys, self.b))
        # grads in the order model_backward fills them: dWL, dbL, ..., dW1, db1
        self.grad_keys = [(f"dW{l}", self.dW[l - 1], f"db{l}", self.db[l - 1])
                          for l in range(L, 0, -1)]
        self.sizes = sizes
        self.plans = {}  # batch size -> _Plan

    @classmethod
    def build(cls, parameters):
        sizes = _given_net_sizes(parameters)
        return None if sizes is None else cls(sizes)

    def load(self, parameters):
        """Copy W1, b1, ..., WL, bL into the net's buffers; ValueError if one does not fit."""
        for key, view in self.views.items():
            value = parameters[key]
            if value.shape != view.shape:
                raise ValueError(f"{key} has shape {value.shape}, not {view.shape}")
            np.copyto(view, value)

    def pack(self, parameters):
        """{"W1": every weight, "b1": every bias}, fresh columns."""
        self.load(parameters)
        return {"W1": self.W_all.copy(), "b1": self.b_all.copy()}

    def unpack_into_buffers(self, packed):
        """Copy what an update rule returned for packed parameters into W_all and b_all."""
        try:
            W, b = packed["W1"], packed["b1"]
            if W.shape == self.W_all.shape and b.shape == self.b_all.shape:
                np.copyto(self.W_all, W)
                np.copyto(self.b_all, b)
                return
        except (TypeError, KeyError, AttributeError):
            pass
        raise ValueError(
            f"with packed=True the update rule must return {{'W1': array of shape "
            f"{self.W_all.shape}, 'b1': array of shape {self.b_all.shape}}} (every weight, "
            f"every bias); it returned {_described(packed)}")

    def packed_gradients(self, X_batch, Y_batch, packed):
        """(AL buffer, {"dW1", "db1"} fresh) for the packed parameters an update returned."""
        self.unpack_into_buffers(packed)
        AL = self.mini_batch_gradients(X_batch, Y_batch)
        return AL, {"dW1": self.dW_all.copy(), "db1": self.db_all.copy()}

    def gradients(self, X_batch, Y_batch, parameters):
        """(AL buffer, grads as model_backward returns them: fresh arrays, in its order)."""
        self.load(parameters)
        AL = self.mini_batch_gradients(X_batch, Y_batch)
        grads = {}
        for dW_key, dW, db_key, db in self.grad_keys:
            grads[dW_key], grads[db_key] = dW.copy(), db.copy()
        return AL, grads

    def mini_batch_gradients(self, X_batch, Y_batch):
        """model_forward and model_backward for the parameters in the buffers: fills dW_all
        and db_all, returns the AL buffer."""
        plan = self.plans.get(X_batch.shape[1])
        if plan is None:
            plan = self.plans[X_batch.shape[1]] = _Plan(self, X_batch.shape[1])
        A_prev = X_batch
        for W, b, Z, A in plan.hidden:  # LINEAR -> RELU
            np.dot(W, A_prev, out=Z)  # Z = W A_prev + b
            np.add(Z, b, out=Z)
            np.maximum(Z, _ZERO, out=A)
            A_prev = A
        W, b, Z, AL = plan.output  # LINEAR -> SIGMOID
        np.dot(W, A_prev, out=Z)
        np.add(Z, b, out=Z)
        with np.errstate(over="ignore", under="ignore"):  # as helpers.network.sigmoid
            np.negative(Z, out=AL)  # AL = 1 / (1 + exp(-Z)); exp overflows to inf: AL = 0
            np.exp(AL, out=AL)
        np.add(AL, _ONE, out=AL)
        np.divide(_ONE, AL, out=AL)
        dZ, ones = plan.dZ_L, plan.ones
        np.subtract(AL, Y_batch, out=dZ)  # dZ^[L] = AL - Y
        np.divide(dZ, plan.m, out=dZ)  # / m: the gradients are those of the mean cost
        for W_T, dW, db, Z_prev, A_prev, A_prev_T, dA_prev, active in plan.backward:  # L..2
            np.dot(dZ, A_prev_T, out=dW)  # dW = dZ A_prev^T
            np.dot(dZ, ones, out=db)  # db = sum of dZ over the examples
            np.dot(W_T, dZ, out=dA_prev)  # dA^[l-1] = W^T dZ
            _relu_backward_in_place(dA_prev, Z_prev, A_prev, active)
            dZ = dA_prev
        dW, db = plan.first_layer
        np.dot(dZ, X_batch.T, out=dW)
        np.dot(dZ, ones, out=db)
        return AL


class _Plan:
    """One step of a _MiniBatchNet for mini-batches of m examples: the arrays it writes,
    allocated once, grouped with the parameters and gradients each layer uses."""

    def __init__(self, net, m):
        sizes = net.sizes
        self.m = np.array(float(m))
        Z = [np.empty((n, m)) for n in sizes[1:]]  # Z^[l] at index l - 1
        A = [np.empty((n, m)) for n in sizes[1:-1]]  # hidden A^[l]
        dA = [np.empty((n, m)) for n in sizes[1:-1]]  # dA^[l], then dZ^[l], in place
        active = [_relu_mask((n, m)) for n in sizes[1:-1]]  # 1[Z^[l] > 0]
        L = len(sizes) - 1
        # hidden layers: (W, b, Z^[l], A^[l]); the output layer: (W, b, Z^[L], AL)
        self.hidden = list(zip(net.W, net.b, Z, A))
        self.output = (net.W[-1], net.b[-1], Z[-1], np.empty((sizes[-1], m)))
        self.dZ_L, self.ones = np.empty((sizes[-1], m)), np.ones((m, 1))
        # from layer L down to 2: (W^T, dW, db, Z^[l-1], A^[l-1], its transpose, dA^[l-1],
        # the mask of layer l - 1); then layer 1's dW and db
        self.backward = [(net.W[l - 1].T, net.dW[l - 1], net.db[l - 1], Z[l - 2], A[l - 2],
                          A[l - 2].T, dA[l - 2], active[l - 2]) for l in range(L, 1, -1)]
        self.first_layer = (net.dW[0], net.db[0])


def _relu_backward_in_place(dA, Z, A, mask):
    """dZ = dA * 1[Z > 0], written into dA; ``mask`` is a _relu_mask buffer (A = max(Z, 0))."""
    if mask.dtype == bool:
        np.greater(Z, _ZERO, out=mask)
    else:
        np.sign(A, out=mask)  # 1 where Z > 0, since A = max(Z, 0) is positive exactly there
    np.multiply(dA, mask, out=dA)


def _relu_mask(shape):
    """A buffer for 1[Z > 0]: floats (made by np.sign(A)) up to a few thousand numbers, where
    multiplying by floats saves more than np.sign costs; booleans (np.greater) beyond."""
    return np.empty(shape, dtype=float if np.prod(shape) <= _SMALL_LAYER else bool)


_SMALL_LAYER = 16_384


def _column_of_blocks(shapes):
    """(column, views): one zero column holding blocks of the given shapes one after the other,
    and a view of each block with its shape."""
    ends = np.cumsum([rows * columns for rows, columns in shapes]).tolist()
    column = np.zeros((ends[-1], 1))
    return column, [column[start:end].reshape(shape)
                    for shape, start, end in zip(shapes, [0] + ends, ends)]


def _described(packed):
    if not isinstance(packed, dict):
        return f"a {type(packed).__name__}"
    return "{" + ", ".join(
        f"{key!r}: " + (f"array of shape {value.shape}" if isinstance(value, np.ndarray)
                        else type(value).__name__) for key, value in packed.items()) + "}"


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
