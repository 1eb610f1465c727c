# Both targets set themselves up on a fresh machine: they create .venv and (re)install the
# project whenever pyproject.toml changes (the stamp file name carries its hash).
.PHONY: demo test stateful

VENV := .venv
PYPROJECT_HASH := $(shell sha256sum pyproject.toml | cut -c1-12)
STAMP := $(VENV)/.installed-$(PYPROJECT_HASH)

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	rm -f $(VENV)/.installed-*
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $@

demo: $(STAMP)
	$(VENV)/bin/readtick $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen QT_API=pyside6 timeout 900 $(VENV)/bin/python -m pytest $(ARGS)


# The receipt state machine (tests/core/test_stateful.py) at length: 2,000 examples per store
# (CI runs 100). No per-test timeout: it takes minutes, more if hypothesis finds and shrinks a bug.
stateful: $(STAMP)
	READTICK_STATEFUL_EXAMPLES=$${READTICK_STATEFUL_EXAMPLES:-2000} timeout 7200 $(VENV)/bin/python -m pytest \
		tests/core/test_stateful.py -p no:cacheprovider --timeout 0 -o faulthandler_timeout=0 \
		--hypothesis-show-statistics $(ARGS)
