"""An expert's pledge on joining the pool is `pool_pledge_signed_on`: `pledge_signed_on` read like the pledge
signed for each engagement (Engagement.pledge_signed_at), a different act (issue 22: two pledges, one word).
A rename: no data moves; old audit rows keep their key, which the audit page labels."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("experts", "0006_rename_registering_prefecture"),
    ]

    operations = [
        migrations.RenameField(model_name="expert", old_name="pledge_signed_on", new_name="pool_pledge_signed_on"),
    ]
