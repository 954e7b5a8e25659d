#!/usr/bin/env python3
"""Run the ```console examples of README.md and compare their output with the README's.

Usage: run_readme.py --eifkit PATH/TO/eifkit [--keep] [--timeout S] REPO_ROOT

The README is a transcript. In each ```console block (a fence indented in a list item is
fine), a line starting with `$ ` is a command; the command goes on over the following lines
while a line ends with `\\`, `&&` or `|`. The lines after it, up to the next `$ ` line or the
end of the block, are what the command prints: standard output and standard error merged,
in the order they were written, compared line by line (trailing spaces ignored).

In expected output, `…` (U+2026) stands for text that differs from run to run (keys,
signatures, dates): within a line it matches any text, and a line that is just `…` matches
any number of lines, none included. There is no escape for a literal `…`.

All blocks run in order in ONE bash session, in one scratch directory outside the checkout,
because the README builds on earlier examples (`$v`, `$i`, sample.eif, app.eif, signer.pem
…). `$?` is carried from one command to the next (so `$ echo $?` works); PIPESTATUS is not.
The scratch directory holds a symlink `testdata` to the checkout's testdata/, so README paths
are relative to the repository root as the README says. The directory of --eifkit is put in
front of PATH. The checkout must be left as it was: `git status --porcelain --ignored` is
compared before and after.

Exit status 0 when every command printed what the README shows, 1 otherwise (with the
README line, the command and a diff for each mismatch), 2 for unusable arguments or README.
"""

import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

WILDCARD = "\u2026"  # …
CONTINUATIONS = ("\\", "&&", "|")
FENCE_OPEN = re.compile(r"^(\s*)```console\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")


class ReadmeError(Exception):
    pass


class Command:
    def __init__(self, block, line, text, expected):
        self.block = block        # 1-based index of the console block
        self.line = line          # README line of the `$ ` line
        self.text = text          # the command, continuation lines included
        self.expected = expected  # expected output lines


def parse_readme(path):
    """Returns the Commands of every ```console block, in README order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    commands = []
    block = 0
    n = 0
    while n < len(lines):
        m = FENCE_OPEN.match(lines[n])
        n += 1
        if not m:
            continue
        block += 1
        indent = m.group(1)
        start = n
        body = []  # (README line number, text)
        while n < len(lines) and not FENCE_CLOSE.match(lines[n]):
            text = lines[n]
            if text.startswith(indent):
                text = text[len(indent):]
            body.append((n + 1, text))
            n += 1
        if n == len(lines):
            raise ReadmeError(f"{path}:{start}: ```console block is not closed")
        n += 1  # the closing fence
        k = 0
        while k < len(body):
            lineno, text = body[k]
            if not text.startswith("$ "):
                if text.strip():
                    raise ReadmeError(f"{path}:{lineno}: output before the first `$ ` command of "
                                      f"the block: {text!r}")
                k += 1
                continue
            cmd = [text[2:]]
            while cmd[-1].rstrip().endswith(CONTINUATIONS):
                k += 1
                if k == len(body):
                    raise ReadmeError(f"{path}:{lineno}: the command's last line ends with a "
                                      "continuation but the block ends")
                cmd.append(body[k][1])
            k += 1
            expected = []
            while k < len(body) and not body[k][1].startswith("$ "):
                expected.append(body[k][1])
                k += 1
            while expected and not expected[-1].strip():
                expected.pop()
            commands.append(Command(block, lineno, "\n".join(cmd), expected))
    return commands


def line_matches(pattern, actual):
    if WILDCARD not in pattern:
        return pattern == actual
    regex = ".*".join(re.escape(part) for part in pattern.split(WILDCARD))
    return re.fullmatch(regex, actual, re.DOTALL) is not None


def output_matches(expected, actual):
    """expected lines (with … wildcards) against actual lines."""
    memo = {}

    def match(e, a):
        key = (e, a)
        if key in memo:
            return memo[key]
        if e == len(expected):
            result = a == len(actual)
        elif expected[e] == WILDCARD:
            result = any(match(e + 1, b) for b in range(a, len(actual) + 1))
        else:
            result = a < len(actual) and line_matches(expected[e], actual[a]) and match(e + 1, a + 1)
        memo[key] = result
        return result

    return match(0, 0)


def git_state(root):
    """The checkout's `git status`, or None when it is not a git checkout."""
    if not os.path.exists(os.path.join(root, ".git")) or shutil.which("git") is None:
        return None
    result = subprocess.run(["git", "-C", root, "status", "--porcelain", "--ignored",
                             "--untracked-files=all"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if result.returncode != 0:
        return None
    # ctest keeps its own bookkeeping under the build tree's Testing/ while tests run beside
    # this one; that is not the examples' doing.
    return {line for line in result.stdout.splitlines() if "/Testing/" not in line}


def make_script(commands, scratch, marker):
    parts = [
        "# Generated by run_readme.py from README.md.",
        f"cd {shquote(scratch)} || exit 99",
        "__readme_status() { return \"$1\"; }",
    ]
    for index, cmd in enumerate(commands):
        parts.append(f"# README.md:{cmd.line}")
        parts.append(cmd.text)
        parts.append(f"__readme_rc=$?; printf '\\n%s %d %d\\n' {marker} \"$__readme_rc\" {index}; "
                     "__readme_status \"$__readme_rc\"")
    return "\n".join(parts) + "\n"


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def run_script(script_path, env, timeout):
    """Runs the script in its own process group; returns (output, timed_out)."""
    proc = subprocess.Popen(["bash", "--noprofile", "--norc", script_path], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    # Anything the examples left running in the background.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return out.decode("utf-8", errors="replace"), timed_out


def split_output(output, marker, count):
    """Returns ([(status, output lines)] of the commands that finished, trailing text)."""
    pattern = re.compile("\n" + re.escape(marker) + r" (\d+) (\d+)\n")
    results = []
    pos = 0
    for m in pattern.finditer(output):
        if int(m.group(2)) != len(results):
            raise ReadmeError(f"internal error: marker {m.group(2)} out of order")
        lines = [l.rstrip() for l in output[pos:m.start()].split("\n")]
        if lines[-1] == "":  # the output's last newline, or no output at all
            lines.pop()
        results.append((int(m.group(1)), lines))
        pos = m.end()
    assert len(results) <= count
    return results, output[pos:]


def indent(lines, prefix="    "):
    return "\n".join(prefix + l for l in lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", help="repository root (holds README.md and testdata/)")
    parser.add_argument("--eifkit", required=True, help="the eifkit binary to test")
    parser.add_argument("--readme", help="README to run (default ROOT/README.md)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds for the whole README (default 600)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    root = os.path.abspath(args.root)
    readme = os.path.abspath(args.readme or os.path.join(root, "README.md"))
    eifkit = os.path.abspath(args.eifkit)
    if not (os.path.isfile(eifkit) and os.access(eifkit, os.X_OK)):
        print(f"run_readme: {eifkit}: not an executable file", file=sys.stderr)
        return 2
    if not os.path.isdir(os.path.join(root, "testdata")):
        print(f"run_readme: {root}: no testdata/ directory", file=sys.stderr)
        return 2
    try:
        commands = parse_readme(readme)
    except (OSError, ReadmeError) as e:
        print(f"run_readme: {e}", file=sys.stderr)
        return 2
    if not commands:
        print(f"run_readme: {readme}: no ```console commands", file=sys.stderr)
        return 2
    rel = os.path.relpath(readme, root)
    if rel.startswith(os.pardir):
        rel = readme

    before = git_state(root)
    work = tempfile.mkdtemp(prefix="eifkit-readme-")
    scratch = os.path.join(work, "repo")
    os.mkdir(scratch)
    os.symlink(os.path.join(root, "testdata"), os.path.join(scratch, "testdata"))
    marker = "@@readme-" + uuid.uuid4().hex + "@@"
    script = os.path.join(work, "readme.sh")
    with open(script, "w", encoding="utf-8") as f:
        f.write(make_script(commands, scratch, marker))

    env = {k: v for k, v in os.environ.items()
           if k not in ("BASH_ENV", "ENV", "CDPATH", "SOURCE_DATE_EPOCH", "GREP_OPTIONS",
                        "LS_COLORS", "POSIXLY_CORRECT")}
    env["PATH"] = os.path.dirname(eifkit) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")
    env["LC_ALL"] = "C.UTF-8"
    env["LANG"] = "C.UTF-8"
    env["COLUMNS"] = "80"
    env["HOME"] = os.path.join(work, "home")
    os.mkdir(env["HOME"])

    started = time.monotonic()
    output, timed_out = run_script(script, env, args.timeout)
    elapsed = time.monotonic() - started
    results, trailing = split_output(output, marker, len(commands))

    failures = 0
    for cmd, (status, actual) in zip(commands, results):
        if output_matches(cmd.expected, actual):
            continue
        failures += 1
        print(f"{rel}:{cmd.line}: block {cmd.block}: the output differs from the README "
              f"(exit status {status})")
        print(indent(("$ " + cmd.text).split("\n")))
        diff = difflib.unified_diff(cmd.expected, actual, "README", "actual", lineterm="", n=2)
        print(indent(list(diff)[2:] or ["(README and actual output differ only in wildcards)"]))
        print()
    if len(results) < len(commands):
        failures += 1
        cmd = commands[len(results)]
        why = f"timed out after {args.timeout:.0f} s" if timed_out else "the shell stopped"
        print(f"{rel}:{cmd.line}: block {cmd.block}: {why} in this command; "
              f"{len(commands) - len(results) - 1} later commands did not run")
        print(indent(("$ " + cmd.text).split("\n")))
        print("  output so far:")
        print(indent(trailing.rstrip("\n").split("\n")) if trailing else "    (none)")
        print()
    elif trailing.strip():
        failures += 1
        print(f"{rel}: output after the last command (a background process?):")
        print(indent(trailing.rstrip("\n").split("\n")))

    after = git_state(root)
    if before is not None and after is not None and after != before:
        failures += 1
        print(f"{root}: running the examples changed the checkout's git status:")
        print(indent(sorted(after - before) + ["(gone) " + s for s in sorted(before - after)]))

    if args.keep:
        print(f"scratch directory kept: {scratch} (script {script})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{rel}: {len(commands)} commands in {max(c.block for c in commands)} console blocks, "
          f"{failures} failure(s), {elapsed:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
