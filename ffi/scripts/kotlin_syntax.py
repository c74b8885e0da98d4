"""Syntax gate for Kotlin sources (.kt, .kts) without the Android toolchain: parses each file with
tree-sitter-kotlin and fails on any ERROR or MISSING node. It does not type-check: kotlinc does
that for the sources that compile on the JVM (android/scripts/jvm-tests.sh); the Compose app's
sources need the Android SDK. A self-test runs first and proves the gate passes valid code and
rejects broken code.

Usage: kotlin_syntax.py FILE...
"""
import sys

import tree_sitter_kotlin
from tree_sitter import Language, Parser

import syntax_gate

PARSER = Parser(Language(tree_sitter_kotlin.language()))


def problems(source: bytes):
    return syntax_gate.problems(PARSER, source)


GOOD = (
    b"package a.b\n\nimport kotlinx.coroutines.flow.Flow\n\n"
    b"sealed interface U { data class E(val x: Int) : U }\n"
    b"@Composable\nfun Screen(state: State<Int>, onTap: () -> Unit = {}) {\n"
    b"    val n by remember { mutableStateOf(0) }\n"
    b"    Column(modifier = Modifier.padding(8.dp)) { Text(\"n = $n ${state.value}\") }\n}\n"
    b"suspend fun f(xs: List<Int>): Int = xs.sumOf { it * 2 }\n"
)
BROKEN = [
    b"fun f( : Int = 1\n",
    b"class A { val x = 1\n",
    b"val y = 1 +\n",
    b'fun g() { Text("unterminated) }\n',
]

if __name__ == "__main__":
    syntax_gate.self_test("kotlin", problems, GOOD, BROKEN)
    sys.exit(syntax_gate.check_files("kotlin", problems, sys.argv[1:]))
