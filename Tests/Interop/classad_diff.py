#!/usr/bin/env python3
"""Differential test of our ClassAd language against HTCondor's own library (classad2, PyPI htcondor).

Generates random expressions and ads from a small grammar (fresh seed each run, printed; replay with
--seed), evaluates them with classad2, and writes the cases with classad2's answers as JSON. The Swift
side (Tests/ClassAdTests/DifferentialTests.swift, suite ClassAdDifferential) reads that file from the
CLASSAD_DIFF_CASES environment variable and compares value and type, and match results, with ours.
Run both with Tests/Interop/classad-test.sh.

Case shapes:
  {"kind": "eval", "expr": TEXT, "my": AD|null, "target": AD|null, "expected": {"type", "value"}}
  {"kind": "match", "a": AD, "b": AD, "expected": {"match": BOOL, "rank": REAL_TEXT}}
classad2 resolves unscoped names in MY only; the Swift side evaluates with the same rule (.myOnly).
"""
import argparse
import json
import math
import random
import sys

import classad2

NAMES = ["a", "b", "c", "Mem", "Arch", "n"]
STRINGS = ["a", "A", "abc", "ABC", "", "x86_64", "X86_64", "Linux", "b,c", "a, b ,c", "\u00e9t\u00c9", "tab\there", "12abc", "-3.5e1"]
REALS = [0.0, -0.0, 0.5, -1.5, 2.25, 3.0, 1e300, -1e300, 1e-300, 0.1]
INTS = [0, 1, 2, 3, -1, -7, 10, 1024, 9223372036854775807, -9223372036854775807]
BINARY = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "=?=", "=!=", "is", "isnt", "&&", "||",
          "&", "|", "^", "<<", ">>", ">>>"]
REGEXES = ["a.*", "^a", "c$", "[a-c]+", "^[0-9]+$", "(ab|cd)", "a?b*c", "x86_", "^$", "[^a]", "\\\\d", "A"]
# Function name -> argument-count choices (a wrong count now and then tests the ERROR answer).
FUNCTIONS = {
    "ifThenElse": [3, 3, 3, 2], "isUndefined": [1, 1, 2], "isError": [1], "member": [2, 2, 1],
    "size": [1], "strcat": [0, 1, 2, 3], "toLower": [1], "toUpper": [1], "substr": [2, 3, 3],
    "floor": [1], "ceiling": [1], "round": [1], "min": [1], "max": [1], "regexp": [2, 2, 3],
}


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Grammar:
    def __init__(self, rng):
        self.r = rng
        # Inside ads, list elements hold no references: classad2 evaluates a list's elements where
        # the list is used, we where it is written (a documented difference).
        self.plain_lists = False

    def items(self, depth, count):
        make = self.scalar if self.plain_lists else self.expr
        return "{" + ", ".join(make(depth) for _ in range(count)) + "}"

    def literal(self):
        k = self.r.randrange(10)
        if k < 3:
            return str(self.r.choice(INTS)) if self.r.random() < 0.9 else str(self.r.randrange(-100, 100))
        if k < 5:
            v = self.r.choice(REALS) if self.r.random() < 0.7 else round(self.r.uniform(-100, 100), 3)
            text = repr(v)
            return text if ("." in text or "e" in text) else text + ".0"
        if k < 7:
            return quote(self.r.choice(STRINGS))
        return self.r.choice(["true", "false", "undefined", "error", "TRUE", "False", "UNDEFINED"])

    def reference(self):
        name = self.r.choice(NAMES)
        k = self.r.randrange(10)
        if k == 0:
            name = name.upper()  # attribute names ignore case
        elif k == 1:
            name = "'" + name + "'"  # quoted attribute name
        scope = self.r.choice(["", "", "MY.", "TARGET.", "my.", "target."])
        return scope + name

    def expr(self, depth):
        if depth <= 0:
            return self.literal() if self.r.random() < 0.6 else self.reference()
        k = self.r.randrange(100)
        if k < 15:
            return self.literal()
        if k < 25:
            return self.reference()
        if k < 55:
            op = self.r.choice(BINARY)
            return "%s %s %s" % (self.sub(depth), op, self.sub(depth))
        if k < 62:
            return self.r.choice(["-", "!", "+", "~"]) + self.sub(depth)
        if k < 67:
            return "%s ? %s : %s" % (self.sub(depth), self.sub(depth), self.sub(depth))
        if k < 71:
            return "%s ?: %s" % (self.sub(depth), self.sub(depth))
        if k < 76:
            return self.items(depth - 1, self.r.randrange(4))
        if k < 78:
            return "[p = %s; q = %s].%s" % (self.expr(depth - 1), self.expr(depth - 1), self.r.choice(["p", "q", "a", "P"]))
        if k < 80:
            return "%s[%s]" % (self.sub(depth), self.r.choice(["0", "1", "2", "-1", "\"p\"", self.expr(depth - 1)]))
        return self.call(depth)

    def sub(self, depth):
        e = self.expr(depth - 1)
        return "(" + e + ")" if " " in e else e

    def scalar(self, depth):
        """An expression without lists, ads or references: strcat/toLower/toUpper write a list's
        text, which classad2 writes unevaluated (a documented difference)."""
        if depth <= 0 or self.r.random() < 0.4:
            return self.literal()
        k = self.r.randrange(3)
        if k == 0:
            return "(%s %s %s)" % (self.scalar(depth - 1), self.r.choice(BINARY), self.scalar(depth - 1))
        if k == 1:
            return "%s(%s)" % (self.r.choice(["toLower", "toUpper", "floor", "round", "size"]), self.scalar(depth - 1))
        return "(%s ? %s : %s)" % (self.scalar(depth - 1), self.scalar(depth - 1), self.scalar(depth - 1))

    def call(self, depth):
        name = self.r.choice(list(FUNCTIONS))
        count = self.r.choice(FUNCTIONS[name])
        if name in ("strcat", "toLower", "toUpper"):
            return "%s(%s)" % (name, ", ".join(self.scalar(depth - 1) for _ in range(count)))
        args = [self.expr(depth - 1) for _ in range(count)]
        if name == "regexp" and count >= 2 and self.r.random() < 0.7:
            args[0] = quote(self.r.choice(REGEXES).replace("\\\\", "\\"))
            if count == 3:
                args[2] = quote(self.r.choice(["i", "", "I"]))
        if name in ("min", "max") and self.r.random() < 0.7:
            args = [self.items(depth - 1, self.r.randrange(4))]
        if name == "member" and count == 2 and self.r.random() < 0.6:
            args[1] = "{" + ", ".join(self.literal() for _ in range(self.r.randrange(4))) + "}"
        return "%s(%s)" % (name, ", ".join(args))

    def ad(self, depth, extra=()):
        attributes = []
        self.plain_lists = True
        for name in NAMES:
            if self.r.random() < 0.6:
                attributes.append("%s = %s" % (name, self.expr(self.r.randrange(depth + 1))))
        self.plain_lists = False
        attributes.extend(extra)
        self.r.shuffle(attributes)
        return "[" + "; ".join(attributes) + "]"

    def condition(self):
        clauses = []
        for _ in range(self.r.randrange(1, 4)):
            name = self.r.choice(NAMES)
            k = self.r.randrange(4)
            if k == 0:
                clauses.append("TARGET.%s %s %s" % (name, self.r.choice(["<", ">=", "==", "!="]), self.literal()))
            elif k == 1:
                clauses.append("TARGET.%s =?= %s" % (name, self.literal()))
            elif k == 2:
                clauses.append("MY.%s %s TARGET.%s" % (name, self.r.choice(["<", "==", ">"]), self.r.choice(NAMES)))
            else:
                clauses.append(self.expr(2))
        return " && ".join(clauses) if self.r.random() < 0.8 else " || ".join(clauses)


def realistic_ad(r):
    """A job- or machine-like ad whose Requirements often hold, so that matches are exercised."""
    mem = r.choice([512, 1024, 2048, 4096])
    arch = r.choice(["x86_64", "X86_64", "ARM64"])
    clauses = [
        "TARGET.Mem >= %d" % r.choice([0, 512, 1024, 2048]),
        "TARGET.Arch == %s" % quote(r.choice(["x86_64", "ARM64"])),
        "TARGET.Mem * 2 > MY.Mem",
        "isUndefined(TARGET.Gpus) || TARGET.Gpus > 0",
        'regexp("^x86", TARGET.Arch, "i")',
        'member(TARGET.Arch, {"x86_64", "ARM64"})',
        "TARGET.Mem >= MY.Mem",
        "(TARGET.Gpus ?: 0) >= %d" % r.choice([0, 1]),
        "TARGET.Arch =?= %s" % quote(arch),
    ]
    chosen = r.sample(clauses, r.randrange(1, 4))
    ranks = ["TARGET.Mem / 1024.0", "TARGET.Mem", 'ifThenElse(TARGET.Arch == "x86_64", 10, 1)', "TARGET.Gpus", "-TARGET.Mem"]
    attributes = ["Mem = %d" % mem, "Arch = %s" % quote(arch), "Requirements = " + " && ".join(chosen),
                  "Rank = " + r.choice(ranks)]
    if r.random() < 0.3:
        attributes.append("Gpus = %d" % r.choice([0, 1, 2]))
    r.shuffle(attributes)
    return "[" + "; ".join(attributes) + "]"


def describe(value):
    """classad2's value as {"type", "value"}; numbers as exact text."""
    if isinstance(value, classad2.Value):
        return {"type": "undefined" if value == classad2.Value.Undefined else "error", "value": None}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"type": "real", "value": "nan"}
        if math.isinf(value):
            return {"type": "real", "value": "inf" if value > 0 else "-inf"}
        return {"type": "real", "value": repr(value)}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, list):
        # classad2 hands lists back unevaluated: only their length is compared.
        return {"type": "list", "value": len(value)}
    if isinstance(value, classad2.ClassAd):
        return {"type": "classad", "value": None}
    raise TypeError("unexpected classad2 value %r" % (value,))


def rank_number(value):
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and not isinstance(value, classad2.Value):
        v = float(value)
        return 0.0 if math.isnan(v) else v
    return 0.0


def parse_ad(text):
    try:
        return classad2.ClassAd(text)
    except Exception:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print("classad_diff: seed %d (replay with --seed %d), %d cases" % (seed, seed, args.cases), flush=True)
    grammar = Grammar(random.Random(seed))
    cases = []
    skipped = 0
    while len(cases) < args.cases:
        if grammar.r.random() < 0.8:
            expr = grammar.expr(grammar.r.randrange(1, 5))
            my = grammar.ad(2) if grammar.r.random() < 0.7 else None
            target = grammar.ad(2) if my is not None and grammar.r.random() < 0.6 else None
            my_ad = parse_ad(my) if my else None
            target_ad = parse_ad(target) if target else None
            if (my and my_ad is None) or (target and target_ad is None):
                continue
            try:
                tree = classad2.ExprTree(expr)
            except Exception:
                cases.append({"kind": "eval", "expr": expr, "my": my, "target": target,
                              "expected": {"type": "parse-error", "value": None}})
                continue
            if my_ad is not None:
                # Without a second ad classad2 sets no MY scope: an empty TARGET stands in for none.
                if target_ad is None:
                    target, target_ad = "[]", classad2.ClassAd()
                value = tree.simplify(my_ad, target_ad).eval()
            else:
                value = tree.eval()
            expected = describe(value)
            if expected["type"] == "string" and ("{" in expected["value"] or "[" in expected["value"]):
                # The text of a list or ad made by strcat/toLower: classad2 keeps lists unevaluated
                # and writes their expressions, we write their values (docs/classad.md).
                skipped += 1
                continue
            cases.append({"kind": "eval", "expr": expr, "my": my, "target": target, "expected": expected})
        else:
            if grammar.r.random() < 0.5:
                a, b = realistic_ad(grammar.r), realistic_ad(grammar.r)
            else:
                a = grammar.ad(1, ["Requirements = " + grammar.condition(), "Rank = " + grammar.expr(2)])
                b = grammar.ad(1, ["Requirements = " + grammar.condition()])
            ad_a, ad_b = parse_ad(a), parse_ad(b)
            if ad_a is None or ad_b is None:
                continue
            rank = classad2.ExprTree("MY.Rank").simplify(ad_a, ad_b).eval()
            cases.append({"kind": "match", "a": a, "b": b,
                          "expected": {"match": bool(ad_a.symmetricMatch(ad_b)), "rank": repr(rank_number(rank))}})
    with open(args.out, "w") as f:
        json.dump({"seed": seed, "cases": cases}, f)
    print("classad_diff: wrote %s (%d cases left out: text of a list or ad)" % (args.out, skipped), flush=True)


if __name__ == "__main__":
    sys.exit(main())
