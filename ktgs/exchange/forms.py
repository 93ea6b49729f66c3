"""The upload form, and the upload handler that keeps an oversize file off the disk.

The handler writes the arriving file straight into a private folder under DATA_DIR (not the
system's temporary folder) and stops as soon as it grows past the limit, before the rest is
saved; the form then says so in Vietnamese. Deeper checks (zip bombs, encodings, headers) are
the importer's: a refused file ends the job with its message.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from ktgs.core.vietnamese import format_int
from ktgs.exchange import jobs
from ktgs.exchange.reader import max_bytes  # the importer's own limit (KTGS_IMPORT_MAX_MB)

ACCEPTED = (".xlsx", ".csv", ".zip")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip too


def size_text(size: int) -> str:
    return f"{format_int(size // (1024 * 1024))} MB" if size >= 1024 * 1024 else f"{size} byte"


class PrivateLimitedUpload(FileUploadHandler):
    """Writes uploads into `jobs.private_upload_dir()`; refuses one larger than `max_bytes()`."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_bytes()
        self.too_big = False
        self.size = 0  # no `file` attribute until a file starts (Django closes it if present)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 64 * 1024:  # the form's own bytes
            self.too_big = True  # known from the header: refused before a byte is saved

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.too_big:
            raise StopUpload(connection_reset=False)  # the rest is read and thrown away
        handle, name = tempfile.mkstemp(dir=jobs.private_upload_dir(), suffix=".tai-len")
        self.file = os.fdopen(handle, "wb")  # mkstemp: mode 0600
        self.path = Path(name)

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_big = True
            self.discard()
            raise StopUpload(connection_reset=False)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.close()
        uploaded = UploadedFile(
            file=open(self.path, "rb"),  # noqa: SIM115 (closed by the request)
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
        )
        uploaded.private_path = self.path
        return uploaded

    def upload_interrupted(self):
        self.discard()

    def discard(self) -> None:
        if hasattr(self, "file"):
            with contextlib.suppress(OSError):  # on a full disk, closing (flushing) fails too
                self.file.close()
            self.path.unlink(missing_ok=True)


class UploadForm(forms.Form):
    tep = forms.FileField(
        label="Tệp dữ liệu",
        help_text="Tệp Excel (.xlsx) theo mẫu, một tệp CSV, hoặc tệp .zip chứa các tệp CSV.",
        error_messages={"required": "Đồng chí chưa chọn tệp để nhập."},
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean(self):
        if self.too_big:
            self.errors.pop("tep", None)
            raise forms.ValidationError(
                {
                    "tep": f"Tệp lớn hơn {size_text(max_bytes())}, KTGS không nhận. "
                    "Hãy chia dữ liệu thành nhiều tệp nhỏ hơn."
                }
            )
        return super().clean()

    def clean_tep(self):
        upload = self.cleaned_data["tep"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ACCEPTED:
            raise forms.ValidationError(
                f"KTGS không nhận tệp “{upload.name}”: chỉ nhận tệp Excel (.xlsx), CSV (.csv) "
                "hoặc tệp nén .zip chứa các tệp CSV. Tệp .xls cũ: mở bằng Excel và lưu lại "
                "dưới dạng .xlsx."
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if (suffix in (".xlsx", ".zip")) != (head == ZIP_MAGIC):
            raise forms.ValidationError(
                f"Nội dung tệp “{upload.name}” không phải là tệp {suffix} thật (có thể tệp đã "
                "bị đổi đuôi). Hãy mở tệp bằng Excel và lưu lại đúng định dạng."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"Tệp “{upload.name}” rỗng.")
        return upload
