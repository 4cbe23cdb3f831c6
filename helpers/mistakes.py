"""The mistakes learners make, each named and explained once.

Every assignment has one Catalogue (``MISTAKES`` in ``helpers/checks/<assignment>.py``). The
visible checks in the notebook and the hidden tests of the autograder diagnose with the same
names, so a learner reads the same hint in both places, and the class report counts them
together. A name that is not in the catalogue is a bug in the course, caught when it is used.
"""

from typing import NamedTuple


class Mistake(NamedTuple):
    name: str
    hint: str  # the likely mistake, in the learner's words
    concept: str  # what to revisit


class Problem(NamedTuple):
    """A diagnosed mistake: its catalogued name and the message for the learner."""

    mistake: str
    message: str


class Catalogue:
    """Mistakes by name; a name appears once."""

    def __init__(self, title, *mistakes):
        self.title = title
        self._mistakes = {}
        for mistake in mistakes:
            if mistake.name in self._mistakes:
                raise ValueError(f"the catalogue of {title} names {mistake.name!r} twice")
            self._mistakes[mistake.name] = mistake

    def __contains__(self, name):
        return name in self._mistakes

    def __iter__(self):
        return iter(self._mistakes.values())

    def __len__(self):
        return len(self._mistakes)

    def __getitem__(self, name):
        try:
            return self._mistakes[name]
        except KeyError:
            raise KeyError(f"{name!r} is not in the catalogue of mistakes of {self.title}") \
                from None

    def problem(self, name, what_happened):
        """A Problem for the catalogued mistake ``name``: what the check saw, then the hint."""
        return Problem(name, f"{what_happened} {self[name].hint}".strip())
