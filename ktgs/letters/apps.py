from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "ktgs.letters"
    label = "letters"
    verbose_name = "Đơn thư"

    def ready(self) -> None:
        # A letter carries files through the documents app; its row is added here, so that
        # documents (earlier in the dependency order) never imports letters.
        from django.urls import reverse

        from ktgs.documents.owners import OWNERS, OwnerKind
        from ktgs.letters.exchange import register_sheets

        register_sheets()  # the sheet «Đơn thư» of the interchange format

        OWNERS["letters.letter"] = OwnerKind(
            page=lambda letter: reverse("letters:detail", args=[letter.pk]),
            unit=lambda letter: letter.unit,
            live=lambda rows: rows.filter(voided_at__isnull=True),
        )

        # The letters' figures in the reports (docs/letters.md, «Số liệu»): the family and its
        # indicators, the period tables' files and the review's paragraph.
        from pathlib import Path

        from ktgs.letters import indicators, indicators357
        from ktgs.reports import review, tables

        data = Path(__file__).parent / "data"
        indicators.register_all()
        indicators357.register_all()  # the QĐ 357 forms (counting357.py)
        tables.register_table_dir(data / "tables")
        review.register_paragraph(
            "don_thu",
            "Tiếp nhận, giải quyết đơn thư",
            indicators.REVIEW_SENTENCES,
            data / "review" / "cau.toml",
            indicators.review_paragraph,
        )
