"""The letters' family "don_thu" and its indicators, registered with the reports' engine
(`ktgs.reports.indicators`) from `LettersConfig.ready()`: the reports app counts nothing of
letters and imports nothing of them. Figures: `letters/counting.py`; what each counts:
docs/letters.md, «Số liệu»."""

from ktgs.core.vietnamese import format_date
from ktgs.letters import counting, filters
from ktgs.letters.choices import LetterGround, LetterKind, LetterStatus, LetterVerdict
from ktgs.reports.indicators import Context, Indicator, Param, register, register_family

LETTERS = "đơn (mỗi đơn một, theo cơ quan tiếp nhận)"
ITEMS = "nội dung (mỗi nội dung của đơn một)"
SOURCE = "Quy định 21-QĐ/TW (trước đó QĐ 296, QĐ 22, QĐ 30-QĐ/TW) về giải quyết tố cáo, khiếu nại"

KIND = Param("loai", {"": "mọi loại đơn", **dict(LetterKind.choices)})
RECEIVED = Param("nac_danh", {"": "mọi đơn", "co": "trong đó đơn nặc danh, mạo danh"})
ROUTING = Param(
    "ket_qua",
    {
        "thu_ly": "quyết định giải quyết (thụ lý) trong kỳ",
        "khong_xem_xet": "không xem xét, lưu đơn",
        "chuyen": "chuyển cấp có thẩm quyền",
        "thong_tin": "lưu làm thông tin",
        "khieu_nai_ky_luat": "chuyển giải quyết khiếu nại kỷ luật",
        "lap_lai": "đơn lặp lại, không thụ lý lại",
    },
    "thu_ly",
)
ROUTING_MEASURES = {
    "thu_ly": counting.ACCEPTED,
    "khong_xem_xet": counting.NOT_CONSIDERED,
    "chuyen": counting.FORWARDED,
    "thong_tin": counting.INFORMATION,
    "khieu_nai_ky_luat": counting.APPEAL,
    "lap_lai": counting.REPEAT,
}
GROUND = Param("ly_do", {"": "mọi lý do", **dict(LetterGround.choices)})
LETTER_VERDICT = Param(
    "ket_luan",
    {
        "": "mọi đơn đã kết luận",
        **{str(v): LetterVerdict(v).label for v in counting.LETTER_VERDICTS},
    },
)
ITEM_VERDICT = Param(
    "ket_luan",
    {
        "": "mọi nội dung đã kết luận",
        **{v: label for v, label in LetterVerdict.choices if v not in (LetterVerdict.PARTLY_TRUE,)},
    },
)
END = Param(
    "cuoi_ky",
    {"dang_giai_quyet": "đang giải quyết ngày cuối kỳ", "qua_han": "trong đó quá hạn"},
    "dang_giai_quyet",
)


# --- links: each figure opens the letters list (`letters/filters.py`) filtered on exactly what
# it counts (`counting._measures`): opened from figures (`so-lieu=1`: every letter counted, those
# the reader may not see as «hạn chế» rows), the unit's subtree, the date the figure counts by
# within the period, the kind and the figure's own conditions.

ROUTING_STATUS = {
    "khong_xem_xet": LetterStatus.NOT_CONSIDERED,
    "chuyen": LetterStatus.FORWARDED,
    "thong_tin": LetterStatus.INFORMATION,
    "khieu_nai_ky_luat": LetterStatus.APPEAL,
    "lap_lai": LetterStatus.REPEAT,
}


def _query(ctx: Context, p: dict, on: str = "", **more) -> dict:
    query = {"so-lieu": "1", "don-vi": ctx.unit.code}
    if on:
        if filters.DATES[on][0] != "received_on":
            query["ngay"] = on
        query.update(ctx.range_params())
    if p.get("loai"):
        query["loai"] = p["loai"]
    query.update({name.replace("_", "-"): value for name, value in more.items() if value})
    return query


def _received_link(ctx: Context, data, p: dict) -> str:
    return ctx.link("letters:list", _query(ctx, p, "nhan", nac_danh=p["nac_danh"]))


def _routed_link(ctx: Context, data, p: dict) -> str:
    if p["ket_qua"] == "thu_ly":  # counting.ACCEPTED: accepted in the period, whatever since
        return ctx.link("letters:list", _query(ctx, p, "thu-ly"))
    status = ROUTING_STATUS[p["ket_qua"]]
    return ctx.link("letters:list", _query(ctx, p, "phan-loai", tinh_trang=status))


def _not_considered_link(ctx: Context, data, p: dict) -> str:
    query = _query(ctx, p, "phan-loai", tinh_trang=LetterStatus.NOT_CONSIDERED, ly_do=p["ly_do"])
    return ctx.link("letters:list", query)


def _resolved_link(ctx: Context, data, p: dict) -> str:
    query = _query(ctx, p, "ket-luan", tinh_trang=LetterStatus.CONCLUDED, ket_luan=p["ket_luan"])
    return ctx.link("letters:list", query)


def _items_link(ctx: Context, data, p: dict) -> str:
    """The letters concluded in the period with an item of the verdict; the page counts those
    items (the figure counts items, not letters)."""
    verdict = p["ket_luan"] or filters.ANY_ITEM
    query = _query(ctx, p, "ket-luan", tinh_trang=LetterStatus.CONCLUDED, noi_dung=verdict)
    return ctx.link("letters:list", query)


def _end_link(ctx: Context, data, p: dict) -> str:
    query = _query(
        ctx,
        p,
        dang_giai_quyet=format_date(ctx.end),
        qua_han="1" if p["cuoi_ky"] == "qua_han" else "",
    )
    return ctx.link("letters:list", query)


def _received(data: counting.Figures, p: dict) -> int:
    measure = counting.ANONYMOUS if p["nac_danh"] else counting.RECEIVED
    return data.get("letters", measure, p["loai"])


def _routed(data: counting.Figures, p: dict) -> int:
    return data.get("letters", ROUTING_MEASURES[p["ket_qua"]], p["loai"])


def _not_considered(data: counting.Figures, p: dict) -> int:
    if p["ly_do"]:
        return data.get("grounds", p["ly_do"], p["loai"])
    return data.get("letters", counting.NOT_CONSIDERED, p["loai"])


def _resolved(data: counting.Figures, p: dict) -> int:
    if p["ket_luan"]:
        return data.get("letter_verdicts", p["ket_luan"], p["loai"])
    return data.get("letters", counting.RESOLVED, p["loai"])


def _items(data: counting.Figures, p: dict) -> int:
    if p["ket_luan"]:
        return data.get("item_verdicts", p["ket_luan"], p["loai"])
    return sum(v for (_verdict, kind), v in data.item_verdicts.items() if kind == p["loai"])


def _end(data: counting.Figures, p: dict) -> int:
    measure = counting.OVERDUE_END if p["cuoi_ky"] == "qua_han" else counting.PENDING_END
    return data.get("letters", measure, p["loai"])


def register_all() -> None:
    register_family("don_thu", counting.count)
    for key, label, counts, value, link, params in (
        ("donthu.tiep_nhan", "Đơn thư tiếp nhận trong kỳ", LETTERS, _received, _received_link,
         (KIND, RECEIVED)),
        ("donthu.xu_ly", "Đơn thư đã phân loại, xử lý trong kỳ (theo kết quả)", LETTERS, _routed,
         _routed_link, (KIND, ROUTING)),
        ("donthu.khong_xem_xet", "Đơn không xem xét trong kỳ (theo lý do)", LETTERS,
         _not_considered, _not_considered_link, (KIND, GROUND)),
        ("donthu.giai_quyet", "Đơn thư đã giải quyết (kết luận) trong kỳ", LETTERS, _resolved,
         _resolved_link, (KIND, LETTER_VERDICT)),
        ("donthu.noi_dung", "Nội dung đơn đã kết luận trong kỳ (theo kết luận)", ITEMS, _items,
         _items_link, (KIND, ITEM_VERDICT)),
        ("donthu.cuoi_ky", "Đơn thư đang giải quyết, quá hạn ngày cuối kỳ", LETTERS, _end,
         _end_link, (KIND, END)),
    ):  # fmt: skip
        register(Indicator(key, label, counts, SOURCE, "don_thu", value, link, params))


# --- the review's paragraph «don_thu» (reports.review.register_paragraph) --------------------

REVIEW_SENTENCES = {
    "cau": {"ky", "to_chuc", "cap_uy", "ubkt", "tiep_nhan", "cac_phan"},
    "khong_co": {"ky", "to_chuc", "cap_uy", "ubkt"},
    "tiep_nhan": {"so", "chi_tiet"},
    "khong_tiep_nhan": set(),
    "loai": {"so", "ten"},
    "noi_loai": set(),
    "nac_danh": {"so"},
    "noi_chi_tiet": set(),
    "khong_xem_xet": {"so", "ly_do"},
    "ly_do": {"so", "ten"},
    "noi_ly_do": set(),
    "chuyen": {"so"},
    "thong_tin": {"so"},
    "khieu_nai_ky_luat": {"so"},
    "thu_ly": {"so"},
    "giai_quyet": {"so", "ten", "ket_luan"},
    "ket_luan": {"so", "ten"},
    "noi_ket_luan": set(),
    "qua_han": {"so"},
    "noi": set(),
}
VERDICT_WORDS = {"true": "đúng", "partly_true": "đúng một phần", "false": "sai"}


def review_paragraph(review) -> str:
    """«Trong năm 2026, … tiếp nhận 05 đơn (03 tố cáo, 02 khiếu nại; 01 đơn nặc danh); không
    xem xét 01 đơn (01 đơn nặc danh); chuyển 01 đơn …; giải quyết 02 đơn tố cáo: 01 đúng, 01
    sai.» A clause whose figure is 0 is left out, as the other paragraphs do."""
    s, fig, say = "don_thu", review.fig, review.sentence
    received = fig("donthu.tiep_nhan", {}, "đơn thư tiếp nhận")
    kinds = []
    for kind, label in LetterKind.choices:
        n = fig("donthu.tiep_nhan", {"loai": kind}, f"đơn {label.lower()} tiếp nhận")
        if n:
            kinds.append(say(s, "loai", so=n, ten=label.lower()))
    anonymous = fig("donthu.tiep_nhan", {"nac_danh": "co"}, "đơn nặc danh tiếp nhận")
    detail = review.join(
        s,
        "noi_chi_tiet",
        [
            review.join(s, "noi_loai", kinds),
            say(s, "nac_danh", so=anonymous) if anonymous else "",
        ],
    )
    parts = []
    not_considered = fig("donthu.khong_xem_xet", {}, "đơn không xem xét")
    if not_considered:
        grounds = []
        for ground, label in LetterGround.choices:
            n = fig("donthu.khong_xem_xet", {"ly_do": ground}, f"đơn không xem xét: {label}")
            if n:
                grounds.append(say(s, "ly_do", so=n, ten=label[0].lower() + label[1:]))
        parts.append(
            say(s, "khong_xem_xet", so=not_considered, ly_do=review.join(s, "noi_ly_do", grounds))
        )
    for result, sentence in (
        ("chuyen", "chuyen"),
        ("thong_tin", "thong_tin"),
        ("khieu_nai_ky_luat", "khieu_nai_ky_luat"),
        ("thu_ly", "thu_ly"),
    ):
        n = fig("donthu.xu_ly", {"ket_qua": result}, f"đơn {ROUTING.values[result]}")
        if n:
            parts.append(say(s, sentence, so=n))
    for kind, label in LetterKind.choices:
        n = fig("donthu.giai_quyet", {"loai": kind}, f"đơn {label.lower()} đã giải quyết")
        if not n:
            continue
        verdicts = []
        for verdict, word in VERDICT_WORDS.items():
            v = fig(
                "donthu.giai_quyet",
                {"loai": kind, "ket_luan": verdict},
                f"đơn {label.lower()} {word}",
            )
            if v:
                verdicts.append(say(s, "ket_luan", so=v, ten=word))
        parts.append(
            say(
                s,
                "giai_quyet",
                so=n,
                ten=label.lower(),
                ket_luan=review.join(s, "noi_ket_luan", verdicts),
            )
        )
    late = fig("donthu.cuoi_ky", {"cuoi_ky": "qua_han"}, "đơn quá hạn ngày cuối kỳ")
    if late:
        parts.append(say(s, "qua_han", so=late))
    if not received and not parts:
        return say(s, "khong_co", **review.common)
    return say(
        s,
        "cau",
        **review.common,
        tiep_nhan=say(s, "tiep_nhan", so=received, chi_tiet=detail)
        if received
        else say(s, "khong_tiep_nhan"),
        cac_phan=review.join(s, "noi", parts),
    )
