"""Syntax gate for Swift sources without a Swift compiler: parses each file with tree-sitter-swift
and fails on any ERROR or MISSING node. It does not type-check (that needs Xcode).

Two constructs of the generated UniFFI bindings are valid Swift that tree-sitter-swift 0.7.4 cannot
parse, and are rewritten to an equivalent form first: `#if swift(>=5.8)` / `#endif` around a lone
`@_documentation(visibility: private)` attribute (the wrapper is dropped, the attribute kept), and
the Void-returning closure `{ () }` (written `{ }`). A self-test runs first and proves the gate
passes valid code and rejects broken code.

Usage: swift_syntax.py FILE...
"""
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

import syntax_gate

PARSER = Parser(Language(tree_sitter_swift.language()))
ATTRIBUTE_GUARD = re.compile(
    r"^[ \t]*#if swift\(>=5\.8\)\n([ \t]*@_documentation\(visibility: private\)\n)[ \t]*#endif\n",
    re.M,
)
VOID_CLOSURE = re.compile(r"= \{ \(\) \}$", re.M)


def problems(source: bytes):
    text = ATTRIBUTE_GUARD.sub(r"\1", source.decode("utf-8"))
    text = VOID_CLOSURE.sub("= { }", text)
    return syntax_gate.problems(PARSER, text.encode("utf-8"))


GOOD = (
    b"import Foundation\nstruct A { let x: Int }\nfunc f(_ a: A) -> Int { a.x + 1 }\n"
    b"#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\nfunc g() {}\n"
    b"let done = { () }\n"
)
BROKEN = [
    b"func f( -> Int { 1 }\n",
    b"struct A { let x: Int\n",
    b"let y = 1 +\n",
]

if __name__ == "__main__":
    syntax_gate.self_test("swift", problems, GOOD, BROKEN)
    sys.exit(syntax_gate.check_files("swift", problems, sys.argv[1:]))
