"""Fails unless README holds FILE's text verbatim in one fenced code block, so the example a
reader copies from the README is the one the scripts compile (Kotlin) or check (Swift).

Usage: readme_has.py README FILE
"""
import re
import sys


def main(readme, path):
    body = open(path).read().strip("\n")
    blocks = [b.strip("\n") for b in re.findall(r"^```\w*\n(.*?)^```", open(readme).read(), re.S | re.M)]
    if body in blocks:
        print(f"{readme}: shows {path} as it is")
        return 0
    print(f"{readme}: no code block equals {path}; paste the file into the README again")
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
