"""The hapc.haproxy collection as shipped: `ansible-galaxy collection build` leaves the tests and
caches out of the tarball (build_ignore), `ansible-galaxy collection install` installs it, and
Ansible runs the installed modules, not the source tree's."""

import json
import os
import shutil
import subprocess
import tarfile

from conftest import ROOT, RUN_TIMEOUT, VENV_BIN, install_collection


def test_build_leaves_tests_and_caches_out(tmp_path):
    # A source tree as a developer's checkout looks after a test run: caches and outputs.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "ansible", src)
    for junk in ("plugins/modules/__pycache__/server.cpython-311.pyc", "plugins/module_utils/hapc.pyc",
                 "tests/output/junit/x.xml", ".pytest_cache/v/cache/lastfailed", "old-build.tar.gz"):
        (src / junk).parent.mkdir(parents=True, exist_ok=True)
        (src / junk).write_text("junk")
    p = subprocess.run([str(VENV_BIN / "ansible-galaxy"), "collection", "build", str(src), "--output-path",
                        str(tmp_path / "dist")], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       env=dict(os.environ, ANSIBLE_HOME=str(tmp_path / "home"),
                                ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp")))
    assert p.returncode == 0, p.stdout + p.stderr
    with tarfile.open(tmp_path / "dist" / "hapc-haproxy-0.1.0.tar.gz") as tar:
        files = sorted(m.name for m in tar.getmembers() if m.isfile())
    source = sorted(f.relative_to(ROOT / "ansible").as_posix() for f in (ROOT / "ansible").rglob("*")
                    if f.is_file() and not f.relative_to(ROOT / "ansible").as_posix().startswith("tests/")
                    and "__pycache__" not in f.parts and f.name != "galaxy.yml")
    assert files == sorted(source + ["FILES.json", "MANIFEST.json"]), files


def test_installed_collection_is_what_ansible_runs(tmp_path):
    tarball, root = install_collection(tmp_path)
    installed = root / "ansible_collections" / "hapc" / "haproxy"
    manifest = json.loads((installed / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["namespace"] == "hapc" and manifest["collection_info"]["name"] == "haproxy"
    assert not (installed / "tests").exists()

    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(root), ANSIBLE_HOME=str(tmp_path / "home"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"))
    p = subprocess.run([str(VENV_BIN / "ansible-galaxy"), "collection", "list", "hapc.haproxy", "--format", "json"],
                       capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads(p.stdout) == {str(root / "ansible_collections"): {"hapc.haproxy": {"version": "0.1.0"}}}

    # ansible-doc resolves the modules and the playbooks to the installed copy.
    for module in ("server", "info", "reload"):
        p = subprocess.run([str(VENV_BIN / "ansible-doc"), "--json", "hapc.haproxy." + module],
                           capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
        assert p.returncode == 0, p.stdout + p.stderr
        doc = json.loads(p.stdout)["hapc.haproxy." + module]["doc"]
        assert doc["filename"] == str(installed / "plugins" / "modules" / (module + ".py"))
    for playbook in ("rolling_maintenance", "pool_maintenance"):
        assert (installed / "playbooks" / (playbook + ".yml")).read_text() == \
            (ROOT / "ansible" / "playbooks" / (playbook + ".yml")).read_text()


def test_the_playbook_tests_use_the_installed_collection(collections_path):
    installed = collections_path / "ansible_collections" / "hapc" / "haproxy"
    assert (installed / "MANIFEST.json").is_file() and not installed.is_symlink()
    assert installed.resolve() != (ROOT / "ansible").resolve()
