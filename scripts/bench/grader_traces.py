#!/usr/bin/env python3
"""Writes realistic grading requests for the grader benchmark: model-like traces of 8-30 KB.

Each trace is a <think> block of reasoning assembled from real MATH-500 worked solutions (shuffled paragraphs,
with intermediate boxed values and equations, as long chains of thought have), then a short final answer with
\\boxed{}. Half the answers are the gold (in another but equivalent form where the solution's box differs),
half another problem's answer. AIME and GPQA requests are mixed in. Deterministic for a given seed.

usage: grader_traces.py DATA_DIR OUT.jsonl [N=2000] [SEED=1]
"""
import json
import random
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    data_dir, out_path = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    math_rows = [json.loads(line) for line in open(f"{data_dir}/math500.jsonl", encoding="utf-8")]
    aime_rows = [json.loads(line) for line in open(f"{data_dir}/aime24.jsonl", encoding="utf-8")]
    paragraphs = [p for row in math_rows for p in row["solution"].split("\n") if len(p) > 40]
    sizes = []
    with open(out_path, "w", encoding="utf-8") as out:
        for i in range(n):
            target = rng.randint(8 * 1024, 30 * 1024)
            thinking = []
            length = 0
            while length < target:
                p = rng.choice(paragraphs)
                thinking.append(p)
                length += len(p) + 2
            kind = rng.random()
            if kind < 0.8:
                row = rng.choice(math_rows)
                answer = row["answer"] if rng.random() < 0.5 else rng.choice(math_rows)["answer"]
                task, gold = "math", row["answer"]
            elif kind < 0.9:
                row = rng.choice(aime_rows)
                answer = row["answer"] if rng.random() < 0.5 else str(rng.randint(0, 999))
                task, gold = "aime", row["answer"]
            else:
                gold = rng.choice("ABCD")
                answer = gold if rng.random() < 0.5 else rng.choice("ABCD")
                task = "gpqa"
            final = (f"\n</think>\n\nPutting it together, the final answer is $\\boxed{{{answer}}}$."
                     if task != "gpqa" else f"\n</think>\n\n**Answer:** ({answer})")
            pred = "<think>\n" + "\n\n".join(thinking) + final
            sizes.append(len(pred.encode("utf-8")))
            out.write(json.dumps({"task": task, "gold": gold, "pred": pred}) + "\n")
    sizes.sort()
    print(f"wrote {n} requests to {out_path}: trace bytes min {sizes[0]}, median {sizes[len(sizes) // 2]}, "
          f"max {sizes[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
