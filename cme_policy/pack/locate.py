"""Where pack files are found: the shipped packs, the ``CME_POLICY_PACKS`` folders, a pack named
by id or by path, and the scenario file beside a pack; and the stamp that tells the pack and
calendar caches a file has changed.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import Problem, UnknownAuthorityError
from ..suggest import did_you_mean
from ..yaml_io import shown_key

PACKAGE = "cme_policy.policies"


@cache
def shipped_dir() -> Path:
    """Installed packs are the package data ``cme_policy.policies``; in a source checkout
    (tests run from the repository root import the package from there) they are the
    top-level ``policies/`` folder beside the package."""
    try:
        return Path(str(resources.files(PACKAGE)))
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[2] / "policies"
        if checkout.is_dir():
            return checkout
        raise


def shipped_policies() -> list[str]:
    """Ids of the packs shipped with the library."""
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def shipped_policy_path(policy_id: str) -> Path:
    return shipped_dir() / f"{policy_id}.yaml"


#: The environment variable naming folders of local packs (``os.pathsep``-separated), searched
#: by authority id before the shipped packs; ``cme-policy --packs DIR`` sets it for one run.
PACKS_ENV = "CME_POLICY_PACKS"


def pack_folders() -> list[Path]:
    """The folders named in ``CME_POLICY_PACKS``, in order (empty entries ignored)."""
    return [Path(p) for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p.strip()]


def known_policies() -> list[str]:
    """Every pack id that :func:`~cme_policy.pack.load.load_policy` finds by id: local
    folders, then shipped."""
    found = {p.stem for folder in pack_folders() if folder.is_dir() for p in folder.glob("*.yaml")}
    return sorted(found | set(shipped_policies()))


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))


def find_pack_file(name_or_path: str | Path) -> Path:
    """A pack file by path, or by id: in the ``CME_POLICY_PACKS`` folders first, then shipped."""
    text = str(name_or_path)
    if isinstance(name_or_path, str) and not _looks_like_path(text):
        for folder in pack_folders():
            local = folder / f"{text}.yaml"
            if local.is_file():
                return local
        shipped = shipped_policy_path(text)
        if shipped.is_file():  # one stat, not a listing of the folder: evaluate() asks per case
            return shipped
    p = Path(text)
    if p.is_file():
        return p
    if isinstance(name_or_path, str) and not _looks_like_path(text):
        known = known_policies()
        folders = pack_folders()
        where = (
            f"looked in {', '.join(str(f) for f in folders)} and the shipped packs"
            if folders
            else f"for a pack of your own, give its file (policies/{shown_key(text)}.yaml) or name "
            f"its folder once with --packs DIR or {PACKS_ENV}"
        )
        raise UnknownAuthorityError(
            [
                Problem(
                    "policy",
                    f"unknown authority {shown_key(text)!r}{did_you_mean(text, known)}; "
                    f"known: {', '.join(known)}; {where}",
                )
            ],
            "unknown authority",
        )
    raise UnknownAuthorityError([Problem("policy", f"no such pack file: {text}")], "unknown pack")


def file_stamp(path: str) -> tuple[int, int]:
    """Modification time and size: a cached pack or calendar is reloaded once its file changes."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def scenario_file_for(pack_path: Path, pack_id: str) -> Path | None:
    """``../scenarios/<id>.yaml`` beside the pack's folder, or None if there is no such folder."""
    folder = pack_path.resolve().parent.parent / "scenarios"
    return folder / f"{pack_id}.yaml" if folder.is_dir() else None
