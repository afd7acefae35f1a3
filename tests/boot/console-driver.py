#!/usr/bin/env python3
"""Drive a guest's console: type at it and wait for what it answers.

    console-driver.py --log FILE --script FILE [--timeout S] -- QEMU ARGS...

Starts QEMU (the command after --) with its console on QEMU's stdin and
stdout (the caller passes e.g. `-chardev stdio,id=con,signal=off -serial
chardev:con`), then runs the script, one step a line ('#' lines and blank
lines skipped; fields separated by TABs):

    send<TAB>TEXT                  type TEXT (Python escapes: \\r \\x03 \\x1b[A;
                                   {NAME} is what an earlier expect's group
                                   (?P<NAME>...) matched)
    expect<TAB>SECONDS<TAB>REGEX<TAB>DESCRIPTION
                                   wait until REGEX matches the console text
                                   after the last match (carriage returns
                                   removed, Python `re`, MULTILINE)
    reject<TAB>REGEX<TAB>DESCRIPTION
                                   REGEX must not match the text the last
                                   expect went over (from the end of the
                                   match before it to the end of its own)
    sleep<TAB>SECONDS
    exit<TAB>SECONDS<TAB>DESCRIPTION
                                   QEMU must end by itself within SECONDS

Every expect/reject/exit prints "ok - DESCRIPTION" or "not ok - DESCRIPTION"
on stdout (the boot test turns them into TAP); a failed expect prints what
the console showed last.  The console's whole output goes to the log file.
QEMU is killed at the end whatever happens (also on SIGTERM/SIGINT, after
--timeout seconds in all, and by the kernel if the driver itself is killed),
and every wait has a timeout, so the driver never hangs.  The last line is
"qemu-status N" (N: QEMU's exit status, or "killed").
"""

import argparse
import codecs
import os
import re
import select
import signal
import subprocess
import sys
import time


def die_with_parent():
    """In the child before exec: SIGKILL when the driver dies, however it
    dies (Linux's PR_SET_PDEATHSIG; elsewhere the finally clause and the
    signal handlers below have to do)."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


class Stop(Exception):
    pass


def stop(signum, frame):
    raise Stop("signal %d" % signum)


class Console:
    def __init__(self, cmd, log):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.log = open(log, "wb")
        self.text = ""        # everything, \r removed
        self.cursor = 0       # where the next expect starts looking
        self.prev = 0         # where the last matched region started
        self.vars = {}        # named groups of the matches so far

    def pump(self, timeout):
        """Read what is there within timeout seconds; False once QEMU is gone."""
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], max(timeout, 0))
        if not r:
            return self.proc.poll() is None
        data = os.read(fd, 65536)
        if not data:
            self.proc.wait()
            return False
        self.log.write(data)
        self.log.flush()
        self.text += data.decode("latin-1").replace("\r", "")
        return True

    def send(self, s):
        if self.proc.poll() is not None:
            return
        try:
            # One byte at a time, as a person types: a UART's receive FIFO
            # is small and the guest reads it in its interrupt handler.
            for b in s.encode("latin-1"):
                self.proc.stdin.write(bytes([b]))
                self.proc.stdin.flush()
                self.pump(0.005)
        except (BrokenPipeError, OSError):
            pass

    def expect(self, regex, seconds):
        rx = re.compile(regex, re.MULTILINE)
        end = time.monotonic() + seconds
        while True:
            m = rx.search(self.text, self.cursor)
            if m:
                self.prev, self.cursor = self.cursor, m.end()
                self.vars.update(m.groupdict())
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            if not self.pump(min(left, 0.2)):
                # QEMU is gone: one last look at what it said.
                m = rx.search(self.text, self.cursor)
                if m:
                    self.prev, self.cursor = self.cursor, m.end()
                    self.vars.update(m.groupdict())
                    return True
                return False

    def wait_exit(self, seconds):
        end = time.monotonic() + seconds
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump(0.2)
        if self.proc.poll() is None:
            return None
        # QEMU has ended: take what it wrote last.
        while self.pump(0) and self.proc.poll() is None:
            pass
        return self.proc.poll()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            return None
        return self.proc.returncode


def tail(text, n=12):
    return "\n".join("#   " + l for l in text.rstrip("\n").split("\n")[-n:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for the whole run, after which QEMU is killed")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no QEMU command after --")
    with open(a.script) as f:
        steps = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, stop)
    signal.alarm(max(1, int(a.timeout)))
    con = Console(cmd, a.log)
    status = "killed"
    try:
        for step in steps:
            f = step.split("\t")
            op = f[0]
            if op == "send":
                text = re.sub(r"\{(\w+)\}", lambda m: con.vars.get(m.group(1), m.group(0)), f[1])
                con.send(codecs.decode(text, "unicode_escape"))
            elif op == "sleep":
                end = time.monotonic() + float(f[1])
                while time.monotonic() < end:
                    con.pump(end - time.monotonic())
            elif op == "expect":
                ok = con.expect(f[2], float(f[1]))
                print(("ok - " if ok else "not ok - ") + f[3], flush=True)
                if not ok:
                    print("# no match for /%s/ in %s s; the console's last lines:" %
                          (f[2], f[1]))
                    print(tail(con.text[con.cursor:] or con.text), flush=True)
            elif op == "reject":
                seen = re.search(f[1], con.text[con.prev:con.cursor], re.MULTILINE)
                print(("not ok - " if seen else "ok - ") + f[2], flush=True)
            elif op == "exit":
                rc = con.wait_exit(float(f[1]))
                print(("ok - " if rc is not None else "not ok - ") + f[2], flush=True)
            else:
                print("not ok - the script's step %r is understood" % step, flush=True)
    except Stop as e:
        print("not ok - the script ran to its end (stopped by %s)" % e, flush=True)
    finally:
        signal.alarm(0)
        rc = con.kill()
        if rc is not None:
            status = str(rc)
        con.log.close()
    print("qemu-status " + status, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
