# Stored decisions: the end of effect counted again from the announcement (the pack's
# discipline_effect_end rows now say "announcement"; provisional where none is recorded), and
# the Charter's bar after cách chức (discipline_bar) filled in. Reads the pack rows as loaded by
# rules.0007 (pack rows only, no office correction); decisions outside every row keep theirs.
from django.db import migrations


def recount(apps, schema_editor):
    from ktgs.rules import discipline as rules
    from ktgs.rules.lookup import RuleNotInForce

    Decision = apps.get_model("discipline", "Decision")
    rows = Decision.objects.exclude(form__in=["expulsion", "dissolution"])
    for d in rows.iterator():
        try:
            ends = rules.effect_ends(
                d.effective_on, d.form, d.signed_on, announced_on=d.announced_on
            )
        except RuleNotInForce:
            continue
        d.effect_ends_on, d.effect_end_provisional = ends.day, ends.provisional
        if d.member_id and d.form == "removal":
            bar = rules.charter_bar(
                d.form, d.signed_on, effective_on=d.effective_on, announced_on=d.announced_on
            )
            d.not_electable_until = bar.until if bar else None
        d.save(update_fields=["effect_ends_on", "effect_end_provisional", "not_electable_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("discipline", "0006_decision_effect_end_provisional_and_charter_bar"),
        ("rules", "0009_pack_effect_end_bar_unit_level"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
