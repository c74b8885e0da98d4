"""Syntax gate for Swift sources without a Swift compiler: parses each file with tree-sitter-swift
and fails on any ERROR or MISSING node. It does not type-check (that needs Xcode).

Two constructs of the generated UniFFI bindings are valid Swift that tree-sitter-swift 0.7.4 cannot
parse, and are rewritten to an equivalent form first: `#if swift(>=5.8)` / `#endif` around a lone
`@_documentation(visibility: private)` attribute (the wrapper is dropped, the attribute kept), and
the Void-returning closure `{ () }` (written `{ }`). A self-test runs first and proves the gate
passes valid code and rejects broken code.
"""
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_swift.language()))
ATTRIBUTE_GUARD = re.compile(
    r"^[ \t]*#if swift\(>=5\.8\)\n([ \t]*@_documentation\(visibility: private\)\n)[ \t]*#endif\n",
    re.M,
)


VOID_CLOSURE = re.compile(r"= \{ \(\) \}$", re.M)


def problems(source: bytes):
    text = ATTRIBUTE_GUARD.sub(r"\1", source.decode("utf-8"))
    text = VOID_CLOSURE.sub("= { }", text)
    out = []

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            out.append(node)
            return
        for child in node.children:
            if child.has_error or child.is_missing:
                walk(child)

    walk(PARSER.parse(text.encode("utf-8")).root_node)
    return out


def self_test():
    good = (
        b"import Foundation\nstruct A { let x: Int }\nfunc f(_ a: A) -> Int { a.x + 1 }\n"
        b"#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\nfunc g() {}\n"
        b"let done = { () }\n"
    )
    broken = [
        b"func f( -> Int { 1 }\n",
        b"struct A { let x: Int\n",
        b"let y = 1 +\n",
    ]
    assert not problems(good), "valid Swift was flagged"
    for b in broken:
        assert problems(b), f"broken Swift passed: {b!r}"
    print("swift syntax gate: self-test ok (1 valid file passes, 3 broken files fail)")


def main(paths):
    self_test()
    failed = 0
    for path in paths:
        found = problems(open(path, "rb").read())
        for node in found[:10]:
            kind = "MISSING " + node.type if node.is_missing else "ERROR"
            print(f"{path}:{node.start_point[0] + 1}: {kind}")
        print(f"{path}: {'FAILED' if found else 'parses'}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
