#!/usr/bin/env python3
"""Differential check on generated cases: our math grader (through `rbench grade --jsonl`) against Math-Verify.

For every MATH-500 gold answer it writes model-like outputs in several forms: the gold itself boxed, answer-line
and "Final Answer: The final answer is $X$. I hope it is correct." forms, \\dfrac rewrites, display boxes, a
corrected box after a wrong one (and the reverse), integer/fraction perturbations (n+1, reciprocal, decimals to
6 and 2 places, doubled fractions, x = n, a list of guesses), another problem's answer, and the negation. Each
case is graded by both; every disagreement is printed for review (Math-Verify is not always right: see the
"mathverify_error" cases in tests/graders/labelled_cases.jsonl). Not a ctest: it takes a minute or two.

usage: mathverify_variants.py RBENCH_BINARY DATA_DIR
"""
import json
import random
import re
import subprocess
import sys

from math_verify import parse, verify


def variants(gold: str, other: str):
    forms = [f"Thus the answer is $\\boxed{{{gold}}}$.",
             f"Final Answer: The final answer is ${gold}$. I hope it is correct.",
             f"The answer is ${gold.replace(chr(92) + 'frac', chr(92) + 'dfrac')}$.",
             f"**Answer:** ${gold}$",
             f"Thus we get \\[\\boxed{{{gold}}}\\]",
             f"First I thought $\\boxed{{{other}}}$ but wait.\n\nActually the answer is $\\boxed{{{gold}}}$.",
             f"The answer is $\\boxed{{{gold}}}$. Wait, no: it is $\\boxed{{{other}}}$.",
             f"Thus the answer is $\\boxed{{{other}}}$.",
             f"Thus the answer is $\\boxed{{-({gold})}}$."]
    if re.fullmatch(r"-?\d+", gold.strip()):
        n = int(gold)
        forms += [f"$\\boxed{{{v}}}$" for v in (n + 1, f"{n}.0", f"\\frac{{{2 * n}}}{{2}}", f"x = {n}", f"{n}, {n + 1}")]
    fraction = re.fullmatch(r"\\[dt]?frac\{(-?\d+)\}\{(\d+)\}", gold.strip())
    if fraction:
        a, b = int(fraction.group(1)), int(fraction.group(2))
        forms += [f"$\\boxed{{{v}}}$" for v in (f"{a}/{b}", f"{a / b:.6f}", f"{a / b:.2f}",
                                                 f"\\frac{{{2 * a}}}{{{2 * b}}}", f"\\frac{{{b}}}{{{a or 1}}}")]
    return forms


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    rbench, data_dir = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(f"{data_dir}/math500.jsonl", encoding="utf-8")]
    rng = random.Random(7)
    cases = [{"task": "math", "gold": r["answer"], "pred": p}
             for r in rows for p in variants(r["answer"], rng.choice(rows)["answer"])]
    stdin = "".join(json.dumps(c) + "\n" for c in cases)
    out = subprocess.run([rbench, "grade", "--jsonl", "-"], input=stdin, capture_output=True, text=True, check=True)
    ours = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(ours) == len(cases), f"{len(ours)} verdicts for {len(cases)} cases"
    disagreements = 0
    for case, verdict in zip(cases, ours):
        try:
            theirs = bool(verify(parse("$" + case["gold"] + "$"), parse(case["pred"])))
        except Exception:  # Math-Verify raising counts as "not equal", as in its own pipeline
            theirs = False
        if theirs != verdict["correct"]:
            disagreements += 1
            print(f"Math-Verify {theirs}, rbench {verdict['correct']} ({verdict['reason']}): gold {case['gold']!r}, "
                  f"prediction {case['pred']!r}")
    print(f"{len(cases)} generated cases, {disagreements} disagreements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
