"""
HAProxy backend servers in or out of rotation, and safe reloads, through hapc
=============================================================================

States around the ``hapc`` execution module (salt/_modules/hapc.py), which runs the hapc
command-line tool. Under ``test=True`` they ask hapc in check mode: they report what would
change (``result: None``) and change nothing.

.. code-block:: yaml

    web1 out of rotation:
      hapc.server_drained:
        - backend: web
        - server: web1
        - wait: True
        - timeout: 120

    web2 back, once up, ramped over 30 s:
      hapc.server_enabled:
        - backend: web
        - server: web2
        - wait: True
        - ramp: 30

    web3 at half weight:
      hapc.server_weight:
        - backend: web
        - server: web3
        - weight: 50%

    /etc/haproxy/haproxy.cfg:
      file.managed:
        - source: salt://haproxy/haproxy.cfg

    haproxy reloaded:
      hapc.reloaded:
        - watch:
          - file: /etc/haproxy/haproxy.cfg

Without ``backend``, a server state acts on the server in every backend that has a server of
that exact name; ``server`` may also be a list of names. ``changes`` then has one entry per
target that changed, keyed ``"backend/server"``, each ``{old, new}``; with ``backend`` and one
``server`` it is ``{old, new}`` as before. ``min_up`` on ``server_drained`` and
``server_stopped`` makes the state fail, changing nothing, when a backend would be left with
fewer than that many servers up and in rotation; with ``capacity_timeout``, it waits for the
guard to allow instead (at most that many seconds).

With ``owner`` (and ``reason``), ``server_drained`` and ``server_stopped`` record a maintenance
hold in that owner's name; ``server_enabled`` with the same ``owner`` releases it and puts the
server back once no other owner holds it. Enabling a server only other owners hold (or without
an ``owner`` while it is held) fails the state, changing nothing (hapc's error kind ``conflict``,
the holders in the comment), unless ``force: True``.

.. code-block:: yaml

    app3 out for a disk swap:
      hapc.server_stopped:
        - backend: app
        - name: app3
        - owner: ops-alice
        - reason: disk swap

.. code-block:: yaml

    web1 out of every backend:
      hapc.server_drained:
        - name: web1
        - min_up: 2
        - wait: True

Every state takes the connection arguments of the execution module: ``socket``, ``config``,
``master_socket``, ``socket_timeout`` and ``executable``.
"""

from salt.exceptions import CommandExecutionError

__virtualname__ = "hapc"

CONNECTION = ("socket", "config", "master_socket", "socket_timeout", "executable")


def __virtual__():
    if "hapc.drain_server" in __salt__:  # pylint: disable=undefined-variable
        return __virtualname__
    return (False, "the hapc state module needs the hapc execution module, which did not load")


def _connection(args):
    """The connection arguments among a state function's arguments."""
    return {k: args[k] for k in CONNECTION}


def _test():
    return bool(__opts__.get("test"))  # pylint: disable=undefined-variable


def _call(ret, function, *args, per_target=False, **kwargs):
    """Calls hapc.<function>; fills `ret` from hapc's answer: comment (hapc's msg), changes
    ({old, new} from hapc's diff, or with `per_target` {"backend/server": {old, new}} for each
    target that changed), result (None when test=True would change something)."""
    try:
        answer = __salt__["hapc." + function](*args, **kwargs)  # pylint: disable=undefined-variable
        ret["result"] = True
    except CommandExecutionError as exc:
        answer = exc.info if isinstance(exc.info, dict) else {}
        ret["result"] = False
        ret["comment"] = getattr(exc, "message", None) or str(exc)
    ret["comment"] = answer.get("msg") or ret["comment"]
    if answer.get("warnings"):
        ret["warnings"] = answer["warnings"]
    # hapc's refusal by the capacity guard changed nothing, whatever its `changed` says.
    changed = answer.get("changed") and (answer.get("error") or {}).get("kind") != "capacity"
    if changed and per_target:
        ret["changes"] = {
            "{}/{}".format(t.get("backend"), t.get("server")): {
                "old": (t.get("diff") or {}).get("before", t.get("before")),
                "new": (t.get("diff") or {}).get("after", t.get("after")),
            }
            for t in answer.get("targets") or [] if t.get("changed")
        }
        if ret["result"] and answer.get("check_mode"):
            ret["result"] = None
    elif changed:
        diff = answer.get("diff") or {}
        ret["changes"] = {
            "old": diff.get("before", answer.get("before")),
            "new": diff.get("after", answer.get("after")),
        }
        if ret["result"] and answer.get("check_mode"):
            ret["result"] = None
    return answer


def _server(name, function, backend, server, **kwargs):
    ret = {"name": name, "changes": {}, "result": False, "comment": ""}
    server = server or name
    # The 1.0 form (one backend, one server) keeps its {old, new} changes; any other form says
    # which target changed: what the SLS says decides the shape, not how many backends match.
    per_target = backend is None or isinstance(server, (list, tuple))
    _call(ret, function, backend, server, check_mode=_test(), per_target=per_target, **kwargs)
    return ret


def server_enabled(
    name, backend=None, server=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None, wait=None, timeout=None, ramp=None, weight=None,
    keep_agent=None, owner=None, force=None,
):
    """
    The server is in rotation (admin state ``ready``), unless another owner holds it.

    name
        The server, unless ``server`` is given.
    backend
        Its backend (or ``listen`` section); when not given, every backend that has a server of
        that exact name.
    server
        The server, or a list of servers.
    wait
        Wait until HAProxy says the server is up (its health check passed). If ``timeout``
        expires first, the state fails and the server stays enabled.
    timeout
        The deadline of the wait and the ramp, in seconds (hapc's default: 60, plus the ramp).
    ramp
        Bring the server back at a small share of its configured weight, climbing to exactly
        that weight in steps over this many seconds.
    weight
        Also set this weight (0-256 or "N%"), in the same call; not with ``ramp``.
    keep_agent
        Leave a running agent check alone (by default it is paused while the server is out of
        rotation and resumed when it is back); the agent may then undo the state.
    owner
        Release this owner's maintenance hold; the server goes back in rotation when no other
        owner holds it (else it stays out, and the comment says who holds it). A server held
        only by other owners (or, without ``owner``, held at all) fails the state and is left
        as it is.
    force
        Release every hold, whoever's, and put the server back (the state warns which).
    """
    return _server(name, "enable_server", backend, server, wait=wait, timeout=timeout, ramp=ramp,
                   weight=weight, keep_agent=keep_agent, owner=owner, force=force,
                   **_connection(locals()))


def server_drained(
    name, backend=None, server=None, wait=None, timeout=None, socket=None, config=None,
    master_socket=None, socket_timeout=None, executable=None, on_timeout=None,
    keep_agent=None, min_up=None, capacity_timeout=None, owner=None, reason=None,
):
    """
    The server takes no new traffic (admin state ``drain``); its sessions go on.

    name
        The server, unless ``server`` is given.
    backend
        Its backend (or ``listen`` section); when not given, every backend that has a server of
        that exact name.
    server
        The server, or a list of servers.
    keep_agent
        Leave a running agent check alone (by default it is paused while the server is out of
        rotation and resumed when it is back); the agent may then undo the state.
    min_up
        Fail, changing nothing, when a backend would be left with fewer than this many servers
        up and in rotation.
    wait
        Wait until the server has no sessions. If ``timeout`` expires first, the state fails
        and the server stays drained.
    timeout
        The wait's deadline in seconds (hapc's default: 60).
    on_timeout
        ``fail`` (hapc's default) or ``stop``: at the deadline, stop the server (maintenance,
        sessions killed) and succeed.
    capacity_timeout
        With ``min_up``: wait at most this many seconds for the guard to allow instead of
        failing at once.
    owner
        Record a maintenance hold in this owner's name: only ``server_enabled`` with the same
        ``owner`` (or ``force``) puts the server back.
    reason
        Why, recorded in the hold.
    """
    return _server(name, "drain_server", backend, server, wait=wait, timeout=timeout,
                   on_timeout=on_timeout, keep_agent=keep_agent, min_up=min_up,
                   capacity_timeout=capacity_timeout, owner=owner, reason=reason,
                   **_connection(locals()))


def server_stopped(
    name, backend=None, server=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None, keep_agent=None, min_up=None, capacity_timeout=None,
    owner=None, reason=None,
):
    """
    The server is in maintenance (admin state ``maint``); stopping it kills its sessions.

    name
        The server, unless ``server`` is given.
    backend
        Its backend (or ``listen`` section); when not given, every backend that has a server of
        that exact name.
    server
        The server, or a list of servers.
    keep_agent
        Leave a running agent check alone (by default it is paused while the server is out of
        rotation and resumed when it is back); the agent may then undo the state.
    min_up
        Fail, changing nothing, when a backend would be left with fewer than this many servers
        up and in rotation.
    capacity_timeout
        With ``min_up``: wait at most this many seconds for the guard to allow instead of
        failing at once.
    owner
        Record a maintenance hold in this owner's name: only ``server_enabled`` with the same
        ``owner`` (or ``force``) puts the server back.
    reason
        Why, recorded in the hold.
    """
    return _server(name, "stop_server", backend, server, keep_agent=keep_agent, min_up=min_up,
                   capacity_timeout=capacity_timeout, owner=owner, reason=reason,
                   **_connection(locals()))


def server_weight(
    name, weight, backend=None, server=None, socket=None, config=None, master_socket=None,
    socket_timeout=None, executable=None, min_up=None, capacity_timeout=None,
):
    """
    The server has this weight: a whole number from 0 to 256, or "N%" of its configured
    weight. Its admin state is left as it is.

    name
        The server, unless ``server`` is given.
    weight
        The weight.
    backend
        Its backend (or ``listen`` section); when not given, every backend that has a server of
        that exact name.
    server
        The server, or a list of servers.
    min_up
        Fail, changing nothing, when a backend would be left with fewer than this many servers
        up and in rotation.
    capacity_timeout
        With ``min_up``: wait at most this many seconds for the guard to allow instead of
        failing at once.
    """
    return _server(name, "set_weight", backend, server, weight=weight, min_up=min_up,
                   capacity_timeout=capacity_timeout, **_connection(locals()))


def _reload(name, check_mode, haproxy_bin=None, **connection):
    ret = {"name": name, "changes": {}, "result": False, "comment": ""}
    answer = _call(ret, "reload_haproxy", haproxy_bin=haproxy_bin, check_mode=check_mode,
                   **connection)
    if ret["result"] and answer.get("changed") and not check_mode:
        ret["changes"] = {
            "old": {"workers": answer.get("workers_before")},
            "new": {
                "workers": answer.get("workers_after"),
                "states_restored": answer.get("states_restored"),
            },
        }
    elif ret["result"] is not False and check_mode:
        ret["changes"] = {}
        ret["result"] = None if _test() else True
    return ret


def reloaded(
    name, haproxy_bin=None, socket=None, config=None, master_socket=None, socket_timeout=None,
    executable=None,
):
    """
    HAProxy is reloaded safely: its configuration is validated first, the reload goes through
    the master socket, and drained or stopped servers stay so.

    With a ``watch`` requisite, this state only validates the configuration, and the reload
    happens (in ``mod_watch``) only when a watched state changed. With ``onchanges``, it runs,
    and reloads, only when a required state changed. Without either it reloads on every run.

    name
        Any name.
    haproxy_bin
        The HAProxy binary that validates the configuration (hapc's default: ``haproxy``).
    """
    low = globals().get("__low__") or {}
    if low.get("watch") or low.get("watch_any"):
        # Validate only (hapc in check mode); mod_watch reloads if a watched state changed.
        ret = {"name": name, "changes": {}, "result": False, "comment": ""}
        _call(ret, "reload_haproxy", haproxy_bin=haproxy_bin, check_mode=True,
              **_connection(locals()))
        ret["changes"] = {}
        if ret["result"] is not False:
            ret["result"] = True
            ret["comment"] = ("The configuration is valid; HAProxy is reloaded when a watched "
                              "state changes.")
        return ret
    return _reload(name, _test(), haproxy_bin, **_connection(locals()))


def mod_watch(name, sfun=None, **kwargs):
    """Reloads HAProxy when a state watched by ``hapc.reloaded`` changed."""
    if sfun != "reloaded":
        return {"name": name, "changes": {}, "result": False,
                "comment": "hapc.{} does not support watch".format(sfun)}
    args = {k: kwargs[k] for k in ("haproxy_bin",) + CONNECTION if kwargs.get(k) is not None}
    return _reload(name, _test(), **args)
