"""Lệnh `ktgs`: các lệnh quản trị của KTGS (và của Django) dưới một tên.

Cách dùng: ktgs LỆNH [tùy chọn]

  ktgs migrate                  tạo hoặc cập nhật cơ sở dữ liệu
  ktgs demo                     nạp khối mẫu (Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh);
                                --members 150000 cho đo hiệu năng, --print-logins in tài khoản mẫu
  ktgs runserver                chạy thử tại http://127.0.0.1:8000
  ktgs createadmin TÊN          tạo quản trị hệ thống (lần đầu: --root-code, --root-name)
  ktgs changepassword TÊN       đặt mật khẩu mới cho một người dùng (không cần e-mail)
  ktgs audit verify|head        kiểm tra chuỗi nhật ký thao tác (--backup TỆP...: đối chiếu bản
                                sao lưu) / in đầu chuỗi
  ktgs backup [--output NƠI]    sao lưu cơ sở dữ liệu, tệp đính kèm và đầu chuỗi nhật ký
  ktgs restore TỆP              phục hồi bản sao lưu vào một cơ sở dữ liệu trống
  ktgs import TỆP               nhập tổ chức, đảng viên, hồ sơ KTGS từ .xlsx/.csv/.zip (--dry-run)
  ktgs export --output NƠI      xuất theo định dạng nhập (--format xlsx|csv, --template: tệp mẫu)
  ktgs jobs purge               dọn việc nhập cũ, tệp tải lên dở dang (--days, --minutes)
  ktgs rules load               nạp lại bộ quy tắc (thẩm quyền, các bước, thời hạn) từ tệp dữ liệu
  ktgs setting in-use-since NGÀY   ngày bắt đầu dùng KTGS (hồ sơ cũ hơn nhập kèm cảnh báo);
                                `period-cutoff KỲ NGÀY` ngày chốt số liệu, `period-deadline KỲ
                                SỐ_NGÀY` hạn báo cáo; `ktgs setting show` xem thiết lập
  ktgs otp TÊN                  xác thực hai lớp: cài lại (--remove), cấp mã dự phòng (--backup 5)
  ktgs deactivate TÊN           khóa tài khoản và kết thúc mọi phiên đăng nhập của họ
  ktgs linkmember TÊN MÃ        tài khoản là đảng viên MÃ: đơn thư tố cáo đảng viên đó không
                                hiện với tài khoản này (--remove để gỡ)
  ktgs letters rotate-key       mã hóa lại thông tin người gửi đơn thư bằng khóa mới
                                (KTGS_LETTERS_KEY; khóa cũ trong KTGS_LETTERS_KEYS_OLD)
  ktgs letters reindex          tính lại chỉ mục tìm đơn cùng người gửi sau khi đổi
                                KTGS_LETTERS_INDEX_KEY
  ktgs package keygen|pubkey|export MÃ   gói báo cáo gửi cấp trên ở hệ thống KTGS khác: tạo khóa
                                ký, in khóa công khai, xuất gói (--ky nam --nam 2023 --output NƠI)
  ktgs package register|import CẤP_TRÊN ...   ở cấp trên: đăng ký khóa công khai (MÃ TỆP_PEM),
                                nhập gói (TỆP)
  ktgs deadlines                đơn thư quá hạn, đến hạn theo cơ quan tiếp nhận (cron hằng ngày;
                                --within N ngày làm việc, --unit MÃ)
  ktgs counters check           đối chiếu số liệu theo tổ chức (số đảng viên, tổ chức cơ sở,
                                chi bộ) với dữ liệu, in chỗ lệch (--fix: ghi lại, có nhật ký)
  ktgs shell                    mở Python với dự án đã nạp
  ktgs help LỆNH                cách dùng một lệnh;  ktgs help --all  mọi lệnh

Cấu hình qua biến môi trường: KTGS_DATA_DIR, DATABASE_URL, KTGS_PROFILE (xem README).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "ktgs"
    if len(argv) == 1 or (len(argv) == 2 and argv[1] in ("-h", "--help", "help")):
        print(__doc__.strip())
        return
    if argv[1:3] == ["help", "--all"]:
        argv = [argv[0], "help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
