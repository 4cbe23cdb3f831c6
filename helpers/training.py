"""The training loop the notebooks use: full-batch gradient descent with a cost history."""

from dataclasses import dataclass, field

import numpy as np

from helpers.network import compute_cost, model_backward, model_forward
from helpers.progress import progress_bar


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
    The cost is recorded at iteration 0 and every ``record_every`` iterations, and the progress
    bar advances at the same moments (never every step). ``on_record(iteration, parameters)``,
    if given, is called at those moments too (e.g. to track a dev-set cost).

    Returns (trained parameters, History).
    """
    if num_iterations < 0:
        raise ValueError(f"num_iterations must be >= 0, got {num_iterations}")
    if record_every < 1:
        raise ValueError(f"record_every must be >= 1, got {record_every}")
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    keys = list(parameters)
    history = History()
    bar = progress_bar(num_iterations, description) if progress else None
    try:
        for i in range(num_iterations):
            AL, caches = forward(X, parameters)
            if i % record_every == 0:
                history.record(i, cost(AL, Y))
                if on_record is not None:
                    on_record(i, parameters)
                if bar is not None:
                    bar.update(i - bar.n)
            grads = backward(AL, Y, caches)
            for key in keys:
                parameters[key] -= learning_rate * grads["d" + key]
        AL, _ = forward(X, parameters)
        history.record(num_iterations, cost(AL, Y))
        if on_record is not None:
            on_record(num_iterations, parameters)
    finally:
        if bar is not None:
            bar.update(num_iterations - bar.n)
            bar.close()
    return parameters, history


def train_mini_batches(X, Y, parameters, *, num_epochs, batches, step, forward=model_forward,
                       backward=model_backward, cost=compute_cost, record_every=1,
                       progress=True, description="training", on_record=None):
    """Train with mini-batches and any update rule.

    X: (n_x, m); Y: (1, m) (or (C, m)); parameters: dict of arrays (copied, not modified).
    ``batches(epoch)`` returns the epoch's mini-batches as an iterable of (X_batch, Y_batch);
    ``step(parameters, grads, t)`` applies one update and returns the parameters (t counts
    updates from 1; an optimizer keeps its state in a closure or object).
    The recorded cost of an epoch is the mean of its mini-batch costs weighted by batch size,
    recorded every ``record_every`` epochs (and for the last one); ``on_record(epoch,
    parameters)`` is called at the same moments. The progress bar advances once per epoch.

    Returns (trained parameters, History) with History.iterations counting epochs.
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    parameters = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    history = History()
    bar = progress_bar(num_epochs, description) if progress else None
    t = 0
    try:
        for epoch in range(num_epochs):
            total, count = 0.0, 0
            for X_batch, Y_batch in batches(epoch):
                AL, caches = forward(X_batch, parameters)
                size = X_batch.shape[1]
                total += cost(AL, Y_batch) * size
                count += size
                t += 1
                parameters = step(parameters, backward(AL, Y_batch, caches), t)
            if epoch % record_every == 0 or epoch == num_epochs - 1:
                history.record(epoch, total / max(count, 1))
                if on_record is not None:
                    on_record(epoch, parameters)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return parameters, history
