from tests.leaving_care.conftest import leavers  # noqa: F401  (young people with a care history)
