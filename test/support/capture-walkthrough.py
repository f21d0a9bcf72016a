#!/usr/bin/env python3
"""
Captures the README's AqQua walkthrough from the real binary, as an owner sees it on a
terminal: each step typed into a tmux pane (160 columns by default), against the fake EcoTaxa
on 127.0.0.1 holding Olivia Owner's 32 projects of every kind plus 290 more (322 in all).

    npm run build && python3 test/support/capture-walkthrough.py [--columns 160] > walkthrough.txt

It prints each step's screen, with the fake's loopback address shown as the main server's
and the temporary home as /home/olivia, for pasting into README.md (long listings are cut by
hand there, where marked). Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MAIN = 'https://ecotaxa.obs-vlfr.fr/api'
SESSION = 'ecotaxa-walkthrough'


def tmux(*args: str) -> str:
    return subprocess.run(['tmux', *args], check=True, capture_output=True, text=True).stdout


def screen() -> str:
    # -J joins lines the terminal wrapped; -S - takes the whole scrollback.
    return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', SESSION)


def wait_for(pattern: str, timeout: float = 120) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = screen()
        if re.search(pattern, text, re.M):
            return text
        time.sleep(0.1)
    raise TimeoutError(f'waiting for {pattern!r}; the screen was:\n{screen()}')


def run(command: str, answers: list[tuple[str, str]] | None = None) -> str:
    """Types `command` at a clean screen, answers its prompts, returns the screen once done."""
    tmux('send-keys', '-t', SESSION, 'clear', 'Enter')
    wait_for(r'^\$ $')
    tmux('clear-history', '-t', SESSION)
    tmux('send-keys', '-t', SESSION, '-l', command + '; echo "__DONE__ $?"')
    tmux('send-keys', '-t', SESSION, 'Enter')
    for prompt, answer in answers or []:
        wait_for(prompt)
        tmux('send-keys', '-t', SESSION, '-l', answer)
        tmux('send-keys', '-t', SESSION, 'Enter')
    text = wait_for(r'^__DONE__ \d+$')
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--columns', type=int, default=160)
    parser.add_argument('--scale', type=int, default=290)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix='olivia-')
    bindir = os.path.join(home, 'bin')
    os.makedirs(bindir)
    tool = os.path.join(bindir, 'ecotaxa-access')
    with open(tool, 'w') as f:
        f.write(f'#!/bin/sh\nexec node "{ROOT}/bin/ecotaxa-access.js" "$@"\n')
    os.chmod(tool, 0o755)

    server = subprocess.Popen(
        ['npx', 'tsx', 'test/support/demo-server.ts', '--scale', str(args.scale), '--world', '--latency', '5'],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = server.stdout.readline() if server.stdout else ''
        url = re.search(r'ECOTAXA_URL=(\S+)', first)
        if url is None:
            raise RuntimeError(f'the fake did not start: {first!r}')
        local = url.group(1)
        env = {
            'HOME': home,
            'PATH': f'{bindir}:{os.environ.get("PATH", "/usr/bin:/bin")}',
            'ECOTAXA_URL': local,
            'NO_COLOR': '1',
            'TERM': 'xterm-256color',
            'PS1': '$ ',
        }
        exports = ' '.join(f"{k}='{v}'" for k, v in env.items())
        subprocess.run(['tmux', 'kill-session', '-t', SESSION], capture_output=True)
        tmux('new-session', '-d', '-s', SESSION, '-x', str(args.columns), '-y', '50',
             f'env -i {exports} bash --norc --noprofile -i')
        tmux('set-option', '-t', SESSION, 'history-limit', '20000')
        wait_for(r'^\$ $')
        tmux('send-keys', '-t', SESSION, f'cd {home}', 'Enter')

        steps = [
            ('login', 'ecotaxa-access login', [(r'EcoTaxa email', 'owner@example.org'), (r'Password: $', 'Owner-pass-2024')]),
            ('projects list', 'ecotaxa-access projects list', None),
            ('access', 'ecotaxa-access access', None),
            ('plan grant', 'ecotaxa-access plan grant --all --out grant.plan.json', None),
            ('apply', 'ecotaxa-access apply grant.plan.json', [(r'Only "yes" or "y" is accepted: $', 'yes')]),
            ('check', 'ecotaxa-access plan grant --all', None),
            ('csv', 'ecotaxa-access projects list --csv > shared-with-aqqua.csv; head -3 shared-with-aqqua.csv', None),
            ('revoke', 'ecotaxa-access revoke --all --yes', None),
            ('undo dry-run', 'ecotaxa-access undo --dry-run', None),
            ('undo', 'ecotaxa-access undo', [(r'Only "yes" or "y" is accepted: $', 'yes')]),
            ('history', 'ecotaxa-access history', None),
        ]
        for name, command, answers in steps:
            text = run(command, answers)
            text = text.replace(local, MAIN).replace(home, '/home/olivia')
            text = re.sub(r'\n__DONE__ (\d+)\n', r'\n(exit \1)\n', text).rstrip() + '\n'
            text = re.sub(r'^\$ (.*); echo "__DONE__ \$\?"$', r'$ \1', text, flags=re.M)
            print(f'===== {name} =====')
            print(text)
    finally:
        subprocess.run(['tmux', 'kill-session', '-t', SESSION], capture_output=True)
        server.terminate()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == '__main__':
    main()
