"""The page "Mẫu văn bản": the Word templates in force for the user's top unit, their download,
and the upload of an office's own (a commission leader or a system administrator there)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_DECIDE, USERS_MANAGE
from ktgs.documents import printing, templates_office
from ktgs.documents.models import OfficeTemplate
from ktgs.orgs.selectors import scope_roots

NO_RIGHT = "Chỉ lãnh đạo ủy ban kiểm tra hoặc quản trị hệ thống được thay mẫu văn bản."


def _unit(request):
    unit = scope_roots(scope=request.scope).first()
    if unit is None:
        raise PermissionDenied("Đồng chí chưa được phân công ở tổ chức đảng nào.")
    return unit


def _may_replace(request, unit) -> bool:
    scope = request.scope
    return scope.may(RECORDS_DECIDE, unit.path) or scope.may(USERS_MANAGE, unit.path)


def template_list(request):
    unit = _unit(request)
    may = _may_replace(request, unit)
    error = ""
    if request.method == "POST":
        if not may:
            raise PermissionDenied(NO_RIGHT)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": "Đồng chí hãy chọn tệp mẫu (.docx) để tải lên."})
            row = templates_office.template_upload(unit, request.POST.get("doc_type", ""), upload)
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            messages.success(
                request,
                f"Đã lưu mẫu “{printing.TYPES[row.doc_type].label}” phiên bản {row.version}.",
            )
            return redirect("documents:templates")
    rows = []
    for kind in printing.TYPES.values():
        current = templates_office.in_force(kind.code, unit)
        rows.append({"kind": kind, "current": current})
    history = OfficeTemplate.objects.filter(unit=unit).select_related("uploaded_by")
    return render(
        request,
        "documents/templates.html",
        {
            "unit": unit,
            "rows": rows,
            "may": may,
            "error": error,
            "history": history,
            "types": printing.TYPES.values(),
        },
        status=400 if error else 200,
    )


@require_GET
def template_download(request, doc_type: str):
    unit = _unit(request)
    try:
        kind = printing.doc_type(doc_type)
    except ValidationError:
        from django.http import Http404

        raise Http404("Không có loại văn bản này.") from None
    content = templates_office.template_bytes(kind.code, unit) or printing.shipped_template(
        kind.code
    )
    return printing.docx_response(content, f"mau-{kind.code}")
