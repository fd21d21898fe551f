"""
Take HAProxy backend servers out of rotation and put them back, through hapc
=============================================================================

A thin execution module around the hapc command-line tool: each function sends hapc one JSON
request on stdin (``hapc --json-in -``) and returns hapc's JSON answer as a dict. Keyword
arguments are named as in hapc's JSON contract (``backend``, ``server``, ``wait``,
``timeout``, ``socket``, ``config``, ``master_socket``, ``socket_timeout``, ...); an argument
left out is left out of the request, so that hapc applies its own default.

``server`` is a name or a list of names; ``backend`` may be left out on the functions that act
on a server (``list_connections``, ``enable_server``, ``drain_server``, ``stop_server``,
``check_safe_to_remove``): they then act on the server in every backend that has a server of
that exact name. The answer's ``targets`` has one entry per (backend, server). ``min_up`` on
``drain_server``, ``stop_server`` and ``set_weight`` refuses (nothing changed, error kind
``capacity``) when a backend would be left with fewer than that many servers up and in
rotation; with ``capacity_timeout=SECONDS`` it waits (at most that long) for the guard to allow
instead, so that several minions cycling their servers at once take turns.

Maintenance holds: ``owner`` (and ``reason``) on ``drain_server`` and ``stop_server`` record a
hold on the server in that owner's name; ``enable_server`` with the same ``owner`` releases it
(the server returns when no other owner holds it); by another owner, or without ``owner``, it
is refused (error kind ``conflict``, nothing changed) unless ``force=True``, which releases
every hold. Server objects in the answers carry the ``holds``. An owner is a name (letters,
digits, ``-``, ``_``, ``.``, ``:``; at most 64 characters), a reason one line of printable text
(at most 200).

hapc's failures (exit status 1 or 2: socket unreachable, unknown backend or server, drain wait
expired, invalid request, ...) raise ``CommandExecutionError`` with hapc's message; the whole
answer is in the exception's ``info``. ``check_safe_to_remove`` answering "not safe" (exit
status 3) is an answer, not a failure.

:configuration: The hapc launcher is, in this order: the ``executable`` argument, the
    ``hapc.executable`` minion config or pillar value, ``hapc`` on the PATH. The connection
    arguments ``socket``, ``config``, ``master_socket`` and ``socket_timeout`` left out of a
    call take the minion's ``hapc.<argument>`` config or pillar value when there is one (so that
    one call from a master reaches each minion's own HAProxy), else hapc's defaults. The
    minion's ``hapc.state_dir`` value, when set, is hapc's ``state_dir``: where it keeps its
    lock and maintenance holds for each HAProxy (hapc's default: ``HAPC_STATE_DIR``, else
    ``/var/lib/hapc`` for root). The minion's ``hapc.haproxy_bin`` value, when set, is hapc's
    ``haproxy_bin`` in every call (``reload_haproxy``'s argument of that name comes first): the
    HAProxy binary whose build decides the configuration's ``.if`` conditions and validates it
    before a reload (hapc's default: ``haproxy`` on the PATH).

    .. code-block:: yaml

        hapc.executable: /usr/local/bin/hapc
        hapc.socket: /run/haproxy/admin.sock
        hapc.master_socket: /run/haproxy-master.sock
"""

import json

import salt.utils.path
from salt.exceptions import CommandExecutionError

__virtualname__ = "hapc"

NOT_SAFE = 3  # hapc's exit status when check-safe-to-remove answers "not safe"
# Where HAProxy is: a call's own argument, else the minion's hapc.<name> config or pillar value.
# state_dir (where hapc keeps its lock and holds per HAProxy) and haproxy_bin (the binary of the
# running HAProxy, whose build decides the config's .if conditions) are taken from there only,
# except reload_haproxy's own haproxy_bin argument.
CONNECTION = ("socket", "config", "master_socket", "socket_timeout", "state_dir", "haproxy_bin")


def _configured(name="executable"):
    """The ``hapc.<name>`` value of the minion config or pillar (flat ``hapc.socket: ...`` or
    nested ``hapc: {socket: ...}``), if any."""
    for source in (__opts__, __pillar__):  # pylint: disable=undefined-variable
        value = source.get("hapc." + name)
        nested = source.get("hapc")
        if value is None and isinstance(nested, dict):
            value = nested.get(name)
        if value is not None:
            return value
    return None


def _launcher(executable=None):
    return salt.utils.path.which(executable or _configured() or "hapc")


def __virtual__():
    if _launcher():
        return __virtualname__
    return (
        False,
        "the hapc module needs the hapc launcher and found none (looked for {}): set "
        "hapc.executable in the minion config or pillar to the launcher's path, or put hapc "
        "on the PATH".format(_configured() or "'hapc' on the PATH"),
    )


def _run(action, executable=None, ok=(0,), **fields):
    """Sends hapc the request {action, fields that are not None}; returns hapc's answer."""
    launcher = _launcher(executable)
    if not launcher:
        raise CommandExecutionError(
            "hapc launcher not found: {}".format(executable or _configured() or "hapc")
        )
    for name in CONNECTION:
        if fields.get(name) is None:
            fields[name] = _configured(name)
    request = {"action": action}
    request.update((k, v) for k, v in fields.items() if v is not None)
    if isinstance(request.get("server"), (list, tuple)) and len(request["server"]) == 1:
        request["server"] = request["server"][0]  # one name: the 1.0 request, unchanged
    res = __salt__["cmd.run_all"](  # pylint: disable=undefined-variable
        [launcher, "--json-in", "-"],
        stdin=json.dumps(request),
        python_shell=False,
        ignore_retcode=True,
        output_loglevel="quiet",
    )
    try:
        answer = json.loads(res["stdout"])
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise CommandExecutionError(
            "hapc gave no JSON answer (exit status {}): {}".format(
                res["retcode"], (res["stderr"] or res["stdout"]).strip()
            ),
            info={"retcode": res["retcode"], "stdout": res["stdout"], "stderr": res["stderr"]},
        )
    if res["retcode"] not in ok or answer.get("failed"):
        raise CommandExecutionError(
            answer.get("msg") or "hapc failed with exit status {}".format(res["retcode"]),
            info=answer,
        )
    return answer


def list_backends(
    links=None, socket=None, config=None, master_socket=None, socket_timeout=None, executable=None
):
    """
    The backends HAProxy is running; with ``links=True``, the frontends routing to each.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.list_backends links=True
    """
    return _run("list-backends", **locals())


def list_frontends(socket=None, config=None, master_socket=None, socket_timeout=None, executable=None):
    """
    The frontends of HAProxy's configuration (``listen`` sections included).

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.list_frontends config=/etc/haproxy/haproxy.cfg
    """
    return _run("list-frontends", **locals())


def list_config_backends(
    frontend=None, socket=None, config=None, master_socket=None, socket_timeout=None, executable=None
):
    """
    The backends of HAProxy's configuration and their servers; with ``frontend``, only the
    backends that frontend routes to.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.list_config_backends frontend=fe_web
    """
    return _run("list-config-backends", **locals())


def list_servers(
    backend, details=None, socket=None, config=None, master_socket=None, socket_timeout=None,
    executable=None,
):
    """
    The servers of a backend; with ``details=True``, the state of each (admin and operational
    state, sessions, queued requests, ...).

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.list_servers web details=True
    """
    return _run("list-servers", **locals())


def list_connections(
    backend=None, server=None, socket=None, config=None, master_socket=None, socket_timeout=None,
    executable=None,
):
    """
    The current sessions and queued requests of a server, over every live worker. Without
    ``backend``, of the server in every backend holding it (``targets``: one entry per backend,
    ``sessions``/``queued``: the totals).

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.list_connections web web1
        salt '*' hapc.list_connections server=web1
    """
    return _run("list-connections", **locals())


def _weight(value):
    """The weight as hapc's JSON wants it: a number, or the string "N%" (Salt may hand over
    either); anything else goes as given and hapc refuses it with its own message."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def enable_server(
    backend=None, server=None, check_mode=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None, wait=None, timeout=None, ramp=None, weight=None,
    keep_agent=None, owner=None, force=None,
):
    """
    Put a server back into rotation (admin state ``ready``). With ``check_mode=True``, only
    report whether it would change.

    ``wait=True`` waits until HAProxy says the server is up (its health check passed; without a
    check, at once), at most ``timeout`` seconds (hapc's default: 60); an expired wait raises
    CommandExecutionError, the server stays enabled. ``ramp=SECONDS`` brings it back at a small
    share of its configured weight, climbing to exactly that weight in steps over SECONDS
    (after the wait, with ``wait=True``). ``weight`` (0-256 or "N%") sets a weight in the same
    call; it does not go with ``ramp``.
    ``keep_agent=True`` leaves a running agent check alone (by default hapc pauses it on drain
    and stop, and resumes it on enable); hapc then warns that the agent may undo the state.
    ``owner`` releases that owner's maintenance hold; the server goes back in rotation only when
    no other owner holds it. A server held by another owner (or enabled without ``owner`` while
    held) is refused with error kind ``conflict`` and left as it is, unless ``force=True``,
    which releases every hold (hapc warns which).

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.enable_server web web1
        salt '*' hapc.enable_server web web1 wait=True ramp=30
        salt '*' hapc.enable_server web web1 owner=deploy-web1
        salt '*' hapc.enable_server web web1 force=True
        salt '*' hapc.enable_server server='[web1, web2]'
    """
    fields = dict(locals())
    fields["weight"] = _weight(weight)
    return _run("enable-server", **fields)


def drain_server(
    backend=None, server=None, wait=None, timeout=None, check_mode=None, socket=None, config=None,
    master_socket=None, socket_timeout=None, executable=None, on_timeout=None,
    keep_agent=None, min_up=None, capacity_timeout=None, owner=None, reason=None,
):
    """
    Send a server no new traffic (admin state ``drain``). With ``wait=True``, wait until it has
    no sessions, at most ``timeout`` seconds (hapc's default: 60); an expired wait raises
    CommandExecutionError and the server stays drained, unless ``on_timeout="stop"``: then the
    servers still busy are stopped (maintenance, sessions killed) and the answer says
    ``escalated``, ``sessions_killed`` (a boolean, as at stop_server) and ``sessions_killed_count``;
    each of ``targets`` says what it waited for and had left (``waited``, ``sessions_left``).
    A server a reload removed from the running HAProxy during the wait is listed in ``vanished``;
    its sessions are counted in the old workers until they end (no failure).
    ``keep_agent=True`` leaves a running agent check alone (by default hapc pauses it on drain
    and stop, and resumes it on enable); hapc then warns that the agent may undo the state.
    With ``min_up``, refuse when a backend would be left with fewer than ``min_up`` servers up
    and in rotation; with ``capacity_timeout`` too, wait at most that many seconds for the guard
    to allow instead. ``owner`` (and ``reason``) records a maintenance hold in that owner's name
    (see ``enable_server``).

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.drain_server web web1 wait=True timeout=120
        salt '*' hapc.drain_server server=web1 min_up=2
        salt '*' hapc.drain_server web web1 min_up=2 capacity_timeout=300 owner=deploy-web1 reason='release 2.4'
    """
    return _run("drain-server", **locals())


def stop_server(
    backend=None, server=None, check_mode=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None,
    keep_agent=None, min_up=None, capacity_timeout=None, owner=None, reason=None,
):
    """
    Put a server into maintenance (admin state ``maint``) and kill its sessions. With
    ``min_up``, refuse when a backend would be left with fewer than ``min_up`` servers up and in
    rotation; with ``capacity_timeout`` too, wait at most that many seconds for the guard to
    allow instead. ``owner`` (and ``reason``) records a maintenance hold in that owner's name
    (see ``enable_server``).
    ``keep_agent=True`` leaves a running agent check alone (by default hapc pauses it on drain
    and stop, and resumes it on enable); hapc then warns that the agent may undo the state.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.stop_server web web1
        salt '*' hapc.stop_server web web1 owner=ops-alice reason='disk swap'
    """
    return _run("stop-server", **locals())


def set_weight(
    backend=None, server=None, weight=None, check_mode=None, socket=None, config=None,
    master_socket=None, socket_timeout=None, executable=None, min_up=None, capacity_timeout=None,
):
    """
    Set a server's weight: a whole number from 0 to 256, or "N%" of the weight its
    configuration gives it (0% to 100%). Nothing is sent when it already has that weight; the
    admin state is left as it is. With ``check_mode=True``, only report whether it would change.
    With ``min_up`` (and ``capacity_timeout``), the capacity guard of ``drain_server``.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.set_weight web web1 50%
    """
    fields = dict(locals())
    fields["weight"] = _weight(weight)
    return _run("set-weight", **fields)


def check_safe_to_remove(
    backend=None, server=None, socket=None, config=None, master_socket=None, socket_timeout=None,
    executable=None,
):
    """
    Whether a server can be removed: it takes no new traffic and has no sessions nor queued
    requests in any worker. "Not safe" is an answer (``safe: False`` and the ``reasons``), not
    an error. Without ``backend``, ``safe`` only when the server is safe in every backend
    holding it.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.check_safe_to_remove web web1
    """
    return _run("check-safe-to-remove", ok=(0, NOT_SAFE), **locals())


def reload_haproxy(
    haproxy_bin=None, check_mode=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None,
):
    """
    Validate HAProxy's configuration, then reload HAProxy through its master socket, keeping
    drained and stopped servers as they are. With ``check_mode=True``, only validate.

    CLI Example:

    .. code-block:: bash

        salt '*' hapc.reload_haproxy master_socket=/run/haproxy-master.sock
    """
    return _run("reload-haproxy", **locals())
