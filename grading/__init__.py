"""The course's tooling for lecturers and students: task manifests, student
skeletons, the grader and the build-order proof.

* ``manifest`` reads each stage's ``tasks.toml`` (what each task covers);
* ``skeleton`` writes a student repo with the listed function bodies blanked;
* ``grade`` runs a stage's tasks by marker and prints a score table;
* ``proof`` checks that the tasks can be done in their numbered order.

Run ``python -m grading --help``.
"""
