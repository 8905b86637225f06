"""Applies the mutant of ``GRADING_MUTANT`` in every Python process a mutation
run starts, not only in pytest's: tests that launch child processes (the
``mpiexec`` runs of stage 5's distribute tests) then test the mutant too.
``grading.mutation`` puts this folder first on ``PYTHONPATH``."""

import json
import os

if os.environ.get("GRADING_MUTANT"):
    _spec = json.loads(os.environ["GRADING_MUTANT"])
    if _spec.get("path"):
        from grading.mutant_plugin import apply
        apply(_spec)
