"""The course's shared package: datasets, the given network code, the training loop, plots and
the learner-facing checks. Import the submodules you need, e.g.
``from helpers.network import model_forward``; nothing heavy is imported here. Importing a
module changes no global state; a notebook's first code cell opts in to the course's error
display and plot style with ``helpers.notebook.setup_notebook()``."""
