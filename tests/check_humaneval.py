#!/usr/bin/env python3
"""Runs codejury's humaneval export the way openai/human-eval does, with the standard library only.

usage: check_humaneval.py PROBLEMS_FILE [SAMPLES_FILE]

human-eval's harness (human_eval/execution.py) builds one program per completion,
    problem["prompt"] + completion + "\\n" + problem["test"] + "\\n" + f"check({problem['entry_point']})"
and exec()s it in fresh globals; it passes when nothing raises. This script rebuilds exactly that
program and runs it in its own python3 process with a time limit. Every problem's
canonical_solution is run; each line of SAMPLES_FILE ({task_id, completion}, human-eval's samples
format) is run too. Prints one JSON line per run ({task_id, sample, passed, result}) and a summary
line; exits 1 if a canonical solution fails, if a row lacks one of human-eval's columns, or if a
prompt is not Python source that compiles.
"""
import json
import subprocess
import sys

COLUMNS = ("task_id", "prompt", "canonical_solution", "test", "entry_point")
TIMEOUT_S = 10
RUNNER = "import sys\nexec(compile(sys.stdin.read(), '<program>', 'exec'), {})\n"


def program(problem, completion):
    # human_eval/execution.py, unsafe_execute(): the check program, character for character.
    return problem["prompt"] + completion + "\n" + problem["test"] + "\n" + f"check({problem['entry_point']})"


def run(problem, completion):
    try:
        done = subprocess.run([sys.executable, "-c", RUNNER], input=program(problem, completion), text=True,
                              capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    if done.returncode == 0:
        return True, "passed"
    last = (done.stderr.strip().splitlines() or ["failed"])[-1]
    return False, f"failed: {last}"


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    problems = {}
    for n, row in enumerate(read(argv[1]), 1):
        missing = [c for c in COLUMNS if not isinstance(row.get(c), str)]
        if missing:
            print(f"check_humaneval: {argv[1]}:{n}: missing {missing}", file=sys.stderr)
            return 1
        try:
            compile(row["prompt"], f"{row['task_id']} prompt", "exec")
        except SyntaxError as err:
            print(f"check_humaneval: {argv[1]}:{n}: the prompt is not Python source: {err}", file=sys.stderr)
            return 1
        problems[row["task_id"]] = row
    failed = 0
    for task_id, problem in problems.items():
        passed, result = run(problem, problem["canonical_solution"])
        print(json.dumps({"task_id": task_id, "sample": "canonical_solution", "passed": passed, "result": result}))
        failed += not passed
    samples = read(argv[2]) if len(argv) == 3 else []
    for n, sample in enumerate(samples, 1):
        passed, result = run(problems[sample["task_id"]], sample["completion"])
        print(json.dumps({"task_id": sample["task_id"], "sample": sample.get("sample", n), "passed": passed, "result": result}))
    print(json.dumps({"problems": len(problems), "canonical_failed": failed, "samples": len(samples)}))
    if failed:
        print(f"check_humaneval: {failed} canonical solution(s) fail", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
