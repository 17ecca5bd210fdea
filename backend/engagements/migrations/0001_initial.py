"""Engagements, exceptions and replacement requests move here from the runs app: the models only.

The tables stay where they are and keep their names (runs_engagement, runs_coioverride,
runs_replacementrequest, with their constraints and indexes): every operation here changes Django's migration
state and nothing in the database. runs.0008 then removes the three models from the runs app's state, after
restrictions.0003 has pointed the register's foreign key here.
"""

import datetime
import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('experts', '0002_affiliation_change_requests'),
        ('geo', '0001_initial'),
        ('needs', '0002_weekly_days_within_weekdays'),
        ('runs', '0007_pledge_per_engagement'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CoiOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('reason', models.TextField(verbose_name='理由')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('lapsed_at', models.DateTimeField(blank=True, null=True, verbose_name='失効日時')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='取消日時')),
                        ('revoke_reason', models.TextField(blank=True, verbose_name='取消の理由')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coi_overrides', to='experts.expert', verbose_name='専門人材')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geo.municipality', verbose_name='市区町村')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '利益相反の例外',
                        'verbose_name_plural': '利益相反の例外',
                        'db_table': 'runs_coioverride',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Engagement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('starts_on', models.DateField(verbose_name='開始日')),
                        ('ends_on', models.DateField(verbose_name='終了日')),
                        ('weekdays', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('mon', '月'), ('tue', '火'), ('wed', '水'), ('thu', '木'), ('fri', '金'), ('sat', '土'), ('sun', '日')], max_length=3), default=list, size=None)),
                        ('days_per_year', models.PositiveSmallIntegerField(verbose_name='年間日数')),
                        ('fee', models.PositiveIntegerField(verbose_name='年額(円)')),
                        ('employment_form', models.CharField(choices=[('special_part_time', '特別職非常勤職員'), ('fixed_term_short', '任期付短時間職員'), ('fiscal_year', '会計年度任用職員'), ('contract', '業務委託'), ('commission', '委嘱')], max_length=24, verbose_name='任用形態')),
                        ('status', models.CharField(choices=[('offered', '承諾待ち'), ('active', '稼働中'), ('declined', '辞退'), ('ended', '終了')], default='offered', max_length=16, verbose_name='状況')),
                        ('municipality_accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('expert_accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('pledge_signed_at', models.DateTimeField(blank=True, null=True, verbose_name='誓約書の署名日時')),
                        ('pledge_version', models.CharField(blank=True, max_length=16, verbose_name='誓約書の版')),
                        ('declined_by', models.CharField(blank=True, max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('approved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('coi_override', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='engagements.coioverride')),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='experts.expert')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='geo.municipality')),
                        ('need', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='needs.need')),
                        ('proposal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='engagement', to='runs.proposal')),
                        ('replaces', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='engagements.engagement')),
                    ],
                    options={
                        'verbose_name': '任用・委託',
                        'verbose_name_plural': '任用・委託',
                        'db_table': 'runs_engagement',
                        'ordering': ['fiscal_year', 'municipality_id', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReplacementRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField(verbose_name='理由')),
                        ('status', models.CharField(choices=[('open', '対応中'), ('completed', '完了'), ('withdrawn', '取下げ')], default='open', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('engagement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='replacement_requests', to='engagements.engagement')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'runs_replacementrequest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='coioverride',
                    constraint=models.UniqueConstraint(condition=models.Q(('lapsed_at__isnull', True), ('revoked_at__isnull', True)), fields=('expert', 'municipality', 'fiscal_year'), name='one_override_in_force_per_pair'),
                ),
                migrations.AddConstraint(
                    model_name='coioverride',
                    constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='override_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='engagement',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', django.db.models.expressions.CombinedExpression(models.F('starts_on'), '-', models.Value(datetime.timedelta(days=1))))), name='engagement_period_valid'),
                ),
                migrations.AddConstraint(
                    model_name='engagement',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'active'), _negated=True), ('pledge_signed_at__isnull', False), _connector='OR'), name='active_engagement_has_pledge'),
                ),
                migrations.AddConstraint(
                    model_name='engagement',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'active'), models.Q(('replaces__isnull', True), ('status', 'offered')), _connector='OR'), fields=('need',), name='one_holding_engagement_per_need'),
                ),
                migrations.AddConstraint(
                    model_name='engagement',
                    constraint=models.UniqueConstraint(condition=models.Q(('replaces__isnull', False), ('status', 'offered')), fields=('need',), name='one_offered_successor_per_need'),
                ),
                migrations.AddConstraint(
                    model_name='replacementrequest',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('engagement',), name='one_open_replacement_per_engagement'),
                ),
                migrations.AddConstraint(
                    model_name='replacementrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='replacement_has_reason'),
                ),
            ],
        ),
    ]
