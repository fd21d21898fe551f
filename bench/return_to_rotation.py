#!/usr/bin/env python3
"""Figures for the return to rotation (issue 14), against a real HAProxy on loopback:

1. enable-server --wait reaction: a server with `check inter 100ms rise 2` whose port opens
   while hapc waits; this script polls HAProxy's `show stat` every 5 ms on its own socket and
   prints how long after HAProxy first said UP the hapc process had exited (its answer given).
2. enable-server --ramp 5 step timing: the weight read from HAProxy (`get weight`, every 5 ms)
   as it changes, and the intervals between the changes.

    bench/return_to_rotation.py [RUNS]        # RUNS of each (default 5)
    HAPC=/path/to/hapc HAPROXY=/path/to/haproxy bench/return_to_rotation.py

Everything listens on 127.0.0.1 or unix sockets in a temporary directory, removed at the end;
HAProxy is stopped at the end, even on failure. Every loop is bounded in count and time.
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HAPC = os.environ.get("HAPC", str(ROOT / "bin" / "hapc"))
HAPROXY = os.environ.get("HAPROXY", "haproxy")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(sock, command):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(str(sock))
        s.sendall(command.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            data = s.recv(65536)
            if not data:
                return out.decode()
            out += data


def status(sock, backend, server):
    lines = ask(sock, "show stat %s 4 -1" % backend).splitlines()
    header = lines[0][2:].split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        if row.get("svname") == server:
            return row["status"]
    return None


def weight(sock, backend, server):
    return int(ask(sock, "get weight %s/%s" % (backend, server)).split()[0])


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tmp = Path(tempfile.mkdtemp(prefix="hapc-bench-rtr."))
    app_port = free_port()
    sock = tmp / "admin.sock"
    (tmp / "haproxy.cfg").write_text("""\
global
    stats socket %(dir)s/admin.sock mode 600 level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
backend web
    server app1 127.0.0.1:%(port)d check inter 100ms rise 2 fall 1
    server ramp1 127.0.0.1:%(port)d weight 100
""" % dict(dir=tmp, port=app_port))
    haproxy = subprocess.Popen([HAPROXY, "-W", "-S", str(tmp / "master.sock"), "-f", str(tmp / "haproxy.cfg")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if "Pid:" in ask(sock, "show info"):
                    break
            except OSError:
                time.sleep(0.05)
        print("HAProxy %s, hapc %s, %d runs" % (
            next(l for l in ask(sock, "show info").splitlines() if l.startswith("Version:")).split()[1],
            HAPC, runs))
        lags = []
        for _ in range(runs):
            lags.append(enable_wait_lag(sock, app_port))
        print("enable --wait: hapc exited %s ms after HAProxy said UP (median %d, max %d)"
              % (lags, statistics.median(lags), max(lags)))
        intervals = []
        for _ in range(runs):
            seen, gaps = ramp_steps(sock)
            intervals += gaps
            print("ramp 5 s: weights %s, %s ms apart" % (seen, gaps))
        print("ramp step intervals: median %d ms, min %d, max %d (plan: 1000)"
              % (statistics.median(intervals), min(intervals), max(intervals)))
    finally:
        os.killpg(haproxy.pid, 15)
        haproxy.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def enable_wait_lag(sock, app_port):
    """One enable --wait while the app's port is closed, opened 1 s later; returns the lag in ms."""
    ask(sock, "set server web/app1 state maint")
    ask(sock, "set server web/app1 state ready")
    deadline = time.monotonic() + 10
    while not status(sock, "web", "app1").startswith("DOWN") and time.monotonic() < deadline:
        time.sleep(0.02)
    ask(sock, "set server web/app1 state drain")
    hapc = subprocess.Popen([HAPC, "-k", str(sock), "enable-server", "-b", "web", "-s", "app1", "--wait", "-t", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(1)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", app_port))
    listener.listen(100)
    try:
        up = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and hapc.poll() is None:
            if up is None and status(sock, "web", "app1") == "UP":
                up = time.monotonic()
            time.sleep(0.005)
        hapc.wait(timeout=20)
        exited = time.monotonic()
        if hapc.returncode != 0 or up is None:
            raise SystemExit("enable --wait failed (exit %s): %s" % (hapc.returncode, hapc.stdout.read()))
        return round((exited - up) * 1000)
    finally:
        listener.close()


def ramp_steps(sock):
    """One enable --ramp 5 from drain; returns the weights seen and the ms between changes."""
    ask(sock, "set server web/ramp1 state drain")
    ask(sock, "set weight web/ramp1 100")
    hapc = subprocess.Popen([HAPC, "-k", str(sock), "enable-server", "-b", "web", "-s", "ramp1", "--ramp", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    changes = []
    last = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and hapc.poll() is None:
        w = weight(sock, "web", "ramp1")
        if w != last:
            changes.append((time.monotonic(), w))
            last = w
        time.sleep(0.005)
    w = weight(sock, "web", "ramp1")
    if w != last:
        changes.append((time.monotonic(), w))
    hapc.wait(timeout=10)
    if hapc.returncode != 0:
        raise SystemExit("enable --ramp failed: %s" % hapc.stdout.read())
    steps = changes[1:]  # the first reading is the drained server's 100
    gaps = [round((b[0] - a[0]) * 1000) for a, b in zip(steps, steps[1:])]
    return [w for _, w in changes], gaps


if __name__ == "__main__":
    main()
