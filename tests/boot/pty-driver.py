#!/usr/bin/env python3
"""Drive a guest's console that is already a pty: type at it, read what it
answers.

    pty-driver.py --pty PATH --log FILE --script FILE [--timeout S]

The pty is the one a running QEMU made for a console (libvirt's
<console type='pty'>, whose path `virsh ttyconsole` prints).  The driver
opens it (raw mode: the guest has its own line discipline and wants "\\r"
as Enter), then runs the script, one step a line ('#' lines and blank
lines skipped; fields separated by TABs):

    send<TAB>TEXT                  type TEXT (Python escapes: \\r \\x03)
    expect<TAB>SECONDS<TAB>REGEX<TAB>DESCRIPTION
                                   wait until REGEX matches the console text
                                   after the last match (carriage returns
                                   removed, Python `re`, MULTILINE)
    reject<TAB>REGEX<TAB>DESCRIPTION
                                   REGEX must not match the text the last
                                   expect went over
    sleep<TAB>SECONDS
    hangup<TAB>SECONDS<TAB>DESCRIPTION
                                   the other side (QEMU) must close the pty
                                   within SECONDS: the guest powered off

The steps are those of console-driver.py, which starts QEMU itself; here
the process is not ours, so it is neither started nor killed, and its end
is seen as the pty's hang-up.  Every expect/reject/hangup prints "ok -
DESCRIPTION" or "not ok - DESCRIPTION" on stdout (the test turns them into
TAP); a failed expect prints what the console showed last.  Everything read
goes to the log file.  Every wait has a timeout and the whole run stops
after --timeout seconds, so the driver never hangs.
"""

import argparse
import codecs
import os
import re
import select
import signal
import sys
import termios
import time
import tty


class Stop(Exception):
    pass


def stop(signum, frame):
    raise Stop("signal %d" % signum)


class Pty:
    def __init__(self, path, log):
        # O_NOCTTY: the guest's console must not become our controlling
        # terminal (a hang-up would then signal us).
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        # Raw: no echo of the guest's output back to it, no newline
        # translation either way, bytes as they come.
        tty.setraw(self.fd, termios.TCSANOW)
        self.log = open(log, "wb")
        self.text = ""        # everything, \r removed
        self.cursor = 0       # where the next expect starts looking
        self.prev = 0         # where the last matched region started
        self.gone = False     # QEMU closed its side

    def pump(self, timeout):
        """Read what is there within timeout seconds; False once hung up."""
        if self.gone:
            return False
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            # EIO: no process holds the pty's other side any more.
            data = b""
        if not data:
            self.gone = True
            return False
        self.log.write(data)
        self.log.flush()
        self.text += data.decode("latin-1").replace("\r", "")
        return True

    def send(self, s):
        # One byte at a time with a pause, as a person types: the guest's
        # receive buffers are small.
        for b in s.encode("latin-1"):
            if self.gone:
                return
            try:
                os.write(self.fd, bytes([b]))
            except BlockingIOError:
                pass
            except OSError:
                self.gone = True
                return
            self.pump(0.005)

    def expect(self, regex, seconds):
        rx = re.compile(regex, re.MULTILINE)
        end = time.monotonic() + seconds
        while True:
            m = rx.search(self.text, self.cursor)
            if m:
                self.prev, self.cursor = self.cursor, m.end()
                return True
            left = end - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.2)):
                return False

    def hangup(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self.pump(min(end - time.monotonic(), 0.2)):
                return True
        return False

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass
        self.log.close()


def tail(text, n=12):
    return "\n".join("#   " + l for l in text.rstrip("\n").split("\n")[-n:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pty", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for the whole run")
    a = ap.parse_args()
    with open(a.script) as f:
        steps = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, stop)
    signal.alarm(max(1, int(a.timeout)))
    try:
        con = Pty(a.pty, a.log)
    except OSError as e:
        print("not ok - the console's pty %s opens (%s)" % (a.pty, e), flush=True)
        return 0
    print("ok - the console's pty %s opens" % a.pty, flush=True)
    try:
        for step in steps:
            f = step.split("\t")
            op = f[0]
            if op == "send":
                con.send(codecs.decode(f[1], "unicode_escape"))
            elif op == "sleep":
                end = time.monotonic() + float(f[1])
                while time.monotonic() < end and con.pump(end - time.monotonic()):
                    pass
            elif op == "expect":
                ok = con.expect(f[2], float(f[1]))
                print(("ok - " if ok else "not ok - ") + f[3], flush=True)
                if not ok:
                    print("# no match for /%s/ in %s s%s; the console's last lines:" %
                          (f[2], f[1], " (the pty hung up)" if con.gone else ""))
                    print(tail(con.text[con.cursor:] or con.text), flush=True)
            elif op == "reject":
                seen = re.search(f[1], con.text[con.prev:con.cursor], re.MULTILINE)
                print(("not ok - " if seen else "ok - ") + f[2], flush=True)
            elif op == "hangup":
                ok = con.hangup(float(f[1]))
                print(("ok - " if ok else "not ok - ") + f[2], flush=True)
            else:
                print("not ok - the script's step %r is understood" % step, flush=True)
    except Stop as e:
        print("not ok - the script ran to its end (stopped by %s)" % e, flush=True)
    finally:
        signal.alarm(0)
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
