#!/usr/bin/env python3
"""Differential check of the labelled math cases against Hugging Face's Math-Verify (PyPI math-verify).

Reads tests/graders/labelled_cases.jsonl, grades every "math" case with math_verify.parse/verify (gold wrapped
in $...$, the prediction as the raw model output), and compares with the case's expected verdict. A
disagreement is allowed only when the case is marked "mathverify_error": true (a case where Math-Verify is
wrong, e.g. 1/2004! == 1/2006! through its float comparison). Exits 1 listing any other disagreement.

usage: mathverify_differential.py LABELLED_CASES.jsonl [--show-all]
"""
import json
import sys

from math_verify import parse, verify


def mathverify_verdict(gold: str, prediction: str) -> bool:
    try:
        return bool(verify(parse("$" + gold + "$"), parse(prediction)))
    except Exception:  # Math-Verify raising is a "not equal" verdict, as in its own pipeline
        return False


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    path = sys.argv[1]
    show_all = "--show-all" in sys.argv
    unexpected, known, n_math = [], 0, 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            case = json.loads(line)
            if case["task"] != "math":
                continue
            n_math += 1
            theirs = mathverify_verdict(case["gold"], case["pred"])
            if theirs == case["correct"]:
                continue
            if case.get("mathverify_error"):
                known += 1
                if show_all:
                    print(f"known Math-Verify error, line {number}: {case['note']}")
                continue
            unexpected.append((number, case, theirs))
    for number, case, theirs in unexpected:
        print(f"{path}:{number}: Math-Verify says {theirs}, the label says {case['correct']} ({case['note']})\n"
              f"  gold: {case['gold']}\n  pred: {case['pred']}")
    print(f"{n_math} math cases: {n_math - known - len(unexpected)} agree, {known} known Math-Verify errors, "
          f"{len(unexpected)} unexpected disagreements")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
