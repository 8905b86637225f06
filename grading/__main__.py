"""``python -m grading``: the course's commands for lecturers and students.

    python -m grading grade --stage 2 [--submission DIR] [--json report.json]
    python -m grading exercises [--out exercises] [--stages 2 3]
    python -m grading proof [--stages 2]
    python -m grading tasks --stage 2        # the task table, as Markdown
    python -m grading mutate --stage 2 [--task 3] [--sample 40]   # mutation scores
"""

import argparse
import sys

from .manifest import ROOT, find, load_all


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    g = commands.add_parser("grade", help="run a stage's tasks on a submission, print scores")
    g.add_argument("--stage", type=int, required=True)
    g.add_argument("--submission", default=str(ROOT), help="root of the student's repo")
    g.add_argument("--timeout", type=int, default=300, help="seconds per task")
    g.add_argument("--json", default=None, help="where to write the JSON report")
    g.add_argument("--task", type=int, nargs="*", help="grade only these tasks")
    e = commands.add_parser("exercises", help="write the student repo with skeletons")
    e.add_argument("--out", default=str(ROOT / "exercises"))
    e.add_argument("--stages", type=int, nargs="*", help="stages to blank (default: all)")
    p = commands.add_parser("proof", help="check that the tasks can be done in order")
    p.add_argument("--stages", type=int, nargs="*")
    p.add_argument("--task", type=int, nargs="*")
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("-v", "--verbose", action="store_true", help="list every failing test")
    t = commands.add_parser("tasks", help="print a stage's task table")
    t.add_argument("--stage", type=int, required=True)
    m = commands.add_parser("mutate", help="how many mutants of each task's code its tests kill")
    m.add_argument("--stage", type=int, required=True)
    m.add_argument("--task", type=int, nargs="*")
    m.add_argument("--sample", type=int, default=None, help="mutants per task, drawn at random")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--jobs", type=int, default=2)
    m.add_argument("--timeout", type=int, default=300, help="seconds per mutant")
    m.add_argument("--json", default=None, help="where to write every outcome")
    args = parser.parse_args(argv)

    if args.command == "grade":
        from .grade import grade
        data = grade(args.stage, args.submission, args.timeout, args.json, args.task)
        return 0 if data["points"] == data["max_points"] else 1
    if args.command == "exercises":
        from .skeleton import write_exercises
        manifests = load_all()
        stages = set(args.stages or [m.stage for m in manifests])
        summary = write_exercises(ROOT, args.out, manifests, stages)
        for stage in sorted(k for k in summary if isinstance(k, int)):
            functions, files = summary[stage]
            print("stage %d: %d functions blanked in %d files" % (stage, functions, files))
        print("notebook cells blanked: %d" % summary["notebook cells"])
        print("the student repo is in %s" % args.out)
        return 0
    if args.command == "proof":
        from .proof import prove
        problems = prove(set(args.stages or []), args.timeout, only_tasks=args.task,
                         verbose=args.verbose)
        for problem in problems:
            print("PROBLEM: " + problem)
        print("build order holds" if not problems else "%d problem(s)" % len(problems))
        return 1 if problems else 0
    if args.command == "mutate":
        import dataclasses
        import json
        from .mutation import report, run
        manifest = find(args.stage)
        outcomes = run(manifest, set(args.task or []), args.sample, args.seed, args.timeout,
                       args.jobs)
        print(report(manifest, outcomes))
        if args.json:
            with open(args.json, "w") as file:
                json.dump([dataclasses.asdict(o) for o in outcomes], file, indent=1)
        return 0
    if args.command == "tasks":
        from .tables import task_table
        print(task_table(find(args.stage)))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
