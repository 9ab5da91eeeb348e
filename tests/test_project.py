import pytest
from tracker import services
from tracker.models import Citizen


def test_probe(db):
    try:
        c = services.citizen_create(user=None, name="X", cpr="010190-1234")
        print("OK", c.cpr)
    except Exception as e:
        print("ERR", repr(e))
    c = Citizen(name="Y", cpr="310290-1234")
    try:
        c.full_clean()
    except Exception as e:
        print("ERR2", e.message_dict)
