#!/usr/bin/env python3
"""Times the parser on adversarial inputs of 100 KB and 1 MB (issue 13): long unclosed and
closed names full of `\\"`, many `;`, long comments, deep nesting, long operator chains.

    cargo build --release && python3 bench/parse_inputs.py [target/release/supplygraph]

Each input is written to a temporary script and run with `supplygraph run`; the table shows
the wall time and the first line of what the program said. Every run should end in
milliseconds with a clean error (exit 1) or none (exit 0), never a crash (exit 101, 134).
"""
import os
import subprocess
import sys
import tempfile
import time

SHAPES = {
    "unclosed name of \\\"": lambda n: 'show "' + '\\"' * (n // 2),
    "closed name of \\\"": lambda n: 'show "' + '\\"' * (n // 2) + '"',
    "unclosed name": lambda n: 'show "' + "a" * n,
    "many ;": lambda n: ";" * n,
    "one long comment": lambda n: "-- " + "x" * n + '\nshow "x"',
    "comment lines with ; and \"": lambda n: '-- x;"\n' * (n // 8) + 'show "x"',
    "union chain": lambda n: "show " + '"a", ' * (n // 5) + '"a"',
    "nested parentheses": lambda n: "show " + "(" * (n // 2) + '"a"' + ")" * (n // 2),
    "nested diagram": lambda n: "diagram " * (n // 8) + 'exposure of "a" to "b"' + ' to "x.svg"' * (n // 8),
    "not not not": lambda n: "nodes where " + "not " * (n // 4) + "kind = mine",
    "upstream of upstream of": lambda n: "show " + "upstream of " * (n // 12) + '"a"',
}


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "target/release/supplygraph"
    with tempfile.TemporaryDirectory() as d:
        print(f"{'input':32} {'size':>6} {'exit':>4} {'seconds':>8}  first line")
        for name, make in SHAPES.items():
            for n, label in [(100_000, "100KB"), (1_000_000, "1MB")]:
                path = os.path.join(d, "q.sgq")
                with open(path, "w") as f:
                    f.write(make(n))
                t = time.perf_counter()
                p = subprocess.run([exe, "run", path], capture_output=True, text=True, timeout=600)
                dt = time.perf_counter() - t
                first = (p.stderr.splitlines() or [""])[0][:60]
                print(f"{name:32} {label:>6} {p.returncode:>4} {dt:8.3f}  {first}")


if __name__ == "__main__":
    main()
