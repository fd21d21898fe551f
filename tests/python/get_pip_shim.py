"""Stand-in for the pip bootstrap script ansible-test downloads (from a host outside the
package registries) into each sanity-test virtual environment: it installs the pip that
Python itself bundles (ensurepip), then pip-installs what ansible-test asked for (the pinned
pip, setuptools, ...) from the package registry. tests/python/run puts it where ansible-test
looks for a manually saved copy."""
import subprocess
import sys

# In a child process: ensurepip points PIP_CONFIG_FILE at /dev/null in its own environment,
# which would hide the machine's pip configuration from the pip install below.
if subprocess.call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL):
    sys.exit("ensurepip failed")
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "-q"] + sys.argv[1:]))
