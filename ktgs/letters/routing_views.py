"""Pages of routing a letter: the routing page (`/don-thu/<pk>/phan-loai/`) and the forwarding
note's download (`/don-thu/<pk>/phieu-chuyen/`).

Thin: find through the scoped selector (not visible → 404), check the role — who may change
the letter (records.change in its unit) → 403 —, read the form, call `routing`, redirect to the
letter's page with a message. Nothing here reads a filer field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ktgs.audit.reads import record_read
from ktgs.documents.printing import docx_response
from ktgs.letters import routing, selectors
from ktgs.letters.choices import LetterStatus
from ktgs.letters.forms import attach_errors
from ktgs.letters.models import Letter
from ktgs.letters.routing_forms import RoutingForm

DONE = {
    LetterStatus.NOT_CONSIDERED: "không xem xét, lưu đơn",
    LetterStatus.INFORMATION: "lưu làm thông tin",
    LetterStatus.FORWARDED: "chuyển đơn; in phiếu chuyển đơn ở trang đơn",
    LetterStatus.REPEAT: "đơn lặp lại, không thụ lý lại",
    LetterStatus.APPEAL: "chuyển giải quyết khiếu nại kỷ luật",
}


def _letter(request, pk: int):
    letter = selectors.letter_get(scope=request.scope, pk=pk)
    if letter is None:
        raise Http404("Không tìm thấy đơn thư.")
    if not request.scope.may_change(letter):
        raise PermissionDenied("Vai trò của đồng chí không được phân loại, xử lý đơn này.")
    return letter


def _pick(rows, value: str):
    return next((row for row in rows if str(row.pk) == value), None)


def _call(request, letter: Letter, d: dict, earlier, decisions) -> Letter:
    common = {"scope": request.scope, "letter": letter, "on": d["on"], "note": d["note"]}
    outcome = d["outcome"]
    if outcome == "not_considered":
        return routing.route_not_considered(ground=d["ground"], **common)
    if outcome == "information":
        return routing.route_information(specific=d["specific"], **common)
    if outcome == "forward":
        return routing.route_forward(to_body=d["to_body"], to_text=d["to_text"], **common)
    if outcome == "repeat":
        return routing.route_repeat(earlier=_pick(earlier, d["earlier"]), **common)
    return routing.route_appeal(
        decision=_pick(decisions, d["decision"]), by_subject=d["by_subject"], **common
    )


def letter_route(request, pk: int):
    letter = _letter(request, pk)
    if letter.status != LetterStatus.REGISTERED:
        messages.info(
            request,
            f"Đơn số {letter.number}/{letter.year} đã được xử lý: «{letter.get_status_display()}».",
        )
        return redirect("letters:detail", pk=letter.pk)
    check = routing.eligibility(letter)
    earlier, linked = routing.repeat_candidates(request.scope, letter)
    decisions = list(routing.appeal_decisions(request.scope, letter)[:200])
    form = RoutingForm(
        request.POST or None,
        scope=request.scope,
        grounds=check.ground_choices,
        earlier=earlier,
        linked=linked,
        decisions=decisions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = _call(request, letter, form.cleaned_data, earlier, decisions)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, f"Đã xử lý đơn số {done.number}/{done.year}: {DONE[done.status]}."
            )
            return redirect("letters:detail", pk=done.pk)
    record_read(letter, unit_id=letter.unit_id)
    return render(
        request,
        "letters/route_form.html",
        {"letter": letter, "form": form, "check": check},
    )


@require_GET
def forwarding_note(request, pk: int):
    """The forwarding note (phiếu chuyển đơn) of a forwarded letter, as a DOCX."""
    letter = _letter(request, pk)
    if letter.status != LetterStatus.FORWARDED:
        raise Http404("Đơn này chưa được chuyển: chưa có phiếu chuyển đơn.")
    letter = (
        Letter.objects.defer(*selectors.FILER_FIELDS)
        .select_related("body__unit", "forwarded_to")
        .prefetch_related("accused_members", "accused_units")
        .get(pk=letter.pk)
    )
    record_read(letter, unit_id=letter.unit_id)
    content = routing.forwarding_note_docx(letter)
    return docx_response(content, f"phieu-chuyen-don-{letter.year}-{letter.number}")
