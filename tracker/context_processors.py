"""Navigation for the base template: which menu entries the user's roles give."""

from tracker.selectors import access_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"access": None}
    return {"access": access_for(user)}
