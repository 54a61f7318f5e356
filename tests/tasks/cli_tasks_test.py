"""`rbench tasks`: the JSON listing on the real data folder (counts and full hashes), and on an empty folder
(every file-backed task listed with its error, exit code 0 because the built-in smoke task loads)."""
import json
import os
import subprocess
import sys
import tempfile

EXPECTED = {
    "math500": (500, "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132"),
    "aime24": (30, "14d5f571a7f365fc0cefda7f7b8dde84836e5758d7b8a6ca317f2f6aa51388d7"),
    "aime25": (30, "ec07116065dcfde6afc138e38228172396103dfd3774fa7e350f7b3809cb7de2"),
    "gpqa_diamond": (198, "461ae7329f15a3e35f8184d2dac24b990f34fdf12f366ca4062d8e6638cd08dc"),
}


def run_tasks(*args, env=None):
    rbench = os.path.join(os.environ["RBENCH_BIN_DIR"], "rbench")
    done = subprocess.run([rbench, "tasks", *args], capture_output=True, text=True, env=env, timeout=120)
    return done.returncode, done.stdout, done.stderr


def main():
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    code, out, err = run_tasks("--data-dir", os.environ["RBENCH_TEST_DATA"], "--json")
    check(code == 0, f"exit code {code} on the real data: {err}")
    listing = {t["name"]: t for t in json.loads(out)["tasks"]}
    check(list(listing) == ["math500", "aime24", "aime25", "gpqa_diamond", "smoke", "arith"], f"task order {list(listing)}")
    for name, (count, sha) in EXPECTED.items():
        task = listing.get(name, {})
        check(task.get("problems") == count, f"{name}: {task.get('problems')} problems, expected {count}")
        check(task.get("sha256") == sha, f"{name}: sha256 {task.get('sha256')}")
    check(listing["smoke"].get("problems", 0) >= 20, "smoke has fewer than 20 problems")
    check(listing["arith"].get("problems", 0) == 100, "arith does not have 100 problems")

    with tempfile.TemporaryDirectory(dir=os.environ["RBENCH_TEST_TMP"]) as empty:
        env = dict(os.environ, RBENCH_DATA=empty)  # no --data-dir: the environment variable is used
        code, out, err = run_tasks("--json", env=env)
        check(code == 0, f"exit code {code} with no data files: {err}")
        result = json.loads(out)
        check(result["data_dir"] == empty, f"data_dir {result['data_dir']} is not RBENCH_DATA")
        for task in result["tasks"]:
            if task["name"] in ("smoke", "arith"):
                check("problems" in task, f"{task['name']} (built in) did not load")
            else:
                check(empty in task.get("error", "") and "fetch-datasets.sh" in task.get("error", ""),
                      f"{task['name']}: error does not say where it looked: {task}")
        code, out, _ = run_tasks("--data-dir", empty)
        check(code == 0 and "error: task 'aime24'" in out, f"table with missing files: exit {code}\n{out}")

    code, _, _ = run_tasks("--no-such-option")
    check(code != 0, "an unknown option was accepted")

    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
