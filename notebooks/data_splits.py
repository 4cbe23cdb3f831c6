# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Train, dev and test sets
#
# **Goal.** Choose how to split data into train, dev and test sets for small and very large
# data, and see how a dev set drawn from the wrong distribution leads to the wrong model.
#
# Run the cells in order, then move the controls above each figure. *About 15 minutes.*

# %%
import numpy as np

from helpers.lectures import rotated_classes
from helpers.notebook import setup_notebook
from helpers.plots import CLASS_COLOURS, colour_for
from helpers.widgets import LivePlot, log_slider, slider

setup_notebook()  # the course's plot colours

# %% [markdown]
# ## 1. Three sets, three jobs
#
# - The **training set** is what gradient descent fits.
# - The **dev set** (hold-out or cross-validation set) is what you compare models and
#   hyperparameters on; you choose whatever does best there.
# - The **test set** gives an unbiased estimate of how the chosen model will do. Because you
#   chose the model *on* the dev set, the dev accuracy is optimistic; the test set, used once
#   at the end, is not. If you do not need that estimate you may skip it (and then call what
#   you have a dev set, not a test set).
#
# How much goes where? The dev and test sets only need to be **large enough**: large enough to
# tell apart the models you compare, and to trust the final number. With a hundred or a
# thousand examples that takes a good share of them (the old rule of thumb 60/20/20); with a
# million, 10,000 examples (1%) already measure an accuracy to about half a percent, and the
# rest is better spent on training (98/1/1, or 99.5/0.25/0.25 beyond that).
#
# **Try this.** Move the **examples** slider from a hundred to a hundred million. Predict
# first: at which size does 98/1/1 leave a dev set too small to be useful, and at which size
# does 60/20/20 waste data?

# %%
splits = {"60 / 20 / 20": (0.6, 0.2, 0.2), "98 / 1 / 1": (0.98, 0.01, 0.01),
          "99.5 / 0.25 / 0.25": (0.995, 0.0025, 0.0025)}
accuracy = 0.9  # the accuracy the dev set measures, for the error bars


def error_bar(m_dev):
    """Two standard errors of an accuracy measured on m_dev examples, in percentage points."""
    return 100 * 2 * np.sqrt(accuracy * (1 - accuracy) / np.maximum(m_dev, 1))


def draw_splits(figure, examples):
    m = int(round(examples))
    figure.subplots_adjust(left=0.15)
    bars_ax, precision_ax = figure.subplots(1, 2)
    for row, (name, shares) in enumerate(splits.items()):
        left = 0.0
        for part, (share, label) in enumerate(zip(shares, ("train", "dev", "test"))):
            bars_ax.barh(row, share, left=left, height=0.55, color=colour_for(part),
                         label=label if row == 0 else None)
            left += share
        m_train, m_dev = int(m * shares[0]), int(m * shares[1])
        bars_ax.text(0.02, row + 0.42, f"train {m_train:,}   dev {m_dev:,}   test {m_dev:,}",
                     fontsize="small", va="center")
    bars_ax.set(yticks=range(len(splits)), yticklabels=list(splits), xlim=(0, 1),
                ylim=(-0.6, len(splits) - 0.1), xlabel="share of the data",
                title=f"{m:,} examples")
    bars_ax.invert_yaxis()
    bars_ax.legend(loc="lower right", fontsize="small", ncols=3)

    sizes = np.logspace(2, 8, 200)
    for index, (name, shares) in enumerate(splits.items()):
        precision_ax.loglog(sizes, error_bar(sizes * shares[1]), color=colour_for(index + 3),
                            label=name)
        precision_ax.plot(m, error_bar(m * shares[1]), "o", color=colour_for(index + 3))
    precision_ax.axvline(m, color="k", linestyle=":")
    precision_ax.axhline(0.5, color="k", linestyle="--", linewidth=0.8,
                         label="± 0.5 points")
    precision_ax.set(title="How precisely the dev set measures 90% accuracy",
                     xlabel="examples in all", ylabel="± 2 standard errors (points)",
                     ylim=(0.005, 100))
    precision_ax.legend(fontsize="small")


LivePlot(draw_splits, main="examples", figsize=(11, 3.8),
         examples=log_slider("examples", 2, 8, 1e4, step=0.25, readout_format=",.0f"))

# %% [markdown]
# **What to notice.** With a few hundred examples only a large share gives a dev set that
# measures anything; with 98/1/1 the dev set has a handful of examples and an error bar of
# tens of points. With millions of examples, 60/20/20 holds back hundreds of thousands of
# examples to measure a number to a tenth of a point or better, while 1% or less already
# measures it to well under a point.
#
# ## 2. Dev and test must come from the same distribution
#
# Suppose your app's users upload photos from their phones, and you also have many photos from
# the web, which look different. The **test set** must look like what the app will meet: phone
# photos. If the dev set comes partly from the web, you will pick the model that does best on
# the web.
#
# Below, every point is a photo with two features, and the label says whether it shows a cat.
# On the web the two classes differ along one direction, on phones along another. Seven
# candidate models (straight boundaries at different angles) are compared on a dev set of
# 1,000 photos; the test set is 1,000 phone photos.
#
# **Try this.** Move **share of web photos in the dev set** from 0 to 1. Predict first: from
# which share on does the dev set pick a model that is not the best for your users, and how
# much test accuracy does that cost?

# %%
web_X, web_Y = rotated_classes(1000, seed=1, angle_degrees=0, separation=1.2)
phone_X, phone_Y = rotated_classes(1000, seed=2, angle_degrees=75, separation=1.2)
test_X, test_Y = rotated_classes(1000, seed=3, angle_degrees=75, separation=1.2)
angles = np.arange(0, 91, 15)  # the candidates' directions, in degrees
candidates = "ABCDEFG"


def accuracies(X, Y):
    """Accuracy of each candidate (len(angles),): candidate k predicts 1 where the point lies
    on the positive side of the direction angles[k]."""
    directions = np.stack([np.cos(np.deg2rad(angles)), np.sin(np.deg2rad(angles))])  # (2, 7)
    predictions = (directions.T @ X > 0).astype(int)  # (7, m)
    return (predictions == Y).mean(axis=1)


test_accuracy = accuracies(test_X, test_Y)


def draw_mismatch(figure, web_share):
    from_web = int(round(1000 * web_share))
    dev_X = np.concatenate([web_X[:, :from_web], phone_X[:, from_web:]], axis=1)
    dev_Y = np.concatenate([web_Y[:, :from_web], phone_Y[:, from_web:]], axis=1)
    dev_accuracy = accuracies(dev_X, dev_Y)
    picked, best = int(np.argmax(dev_accuracy)), int(np.argmax(test_accuracy))

    map_ax, bars_ax = figure.subplots(1, 2)
    for X, Y, marker, source in ((phone_X[:, from_web:], phone_Y[:, from_web:], "o", "phone"),
                                 (web_X[:, :from_web], web_Y[:, :from_web], "^", "web")):
        map_ax.scatter(X[0, :300], X[1, :300], s=12, marker=marker, alpha=0.6,
                       c=[CLASS_COLOURS[label] for label in Y[0, :300]],
                       label=f"{source} ({X.shape[1]:,} in dev)")
    lines = {best: ("-", "best on test")}
    lines[picked] = ("--", "picked by dev" if picked != best else "picked by dev, best on test")
    for k, (style, role) in lines.items():
        normal = np.array([np.cos(np.deg2rad(angles[k])), np.sin(np.deg2rad(angles[k]))])
        line = np.outer([-5, 5], [-normal[1], normal[0]])  # along the boundary
        map_ax.plot(line[:, 0], line[:, 1], "k" + style, linewidth=2,
                    label=f"model {candidates[k]}: {role}")
    map_ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
               title=f"Dev set: {web_share:.0%} web, {1 - web_share:.0%} phone")
    map_ax.legend(fontsize="x-small", loc="lower right")

    positions = np.arange(len(angles))
    bars_ax.bar(positions - 0.2, dev_accuracy, width=0.4, color=colour_for(0), label="dev")
    bars_ax.bar(positions + 0.2, test_accuracy, width=0.4, color=colour_for(1),
                label="test (phone)")
    bars_ax.plot(picked - 0.2, dev_accuracy[picked] + 0.03, "kv", label="picked by dev")
    bars_ax.set(xticks=positions, xticklabels=list(candidates), ylim=(0.5, 1.08),
                xlabel="candidate model", ylabel="accuracy",
                title=f"Dev picks {candidates[picked]}: {test_accuracy[picked]:.1%} on test "
                      f"(best: {candidates[best]}, {test_accuracy[best]:.1%})")
    bars_ax.legend(fontsize="small", loc="upper center", ncols=3)


LivePlot(draw_mismatch, figsize=(11, 4.2),
         web_share=slider("share of web photos in the dev set", 0.0, 1.0, 0.1, 0.0))

# %% [markdown]
# **What to notice.** With a dev set of phone photos, the model it picks is the best one on the
# test set. As web photos take over the dev set, the pick moves toward the model that suits
# web photos and the test accuracy of the pick falls, although every dev number looks good.
# The team spent its effort aiming at the wrong target. The training set may mix in web data
# (more data often helps), but the dev and test sets must both reflect the data you expect to
# get in the future and care about doing well on.

# %% [markdown]
# ## What to remember
#
# - Train to fit, dev to choose, test to estimate once at the end; without a test set, the
#   dev set is all you have and its numbers are optimistic.
# - Small data: something like 60/20/20. Large data: dev and test only need to be big enough
#   to be precise, often 1% or less (98/1/1, 99.5/0.25/0.25).
# - Dev and test sets must come from the same distribution: the one you want to do well on.
