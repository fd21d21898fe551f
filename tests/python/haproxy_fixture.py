"""A real HAProxy on loopback for the wrapper tests, and a few direct reads of its state.

Every test that starts HAProxy runs on each version of the matrix (`binaries()`): 2.2
(HAPC_HAPROXY_OLDER, else the cache of `scripts/haproxy-build 2.2`), Debian 12's 2.6 (`haproxy`
on PATH, or HAPC_HAPROXY) and 3.0 (HAPC_HAPROXY_NEWER, else the cache of `scripts/haproxy-build
3.0`) -- the same variables as scripts/test and the Java harness; conftest.py parametrises the
`haproxy` fixtures over them, with ids "HAProxy-2.2", "HAProxy-2.6" and "HAProxy-3.0" that
scripts/test counts. A missing version is an error.

Each `HAProxy` is started in the foreground as a child process (master-worker mode, `-W`, with a
master CLI socket, `-S`), in a temporary directory holding its configuration, its admin socket
(`stats socket <dir>/admin.sock level admin`) and its server-state file. Its backend servers
are tiny Python TCP listeners on loopback that hold every connection until the peer closes.

The tests check HAProxy itself, not hapc's answer: `servers_state`, `admin_state`, `sessions`
and `worker_pid` read HAProxy's own answers over its unix sockets. Every wait here is bounded
in time; all traffic stays on 127.0.0.1.
"""

import contextlib
import glob
import os
import random
import re
import selectors
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

# Debian's HAProxy (2.6): the default binary of an HAProxy(); tests take theirs from the fixture.
HAPROXY = os.environ.get("HAPC_HAPROXY") or "haproxy"

# The bits of `srv_admin_state` (see `show servers state` in HAProxy's management guide).
MAINT_BITS = 0x01 | 0x02 | 0x20
DRAIN_BITS = 0x08 | 0x10


def built_binary(version, env):
    """The HAProxy `version` ("2.2", "3.0") that scripts/haproxy-build makes: $`env`, else the
    build cache's haproxy-<version>.*/haproxy (each version by its own directory); or None."""
    path = os.environ.get(env)
    if path:
        return path if os.access(path, os.X_OK) else None
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hapc-haproxy")
    found = sorted(b for b in glob.glob(os.path.join(cache, "haproxy-%s.*" % version, "haproxy"))
                   if os.access(b, os.X_OK))
    return found[0] if found else None


_VERSIONS = {}


def version_of(binary):
    """'2.6' of 'HAProxy version 2.6.12-1+deb12u4 ...' (2.2 says 'HA-Proxy version'): the matrix's
    own granularity."""
    if binary not in _VERSIONS:
        out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10).stdout
        m = re.search(r"HA-?Proxy version (\d+\.\d+)", out)
        if not m:
            raise RuntimeError("%s -v does not say its version: %s" % (binary, out))
        _VERSIONS[binary] = m.group(1)
    return _VERSIONS[binary]


def binaries():
    """Every HAProxy binary of the matrix, oldest first, as (id, path): ("HAProxy-2.2", ...), ...
    Raises when one is missing or is not its version: a run that silently skips 2.2 proves
    nothing about it."""
    found = []
    for version, env, binary in (("2.2", "HAPC_HAPROXY_OLDER", built_binary("2.2", "HAPC_HAPROXY_OLDER")),
                                 ("2.6", "HAPC_HAPROXY", HAPROXY),
                                 ("3.0", "HAPC_HAPROXY_NEWER", built_binary("3.0", "HAPC_HAPROXY_NEWER"))):
        if binary is None:
            raise RuntimeError("HAProxy %s of the test matrix is missing: build it with scripts/haproxy-build %s "
                               "(or point %s at an HAProxy %s binary)" % (version, version, env, version))
        if version_of(binary) != version:
            raise RuntimeError("%s is HAProxy %s, not the %s of the test matrix (%s)"
                               % (binary, version_of(binary), version, env))
        found.append(("HAProxy-%s" % version, binary))
    return found


_HANDED_OUT = set()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now, never handed out twice by this
    process, and BELOW the kernel's ephemeral range: a port from bind(0) is an ephemeral one, which
    the kernel may give to an outgoing connection (or the next caller) before HAProxy binds it."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral = max(21000, int(f.read().split()[0]))
    except (OSError, ValueError):
        ephemeral = 32768
    low, span = 20000, ephemeral - 20000
    start = random.randrange(span)
    for i in range(span):
        port = low + (start + i) % span
        if port in _HANDED_OUT:
            continue
        _HANDED_OUT.add(port)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free loopback port below %d" % ephemeral)


class Listeners:
    """TCP servers on loopback that accept connections and hold them until the peer closes.
    One thread serves them all; stop() closes everything."""

    def __init__(self, count):
        self._sel = selectors.DefaultSelector()
        self._stop = threading.Event()
        self.ports = []
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(64)
            s.setblocking(False)
            self._sel.register(s, selectors.EVENT_READ, "listener")
            self.ports.append(s.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            for key, _ in self._sel.select(timeout=0.1):
                s = key.fileobj
                try:
                    if key.data == "listener":
                        conn, _ = s.accept()
                        conn.setblocking(False)
                        self._sel.register(conn, selectors.EVENT_READ, "conn")
                    elif not s.recv(4096):
                        self._sel.unregister(s)
                        s.close()
                except OSError:
                    self._sel.unregister(s)
                    s.close()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for key in list(self._sel.get_map().values()):
            key.fileobj.close()
        self._sel.close()


def unix_exchange(path, command, timeout=5.0):
    """Sends one command line to a HAProxy unix socket and reads until HAProxy closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        s.sendall(command.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)  # the master CLI answers only once it sees the end of input
        chunks, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode()


class Relay:
    """A unix socket between hapc and a real HAProxy CLI socket: forwards every byte both ways
    unchanged and records each command line received, per connection. What crossed the wire is
    then a fact a test can assert on ("only reads in check mode"), whatever hapc or the wrapper
    says. The Java tests' hapc.testing.RecordingRelay, for the Python tests."""

    READS = re.compile(r"^(@!?\d*\s+)?(show( |$)|get |set severity-output )")

    def __init__(self, target, path):
        self.target, self.path = str(target), str(path)
        self.connections = []  # one list of lines per connection
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(16)
        self._open = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def commands(self, since=0):
        """Every command received, in order: lines split at ';', stripped. With `since` (a
        mark()), only those of the connections opened after it."""
        with self._lock:
            lines = [line for conn in self.connections[since:] for line in conn]
        return [c.strip() for line in lines for c in line.split(";") if c.strip()]

    def changes(self, since=0):
        """The commands that can change HAProxy: all but `show ...`, `get ...` and `set severity-output`."""
        return [c for c in self.commands(since) if not self.READS.match(c)]

    def mark(self):
        """A point in the relay's history for commands(since=...) and changes(since=...): what
        one step of a test sent, after the set-up's commands."""
        with self._lock:
            return len(self.connections)

    def read_servers_state(self):
        """Whether a `show servers state` went out: the read every server action starts with, and
        the proof that hapc really talked through this relay (an empty changes() alone is not)."""
        return any(c.startswith("show servers state") for c in self.commands())

    def clear(self):
        """Forgets what was recorded so far (for a test that checks several calls in turn)."""
        with self._lock:
            self.connections.clear()

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            lines = []
            with self._lock:
                self.connections.append(lines)
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._open += [client, upstream]
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                upstream.close()
                continue
            threading.Thread(target=self._up, args=(client, upstream, lines), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client), daemon=True).start()

    def _up(self, client, upstream, lines):
        pending = b""
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    with self._lock:
                        lines.append(line.decode("utf-8", "replace"))
                upstream.sendall(data)
            upstream.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            if pending:
                with self._lock:
                    lines.append(pending.decode("utf-8", "replace"))

    @staticmethod
    def _down(upstream, client):
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()
            client.close()

    def close(self):
        for s in self._open:
            try:
                s.close()
            except OSError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass


class Relayed:
    """An HAProxy as hapc reaches it through two relays: `admin_socket` and `master_socket` are
    the relays' paths, `config` the HAProxy's own, so it goes wherever a test's helpers take an
    HAProxy (`localhost(ansible, ...)`, `conn(...)`); `changes()` is every write sent on either."""

    def __init__(self, haproxy, admin, master):
        self.haproxy, self.admin, self.master = haproxy, admin, master
        self.admin_socket, self.master_socket, self.config = admin.path, master.path, haproxy.config

    def changes(self):
        """Every command that can change HAProxy, sent on either socket (admin socket first)."""
        return self.admin.changes() + self.master.changes()

    def read_servers_state(self):
        return self.admin.read_servers_state()

    def clear(self):
        self.admin.clear()
        self.master.clear()


CONFIG = """\
global
    stats socket {dir}/admin.sock level admin
    server-state-file {dir}/server-state

defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    load-server-state-from-file global

frontend fe_web
    bind 127.0.0.1:{fe_web}
    default_backend web

backend web
    server web1 127.0.0.1:{web1}
    server web2 127.0.0.1:{web2}
    server web3 127.0.0.1:{web3}

listen db
    bind 127.0.0.1:{db}
    server db1 127.0.0.1:{db1}
"""


@contextlib.contextmanager
def running(*haproxies):
    """Starts each HAProxy in turn and yields them as a list; at the end, failed or not (a start
    that failed included), stops every one of them, workers of reloads and backend listeners
    too. The one way the tests start and stop HAProxy."""
    try:
        yield [h.start() for h in haproxies]
    finally:
        for h in haproxies:
            h.stop()


class HAProxy:
    """One HAProxy instance: backend `web` (web1..web3) behind frontend `fe_web`, and the TCP
    `listen db` section (server db1) for held connections."""

    def __init__(self, directory, binary=HAPROXY, extra_config=""):
        """`binary`: the HAProxy of the test's version (the `haproxy_binary` fixture).
        `extra_config`: more sections appended to the configuration, formatted like it (with
        {dir} and the ports: {web1}, {web2}, {web3}, {db1}, {fe_web}, {db})."""
        self.binary = binary
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "haproxy.cfg"
        self.admin_socket = self.dir / "admin.sock"
        self.master_socket = self.dir / "master.sock"
        self.log = self.dir / "haproxy.log"
        self.listeners = Listeners(4)
        web1, web2, web3, db1 = self.listeners.ports
        self.ports = dict(fe_web=free_port(), db=free_port(), web1=web1, web2=web2, web3=web3, db1=db1)
        self.config.write_text((CONFIG + extra_config).format(dir=self.dir, **self.ports))
        self.proc = None
        self._held = []
        self._relays = []

    # -- life cycle --------------------------------------------------------------------------
    def start(self, timeout=10.0):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "-W", "-S", str(self.master_socket), "-f", str(self.config)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("haproxy exited with %s: %s" % (self.proc.returncode, self.log.read_text()))
            try:
                if "Pid:" in self.cmd("show info", timeout=1) and "worker" in self.master_cmd("show proc", timeout=1):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("haproxy did not answer on %s within %ss" % (self.admin_socket, timeout))

    def relay(self, which="admin"):
        """A Relay in front of the admin socket (or, with "master", the master CLI), stopped with
        this HAProxy."""
        target = self.admin_socket if which == "admin" else self.master_socket
        r = Relay(target, self.dir / ("relay-%s-%d.sock" % (which, len(self._relays))))
        self._relays.append(r)
        return r

    def relayed(self):
        """Relays in front of the admin socket and the master CLI, as a `Relayed` that stands for
        this HAProxy wherever a test passes one to hapc (inventory, salt arguments)."""
        return Relayed(self, self.relay("admin"), self.relay("master"))

    def stop(self):
        for r in self._relays:
            r.close()
        for s in self._held:
            s.close()
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        # Workers of a reload share the master's process group; make sure none is left.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            pass
        self.listeners.stop()

    # -- HAProxy's own state -----------------------------------------------------------------
    def cmd(self, command, timeout=5.0):
        return unix_exchange(self.admin_socket, command, timeout)

    def master_cmd(self, command, timeout=5.0):
        return unix_exchange(self.master_socket, command, timeout)

    def servers_state(self, backend):
        """{server name: {field: value}} from `show servers state <backend>`."""
        lines = [l for l in self.cmd("show servers state %s" % backend).splitlines() if l.strip()]
        header = next(l for l in lines if l.startswith("#"))[1:].split()
        rows = [dict(zip(header, l.split())) for l in lines[1:] if not l.startswith("#")]
        return {r["srv_name"]: r for r in rows}

    def admin_state(self, backend, server):
        """'maint', 'drain' or 'ready', from the srv_admin_state bit set."""
        bits = int(self.servers_state(backend)[server]["srv_admin_state"])
        return "maint" if bits & MAINT_BITS else "drain" if bits & DRAIN_BITS else "ready"

    def admin_states(self, backend="web"):
        return {name: self.admin_state(backend, name) for name in self.servers_state(backend)}

    def stat(self, backend, server):
        """The server's row of `show stat`, {column: value}."""
        lines = self.cmd("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        for line in lines[1:]:
            row = dict(zip(header, line.split(",")))
            if row.get("pxname") == backend and row.get("svname") == server:
                return row
        raise KeyError("%s/%s" % (backend, server))

    def sessions(self, backend, server):
        """The server's current sessions (`scur` of `show stat`)."""
        return int(self.stat(backend, server)["scur"] or 0)

    def worker_pid(self):
        for line in self.cmd("show info").splitlines():
            if line.startswith("Pid:"):
                return int(line.split(":", 1)[1])
        raise RuntimeError("no Pid in show info")

    def set_state(self, backend, server, state):
        """Sets a server's admin state directly (test set-up, not through hapc)."""
        out = self.cmd("set server %s/%s state %s" % (backend, server, state)).strip()
        assert out == "", out

    # -- traffic -----------------------------------------------------------------------------
    def hold_connection(self, frontend="db", backend="db", server="db1", timeout=5.0):
        """Opens a TCP connection through `frontend` and waits until HAProxy counts it as a
        session of backend/server. Returns the client socket; close it to end the session."""
        s = socket.create_connection(("127.0.0.1", self.ports[frontend]), timeout=timeout)
        s.sendall(b"hello\n")
        self._held.append(s)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sessions(backend, server) >= 1:
                return s
            time.sleep(0.05)
        raise RuntimeError("HAProxy never counted the held connection on %s/%s" % (backend, server))

    def wait_sessions(self, backend, server, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sessions(backend, server) == count:
                return
            time.sleep(0.05)
        raise AssertionError("%s/%s still has %d sessions" % (backend, server, self.sessions(backend, server)))


# -- many callers at once ---------------------------------------------------------------------
def pool_config(backend="app", count=5, frontend=None):
    """An extra_config section for HAProxy(): a backend of `count` servers named <backend>1..N,
    without health checks (so each is UP as soon as it is ready), all sending to the instance's
    held-connection listeners; with `frontend`, a frontend on a free port routing to it."""
    lines = ["", "backend %s" % backend]
    lines += ["    server %s%d 127.0.0.1:{web%d}" % (backend, i, (i - 1) % 3 + 1) for i in range(1, count + 1)]
    if frontend:
        lines += ["", "frontend %s" % frontend, "    bind 127.0.0.1:%d" % free_port(),
                  "    default_backend %s" % backend]
    return "\n".join(lines) + "\n"


def in_rotation(row):
    """Whether a `show servers state` row is a server taking new traffic: no maintenance or
    admin bit at all (maintenance, drain, ...), operationally running (srv_op_state 2) and a weight above 0 (srv_uweight)."""
    return (int(row["srv_admin_state"]) == 0 and row["srv_op_state"] == "2"
            and int(row["srv_uweight"]) > 0)


class RotationSampler:
    """Reads `show servers state <backend>` on HAProxy's admin socket every `interval` seconds
    in a thread of its own (its own socket reader, not hapc) and keeps, per sample, the servers
    in rotation. A test asserts on what HAProxy itself showed while the callers worked: the
    fewest servers ever in rotation, and which servers were ever seen out of it.

    Bounded: it stops at stop() or after `limit` seconds, whichever comes first. Use it as a
    context manager so that it stops even when the test fails."""

    def __init__(self, haproxy, backend="app", interval=0.02, limit=300.0):
        self.haproxy, self.backend, self.interval, self.limit = haproxy, backend, interval, limit
        self.samples = []  # (monotonic time, frozenset of the servers in rotation)
        self.errors = []
        self.servers = set(haproxy.servers_state(backend))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self):
        deadline = time.monotonic() + self.limit
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                rows = self.haproxy.servers_state(self.backend)
                self.samples.append((time.monotonic(), frozenset(n for n, r in rows.items() if in_rotation(r))))
            except (OSError, ValueError, KeyError, StopIteration) as e:
                self.errors.append(repr(e))
            self._stop.wait(self.interval)

    def fewest(self):
        """The fewest servers in rotation in any sample."""
        return min(len(s) for _, s in self.samples)

    def seen_out(self):
        """The servers seen out of rotation in at least one sample."""
        return set().union(*(self.servers - s for _, s in self.samples)) if self.samples else set()

    def most_out_at_once(self):
        return max(len(self.servers - s) for _, s in self.samples)
