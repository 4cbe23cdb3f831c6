# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Class insight: what the class got wrong
#
# **For instructors.** After `course grade`, this notebook reads the grading reports (and the
# gradebook, for scores changed in formgrader) and shows what to re-teach and whom to help:
# the mistakes that cost the most students, each with who made it and their graded cells,
# the students who need help, and pairs of submissions whose graded cells are nearly
# identical. Nothing is regraded. `course report` writes the same facts as a page to share
# (`reports/class.html`; `--anonymous` for the class).
#
# Run the cells in order, then pick a mistake or a pair in the lists below.

# %%
# Where `course grade` wrote its reports (None: reports/ in the course folder) and the
# gradebook to read (None: gradebook.db there, when it exists).
REPORTS = None
GRADEBOOK = None

# %%
import ipywidgets as widgets
from IPython.display import HTML, display

from autograder.insight import (build_insight, mistakes_by_cost, pair_html,
                                submissions_html)

insight = build_insight(reports_dir=REPORTS, gradebook_url=GRADEBOOK)
graded = [facts for facts in insight["assignments"] if facts["graded"]]
print(f"{len(graded)} graded assignment(s) read from {insight['reports']}"
      + ("" if graded else ": run `course grade ASSIGNMENT` first"))
for facts in graded:
    print(f"  {facts['name']:20} {facts['submitted']:>5} submitted, mean "
          f"{facts['mean_percent']}%, {len(facts['similar_pairs'])} similar pair(s)")

# %% [markdown]
# ## Students who need help
#
# Those who missed the same concept in two assignments, or scored below half marks in two
# graded assignments in a row.

# %%
for row in insight["needs_help"]:
    print(f"{row['student']:20} {'; '.join(row['reasons'])}")
if not insight["needs_help"]:
    print("No one needs help by these rules.")

# %% [markdown]
# ## The costliest mistake
#
# The diagnosed mistake that cost the most students points: a candidate for the next lecture.

# %%
mistakes = mistakes_by_cost(insight)
if mistakes:
    label, assignment, grade_id, row = mistakes[0]
    display(HTML(f"<h4>{assignment} · {grade_id}</h4>" + submissions_html(row)))
else:
    print("No diagnosed mistake yet.")

# %% [markdown]
# ## From a mistake to the submissions that made it
#
# Every diagnosed mistake, sorted by how many students it cost points. Pick one to see who
# made it and their graded cells.

# %%
mistake_list = widgets.Select(options=[(label, i) for i, (label, *_) in enumerate(mistakes)],
                              rows=12, layout=widgets.Layout(width="48rem"),
                              description="mistake")
mistake_view = widgets.Output()


def show_mistake(change=None):
    mistake_view.clear_output()
    if mistake_list.value is None:
        return
    _, assignment, grade_id, row = mistakes[mistake_list.value]
    with mistake_view:
        display(HTML(f"<h4>{assignment} · {grade_id}</h4>" + submissions_html(row)))


mistake_list.observe(show_mistake, names="value")
if mistakes:
    mistake_list.value = 0
show_mistake()
display(widgets.VBox([mistake_list, mistake_view]))

# %% [markdown]
# ## Nearly identical graded cells
#
# Pairs ranked by the length and rarity of what they share once names, spacing and comments
# are normalized: a short exercise answered the obvious way is never evidence. A pair is a
# reason to look, not a verdict.

# %%
pairs = [(facts["name"], pair) for facts in graded for pair in facts["similar_pairs"]]
pair_list = widgets.Dropdown(
    options=[(f"{name}: {' and '.join(pair['students'])} (evidence {pair['evidence']:g})", i)
             for i, (name, pair) in enumerate(pairs)], description="pair",
    layout=widgets.Layout(width="48rem"))
pair_view = widgets.Output()


def show_pair(change=None):
    pair_view.clear_output()
    if pair_list.value is not None:
        with pair_view:
            display(HTML(pair_html(pairs[pair_list.value][1])))


pair_list.observe(show_pair, names="value")
show_pair()
display(widgets.VBox([pair_list, pair_view]) if pairs else
        HTML("<p>No pair of submissions shares long, rare passages.</p>"))
