# Office rows gain the unit whose subtree they apply to (issue 10, finding 3). Until now an
# office row applied to everyone and did not record who it was for. An existing row is given the
# unit(s) where the leader who made it held `ubkt_leader` (the role that may decide) on the day of
# its audit event "rules.row.overridden" (else on any day); when the event or the assignment is
# not found, the root unit(s) of today's tree, so that it keeps applying where it did. When the
# chosen units are several disjoint subtrees, the row is copied once per further subtree (same
# value, dates and basis). The audit trail is not rewritten.
import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Length

DECIDING_ROLES = ("ubkt_leader",)  # accounts.access.ROLE_ACTIONS: the roles holding "decide"
PATH_STEP = 7  # orgs.models.PATH_STEP


def _tops(paths):
    """The paths not inside another one of the list (sorted)."""
    tops = []
    for path in sorted(set(paths)):
        if not any(path.startswith(t) for t in tops):
            tops.append(path)
    return tops


def _leader_paths(apps, row_pk):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Assignment = apps.get_model("accounts", "Assignment")
    event = (
        AuditEvent.objects.filter(
            action="rules.row.overridden", target_type="rules.rulerow", target_id=str(row_pk)
        )
        .order_by("seq")
        .first()
    )
    if event is None or event.actor_id is None:
        return []
    held = Assignment.objects.filter(
        user_id=event.actor_id, role__in=DECIDING_ROLES, unit__voided_at__isnull=True
    )
    day = event.at.date()
    on_day = held.filter(models.Q(starts_on__lte=day), models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day))
    paths = list(on_day.values_list("unit__path", flat=True))
    return paths or list(held.values_list("unit__path", flat=True))


def give_units(apps, schema_editor):
    RuleRow = apps.get_model("rules", "RuleRow")
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    office = RuleRow.objects.filter(origin="office", unit__isnull=True).order_by("pk")
    if not office.exists():
        return
    units = OrgUnit.objects.filter(voided_at__isnull=True)
    tops = units.annotate(n=Length("path")).filter(n=PATH_STEP)
    roots = list(tops.values_list("path", flat=True))
    for row in office:
        paths = _tops(_leader_paths(apps, row.pk) or roots)
        if not paths:
            raise RuntimeError(
                f"Dòng điều chỉnh {row.pk} ({row.family}/{row.key}): không có tổ chức nào để gán."
            )
        by_path = {u.path: u for u in units.filter(path__in=paths)}
        first, *others = [by_path[p] for p in paths if p in by_path]
        row.unit = first
        row.save(update_fields=["unit"])
        for unit in others:
            row.pk, row.unit = None, unit
            row.save(force_insert=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_sessions"),
        ("audit", "0003_read_log"),
        ("orgs", "0006_alter_unitattribute_key"),
        ("rules", "0005_pack_discipline_after"),
    ]

    operations = [
        migrations.AddField(
            model_name="rulerow",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.orgunit",
                verbose_name="áp dụng cho tổ chức",
            ),
        ),
        migrations.RunPython(give_units, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rulerow",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("origin", "pack"), ("unit__isnull", True)),
                    models.Q(("origin", "office"), ("unit__isnull", False)),
                    _connector="OR",
                ),
                name="rule_row_unit_for_office_only",
            ),
        ),
    ]
