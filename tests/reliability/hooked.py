"""The ``kb`` command with the test hooks of ``KB_TEST_HOOK`` installed: ``python -m tests.reliability.hooked ingest …``."""

from kbapp.cli import main
from tests.reliability.hooks import install

if __name__ == "__main__":
    install()
    main()
