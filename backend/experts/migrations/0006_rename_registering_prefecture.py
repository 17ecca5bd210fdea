"""Glossary: the prefecture that keeps an expert's record is the registering prefecture (登録都道府県). "home"
is the expert's home location (format version 2), a different thing. A rename: no data moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('experts', '0005_rename_active_listed'),
    ]

    operations = [
        migrations.RenameField(
            model_name='expert',
            old_name='home_prefecture',
            new_name='registering_prefecture',
        ),
    ]
