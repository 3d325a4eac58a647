import django.utils.timezone
from django.db import migrations, models

from veerkracht.search import backends


def create_fulltext(apps, schema_editor):
    backends.create_index(schema_editor)


def drop_fulltext(apps, schema_editor):
    backends.drop_index(schema_editor)


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigIntegerField(editable=False, primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("initiative", "initiative"),
                            ("offer", "support offer"),
                            ("question", "question"),
                            ("thread", "forum thread"),
                            ("article", "article"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="object id")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("body", models.TextField(blank=True, verbose_name="text")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="address")),
                ("public", models.BooleanField(default=True, verbose_name="public")),
                ("title_terms", models.TextField(blank=True, editable=False)),
                ("body_terms", models.TextField(blank=True, editable=False)),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="updated at"
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_document_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=100, unique=True)),
                ("word", models.CharField(max_length=100)),
                ("documents", models.PositiveIntegerField(default=0)),
                ("initiative", models.PositiveIntegerField(default=0)),
                ("offer", models.PositiveIntegerField(default=0)),
                ("question", models.PositiveIntegerField(default=0)),
                ("thread", models.PositiveIntegerField(default=0)),
                ("article", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "search term",
                "verbose_name_plural": "search terms",
            },
        ),
        migrations.RunPython(create_fulltext, drop_fulltext, elidable=False),
    ]
