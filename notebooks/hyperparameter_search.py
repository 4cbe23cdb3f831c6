# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Hyperparameter search
#
# **Goal.** See why random search beats a grid when only some hyperparameters matter, why
# learning rates and averaging βs are sampled on a log scale, and how coarse-to-fine search
# and many parallel models ("caviar") or one babysat model ("panda") spend a compute budget.
#
# Assignment `batchnorm_softmax` has you write the log-scale sampling and run a search on a
# real network; here a made-up dev error that takes a microsecond to evaluate stands in for
# training, so you can run hundreds of searches. Run the cells in order, then move the
# controls. *About 20 minutes.*

# %%
import numpy as np

from helpers.notebook import setup_notebook
from helpers.plots import colour_for
from helpers.widgets import LivePlot, buttons, options_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. Grid or random?
#
# Not all hyperparameters matter equally. Roughly in order: the learning rate α first; then
# momentum's β, the number of hidden units and the mini-batch size; then the number of layers
# and the learning-rate decay; Adam's β₁, β₂ and ε almost never need tuning. You do not know in
# advance which ones matter for *your* problem.
#
# Below, the dev error depends strongly on α and hardly at all on ε. A grid of $k \times k$
# trials tries only $k$ different values of α; $k^2$ random trials try $k^2$ different values.

# %%
def dev_error(log_alpha, log_epsilon):
    """A made-up dev error of a model trained with α = 10**log_alpha and Adam's
    ε = 10**log_epsilon: best near α = 10**-2.3, almost independent of ε."""
    return (0.08 + 0.05 * (log_alpha + 2.3) ** 2 + 0.002 * np.sin(3 * log_epsilon)
            + 0.004 * np.cos(7 * log_alpha))


alpha_range, epsilon_range = (-4.0, 0.0), (-10.0, -6.0)  # log10 bounds


def grid_trials(n):
    side = int(round(np.sqrt(n)))
    log_alphas, log_epsilons = np.meshgrid(np.linspace(*alpha_range, side),
                                           np.linspace(*epsilon_range, side))
    return log_alphas.ravel(), log_epsilons.ravel()


def random_trials(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(*alpha_range, size=n), rng.uniform(*epsilon_range, size=n)


# %% [markdown]
# **Try this.** Move the number of **trials**. Predict first: how many distinct learning rates
# does each search try, and which one finds the lower dev error? Does the answer change with
# the budget?

# %%
def draw_grid_or_random(figure, trials):
    grid_ax, random_ax, alpha_ax = figure.subplots(1, 3, width_ratios=[1, 1, 1.2])
    fine_alpha, fine_epsilon = np.meshgrid(np.linspace(*alpha_range, 120),
                                           np.linspace(*epsilon_range, 120))
    searches = {"grid": grid_trials(trials), "random": random_trials(trials)}
    for index, ((name, (log_alphas, log_epsilons)), ax) in enumerate(
            zip(searches.items(), (grid_ax, random_ax))):
        ax.contourf(fine_alpha, fine_epsilon, dev_error(fine_alpha, fine_epsilon),
                    levels=np.linspace(0.07, 0.9, 15), cmap="Blues_r")
        errors = dev_error(log_alphas, log_epsilons)
        ax.scatter(log_alphas, log_epsilons, s=25, color=colour_for(index + 1),
                   edgecolors="k")
        best = np.argmin(errors)
        ax.plot(log_alphas[best], log_epsilons[best], "*", color="gold", markersize=16,
                markeredgecolor="k")
        ax.set(xlabel="log₁₀ α", ylabel="log₁₀ ε",
               title=f"{name}: {len(np.unique(log_alphas))} values of α, best "
                     f"{errors.min():.3f}")
        alpha_ax.scatter(log_alphas, errors, s=30, color=colour_for(index + 1), alpha=0.8,
                         label=f"{name}: best {errors.min():.3f}", edgecolors="k")
    line = np.linspace(*alpha_range, 300)
    alpha_ax.plot(line, dev_error(line, -8.0), color="#8c8c8c", label="dev error along α")
    wins = np.mean([dev_error(*random_trials(trials, seed)).min()
                    < dev_error(*searches["grid"]).min() for seed in range(1, 201)])
    alpha_ax.set(xlabel="log₁₀ α", ylabel="dev error", ylim=(0.05, 0.5),
                 title=f"Random beats this grid in {wins:.0%} of 200 tries")
    alpha_ax.legend(fontsize="small", loc="upper right")


LivePlot(draw_grid_or_random, main="trials", figsize=(12, 3.8),
         trials=options_slider("trials", [4, 9, 16, 25, 36, 49], 9))

# %% [markdown]
# **What to notice.** Every row of the grid repeats the same few values of α, so most of its
# trials are wasted on the hyperparameter that does not matter; the random search tries a new
# α in every trial. Any single random search can be unlucky, but the title on the right
# counts how often 200 other random searches of the same size beat the grid. With more hyperparameters (say
# five, of which one or two matter) the waste of a grid only grows.
#
# ## 2. Sampling on the right scale
#
# Random does not mean uniform. For α between 10⁻⁴ and 1, sampling uniformly puts 90% of the
# trials between 0.1 and 1 and almost none at the small values. Sample the **exponent**
# instead: $r \sim U[-4, 0]$, $\alpha = 10^r$, so each decade gets the same share.
#
# For an averaging β between 0.9 and 0.999, what matters is the window $1/(1-\beta)$: from 10
# to 1,000 values. Near 1 the window is very sensitive to β (0.999 → 0.9995 doubles it; 0.9 →
# 0.9005 barely changes it). So sample $1 - \beta$ on a log scale: $r \sim U[-3, -1]$,
# $\beta = 1 - 10^r$.
#
# **Try this.** Switch between **uniform** and **log scale**, and change the number of
# **samples**. Predict first: with uniform sampling, what share of the α trials fall below
# 0.01, and what share of the β trials average over more than 100 values?

# %%
def draw_scales(figure, sampling, samples):
    alpha_ax, beta_ax = figure.subplots(1, 2)
    rng = np.random.default_rng(samples)
    if sampling == "uniform":
        alphas = rng.uniform(1e-4, 1.0, size=samples)
        betas = rng.uniform(0.9, 0.999, size=samples)
    else:
        alphas = 10.0 ** rng.uniform(-4.0, 0.0, size=samples)
        betas = 1.0 - 10.0 ** rng.uniform(-3.0, -1.0, size=samples)
    for ax, values, edges, colour, label in (
            (alpha_ax, alphas, 10.0 ** np.arange(-4, 1), colour_for(0), "α"),
            (beta_ax, 1 / (1 - betas), 10.0 ** np.arange(1, 4), colour_for(2),
             "window 1/(1 − β)")):
        counts, _ = np.histogram(values, bins=edges)
        names = [f"{low:g} – {high:g}" for low, high in zip(edges[:-1], edges[1:])]
        ax.bar(names, counts / samples, color=colour)
        for position, count in enumerate(counts):
            ax.text(position, count / samples + 0.02, f"{count / samples:.0%}", ha="center")
        ax.set(ylim=(0, 1.05), ylabel="share of the samples", xlabel=label)
    alpha_ax.set(title=f"{samples} samples of α in [0.0001, 1], {sampling}")
    beta_ax.set(title=f"{samples} samples of β in [0.9, 0.999], {sampling}")


LivePlot(draw_scales, figsize=(11, 3.8), sampling=buttons("sampling", ["uniform", "log scale"]),
         samples=slider("samples", 20, 1000, 20, 200))

# %% [markdown]
# **What to notice.** Uniform sampling spends almost all its α trials in the top decade and
# almost all its β trials on windows under 100: exactly where a search needs the fewest
# trials. On a log scale every decade gets its fair share.
#
# ## 3. Coarse to fine
#
# Search the whole box coarsely, find the region where the best trials cluster, then sample
# more densely inside a smaller box around them, and repeat. Here two hyperparameters both
# matter: α and the momentum β (through $\log_{10}(1 - \beta)$).
#
# **Try this.** Move **rounds** from 1 to 4. Predict first: where will round 2 search, and how
# much does each round improve the best dev error?

# %%
def dev_error_2d(log_alpha, log_one_minus_beta):
    """A made-up dev error with a narrow valley of good (α, β) pairs."""
    a, b = log_alpha + 2.2, log_one_minus_beta + 1.3
    return 0.06 + 0.04 * (a + 0.8 * b) ** 2 + 0.3 * (a - b) ** 2 / (1 + 2 * (a - b) ** 2)


def coarse_to_fine(rounds, per_round=25, keep=5, seed=0):
    """For each round: its box (a_lo, a_hi, b_lo, b_hi) and its trials (per_round, 2)."""
    rng = np.random.default_rng(seed)
    box, history = (-4.0, 0.0, -3.0, -1.0), []
    for _ in range(rounds):
        trials = np.column_stack([rng.uniform(box[0], box[1], per_round),
                                  rng.uniform(box[2], box[3], per_round)])
        history.append((box, trials))
        every = np.concatenate([t for _, t in history])
        best = every[np.argsort(dev_error_2d(*every.T))[:keep]]
        low, high = best.min(axis=0), best.max(axis=0)
        margin = 0.25 * (high - low) + 0.05
        box = (low[0] - margin[0], high[0] + margin[0], low[1] - margin[1], high[1] + margin[1])
    return history


def draw_coarse_to_fine(figure, rounds):
    map_ax, best_ax = figure.subplots(1, 2, width_ratios=[1.3, 1])
    fine_a, fine_b = np.meshgrid(np.linspace(-4, 0, 150), np.linspace(-3, -1, 150))
    map_ax.contourf(fine_a, fine_b, dev_error_2d(fine_a, fine_b),
                    levels=np.linspace(0.05, 0.45, 15), cmap="Blues_r")
    history = coarse_to_fine(rounds)
    best_so_far = []
    for index, (box, trials) in enumerate(history):
        colour = colour_for(index + 1)
        map_ax.plot([box[0], box[1], box[1], box[0], box[0]],
                    [box[2], box[2], box[3], box[3], box[2]], color=colour, linewidth=1.5)
        map_ax.scatter(*trials.T, s=18, color=colour, edgecolors="k", linewidths=0.3,
                       label=f"round {index + 1}")
        errors = dev_error_2d(*trials.T)
        best_so_far.append(min(errors.min(), best_so_far[-1] if best_so_far else 1.0))
    map_ax.set(xlim=(-4, 0), ylim=(-3, -1), xlabel="log₁₀ α", ylabel="log₁₀ (1 − β)",
               title=f"{rounds} round(s) of 25 random trials")
    map_ax.legend(fontsize="small", loc="upper left")
    best_ax.plot(np.arange(1, rounds + 1), best_so_far, "o-", color=colour_for(0))
    best_ax.set(xlim=(0.5, 4.5), ylim=(0.05, 0.15), xticks=range(1, 5), xlabel="round",
                ylabel="best dev error so far",
                title=f"Best after round {rounds}: {best_so_far[-1]:.4f}")


LivePlot(draw_coarse_to_fine, figsize=(11, 3.9), rounds=slider("rounds", 1, 4, 1, 1))

# %% [markdown]
# **What to notice.** The first round only locates the valley; each later round searches a
# smaller box along it and the best error keeps dropping, with the same number of trials per
# round.
#
# ## 4. Panda or caviar
#
# How you search depends on your compute. With little of it, you **babysit one model**
# (panda): watch its learning curve every day and nudge the learning rate up or down. With
# plenty, you **train many models in parallel** (caviar), each with its own random
# hyperparameters, and keep the best. Here each training run's dev-error curve is made up
# from its learning rate: too small learns slowly, too large diverges.
#
# **Try this.** Move **models in parallel**. Predict first: how many parallel models does it
# take to beat the babysat one on the left?

# %%
days = np.linspace(0, 10, 201)


def learning_curve(log_alpha, t):
    """A made-up dev-error curve over days t for a run with α = 10**log_alpha."""
    speed = 10.0 ** np.clip(log_alpha + 2.5, -2, 1)  # larger α learns faster...
    floor = 0.06 + 0.03 * (log_alpha + 2.3) ** 2
    curve = floor + (0.5 - floor) * np.exp(-speed * t)
    if log_alpha > -1.2:  # ...until it is too large and diverges
        curve = np.where(t > 1.0 / (log_alpha + 1.3), 0.6, curve)
    return np.minimum(curve, 0.6)


# The panda's run: start with a cautious α, raise it on day 2, fine-tune it on day 5.
panda_choices = [(0.0, -3.5), (2.0, -2.8), (5.0, -2.6)]
panda = np.empty_like(days)
level = 0.5
for (start, log_alpha), end in zip(panda_choices, [c[0] for c in panda_choices[1:]] + [11]):
    span = (days >= start) & (days < end)
    floor = 0.06 + 0.03 * (log_alpha + 2.3) ** 2
    speed = 10.0 ** np.clip(log_alpha + 2.5, -2, 1)
    panda[span] = floor + (level - floor) * np.exp(-speed * (days[span] - start))
    level = panda[span][-1]


def draw_panda_caviar(figure, models):
    panda_ax, caviar_ax = figure.subplots(1, 2)
    panda_ax.plot(days, panda, color=colour_for(0), linewidth=2)
    for start, log_alpha in panda_choices[1:]:
        panda_ax.axvline(start, color="k", linestyle=":")
        panda_ax.text(start + 0.1, 0.55, f"α → $10^{{{log_alpha:g}}}$", fontsize="small")
    panda_ax.set(ylim=(0, 0.65), xlabel="day", ylabel="dev error",
                 title=f"Panda: one model, babysat, ends at {panda[-1]:.3f}")
    rng = np.random.default_rng(0)
    log_alphas = rng.uniform(-4.0, 0.0, size=models)
    finals = []
    for log_alpha in log_alphas:
        curve = learning_curve(log_alpha, days)
        finals.append(curve[-1])
        caviar_ax.plot(days, curve, color="#8c8c8c", linewidth=0.8, alpha=0.6)
    best = int(np.argmin(finals))
    caviar_ax.plot(days, learning_curve(log_alphas[best], days), color=colour_for(1),
                   linewidth=2, label=f"best: α = $10^{{{log_alphas[best]:.2f}}}$")
    caviar_ax.axhline(panda[-1], color=colour_for(0), linestyle="--", label="the panda's end")
    caviar_ax.set(ylim=(0, 0.65), xlabel="day", ylabel="dev error",
                  title=f"Caviar: {models} models in parallel, best ends at {min(finals):.3f}")
    caviar_ax.legend(fontsize="small", loc="upper right")


LivePlot(draw_panda_caviar, figsize=(11, 3.8),
         models=slider("models in parallel", 1, 40, 1, 5))

# %% [markdown]
# **What to notice.** A few parallel runs often lose to a well-babysat model, many parallel
# runs usually win, and they need no attention while they train; but they need the
# computers. Both are legitimate: choose by the compute you have.

# %% [markdown]
# ## What to remember
#
# - Sample hyperparameters at random, not on a grid: you do not know which ones matter, and
#   random trials try a new value of each in every trial.
# - Choose the scale: α = 10^r with r uniform (log scale); for averaging βs, 1 − β = 10^r.
# - Search coarse to fine: zoom in on the region where the best trials are, and sample again.
# - Babysit one model (panda) when compute is scarce; train many in parallel (caviar) when it
#   is not. Re-test your hyperparameters every few months: data and hardware change.
