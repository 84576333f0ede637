"""Network file-system detection from made-up mount tables and Windows paths (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from anivault.utils.fsinfo import Mount, detect, network_fs_type, parse_mounts

MOUNTS = parse_mounts(
    "\n".join(
        [
            "/dev/sda1 / ext4 rw 0 0",
            "nas:/export/anime /mnt/nas nfs4 rw 0 0",
            "//nas/media /mnt/smb cifs rw 0 0",
            "me@box:/srv /home/me/box fuse.sshfs rw 0 0",
            "/dev/sdb1 /mnt/nas/local ext4 rw 0 0",
            "//nas/with\\040space /mnt/my\\040share cifs rw 0 0",
        ]
    )
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/me/Downloads", None),
        ("/mnt/nas", "nfs4"),
        ("/mnt/nas/Anime/Frieren", "nfs4"),
        ("/mnt/nas/local/x", None),  # a local disk mounted inside the share: deepest mount wins
        ("/mnt/nasty", None),  # a prefix of the name is not a parent folder
        ("/mnt/smb/Anime", "cifs"),
        ("/home/me/box/a", "fuse.sshfs"),
        ("/mnt/my share/Anime", "cifs"),
    ],
)
def test_linux_paths_are_judged_by_their_deepest_mount(path: str, expected: str | None) -> None:
    assert network_fs_type(path, MOUNTS) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("\\\\server\\share\\Anime", "smb"),
        ("//server/share/Anime", "smb"),
        ("\\\\?\\UNC\\server\\share\\Anime", "smb"),
        ("\\\\?\\C:\\Media", None),
        ("C:\\Media\\Anime", None),
    ],
)
def test_windows_unc_paths_are_network_paths(path: str, expected: str | None) -> None:
    assert network_fs_type(path, [Mount("/", "ext4")], windows=True) == expected


def test_a_local_temp_folder_is_not_reported(tmp_path: Path) -> None:
    assert detect(tmp_path / "not" / "created" / "yet") is None
    assert not (tmp_path / "not").exists()
