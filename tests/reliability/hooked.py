"""The ``kb`` command with the test hooks of ``KB_TEST_HOOK`` installed: ``python -m tests.reliability.hooked ingest …``."""

from tests.reliability.hooks import install
from kbapp.cli import main

if __name__ == "__main__":
    install()
    main()
