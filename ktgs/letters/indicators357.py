"""The indicators of the QĐ 357-QĐ/UBKTTW letters forms (F13 GQTC_DV, F14 GQTC_TCD, F21
XU_LY_DON_THU; statistical-forms.md §2.4), family "don_thu_357", registered with the reports'
engine from `LettersConfig.ready()`. Figures: `counting357.py` (what each counts is said there);
tables: `data/tables/52_357_*.toml` … `54_357_*.toml`."""

from ktgs.letters import counting357
from ktgs.letters.choices import MEMBER_CONTENTS, UNIT_CONTENTS
from ktgs.reports.indicators import Context, Indicator, Param, register, register_family

FAMILY = "don_thu_357"
SOURCE = (
    "QĐ 357-QĐ/UBKTTW (khóa XII), biểu GQTC_DV, GQTC_TCD, XU_LY_DON_THU, như ứng dụng "
    "monsoc/wh_qldld@608b48ec thể hiện (statistical-forms.md §2.2–§2.5)"
)
LEVEL = Param("cap", {"": "mọi cấp", **counting357.LEVEL_LABELS})
SUBJECT_MEASURES = {
    "tong": "phải giải quyết (đang giải quyết trong kỳ hoặc giải quyết xong trong kỳ)",
    "xong": "đã giải quyết xong trong kỳ",
    **{k: f"kết luận: {v.lower()}" for k, v in counting357.VERDICTS.items()},
}
MEMBER_MEASURE = Param(
    "cot",
    {**SUBJECT_MEASURES, **{c.value: f"nội dung: {c.label}" for c in MEMBER_CONTENTS}},
    "tong",
)
UNIT_MEASURE = Param(
    "cot",
    {**SUBJECT_MEASURES, **{c.value: f"nội dung: {c.label}" for c in UNIT_CONTENTS}},
    "tong",
)
LEVEL_WORDS = {"tw": "Trung ương", "tinh": "tỉnh", "huyen": "huyện", "co_so": "cơ sở"}
LETTER_MEASURE = Param(
    "cot",
    {
        "kn_tong": "đơn khiếu nại kỷ luật tiếp nhận trong kỳ",
        "kn_to_chuc": "đơn khiếu nại kỷ luật của tổ chức đảng",
        "kn_dang_vien": "đơn khiếu nại kỷ luật của đảng viên",
        **{
            f"kn_tq_{k}": f"đơn khiếu nại kỷ luật thuộc thẩm quyền cấp {w}"
            for k, w in LEVEL_WORDS.items()
        },
        "tc_tong": "đơn tố cáo, phản ánh tiếp nhận trong kỳ",
        "tc_dang_vien": "đơn tố cáo, phản ánh của đảng viên",
        "tc_cong_dan": "đơn tố cáo, phản ánh của công dân",
        **{
            f"ql_{k}": f"tổ chức đảng, đảng viên bị tố cáo, phản ánh do cấp {w} quản lý"
            for k, w in LEVEL_WORDS.items()
        },
        "tc_phai": "đơn tố cáo, phản ánh phải giải quyết (có tên người gửi)",
        "tc_giau_ten": "đơn không phải giải quyết: giấu tên (kể cả nặc danh)",
        "tc_mao_ten": "đơn không phải giải quyết: mạo tên",
        **{c.value: f"đơn tố cáo, phản ánh có nội dung: {c.label}" for c in MEMBER_CONTENTS},
        "kq_chuyen": "đơn đã chuyển theo thẩm quyền trong kỳ",
        "kq_luu": "đơn lưu trong kỳ (không xem xét, lưu làm thông tin, đơn lặp lại)",
    },
    "tc_tong",
)


def _link(ctx: Context, data, p: dict) -> str:
    return ctx.link("letters:list", {})


def _members(data: counting357.Figures357, p: dict) -> int:
    return data.get("members", p["cot"], p["cap"])


def _units(data: counting357.Figures357, p: dict) -> int:
    return data.get("units", p["cot"], p["cap"])


def _letters(data: counting357.Figures357, p: dict) -> int:
    return data.get("letters", p["cot"], p["cap"])


def register_all() -> None:
    register_family(FAMILY, counting357.count)
    for key, label, counts, value, measure in (
        ("donthu357.to_cao_dv", "Đảng viên bị tố cáo (biểu GQTC_DV)",
         "đảng viên bị tố cáo (mỗi đơn, mỗi đảng viên bị tố cáo một)", _members, MEMBER_MEASURE),
        ("donthu357.to_cao_tcd", "Tổ chức đảng bị tố cáo (biểu GQTC_TCD)",
         "tổ chức đảng bị tố cáo (mỗi đơn, mỗi tổ chức bị tố cáo một)", _units, UNIT_MEASURE),
        ("donthu357.xu_ly", "Tiếp nhận, xử lý đơn thư khiếu nại, tố cáo (biểu XU_LY_DON_THU)",
         "đơn (mỗi đơn một, theo cơ quan tiếp nhận)", _letters, LETTER_MEASURE),
    ):  # fmt: skip
        register(Indicator(key, label, counts, SOURCE, FAMILY, value, _link, (measure, LEVEL)))
