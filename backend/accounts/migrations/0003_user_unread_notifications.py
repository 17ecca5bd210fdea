from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_invitations'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='unread_notifications',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='未読のお知らせ'),
        ),
    ]
