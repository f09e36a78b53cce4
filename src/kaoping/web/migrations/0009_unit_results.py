"""Results in tables: each scoring run's result document (``ScoringRun.result``, the whole
``Result.to_dict(explanations=True)``) becomes one ``UnitResult`` row per unit, plus the
document's head (``ScoringRun.header``); the run's state says how it ended. A carried-over
run has no snapshot, so each row keeps the explanation the document had for its unit.

Backwards, the rows become the document again (with the explanations the rows kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HEAD = ("scheme", "scheme_name", "year", "rounding", "columns")


def runs_to_rows(apps, schema_editor):
    ScoringRun = apps.get_model("web", "ScoringRun")
    UnitResult = apps.get_model("web", "UnitResult")
    AssessedUnit = apps.get_model("web", "AssessedUnit")
    for run in ScoringRun.objects.all().iterator(chunk_size=20):
        doc = run.result
        if doc is None:
            run.state = "invalid"
            run.save(update_fields=["state"])
            continue
        units = doc.get("units") or []
        components = list((doc.get("columns") or {}).get("components")
                          or (units[0].get("components") or {} if units else {}))
        apart = list((doc.get("columns") or {}).get("apart")
                     or (units[0].get("apart") or {} if units else {}))
        header = {k: doc[k] for k in HEAD if k in doc}
        header["columns"] = {"components": components, "apart": apart}
        orgs = dict(AssessedUnit.objects.filter(assessment=run.assessment_id)
                    .values_list("organisation__name", "organisation_id"))
        explanations = doc.get("explanations") or {}
        UnitResult.objects.bulk_create([UnitResult(
            run=run, position=i, unit_id=orgs.get(u["unit"]), name=u["unit"],
            unit_class=u.get("class") or "", group=u.get("group") or "",
            score=u.get("score"), score_exact=u.get("score_exact", u.get("score")),
            rank=u.get("rank"), rank_in_class=u.get("rank_in_class"),
            rank_in_group=u.get("rank_in_group"), bottom=u.get("bottom"),
            grade=u.get("grade") or "", flags=list(u.get("flags") or []),
            components=[(u.get("components") or {}).get(k) for k in components],
            apart=[(u.get("apart") or {}).get(k) for k in apart],
            explanation=explanations.get(u["unit"]))
            for i, u in enumerate(units)], batch_size=500)
        run.state, run.header, run.unit_count, run.progress = "done", header, len(units), 100
        run.save(update_fields=["state", "header", "unit_count", "progress"])


def rows_to_runs(apps, schema_editor):
    ScoringRun = apps.get_model("web", "ScoringRun")
    for run in ScoringRun.objects.all().iterator(chunk_size=20):
        if run.state != "done":
            run.result = None
            run.save(update_fields=["result"])
            continue
        columns = run.header.get("columns") or {}
        comps, apart = columns.get("components", []), columns.get("apart", [])
        units, explanations = [], {}
        for r in run.units.order_by("position"):
            units.append({"unit": r.name, "class": r.unit_class or None, "group": r.group or None,
                          "score": r.score, "score_exact": r.score_exact, "rank": r.rank,
                          "rank_in_class": r.rank_in_class, "rank_in_group": r.rank_in_group,
                          "bottom": r.bottom, "grade": r.grade or None, "flags": r.flags,
                          "components": dict(zip(comps, r.components, strict=False)),
                          "apart": dict(zip(apart, r.apart, strict=False))})
            if r.explanation is not None:
                explanations[r.name] = r.explanation
        run.result = {**run.header, "units": units, "explanations": explanations}
        run.save(update_fields=["result"])


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0008_ledger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('name', models.CharField(max_length=100)),
                ('unit_class', models.CharField(blank=True, max_length=100)),
                ('group', models.CharField(blank=True, max_length=100)),
                ('score', models.FloatField(null=True)),
                ('score_exact', models.FloatField(null=True)),
                ('rank', models.PositiveIntegerField(null=True)),
                ('rank_in_class', models.PositiveIntegerField(null=True)),
                ('rank_in_group', models.PositiveIntegerField(null=True)),
                ('bottom', models.PositiveIntegerField(null=True)),
                ('grade', models.CharField(blank=True, max_length=50)),
                ('flags', models.JSONField(default=list)),
                ('components', models.JSONField(default=list)),
                ('apart', models.JSONField(default=list)),
                ('explanation', models.JSONField(blank=True, null=True)),
            ],
            options={
                'verbose_name': '单位评分结果',
                'ordering': ['run', 'position'],
            },
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='error',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='header',
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='stage',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='state',
            field=models.CharField(choices=[('queued', '排队中'), ('running', '评分中'), ('done', '已完成'), ('invalid', '数据有问题'), ('failed', '评分失败')], default='queued', max_length=10, verbose_name='状态'),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='task_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='unit_count',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='unitresult',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='web.scoringrun'),
        ),
        migrations.AddField(
            model_name='unitresult',
            name='unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='web.organisation'),
        ),
        migrations.AddIndex(
            model_name='unitresult',
            index=models.Index(fields=['run', 'unit'], name='unitresult_run_unit'),
        ),
        migrations.AddConstraint(
            model_name='unitresult',
            constraint=models.UniqueConstraint(fields=('run', 'position'), name='unique_position_in_run'),
        ),
        migrations.CreateModel(
            name='ScoringSnapshot',
            fields=[
                ('run', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='snapshot', serialize=False, to='web.scoringrun')),
                ('data', models.BinaryField()),
            ],
            options={
                'verbose_name': '评分快照',
            },
        ),
        migrations.RunPython(runs_to_rows, rows_to_runs),
        migrations.RemoveField(
            model_name='scoringrun',
            name='result',
        ),
        migrations.AddConstraint(
            model_name='scoringrun',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', ['queued', 'running'])), fields=('period',), name='one_active_scoring_per_period'),
        ),
    ]
