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

        OWNERS["letters.letter"] = OwnerKind(
            page=lambda letter: reverse("letters:detail", args=[letter.pk]),
            unit=lambda letter: letter.unit,
            live=lambda rows: rows.filter(voided_at__isnull=True),
        )
