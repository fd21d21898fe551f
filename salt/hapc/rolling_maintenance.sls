{#-
  Orchestration (run on the master): rolling maintenance of ONE server behind every load
  balancer.

    salt-run state.orchestrate hapc.rolling_maintenance pillar='{
      "backend": "web", "server": "web1",
      "app_minion": "web1.example.net", "maintenance_command": "apt-get -y upgrade"}'

  1. On every load balancer at once (lb_target, a compound target, default
     G@roles:loadbalancer): drain the server and wait at most drain_timeout seconds (default
     60) until it has no sessions there (hapc/server/drained.sls).
  2. Once, on app_minion: the maintenance_command.
  3. On every load balancer: enable the server (hapc/server/enabled.sls).
  4. On every load balancer: verify it is back in rotation (hapc/server/verified.sls).

  The drain records a maintenance hold in the name of `owner` (pillar, default
  "salt:rolling_maintenance:SERVER") with `reason` (default "rolling maintenance of SERVER"),
  and the enable releases it: a server an operator (or another run) also holds stays out of
  rotation (step 3 says who holds it) and step 4 fails: it is not back in rotation. `min_up` and
  `capacity_timeout` (pillar, optional) guard each backend's capacity during the drain.

  Every step is failhard: if the wait expires (or anything fails) on any load balancer, the
  orchestration stops there. The server stays drained everywhere it was drained, and the
  maintenance step does not run; run the orchestration again once its sessions are gone.
  Under test=True each load balancer reports what would change (hapc in check mode) and
  nothing changes; the maintenance step is not run.

  Each minion finds its own HAProxy through its hapc.socket / hapc.master_socket / hapc.config
  config or pillar values (see salt/README.md).
-#}
{%- set backend = salt['pillar.get']('backend') %}
{%- set server = salt['pillar.get']('server') %}
{%- set app_minion = salt['pillar.get']('app_minion') %}
{%- set maintenance_command = salt['pillar.get']('maintenance_command') %}
{%- set lbs = salt['pillar.get']('lb_target', 'G@roles:loadbalancer') %}
{%- set drain_timeout = salt['pillar.get']('drain_timeout', 60) | int %}
{%- set owner = salt['pillar.get']('owner') or 'salt:rolling_maintenance:%s' % server %}
{%- set reason = salt['pillar.get']('reason') or 'rolling maintenance of %s' % server %}
{%- set min_up = salt['pillar.get']('min_up', none) %}
{%- set capacity_timeout = salt['pillar.get']('capacity_timeout', none) %}
{%- set missing = [] %}
{%- for key, value in [('backend', backend), ('server', server), ('app_minion', app_minion),
                       ('maintenance_command', maintenance_command)] if not value %}
{%-   do missing.append(key) %}
{%- endfor %}
{%- if missing %}
hapc rolling maintenance needs pillar values:
  test.fail_without_changes:
    - comment: "give pillar values for {{ missing | join(', ') }}"
    - failhard: True
{%- else %}
{%- set lb_pillar = {'backend': backend, 'server': server, 'drain_timeout': drain_timeout,
                     'owner': owner, 'reason': reason} %}
{%- if min_up is not none %}{% do lb_pillar.update({'min_up': min_up}) %}{% endif %}
{%- if capacity_timeout is not none %}{% do lb_pillar.update({'capacity_timeout': capacity_timeout}) %}{% endif %}

drain {{ server }} on every load balancer:
  salt.state:
    - tgt: {{ lbs | json }}
    - tgt_type: compound
    - sls: hapc.server.drained
    - pillar: {{ lb_pillar | json }}
    # The master waits for the drains a little longer than they may wait themselves.
    - timeout: {{ drain_timeout + (capacity_timeout or 0) | int + 30 }}
    - failhard: True

maintenance of {{ server }}:
  salt.function:
    - name: cmd.run
    - tgt: {{ app_minion | json }}
    - arg:
      - {{ maintenance_command | json }}
    - kwarg:
        python_shell: True
    - require:
      - salt: drain {{ server }} on every load balancer
    - failhard: True

enable {{ server }} on every load balancer:
  salt.state:
    - tgt: {{ lbs | json }}
    - tgt_type: compound
    - sls: hapc.server.enabled
    - pillar: {{ lb_pillar | json }}
    - require:
      - salt: maintenance of {{ server }}
    - failhard: True

{{ server }} back in rotation everywhere:
  salt.state:
    - tgt: {{ lbs | json }}
    - tgt_type: compound
    - sls: hapc.server.verified
    - pillar: {{ lb_pillar | json }}
    - require:
      - salt: enable {{ server }} on every load balancer
    - failhard: True
{%- endif %}
