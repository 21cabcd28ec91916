"""The wheel holds every package folder: setuptools only ships the packages pyproject lists."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".tools", "node_modules", "tests", "bench", "var", "build"}


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {"denialdesk"}
    for init in ROOT.rglob("__init__.py"):
        relative = init.parent.relative_to(ROOT)
        if relative.parts and relative.parts[0] in SKIP:
            continue
        if relative.parts:
            found.add("denialdesk." + ".".join(relative.parts))
    assert found == listed
