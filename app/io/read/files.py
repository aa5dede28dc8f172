"""Reading input files within a size limit, decoding UTF-8 precisely, writing atomically."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["FileProblem", "atomic_write", "decode_utf8", "read_limited"]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileProblem(Exception):
    """A file that cannot be read or decoded: ``code`` is UNREADABLE, TOO_LARGE or ENCODING."""

    def __init__(
        self, code: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


def read_limited(path: str | os.PathLike[str], max_bytes: int, setting: str = "") -> bytes:
    """The bytes of ``path``, refusing files over ``max_bytes`` without reading them whole.

    At most ``max_bytes + 1`` bytes are read, so a 50 MB file (or an endless pipe) costs
    no more memory than the limit.  ``setting`` names the knob that raises the limit.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
            if len(data) <= max_bytes:
                return data
            info = os.fstat(handle.fileno())
    except IsADirectoryError:
        raise FileProblem("UNREADABLE", "is a directory, not a file") from None
    except OSError as exc:
        raise FileProblem("UNREADABLE", f"cannot read the file: {exc.strerror or exc}") from None
    size = f"{info.st_size:,} bytes" if stat.S_ISREG(info.st_mode) else "larger than the limit"
    hint = f" (raise it with {setting})" if setting else ""
    raise FileProblem(
        "TOO_LARGE",
        f"the file is {size}; the limit is {max_bytes:,} bytes{hint}",
    )


def decode_utf8(data: bytes) -> str:
    """``data`` as text; a leading byte-order mark is dropped.

    Invalid bytes are reported with their offset, line and (character) column, so the
    user can find the one mistyped character an editor saved in another encoding.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = data.count(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
        hint = (
            "; the file looks like UTF-16: save it as UTF-8"
            if data.startswith(_UTF16_BOMS)
            else "; save the file as UTF-8"
        )
        raise FileProblem(
            "ENCODING",
            f"byte 0x{data[offset]:02X} at offset {offset} is not valid UTF-8{hint}",
            line,
            column,
        ) from None
    return text.removeprefix("\ufeff")


def _new_file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(target: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` to ``target`` so that readers see the old file or the whole new one.

    The text goes to a temporary file in the same directory, is flushed to disk, then
    renamed over ``target``; on any error the temporary file is removed and ``target``
    is left as it was.
    """
    path = Path(target)
    data = content.encode("utf-8") if isinstance(content, str) else content
    mode = _new_file_mode(path)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else "."
    )
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
