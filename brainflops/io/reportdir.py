"""A report folder that never touches what it did not write, and is never lost.

Rules:
- `-o DIR` must be new, empty, or a brainflops report: a folder whose every file is listed
  in its manifest (`DIR/.brainflops-report`). Any other file there is refused before
  anything is written, so `-o ~` or `-o my-scenarios/` cannot delete a thing.
- The new report is written into a temporary folder beside DIR, then swapped in with one
  atomic exchange (Linux `renameat2(RENAME_EXCHANGE)`); where that is not available, two
  renames with signals held between them. At every instant DIR holds the old report or the
  new one, whatever signal arrives.
- The old report is removed file by file from its manifest: only files brainflops wrote.
- Temporary folders left by a killed run (`.DIR.brainflops-new-*`, `.DIR.brainflops-old-*`)
  are cleaned, or restored, by the next run.
"""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from brainflops.errors import InputError
from brainflops.io.files import MAX_FILE_BYTES, path_errors, read_limited

MANIFEST = ".brainflops-report"
_MANIFEST_HEADER = "# brainflops report: the files below were written by brainflops"
_LEGACY_FILES = ("index.md", "data.json")
_NEW, _OLD = "brainflops-new-", "brainflops-old-"
MAX_REPORT_FILES = 10_000


def manifest_text(files: Mapping[str, str]) -> str:
    """The manifest of a report: a header line, then one relative path a line."""
    listed = sorted(rel for rel in files if rel != MANIFEST)
    return "\n".join([_MANIFEST_HEADER, *listed]) + "\n"


def _reached(step: str) -> None:
    """A seam for the fault-injection tests, which stop the process at each step."""


def _safe_rel(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return bool(parts) and not rel.startswith("/") and ".." not in parts and "\\" not in rel


def _read_manifest(folder: Path) -> list[str] | None:
    """The files a report folder lists, or None where there is no manifest."""
    path = folder / MANIFEST
    if not os.path.lexists(path):
        return None
    if path.is_symlink():
        raise InputError.at(str(path), "the manifest is a symbolic link; refused")
    lines = read_limited(path, str(path)).decode("utf-8", errors="replace").splitlines()
    if not lines or lines[0] != _MANIFEST_HEADER:
        raise InputError.at(str(path), "not a brainflops report manifest")
    listed = [line for line in lines[1:] if line]
    unsafe = [rel for rel in listed if not _safe_rel(rel)]
    if unsafe:
        raise InputError.at(str(path), f"the manifest lists a path outside the folder: {unsafe[0]}")
    return listed


def walk_files(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, lstat) of everything below `folder` but directories; links not followed."""
    count = 0
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        entries = list(names) + [d for d in dirs if (base / d).is_symlink()]
        for name in sorted(entries):
            count += 1
            if count > MAX_REPORT_FILES:
                raise InputError.at(str(folder), f"more than {MAX_REPORT_FILES:,} files")
            path = base / name
            yield path.relative_to(folder).as_posix(), path.lstat()


def _owned_files(folder: Path, found: list[str]) -> list[str]:
    """The files of `found` that a report wrote: its manifest's, or a legacy report's."""
    listed = _read_manifest(folder)
    if listed is not None:
        return [*listed, MANIFEST]
    legacy = all(
        rel in _LEGACY_FILES
        or (rel.startswith("figures/") and rel.count("/") == 1 and rel.endswith(".svg"))
        for rel in found
    )
    if legacy and all(name in found for name in _LEGACY_FILES):
        return found  # a report written before manifests existed
    return []


def _foreign_files(folder: Path) -> list[str]:
    """Files in `folder` that no report wrote: they must never be replaced or removed."""
    found = [rel for rel, _ in walk_files(folder)]
    owned = set(_owned_files(folder, found))
    return [rel for rel in found if rel not in owned]


def check_target(out: Path) -> None:
    """Refuse `out` unless it is new, empty or a brainflops report (nothing is written)."""
    shown = str(out)
    with path_errors(shown, "cannot use the report folder"):
        if not os.path.lexists(out):
            return
        if not out.is_dir():
            raise InputError.at(shown, "exists and is not a folder; choose another -o")
        foreign = _foreign_files(out)
    if foreign:
        listed = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5:,} more" if len(foreign) > 5 else ""
        )
        raise InputError.at(
            shown,
            f"holds files brainflops did not write ({listed}); a report goes into a new or "
            "empty folder, or replaces an earlier report; nothing was changed",
        )


def _remove_report(folder: Path) -> None:
    """Remove the files a report wrote (by its manifest), then the folders left empty."""
    found = [rel for rel, _ in walk_files(folder)]
    owned = _owned_files(folder, found)
    for rel in sorted(owned, key=lambda r: r == MANIFEST):  # the manifest last
        path = folder / rel
        if os.path.lexists(path) and not path.is_dir():
            path.unlink()
            _reached("removed-old-file")
    for root, _dirs, _names in sorted(os.walk(folder), key=lambda w: -len(w[0])):
        try:
            Path(root).rmdir()
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise


def _temp_folders(parent: Path, name: str) -> list[Path]:
    prefix = f".{name}."
    with os.scandir(parent) as entries:
        return sorted(
            Path(e.path)
            for e in entries
            if e.name.startswith(prefix)
            and e.name[len(prefix) :].startswith((_NEW, _OLD))
            and e.is_dir(follow_symlinks=False)
        )


def clean_stale(out: Path) -> None:
    """Undo what a killed run left beside `out`: restore a lost report, remove temp folders."""
    for tmp in _temp_folders(out.parent, out.name):
        if _OLD in tmp.name and not os.path.lexists(out):
            tmp.rename(out)  # killed between the two renames: the old report comes back
            continue
        if _foreign_files(tmp):
            continue  # not ours to remove
        _remove_report(tmp)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where that is not supported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (delivered after the block) where the platform allows it."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _write_files(folder: Path, files: Mapping[str, str]) -> None:
    """The manifest first, so that even a half-written temp folder can be cleaned by it."""
    (folder / MANIFEST).write_text(manifest_text(files), encoding="utf-8", newline="\n")
    for rel, text in files.items():
        if rel == MANIFEST:
            continue
        if not _safe_rel(rel):
            raise ValueError(f"report file outside the folder: {rel!r}")
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        _reached("wrote-file")


def _real_target(out: Path) -> Path:
    """A symlinked -o stays a symlink: the report goes into the folder it points to."""
    return out.resolve() if out.is_symlink() else Path(os.path.normpath(out.absolute()))


def check_report_folder(out: Path) -> None:
    """Before any work: refuse `out` as `write_report_folder` would, with its words (a
    report of a large library must not compute for minutes and then be refused). Nothing
    is written; the write checks again."""
    with path_errors(str(out), "cannot write the report"):
        check_target(_real_target(out))


def write_report_folder(files: Mapping[str, str], out: Path) -> None:
    """Write `files` (relative path → text) as the report folder `out` (see the module doc)."""
    shown = str(out)
    with path_errors(shown, "cannot write the report"):
        target = _real_target(out)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where a folder of the path should be
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
        clean_stale(target)
        _reached("cleaned")
        check_target(target)
        _reached("checked")
        tmp = target.parent / f".{target.name}.{_NEW}{os.urandom(4).hex()}"
        try:
            tmp.mkdir()  # mode 0o777 less the umask: the folder gets normal permissions
            _reached("created-temp")
            _write_files(tmp, files)
            _reached("wrote-all")
            _swap_in(tmp, target)
            _reached("swapped")
        finally:
            if os.path.lexists(tmp):
                with _signals_held():  # a second Ctrl-C must not interrupt the clean-up
                    _remove_report(tmp)  # the new report (not swapped in) or the old one
        _reached("done")


def _swap_in(tmp: Path, target: Path) -> None:
    if not os.path.lexists(target) or not any(target.iterdir()):
        tmp.replace(target)  # atomic; rename(2) may replace an empty folder
        return
    if _exchange(tmp, target):
        return  # tmp now holds the old report, removed by the caller
    old = target.parent / f".{target.name}.{_OLD}{os.urandom(4).hex()}"
    with _signals_held():  # a SIGKILL here is undone by the next run's clean_stale
        target.rename(old)
        _reached("moved-old")
        tmp.rename(target)
        _remove_report(old)


def read_report_file(out: Path, rel: str, limit: int = MAX_FILE_BYTES) -> str:
    """A report file for `--check`: a regular file, not a link, under the size limit."""
    path = out / rel
    raw = read_limited(path, str(path), limit, follow_symlinks=False)
    return raw.decode("utf-8", errors="replace")


__all__ = [
    "MANIFEST",
    "check_report_folder",
    "check_target",
    "clean_stale",
    "manifest_text",
    "read_report_file",
    "walk_files",
    "write_report_folder",
]
