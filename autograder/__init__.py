"""The instructor side of the course: building and releasing notebooks, grading submissions
against the reference solutions in an isolated worker, feedback, gradebook and reports."""
