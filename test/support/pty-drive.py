"""Runs a command under a pseudo-terminal and types into it as a person would.

Usage: python3 pty-drive.py STEPS_JSON -- COMMAND [ARG...]

STEPS_JSON is a list of steps, done in order:
  {"expect": REGEX}  wait until the output since the previous step matches REGEX
                     (ANSI escape codes removed), at most TIMEOUT seconds;
  {"send": TEXT}     type TEXT (escape sequences included, e.g. "\u001b[B" for Down).
After the last step it reads until the command exits, then prints one JSON line on stdout:
{"exitCode": N, "output": "...everything the terminal showed, escape codes removed...",
 "raw": "...the same, as the terminal received it", "failed": null or "what it was waiting for"}.
The terminal is 100 columns by 40 rows. Used by test/cli/pick.test.ts.
"""

import json
import os
import pty
import re
import select
import struct
import sys
import termios
import fcntl
import time

TIMEOUT = 20.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b[=>78]")


def strip(text):
    return ANSI.sub("", text)


def main():
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))

    output = ""
    mark = 0
    failed = None

    def read_some(deadline):
        nonlocal output
        remaining = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        output += data.decode("utf-8", errors="replace")
        return True

    for step in steps:
        if "send" in step:
            os.write(fd, step["send"].encode("utf-8"))
            continue
        pattern = re.compile(step["expect"], re.M)
        deadline = time.monotonic() + TIMEOUT
        while not pattern.search(strip(output[mark:])):
            if time.monotonic() > deadline or not read_some(deadline):
                failed = step["expect"]
                break
        if failed is not None:
            break
        mark = len(output)

    if failed is not None:
        os.kill(pid, 9)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and read_some(deadline):
        pass
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"exitCode": code, "output": strip(output), "raw": output, "failed": failed}))


main()
