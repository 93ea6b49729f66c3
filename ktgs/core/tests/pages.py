"""Walking a keyset-paged list (ktgs.core.keyset) the way a user does: its «Trang sau» links."""

from django.test import Client


def walk(client: Client, url: str, params: dict, *, between=None) -> list[int]:
    """The ids of the rows of every page of the list at `url`, first page first, each next page
    opened from the link the previous one shows (`pager["next"]`). `between()` runs after each
    page (rows added meanwhile must not move the pages after it)."""
    response, ids = client.get(url, params), []
    while True:
        assert response.status_code == 200
        ids += [row.pk for row in response.context["page"]]
        if between is not None:
            between()
        link = response.context["pager"]["next"]
        if not link:
            return ids
        assert "page=" not in link and "trang=" not in link  # a cursor, never an offset
        response = client.get(f"{url}?{link}")
