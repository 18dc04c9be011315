"""Which files go into the package (everything else is in pyproject.toml).

STYLE.md keeps ``templates/`` and ``migrations/`` at the top of the repository; the wheel
carries them inside the package, as ``tracker/templates`` and ``tracker/migrations``
(``package_dir`` maps them), next to ``tracker/static`` (our CSS and script, and
``static/govuk``, GOV.UK Frontend built by ``make assets``). ``tracker.config.resource_dir``
finds them in either place, so a source checkout, an editable install and an installed
wheel all work.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

if not Path("tracker/static/govuk/govuk-frontend.min.css").is_file():
    raise SystemExit("GOV.UK Frontend is not built: run `make assets` before building the package.")

setup(
    # Namespace packages too: some domain folders have no __init__.py (tracker/auth, …).
    packages=[*find_namespace_packages(include=["tracker", "tracker.*"], exclude=["tracker.static*"]),
              "tracker.templates", "tracker.migrations", "tracker.migrations.versions"],
    package_dir={"tracker.templates": "templates", "tracker.migrations": "migrations"},
    package_data={
        "tracker": ["static/*.*", "static/govuk/*", "static/govuk/assets/*", "static/govuk/assets/*/*"],
        "tracker.templates": ["*.html", "**/*.html", "**/*.txt"],
        "tracker.migrations": ["script.py.mako", "README*"],
    },
    exclude_package_data={"": ["*.pyc"]},
)
