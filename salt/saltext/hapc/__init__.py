"""hapc's Salt extension: the ``hapc`` execution module (``modules/``) and state module
(``states/``), found by Salt's loader through this package's ``salt.loader`` entry point.

The modules' source is ``_modules/hapc.py`` and ``_states/hapc.py`` beside this package in the
repository's ``salt/`` directory (the file_roots layout); pyproject.toml maps them in here."""
