"""salt/ as a pip-installed Salt extension (saltext.hapc): installed with pip into a throwaway
virtual environment that sees the test venv's Salt, then salt-call --local with NO file_roots
and no sync finds the hapc execution and state modules through the extension's salt.loader
entry point, against a real HAProxy."""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT, RUN_TIMEOUT, VENV_BIN

# Salt, as the throwaway venv's Python runs it (the venv has no salt-call script of its own).
SALT_CALL = "import sys; from salt.scripts import salt_call; sys.argv[0] = 'salt-call'; salt_call()"


@pytest.fixture(scope="module")
def ext_python(tmp_path_factory):
    """A venv holding only saltext.hapc, installed by pip from a copy of salt/ (pip builds in
    the source tree; the copy keeps build/ and *.egg-info out of the checkout). A .pth file
    puts the test venv's site-packages (Salt) on its path."""
    base = tmp_path_factory.mktemp("saltext")
    src = base / "src"
    shutil.copytree(ROOT / "salt", src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    Path(site, "hapc-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    p = subprocess.run([str(VENV_BIN / "pip"), "--python", str(python), "install", "-q", "--no-deps", str(src)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return python, Path(site)


def minion_conf(directory, hapc):
    """A masterless minion config with no file_roots of ours: the modules can come only from
    the installed extension."""
    conf = directory / "conf"
    conf.mkdir(parents=True)
    root = directory / "root"
    (conf / "minion").write_text(json.dumps({
        "file_client": "local", "id": "saltext-test", "root_dir": str(root), "pki_dir": str(root / "pki"),
        "cachedir": str(root / "cache"), "sock_dir": str(root / "sock"), "log_file": str(root / "minion.log"),
        "file_roots": {"base": [str(directory / "srv")]}, "hapc.executable": hapc,
    }) + "\n")
    (directory / "srv").mkdir()
    return conf


def salt_call(python, conf, *args):
    p = subprocess.run([str(python), "-c", SALT_CALL, "--local", "-c", str(conf), "--out", "json",
                        "--log-level", "quiet", "--retcode-passthrough", *args],
                       capture_output=True, text=True, timeout=RUN_TIMEOUT)
    try:
        return p, json.loads(p.stdout)["local"]
    except (ValueError, KeyError):
        return p, None


def test_the_extension_installs_the_modules_from_salt_dir_without_copies(ext_python):
    _, site = ext_python
    installed = {p.relative_to(site).as_posix() for p in (site / "saltext" / "hapc").rglob("*.py")}
    assert installed == {"saltext/hapc/__init__.py", "saltext/hapc/modules/hapc.py", "saltext/hapc/states/hapc.py"}
    assert (site / "saltext/hapc/modules/hapc.py").read_text() == (ROOT / "salt/_modules/hapc.py").read_text()
    assert (site / "saltext/hapc/states/hapc.py").read_text() == (ROOT / "salt/_states/hapc.py").read_text()
    # The one source: the repository holds no other copy of the modules.
    copies = [p for p in (ROOT / "salt").rglob("hapc.py") if "build" not in p.parts]
    assert sorted(p.relative_to(ROOT).as_posix() for p in copies) == ["salt/_modules/hapc.py", "salt/_states/hapc.py"]


def test_salt_call_finds_the_modules_through_the_extension(ext_python, haproxy, hapc, tmp_path):
    python, _ = ext_python
    conf = minion_conf(tmp_path / "minion", hapc)
    p, data = salt_call(python, conf, "hapc.list_backends", "socket=%s" % haproxy.admin_socket)
    assert p.returncode == 0, p.stdout + p.stderr
    assert data["action"] == "list-backends" and {"web", "db"} <= {b["name"] for b in data["backends"]}

    # The state module too: a drain through a state, checked on HAProxy's socket.
    (tmp_path / "minion" / "srv" / "drain.sls").write_text(
        "web3:\n  hapc.server_drained:\n    - backend: web\n    - socket: %s\n" % haproxy.admin_socket)
    p, data = salt_call(python, conf, "state.apply", "drain")
    assert p.returncode == 0, p.stdout + p.stderr
    (result,) = data.values()
    assert result["result"] is True and result["changes"]["new"]["admin_state"] == "drain", result
    assert haproxy.admin_states() == {"web1": "ready", "web2": "ready", "web3": "drain"}


def test_without_the_extension_the_same_minion_has_no_hapc_module(hapc, tmp_path):
    # The control: the test venv's own Python, same config, no extension: no hapc module.
    conf = minion_conf(tmp_path / "minion", hapc)
    p, data = salt_call(VENV_BIN / "python", conf, "hapc.list_backends")
    assert p.returncode != 0
    assert "'hapc.list_backends' is not available" in p.stdout + p.stderr, p.stdout + p.stderr
