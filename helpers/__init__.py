"""The course's shared package: datasets, the given network code, the training loop, plots and
the learner-facing checks. Import the submodules you need, e.g.
``from helpers.network import model_forward``; nothing heavy is imported here."""
