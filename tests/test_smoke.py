from members.models import Agency


def test_the_eleven_member_agencies_are_loaded(db):
    assert Agency.objects.count() == 11
    assert Agency.objects.get(code="KCS").country == "KR"
