"""The part of the Swift and Kotlin syntax gates (swift_syntax.py, kotlin_syntax.py) that does not
depend on the language: find ERROR and MISSING nodes in a tree-sitter parse, and check a list of
files after the gate's self-test, printing each problem with its line.
"""


def problems(parser, source: bytes):
    """The ERROR and MISSING nodes of `source` (outermost first), as parsed by `parser`."""
    out = []

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            out.append(node)
            return
        for child in node.children:
            if child.has_error or child.is_missing:
                walk(child)

    walk(parser.parse(source).root_node)
    return out


def self_test(language, find, good: bytes, broken):
    """Proves the gate passes `good` and rejects each of `broken`."""
    assert not find(good), f"valid {language} was flagged"
    for b in broken:
        assert find(b), f"broken {language} passed: {b!r}"
    print(f"{language} syntax gate: self-test ok (1 valid file passes, {len(broken)} broken files fail)")


def check_files(language, find, paths):
    """Exit status 1 when any file has a problem; each problem printed as `path:line: KIND`."""
    failed = 0
    for path in paths:
        with open(path, "rb") as f:
            found = find(f.read())
        for node in found[:10]:
            kind = "MISSING " + node.type if node.is_missing else "ERROR"
            print(f"{path}:{node.start_point[0] + 1}: {kind}")
        if found:
            print(f"{path}: FAILED")
        failed += bool(found)
    print(f"{language} syntax gate: {len(paths) - failed} of {len(paths)} files parse")
    return 1 if failed else 0
