# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Vanishing and exploding gradients
#
# **Goal.** Watch the activations and the gradients of a deep ReLU network shrink to nothing or
# blow up layer after layer as the scale of its initial weights changes, and see which scale
# keeps them steady.
#
# Assignment `initialization` trains a 3-layer net with three initializations; here the net
# has up to 60 layers and you only look at one forward and one backward pass. Run the cells in
# order, then move the controls. *About 15 minutes.*

# %%
import numpy as np

from helpers.network import model_backward, model_forward
from helpers.notebook import setup_notebook
from helpers.plots import colour_for
from helpers.widgets import LivePlot, options_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. Why the scale compounds
#
# In a deep net, layer $l$ computes $z^{[l]} = W^{[l]} a^{[l-1]}$ from the $n$ outputs of the
# layer before. With independent weights of variance $\text{Var}(w)$,
#
# $$\text{Var}\left(z^{[l]}\right) = n \cdot \text{Var}(w) \cdot
# \mathbb{E}\left[\left(a^{[l-1]}\right)^2\right],$$
#
# and a ReLU keeps half of a symmetric input, $\mathbb{E}[a^2] = \text{Var}(z)/2$. So every
# layer multiplies the variance by $n\,\text{Var}(w)/2$. After $L$ layers that factor is raised
# to the power $L$: slightly below 1 and the signal **vanishes**, slightly above 1 and it
# **explodes**. Backpropagation multiplies by the same $W^{[l]\top}$ on the way back, so the
# gradients $dW^{[l]}$ of the first layers vanish or explode too. The factor is exactly 1 for
# $\text{Var}(w) = 2/n$: **He initialization**. Xavier's $1/n$ is right for tanh (which does
# not halve the variance) and halves the variance at every ReLU layer.

# %%
width, examples = 50, 100
rng = np.random.default_rng(0)
inputs = rng.standard_normal((width, examples))  # X (50, 100): normalized inputs
labels = (rng.random((1, examples)) < 0.5).astype(int)  # Y (1, 100)

weight_scales = {  # the standard deviation of every weight
    "zeros": 0.0,
    "too small (0.01)": 0.01,
    "Xavier √(1/n)": np.sqrt(1 / width),
    "He √(2/n)": np.sqrt(2 / width),
    "too large (1)": 1.0,
}


def deep_net(depth, weight_std, seed=0):
    """Parameters of [LINEAR -> RELU] * depth -> LINEAR -> SIGMOID with ``width`` units per
    layer: every W drawn from N(0, weight_std^2), every b zero."""
    rng = np.random.default_rng(seed)
    dims = [width] * (depth + 1) + [1]
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = weight_std * rng.standard_normal((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def layer_statistics(depth, weight_std):
    """One forward and one backward pass through a net of ``depth`` hidden layers. Returns,
    per layer, the standard deviation of the activations a^[l] (depth,) and the norms of db^[l]
    and dW^[l] (depth + 1,), and the outputs (1, examples)."""
    parameters = deep_net(depth, weight_std)
    with np.errstate(all="ignore"):  # the exploding nets overflow on purpose
        AL, caches = model_forward(inputs, parameters)
        grads = model_backward(AL, labels, caches)
    activations = np.array([np.std(cache[0][0]) for cache in caches[1:]])  # a^[1..depth]
    layers = range(1, depth + 2)
    bias_gradients = np.array([np.linalg.norm(grads[f"db{l}"]) for l in layers])
    weight_gradients = np.array([np.linalg.norm(grads[f"dW{l}"]) for l in layers])
    return activations, bias_gradients, weight_gradients, AL


# %% [markdown]
# ## 2. Layer by layer
#
# Four views of one forward and one backward pass, for each initialization (the chosen one
# highlighted, the others faint):
#
# - **forward:** the spread of each hidden layer's activations $a^{[l]}$;
# - **backward:** $\lVert db^{[l]} \rVert$, which is the average of $dZ^{[l]}$ over the
#   examples: the gradient signal that reaches layer $l$ on its way back from the output;
# - **weights:** $\lVert dW^{[l]} \rVert$, where $dW^{[l]} = \frac{1}{m} dZ^{[l]}
#   a^{[l-1]\top}$ combines the backward signal with the forward one;
# - **outputs:** what the net predicts for the 100 inputs.
#
# The log scales span 70 orders of magnitude; exact zeros are drawn on the bottom edge.
#
# **Try this.** Move the **initialization** slider from zeros to too large. Predict first:
# which setting keeps every curve level? Then make the net deeper with **depth** and watch
# how far the curves drift apart.

# %%
floor, ceiling = 1e-30, 1e40  # the log scale's range; 0 and overflow are drawn at its edges


def on_log_scale(values):
    return np.clip(np.nan_to_num(values, nan=ceiling, posinf=ceiling), floor, ceiling)


def draw_layers(figure, initialization, depth):
    figure.subplots_adjust(hspace=0.5, bottom=0.09, top=0.93)
    (forward_ax, backward_ax), (weights_ax, output_ax) = figure.subplots(2, 2)
    hidden, layers = np.arange(1, depth + 1), np.arange(1, depth + 2)
    for index, (name, std) in enumerate(weight_scales.items()):
        activations, bias_gradients, weight_gradients, AL = layer_statistics(depth, std)
        chosen = name == initialization
        style = dict(color=colour_for(index), linewidth=2.5 if chosen else 1,
                     alpha=1.0 if chosen else 0.3, label=name)
        forward_ax.semilogy(hidden, on_log_scale(activations), **style)
        backward_ax.semilogy(layers, on_log_scale(bias_gradients), **style)
        weights_ax.semilogy(layers, on_log_scale(weight_gradients), **style)
        if chosen:
            output_ax.hist(np.nan_to_num(AL.ravel(), nan=0.5), bins=np.linspace(0, 1, 21),
                           color=colour_for(index))
            chosen_values = activations, bias_gradients, weight_gradients
    activations, bias_gradients, weight_gradients = chosen_values
    forward_ax.set(title=f"Forward: std of $a^{{[l]}}$, {activations[-1]:.2g} at layer {depth}",
                   ylabel="std of $a^{[l]}$")
    backward_ax.set(title=f"Backward: ‖$db^{{[l]}}$‖, {bias_gradients[0]:.2g} at layer 1",
                    ylabel="‖$db^{[l]}$‖")
    weights_ax.set(title=f"Weights: ‖$dW^{{[l]}}$‖, {weight_gradients[0]:.2g} at layer 1",
                   ylabel="‖$dW^{[l]}$‖")
    for ax in (forward_ax, backward_ax, weights_ax):
        ax.set(xlabel="layer l", ylim=(floor / 10, ceiling * 10),
               yticks=10.0 ** np.arange(-30, 41, 10))
    output_ax.set(title="Outputs for the 100 inputs", xlabel="sigmoid output", ylabel="count",
                  xlim=(0, 1))
    forward_ax.legend(fontsize="x-small", loc="upper left", ncols=2)


LivePlot(draw_layers, main="initialization", figsize=(11, 6.4),
         initialization=options_slider("initialization", weight_scales, "Xavier √(1/n)"),
         depth=slider("depth (hidden layers)", 2, 60, 1, 20))

# %% [markdown]
# **What to notice.**
# - **Zeros:** every activation and every hidden gradient is exactly zero (on the bottom
#   edge); every output is 0.5, and nothing will ever change.
# - **Too small** and **Xavier:** the activations shrink by a constant factor per layer and
#   the outputs all sit at 0.5; on the way back the gradient signal shrinks layer after layer,
#   so it is smallest at the first layers. The deeper the net, the worse.
# - **Too large:** the activations grow by a constant factor until they overflow, the outputs
#   are all exactly 0 or 1, and the gradient signal explodes on the way back.
# - **He:** activations and gradients stay within a small factor across every layer, at any
#   depth.
# - The weights' gradients $dW^{[l]}$ are level across the layers in every case: in a ReLU
#   net the forward signal that shrinks toward the output and the backward signal that shrinks
#   toward the input cancel out in their product. But their common size is what vanishes or
#   explodes: many orders of magnitude too small (no learning) or too large (one step
#   throws the weights anywhere). Only around He's scale is it sensible.
#
# A careful scale does not solve the problem forever, since training moves the weights, but
# it starts training in the regime where every layer learns.

# %% [markdown]
# ## What to remember
#
# - In a deep net, each layer multiplies the scale of the signal (forward) and of the
#   gradient (backward) by about the same factor; over $L$ layers it compounds into vanishing
#   or exploding values.
# - For ReLU layers, $\text{Var}(w) = 2/n_{l-1}$ (He) keeps that factor at 1; for tanh,
#   $1/n_{l-1}$ (Xavier). Zeros never break symmetry; tiny weights vanish; large ones explode.
# - A good initialization is a partial fix; normalized inputs, batch norm and careful learning
#   rates help too.
