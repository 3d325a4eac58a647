"""The support app's part in AVG export and erasure.

Exported: the questions a person entered, their forum threads, posts, follows and
reports. Erasure removes follows and blanks the text of the person's forum posts
(threads and replies of others stay readable); the account itself is anonymised
by core.
"""

from typing import Any

from veerkracht.core import personal_data

from .models import Follow, Post, Question, Report, Thread


def export(user: Any) -> dict[str, Any]:
    return {
        "questions_entered": [
            {"id": pk, "title": title, "created_at": created.isoformat()}
            for pk, title, created in Question.objects.filter(entered_by=user)
            .order_by("pk")
            .values_list("pk", "title", "created_at")
        ],
        "forum_threads": [
            {"id": pk, "title": title, "created_at": created.isoformat()}
            for pk, title, created in Thread.objects.filter(author=user)
            .order_by("pk")
            .values_list("pk", "title", "created_at")
        ],
        "forum_posts": [
            {"id": pk, "thread": thread, "body": body, "created_at": created.isoformat()}
            for pk, thread, body, created in Post.objects.filter(author=user)
            .order_by("pk")
            .values_list("pk", "thread_id", "body", "created_at")
        ],
        "forum_follows": list(
            Follow.objects.filter(user=user).order_by("pk").values_list("thread_id", flat=True)
        ),
        "forum_reports": [
            {"post": post, "reason": reason, "created_at": created.isoformat()}
            for post, reason, created in Report.objects.filter(reporter=user)
            .order_by("pk")
            .values_list("post_id", "reason", "created_at")
        ],
    }


def erase(user: Any) -> None:
    Follow.objects.filter(user=user).delete()
    Post.objects.filter(author=user).update(body="[verwijderd op verzoek]")
    Report.objects.filter(reporter=user).update(reason="")


personal_data.register("support", exporter=export, eraser=erase)
