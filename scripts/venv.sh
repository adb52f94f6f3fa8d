# Sourced by scripts/demo and scripts/test: the virtualenv they install into.
#
# llama-cpp-python compiles llama.cpp when it is installed. Its default build is tuned to the
# machine's own CPU (-march=native); on a CPU with AMX and AVX-512 that build crashed with a
# segmentation fault on the first prompt of more than one token. The portable build does not.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"

# install_venv VENV PYTHON PIP-INSTALL-ARGUMENTS...: create VENV with PYTHON unless it exists,
# bring its pip up to date, and install the arguments' packages into it.
install_venv() {
  local venv=$1 python=$2
  shift 2
  { [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"; } &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -U "pip>=25.1" &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
}
