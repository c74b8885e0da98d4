"""Syntax gate for Kotlin sources (.kt, .kts) without the Android toolchain: parses each file with
tree-sitter-kotlin and fails on any ERROR or MISSING node. It does not type-check: kotlinc does
that for the sources that compile on the JVM (android/scripts/jvm-tests.sh); the Compose app's
sources need the Android SDK.

A self-test runs first and proves the gate passes valid code and rejects broken code.
Usage: kotlin_syntax.py FILE...
"""
import sys

import tree_sitter_kotlin
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_kotlin.language()))


def problems(source: bytes):
    out = []

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            out.append(node)
            return
        for child in node.children:
            if child.has_error or child.is_missing:
                walk(child)

    walk(PARSER.parse(source).root_node)
    return out


def self_test():
    good = (
        b"package a.b\n\nimport kotlinx.coroutines.flow.Flow\n\n"
        b"sealed interface U { data class E(val x: Int) : U }\n"
        b"@Composable\nfun Screen(state: State<Int>, onTap: () -> Unit = {}) {\n"
        b"    val n by remember { mutableStateOf(0) }\n"
        b"    Column(modifier = Modifier.padding(8.dp)) { Text(\"n = $n ${state.value}\") }\n}\n"
        b"suspend fun f(xs: List<Int>): Int = xs.sumOf { it * 2 }\n"
    )
    broken = [
        b"fun f( : Int = 1\n",
        b"class A { val x = 1\n",
        b"val y = 1 +\n",
        b'fun g() { Text("unterminated) }\n',
    ]
    assert not problems(good), "valid Kotlin was flagged"
    for b in broken:
        assert problems(b), f"broken Kotlin passed: {b!r}"
    print(f"kotlin syntax gate: self-test ok (1 valid file passes, {len(broken)} broken files fail)")


def main(paths):
    self_test()
    failed = 0
    for path in paths:
        found = problems(open(path, "rb").read())
        for node in found[:10]:
            kind = "MISSING " + node.type if node.is_missing else "ERROR"
            print(f"{path}:{node.start_point[0] + 1}: {kind}")
        if found:
            print(f"{path}: FAILED")
        failed += bool(found)
    print(f"kotlin syntax gate: {len(paths) - failed} of {len(paths)} files parse")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
