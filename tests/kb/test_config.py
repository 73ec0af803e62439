"""Every setting is documented: each ``Config`` field has a comment in ``kb/config.py`` and its ``KB_*`` variable
in the README's configuration table."""

from __future__ import annotations

import re
from dataclasses import fields

from kb.config import PROJECT_ROOT, Config


def test_every_setting_is_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(KB_[A-Z_]+)`", readme))
    assert sorted(f"KB_{f.name.upper()}" for f in fields(Config) if f"KB_{f.name.upper()}" not in documented) == []


def test_every_setting_has_a_comment():
    source = (PROJECT_ROOT / "kb" / "config.py").read_text(encoding="utf-8").splitlines()
    undocumented = []
    for f in fields(Config):
        i = next(n for n, line in enumerate(source) if re.match(rf"\s+{f.name}: ", line))
        if "#" not in source[i] and not source[i - 1].strip().startswith("#"):
            undocumented.append(f.name)
    assert undocumented == []
