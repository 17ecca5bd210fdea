from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """The expert's 拠点 becomes their home location (engine `home`, version 2): renamed, data kept."""

    dependencies = [
        ("experts", "0003_expert_applications"),
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="expert", old_name="base_municipality", new_name="home_municipality"),
        migrations.AlterField(
            model_name="expert", name="home_municipality",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="geo.municipality", verbose_name="自宅・拠点の市区町村"),
        ),
        migrations.AlterField(
            model_name="expert", name="daily_rate",
            field=models.PositiveIntegerField(verbose_name="日額報酬の下限(円)"),
        ),
    ]
