"""Pages of the organisation tree and the member register.

Thin: find the record through a selector limited to `request.scope` (not visible → 404), ask
the scope whether the role may change it (no → 403), read a form, call a service, redirect.
Each page names the page family it needs (`selectors.UNITS_CHANGE`, …); `accounts.access`
decides which roles have it. Reads of a member marked mật or above go to the access log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.audit.reads import record_read
from ktgs.core import keyset
from ktgs.core.vietnamese import format_date, format_int, parse_date
from ktgs.orgs import asof, forms, selectors, services, shortnames
from ktgs.orgs.choices import BodyKind, Level, MemberStatus
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.orgs.selectors import RECORDS_CHANGE, RECORDS_VIEW, UNITS_CHANGE
from ktgs.orgs.unit_filter import read_unit_filter

PAGE_SIZE = 50
UNIT_PAGE_MEMBERS = 50


# --- access helpers: every lookup goes through a scoped selector -----------------------------


def _unit_or_404(request, code: str, *, counts: bool = False) -> OrgUnit:
    unit = selectors.unit_get(scope=request.scope, code=code, counts=counts)
    if unit is None:
        raise Http404("Không tìm thấy tổ chức đảng.")
    return unit


NOT_MANAGED = (
    "Đổi tên, sửa tên, chuyển cấp trên, sáp nhập vào hoặc giải thể một tổ chức đảng do cấp trên "
    "quản lý tổ chức đó thực hiện; vai trò của đồng chí tại chính tổ chức này không có quyền đó."
)


def _managed_unit(request, code: str) -> OrgUnit:
    """A unit the user may rename, move, merge into or close: as its superior (Scope.manages)."""
    unit = _unit_or_404(request, code)
    if not request.scope.manages(unit.path):
        raise PermissionDenied(NOT_MANAGED)
    return unit


def _member_or_404(request, code: str) -> Member:
    member = selectors.member_get(scope=request.scope, code=code)
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    return member


def _editable_member(request, code: str) -> Member:
    member = _member_or_404(request, code)
    if not request.scope.may_change(member):
        raise PermissionDenied("Vai trò của đồng chí chỉ được xem hồ sơ này.")
    return member


def _require_somewhere(request, family: str) -> None:
    if not request.scope.may_anywhere(family):
        raise PermissionDenied("Vai trò của đồng chí không được thực hiện thao tác này.")


def _form_page(request, form, template: str, **context):
    return render(request, template, {"form": form, **context})


def _run(form, service, aliases=None, **kwargs):
    """Call `service` with the form's data; on a ValidationError attach it and return None."""
    try:
        return service(**form.cleaned_data, **kwargs)
    except ValidationError as exc:
        forms.attach_errors(form, exc, aliases)
        return None


# --- home: the bloc at a glance --------------------------------------------------------------


def glance_sentence(g: selectors.Glance) -> str:
    """As the example report writes it: "… hiện có 72 TCCSĐ, trong đó 44 đảng bộ cơ sở với
    288 chi bộ trực thuộc và 28 chi bộ cơ sở, với 4.759 đảng viên (… chính thức, … dự bị)."."""
    n = format_int
    kinds = [f"{n(count)} {name[:1].lower()}{name[1:]}" for name, count in g.grassroots_by_kind]
    if kinds and g.subordinate_cells:
        kinds[0] += f" với {n(g.subordinate_cells)} chi bộ trực thuộc"
    if kinds:
        listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " và " + kinds[-1]
        has = f"{n(g.grassroots_total)} TCCSĐ, trong đó {listed}, với "
    elif g.subordinate_cells:
        has = f"{n(g.subordinate_cells)} chi bộ trực thuộc, với "
    else:
        has = ""
    return (
        f"{g.unit.name} hiện có {has}{n(g.members_total)} đảng viên "
        f"({n(g.members_full)} chính thức, {n(g.members_probationary)} dự bị)."
    )


def _glance(unit: OrgUnit, day=None) -> dict | None:
    g = selectors.unit_glance(unit) if day is None else asof.glance_on(unit, day)
    return None if g is None else _said(g, day)


def _said(g, day=None) -> dict:
    sentence = glance_sentence(g)
    if day is not None:
        sentence = sentence.replace(" hiện có ", f" ngày {format_date(day)} có ", 1)
    return {"glance": g, "sentence": sentence}


def _children(request, parent, day):
    if day is None:
        return selectors.unit_children(scope=request.scope, parent=parent)
    return asof.unit_children_on(scope=request.scope, parent=parent, day=day)


@require_GET
def home(request):
    as_of = asof.read_as_of(request.GET)
    day = as_of.day
    blocks = []
    for root in selectors.scope_roots(scope=request.scope):
        glance = _glance(root, day)
        if glance is None:  # not yet established on that day
            continue
        block = {"root": glance, "children": []}
        if root.kind.level == Level.PROVINCE:
            units = [node.unit for node in _children(request, root, day)]
            if day is None:  # today's, from the counters read with the children
                block["children"] = [_said(g) for g in selectors.unit_glances(units)]
            else:
                block["children"] = [_glance(unit, day) for unit in units]
        blocks.append(block)
    return render(
        request,
        "orgs/home.html",
        {
            "blocks": blocks,
            "today": timezone.localdate(),
            "as_of": as_of,
            "can_list_members": request.scope.may_anywhere(RECORDS_VIEW) and day is None,
        },
    )


# --- the tree --------------------------------------------------------------------------------


def _children_chunk(request, parent, day, after: int | None = None) -> selectors.Children:
    """At most `selectors.TREE_CHUNK` children of `parent`, after the child `after`: today's
    through an indexed range; a past day's tree is read whole (`asof`) and cut here."""
    limit = selectors.TREE_CHUNK
    if day is None:
        return selectors.unit_children_chunk(
            scope=request.scope, parent=parent, after=after, limit=limit
        )
    nodes = asof.unit_children_on(scope=request.scope, parent=parent, day=day)
    if after is not None:
        pks = [node.unit.pk for node in nodes]
        nodes = nodes[pks.index(after) + 1 :] if after in pks else []
    return selectors.Children(parent, nodes[:limit], len(nodes) > limit)


@require_GET
def tree(request):
    as_of = asof.read_as_of(request.GET)
    roots = _children(request, None, as_of.day)
    opened = [(node, _children_chunk(request, node.unit, as_of.day)) for node in roots]
    return render(
        request,
        "orgs/tree.html",
        {
            "opened": opened,
            "as_of": as_of,
            "can_create": request.scope.may_anywhere(UNITS_CHANGE),
        },
    )


@require_GET
def tree_children(request, pk: int):
    as_of = asof.read_as_of(request.GET)
    if as_of.day is None:
        unit = selectors.unit_get_by_pk(scope=request.scope, pk=pk)
    else:  # a unit closed since that day still opens in the tree as it was
        unit = asof.present_on(as_of.day).filter(request.scope.q("path"), pk=pk).first()
    if unit is None:
        raise Http404("Không tìm thấy tổ chức đảng.")
    if not request.htmx:
        return redirect("orgs:unit_detail", code=unit.code)
    after = keyset.cursor(request.GET.get("sau"))
    chunk = _children_chunk(request, unit, as_of.day, after)
    # «Xem thêm» (`sau`): the further rows alone, in place of the link (hx-swap outerHTML)
    template = "orgs/_tree_items.html" if after is not None else "orgs/_tree_nodes.html"
    return render(request, template, {"nodes": chunk, "as_of": as_of})


# --- units -----------------------------------------------------------------------------------


def _seats_by_body(request, unit: OrgUnit, bodies: list[Body]) -> list[tuple]:
    """Each body with today's seats; a holder the user may not see is not named (`shown`)."""
    seats = list(selectors.unit_seats(unit))
    for seat in seats:
        seat.shown = request.scope.sees(seat.member)
    return [(body, [s for s in seats if s.body_id == body.pk]) for body in bodies]


def _report_names(bodies: list[Body]) -> list[str]:
    """How the reports name the unit's bodies (`bodies` annotated by `with_short_names`):
    committee, BTV, UBKT, cell meeting."""
    order = list(BodyKind.values)
    shown = sorted(
        (b for b in bodies if b.kind != BodyKind.ADVISORY), key=lambda b: order.index(b.kind)
    )
    return [str(shortnames.short_name_of(b)) for b in shown]


@require_GET
def unit_detail(request, code: str):
    unit = _unit_or_404(request, code, counts=True)
    today = timezone.localdate()
    parent = selectors.parent_on(unit, today)
    children = selectors.unit_children(scope=request.scope, parent=unit)
    direct_count = selectors.direct_member_count(unit)
    direct, direct_shown = [], 0
    if direct_count or unit.kind.is_cell:  # members live in cells: most units hold none
        seen = selectors.member_list(scope=request.scope, unit=unit, subtree=False)
        direct = list(seen[: UNIT_PAGE_MEMBERS + 1])
        direct_shown = len(direct) if len(direct) <= UNIT_PAGE_MEMBERS else seen.count()
        direct = direct[:UNIT_PAGE_MEMBERS]
    head = selectors.unit_head_on(unit, today)
    # the bodies once, with the names the reports give them (the committee's among them)
    bodies = list(shortnames.with_short_names(unit.bodies.all(), today))
    committee_name = (
        shortnames.committee_of(bodies[0])
        if bodies
        else shortnames.committee_short_name(unit, today)
    )
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "parent": parent,
            "parent_visible": parent is not None and request.scope.contains(parent.path),
            "bodies": _seats_by_body(request, unit, bodies),
            "terms": unit.terms.all(),
            "head": head,
            "head_shown": head is not None and request.scope.sees(head.member),
            "children": children,
            "subtree_members": direct_count + sum(node.members for node in children),
            "can_read": request.scope.may(RECORDS_VIEW, unit.path),
            "direct": _with_status(direct, today),
            "direct_count": direct_count,
            "direct_shown": direct_shown,
            "can_edit": request.scope.may(UNITS_CHANGE, unit.path),
            "can_manage": request.scope.manages(unit.path),
            "committee_name": committee_name,
            "report_names": _report_names(bodies),
            "committee_names": shortnames.recorded_names(unit)[:5],
            "short_name_form": forms.CommitteeShortNameForm(),
            "can_add_member": request.scope.may(RECORDS_CHANGE, unit.path),
            "today": today,
        },
    )


def unit_short_name(request, code: str):
    """Record the name the reports give the unit's committee from a date: the call of the body
    that manages the unit, as a rename is."""
    unit = _managed_unit(request, code)
    form = forms.CommitteeShortNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = _run(form, shortnames.committee_short_name_record, unit=unit)
        if row is not None:
            day = format_date(row.starts_on)
            messages.success(request, f"Đã ghi tên gọi tắt của cấp ủy «{row.value}» từ ngày {day}.")
            return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request,
        form,
        "orgs/unit_form.html",
        unit=unit,
        title=f"Tên gọi tắt của cấp ủy: {unit.name}",
        submit="Ghi tên gọi tắt",
    )


def unit_create(request):
    _require_somewhere(request, UNITS_CHANGE)
    initial = {}
    if parent := selectors.unit_get(scope=request.scope, code=request.GET.get("cap_tren", "")):
        initial["parent"] = parent
    form = forms.UnitCreateForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _run(form, services.unit_create)
        if unit is not None:
            messages.success(request, f"Đã thành lập «{unit.name}» (mã {unit.code}).")
            return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request, form, "orgs/unit_form.html", title="Thêm tổ chức đảng", submit="Thêm tổ chức"
    )


def unit_edit(request, code: str):
    unit = _managed_unit(request, code)
    form = forms.UnitEditForm(request.POST or None, initial=forms.UnitEditForm.values_of(unit))
    if request.method == "POST" and form.is_valid() and _run(form, services.unit_update, unit=unit):
        messages.success(request, f"Đã lưu tên «{unit.name}».")
        return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request,
        form,
        "orgs/unit_form.html",
        unit=unit,
        title=f"Sửa lỗi tên: {unit.name}",
        submit="Lưu",
    )


def unit_move(request, code: str):
    unit = _managed_unit(request, code)
    form = forms.UnitMoveForm(request.POST or None, scope=request.scope, unit=unit)
    if request.method == "POST" and form.is_valid():
        moved = _run(form, services.unit_move, aliases={"parent": "new_parent"}, unit=unit)
        if moved is not None:
            parent = form.cleaned_data["new_parent"]
            messages.success(request, f"Đã chuyển «{unit.name}» về trực thuộc «{parent.name}».")
            return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request,
        form,
        "orgs/unit_form.html",
        unit=unit,
        title=f"Chuyển cấp trên: {unit.name}",
        submit="Chuyển",
    )


# --- members ---------------------------------------------------------------------------------


def _with_status(rows: list[Member], today) -> list[Member]:
    for m in rows:
        m.status = m.status_on(today) or ""
        m.status_label = MemberStatus(m.status).label if m.status else ""
    return rows


def _filters(params) -> dict:
    return {
        "q": params.get("q", "").strip(),
        "ca_cay": params.get("ca_cay", "1") != "0",  # a hidden "0" precedes the checkbox
        "trang_thai": params.get("trang_thai", "")
        if params.get("trang_thai") in MemberStatus.values
        else "",
        "cap_uy": params.get("cap_uy") == "1",
    }


@require_GET
def member_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ đảng viên.")
    f = _filters(request.GET)
    as_of = asof.read_as_of(request.GET)
    # a unit picked by code or name; a name matching several units or none lists no one
    picked = read_unit_filter(request, "don_vi", label="Tổ chức đảng")
    unit, unit_error, rows, counted = picked.unit, picked.error, None, None
    changes = _changes(request.GET, unit)  # admitted or struck off in a range (a report's link)
    if changes and changes["error"]:
        pass  # said above the list, nothing listed
    elif changes and not unit_error:
        held = changes["memberships"].filter(request.scope.q("unit__path", RECORDS_VIEW))
        levels = request.scope.secrecy_levels  # a member above the clearance: "hạn chế"
        rows = (
            Member.objects.filter(pk__in=held.values("member_id"))
            .annotate(
                restricted=Case(
                    When(secrecy__in=levels, then=Value(False)),
                    default=Value(True),
                    output_field=BooleanField(),
                )
            )
            .select_related("current_unit")
            .order_by("sort_key", "code")
        )
    elif not unit_error:
        asked = {
            "scope": request.scope,
            "q": f["q"],
            "unit": unit,
            "subtree": f["ca_cay"],
            "status": f["trang_thai"],
            "committee_only": f["cap_uy"],
            "as_of": as_of.day,
        }
        rows = selectors.member_list(**asked, walk=True)  # the page's rows
        counted = selectors.member_list(**asked)  # the same rows, as a count reads them
    page = (
        keyset.keyset_page(
            rows,
            request.GET,
            order=MEMBER_ORDER,
            size=PAGE_SIZE,
            fallback=request.scope.visible(Member.objects.live()),
            cap=keyset.search_count_cap() if f["q"] else None,
            counted=counted,
            # with a typed name, `counted` is `rows` written again: the first page counts in its walk
            count_in_walk=bool(f["q"]),
        )
        if rows is not None
        else keyset.KeysetPage([], False, False, keyset.Capped(0, False))
    )
    _with_status(page.object_list, as_of.day or timezone.localdate())
    return render(
        request,
        "orgs/member_list.html",
        {
            "f": f,
            "unit": unit,
            "unit_error": unit_error,
            "unit_filter": picked,
            "page": page,
            "pager": keyset.pager(picked.query(request.GET), page),
            "statuses": MemberStatus.choices,
            "can_create": request.scope.may_anywhere(RECORDS_CHANGE),
            "as_of": as_of,
            "changes": changes,
        },
    )


MEMBER_ORDER = ("sort_key", "code")  # Vietnamese name order; the code (unique) breaks ties


# `vao-dang-tu`/`vao-dang-den`: members admitted in the range; `xoa-ten-tu`/`xoa-ten-den`: struck
# off in it — the records of the report's "kết nạp" and "xóa tên" (`asof.admitted_memberships`,
# `asof.struck_off_memberships`), in the unit's subtree.
CHANGES = {
    "vao-dang": ("kết nạp", asof.admitted_memberships),
    "xoa-ten": ("bị xóa tên", asof.struck_off_memberships),
}


def _changes(params, unit: OrgUnit | None) -> dict | None:
    asked = [k for k in CHANGES if params.get(f"{k}-tu") or params.get(f"{k}-den")]
    if not asked:
        return None
    if len(asked) > 1:
        return {"error": "Chỉ lọc theo ngày vào Đảng hoặc ngày xóa tên, không cùng lúc cả hai."}
    key = asked[0]
    label, rows = CHANGES[key]
    if unit is None:
        return {"error": f"Chọn tổ chức đảng để xem đảng viên {label} trong khoảng thời gian."}
    days = []
    for end, word in (("tu", "Từ ngày"), ("den", "Đến ngày")):
        text = params.get(f"{key}-{end}", "").strip()
        try:
            days.append(parse_date(text))
        except ValueError as exc:
            return {"error": f"{word} ({label}) «{text}»: {exc}"}
    start, end = days
    if start > end:
        return {"error": f"«Từ ngày» ({format_date(start)}) sau «Đến ngày» ({format_date(end)})."}
    return {
        "error": "",
        "label": label,
        "start": start,
        "end": end,
        "memberships": rows(unit, start, end),
    }


def _mask(number: str | None) -> str:
    """ "••••••••1234": only the last 4 digits of an identity number are shown."""
    if not number:
        return ""
    return "\u2022" * max(len(number) - 4, 0) + number[-4:]


@require_GET
def member_detail(request, code: str):
    member = _member_or_404(request, code)
    today = timezone.localdate()
    unit = selectors.member_unit(member)
    memberships = list(member.memberships.select_related("unit").order_by("starts_on"))
    for m in memberships:
        m.visible = request.scope.contains(m.unit.path)
    status = member.status_on(today) if member.current_unit_id else None
    record_read(member, unit_id=unit.pk if unit else None)
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "unit": unit,
            "citizen_id": _mask(member.citizen_id),
            "old_id": _mask(member.old_id_number),
            "status": status or "",
            "status_label": MemberStatus(status).label if status else "",
            "memberships": memberships,
            "last": memberships[-1] if memberships else None,
            "seats": selectors.member_seats(member),
            "headships": member.headships.select_related("unit").order_by("-starts_on"),
            "managed_by": member.managed_by.select_related("body", "body__unit").order_by(
                "-starts_on"
            ),
            "can_edit": request.scope.may_change(member),
            "today": today,
        },
    )


def member_create(request):
    _require_somewhere(request, RECORDS_CHANGE)
    initial = {}
    if cell := selectors.unit_get(scope=request.scope, code=request.GET.get("chi_bo", "")):
        initial["unit"] = cell
    form = forms.MemberCreateForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = _run(form, services.member_create)
        if member is not None:
            messages.success(request, f"Đã thêm đảng viên {member.full_name} (mã {member.code}).")
            return redirect("orgs:member_detail", code=member.code)
    return _form_page(
        request, form, "orgs/member_form.html", title="Thêm đảng viên", submit="Thêm đảng viên"
    )


def member_edit(request, code: str):
    member = _editable_member(request, code)
    initial = forms.MemberEditForm.values_of(member)
    form = forms.MemberEditForm(
        request.POST or None, initial=initial, scope=request.scope, member_pk=member.pk
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.member_update, member=member)
    ):
        messages.success(request, f"Đã lưu hồ sơ đảng viên {member.code}.")
        return redirect("orgs:member_detail", code=member.code)
    return _form_page(
        request,
        form,
        "orgs/member_form.html",
        member=member,
        title=f"Sửa hồ sơ: {member.full_name}",
        submit="Lưu",
    )


def member_transfer(request, code: str):
    member = _editable_member(request, code)
    form = forms.MemberTransferForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        done = _run(form, services.member_transfer, aliases={"unit": "to_unit"}, member=member)
        if done is not None:
            messages.success(
                request,
                f"Đã chuyển sinh hoạt đảng của {member.full_name} đến «{done.current_unit.name}».",
            )
            return redirect("orgs:member_detail", code=member.code)
    return _form_page(
        request,
        form,
        "orgs/member_form.html",
        member=member,
        title=f"Chuyển sinh hoạt đảng: {member.full_name}",
        submit="Chuyển",
    )


def member_void(request, code: str):
    member = _editable_member(request, code)
    form = forms.MemberVoidForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.member_void, member=member)
    ):
        messages.success(request, f"Đã hủy hồ sơ {member.full_name} (mã {member.code}).")
        return redirect(reverse("orgs:member_list"))
    return _form_page(
        request,
        form,
        "orgs/member_void.html",
        member=member,
        title=f"Hủy hồ sơ: {member.full_name}",
        submit="Hủy hồ sơ",
    )
