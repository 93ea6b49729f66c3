from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ktgs.inspections"
    verbose_name = "Kiểm tra, giám sát"

    def ready(self) -> None:
        """Files may be attached to each step of an inspection (documents.owners); the sheets
        «Kiểm tra, giám sát» and «Đối tượng KTGS» join the interchange format."""
        from django.urls import reverse

        from ktgs.inspections.exchange import register_sheets

        register_sheets()

        from ktgs.documents.owners import OWNERS, OwnerKind

        OWNERS["inspections.inspectionstep"] = OwnerKind(
            page=lambda step: (
                reverse("inspections:detail", args=[step.inspection_id]) + f"#buoc-{step.pk}"
            ),
            unit=lambda step: step.inspection.unit,
            live=lambda rows: rows.filter(inspection__voided_at__isnull=True).select_related(
                "inspection__unit"
            ),
        )
