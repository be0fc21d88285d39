# The two commands of the README: `make demo` and `make test`. Both install what they need.
SWIFT ?= swift
INTEROP_CASES ?= 3000

.PHONY: all deps build demo test unit-test interop node-test examples bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	$(SWIFT) build

## make demo: a devnet in one process and a real job through the CLI: 8 tasks of π at trust 100 on 4
## workers, one lying; results verified and downloaded; who was paid what (scripts/demo.sh).
demo: build
	@scripts/demo.sh

## make test: unit tests, the reference checks against eth-account / eth-abi and HTCondor's classad2,
## then web3.py against a running node (the PoCo flow end to end, the market and the storage, and
## kill -9 in the middle of a transaction stream), then the example apps rebuilt and checked.
test: unit-test interop node-test examples

unit-test:
	@scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

interop:
	@scripts/install-deps.sh test
	@Tests/Interop/run.sh --cases $(INTEROP_CASES)
	@Tests/Interop/classad-test.sh --cases $(INTEROP_CASES)

node-test:
	@scripts/install-deps.sh test
	$(SWIFT) build --product iexec
	@Tests/Interop/node-test.sh "$$($(SWIFT) build --show-bin-path)/iexec"

## The example apps (Examples/apps): rebuilt, compared with the committed modules, run once.
examples:
	@Examples/apps/check.sh

## make bench: release-build benchmarks with the C references (pycryptodome, coincurve).
bench:
	@scripts/install-deps.sh test
	@Tests/Interop/setup-venv.sh >/dev/null
	$(SWIFT) run -c release iexec-bench crypto

## make fuzz: the decoder fuzzers (RLP, ABI, raw transactions, JSON); FUZZ_RUNS inputs each.
FUZZ_RUNS ?= 1000000
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_RUNS)

clean:
	rm -rf .build .build-* Tests/Interop/.venv Tests/Interop/out
