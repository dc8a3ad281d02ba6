# king: build, test, benchmark and fuzz. `make test` is what CI runs.
GO          ?= go
BIN         := bin/king
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 3s
LONGFUZZ    ?= 2m
BENCHCOUNT  ?= 1
DEMO_DIR    ?= $(CURDIR)/.demo

.PHONY: build test vet race fuzz-smoke fuzz bench lint demo torture clean

build:
	$(GO) build -o $(BIN) ./cmd/king

vet:
	$(GO) vet ./...

race: build
	$(GO) test -race -timeout 12m ./...

# The short fuzz smoke run: every Fuzz target in the module for $(FUZZTIME).
fuzz-smoke:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

test: vet race fuzz-smoke

# Longer runs of every fuzz target.
fuzz:
	FUZZTIME=$(LONGFUZZ) scripts/fuzz.sh

bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) -timeout 60m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Long crash-safety runs (kill -9 at random moments).
torture: build
	KING_TORTURE=1000 $(GO) test -run Torture -timeout 60m ./...

demo: build
	scripts/demo.sh "$(DEMO_DIR)"

clean:
	rm -rf bin .demo
