"""`ktgs jobs purge`: remove what import jobs leave on the disk (ktgs/exchange/jobs.py,
`purge_old`): old jobs and their reports, the files of dead jobs, half-written uploads. Run it
daily (a systemd timer or cron); it also runs whenever a job is created or a worker ends."""

from django.core.management.base import BaseCommand

from ktgs.exchange import jobs


class Command(BaseCommand):
    help = (
        "Dọn các việc nhập dữ liệu cũ: việc đã xong hoặc đã chết quá --days ngày, tệp của việc "
        "đã chết, tệp tải lên dở dang quá --minutes phút (các tệp này chứa số định danh)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge"])
        parser.add_argument("--days", type=int, default=jobs.KEEP_DAYS)
        parser.add_argument("--minutes", type=int, default=jobs.UPLOAD_KEEP_MINUTES)

    def handle(self, *args, action, days, minutes, **opts):
        removed = jobs.purge_old(days, upload_minutes=minutes)
        self.stdout.write(f"Đã dọn {removed} mục trong {jobs.jobs_dir()}.")
