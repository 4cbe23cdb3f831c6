# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exponentially weighted averages
#
# **Goal.** See how one number, β, sets how far back an exponentially weighted average
# remembers, and why its first values need bias correction.
#
# Momentum, RMSprop and Adam (assignment `optimization`) all keep such averages of the
# gradients, and batch norm keeps them of the batch statistics. Run the cells in order; each
# figure has controls above it: move them and watch the plot change. *About 15 minutes.*

# %%
import numpy as np

from helpers.lectures import daily_temperatures
from helpers.notebook import setup_notebook
from helpers.widgets import LivePlot, checkbox, slider

setup_notebook()  # the course's plot colours
temperatures = daily_temperatures(365, seed=1)  # (365,) degrees Celsius, one per day
days = np.arange(1, len(temperatures) + 1)

# %% [markdown]
# ## 1. The average and its window
#
# Given a noisy series $\theta_1, \theta_2, \dots$ (here: a year of daily temperatures),
# keep one number $V$ and update it with every new value:
#
# $$V_0 = 0, \qquad V_t = \beta\, V_{t-1} + (1 - \beta)\, \theta_t .$$
#
# Unrolled, $V_t = (1-\beta)\left(\theta_t + \beta\,\theta_{t-1} + \beta^2\,\theta_{t-2} +
# \dots\right)$: every past value counts, with a weight that shrinks by a factor β per day.
# With $\varepsilon = 1 - \beta$, $\beta^{1/\varepsilon} = (1-\varepsilon)^{1/\varepsilon}
# \approx 1/e$, so after about $\frac{1}{1-\beta}$ days a value's weight has fallen to a
# third of today's: $V_t$ is roughly **an average over the last $1/(1-\beta)$ days**
# (β = 0.9: 10 days; β = 0.98: 50 days). It costs one number of memory and one line of code:

# %%
def exponentially_weighted_average(values, beta, bias_correction=False):
    """V_t for every t of the series ``values`` (T,): V_0 = 0, V_t = beta V_{t-1} +
    (1 - beta) values_t, divided by (1 - beta**t) when ``bias_correction``. Returns (T,)."""
    averages = np.empty(len(values))
    v = 0.0
    for t, value in enumerate(values, start=1):
        v = beta * v + (1 - beta) * value
        averages[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return averages


# %% [markdown]
# **Try this.** Move the **β** slider from 0.5 to 0.99. Before you do, predict: which β
# gives the smoothest curve, and which one follows the seasons with a *delay*? The right panel
# shows the weight each past day gets today; the dashed line marks $1/(1-\beta)$ days back,
# where the weight has fallen to $1/e$ of today's.

# %%
def draw_window(figure, beta):
    series_ax, weights_ax = figure.subplots(1, 2, width_ratios=[2, 1])
    window = 1 / (1 - beta)
    averages = exponentially_weighted_average(temperatures, beta, bias_correction=True)
    series_ax.scatter(days, temperatures, s=6, color="#8c8c8c", label="daily temperature")
    series_ax.plot(days, averages, color="#c44e52", linewidth=2,
                   label=f"average, β = {beta:.3f}")
    series_ax.set(title=f"β = {beta:.3f} averages over about {window:.0f} days",
                  xlabel="day", ylabel="temperature (°C)")
    series_ax.legend(loc="upper left", fontsize="small")

    lags = np.arange(0, 120)
    weights = (1 - beta) * beta ** lags
    weights_ax.bar(lags, weights, width=1.0, color="#4c72b0")
    weights_ax.axvline(window, color="k", linestyle="--", label=f"1/(1−β) = {window:.0f} days")
    weights_ax.axhline((1 - beta) / np.e, color="k", linestyle=":", label="today's weight / e")
    weights_ax.set(title="Weight of the value k days ago", xlabel="k (days ago)",
                   ylabel="weight (1−β)·β^k", xlim=(-1, 120))
    weights_ax.legend(fontsize="small")


LivePlot(draw_window, main="beta", figsize=(11, 3.8),
         beta=slider("β (beta)", 0.5, 0.99, 0.01, 0.9))

# %% [markdown]
# **What to notice.** A larger β averages over more days: the curve is smoother, but it
# adapts slowly and lags behind the data (it is shifted to the right of the seasons). A small
# β follows every gust of weather. In optimization this is the trade-off behind momentum's
# β = 0.9 (about the last 10 gradients) and Adam's β₂ = 0.999 (about the last 1000).
#
# The weights of all past days add up to $1 - \beta^t$, which is close to 1 only once $t$ is
# well past the window:

# %%
for beta in (0.9, 0.98):
    print(f"β = {beta}: the weights of the first 10 days sum to {1 - beta ** 10:.3f}, "
          f"of the first 100 days to {1 - beta ** 100:.3f}")

# %% [markdown]
# ## 2. Bias correction
#
# Because $V_0 = 0$, the first averages are too small: on day 1, $V_1 = (1-\beta)\theta_1$,
# a small fraction of the temperature. The weights sum to $1 - \beta^t$, so dividing by it
# gives a proper weighted average from the first day:
#
# $$\hat V_t = \frac{V_t}{1 - \beta^t}.$$
#
# As $t$ grows, $\beta^t \to 0$ and the correction fades away by itself.
#
# **Try this.** Switch **bias correction** off and on, and move **β**. Predict: for which β
# does the uncorrected start stay wrong the longest, and about how many days does it need?

# %%
def draw_bias_correction(figure, beta, bias_correction):
    series_ax, factor_ax = figure.subplots(1, 2, width_ratios=[2, 1])
    first = 80
    raw = exponentially_weighted_average(temperatures, beta)
    corrected = exponentially_weighted_average(temperatures, beta, bias_correction=True)
    series_ax.scatter(days[:first], temperatures[:first], s=10, color="#8c8c8c",
                      label="daily temperature")
    series_ax.plot(days[:first], raw[:first], color="#4c72b0", linewidth=2,
                   alpha=0.35 if bias_correction else 1.0, label="V_t (no correction)")
    if bias_correction:
        series_ax.plot(days[:first], corrected[:first], color="#c44e52", linewidth=2,
                       label="V_t / (1 − β^t)")
    state = "on" if bias_correction else "off"
    series_ax.set(title=f"The first {first} days, β = {beta:.2f}, bias correction {state}",
                  xlabel="day", ylabel="temperature (°C)", ylim=(-2, 12))
    series_ax.legend(loc="lower right", fontsize="small")

    t = days[:first]
    factor_ax.plot(t, 1 - beta ** t, color="#55a868", linewidth=2)
    factor_ax.axvline(1 / (1 - beta), color="k", linestyle="--", label="1/(1−β)")
    factor_ax.set(title="Sum of the weights, 1 − β^t", xlabel="day t", ylabel="1 − β^t",
                  ylim=(0, 1.05))
    factor_ax.legend(fontsize="small")


LivePlot(draw_bias_correction, figsize=(11, 3.8),
         beta=slider("β (beta)", 0.5, 0.99, 0.01, 0.98),
         bias_correction=checkbox("bias correction", value=False))

# %% [markdown]
# **What to notice.** Without correction the average starts near zero and creeps up for about
# $1/(1-\beta)$ days; with it, the average is right from day one. Adam corrects both of its
# averages this way (assignment `optimization`); momentum usually does not bother, because
# after a few dozen steps the bias is gone.

# %% [markdown]
# ## What to remember
#
# - $V_t = \beta V_{t-1} + (1-\beta)\theta_t$ averages over roughly the last $1/(1-\beta)$
#   values, because $(1-\varepsilon)^{1/\varepsilon} \approx 1/e$.
# - Larger β: smoother and slower to react (lags behind); smaller β: noisy but quick.
# - Starting at $V_0 = 0$ biases the early averages toward zero; $V_t / (1 - \beta^t)$
#   corrects it, and the correction vanishes as $t$ grows.
