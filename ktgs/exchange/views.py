"""Pages of data exchange: upload a file to import, follow the job, download the template and
the export.

Who may import: a user holding `records.change` in some unit (UBKT leader, inspector,
grassroots officer); the file may touch only the units and members in that user's reach
(`reach.py`, checked by the job before the import). A job is seen only by the user who started
it (anyone else: 404). The template is for anyone who reads records; the export, which holds
the whole database, only for someone who reads every record (`reach.covers_everything`).
"""

import logging
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.audit.context import current_actor
from ktgs.core import diskfaults
from ktgs.exchange import jobs
from ktgs.exchange.forms import PrivateLimitedUpload, UploadForm, max_bytes, size_text
from ktgs.exchange.reach import covers_everything

log = logging.getLogger(__name__)
UPLOAD_DISK_FULL = (
    "Ổ đĩa máy chủ đã đầy khi lưu tệp tải lên: tệp chưa được lưu, không có dữ liệu nào được "
    "ghi. Đồng chí hãy báo quản trị hệ thống giải phóng chỗ trống rồi nhập lại."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_import(scope) -> bool:
    return scope.may_anywhere(RECORDS_CHANGE)


def _require_import(request) -> None:
    if not may_import(request.scope):
        raise PermissionDenied("Vai trò của đồng chí không được nhập dữ liệu.")


def _require_read(request) -> None:
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ đảng viên.")


def _job_or_404(request, pk: str) -> dict:
    _require_import(request)
    state = jobs.job_state(pk, owner_id=request.user.pk)
    if state is None:
        raise Http404("Không tìm thấy việc nhập dữ liệu này.")
    return state


# --- upload ------------------------------------------------------------------------------------


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body…
def upload(request):
    _require_import(request)
    handler = PrivateLimitedUpload(request)
    if request.method == "POST":
        request.upload_handlers = [handler]
    try:
        return _upload(request, handler)
    except OSError as exc:  # while the upload is stored or its job created
        if not diskfaults.is_full(exc):
            raise
        log.error("upload not stored, disk full: %s", exc)
        return _upload_page(request, UploadForm(), refused=UPLOAD_DISK_FULL)
    finally:  # whatever happened (refused, CSRF failure), no upload stays behind
        handler.discard()
        for _name, files in getattr(request, "_files", MultiValueDict()).lists():
            for stray in files:
                if hasattr(stray, "private_path"):
                    stray.private_path.unlink(missing_ok=True)


@csrf_protect  # …and the CSRF check runs here, right after
def _upload(request, handler: PrivateLimitedUpload):
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, too_big=handler.too_big)
        if form.is_valid():
            upload = form.cleaned_data["tep"]
            upload.close()
            job_id = jobs.create_job(
                owner_id=request.user.pk,
                upload=upload.private_path,
                file_name=Path(upload.name).name,
                ip=current_actor.get().ip,  # set by the audit middleware, as for every event
            )
            try:
                jobs.start(job_id)
            except OSError:
                jobs.remove(job_id)
                raise
            return redirect("exchange:job", pk=job_id)
    else:
        form = UploadForm()
    return _upload_page(request, form)


def _upload_page(request, form, refused: str = ""):
    return render(
        request,
        "exchange/upload.html",
        {
            "form": form,
            "refused": refused,
            "limit": size_text(max_bytes()),
            "may_export": _may_export(request),
        },
    )


# --- the job -------------------------------------------------------------------------------------


def _job_context(state: dict) -> dict:
    total = state.get("total") or 0
    counts = state.get("counts") or {}
    return {
        "job": state,
        "phase_label": jobs.PHASES.get(state.get("phase"), "Đang chờ bắt đầu"),
        "percent": round(100 * state.get("done", 0) / total) if total else 0,
        "running": state["state"] in (jobs.QUEUED, jobs.RUNNING),
        "count_rows": [
            (sheet, c.get("created", 0), c.get("updated", 0), c.get("unchanged", 0))
            for sheet, c in counts.items()
        ],
        "more_problems": max(0, state.get("problem_count", 0) - jobs.SHOWN_PROBLEMS),
    }


@require_GET
def job(request, pk: str):
    state = _job_or_404(request, pk)
    return render(request, "exchange/job.html", _job_context(state))


@require_GET
def job_progress(request, pk: str):
    """The progress box alone, polled by htmx every second until the job ends."""
    state = _job_or_404(request, pk)
    return render(request, "exchange/_progress.html", _job_context(state))


@require_GET
def job_report(request, pk: str):
    _job_or_404(request, pk)
    path = jobs.report_path(pk, owner_id=request.user.pk)
    if path is None:
        raise Http404("Việc nhập này không có báo cáo lỗi.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename="bao-cao-loi.xlsx", content_type=XLSX
    )


# --- template and export -------------------------------------------------------------------------


def _may_export(request) -> bool:
    """The export holds the whole database (every unit, every member, at every secrecy level),
    so only a user who would see all of it may take it."""
    return covers_everything(request.scope, RECORDS_VIEW)


def _require_export(request) -> None:
    if not _may_export(request):
        raise PermissionDenied(
            "Tệp xuất chứa toàn bộ dữ liệu (mọi tổ chức, mọi đảng viên, mọi độ mật): chỉ người "
            "được xem hồ sơ ở mọi tổ chức cấp trên cùng, với độ mật tối mật, mới được xuất."
        )


def _download(make, name: str, content_type: str) -> FileResponse:
    """Build the file in a private temporary folder and send it; the folder goes when sent."""
    folder = tempfile.TemporaryDirectory(dir=jobs.jobs_dir(), prefix="tai-ve-")
    path = make(Path(folder.name) / name)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response._resource_closers.append(folder.cleanup)
    return response


@require_GET
def template(request):
    _require_read(request)
    from ktgs.exchange.exporter import write_template

    return _download(write_template, "mau-nhap-du-lieu-ktgs.xlsx", XLSX)


@require_GET
def export_xlsx(request):
    _require_export(request)
    from ktgs.exchange import exporter

    return _download(exporter.export_xlsx, "du-lieu-ktgs.xlsx", XLSX)


@require_GET
def export_csv(request):
    _require_export(request)
    from ktgs.exchange import exporter

    return _download(exporter.export_csv, "du-lieu-ktgs-csv.zip", "application/zip")
