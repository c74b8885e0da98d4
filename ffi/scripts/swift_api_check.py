"""Checks, without a Swift compiler, that a Swift example calls the generated bindings as they
are: every call `name(label: …, …)` in the example must match a function or initialiser declared
in the generated env0_ffi.swift (or in the example itself) by name and argument labels, unless
its name is one of a few Foundation functions. It does not check types (that needs Xcode).

Usage: swift_api_check.py GENERATED.swift EXAMPLE.swift
A self-test first proves that a misspelled method, a wrong label and a missing argument are
caught.
"""
import re
import sys

FOUNDATION = {"print", "appendingPathComponent", "first", "URL", "String"}
KEYWORDS = {"if", "guard", "switch", "catch", "while", "for", "return", "func", "init", "case"}


def args_of(text, open_at):
    """The labels of the argument list that opens at text[open_at] == '('."""
    depth, start, parts = 0, open_at + 1, []
    for i in range(open_at, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:i])
                break
        elif c == "," and depth == 1:
            parts.append(text[start:i])
            start = i + 1
    labels = []
    for p in parts:
        m = re.match(r"\s*(\w+)\s*:(?!:)", p)
        if p.strip():
            labels.append(m.group(1) if m else "_")
    return labels


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def declarations(text, implicit_inits=False):
    """Signatures `name(a:b:)` of every func and init, inits under their type's name; a class
    or struct of the example itself also gets the implicit `Name()`."""
    text = strip_comments(text)
    sigs = set()
    if implicit_inits:
        sigs = {f"{n}()" for n in re.findall(r"\b(?:class|struct)\s+(\w+)", text)}
    # Inits belong to the innermost enclosing type, tracked by brace depth.
    stack, depth, pending = [], 0, None
    pattern = r"\b(?:struct|class|enum|protocol|extension)\s+(\w+)|\bfunc\s+`?(\w+)`?\s*(?:<[^>]*>)?\(|\binit\(|([{}])"
    for m in re.finditer(pattern, text):
        if m.group(1):
            pending = m.group(1)
            continue
        if m.group(3) == "{":
            depth += 1
            if pending:
                stack.append((pending, depth))
                pending = None
            continue
        if m.group(3) == "}":
            if stack and stack[-1][1] == depth:
                stack.pop()
            depth -= 1
            continue
        name = m.group(2) or (stack[-1][0] if stack else "?")
        close = text.index(")", m.end())
        labels = []
        for p in re.split(r",(?![^<\[(]*[>\])])", text[m.end():close]):
            words = p.split(":")[0].split()
            if words:
                labels.append(words[0])
        sigs.add(f"{name}({''.join(l + ':' for l in labels)})")
    return sigs


def calls(text):
    text = strip_comments(text)
    out = []
    for m in re.finditer(r"\b([A-Za-z_]\w*)\(", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start:m.start()].strip()
        name = m.group(1)
        # Skip patterns (`case .x(…)`, `catch E.x(…)`) and the example's own declarations.
        if name in KEYWORDS or line.startswith("case") or "catch" in line or re.search(r"\bfunc$", line):
            continue
        labels = args_of(text, m.end() - 1)
        out.append((text.count("\n", 0, m.start()) + 1, f"{name}({''.join(l + ':' for l in labels)})", name))
    return out


def problems(generated, example):
    known = declarations(generated) | declarations(example, implicit_inits=True)
    return [(line, sig) for line, sig, name in calls(example)
            if name not in FOUNDATION and sig not in known]


def self_test():
    gen = "public class Agent {\n public static func oracle() -> Agent { }\n" \
          "open func runTask(library: TaskLibrary, taskId: String) throws -> TaskHandle { }\n}\n" \
          "public struct TaskFilter {\n public init(family: String?, split: String?) { }\n}\n"
    good = "let h = try Agent.oracle().runTask(library: lib, taskId: \"x\")\n" \
           "let f = TaskFilter(family: nil, split: \"eval\")\nprint(f)\n"
    assert not problems(gen, good), problems(gen, good)
    for bad in ("try Agent.oracle().runTsk(library: lib, taskId: \"x\")\n",
                "try Agent.oracle().runTask(lib: lib, taskId: \"x\")\n",
                "TaskFilter(family: nil)\n"):
        assert problems(gen, bad), f"not caught: {bad!r}"
    print("swift api check: self-test ok (a good call passes; a misspelled method, a wrong label "
          "and a missing argument are caught)")


def main(generated_path, example_path):
    self_test()
    found = problems(open(generated_path).read(), open(example_path).read())
    for line, sig in found:
        print(f"{example_path}:{line}: {sig} is not declared in {generated_path}")
    n = len(calls(open(example_path).read()))
    print(f"{example_path}: {'FAILED' if found else f'all {n} calls match the generated bindings'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
