"""The stale-install trap: the port must come from the user's source tree."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracediff.capture.models.nanobrag_torch.source import PACKAGE, import_port
from tracediff.errors import TraceDiffError


def _fake_port(root: Path, marker: str) -> Path:
    pkg = root / "src" / PACKAGE
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(f"MARKER = {marker!r}\n")
    (pkg / "__main__.py").write_text("def main():\n    pass\n")
    return root


@pytest.fixture(autouse=True)
def _clean_imports() -> Iterator[None]:
    saved_path, saved_meta = list(sys.path), list(sys.meta_path)
    yield
    sys.path[:], sys.meta_path[:] = saved_path, saved_meta
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_imports_the_tree_and_says_where(tmp_path: Path) -> None:
    tree = _fake_port(tmp_path / "checkout", "tree")
    port = import_port(tree)
    assert port.package.MARKER == "tree"
    assert port.location == (tree / "src" / PACKAGE).resolve()
    assert any(str(port.location) in note for note in port.notes)


def test_a_copy_imported_earlier_is_not_reused(tmp_path: Path) -> None:
    old = _fake_port(tmp_path / "old", "old")
    sys.path.insert(0, str(old / "src"))
    assert importlib.import_module(PACKAGE).MARKER == "old"
    port = import_port(_fake_port(tmp_path / "checkout", "tree"))
    assert port.package.MARKER == "tree"


class _EditableFinder(importlib.abc.MetaPathFinder):
    """What an editable install adds: a finder that maps the package to a fixed folder."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - the finder protocol
        if name == PACKAGE:
            return importlib.util.spec_from_file_location(name, self.target / "__init__.py",
                                                          submodule_search_locations=[str(self.target)])
        return None


def test_a_stale_editable_install_is_refused_naming_both_places(tmp_path: Path) -> None:
    stale = _fake_port(tmp_path / "stale", "stale") / "src" / PACKAGE
    sys.meta_path.insert(0, _EditableFinder(stale))
    tree = _fake_port(tmp_path / "checkout", "tree")
    with pytest.raises(TraceDiffError, match="stale install") as err:
        import_port(tree)
    assert str(stale.resolve()) in str(err.value) and str((tree / "src").resolve()) in str(err.value)


def test_a_tree_without_the_package_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TraceDiffError, match=f"no {PACKAGE}/__init__.py"):
        import_port(tmp_path)


def test_an_install_pointing_elsewhere_is_warned_about(tmp_path: Path) -> None:
    other = _fake_port(tmp_path / "other", "other")
    info = other / "src" / "nanobrag_torch-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nanobrag-torch\nVersion: 0.1.0\n")
    (info / "direct_url.json").write_text('{"url": "file://%s", "dir_info": {"editable": true}}' % other)
    sys.path.append(str(other / "src"))  # installed, but behind the source tree
    port = import_port(_fake_port(tmp_path / "checkout", "tree"))
    assert port.package.MARKER == "tree"
    warning = [note for note in port.notes if note.startswith("WARNING")]
    assert len(warning) == 1 and str(other) in warning[0]
