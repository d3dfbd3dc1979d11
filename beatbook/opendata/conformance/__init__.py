"""Conformance tests of the police.uk-compatible API: four real police.uk clients from PyPI
(police-api-client, pyrozza, uk-police, uk-police-api) against a live Beatbook server on
127.0.0.1, as ../shared/policeuk-api.md C.3 plans. Not named `tests`: uk-police installs a stray
top-level package of that name."""
