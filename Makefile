# typedforce: make demo runs the product end to end on the embedded fake org;
# make test runs everything CI runs.
GO ?= go

.PHONY: all test vet generate drift race demo bench fmt redis-server

all: test

## test: vet, the generated-code drift check, and the race-enabled test suite.
test: vet drift race

vet:
	$(GO) vet ./...
	cd bench && $(GO) vet ./...   # the benchmark module (peers): compiles against today's API

generate:
	$(GO) generate ./...

## drift: regenerate and fail if the committed generated code differs.
drift: generate
	@git diff --exit-code --stat -- openapi gen sampleorg || \
	  (echo "generated code is out of date: run 'go generate ./...' and commit the result" >&2; exit 1)
	@untracked=$$(git ls-files --others --exclude-standard -- openapi gen sampleorg); \
	  if [ -n "$$untracked" ]; then echo "generated files not committed: $$untracked" >&2; exit 1; fi

race: redis-server
	$(GO) test -race -count=1 ./...

## redis-server: the tests of auth/redisstore start their own redis-server;
## install the Debian package when it is missing (as root, else with sudo).
redis-server:
	@command -v redis-server >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; } || \
	  { echo "redis-server is missing and could not be installed: apt-get install redis-server" >&2; exit 1; }
	@command -v redis-server >/dev/null

demo:
	$(GO) run ./examples/quickstart

## bench: the generator's scale figures (1,000-object synthetic org), then
## typedforce side by side with its peers on a loopback org (the bench
## module, see docs/BENCHMARKS.md). Each figure is a `figure: name = value` line.
bench:
	$(GO) run ./internal/cmd/genbench
	cd bench && $(GO) run ./cmd/peerbench

fmt:
	gofmt -w $$(git ls-files '*.go')
