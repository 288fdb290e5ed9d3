"""Files citizens upload: what each one really is, whether it may be kept, and where it is kept.

:func:`upload_check` decides a file's kind by its content, never by its name or the content type
the browser sent: magic bytes through the ``filetype`` library, and for the zip-based formats
(docx, xlsx, OFD) the archive's member list. It refuses, with a code and a message for the
citizen (:class:`UploadRejected`):

- executables, scripts and web pages under any name ("disguised"), and a name whose ending names
  another format than the content ("disguised"; a PNG named ``.jpg`` is let through, being an
  image all the same, and is stored as ``.png``);
- zip bombs, judged on the sizes the archive declares without unpacking anything, and archives
  inside archives ("archive_bomb"). That also refuses the Word and Excel files that embed another
  Office document (a chart's worksheet): the applicant saves such a file as PDF;
- what the virus scanners named in ``SHUZHENG_UPLOAD_SCANNERS`` find ("infected"). A scanner
  that cannot answer refuses the upload ("scan_unavailable") instead of letting it through.

:func:`upload_store` writes a checked file under a random name below ``SHUZHENG_UPLOAD_ROOT``,
which no web server serves; :func:`upload_open` reads it back and refuses any path that leads
out of that folder. The name the citizen gave is kept only for display, cleaned by
:func:`upload_name_clean`, and never becomes a path.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import socket
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Literal

import filetype
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from filetype.types import TYPES as FILETYPE_TYPES

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# filetype looks for signatures in the first 8 KiB, and so does the search for scripts.
HEAD_BYTES = 8192
NAME_MAX_LENGTH = 255
# A small member may compress extremely well (a blank page) without being a bomb: the ratio
# limit applies only to what unpacks to more than this.
ZIP_RATIO_GRACE_BYTES = 1024 * 1024

RejectionCode = Literal[
    "too_large", "empty", "type", "disguised", "archive_bomb", "infected", "scan_unavailable", "unreadable"
]


class UploadRejected(ValueError):
    """An upload the platform will not keep: ``code`` for programs, ``message`` for the citizen."""

    def __init__(self, code: RejectionCode, message: str) -> None:
        self.code: RejectionCode = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Kind:
    """A format the platform accepts: the extension it is stored under, its MIME type, and the
    name endings it may arrive under."""

    extension: str
    mime: str
    names: frozenset[str]


_IMAGE_NAMES = frozenset({"jpg", "jpeg", "jpe", "jfif", "png"})
KINDS: dict[str, Kind] = {
    "pdf": Kind("pdf", "application/pdf", frozenset({"pdf"})),
    "jpg": Kind("jpg", "image/jpeg", _IMAGE_NAMES),
    "png": Kind("png", "image/png", _IMAGE_NAMES),
    # GB/T 33190, the fixed-layout format of Chinese e-government documents.
    "ofd": Kind("ofd", "application/ofd", frozenset({"ofd"})),
    "docx": Kind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"})
    ),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"})),
}
DEFAULT_KINDS = frozenset(KINDS)

# What filetype calls the kinds above that it recognises itself (an animated PNG is a PNG).
_FILETYPE_KINDS = {"pdf": "pdf", "jpg": "jpg", "png": "png", "apng": "png"}
_FILETYPE_PROGRAMS = frozenset({"exe", "elf", "wasm", "swf", "crx"})
_FILETYPE_ZIPS = frozenset({"zip", "docx", "xlsx", "pptx", "epub", "odt", "ods", "odp"})
# Programs filetype does not know: Mach-O (both byte orders, 32 and 64 bits), fat Mach-O and Java
# classes, Android bytecode.
_PROGRAM_MAGIC = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"dex\n",
)
# Text a browser or a shell would run.
_SCRIPT_START = (b"#!", b"@echo", b"<?php", b"<%")
_SCRIPT_MARKERS = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta|\?xml)[\s>/]|javascript:|vbscript:"
)
# Name endings that claim a format: together with every format filetype knows, a name ending in
# one of these must agree with the content. Other endings ("报告.2024") claim nothing.
_CLAIMING_NAMES = frozenset(
    {
        *("bat", "cmd", "com", "scr", "msi", "dll", "so", "dylib", "jar", "apk", "app", "lnk"),
        *("ps1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "hta", "sh", "bash", "py", "pl", "rb"),
        *("php", "jsp", "asp", "aspx", "cgi", "html", "htm", "xhtml", "shtml", "svg", "xml"),
        *("txt", "csv", "wps", "et", "dps", "tif", "heif"),
    }
)
_ARCHIVE_NAMES = frozenset(
    {"zip", "jar", "rar", "7z", "gz", "tgz", "bz2", "xz", "zst", "tar", "cab", "ofd", "epub", "apk"}
    | {"docx", "docm", "xlsx", "xlsm", "pptx", "pptm", "odt", "ods", "odp"}
)

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Characters no Windows file name may hold, replaced so the name survives a download.
_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")
_FOLDER = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """A file upload_check accepted: its kind by content, and the name it was uploaded under."""

    kind: str
    mime: str
    extension: str
    size: int
    sha256: str
    name: str


def upload_name_clean(name: str) -> str:
    """The uploaded name for display: no folders, control or direction characters, Windows-reserved
    characters or surrounding dots and spaces, NFC, at most 255 characters keeping the ending."""
    visible = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    base = re.split(r"[/\\]", visible)[-1]
    base = _EDGES.sub("", unicodedata.normalize("NFC", base).translate(_RESERVED))
    if len(base) > NAME_MAX_LENGTH:
        stem, dot, ending = base.rpartition(".")
        if dot and len(ending) <= 16:
            base = stem[: NAME_MAX_LENGTH - len(ending) - 1] + "." + ending
        else:
            base = base[:NAME_MAX_LENGTH]
        base = _EDGES.sub("", base)
    return base


def upload_check(
    file: IO[bytes], *, allowed: Iterable[str] = DEFAULT_KINDS, max_bytes: int | None = None
) -> CheckedUpload:
    """Read a seekable upload once in chunks and accept it as one of the ``allowed`` kinds, or raise
    UploadRejected; leaves the file at its start."""
    allowed = frozenset(allowed)
    if unknown := allowed - KINDS.keys():
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    limit = settings.SHUZHENG_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    name = upload_name_clean(getattr(file, "name", None) or "")
    try:
        size, sha256, head = _read(file, limit)
        try:
            kind = _kind_by_content(head, file, allowed)
            claimed = name.rpartition(".")[2].lower() if "." in name else ""
            if claimed in _claiming_names() and claimed not in KINDS[kind].names:
                raise UploadRejected(
                    "disguised",
                    gettext(
                        "文件名后缀为 .%(claimed)s，但文件内容是 %(kind)s 格式。请确认文件无误、改正后缀后重新上传。"
                    )
                    % {"claimed": claimed, "kind": kind.upper()},
                )
            _scan(file)
        except UploadRejected as exc:
            if exc.code in {"disguised", "archive_bomb", "infected"}:
                logger.warning("upload refused (%s): sha256=%s size=%d: %s", exc.code, sha256, size, exc.message)
            raise
    finally:
        file.seek(0)
    return CheckedUpload(
        kind=kind,
        mime=KINDS[kind].mime,
        extension=KINDS[kind].extension,
        size=size,
        sha256=sha256,
        name=name or f"upload.{KINDS[kind].extension}",
    )


def _read(file: IO[bytes], limit: int) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first bytes of the file, read no further than one chunk past ``limit``."""
    too_large = UploadRejected(
        "too_large", gettext("文件超过 %(limit)s 的上限，请压缩或拆分后再上传。") % {"limit": filesizeformat(limit)}
    )
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_large
    digest = hashlib.sha256()
    size = 0
    head = b""
    file.seek(0)
    try:
        while chunk := file.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise too_large
            digest.update(chunk)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
    except OSError as exc:
        raise UploadRejected("unreadable", gettext("读取文件时出错，请重新上传。")) from exc
    if not size:
        raise UploadRejected("empty", gettext("文件是空的，请重新选择文件。"))
    return size, digest.hexdigest(), head


def _kind_by_content(head: bytes, file: IO[bytes], allowed: frozenset[str]) -> str:
    guess = filetype.guess(head)
    found: str | None = guess.extension if guess else None
    if found in _FILETYPE_PROGRAMS or head.startswith(_PROGRAM_MAGIC):
        raise UploadRejected("disguised", gettext("文件内容是可执行程序，不予接收。"))
    if found is None and _looks_like_script(head):
        raise UploadRejected("disguised", gettext("文件内容是脚本或网页代码，不予接收。"))
    kind = _zip_kind(file) if found in _FILETYPE_ZIPS else _FILETYPE_KINDS.get(found or "")
    if kind is None or kind not in allowed:
        accepted = "、".join(sorted(each.upper() for each in allowed))
        if kind or found:
            message = gettext("文件内容是 %(found)s 格式，此处只接受 %(accepted)s。") % {
                "found": (kind or found or "").upper(),
                "accepted": accepted,
            }
        else:
            message = gettext("无法识别文件内容的格式，此处只接受 %(accepted)s。") % {"accepted": accepted}
        raise UploadRejected("type", message)
    return kind


def _looks_like_script(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode()
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith(_SCRIPT_START) or _SCRIPT_MARKERS.search(text) is not None


def _zip_kind(file: IO[bytes]) -> str | None:
    """The zip-based kind by the archive's member list, after the limits that catch zip bombs.

    Only the central directory is read. A member that lies about its size there is no danger to
    later readers either: Python's zipfile, which openpyxl and OFD readers use, stops at the
    declared size and fails the CRC.
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRejected("unreadable", gettext("文件已损坏，无法读取。")) from exc

    max_members = settings.SHUZHENG_UPLOAD_ZIP_MAX_MEMBERS
    if len(members) > max_members:
        raise UploadRejected(
            "archive_bomb",
            gettext("文件内含 %(count)d 个部件，超过 %(limit)d 个的上限。")
            % {"count": len(members), "limit": max_members},
        )
    unpacked = sum(member.file_size for member in members)
    max_unpacked = settings.SHUZHENG_UPLOAD_ZIP_MAX_BYTES
    if unpacked > max_unpacked:
        raise UploadRejected(
            "archive_bomb",
            gettext("文件解压后达 %(size)s，超过 %(limit)s 的上限。")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_unpacked)},
        )
    ratio = settings.SHUZHENG_UPLOAD_ZIP_MAX_RATIO
    sizes = [(unpacked, sum(member.compress_size for member in members))]
    sizes += [(member.file_size, member.compress_size) for member in members]
    if any(full > ZIP_RATIO_GRACE_BYTES and full > ratio * max(packed, 1) for full, packed in sizes):
        raise UploadRejected(
            "archive_bomb",
            gettext("文件的压缩比异常（超过 %(ratio)d 倍），疑似“压缩炸弹”，不予接收。") % {"ratio": ratio},
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise UploadRejected("unreadable", gettext("文件已加密，无法检查。请去除密码后重新上传。"))
    if any(not member.is_dir() and member.filename.rpartition(".")[2].lower() in _ARCHIVE_NAMES for member in members):
        raise UploadRejected(
            "archive_bomb",
            gettext("文件内还嵌有压缩包或其他文档，不予接收。请另存为 PDF 后上传。"),
        )

    names = {member.filename for member in members}
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    return None


@cache
def _claiming_names() -> frozenset[str]:
    from_library = {str(kind.extension) for kind in FILETYPE_TYPES}
    ours = {name for kind in KINDS.values() for name in kind.names}
    return frozenset(from_library | ours | _CLAIMING_NAMES)


# --- virus scanners: a small registry ------------------------------------------

Scanner = Callable[[IO[bytes]], str | None]
"""Reads the file from its start; returns None when clean, or the name of what it found."""

_scanners: dict[str, Scanner] = {}


class ScannerUnavailable(Exception):
    """A scanner could not give a verdict (its daemon down, slow, or answering an error)."""


def scanner_register(name: str, scan: Scanner) -> Scanner:
    """Make ``scan`` available to SHUZHENG_UPLOAD_SCANNERS under ``name``."""
    _scanners[name] = scan
    return scan


def _scan(file: IO[bytes]) -> None:
    for name in settings.SHUZHENG_UPLOAD_SCANNERS:
        try:
            scan = _scanners[name]
        except KeyError:
            raise ImproperlyConfigured(f"SHUZHENG_UPLOAD_SCANNERS names {name!r}, which is not registered") from None
        file.seek(0)
        try:
            found = scan(file)
        except (ScannerUnavailable, OSError) as exc:
            logger.error("upload scanner %s gave no verdict: %s", name, exc)
            raise UploadRejected("scan_unavailable", gettext("暂时无法完成病毒检查，请稍后再上传。")) from exc
        if found:
            raise UploadRejected(
                "infected", gettext("文件中发现病毒或恶意代码（%(found)s），不予接收。") % {"found": found}
            )


def clamd_scan(file: IO[bytes]) -> str | None:
    """Stream the file to the ClamAV daemon at SHUZHENG_CLAMD_ADDRESS (INSTREAM command)."""
    address = settings.SHUZHENG_CLAMD_ADDRESS
    if not address:
        raise ImproperlyConfigured("SHUZHENG_UPLOAD_SCANNERS names clamd, so SHUZHENG_CLAMD_ADDRESS must be set")
    with _clamd_connect(address, settings.SHUZHENG_CLAMD_TIMEOUT) as connection:
        # "z": commands and replies end with a NUL byte; chunks are length-prefixed, big-endian.
        connection.sendall(b"zINSTREAM\0")
        while chunk := file.read(CHUNK_BYTES):
            connection.sendall(struct.pack(">I", len(chunk)) + chunk)
        connection.sendall(struct.pack(">I", 0))
        reply = bytearray()
        while not reply.endswith(b"\0") and len(reply) < 4096:
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    verdict = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", or an error such as "INSTREAM size limit exceeded. ERROR".
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").partition(": ")[2] or verdict
    if verdict.endswith(": OK"):
        return None
    raise ScannerUnavailable(f"clamd answered {verdict!r}")


def _clamd_connect(address: str, timeout: int) -> socket.socket:
    """A socket to clamd: "/path", "unix:/path" or "unix:///path", or "host:port" (optionally "tcp://")."""
    if address.startswith(("/", "unix:")):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(address.removeprefix("unix:").removeprefix("//"))
        except OSError:
            connection.close()
            raise
        return connection
    host, colon, port = address.removeprefix("tcp://").rpartition(":")
    if not colon or not port.isdigit():
        raise ImproperlyConfigured(f"SHUZHENG_CLAMD_ADDRESS must be a socket path or host:port, got {address!r}")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


scanner_register("clamd", clamd_scan)


# --- storage ------------------------------------------------------------------


def upload_store(checked: CheckedUpload, file: IO[bytes], *, folder: str) -> str:
    """Write the checked file, readable by owner and group only, under a random name in ``folder``
    of the upload root, all at once or not at all; returns its path relative to the root."""
    if not _FOLDER.fullmatch(folder):
        raise ValueError(f"upload folder must be segments of letters, digits, - and _ joined by /, got {folder!r}")
    directory = Path(settings.SHUZHENG_UPLOAD_ROOT) / folder
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.{checked.extension}"
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(descriptor, "wb") as out:
            file.seek(0)
            while (chunk := file.read(CHUNK_BYTES)) and size <= checked.size:
                size += len(chunk)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), 0o640)
        # The file checked must be the file kept, not one changed or swapped since.
        if size != checked.size or digest.hexdigest() != checked.sha256:
            raise UploadRejected("unreadable", gettext("文件在检查之后发生了变化，请重新上传。"))
        os.replace(temporary, directory / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    finally:
        file.seek(0)
    return f"{folder}/{name}"


def _stored(path: str) -> Path:
    root = Path(settings.SHUZHENG_UPLOAD_ROOT).resolve()
    if "\0" in path or path.startswith(("/", "\\")):
        raise SuspiciousFileOperation(f"upload path {path!r} is not relative to the upload root")
    target = (root / path).resolve()
    if target == root or not target.is_relative_to(root):
        raise SuspiciousFileOperation(f"upload path {path!r} leads out of the upload root")
    return target


def upload_open(path: str) -> IO[bytes]:
    """Open a stored upload for reading; a path that leads out of the upload root is refused."""
    return _stored(path).open("rb")


def upload_delete(path: str) -> None:
    """Remove a stored upload (already gone is fine); the same paths are refused as for reading."""
    _stored(path).unlink(missing_ok=True)
