# The project's commands. `make demo` and `make test` install what they need first
# (scripts/setup.sh: Debian's QGIS, a .venv with onnxruntime and the test tools).
PYTHON := .venv/bin/python

.PHONY: setup demo test bench package wheel lint clean

setup:
	bash scripts/setup.sh

demo: setup
	PYTHON=$(PYTHON) bash scripts/demo.sh

# pytest fails the build by its own exit code, including 5 when it found no test at all.
test: setup
	QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest

# Speed and memory figures: each script prints a ratio as its last line (benchmarks/README.md).
bench: setup
	$(PYTHON) benchmarks/cascade_speedup.py
	$(PYTHON) benchmarks/memory.py
	$(PYTHON) benchmarks/io_ratio.py
	$(PYTHON) benchmarks/peers.py
	$(PYTHON) benchmarks/batch_scaling.py

package:
	python3 scripts/package.py zip

# The engine and the cloud-mask command as a wheel in dist/ (README: "Whole archives").
wheel: setup
	$(PYTHON) -m pip wheel --no-deps --no-build-isolation -w dist .

# Unused imports and variables, undefined names.
lint: setup
	$(PYTHON) -m pyflakes cloud_mask_plugin training tests scripts benchmarks/*.py  # not benchmarks/.cache: a peer's venv

clean:
	rm -rf demo_output dist build *.egg-info .qgis-settings .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
