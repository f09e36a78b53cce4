"""An assessment's name is unique within its organisation and year. Databases that already
hold two of the same name keep both: the later ones get "（2）", "（3）" … appended."""

from django.db import migrations, models


def rename_duplicates(apps, schema_editor):
    Assessment = apps.get_model("web", "Assessment")
    seen: dict = {}
    for a in Assessment.objects.order_by("organisation_id", "year", "name", "id"):
        key = (a.organisation_id, a.year, a.name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            a.name = f"{a.name}（{seen[key]}）"[:200]
            a.save(update_fields=["name"])


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0003_record_withdrawn"),
    ]

    operations = [
        migrations.RunPython(rename_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(fields=("organisation", "year", "name"),
                                               name="unique_assessment_name"),
        ),
    ]
