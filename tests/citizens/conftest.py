import pytest

from samverkan.citizens import challenge


@pytest.fixture(autouse=True)
def _easy_work(settings):
    # The difficulty is a setting: a few bits keep the tests fast, the rule is the same.
    settings.CITIZEN_POW_BITS = 4


@pytest.fixture
def post_observation(client):
    """Post the public form as a resident's browser would, the work done."""

    def post(code="9901", *, lon=15.5, lat=59.5, concerns=None, c=None, **extra):
        from samverkan.citizens.services import concerns_for
        from samverkan.core.models import Area

        c = c or client
        if "sv_device" not in c.cookies:
            c.get(f"/tryggvandring/{code}/")
        if concerns is None:
            m = Area.objects.get(code="9901")
            concerns = [concerns_for(m).first().pk]
        ch = challenge.issue()
        data = {
            "lon": lon,
            "lat": lat,
            "concerns": concerns,
            "text": "",
            "email": "",
            "website": "",
            "challenge": ch,
            "counter": str(challenge.solve(ch)),
        }
        headers = extra.pop("headers", {})
        data.update(extra)
        return c.post(f"/tryggvandring/{code}/", data, **headers)

    return post
