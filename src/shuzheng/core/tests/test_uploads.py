from __future__ import annotations

import hashlib
import io
import os
import socket
import stat
import struct
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuzheng.core import uploads
from shuzheng.core.uploads import (
    CHUNK_BYTES,
    ScannerUnavailable,
    UploadRejected,
    clamd_scan,
    scanner_register,
    upload_check,
    upload_name_clean,
    upload_open,
    upload_store,
)


@pytest.fixture(autouse=True)
def upload_root(settings: Any, tmp_path: Path) -> Path:
    # Never the checkout's var/, and no scanner unless a test names one.
    root = tmp_path / "uploads"
    settings.SHUZHENG_UPLOAD_ROOT = root
    settings.SHUZHENG_UPLOAD_SCANNERS = []
    return root


# --- real, small files of each kind -----------------------------------------------


def pdf_bytes() -> bytes:
    """A one-page A4 PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A red RGB image."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    """A baseline JPEG of one grey pixel: one 8×8 block whose coefficients are all zero, coded
    with one-symbol Huffman tables (DC difference 0, then end of block: the bits 00)."""

    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">HH", 0xFF00 | marker, len(data) + 2) + data

    one_code = bytes([1] + [0] * 15)
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xE0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            segment(0xDB, b"\x00" + b"\x01" * 64),
            segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"),
            segment(0xC4, b"\x00" + one_code + b"\x00"),
            segment(0xC4, b"\x10" + one_code + b"\x00"),
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",
            b"\xff\xd9",
        ]
    )


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_MEMBERS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>',
    "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>申请书</w:t></w:r></w:p></w:body></w:document>'.encode(),
}


def docx_bytes() -> bytes:
    return zip_bytes(DOCX_MEMBERS)


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "金额"])
    workbook.active.append(["张三", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ofd_bytes() -> bytes:
    return zip_bytes(
        {
            "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
            b'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
            b"</ofd:DocBody></ofd:OFD>",
            "Doc_0/Document.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:Document '
            b'xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
            b"</ofd:Pages></ofd:Document>",
            "Doc_0/Pages/Page_0/Content.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:Page '
            b'xmlns:ofd="http://www.ofdspec.org/2016"/>',
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejected(file: Any, **options: Any) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        upload_check(file, **options)
    assert caught.value.message
    return caught.value


# --- accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "kind", "mime"),
    [
        ("申请书.pdf", pdf_bytes, "pdf", "application/pdf"),
        ("证件照.jpg", jpeg_bytes, "jpg", "image/jpeg"),
        ("scan.PNG", png_bytes, "png", "image/png"),
        ("合同.docx", docx_bytes, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("清单.xlsx", xlsx_bytes, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("电子证照.ofd", ofd_bytes, "ofd", "application/ofd"),
    ],
)
def test_each_default_kind_is_accepted_by_its_content(
    name: str, make: Callable[[], bytes], kind: str, mime: str
) -> None:
    content = make()
    file = upload(name, content, content_type="text/html")
    checked = upload_check(file)
    assert (checked.kind, checked.mime, checked.extension) == (kind, mime, kind)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.name == name
    assert file.tell() == 0


def test_a_png_named_jpg_is_an_image_all_the_same_and_keeps_its_true_extension() -> None:
    checked = upload_check(upload("photo.jpg", png_bytes()))
    assert (checked.kind, checked.extension, checked.name) == ("png", "png", "photo.jpg")


def test_an_ending_that_names_no_format_claims_nothing() -> None:
    assert upload_check(upload("报告.2024", pdf_bytes())).kind == "pdf"
    assert upload_check(upload("扫描件", pdf_bytes())).kind == "pdf"


def test_a_file_like_object_without_a_name_gets_one_for_display() -> None:
    assert upload_check(io.BytesIO(pdf_bytes())).name == "upload.pdf"


# --- refused ---------------------------------------------------------------------


def test_only_the_allowed_kinds_pass() -> None:
    refusal = rejected(upload("合同.pdf", pdf_bytes()), allowed={"jpg", "png"})
    assert refusal.code == "type"
    assert "JPG" in refusal.message
    assert "PNG" in refusal.message
    with pytest.raises(ValueError, match="unknown upload kinds"):
        upload_check(upload("a.pdf", pdf_bytes()), allowed={"pdf", "exe"})


def test_unknown_content_and_other_formats_are_refused_as_type() -> None:
    assert rejected(upload("a.pdf", "这不是 PDF".encode())).code == "type"
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    assert rejected(upload("a.gif", gif)).code == "type"
    assert rejected(upload("a.zip", zip_bytes({"readme.txt": b"hello"}))).code == "type"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("发票.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)),  # Windows program
        ("合同.pdf", b"\x7fELF\x02\x01\x01" + bytes(200)),  # Linux program
        ("photo.jpg", b"#!/bin/sh\necho pwned\n"),
        ("申请书.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("scan.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("page.pdf", "\ufeff  <html><script>x</script>".encode("utf-16")),
    ],
)
def test_programs_and_scripts_are_disguised_under_any_name(name: str, content: bytes) -> None:
    file = upload(name, content, content_type="application/pdf")
    assert rejected(file).code == "disguised"


def test_a_name_that_names_another_format_is_disguised() -> None:
    refusal = rejected(upload("合同.docx", pdf_bytes()))
    assert refusal.code == "disguised"
    assert ".docx" in refusal.message
    assert rejected(upload("setup.exe", pdf_bytes())).code == "disguised"
    assert rejected(upload("照片.pdf", jpeg_bytes())).code == "disguised"


def test_an_empty_file_is_refused() -> None:
    assert rejected(upload("空.pdf", b"")).code == "empty"


class EndlessPdf(io.RawIOBase):
    """A PDF header and then zeros for ever, counting what was read."""

    def __init__(self) -> None:
        self.position = 0
        self.name = "大文件.pdf"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        assert whence == io.SEEK_SET
        self.position = offset
        return offset

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        buffer[:size] = bytes(size)
        if self.position == 0:
            buffer[:5] = b"%PDF-"
        self.position += size
        return size


def test_an_oversized_file_is_refused_without_reading_it_all(settings: Any) -> None:
    settings.SHUZHENG_UPLOAD_MAX_BYTES = 1024 * 1024
    endless = EndlessPdf()
    refusal = rejected(io.BufferedReader(endless))
    assert refusal.code == "too_large"
    assert endless.position <= settings.SHUZHENG_UPLOAD_MAX_BYTES + 2 * CHUNK_BYTES


def test_max_bytes_overrides_the_setting() -> None:
    content = pdf_bytes()
    assert rejected(upload("a.pdf", content), max_bytes=len(content) - 1).code == "too_large"
    assert upload_check(upload("a.pdf", content), max_bytes=len(content)).size == len(content)


def test_an_upload_whose_received_size_is_too_large_is_refused_before_reading() -> None:
    file = InMemoryUploadedFile(io.BytesIO(pdf_bytes()), "file", "a.pdf", "application/pdf", 10**12, None)
    assert rejected(file).code == "too_large"


# --- zip-based formats ---------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    # 4 MiB of zeros packs into a few KiB: a ratio near 1000.
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": bytes(4 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    refusal = rejected(upload("清单.xlsx", bomb))
    assert refusal.code == "archive_bomb"
    assert "压缩炸弹" in refusal.message


def test_a_zip_declaring_a_huge_member_is_refused_without_unpacking_it() -> None:
    archive = bytearray(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}))
    # Forge the central directory: the workbook now claims to unpack to 3 GiB.
    entry = archive.rindex(b"PK\x01\x02")
    archive[entry + 24 : entry + 28] = struct.pack("<I", 3 * 1024**3)
    refusal = rejected(upload("清单.xlsx", bytes(archive)))
    assert refusal.code == "archive_bomb"
    assert "解压后" in refusal.message


def test_a_zip_with_too_many_members_is_refused(settings: Any) -> None:
    settings.SHUZHENG_UPLOAD_ZIP_MAX_MEMBERS = 5
    members = {"OFD.xml": b"<ofd:OFD/>"} | {f"Doc_0/Pages/Page_{page}/Content.xml": b"<Page/>" for page in range(5)}
    assert rejected(upload("证照.ofd", zip_bytes(members))).code == "archive_bomb"


def test_a_zip_inside_a_zip_is_refused() -> None:
    nested = zip_bytes(DOCX_MEMBERS | {"word/embeddings/inner.zip": zip_bytes({"a.txt": b"a"})})
    assert rejected(upload("合同.docx", nested)).code == "archive_bomb"


def test_a_broken_zip_is_unreadable() -> None:
    assert rejected(upload("合同.docx", b"PK\x03\x04" + bytes(100))).code == "unreadable"


def test_a_zip_that_is_no_office_or_ofd_file_is_refused_under_their_names() -> None:
    refusal = rejected(upload("合同.docx", zip_bytes({"payload.bin": b"x" * 100})))
    assert refusal.code == "type"
    assert "ZIP" in refusal.message


# --- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\Desktop\\身份证.jpg", "身份证.jpg"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ('a\r\nX-Evil: "1".pdf', "aX-Evil_ _1_.pdf"),
        ("  ..合同.pdf. ", "合同.pdf"),
        ("..", ""),
        ("e\u0301.png", "\u00e9.png"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_names_are_cleaned(raw: str, clean: str) -> None:
    assert upload_name_clean(raw) == clean


def test_a_traversing_name_is_cleaned_on_check() -> None:
    file = io.BytesIO(pdf_bytes())
    file.name = "../../etc/passwd.pdf"
    assert upload_check(file).name == "passwd.pdf"


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=600), st.lists(st.text(max_size=40)).map("/".join)))
def test_cleaned_names_are_plain_and_stable(raw: str) -> None:
    clean = upload_name_clean(raw)
    assert "/" not in clean
    assert "\\" not in clean
    assert len(clean) <= uploads.NAME_MAX_LENGTH
    assert clean == clean.strip()
    assert not clean.startswith(".")
    assert not clean.endswith(".")
    assert all(unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} for char in clean)
    assert upload_name_clean(clean) == clean


# --- storage --------------------------------------------------------------------------


def test_store_and_open_round_trip_under_an_unguessable_name(upload_root: Path) -> None:
    content = pdf_bytes()
    file = upload("申请书.pdf", content)
    checked = upload_check(file)
    first = upload_store(checked, file, folder="eservices/2026")
    second = upload_store(checked, file, folder="eservices/2026")

    assert first != second
    folder, _, name = first.rpartition("/")
    assert folder == "eservices/2026"
    assert name.endswith(".pdf")
    assert len(name.removesuffix(".pdf")) >= 32
    assert "申请书" not in first
    stored = upload_root / first
    assert stat.S_IMODE(stored.stat().st_mode) == 0o640
    assert sorted(path.name for path in stored.parent.iterdir()) == sorted([name, second.rpartition("/")[2]])
    with upload_open(first) as opened:
        assert opened.read() == content


def test_a_png_named_jpg_is_stored_as_png() -> None:
    file = upload("photo.jpg", png_bytes())
    assert upload_store(upload_check(file), file, folder="photos").endswith(".png")


@pytest.mark.parametrize(
    "path", ["../secret.txt", "photos/../../secret.txt", "/etc/passwd", "", ".", "a\0b", "\\windows"]
)
def test_open_refuses_paths_out_of_the_root(path: str, upload_root: Path) -> None:
    (upload_root.parent / "secret.txt").write_text("secret")
    upload_root.mkdir(parents=True, exist_ok=True)
    with pytest.raises(SuspiciousFileOperation):
        upload_open(path)


def test_open_refuses_a_link_that_leads_out_of_the_root(upload_root: Path) -> None:
    (upload_root.parent / "secret.txt").write_text("secret")
    upload_root.mkdir(parents=True)
    (upload_root / "link.pdf").symlink_to(upload_root.parent / "secret.txt")
    with pytest.raises(SuspiciousFileOperation):
        upload_open("link.pdf")


@pytest.mark.parametrize("folder", ["../outside", "a/../../b", "/abs", "", "a//b", "a/"])
def test_store_refuses_folders_that_are_not_plain(folder: str) -> None:
    file = upload("a.pdf", pdf_bytes())
    with pytest.raises(ValueError, match="upload folder"):
        upload_store(upload_check(file), file, folder=folder)


def test_store_refuses_a_file_that_changed_since_its_check(upload_root: Path) -> None:
    checked = upload_check(upload("a.pdf", pdf_bytes()))
    with pytest.raises(UploadRejected) as caught:
        upload_store(checked, upload("a.pdf", pdf_bytes() + b"%% more\n"), folder="cases")
    assert caught.value.code == "unreadable"
    assert list((upload_root / "cases").iterdir()) == []


# --- virus scanners -----------------------------------------------------------------


@pytest.fixture
def scanners(monkeypatch: pytest.MonkeyPatch) -> None:
    # A registry of its own for each test, so test scanners never outlive it.
    monkeypatch.setattr(uploads, "_scanners", dict(uploads._scanners))


@pytest.mark.usefixtures("scanners")
def test_a_scanner_finding_something_refuses_the_upload(settings: Any) -> None:
    seen: list[bytes] = []

    def finds_everything(file: Any) -> str:
        seen.append(file.read())
        return "Test.Signature"

    scanner_register("finds-everything", finds_everything)
    scanner_register("finds-nothing", lambda file: None)
    settings.SHUZHENG_UPLOAD_SCANNERS = ["finds-nothing"]
    assert upload_check(upload("a.pdf", pdf_bytes())).kind == "pdf"

    settings.SHUZHENG_UPLOAD_SCANNERS = ["finds-nothing", "finds-everything"]
    refusal = rejected(upload("a.pdf", pdf_bytes()))
    assert refusal.code == "infected"
    assert "Test.Signature" in refusal.message
    assert seen == [pdf_bytes()]


@pytest.mark.usefixtures("scanners")
def test_a_scanner_that_cannot_answer_refuses_the_upload(settings: Any) -> None:
    def unreachable(file: Any) -> str | None:
        raise ConnectionRefusedError("no daemon")

    scanner_register("unreachable", unreachable)
    settings.SHUZHENG_UPLOAD_SCANNERS = ["unreachable"]
    assert rejected(upload("a.pdf", pdf_bytes())).code == "scan_unavailable"


def test_an_unregistered_scanner_is_a_configuration_error(settings: Any) -> None:
    settings.SHUZHENG_UPLOAD_SCANNERS = ["nonesuch"]
    with pytest.raises(ImproperlyConfigured):
        upload_check(upload("a.pdf", pdf_bytes()))


@contextmanager
def fake_clamd(family: socket.AddressFamily, address: Any, reply: bytes) -> Iterator[tuple[Any, dict[str, bytes]]]:
    """A ClamAV daemon that takes one INSTREAM command and gives ``reply``."""
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(1)
    received: dict[str, bytes] = {}

    def serve() -> None:
        connection, _ = server.accept()
        with connection, connection.makefile("rb") as stream:
            command = b""
            while not command.endswith(b"\0"):
                command += stream.read(1)
            data = b""
            while length := struct.unpack(">I", stream.read(4))[0]:
                data += stream.read(length)
            received.update(command=command, data=data)
            connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname(), received
    finally:
        thread.join(timeout=5)
        server.close()


def test_clamd_over_tcp_names_what_it_found(settings: Any) -> None:
    with fake_clamd(socket.AF_INET, ("127.0.0.1", 0), b"stream: Eicar-Signature FOUND\0") as (address, received):
        settings.SHUZHENG_CLAMD_ADDRESS = f"{address[0]}:{address[1]}"
        content = b"x" * (CHUNK_BYTES * 2 + 10)
        assert clamd_scan(io.BytesIO(content)) == "Eicar-Signature"
    assert received == {"command": b"zINSTREAM\0", "data": content}


def test_clamd_over_a_unix_socket_passes_a_clean_file(settings: Any) -> None:
    # A short folder of its own: unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clamd.sock")
        with fake_clamd(socket.AF_UNIX, path, b"stream: OK\0") as (_, received):
            settings.SHUZHENG_CLAMD_ADDRESS = f"unix://{path}"
            assert clamd_scan(io.BytesIO(b"clean")) is None
    assert received["data"] == b"clean"


def test_clamd_in_the_upload_check(settings: Any) -> None:
    settings.SHUZHENG_UPLOAD_SCANNERS = ["clamd"]
    with fake_clamd(socket.AF_INET, ("127.0.0.1", 0), b"stream: Eicar-Signature FOUND\0") as (address, received):
        settings.SHUZHENG_CLAMD_ADDRESS = f"tcp://{address[0]}:{address[1]}"
        refusal = rejected(upload("a.pdf", pdf_bytes()))
    assert refusal.code == "infected"
    assert "Eicar-Signature" in refusal.message
    assert received["data"] == pdf_bytes()


def test_clamd_errors_and_silence_give_no_verdict(settings: Any) -> None:
    with fake_clamd(socket.AF_INET, ("127.0.0.1", 0), b"INSTREAM size limit exceeded. ERROR\0") as (address, _):
        settings.SHUZHENG_CLAMD_ADDRESS = f"{address[0]}:{address[1]}"
        with pytest.raises(ScannerUnavailable):
            clamd_scan(io.BytesIO(b"data"))

    settings.SHUZHENG_UPLOAD_SCANNERS = ["clamd"]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    settings.SHUZHENG_CLAMD_ADDRESS = f"127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    assert rejected(upload("a.pdf", pdf_bytes())).code == "scan_unavailable"


def test_clamd_needs_an_address(settings: Any) -> None:
    settings.SHUZHENG_CLAMD_ADDRESS = ""
    with pytest.raises(ImproperlyConfigured):
        clamd_scan(io.BytesIO(b"data"))
    settings.SHUZHENG_CLAMD_ADDRESS = "clamd-without-port"
    with pytest.raises(ImproperlyConfigured):
        clamd_scan(io.BytesIO(b"data"))
